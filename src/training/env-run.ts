/**
 * Training runs on envs that need no market data (classic-control tasks such as `cartpole-v1`): train a
 * registered agent on a vector of envs, evaluate it on deterministic episodes of a separately seeded env,
 * and persist the run like a walk-forward experiment (`runs/<id>/`). The agent and env come from the
 * registries, so any agent that implements the Agent contract works, with discrete or Box actions.
 */
import { z } from 'zod';
import type { Agent, TrainSummary } from '../../agents/agent.js';
import type { EnvSpec } from '../../envs/env-spec.js';
import { makeEnv } from '../../envs/make-env.js';
import { parseConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { packageInfo } from '../core/package-info.js';
import { Rng } from '../core/rng.js';
import { SyncVectorEnv } from '../core/vector-env.js';
import { contentId } from '../store/hash.js';
import { RunWriter } from '../store/run-dir.js';
import { evaluateEpisodes, summarizeEpisodes, type AnyActionEnv, type EpisodeStats } from './evaluate-episodes.js';
import type { Registries } from './registries.js';
import { runManifest, tfBackendFor } from './run-manifest.js';

// ─── Config: the single source of truth ─────────────────────────────────────────────────────────────────
const pluginSchema = (kind: string, id: string) =>
  z
    .strictObject({
      id: z.string().default(id).describe(`${kind} id (rl list ${kind}s)`),
      config: z.record(z.string(), z.unknown()).default({}).describe(`${kind} config (the ${kind}'s schema)`),
    })
    .prefault({});

/**
 * An env run's configuration. Every level is strict: an unknown key is a ConfigError naming it. Plugin
 * configs (`agent.config`, `env.config`) are validated by the plugin's own schema in {@link resolveEnvRun}.
 */
export const envRunSchema = z.strictObject({
  seed: z.number().int().min(0).default(0).describe('root seed: every random stream forks from it'),
  env: pluginSchema('env', 'cartpole-v1'),
  agent: pluginSchema('agent', 'ppo'),
  train: z
    .strictObject({
      steps: z.number().int().positive().default(100_000).describe('training env steps (summed over envs)'),
      numEnvs: z.number().int().min(1).max(1024).default(1).describe('parallel training environments'),
    })
    .prefault({}),
  eval: z
    .strictObject({
      episodes: z.number().int().positive().default(20).describe('deterministic evaluation episodes after training'),
    })
    .prefault({}),
});

export type EnvRunInput = z.input<typeof envRunSchema>;
export type EnvRunConfig = z.output<typeof envRunSchema>;

/**
 * Whether an env can be built from its default config alone, with no creation context (no episode source,
 * no panel): classic-control tasks such as `cartpole-v1`, not the market envs. Probes by building one and
 * closing it; a ConfigError from `create` (a missing `ctx.source`) means "needs market data".
 *
 * @example
 * isStandaloneEnv(registries.envs.get('cartpole-v1')); // true
 * isStandaloneEnv(registries.envs.get('trading-v0'));  // false
 */
export function isStandaloneEnv(spec: EnvSpec): boolean {
  try {
    spec.create({}).close();
    return true;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

/**
 * Resolves an env run: defaults, then the agent's and env's own schemas, so the result holds every default.
 *
 * @example
 * resolveEnvRun({ agent: { id: 'ppo', config: { nSteps: 64 } } }, createRegistries()).train.numEnvs; // 1
 * @throws ConfigError naming the key (also `env.id` for an env that needs market data);
 *   UnknownPluginError (with did-you-mean) for an unknown agent or env id.
 */
export function resolveEnvRun(input: unknown, registries: Registries): EnvRunConfig {
  const cfg = parseConfig(envRunSchema, input);
  const envSpec = registries.envs.get(cfg.env.id);
  const agentSpec = registries.agents.get(cfg.agent.id);
  if (!isStandaloneEnv(envSpec)) {
    throw new ConfigError('env.id', `"${cfg.env.id}" needs market data: train it with the walk-forward experiment (trainRun, or rl train without a non-trading --env)`);
  }
  return {
    ...cfg,
    env: { id: cfg.env.id, config: parseConfig(envSpec.configSchema, cfg.env.config, 'env.config') as Record<string, unknown> },
    agent: { id: cfg.agent.id, config: parseConfig(agentSpec.configSchema, cfg.agent.config, 'agent.config') as Record<string, unknown> },
  };
}

// ─── Results ────────────────────────────────────────────────────────────────────────────────────────────
/** Where a run is: shown on stderr by the CLI, never written into results. */
export type EnvRunProgress =
  | { readonly phase: 'train'; readonly step: number; readonly steps: number }
  | { readonly phase: 'eval'; readonly episode: number; readonly episodes: number }
  | { readonly phase: 'done' };

/** `report.json` of an env run. No wall-clock figure: equal configs give equal bytes. */
export interface EnvRunReport {
  readonly runId: string;
  readonly seed: number;
  readonly env: string;
  readonly agent: string;
  readonly numEnvs: number;
  /** Env steps trained, summed over envs (PPO rounds the budget up to whole rollouts). */
  readonly trainSteps: number;
  readonly trainUpdates: number;
  readonly trainEpisodes: number;
  /** Mean return of the last (up to 100) training episodes, NaN when none ended. */
  readonly trainMeanEpisodeReturn: number;
  readonly evalEpisodes: number;
  /** Mean undiscounted return (sum of env rewards) per evaluation episode, deterministic actions. */
  readonly evalMeanReward: number;
  /** Population standard deviation of the evaluation returns (numpy's `np.std`, as SB3's `evaluate_policy`). */
  readonly evalStdReward: number;
  /** Mean evaluation episode length, in env steps. */
  readonly evalMeanLength: number;
  /** Each evaluation episode's return, in order (episode k reset with seed `evalSeed + k`). */
  readonly evalReturns: readonly number[];
}

export interface EnvRunOptions {
  readonly registries: Registries;
  /** Parent directory of run directories (default `runs`). */
  readonly outDir?: string;
  readonly onProgress?: (p: EnvRunProgress) => void;
}

export interface EnvRunResult {
  readonly id: string;
  readonly dir: string;
  readonly config: EnvRunConfig;
  readonly report: EnvRunReport;
}

// ─── The run ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Resolves the config, trains the agent on `train.numEnvs` envs built by `makeEnv` (so the spec's
 * TimeLimit applies), evaluates it on `eval.episodes` deterministic episodes of a fresh env, and persists
 * `runs/<id>/`: `config.json` (fully resolved), `metrics.jsonl` (one line per `onRolloutEnd`, with `step`),
 * `report.json`, `agent/` (the final checkpoint, `agent.save`) and `manifest.json`. The id hashes the
 * resolved config and the package version. Random streams fork from `seed` by name: `agent` (the agent's
 * context), `env` (the training envs' seed), `eval` (the evaluation seeds) and `eval-act` (the rng given to
 * `act`), so the same config gives byte-identical `config.json`, `metrics.jsonl` and `report.json`.
 *
 * @example
 * const { report } = await envRun({ env: { id: 'cartpole-v1' }, agent: { id: 'ppo' }, train: { steps: 50_000 } }, { registries: createRegistries() });
 * report.evalMeanReward; // mean return over 20 deterministic episodes
 * @throws ConfigError, UnknownPluginError; RlError (E_SPACE) from an agent that does not fit the env's spaces.
 */
export async function envRun(input: unknown, opts: EnvRunOptions): Promise<EnvRunResult> {
  const { registries } = opts;
  const config = resolveEnvRun(input, registries);
  const agentSpec = registries.agents.get(config.agent.id);
  const pkg = packageInfo();
  const id = contentId({ config, package: { name: pkg.name, version: pkg.version } });
  const tfBackend = await tfBackendFor(agentSpec);
  const root = Rng.fromSeed(config.seed);
  const build = () => makeEnv(registries.envs, config.env.id, { config: config.env.config }) as AnyActionEnv;

  const writer = RunWriter.open(opts.outDir ?? 'runs', id);
  let agent: Agent | undefined;
  try {
    writer.writeJson('config.json', config);

    // TRAIN
    const vec = new SyncVectorEnv(Array.from({ length: config.train.numEnvs }, build));
    agent = agentSpec.create(config.agent.config, { observationSpace: vec.singleObservationSpace, actionSpace: vec.singleActionSpace, rng: root.fork('agent') });
    vec.reset(root.fork('env').nextUint32());
    const steps = config.train.steps;
    opts.onProgress?.({ phase: 'train', step: 0, steps });
    let summary: TrainSummary;
    try {
      summary = await agent.learn(vec, { steps }, {
        onRolloutEnd: ({ step, metrics }) => {
          writer.metrics.log({ step, ...metrics });
          opts.onProgress?.({ phase: 'train', step, steps });
        },
      });
    } finally {
      vec.close();
    }

    // EVALUATE: a fresh env, seeded apart from the training envs, deterministic actions
    const evalEnv = build();
    let episodes: EpisodeStats;
    try {
      episodes = evaluateEpisodes(evalEnv, agent, {
        episodes: config.eval.episodes,
        seed: root.fork('eval').nextUint32(),
        rng: root.fork('eval-act'),
        onEpisode: (episode) => opts.onProgress?.({ phase: 'eval', episode, episodes: config.eval.episodes }),
      });
    } finally {
      evalEnv.close();
    }
    const report: EnvRunReport = {
      runId: id,
      seed: config.seed,
      env: config.env.id,
      agent: config.agent.id,
      numEnvs: config.train.numEnvs,
      trainSteps: summary.steps,
      trainUpdates: summary.updates,
      trainEpisodes: summary.episodes,
      trainMeanEpisodeReturn: summary.meanEpisodeReturn,
      evalEpisodes: episodes.returns.length,
      ...evalSummary(episodes),
      evalReturns: episodes.returns,
    };
    writer.writeJson('report.json', report);
    await agent.save(writer.stagedPath('agent'));
    const dir = writer.commit(
      runManifest({ id, seed: config.seed, config, tfBackend }, { plugins: { agent: { id: config.agent.id, version: agentSpec.version }, env: { id: config.env.id } } }),
    );
    opts.onProgress?.({ phase: 'done' });
    return { id, dir, config, report };
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    agent?.dispose();
  }
}

function evalSummary(episodes: EpisodeStats): { evalMeanReward: number; evalStdReward: number; evalMeanLength: number } {
  const s = summarizeEpisodes(episodes);
  return { evalMeanReward: s.meanReward, evalStdReward: s.stdReward, evalMeanLength: s.meanLength };
}
