import { z } from 'zod';
import { BaseEnv } from '../src/core/env.js';
import type { ResetOptions, StepResult } from '../src/core/env.js';
import { ConfigError, DataError, InvalidActionError, ResetNeededError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import type { Episode, EpisodeSource } from '../src/data/episode-source.js';
import { featuresSchema } from '../src/features/config.js';
import type { FeatureSource } from '../src/features/feature-source.js';
import { barSeries, validateBars } from '../src/market/bar-series.js';
import type { BarSeries } from '../src/market/bar-series.js';
import { borrowCost, costModelSchema, createTradeCosts, seriesTradeCosts } from '../src/market/cost-model.js';
import type { CostModelConfig } from '../src/market/cost-model.js';
import { Portfolio } from '../src/market/portfolio.js';
import type { EnvSpec } from './env-spec.js';
import { createRewardState, resetRewardState, rewardConfigSchema, rewardFromConfig } from './rewards.js';
import type { RewardContext, RewardFn } from './rewards.js';

// ---------------------------------------------------------------------------------------------- config

/** Keys shared by `trading-v0` and `trading-continuous-v0`; each adds how its action maps to a target weight. */
const commonShape = {
  window: z.number().int().min(1).default(30).describe('close-to-close log returns in each observation (bars of history)'),
  fill: z
    .enum(['next-open', 'next-close'])
    .default('next-open')
    .describe('the action chosen at bar t fills at open[t+1] (default) or close[t+1]'),
  costs: costModelSchema.prefault({}).describe('half-spread, square-root impact, commission and the borrow fee of shorts'),
  initialEquity: z.number().positive().default(1_000_000).describe('starting cash, in currency'),
  ruinFloor: z
    .number()
    .min(0)
    .lt(1)
    .default(0.5)
    .describe('fraction of initial equity at or below which the episode terminates (ruin)'),
  episodeLength: z
    .number()
    .int()
    .positive()
    .nullable()
    .default(252)
    .describe('decisions per episode, sampled at a random start inside the episode window; null = the whole window'),
  returnScale: z
    .number()
    .positive()
    .default(100)
    .describe('fixed multiplier on observed log returns (no statistics are fitted)'),
  leverage: z
    .number()
    .positive()
    .default(1)
    .describe('largest |target weight| an action may ask for, as a fraction of equity; above 1 a long borrows cash at zero interest'),
  allowShort: z.boolean().default(true).describe('allow negative target weights (short sales, which pay costs.borrowBpsPerYear)'),
  reward: rewardConfigSchema,
  features: featuresSchema.describe('indicator features appended to the observation (need a fitted FeatureSource)'),
};

/** The shared keys after `window` (each env lists its action key right after `window`, for readable help). */
const { window: _window, ...afterWindow } = commonShape;

/**
 * Configuration of `trading-v0` (discrete target weights): the single source of its defaults and help text.
 * Weights are fractions of equity, money is in the series' currency, windows are counted in bars.
 *
 * The action kind is the env id: `trading-v0` takes an index into the top-level `positions` (kept top-level
 * because the experiment runner and the buy-and-hold baseline read it), `trading-continuous-v0` a weight in
 * a Box bounded by `maxWeight` ({@link continuousTradingEnvSchema}). Both refuse a weight beyond `leverage`
 * and, without `allowShort`, any negative weight.
 *
 * @example
 * const config = tradingEnvSchema.parse({ window: 20, fill: 'next-close' }); // other keys take defaults
 */
export const tradingEnvSchema = z
  .strictObject({
    window: commonShape.window,
    positions: z
      .array(z.number())
      .min(1)
      .default(() => [-1, 0, 1])
      .describe('target weight (fraction of equity) for each discrete action: −1 fully short, 0 flat, 1 fully long'),
    ...afterWindow,
  })
  .superRefine((c, ctx) => {
    for (let i = 0; i < c.positions.length; i++) {
      const p = c.positions[i];
      if (Math.abs(p) > c.leverage) {
        ctx.addIssue({ code: 'custom', path: ['positions'], message: `positions[${i}] = ${p} exceeds the leverage limit ${c.leverage} (|weight| ≤ leverage)` });
        return;
      }
      if (p < 0 && !c.allowShort) {
        ctx.addIssue({ code: 'custom', path: ['positions'], message: `positions[${i}] = ${p} is short but allowShort is false (e.g. positions: [0, 1])` });
        return;
      }
    }
  });

/**
 * Configuration of `trading-continuous-v0`: the keys of {@link tradingEnvSchema} with `maxWeight` instead of
 * `positions`. The action is the target weight itself, in [−maxWeight, maxWeight] ([0, maxWeight] without
 * `allowShort`); `maxWeight` may not exceed `leverage`.
 *
 * @example
 * continuousTradingEnvSchema.parse({ maxWeight: 0.5 }).leverage; // 1
 */
export const continuousTradingEnvSchema = z
  .strictObject({
    window: commonShape.window,
    maxWeight: z
      .number()
      .positive()
      .default(1)
      .describe('the action is the target weight in [−maxWeight, maxWeight] ([0, maxWeight] without allowShort), a fraction of equity'),
    ...afterWindow,
  })
  .superRefine((c, ctx) => {
    if (c.maxWeight > c.leverage) {
      ctx.addIssue({ code: 'custom', path: ['maxWeight'], message: `${c.maxWeight} exceeds the leverage limit ${c.leverage} (maxWeight ≤ leverage)` });
    }
  });

/** Resolved `trading-v0` configuration (defaults applied). */
export type TradingEnvConfig = z.output<typeof tradingEnvSchema>;
/** `trading-v0` configuration as a user writes it (every key optional). */
export type TradingEnvInput = z.input<typeof tradingEnvSchema>;
/** Resolved `trading-continuous-v0` configuration. */
export type ContinuousTradingEnvConfig = z.output<typeof continuousTradingEnvSchema>;
/** `trading-continuous-v0` configuration as a user writes it. */
export type ContinuousTradingEnvInput = z.input<typeof continuousTradingEnvSchema>;
/** The keys both trading envs share. */
type CommonConfig = Omit<TradingEnvConfig, 'positions'>;

/** What a trading env may take beyond its JSON config. */
export interface TradingEnvOptions {
  /**
   * Fitted per-bar features appended to every observation (see {@link TradingEnv}). Required when
   * `config.features.indicators` is non-empty; when given, it is used whatever the config lists.
   */
  readonly features?: FeatureSource;
  /** A custom reward (replaces `config.reward`). Functions are not JSON, so this is not a config key. */
  readonly reward?: RewardFn;
}

/** Per-step diagnostics of the trading envs. One object reused for every reset and step. */
export type TradingEnvInfo = {
  /** Net equity marked at close[t], in currency. */
  equity: number;
  /** Weight held after the last fill: shares·close[t]/equity[t] (0 when equity ≤ 0). */
  position: number;
  /** Signed shares held after the last fill. */
  shares: number;
  /** |Δq|·fill price of the last fill, in currency. */
  tradedNotional: number;
  /** Half-spread cost of the last fill, in currency. */
  costSpread: number;
  /** Square-root impact (slippage) of the last fill, in currency. */
  costImpact: number;
  /** Commission of the last fill, in currency. */
  costCommission: number;
  /** Borrow fee of the short held at close[t] over the interval since the previous bar, in currency. */
  costBorrow: number;
  /** costSpread + costImpact + costCommission + costBorrow, in currency. */
  cost: number;
  /** ln(equity[t]/equity[t−1]) (equity floored at 1e-9·initial): the default reward, whatever reward is used. */
  logReturn: number;
  /** Bar index of the current observation. */
  t: number;
  /** Epoch ms of bar t. */
  time: number;
  origin: Episode['origin'];
};

/** The (reused) result of a trading env's `step`, with typed diagnostics. */
export type TradingStepResult = StepResult<Float32Array> & { info: TradingEnvInfo };

/** The (reused) result of a trading env's `reset`. */
export type TradingResetResult = { obs: Float32Array; info: TradingEnvInfo };

/** Bankruptcy is scored as this fraction of initial equity so a log return is always finite (ln 1e-9 ≈ −20.7). */
const LOG_EQUITY_FLOOR = 1e-9;

const NO_FEATURES = new Float32Array(0);

// ---------------------------------------------------------------------------------------------- engine

/**
 * The market simulation both trading envs share: episodes, fills, costs, accounting, reward and observations.
 * The envs only turn their action into a target weight. See {@link TradingEnv} for the semantics.
 */
class TradingEngine {
  readonly obsDim: number;
  readonly featureDim: number;
  obs: Float32Array;
  readonly info: TradingEnvInfo;
  readonly result: TradingStepResult;
  readonly resetResult: TradingResetResult;
  active = false;

  private readonly window: number;
  private readonly returnScale: number;
  private readonly fillAtOpen: boolean;
  private readonly initialEquity: number;
  private readonly ruinEquity: number;
  private readonly floorEquity: number;
  private readonly maxSteps: number | null;
  private readonly costConfig: CostModelConfig;
  private readonly chargeBorrow: boolean;
  private readonly portfolio: Portfolio;
  private readonly costs = createTradeCosts();
  private readonly reward: RewardFn;
  private readonly rewardState = createRewardState();
  private readonly rewardCtx: RewardContext;

  // Episode state: the bars' columns and precomputed series are held directly for the hot path.
  private series: BarSeries | undefined;
  private returns: Float32Array = NO_FEATURES;
  private featureRows: Float32Array = NO_FEATURES;
  private open: Float64Array = new Float64Array(0);
  private close: Float64Array = new Float64Array(0);
  private time: Float64Array = new Float64Array(0);
  /** Current (decision) bar. */
  private t = 0;
  /** Bar of the last fill of this episode. */
  private lastFill = 0;
  private equity = 0;
  private peak = 0;
  /** Weight targeted by the last trade (0 at reset: flat). */
  private targetWeight = 0;

  constructor(
    config: CommonConfig,
    private readonly source: EpisodeSource,
    private readonly features: FeatureSource | undefined,
    reward: RewardFn | undefined,
  ) {
    if (config.features.indicators.length > 0 && features === undefined) {
      throw new ConfigError('env.features', 'indicator features need a fitted FeatureSource: fitFeatures(config.features, trainBars)');
    }
    this.window = config.window;
    this.returnScale = config.returnScale;
    this.fillAtOpen = config.fill === 'next-open';
    this.initialEquity = config.initialEquity;
    this.ruinEquity = config.ruinFloor * config.initialEquity;
    this.floorEquity = LOG_EQUITY_FLOOR * config.initialEquity;
    this.maxSteps = config.episodeLength;
    this.costConfig = config.costs;
    this.chargeBorrow = config.costs.borrowBpsPerYear > 0;
    this.featureDim = features?.dim ?? 0;
    this.obsDim = config.window + this.featureDim + 1;
    this.obs = new Float32Array(this.obsDim);
    this.portfolio = new Portfolio(config.initialEquity);
    this.reward = reward ?? rewardFromConfig(config.reward);
    this.rewardCtx = { equityBefore: 0, equityAfter: 0, logReturn: 0, position: 0, cost: 0, peakEquity: 0, initialEquity: config.initialEquity };
    this.info = {
      equity: config.initialEquity,
      position: 0,
      shares: 0,
      tradedNotional: 0,
      costSpread: 0,
      costImpact: 0,
      costCommission: 0,
      costBorrow: 0,
      cost: 0,
      logReturn: 0,
      t: 0,
      time: 0,
      origin: 'real',
    };
    this.result = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };
    this.resetResult = { obs: this.obs, info: this.info };
  }

  /** Makes `buffer` (length obsDim) the observation buffer from now on; see {@link TradingEnv.bindObservation}. */
  bindObservation(buffer: Float32Array): void {
    if (buffer.length !== this.obsDim) throw new RangeError(`observation buffer has ${buffer.length} values, expected ${this.obsDim}`);
    buffer.set(this.obs);
    this.obs = buffer;
    this.result.obs = buffer;
    this.resetResult.obs = buffer;
  }

  reset(rng: Rng): TradingResetResult {
    this.active = false;
    const episode = this.source.next(rng);
    checkEpisode(episode, this.window);
    const bars = episode.bars;
    if (this.series === undefined || this.series.bars !== bars) {
      validateBars(bars);
      const series = barSeries(bars);
      const rows = this.features === undefined ? NO_FEATURES : this.features.rows(bars);
      if (rows.length !== bars.length * this.featureDim) {
        throw new DataError(`bars "${bars.symbol}"`, undefined, 'features', `feature rows hold ${rows.length} values, expected ${bars.length} bars × ${this.featureDim}`);
      }
      this.series = series;
      this.returns = series.scaledReturns(this.returnScale);
      this.featureRows = rows;
      this.open = bars.open;
      this.close = bars.close;
      this.time = bars.time;
    }
    const decisions = episode.end - episode.start - 1;
    let start = episode.start;
    let steps = decisions;
    if (this.maxSteps !== null && decisions > this.maxSteps) {
      start += rng.int(decisions - this.maxSteps + 1);
      steps = this.maxSteps;
    }
    this.t = start;
    this.lastFill = start + steps;
    this.equity = this.initialEquity;
    this.peak = this.initialEquity;
    this.targetWeight = 0;
    this.portfolio.reset(this.initialEquity);
    resetRewardState(this.rewardState);
    const info = this.info;
    info.equity = this.equity;
    info.position = 0;
    info.shares = 0;
    info.tradedNotional = 0;
    info.costSpread = 0;
    info.costImpact = 0;
    info.costCommission = 0;
    info.costBorrow = 0;
    info.cost = 0;
    info.logReturn = 0;
    info.t = start;
    info.time = this.time[start];
    info.origin = episode.origin;
    this.writeObservation(start, 0);
    this.active = true;
    return this.resetResult;
  }

  /** Fills `weight` at bar t+1 and advances to it. The caller has checked `active` and the action. */
  step(weight: number): TradingStepResult {
    const pf = this.portfolio;
    const costs = this.costs;
    const t = this.t;
    const f = t + 1;
    const fillPrice = this.fillAtOpen ? this.open[f] : this.close[f];
    let delta = 0;
    // A bankrupt account (equity ≤ 0 at the fill price after a gap) cannot size a trade: it holds.
    if (weight !== this.targetWeight && pf.equityAt(fillPrice) > 0) {
      delta = pf.deltaTo(weight, fillPrice);
      pf.trade(delta, fillPrice, seriesTradeCosts(this.costConfig, this.series as BarSeries, f, delta, fillPrice, costs).total);
      this.targetWeight = weight;
    } else {
      costs.spread = 0;
      costs.impact = 0;
      costs.commission = 0;
      costs.total = 0;
    }

    const close = this.close[f];
    let borrow = 0;
    if (this.chargeBorrow && pf.shares < 0) {
      borrow = borrowCost(this.costConfig, pf.shares, close, this.time[t], this.time[f]);
      pf.charge(borrow);
    }
    const equity = pf.equityAt(close);
    const floor = this.floorEquity;
    const logReturn = Math.log((equity > floor ? equity : floor) / this.equity);
    const position = equity > 0 ? (pf.shares * close) / equity : 0;
    if (equity > this.peak) this.peak = equity;
    const cost = costs.total + borrow;

    const ctx = this.rewardCtx;
    ctx.equityBefore = this.equity;
    ctx.equityAfter = equity;
    ctx.logReturn = logReturn;
    ctx.position = position;
    ctx.cost = cost;
    ctx.peakEquity = this.peak;
    const reward = this.reward(ctx, this.rewardState);
    this.rewardState.steps++;

    this.equity = equity;
    this.t = f;
    this.writeObservation(f, position);
    const terminated = equity <= this.ruinEquity;
    const truncated = !terminated && f >= this.lastFill;
    this.active = !(terminated || truncated);

    const info = this.info;
    info.equity = equity;
    info.position = position;
    info.shares = pf.shares;
    info.tradedNotional = Math.abs(delta) * fillPrice;
    info.costSpread = costs.spread;
    info.costImpact = costs.impact;
    info.costCommission = costs.commission;
    info.costBorrow = borrow;
    info.cost = cost;
    info.logReturn = logReturn;
    info.t = f;
    info.time = this.time[f];

    const result = this.result;
    result.reward = reward;
    result.terminated = terminated;
    result.truncated = truncated;
    return result;
  }

  /** Reads returns ≤ t and feature row t only: bars ≤ t. A plain loop: a subarray view would allocate. */
  private writeObservation(t: number, position: number): void {
    const obs = this.obs;
    const returns = this.returns;
    const window = this.window;
    const from = t - window + 1;
    let k = 0;
    // Unrolled by four: measurably faster than the plain loop for typical windows (20–60).
    for (; k + 4 <= window; k += 4) {
      const j = from + k;
      obs[k] = returns[j];
      obs[k + 1] = returns[j + 1];
      obs[k + 2] = returns[j + 2];
      obs[k + 3] = returns[j + 3];
    }
    for (; k < window; k++) obs[k] = returns[from + k];
    const dim = this.featureDim;
    if (dim > 0) {
      const rows = this.featureRows;
      const base = t * dim;
      for (let k = 0; k < dim; k++) obs[window + k] = rows[base + k];
    }
    obs[window + dim] = position;
  }
}

