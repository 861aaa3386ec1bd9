import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { jsonReplacer } from '../../core/atomic.js';
import { foldTable, renderTable } from '../../../evaluators/report.js';
import { ConfigError } from '../../core/errors.js';
import { envRun, envRunSchema, isStandaloneEnv } from '../../training/env-run.js';
import { experimentSchema } from '../../training/experiment-config.js';
import type { Registries } from '../../training/registries.js';
import { trainRun } from '../../training/train-run.js';
import { envProgressReporter } from '../env-progress.js';
import type { CliIo } from '../io.js';
import { intOption, numberOption } from '../options.js';
import { progressReporter } from '../progress.js';
import { readJsonObject } from '../../core/read-json.js';

interface TrainFlags {
  config?: string;
  generator?: string;
  ratio?: number;
  syntheticOnly?: boolean;
  agent?: string;
  env?: string;
  seed?: number;
  data?: string;
  folds?: number;
  steps?: number;
  envs?: number;
  evalEpisodes?: number;
  resume?: string;
  agentPreset?: string;
  calendar?: string[];
  news?: string[];
  parser?: string;
  randomize?: number;
  scenario?: string;
  eventFeatures?: boolean;
  out: string;
  json?: boolean;
}

/** Defaults come from the schemas (the single source of truth), never restated here. */
const defaults = experimentSchema.parse({});
const envDefaults = envRunSchema.parse({});

/** Flags of the walk-forward experiment only, by config key and flag name. */
const TRADING_ONLY: readonly (readonly [keyof TrainFlags, string])[] = [
  ['generator', '--generator'],
  ['ratio', '--ratio'],
  ['syntheticOnly', '--synthetic-only'],
  ['data', '--data'],
  ['folds', '--folds'],
  ['calendar', '--calendar'],
  ['news', '--news'],
  ['parser', '--parser'],
  ['randomize', '--randomize'],
  ['scenario', '--scenario'],
  ['eventFeatures', '--event-features'],
];

const help = (key: string): string => {
  const shape = experimentSchema.shape as Record<string, { description?: string }>;
  return shape[key]?.description ?? '';
};

/**
 * `rl train`: walk-forward experiment on real data with synthetic:real = ratio:1 training; with `--env` naming
 * an env that needs no market data (`cartpole-v1`), a plain training run evaluated on deterministic episodes.
 */
