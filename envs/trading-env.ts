import type { z } from 'zod';
import { BaseEnv } from '../src/core/env.js';
import type { ResetOptions } from '../src/core/env.js';
import { ConfigError, InvalidActionError, ResetNeededError } from '../src/core/errors.js';
import { Box, Discrete } from '../src/core/spaces.js';
import type { EpisodeSource } from '../src/data/episode-source.js';
import type { EnvSpec } from './env-spec.js';
import { continuousTradingEnvSchema, tradingEnvSchema } from './trading-config.js';
import type {
  ContinuousTradingEnvConfig,
  ContinuousTradingEnvInput,
  TradingEnvConfig,
  TradingEnvInput,
  TradingEnvOptions,
  TradingResetResult,
  TradingStepResult,
} from './trading-config.js';
import { TradingEngine } from './trading-engine.js';

export * from './trading-config.js';

// ---------------------------------------------------------------------------------------------- envs

/**
 * Single-asset trading with discrete target weights, realistic costs and no lookahead (`trading-v0`).
 *
 * Observation (Float32, length window + F + 1), reading bars ≤ t only:
 *   [ ln(close[i]/close[i−1])·returnScale for i = t−window+1 … t (oldest first),
 *     feature row t of the FeatureSource (F = features.dim values; none without one): indicator columns,
 *       then, with `features.calendar`, per event type [next, importance?, surprise] (names `calendar/<type>/…`),
 *     weight held = shares·close[t]/equity[t] ].
 * Calendar columns (src/features/calendar-features.ts) come from the episode's `bars.events` and respect
 * release times: row t holds outcomes of events on bars ≤ t (visible at that bar's close) and, of later
 * events, only the schedule and importance of scheduled ones; a series without `events` gives zeros.
 *
 * Timing (decision bar t, fill bar f = t + 1):
 * - the action (index into `positions`) fills at open[f] ('next-open') or close[f] ('next-close'), paying
 *   half-spread, square-root impact and commission from cash (see src/market/cost-model.ts). An action whose
 *   target weight equals the previously targeted one does not trade (the drifted position is held, at no cost);
 * - a short held at close[f] pays the borrow fee for the calendar time from bar t to bar f
 *   (costs.borrowBpsPerYear, weekends included), from cash;
 * - equity is marked at close[f]; the default reward is ln(equity[f]/equity[t]), net of every cost. With
 *   next-open fills the old position carries the overnight gap close[t]→open[f] and the new one earns
 *   open[f]→close[f].
 *
 * Reward: `config.reward` or a custom {@link RewardFn} (envs/rewards.ts). It shapes learning only: report
 * performance from `info.equity` / `info.logReturn`, which are the same whatever the reward.
 *
 * Episodes: on reset, one {@link Episode} is drawn from the source with this env's rng. Decisions run from its
 * start to its last fill bar end − 1; when `episodeLength` is set and the window holds more decisions, a start
 * is drawn uniformly in [episode.start, episode.end − episodeLength − 1]. The portfolio starts flat in cash.
 * `terminated` = equity ≤ ruinFloor·initialEquity (ruin); otherwise `truncated` when the fill bar is the
 * episode's last (end − 1) or `episodeLength` decisions were taken. At most one of the two is true.
 *
 * Allocation: `step` allocates nothing. The observation buffer, the step result, the reset result and the
 * info object are reused: copy what you keep past the next `step`/`reset`. Per Bars object, returns,
 * volatility and volume statistics are precomputed once (src/market/bar-series.ts).
 *
 * @example
 * const env = new TradingEnv({ window: 30, fill: 'next-open' }, fixedEpisode(bars, 30));
 * let { obs } = env.reset({ seed: 1 });
 * const r = env.step(2); // go long at the next open
 * r.reward;              // ln(equity[t+1]/equity[t])
 */