// ---------------------------------------------------------------------------------------------- envs

/**
 * Single-asset trading with discrete target weights, realistic costs and no lookahead (`trading-v0`).
 *
 * Observation (Float32, length window + F + 1), reading bars ≤ t only:
 *   [ ln(close[i]/close[i−1])·returnScale for i = t−window+1 … t (oldest first),
 *     feature row t of the FeatureSource (F = features.dim values; none without one),
 *     weight held = shares·close[t]/equity[t] ].
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
   * @throws ConfigError (path `env.<key>`) when `config` is invalid, or `env.features` when it lists
   *   indicators and `opts.features` is missing.
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

/**
 * Checks an episode's bounds against its bars.
 *
 * @throws DataError naming the bound (`start` or `end`).
 */
function checkEpisode(episode: Episode, window: number): void {
  const { bars, start, end } = episode;
  const where = `bars "${bars.symbol}"`;
  if (!Number.isInteger(start) || start < window) {
    throw new DataError(where, undefined, 'start', `episode start ${start} leaves no room for a ${window}-return observation window (need start ≥ ${window})`);
  }
  if (!Number.isInteger(end) || end > bars.length) {
    throw new DataError(where, undefined, 'end', `episode end ${end} is beyond the ${bars.length} bars`);
  }
  if (end - start < 2) {
    throw new DataError(where, undefined, 'end', `episode [${start}, ${end}) needs at least 2 bars: a decision bar and its fill bar`);
  }
}