export function registerTrainCommand(program: Command, io: CliIo, registries: Registries): void {
  program
    .command('train')
    .description(
      'fit a generator per walk-forward fold, train an agent on synthetic:real = ratio:1, test on held-out real data; ' +
        'with --env naming an env that needs no market data (cartpole-v1), train on it and report the mean reward of deterministic evaluation episodes',
    )
    .option('--config <file>', 'experiment config (JSON); flags override its values')
    .option('-g, --generator <id>', `synthetic data generator: ${registries.generators.ids().join(', ')} (default ${defaults.generator.id})`)
    .option('-r, --ratio <r>', `${help('ratio')} (default ${defaults.ratio})`, numberOption(0))
    .option('--synthetic-only', help('syntheticOnly'))
    .option('-a, --agent <id>', `agent: ${registries.agents.ids().join(', ')} (default ${defaults.agent.id})`)
    .option('--calendar <files...>', "calendar of the real series: 'builtin' (default), 'none', or .jsonl/.json/.csv/.ics files")
    .option('--news <files...>', 'news files (NewsItems .jsonl, or .csv with date,text) parsed into events and added to the calendar')
    .option('--parser <id>', 'event parser for --news (default builtin)')
    .option('--randomize <p>', 'event generator: probability of drawing each event outcome afresh instead of keeping history (0..1)', numberOption(0, 1))
    .option('--scenario <file>', 'event generator: what-if events (JSON array or JSONL of { offset, type, importance, surprise })')
    .option('--event-features', 'event-aware observations: time to the next scheduled event and the decaying last surprise per event type')
    .option('--agent-preset <name>', 'a named agent config (dqn: sb3, cartpole; ppo: sb3); explicit agent.config keys in --config override it')
    .option('-e, --env <id>', `environment: ${registries.envs.ids().join(', ')} (default ${defaults.env.id}); one that needs no market data trains on its own`)
    .option('-s, --seed <n>', `${help('seed')} (default ${defaults.seed})`, intOption(0))
    .option('-d, --data <file>', "real bars CSV (date,open,high,low,close[,adj_close],volume); default 'builtin' S&P 500")
    .option('-k, --folds <k>', `walk-forward folds (default ${defaults.walkForward.folds})`, intOption(1, 100))
    .option('-n, --steps <n>', `training env steps per fold (default ${defaults.train.steps})`, intOption(1))
    .option('--envs <n>', `parallel training environments (default ${defaults.train.numEnvs}; ${envDefaults.train.numEnvs} with a non-trading --env)`, intOption(1, 1024))
    .option('--eval-episodes <n>', `non-trading --env: deterministic evaluation episodes (default ${envDefaults.eval.episodes})`, intOption(1))
    .option('-o, --out <dir>', 'parent directory of run directories', 'runs')
    .option('--resume <id>', 'continue an interrupted walk-forward run (its config is the run’s own; other flags are refused)')
    .option('--json', 'print the report JSON on stdout (progress stays on stderr)')
    .action(async (flags: TrainFlags) => {
      if (flags.resume !== undefined) {
        const extra = Object.keys(flags).filter((k) => !['resume', 'out', 'json'].includes(k));
        if (extra.length > 0) throw new ConfigError('--resume', `takes the interrupted run's own config; drop ${extra.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
      }
      const base = flags.config ? readJsonObject(flags.config, 'config') : {};
      const envId = flags.env ?? envIdOf(base);
      if (envId !== undefined && isStandaloneEnv(registries.envs.get(envId))) {
        await trainOnEnv(withAgentPreset(mergeEnvFlags(base, flags), flags.agentPreset, registries, envDefaults.agent.id), flags, io, registries);
        return;
      }
      if (flags.evalEpisodes !== undefined) throw new ConfigError('--eval-episodes', `applies to envs that need no market data, not ${envId ?? defaults.env.id}`);
      const input = flags.resume === undefined ? withAgentPreset(mergeFlags(base, flags), flags.agentPreset, registries, defaults.agent.id) : undefined;
      // Ctrl-C: the run checkpoints at the next update and stops; `--resume <id>` continues it.
      let interrupted = false;
      const onSigint = () => {
        if (interrupted) process.exit(130); // a second Ctrl-C stops at once
        interrupted = true;
        io.err('rl: stopping at the next update (Ctrl-C again to quit now)\n');
      };
      process.on('SIGINT', onSigint);
      let result: Awaited<ReturnType<typeof trainRun>>;
      try {
        result = await trainRun(input, {
          registries,
          outDir: flags.out,
          onProgress: progressReporter(io),
          interrupted: () => interrupted,
          ...(flags.resume !== undefined ? { resume: flags.resume } : {}),
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      if (flags.json) {
        io.out(`${JSON.stringify({ ...result.report, dir: result.dir }, jsonReplacer, 2)}\n`);
        return;
      }
      const r = result.report;
      io.out(
        `${r.agent} on ${r.generator} (synthetic:real = ${r.syntheticOnly ? 'synthetic only' : `${r.ratio}:1`}), seed ${r.seed}, ${r.stepsPerFold} steps/fold, ` +
          `walk-forward on ${r.data.symbol} ${r.data.from}..${r.data.to}\n\n${renderTable(foldTable(r))}\n\nrun ${result.id} → ${result.dir}\n`,
      );
    });
}

/** `rl train --env cartpole-v1 …`: train, evaluate, print a few lines (or the report as JSON). */
async function trainOnEnv(input: Record<string, unknown>, flags: TrainFlags, io: CliIo, registries: Registries): Promise<void> {
  const started = performance.now();
  const result = await envRun(input, { registries, outDir: flags.out, onProgress: envProgressReporter(io) });
  const seconds = (performance.now() - started) / 1000; // wall clock: printed, never stored
  const r = result.report;
  if (flags.json) {
    io.out(`${JSON.stringify({ ...r, dir: result.dir }, jsonReplacer, 2)}\n`);
    return;
  }
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
  io.out(
    `${r.agent} on ${r.env}, seed ${r.seed}, ${r.numEnvs} env${r.numEnvs > 1 ? 's' : ''}\n` +
      `train  ${r.trainSteps} steps, ${r.trainEpisodes} episodes, mean episode return ${fmt(r.trainMeanEpisodeReturn)} (last ≤ 100), ${seconds.toFixed(1)} s\n` +
      `eval   mean reward ${fmt(r.evalMeanReward)} ± ${fmt(r.evalStdReward)} (sd) over ${r.evalEpisodes} deterministic episodes, mean length ${fmt(r.evalMeanLength)}\n` +
      `\nrun ${result.id} → ${result.dir}\n`,
  );
}

/**
 * Applies `--agent-preset`: the named config of the chosen agent, under any `agent.config` keys the
 * config file sets explicitly. @throws ConfigError naming the flag for an unknown preset.
 */
function withAgentPreset(input: Record<string, unknown>, preset: string | undefined, registries: Registries, defaultAgent: string): Record<string, unknown> {
  if (preset === undefined) return input;
  const agent = (input.agent ?? {}) as { id?: string; config?: Record<string, unknown> };
  const id = agent.id ?? defaultAgent;
  const presets = registries.agents.get(id).presets ?? {};
  const chosen = presets[preset] as Record<string, unknown> | undefined;
  if (chosen === undefined) {
    const names = Object.keys(presets);
    throw new ConfigError('--agent-preset', `agent "${id}" has ${names.length > 0 ? `presets ${names.join(', ')}` : 'no presets'}, not "${preset}"`);
  }
  return { ...input, agent: { ...agent, id, config: { ...chosen, ...(agent.config ?? {}) } } };
}

/** The env id a config file names, if any. */
function envIdOf(base: Record<string, unknown>): string | undefined {
  const env = base.env as { id?: unknown } | undefined;
  return typeof env?.id === 'string' ? env.id : undefined;
}

/**
 * Flags override the config file of a run on a non-trading env. Walk-forward flags do not apply there:
 * each is a ConfigError naming it.
 */
function mergeEnvFlags(base: Record<string, unknown>, f: TrainFlags): Record<string, unknown> {
  const used = TRADING_ONLY.find(([key]) => f[key] !== undefined);
  if (used) throw new ConfigError(used[1], `applies to the walk-forward experiment on market data, not --env ${f.env ?? envIdOf(base)}`);
  const obj = (key: string) => ({ ...((base[key] as Record<string, unknown> | undefined) ?? {}) });
  const out: Record<string, unknown> = { ...base };
  if (f.env !== undefined) out.env = { ...obj('env'), id: f.env };
  if (f.agent !== undefined) out.agent = { ...obj('agent'), id: f.agent };
  if (f.seed !== undefined) out.seed = f.seed;
  if (f.steps !== undefined || f.envs !== undefined) {
    out.train = { ...obj('train'), ...(f.steps !== undefined ? { steps: f.steps } : {}), ...(f.envs !== undefined ? { numEnvs: f.envs } : {}) };
  }
  if (f.evalEpisodes !== undefined) out.eval = { ...obj('eval'), episodes: f.evalEpisodes };
  return out;
}

/** Flags override the config file, key by key. */
function mergeFlags(base: Record<string, unknown>, f: TrainFlags): Record<string, unknown> {
  const obj = (key: string) => ({ ...((base[key] as Record<string, unknown> | undefined) ?? {}) });
  const out: Record<string, unknown> = { ...base };
  if (f.generator !== undefined) out.generator = { ...obj('generator'), id: f.generator };
  if (f.agent !== undefined) out.agent = { ...obj('agent'), id: f.agent };
  if (f.env !== undefined) out.env = { ...obj('env'), id: f.env };
  if (f.ratio !== undefined) out.ratio = f.ratio;
  if (f.syntheticOnly) out.syntheticOnly = true;
  if (f.seed !== undefined) out.seed = f.seed;
  if (f.data !== undefined) out.data = f.data;
  if (f.folds !== undefined) out.walkForward = { ...obj('walkForward'), folds: f.folds };
  if (f.steps !== undefined || f.envs !== undefined) {
    out.train = { ...obj('train'), ...(f.steps !== undefined ? { steps: f.steps } : {}), ...(f.envs !== undefined ? { numEnvs: f.envs } : {}) };
  }
  if (f.calendar !== undefined || f.news !== undefined || f.parser !== undefined) {
    out.events = {
      ...obj('events'),
      ...(f.calendar !== undefined ? { calendar: f.calendar.length === 1 ? f.calendar[0] : f.calendar } : {}),
      ...(f.news !== undefined ? { news: f.news } : {}),
      ...(f.parser !== undefined ? { parser: f.parser } : {}),
    };
  }
  if (f.randomize !== undefined || f.scenario !== undefined) {
    const generator = (out.generator as Record<string, unknown> | undefined) ?? obj('generator');
    const config = { ...((generator.config as Record<string, unknown> | undefined) ?? {}) };
    if (f.randomize !== undefined) config.randomize = f.randomize;
    if (f.scenario !== undefined) config.scenario = readScenario(f.scenario);
    out.generator = { ...generator, config };
  }
  if (f.eventFeatures) {
    const env = (out.env as Record<string, unknown> | undefined) ?? obj('env');
    const envConfig = { ...((env.config as Record<string, unknown> | undefined) ?? {}) };
    const features = { ...((envConfig.features as Record<string, unknown> | undefined) ?? {}) };
    envConfig.features = { ...features, calendar: features.calendar ?? {} };
    out.env = { ...env, config: envConfig };
  }
  return out;
}

/** A scenario file: a JSON array, or JSONL with one event per line. @throws ConfigError naming the flag. */
function readScenario(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('--scenario', `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('[')) return JSON.parse(trimmed) as unknown[];
    return trimmed.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } catch (e) {
    throw new ConfigError('--scenario', `${file} is not a JSON array or JSONL: ${(e as Error).message}`);
  }
}
