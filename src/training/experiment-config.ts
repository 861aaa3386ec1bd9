import { z } from 'zod';
import { decorationsSchema } from '../../generators/decorate.js';
import { parseConfig } from '../core/config.js';
import type { ZodType } from 'zod';

export { parseConfig } from '../core/config.js';

/**
 * The experiment configuration: one zod schema is the single source of truth for defaults, ranges and
 * help text. Plugin sub-configs (`generator.config`, `agent.config`, `env.config`) are validated by the
 * plugin's own schema in {@link resolveExperiment}, and the fully resolved result is what `config.json`
 * records and what the run id hashes.
 */
export const experimentSchema = z.strictObject({
  seed: z.number().int().min(0).default(0).describe('root seed: every random stream forks from it'),
  data: z
    .string()
    .min(1)
    .default('builtin')
    .describe("real bars: 'builtin' (S&P 500 daily 2000-01-03..2020-04-17 from vega-datasets) or a CSV path"),
  generator: z
    .object({
      id: z.string().default('event').describe('synthetic data generator id (rl list generators)'),
      config: z.record(z.string(), z.unknown()).default({}).describe("generator config (the generator's schema)"),
      ...decorationsSchema.shape,
    })
    .prefault({}),
  events: z
    .strictObject({
      calendar: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .default('builtin')
        .describe("calendar of the real series: 'builtin' (FOMC decisions, CPI and payroll schedules), 'none', or calendar files (.jsonl, .json, .csv, .ics)"),
      news: z.array(z.string().min(1)).default([]).describe('news files (NewsItems as .jsonl, or .csv with date,text columns) parsed into events and merged into the calendar'),
      parser: z.string().default('builtin').describe('event parser for the news files'),
    })
    .prefault({})
    .describe('the events the `event` generator is fitted on and event-aware observations read (each fold sees only its training window)'),
  ratio: z.number().min(0).default(4).describe('synthetic episodes per real episode (r in r:1); 0 = real only'),
  syntheticOnly: z.boolean().default(false).describe('train on synthetic data only (no real training episodes)'),
  agent: z
    .object({
      id: z.string().default('ppo').describe('agent id (rl list agents)'),
      config: z.record(z.string(), z.unknown()).default({}).describe("agent config (the agent's schema)"),
    })
    .prefault({}),
  env: z
    .object({
      id: z.string().default('trading-v0').describe('environment id (rl list envs)'),
      config: z.record(z.string(), z.unknown()).default({}).describe("environment config (the env's schema)"),
    })
    .prefault({}),
  train: z
    .object({
      steps: z.number().int().positive().default(100_000).describe('training env steps per fold (summed over envs)'),
      numEnvs: z.number().int().min(1).max(1024).default(4).describe('parallel training environments'),
      checkpointEvery: z.number().int().min(0).default(50_000).describe('env steps between resumable agent checkpoints within a fold (0 = only between folds)'),
    })
    .prefault({}),
  walkForward: z
    .object({
      folds: z.number().int().min(1).default(4).describe('walk-forward folds over the real series'),
      testSize: z.number().int().positive().optional().describe('bars per test window (default: fit the folds into the data)'),
      embargo: z.number().int().min(0).default(5).describe('bars skipped between a train window and its test window'),
      minTrain: z.number().int().positive().default(756).describe('bars in the first fold’s training window, at least'),
      mode: z.enum(['expanding', 'rolling']).default('expanding').describe('expanding: train from the start; rolling: fixed-size train window'),
      trainSize: z.number().int().positive().optional().describe('rolling mode: bars per training window'),
    })
    .prefault({}),
});

export type ExperimentInput = z.input<typeof experimentSchema>;
export type ExperimentConfig = z.output<typeof experimentSchema>;

/** Identity helper typing an experiment file: `export default defineExperiment({ ratio: 4 })`. */
export function defineExperiment(cfg: ExperimentInput): ExperimentInput {
  return cfg;
}

/** The plugin schemas a resolution needs (looked up in the registries by the caller). */
export interface PluginSchemas {
  generator: ZodType<unknown>;
  agent: ZodType<unknown>;
  env: ZodType<unknown>;
}

/**
 * Resolves an experiment: top-level defaults, then each plugin's own schema, so the result holds every
 * default explicitly.
 *
 * @throws ConfigError naming the key.
 */
export function resolveExperiment(input: unknown, schemasFor: (cfg: ExperimentConfig) => PluginSchemas): ExperimentConfig {
  const cfg = parseConfig(experimentSchema, input);
  const schemas = schemasFor(cfg);
  return {
    ...cfg,
    generator: { ...cfg.generator, config: parseConfig(schemas.generator, cfg.generator.config, 'generator.config') as Record<string, unknown> },
    agent: { id: cfg.agent.id, config: parseConfig(schemas.agent, cfg.agent.config, 'agent.config') as Record<string, unknown> },
    env: { id: cfg.env.id, config: parseConfig(schemas.env, cfg.env.config, 'env.config') as Record<string, unknown> },
  };
}