export class TradingEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly config: TradingEnvConfig;
  /** Target weight of each discrete action. */
  readonly positions: readonly number[];
  private readonly engine: TradingEngine;

  /**
   * @throws ConfigError (path `env.<key>`) when `config` is invalid, `env.features` when it lists
   *   indicators and `opts.features` is missing, or `env.features.calendar` when `opts.features` lacks a
   *   configured calendar column.
   */
  constructor(config: TradingEnvInput, source: EpisodeSource, opts: TradingEnvOptions = {}) {
    super();
    this.config = parseTradingEnvConfig(config);
    this.positions = Object.freeze([...this.config.positions]);
    this.engine = new TradingEngine(this.config, source, opts.features, opts.reward);
    this.observationSpace = Box.uniform(this.engine.obsDim, -Infinity, Infinity);
    this.actionSpace = new Discrete(this.positions.length);
  }

  /**
   * Starts an episode (see the class doc). The returned objects are reused by later calls.
   *
   * @throws DataError when the episode bounds do not fit its bars, its bars hold a NaN or non-positive
   *   price (naming the field and bar index), or the feature rows do not match the bars.
   */
  override reset(opts?: ResetOptions): TradingResetResult {
    super.reset(opts);
    return this.engine.resetResult;
  }

  protected resetEpisode(): TradingResetResult {
    return this.engine.reset(this.rng);
  }

  /**
   * Fills `action` at bar t+1 and advances to it. Allocates nothing; the result object is reused.
   *
   * @throws ResetNeededError before the first reset or after the episode ended.
   * @throws InvalidActionError when `action` is not an integer in [0, positions.length).
   */
  step(action: number): TradingStepResult {
    if (!this.engine.active) throw new ResetNeededError();
    if (!this.actionSpace.contains(action)) throw new InvalidActionError(action, this.actionSpace.toString());
    return this.engine.step(this.positions[action]);
  }

  /**
   * Writes every later observation into `buffer` (length = observation size; typically a row of a vector
   * env's batch) and returns it as `obs` from `reset`/`step`, so the batch needs no copy. The current
   * observation is copied into it at once.
   *
   * @throws RangeError when `buffer` has the wrong length.
   */
  bindObservation(buffer: Float32Array): void {
    this.engine.bindObservation(buffer);
  }
}

/**
 * Single-asset trading with a continuous target weight (`trading-continuous-v0`): the action is a
 * Float32Array of one value, the target weight in [−maxWeight, maxWeight] (Box(1,); [0, maxWeight] without
 * `allowShort`). Everything else — observations, fills, costs, borrow, reward, episodes, reuse of buffers —
 * is {@link TradingEnv}'s, from the same engine. As there, an action equal to the previous target does not
 * trade; any other value rebalances to it (paying at least `commissionMin` when set).
 *
 * @example
 * const env = new ContinuousTradingEnv({ maxWeight: 0.5 }, fixedEpisode(bars, 30));
 * env.reset({ seed: 1 });
 * env.step(Float32Array.of(0.25)); // hold 25% of equity long from the next open
 */
export class ContinuousTradingEnv extends BaseEnv<Float32Array, Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly config: ContinuousTradingEnvConfig;
  private readonly engine: TradingEngine;
  /** The Box bounds in double precision (the Float32 bounds may exceed maxWeight by rounding). */
  private readonly low: number;
  private readonly high: number;

  /** @throws ConfigError (path `env.<key>`) when `config` is invalid or lacks a needed FeatureSource. */
  constructor(config: ContinuousTradingEnvInput, source: EpisodeSource, opts: TradingEnvOptions = {}) {
    super();
    this.config = parseContinuousTradingEnvConfig(config);
    const w = this.config.maxWeight;
    this.low = this.config.allowShort ? -w : 0;
    this.high = w;
    this.engine = new TradingEngine(this.config, source, opts.features, opts.reward);
    this.observationSpace = Box.uniform(this.engine.obsDim, -Infinity, Infinity);
    this.actionSpace = new Box(Float32Array.of(this.low), Float32Array.of(this.high), [1]);
  }

  /** Starts an episode (see {@link TradingEnv.reset}). @throws DataError as {@link TradingEnv.reset}. */
  override reset(opts?: ResetOptions): TradingResetResult {
    super.reset(opts);
    return this.engine.resetResult;
  }

  protected resetEpisode(): TradingResetResult {
    return this.engine.reset(this.rng);
  }

  /**
   * Rebalances to the target weight `action[0]` at bar t+1 and advances to it. Allocates nothing. The action
   * array is read at once and not kept.
   *
   * @throws ResetNeededError before the first reset or after the episode ended.
   * @throws InvalidActionError when `action` is not a Float32Array of one value inside the Box (NaN included).
   */
  step(action: Float32Array): TradingStepResult {
    if (!this.engine.active) throw new ResetNeededError();
    const space = this.actionSpace;
    if (!space.contains(action)) {
      const shown = (action as unknown) instanceof Float32Array ? `[${Array.from(action).join(', ')}]` : String(action);
      throw new InvalidActionError(shown, `${space.toString()} with bounds [${this.low}, ${this.high}]`);
    }
    const a = action[0];
    return this.engine.step(a < this.low ? this.low : a > this.high ? this.high : a);
  }

  /** See {@link TradingEnv.bindObservation}. @throws RangeError when `buffer` has the wrong length. */
  bindObservation(buffer: Float32Array): void {
    this.engine.bindObservation(buffer);
  }
}

