import type { Rng } from '../src/core/rng.js';
import { ConfigError, DataError } from '../src/core/errors.js';
import type { Episode, EpisodeSource } from '../src/data/episode-source.js';
import { calendarFeatureNames, calendarFeatures } from '../src/features/calendar-features.js';
import type { FeatureSource } from '../src/features/feature-source.js';
import { barSeries, validateBars } from '../src/market/bar-series.js';
import type { BarSeries } from '../src/market/bar-series.js';
import { borrowCost, createTradeCosts, seriesTradeCosts } from '../src/market/cost-model.js';
import type { CostModelConfig } from '../src/market/cost-model.js';
import { Portfolio } from '../src/market/portfolio.js';
import { createRewardState, resetRewardState, rewardFromConfig } from './rewards.js';
import type { RewardContext, RewardFn } from './rewards.js';
import type { CommonConfig, TradingEnvInfo, TradingResetResult, TradingStepResult } from './trading-config.js';

/** Bankruptcy is scored as this fraction of initial equity so a log return is always finite (ln 1e-9 ≈ −20.7). */
const LOG_EQUITY_FLOOR = 1e-9;

const NO_FEATURES = new Float32Array(0);

// ---------------------------------------------------------------------------------------------- engine

/**
 * The market simulation both trading envs share: episodes, fills, costs, accounting, reward and observations.
 * The envs only turn their action into a target weight. See {@link TradingEnv} for the semantics.
 */
export class TradingEngine {
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
  private readonly features: FeatureSource | undefined;

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
    features: FeatureSource | undefined,
    reward: RewardFn | undefined,
  ) {
    this.features = resolveFeatures(config, features);
    this.window = config.window;
    this.returnScale = config.returnScale;
    this.fillAtOpen = config.fill === 'next-open';
    this.initialEquity = config.initialEquity;
    this.ruinEquity = config.ruinFloor * config.initialEquity;
    this.floorEquity = LOG_EQUITY_FLOOR * config.initialEquity;
    this.maxSteps = config.episodeLength;
    this.costConfig = config.costs;
    this.chargeBorrow = config.costs.borrowBpsPerYear > 0;
    this.featureDim = this.features?.dim ?? 0;
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
    // Both ends floored: once equity is below the floor, further steps score 0, never a phantom gain.
    const logReturn = Math.log((equity > floor ? equity : floor) / (this.equity > floor ? this.equity : floor));
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

/**
 * The feature source an env uses. Indicators need a fitted source (their normaliser is fitted on training
 * bars). Calendar features need no fitting, so with calendar columns alone and no source given, the env builds
 * them itself; a given source must then carry the configured calendar columns (a `fitFeatures` pipeline
 * does), so that a config asking for them never silently gets none.
 *
 * @throws ConfigError (`env.features`) when indicators are configured without a source, or
 *   (`env.features.calendar`) when the given source lacks a configured calendar column.
 */
function resolveFeatures(config: CommonConfig, features: FeatureSource | undefined): FeatureSource | undefined {
  const { indicators, calendar } = config.features;
  if (features === undefined) {
    if (indicators.length > 0) {
      throw new ConfigError('env.features', 'indicator features need a fitted FeatureSource: fitFeatures(config.features, trainBars)');
    }
    return calendar === undefined ? undefined : calendarFeatures(calendar);
  }
  if (calendar !== undefined) {
    const have = new Set(features.names);
    const missing = calendarFeatureNames(calendar).find((n) => !have.has(n));
    if (missing !== undefined) {
      throw new ConfigError('env.features.calendar', `the FeatureSource has no column "${missing}": build it with fitFeatures(config.features, trainBars)`);
    }
  }
  return features;
}

/**
 * Checks an episode's bounds against its bars.
 *
 * @throws DataError naming the bound (`start` or `end`).
 */
export function checkEpisode(episode: Episode, window: number): void {
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
