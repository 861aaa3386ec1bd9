import { z } from 'zod';
import { BaseEnv } from '../src/core/env.js';
import type { ResetOptions, StepResult } from '../src/core/env.js';
import { ConfigError, DataError, InvalidActionError, ResetNeededError } from '../src/core/errors.js';
import { Box, Discrete } from '../src/core/spaces.js';
import type { Bars } from '../src/data/bars.js';
import type { Episode, EpisodeSource } from '../src/data/episode-source.js';
import { computeTradeCosts, costModelSchema, createTradeCosts } from '../src/market/cost-model.js';
import type { CostModelConfig } from '../src/market/cost-model.js';
import { Portfolio } from '../src/market/portfolio.js';
import type { CostFn } from '../src/market/portfolio.js';
import type { EnvSpec } from './env-spec.js';

/**
 * Configuration of `trading-v0`: the single source of its defaults and help text. Weights are fractions of
 * equity, money is in the series' currency, windows are counted in bars.
 *
 * @example
 * const config = tradingEnvSchema.parse({ window: 20, fill: 'next-close' }); // other keys take defaults
 */
export const tradingEnvSchema = z.strictObject({
  window: z.number().int().min(1).default(30).describe('close-to-close log returns in each observation (bars of history)'),
  positions: z
    .array(z.number())
    .min(1)
    .default(() => [-1, 0, 1])
    .describe('target weight (fraction of equity) for each discrete action: −1 fully short, 0 flat, 1 fully long'),
  fill: z
    .enum(['next-open', 'next-close'])
    .default('next-open')
    .describe('the action chosen at bar t fills at open[t+1] (default) or close[t+1]'),
  costs: costModelSchema.prefault({}).describe('spread, square-root impact and commission'),
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
});

/** Resolved `trading-v0` configuration (defaults applied). */
export type TradingEnvConfig = z.output<typeof tradingEnvSchema>;
/** `trading-v0` configuration as a user writes it (every key optional). */
export type TradingEnvInput = z.input<typeof tradingEnvSchema>;

/** Per-step diagnostics of {@link TradingEnv}. One object reused for every reset and step. */
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
  /** costSpread + costImpact + costCommission. */
  cost: number;
  /** Bar index of the current observation. */
  t: number;
  /** Epoch ms of bar t. */
  time: number;
  origin: Episode['origin'];
};

/** The (reused) result of {@link TradingEnv.step}, with typed diagnostics. */
export type TradingStepResult = StepResult<Float32Array> & { info: TradingEnvInfo };

/** Bankruptcy is scored as this fraction of initial equity so a reward is always finite (ln 1e-9 ≈ −20.7). */
const LOG_EQUITY_FLOOR = 1e-9;

/** Bars already checked for NaN and non-positive prices, by identity. */
const validatedBars = new WeakSet<Bars>();

