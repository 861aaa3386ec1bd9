import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.js';
import { SyncVectorEnv } from '../src/core/vector-env.js';
import type { Bars } from '../src/data/bars.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { CartPoleEnv } from '../envs/cartpole.js';
import { PortfolioEnv } from '../envs/portfolio-env.js';
import { ContinuousTradingEnv, TradingEnv } from '../envs/trading-env.js';
import { fixedPanelEpisode } from '../src/data/panel-episode-source.js';
import { gbm } from '../generators/gbm.js';
import { createRegistries } from '../src/training/registries.js';
import { generateReturnsDataset } from '../src/store/returns-dataset.js';
import { tfBackendFor } from '../src/training/run-manifest.js';
import { makeEnv } from '../envs/make-env.js';
import type { Env } from '../src/core/env.js';
import { opsPerSecond } from './timing.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

type Suite = () => AsyncIterable<Figure> | Iterable<Figure>;

function* rngSuite(): Iterable<Figure> {
  const r = Rng.fromSeed(1);
  const n = 1_000_000;
  let sink = 0;
  yield { name: 'uniform()', value: opsPerSecond(() => { for (let i = 0; i < n; i++) sink += r.uniform(); return n; }), unit: 'draws/s' };
  yield { name: 'normal() (Ziggurat)', value: opsPerSecond(() => { for (let i = 0; i < n; i++) sink += r.normal(); return n; }), unit: 'draws/s' };
  yield { name: 'int(1000)', value: opsPerSecond(() => { for (let i = 0; i < n; i++) sink += r.int(1000); return n; }), unit: 'draws/s' };
  if (sink === 42) process.stderr.write(''); // keep the loops observable
}

/** Steps `env` with actions from `act` for `n` steps per call, resetting at episode ends. */
function stepLoop<A>(env: { step(a: A): { terminated: boolean; truncated: boolean }; reset(): unknown }, act: () => A, n = 200_000): () => number {
  return () => {
    for (let i = 0; i < n; i++) {
      const r = env.step(act());
      if (r.terminated || r.truncated) env.reset();
    }
    return n;
  };
}

/**
 * Envs with a random policy over the built-in S&P 500: window 30 and every cost on (half-spread, square-root
 * impact, commission, borrow on shorts). The portfolio env runs 10 assets sampled from GBM fitted on it.
 */
function* envSuite(): Iterable<Figure> {
  const bars = loadBuiltinSp500();
  const costs = { spreadBps: 2, impactK: 0.1, commissionBps: 1, borrowBpsPerYear: 25 };
  const config = { window: 30, episodeLength: 252, costs };
  const rng = Rng.fromSeed(0);

  const env = new TradingEnv(config, fixedEpisode(bars, 30, bars.length));
  env.reset({ seed: 0 });
  yield { name: 'TradingEnv (discrete), random policy, window 30, costs on', value: opsPerSecond(stepLoop(env, () => rng.int(3))), unit: 'steps/s' };

  const cont = new ContinuousTradingEnv(config, fixedEpisode(bars, 30, bars.length));
  cont.reset({ seed: 0 });
  const weight = new Float32Array(1);
  const randomWeight = () => ((weight[0] = 2 * rng.uniform() - 1), weight);
  yield { name: 'ContinuousTradingEnv, random weights, window 30, costs on', value: opsPerSecond(stepLoop(cont, randomWeight)), unit: 'steps/s' };

  for (const numEnvs of [16, 256]) {
    const vec = new SyncVectorEnv(Array.from({ length: numEnvs }, () => new TradingEnv(config, fixedEpisode(bars, 30, bars.length))));
    vec.reset(0);
    const actions = new Int32Array(numEnvs);
    const steps = Math.max(1, Math.floor(200_000 / numEnvs));
    yield {
      name: `SyncVectorEnv of TradingEnv, N=${numEnvs}`,
      value: opsPerSecond(() => {
        for (let s = 0; s < steps; s++) {
          for (let i = 0; i < numEnvs; i++) actions[i] = rng.int(3);
          vec.step(actions);
        }
        return steps * numEnvs;
      }),
      unit: 'env-steps/s',
    };
  }

  const assets = 10;
  const params = gbm.fit([bars], gbm.configSchema.parse({}), {});
  const panel = gbm.sample(params, Rng.fromSeed(1), { length: 2520, paths: assets }).map((path, k) => ({ ...path[0], symbol: `A${k}` }));
  const portfolio = new PortfolioEnv({ window: 30, episodeLength: 252, costs, allowShort: true }, fixedPanelEpisode(panel, 30));
  portfolio.reset({ seed: 0 });
  const weights = new Float32Array(assets);
  const randomWeights = () => {
    for (let k = 0; k < assets; k++) weights[k] = (2 * rng.uniform() - 1) / assets;
    return weights;
  };
  yield { name: `PortfolioEnv, ${assets} assets, random weights, window 30, costs on`, value: opsPerSecond(stepLoop(portfolio, randomWeights, 50_000)), unit: 'steps/s' };

  const cartpole = new CartPoleEnv();
  cartpole.reset({ seed: 0 });
  yield { name: 'cartpole-v1 (no wrappers), random policy', value: opsPerSecond(stepLoop(cartpole, () => rng.int(2))), unit: 'steps/s' };
}

