import type { Agent, TrainSummary } from '../../agents/agent.js';
import type { Env } from '../core/env.js';
import { InterruptedError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { SyncVectorEnv } from '../core/vector-env.js';
import type { Bars } from '../data/bars.js';
import { sliceBars } from '../data/bars.js';
import { fixedEpisode } from '../data/episode-source.js';
import type { EpisodeSource } from '../data/episode-source.js';
import { walkForwardFolds } from '../data/walk-forward.js';
import type { Fold, FoldSpec } from '../data/walk-forward.js';
import { evaluatePolicy } from '../../evaluators/evaluate-policy.js';
import { decorateGenerator } from '../../generators/decorate.js';
import { chainTraces, computeMetrics, meanMetrics } from '../../evaluators/metrics.js';
import type { EquityTrace } from '../../evaluators/metrics.js';
import { isoDate } from '../../evaluators/report.js';
import type { ExperimentReport, FoldReport, Span } from '../../evaluators/report.js';
import { initTf } from '../nn/tf.js';
import type { FeaturesConfig } from '../features/config.js';
import { fitFeatures } from '../features/pipeline.js';
import type { MetricSink } from '../store/run-dir.js';
import type { ExperimentConfig } from './experiment-config.js';
import type { FoldCheckpoints } from './fold-checkpoints.js';
import { MixedEpisodeSource } from './mixed-source.js';
import type { Registries } from './registries.js';

/** Where an experiment is: emitted on stderr by the CLI, never written into results. */
export interface ExperimentProgress {
  fold: number;
  folds: number;
  phase: 'fit' | 'train' | 'test' | 'done';
  step?: number;
  steps?: number;
}

export interface ExperimentRun {
  readonly config: ExperimentConfig;
  readonly bars: Bars;
  /** Label of the data source for the report ('builtin' or the file path as given). */
  readonly dataSource: string;
  readonly dataHash: string;
  readonly runId: string;
  readonly registries: Registries;
  readonly sink: MetricSink;
  /** Receives fitted generator params per fold (persisted beside the run). */
  readonly onParams?: (fold: number, params: unknown) => void;
  /** Receives the feature normalisation statistics fitted per fold, when the env uses indicator features. */
  readonly onFeatureStats?: (fold: number, stats: unknown) => void;
  readonly onProgress?: (p: ExperimentProgress) => void;
  /** Receives each fold's trained agent before it is disposed (e.g. to save it into the run). */
  readonly onAgent?: (fold: number, agent: Agent) => void | Promise<void>;
  /** Periodic agent checkpoints and finished-fold results, for `--resume`; none when absent. */
  readonly checkpoints?: FoldCheckpoints;
  /** Polled after every update: when true, the agent is checkpointed and the run stops with InterruptedError. */
  readonly interrupted?: () => boolean;
}

/** The shape every trading env config shares that the experiment reads. */
interface TradingEnvShape {
  window: number;
  episodeLength: number | null;
  features?: FeaturesConfig;
}

/**
 * Runs one experiment: for every walk-forward fold, fit the generator on the fold's training bars only,
 * train a fresh agent on synthetic:real = ratio:1 episodes, and evaluate it and buy-and-hold on the fold's
 * test window, which no fitting or training ever read. Every random stream forks from `config.seed` by
 * name (`fold-k/agent`, `fold-k/env`, `fold-k/eval`), so the report is byte-identical for equal inputs.
 *
 * @throws ConfigError, UnknownPluginError, DataError
 */
export async function runExperiment(run: ExperimentRun): Promise<ExperimentReport> {
  const { config, bars, registries } = run;
  // Shocks and side channels, when configured, wrap the generator: its paths are unchanged underneath.
  const generator = decorateGenerator(registries.generators.get(config.generator.id), {
    shocks: config.generator.shocks,
    ...(config.generator.sideChannels !== undefined ? { sideChannels: config.generator.sideChannels } : {}),
  });
  const agentSpec = registries.agents.get(config.agent.id);
  const baselineSpec = registries.agents.get('buy-and-hold');
  const envSpec = registries.envs.get(config.env.id);
  const envConfig = config.env.config as unknown as TradingEnvShape;
  const folds = walkForwardFolds(bars.length, foldSpecOf(config, bars.length));
  if (agentSpec.learns) await initTf();

  const root = Rng.fromSeed(config.seed);
  const foldReports: FoldReport[] = [];
  const agentTraces: EquityTrace[] = [];
  const baselineTraces: EquityTrace[] = [];
  for (const fold of folds) {
    const progress = (p: Omit<ExperimentProgress, 'fold' | 'folds'>) => run.onProgress?.({ fold: fold.index, folds: folds.length, ...p });
    const foldRng = root.fork(`fold-${fold.index}`);
    const train = sliceBars(bars, fold.train.start, fold.train.end);

    // FIT: the generator sees the fold's training bars and nothing else.
    progress({ phase: 'fit' });
    const needsSynthetic = config.syntheticOnly || config.ratio > 0;
    // The generator's calendar is the training window's events only (sliceBars keeps a slice's own events).
    const params = needsSynthetic ? generator.fit([train], config.generator.config, { calendar: train.events ?? [] }) : null;
    if (params !== null) run.onParams?.(fold.index, params);
    // Indicator features are normalised with statistics of the training bars only, frozen for the test.
    const wantsFeatures = (envConfig.features?.indicators.length ?? 0) > 0;
    const features = wantsFeatures ? fitFeatures(envConfig.features as FeaturesConfig, train) : undefined;
    if (features) run.onFeatureStats?.(fold.index, features.stats());
    // Every episode starts after enough history for the return window and every indicator's warm-up, so
    // synthetic paths never begin with zero-filled features.
    const history = Math.max(envConfig.window, 1 + Math.max(0, ...(features?.warmup ?? [])));
    const source = new MixedEpisodeSource({
      real: config.syntheticOnly ? null : train,
      generator: params === null ? null : { spec: generator, params },
      ratio: config.syntheticOnly ? Infinity : config.ratio,
      window: history,
      episodeLength: envConfig.episodeLength ?? 252,
    });

    // TRAIN
    const makeEnv = (src: EpisodeSource, cfg: Record<string, unknown> = config.env.config) =>
      envSpec.create(cfg, { source: src, ...(features ? { features } : {}) }) as Env<Float32Array, number>;
    const envs = Array.from({ length: config.train.numEnvs }, () => makeEnv(source));
    const vec = new SyncVectorEnv(envs);
    // The target position of each action, as the env built it (a subclass may fix its own set).
    const actionPositions = (envs[0] as { positions?: readonly number[] }).positions;
    const probe = vec.singleObservationSpace;
    const actionSpace = vec.singleActionSpace as Env<Float32Array, number>['actionSpace'];
    const ctx = (label: string) => ({ observationSpace: probe, actionSpace, rng: foldRng.fork(label), ...(actionPositions ? { actionPositions } : {}) });
    const baseline: Agent = baselineSpec.create({}, ctx('baseline'));
    const testEnvConfig = { ...config.env.config, episodeLength: null, ruinFloor: 0 };
    const testSource = fixedEpisode(bars, fold.test.start - 1, fold.test.end);
    const done = await run.checkpoints?.completed(fold.index);
    let summary: TrainSummary;
    let agentTrace: EquityTrace;
    let baselineTrace: EquityTrace;
    let episodes: { real: number; synthetic: number };
    if (done !== undefined) {
      // RESUME: this fold finished before the interruption; its results were kept bit for bit.
      ({ training: summary, agentTrace, baselineTrace, episodes } = done);
      vec.close();
    } else {
      const restored = await run.checkpoints?.restoreAgent(fold.index, agentSpec, ctx('agent'));
      const agent: Agent = restored ?? agentSpec.create(config.agent.config, ctx('agent'));
      vec.reset(foldRng.fork('env').nextUint32());
      progress({ phase: 'train', step: 0, steps: config.train.steps });
      const every = run.checkpoints?.every ?? 0;
      let nextCheckpoint = every;
      summary = await agent.learn(vec, { steps: config.train.steps }, {
        onRolloutEnd: async ({ step, metrics }) => {
          run.sink.log({ fold: fold.index, step, ...metrics });
          progress({ phase: 'train', step, steps: config.train.steps });
          // Training is synchronous between updates: yield to the event loop so a signal handler can run.
          if (run.interrupted !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));
          const stop = run.interrupted?.() ?? false;
          if (run.checkpoints !== undefined && agentSpec.learns && ((every > 0 && step >= nextCheckpoint && step < config.train.steps) || stop)) {
            while (every > 0 && nextCheckpoint <= step) nextCheckpoint += every;
            await run.checkpoints.saveAgent(fold.index, agent);
          }
          if (stop) throw new InterruptedError();
        },
      });
      vec.close();

      // TEST: the first decision is taken on the bar before the test window (its observation reads only
      // bars up to then), so the returns earned are exactly those of the test bars. The test runs to the
      // end of the window: the training ruin floor (an episode-ending penalty) would cut a baseline's 2008
      // at −50% and misstate its return, so only true bankruptcy (equity ≤ 0) ends a test early.
      progress({ phase: 'test' });
      agentTrace = evaluatePolicy(makeEnv(testSource, testEnvConfig), agent, foldRng.fork('eval'));
      baselineTrace = evaluatePolicy(makeEnv(testSource, testEnvConfig), baseline, foldRng.fork('eval-baseline'));
      episodes = source.counts;
      await run.onAgent?.(fold.index, agent);
      agent.dispose();
      await run.checkpoints?.saveCompleted(fold.index, { agentTrace, baselineTrace, episodes, training: summary });
    }
    baseline.dispose();
    agentTraces.push(agentTrace);
    baselineTraces.push(baselineTrace);
    foldReports.push({
      fold: fold.index,
      train: span(bars, fold.train),
      test: span(bars, fold.test),
      episodes,
      training: { steps: summary.steps, updates: summary.updates, episodes: summary.episodes, meanEpisodeReturn: summary.meanEpisodeReturn },
      agent: computeMetrics(agentTrace),
      buyAndHold: computeMetrics(baselineTrace),
    });
  }
  run.onProgress?.({ fold: folds.length, folds: folds.length, phase: 'done' });

  return {
    runId: run.runId,
    seed: config.seed,
    data: { source: run.dataSource, symbol: bars.symbol, bars: bars.length, from: isoDate(bars.time[0]), to: isoDate(bars.time[bars.length - 1]), hash: run.dataHash },
    generator: config.generator.id,
    ratio: config.ratio,
    syntheticOnly: config.syntheticOnly,
    agent: config.agent.id,
    stepsPerFold: config.train.steps,
    folds: foldReports,
    pooled: { agent: computeMetrics(chainTraces(agentTraces)), buyAndHold: computeMetrics(chainTraces(baselineTraces)) },
    meanOverFolds: { agent: meanMetrics(foldReports.map((f) => f.agent)), buyAndHold: meanMetrics(foldReports.map((f) => f.buyAndHold)) },
  };
}

/**
 * The fold spec of a config. Without an explicit `testSize`, the test windows share the data left after
 * the first fold's `minTrain` training bars and the embargo: testSize = ⌊(length − minTrain − embargo) / folds⌋.
 * Rolling mode trains on the last `trainSize` (default `minTrain`) bars before each embargo.
 */
export function foldSpecOf(config: ExperimentConfig, length: number): FoldSpec {
  const wf = config.walkForward;
  const testSize = wf.testSize ?? Math.floor((length - wf.minTrain - wf.embargo) / wf.folds);
  return {
    folds: wf.folds,
    testSize,
    embargo: wf.embargo,
    minTrain: wf.minTrain,
    mode: wf.mode,
    ...(wf.mode === 'rolling' ? { trainSize: wf.trainSize ?? wf.minTrain } : {}),
  };
}

function span(bars: Bars, range: Fold['train']): Span {
  return { start: range.start, end: range.end, from: isoDate(bars.time[range.start]), to: isoDate(bars.time[range.end - 1]) };
}