/**
 * Single-asset trading with discrete target weights, realistic costs and no lookahead (`trading-v0`).
 *
 * Timing (decision bar t, fill bar f = t + 1):
 * - observation at t reads bars ≤ t only: `window` log returns ln(close[i]/close[i−1]) for
 *   i = t−window+1 … t (oldest first) × returnScale, then the weight held, shares·close[t]/equity[t];
 * - the action (index into `positions`) fills at open[f] ('next-open') or close[f] ('next-close'), paying
 *   half-spread, square-root impact and commission from cash (see src/market/cost-model.ts). An action whose
 *   target weight equals the previously targeted one does not trade (the drifted position is held, at no cost);
 * - equity is marked at close[f]; reward = ln(equity[f]/equity[t]), net of costs. With next-open fills the old
 *   position carries the overnight gap close[t]→open[f] and the new one earns open[f]→close[f].
 *
 * Episodes: on reset, one {@link Episode} is drawn from the source with this env's rng. Decisions run from its
 * start to its last fill bar end − 1; when `episodeLength` is set and the window holds more decisions, a start
 * is drawn uniformly in [episode.start, episode.end − episodeLength − 1]. The portfolio starts flat in cash.
 * `terminated` = equity ≤ ruinFloor·initialEquity (ruin); otherwise `truncated` when the fill bar is the
 * episode's last (end − 1) or `episodeLength` decisions were taken. At most one of the two is true.
 *
 * The observation buffer, the step result and the info object are reused: copy what you keep past the next
 * `step`/`reset`.
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

  private readonly costConfig: CostModelConfig;
  private readonly fillAtOpen: boolean;
  private readonly ruinEquity: number;
  private readonly obs: Float32Array;
  private readonly info: TradingEnvInfo;
  private readonly result: TradingStepResult;
  private readonly resetResult: { obs: Float32Array; info: TradingEnvInfo };
  private readonly portfolio: Portfolio;
  private readonly costs = createTradeCosts();
  private readonly costOf: CostFn;

  private bars: Bars | undefined;
  /** Current (decision) bar. */
  private t = 0;
  /** Bar of the last fill of this episode. */
  private lastFill = 0;
  private fillIndex = 0;
  private equity = 0;
  /** Weight targeted by the last trade (0 at reset: flat). */
  private targetWeight = 0;
  private active = false;

  /** @throws ConfigError (path `env.<key>`) when `config` is invalid. */
  constructor(
    config: TradingEnvInput,
    private readonly source: EpisodeSource,
  ) {
    super();
    this.config = parseTradingEnvConfig(config);
    const c = this.config;
    this.positions = Object.freeze([...c.positions]);
    this.costConfig = c.costs;
    this.fillAtOpen = c.fill === 'next-open';
    this.ruinEquity = c.ruinFloor * c.initialEquity;
    this.observationSpace = Box.uniform(c.window + 1, -Infinity, Infinity);
    this.actionSpace = new Discrete(c.positions.length);
    this.obs = new Float32Array(c.window + 1);
    this.portfolio = new Portfolio(c.initialEquity);
    this.info = {
      equity: c.initialEquity,
      position: 0,
      shares: 0,
      tradedNotional: 0,
      costSpread: 0,
      costImpact: 0,
      costCommission: 0,
      cost: 0,
      t: 0,
      time: 0,
      origin: 'real',
    };
    this.result = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };
    this.resetResult = { obs: this.obs, info: this.info };
    this.costOf = (deltaShares, price) => computeTradeCosts(this.costConfig, this.bars as Bars, this.fillIndex, deltaShares, price, this.costs).total;
  }

  /**
   * Starts an episode (see the class doc). The returned objects are reused by later calls.
   *
   * @throws DataError when the episode bounds do not fit its bars, or its bars hold a NaN or non-positive price.
   */
  override reset(opts?: ResetOptions): { obs: Float32Array; info: TradingEnvInfo } {
    super.reset(opts);
    return this.resetResult;
  }

  protected resetEpisode(): { obs: Float32Array; info: TradingEnvInfo } {
    this.active = false;
    const episode = this.source.next(this.rng);
    validateEpisode(episode, this.config.window);
    const decisions = episode.end - episode.start - 1;
    const maxSteps = this.config.episodeLength;
    let start = episode.start;
    let steps = decisions;
    if (maxSteps !== null && decisions > maxSteps) {
      start += this.rng.int(decisions - maxSteps + 1);
      steps = maxSteps;
    }
    this.bars = episode.bars;
    this.t = start;
    this.lastFill = start + steps;
    this.equity = this.config.initialEquity;
    this.targetWeight = 0;
    this.portfolio.reset(this.config.initialEquity);
    const info = this.info;
    info.equity = this.equity;
    info.position = 0;
    info.shares = 0;
    info.tradedNotional = 0;
    info.costSpread = 0;
    info.costImpact = 0;
    info.costCommission = 0;
    info.cost = 0;
    info.t = start;
    info.time = episode.bars.time[start];
    info.origin = episode.origin;
    this.writeObservation(episode.bars, start, 0);
    this.active = true;
    return this.resetResult;
  }

  /**
   * Fills `action` at bar t+1 and advances to it. Allocates nothing; the result object is reused.
   *
   * @throws ResetNeededError before the first reset or after the episode ended.
   * @throws InvalidActionError when `action` is not an integer in [0, positions.length).
   */
  step(action: number): TradingStepResult {
    if (!this.active) throw new ResetNeededError();
    if (!this.actionSpace.contains(action)) throw new InvalidActionError(action, this.actionSpace.toString());
    const bars = this.bars as Bars;
    const pf = this.portfolio;
    const f = this.t + 1;
    const fillPrice = this.fillAtOpen ? bars.open[f] : bars.close[f];
    const weight = this.positions[action];
    this.fillIndex = f;
    let delta = 0;
    // A bankrupt account (equity ≤ 0 at the fill price after a gap) cannot size a trade: it holds.
    if (weight !== this.targetWeight && pf.equityAt(fillPrice) > 0) {
      delta = pf.rebalanceTo(weight, fillPrice, this.costOf);
      this.targetWeight = weight;
    } else {
      this.costOf(0, fillPrice); // zeroes the reused cost record
    }

    const close = bars.close[f];
    const equity = pf.equityAt(close);
    const floor = LOG_EQUITY_FLOOR * this.config.initialEquity;
    const reward = Math.log((equity > floor ? equity : floor) / this.equity);
    this.equity = equity;
    this.t = f;
    const position = equity > 0 ? (pf.shares * close) / equity : 0;
    this.writeObservation(bars, f, position);

    const terminated = equity <= this.ruinEquity;
    const truncated = !terminated && f >= this.lastFill;
    this.active = !(terminated || truncated);

    const info = this.info;
    const costs = this.costs;
    info.equity = equity;
    info.position = position;
    info.shares = pf.shares;
    info.tradedNotional = Math.abs(delta) * fillPrice;
    info.costSpread = costs.spread;
    info.costImpact = costs.impact;
    info.costCommission = costs.commission;
    info.cost = costs.total;
    info.t = f;
    info.time = bars.time[f];

    const result = this.result;
    result.reward = reward;
    result.terminated = terminated;
    result.truncated = truncated;
    return result;
  }

  /** Reads close[t−window … t] only. */
  private writeObservation(bars: Bars, t: number, position: number): void {
    const obs = this.obs;
    const close = bars.close;
    const window = this.config.window;
    const scale = this.config.returnScale;
    const base = t - window;
    for (let k = 0; k < window; k++) obs[k] = Math.log(close[base + k + 1] / close[base + k]) * scale;
    obs[window] = position;
  }
}