/** The two shapes of the numpy reference (RESULTS.md §3): a batch of ten-year paths, and one long path. */
const GENERATOR_SHAPES = [
  { length: 2520, paths: 1000 },
  { length: 1_000_000, paths: 1 },
] as const;

/** Fit config per generator id: a trending index has no mean reversion, so `ou` is fitted anyway (its default refuses with E_FIT). */
const BENCH_FIT_CONFIG: Record<string, Record<string, unknown>> = { ou: { requireMeanReversion: false } };

/**
 * Config of the returns-only rows where it differs, with the label that says so. Heston's numpy reference takes
 * one full-truncation Euler step per bar, so its returns-only rows use `substeps: 1`; its OHLCV rows keep the
 * default (4 sub-steps per bar: overnight + 3 intraday).
 */
const BENCH_RETURNS_CONFIG: Record<string, { config: Record<string, unknown>; label: string }> = {
  heston: { config: { substeps: 1 }, label: ', substeps 1 (1 Euler step/bar, as numpy)' },
};
const BENCH_OHLCV_LABEL: Record<string, string> = { heston: ', substeps 4 (default)' };

const shapeLabel = (o: { length: number; paths: number }): string => `${o.paths} path${o.paths > 1 ? 's' : ''} × ${o.length.toLocaleString('en-US')}`;

/**
 * Sampling throughput of every registered generator, fitted on the built-in S&P 500, in paths × steps per
 * second for 1000 paths × 2520 bars and 1 path × 1e6 bars: `sampleReturns` (close-to-close log returns of
 * asset 0, the rows to set beside numpy's; theirs also include the final exp/cumsum to prices, ours stop at
 * the returns), then `sample` (full OHLCV bars). Generators without `sampleReturns` get the OHLCV rows only.
 */
function* generatorSuite(): Iterable<Figure> {
  const bars: Bars = loadBuiltinSp500();
  const unit = 'paths×steps/s';
  for (const spec of createRegistries().generators.values()) {
    const fit = (extra: Record<string, unknown> = {}): unknown => spec.fit([bars], spec.configSchema.parse({ ...BENCH_FIT_CONFIG[spec.id], ...extra }), {});
    const params = fit();
    const rng = Rng.fromSeed(0);
    const sampleReturns = spec.sampleReturns;
    if (sampleReturns !== undefined) {
      const special = BENCH_RETURNS_CONFIG[spec.id];
      const returnsParams = special === undefined ? params : fit(special.config);
      for (const opts of GENERATOR_SHAPES) {
        yield {
          name: `${spec.id} returns-only, ${shapeLabel(opts)}${special?.label ?? ''}`,
          value: opsPerSecond(() => (sampleReturns.call(spec, returnsParams, rng, opts), opts.length * opts.paths), 1500),
          unit,
        };
      }
    }
    for (const opts of GENERATOR_SHAPES) {
      yield {
        name: `${spec.id} OHLCV, ${shapeLabel(opts)}${BENCH_OHLCV_LABEL[spec.id] ?? ''}`,
        value: opsPerSecond(() => (spec.sample(params, rng, opts), opts.length * opts.paths), 1500),
        unit,
      };
    }
  }
}