// ---------------------------------------------------------------------------------------------- factories

/**
 * Parses a raw `trading-v0` config, applying defaults.
 *
 * @example
 * parseTradingEnvConfig({ window: 10 }).positions; // [-1, 0, 1]
 * @throws ConfigError with the key path (`env.window`) of the first invalid value.
 */
export function parseTradingEnvConfig(config: unknown): TradingEnvConfig {
  return parseWith(tradingEnvSchema, config);
}

/**
 * Parses a raw `trading-continuous-v0` config, applying defaults.
 *
 * @example
 * parseContinuousTradingEnvConfig({ maxWeight: 0.5 }).maxWeight; // 0.5
 * @throws ConfigError with the key path (`env.maxWeight`) of the first invalid value.
 */
export function parseContinuousTradingEnvConfig(config: unknown): ContinuousTradingEnvConfig {
  return parseWith(continuousTradingEnvSchema, config);
}

function parseWith<T>(schema: z.ZodType<T>, config: unknown): T {
  const parsed = schema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0];
  const path = ['env', ...first.path.map(String)].join('.');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ConfigError(path, `${first.message}${more}`);
}

/**
 * Builds a `trading-v0` env from raw config.
 *
 * @example
 * const env = createTradingEnv({ window: 20, costs: { commissionBps: 0.5 } }, fixedEpisode(bars, 20));
 * @throws ConfigError with the key path (`env.costs.impactK`) when the config is invalid.
 */
export function createTradingEnv(config: unknown, source: EpisodeSource, opts: TradingEnvOptions = {}): TradingEnv {
  return new TradingEnv(parseTradingEnvConfig(config), source, opts);
}

/**
 * Builds a `trading-continuous-v0` env from raw config.
 *
 * @example
 * const env = createContinuousTradingEnv({ maxWeight: 1 }, fixedEpisode(bars, 30));
 * @throws ConfigError with the key path when the config is invalid.
 */
export function createContinuousTradingEnv(config: unknown, source: EpisodeSource, opts: TradingEnvOptions = {}): ContinuousTradingEnv {
  return new ContinuousTradingEnv(parseContinuousTradingEnvConfig(config), source, opts);
}

/**
 * Registry entry for `trading-v0`. `ctx.source` is required; `ctx.features` feeds indicator features.
 *
 * @example
 * registry.register(tradingEnvSpec);
 */
export const tradingEnvSpec: EnvSpec<TradingEnvConfig> = {
  id: 'trading-v0',
  description:
    'Single-asset trading with discrete target weights: fills at the next open (or close) after half-spread, square-root impact and commission; shorts pay a borrow fee; reward = log change of net equity (or a configured shaping); no lookahead.',
  configSchema: tradingEnvSchema,
  create: (config, ctx) => {
    if (ctx?.source === undefined) throw new ConfigError('env', 'trading-v0 needs an episode source (ctx.source)');
    return createTradingEnv(config, ctx.source, { features: ctx.features });
  },
};

/**
 * Registry entry for `trading-continuous-v0` (not registered by default: add it to a registry to use it).
 *
 * @example
 * registry.register(continuousTradingEnvSpec);
 */
export const continuousTradingEnvSpec: EnvSpec<ContinuousTradingEnvConfig> = {
  id: 'trading-continuous-v0',
  description:
    'Single-asset trading with a continuous target weight in [−maxWeight, maxWeight]: the fills, costs, borrow fee, reward and observations of trading-v0.',
  configSchema: continuousTradingEnvSchema,
  create: (config, ctx) => {
    if (ctx?.source === undefined) throw new ConfigError('env', 'trading-continuous-v0 needs an episode source (ctx.source)');
    return createContinuousTradingEnv(config, ctx.source, { features: ctx.features });
  },
};