/**
 * Parses a raw `trading-v0` config, applying defaults.
 *
 * @example
 * parseTradingEnvConfig({ window: 10 }).positions; // [-1, 0, 1]
 * @throws ConfigError with the key path (`env.window`) of the first invalid value.
 */
export function parseTradingEnvConfig(config: unknown): TradingEnvConfig {
  const parsed = tradingEnvSchema.safeParse(config ?? {});
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
export function createTradingEnv(config: unknown, source: EpisodeSource): TradingEnv {
  return new TradingEnv(parseTradingEnvConfig(config), source);
}

/**
 * Registry entry for `trading-v0`.
 *
 * @example
 * registry.register(tradingEnvSpec);
 */
export const tradingEnvSpec: EnvSpec<TradingEnvConfig> = {
  id: 'trading-v0',
  description:
    'Single-asset trading with discrete target weights: fills at the next open (or close) after half-spread, square-root impact and commission; reward = log change of net equity; no lookahead.',
  configSchema: tradingEnvSchema,
  create: (config, ctx) => {
    if (ctx?.source === undefined) throw new ConfigError('env', 'trading-v0 needs an episode source (ctx.source)');
    return createTradingEnv(config, ctx.source);
  },
};

/**
 * Checks an episode's bounds and (once per Bars object) its prices.
 *
 * @throws DataError naming the field and bar index of the first bad value.
 */
function validateEpisode(episode: Episode, window: number): void {
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
  if (validatedBars.has(bars)) return;
  checkColumn(bars, 'open', bars.open, true);
  checkColumn(bars, 'high', bars.high, true);
  checkColumn(bars, 'low', bars.low, true);
  checkColumn(bars, 'close', bars.close, true);
  checkColumn(bars, 'volume', bars.volume, false);
  if (bars.spread !== undefined) checkColumn(bars, 'spread', bars.spread, false);
  validatedBars.add(bars);
}

/** Prices must be finite and > 0; volume and spread finite and ≥ 0. */
function checkColumn(bars: Bars, field: string, values: Float64Array, price: boolean): void {
  const where = `bars "${bars.symbol}"`;
  if (values.length < bars.length) {
    throw new DataError(where, undefined, field, `column has ${values.length} values for ${bars.length} bars`);
  }
  for (let i = 0; i < bars.length; i++) {
    const v = values[i];
    const ok = price ? v > 0 && v < Infinity : v >= 0 && v < Infinity; // NaN fails every comparison
    if (!ok) {
      const need = price ? 'a positive finite price' : 'a finite value ≥ 0';
      throw new DataError(where, undefined, field, `bar index ${i}: ${field} = ${v} is not ${need}`);
    }
  }
}