/** Returns per path in the `stream` suite: the 1e8-step generation. */
const STREAM_LENGTH = 100_000_000;
const STREAM_GENERATORS = ['gbm', 'garch'] as const;

/**
 * One path of 1e8 close-to-close log returns per generator, written by `generateReturnsDataset` (the path
 * of `rl generate --returns-only`, default chunk of 1e6) to a temporary directory that is deleted afterwards:
 * returns per second end to end (fit, generate, format, write, hash for the manifest), the process's peak
 * RSS sampled after every chunk (the requirement: under 1 GB), and the size of the file.
 */
async function* streamSuite(): AsyncIterable<Figure> {
  const registries = createRegistries();
  for (const id of STREAM_GENERATORS) {
    const work = mkdtempSync(join(tmpdir(), 'rl-bench-stream-'));
    try {
      let peak = process.memoryUsage().rss;
      const sample = (): void => {
        peak = Math.max(peak, process.memoryUsage().rss);
      };
      const start = performance.now();
      const spec = { generator: id, config: {}, data: 'builtin', seed: 0, paths: 1, length: STREAM_LENGTH };
      const { dir, manifest } = await generateReturnsDataset(spec, registries, work, { onChunk: sample });
      const seconds = (performance.now() - start) / 1000;
      sample();
      const label = `${id} returns-only CSV, 1 path × 1e8`;
      yield { name: label, value: STREAM_LENGTH / seconds, unit: 'returns/s' };
      yield { name: `${label}, peak RSS`, value: peak / 2 ** 20, unit: 'MiB' };
      yield { name: `${label}, file size`, value: statSync(join(dir, manifest.files[0])).size / 2 ** 20, unit: 'MiB' };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

/**
 * stable-baselines3 training throughput on this machine, env-steps/s, from ../shared/peers/RESULTS.md §2
 * (`bench_ppo.py`: CPU, default hyperparameters, MlpPolicy, DummyVecEnv, 1 torch thread; the trading rows
 * ran gym-anytrading's StocksEnv on the same S&P 500, window 30). Keyed `agent/env/numEnvs`; a missing key
 * means SB3 has no figure for that row.
 */
const SB3_STEPS_PER_SEC: Readonly<Record<string, number>> = {
  'ppo/trading-v0/1': 1952,
  'ppo/trading-v0/4': 3207,
  'ppo/cartpole-v1/1': 2034,
  'dqn/trading-v0/1': 2732,
  'dqn/trading-v0/4': 9902,
};

/** Learning agents the `agents` suite measures, when registered. */
const BENCH_AGENTS = ['ppo', 'dqn'] as const;
const BENCH_ENVS = ['trading-v0', 'cartpole-v1'] as const;
/** Env steps per measured learn() at least: SB3's PPO and DQN figures time about 20k steps per learn(). */
const MIN_MEASURED_STEPS = 20_000;

/** One row of the `agents` suite (JSON: `{ suite, agent, env, numEnvs, stepsPerSec, sb3StepsPerSec, ratio }`). */
export interface AgentFigure extends Figure {
  agent: string;
  env: string;
  numEnvs: number;
  stepsPerSec: number;
  /** SB3's figure for the same row, or null where RESULTS.md has none. */
  sb3StepsPerSec: number | null;
  /** stepsPerSec / sb3StepsPerSec, or null. */
  ratio: number | null;
}

/**
 * Training throughput (env steps / wall time of `learn()`) of each registered learning agent among
 * {@link BENCH_AGENTS}, with its default (SB3-default) config, on trading-v0 over the built-in S&P 500
 * (window 30, default costs) and on cartpole-v1, at 1 and 4 envs, beside SB3's figure. Each row warms up
 * on a throwaway agent (one rollout, or 2,000 steps), then times one `learn()` of a fresh agent over whole
 * update cycles: at least two rollouts (nSteps × numEnvs) and at least {@link MIN_MEASURED_STEPS} steps.
 */
async function* agentsSuite(only: readonly string[] = BENCH_AGENTS): AsyncIterable<AgentFigure> {
  const registries = createRegistries();
  const bars = loadBuiltinSp500();
  const build = (env: string) => (env === 'trading-v0' ? makeEnv(registries.envs, env, { config: { window: 30 }, ctx: { source: fixedEpisode(bars, 30, bars.length) } }) : makeEnv(registries.envs, env));
  for (const id of only.filter((a) => registries.agents.has(a))) {
    const spec = registries.agents.get(id);
    await tfBackendFor(spec);
    const config = spec.configSchema.parse({}) as { nSteps?: unknown };
    for (const env of BENCH_ENVS) {
      for (const numEnvs of [1, 4]) {
        const fresh = () => {
          const vec = new SyncVectorEnv(Array.from({ length: numEnvs }, () => build(env) as Env<Float32Array, number>));
          vec.reset(0);
          const agent = spec.create(config, { observationSpace: vec.singleObservationSpace, actionSpace: vec.singleActionSpace, rng: Rng.fromSeed(0) });
          return { vec, agent };
        };
        const rollout = typeof config.nSteps === 'number' ? config.nSteps * numEnvs : undefined;
        const steps = rollout === undefined ? MIN_MEASURED_STEPS : rollout * Math.max(2, Math.ceil(MIN_MEASURED_STEPS / rollout));
        const warm = fresh();
        await warm.agent.learn(warm.vec, { steps: rollout ?? 2_000 });
        warm.agent.dispose();
        const run = fresh();
        const start = performance.now();
        const summary = await run.agent.learn(run.vec, { steps });
        const stepsPerSec = summary.steps / ((performance.now() - start) / 1000);
        run.agent.dispose();
        const sb3 = SB3_STEPS_PER_SEC[`${id}/${env}/${numEnvs}`] ?? null;
        yield {
          name: `${id} learn, ${env}, ${numEnvs} env${numEnvs > 1 ? 's' : ''}, ${summary.steps} steps`,
          value: stepsPerSec,
          unit: 'env-steps/s',
          agent: id,
          env,
          numEnvs,
          stepsPerSec,
          sb3StepsPerSec: sb3,
          ratio: sb3 === null ? null : stepsPerSec / sb3,
        };
      }
    }
  }
}

export const suites: Record<string, Suite> = {
  rng: rngSuite,
  env: envSuite,
  generators: generatorSuite,
  stream: streamSuite,
  agents: () => agentsSuite(),
  /** The PPO rows of `agents` (the former `ppo` suite measured PPO on trading-v0 only). */
  ppo: () => agentsSuite(['ppo']),
};

/**
 * Suites run when none is named: `stream` writes two 2 GB files, so it runs only when asked for; `ppo` is a
 * subset of `agents` (about 40 s with ppo and dqn on a 2-core machine).
 */
export const DEFAULT_SUITES = ['rng', 'env', 'generators', 'agents'];

/** One printed figure, tagged with its suite. */
export interface SuiteFigure extends Figure {
  suite: string;
}

/**
 * Runs the named suites in order. `log` receives progress lines (stderr); `print`, when given, one
 * formatted line per figure (stdout). Returns every figure.
 */
export async function runSuites(names: readonly string[], log: (line: string) => void, print?: (line: string) => void): Promise<SuiteFigure[]> {
  const figures: SuiteFigure[] = [];
  for (const name of names) {
    const suite = suites[name];
    if (!suite) throw new RangeError(`unknown suite "${name}"; suites: ${Object.keys(suites).join(', ')}`);
    log(`# ${name}\n`);
    for await (const figure of suite()) {
      figures.push({ suite: name, ...figure });
      const versus = isAgentFigure(figure) ? `   SB3 ${formatOrDash(figure.sb3StepsPerSec).padStart(7)}   ratio ${formatOrDash(figure.ratio).padStart(5)}` : '';
      print?.(`${name.padEnd(10)} ${figure.name.padEnd(60)} ${formatValue(figure.value).padStart(14)} ${figure.unit}${versus}\n`);
    }
  }
  return figures;
}

function formatValue(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3);
}

function isAgentFigure(f: Figure): f is AgentFigure {
  return 'sb3StepsPerSec' in f;
}

/** A figure, or "—" where there is none. */
function formatOrDash(v: number | null): string {
  return v === null ? '—' : formatValue(v);
}
