import { z } from 'zod';
import { BaseEnv } from '../src/core/env.js';
import type { ResetOptions, StepResult } from '../src/core/env.js';
import { ConfigError, InvalidActionError, ResetNeededError } from '../src/core/errors.js';
import { Box } from '../src/core/spaces.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { fixedPanelEpisode, isPanelEpisodeSource, validatePanelEpisode } from '../src/data/panel-episode-source.js';
import type { PanelEpisode, PanelEpisodeSource } from '../src/data/panel-episode-source.js';
import { borrowCost, computeTradeCosts, costModelSchema, createTradeCosts } from '../src/market/cost-model.js';
import type { CostModelConfig } from '../src/market/cost-model.js';
import type { EnvSpec } from './env-spec.js';

/**
 * Configuration of `portfolio-v0`: the single source of its defaults and help text. Weights are fractions of
 * equity, money is in the panel's currency, windows are counted in bars.
 *
 * @example
 * const config = portfolioEnvSchema.parse({ leverage: 2, allowShort: true }); // other keys take defaults
 */
export const portfolioEnvSchema = z.strictObject({
  window: z.number().int().min(1).default(30).describe('close-to-close log returns per asset in each observation (bars of history)'),
  costs: costModelSchema
    .prefault({})
    .describe("spread, square-root impact and commission of each asset's trade, with that asset's own bars; borrow fee of each short"),
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
    .describe('gross exposure limit L: Σ|w_i| ≤ L (fraction of equity); a larger gross is scaled down to L; L > 1 borrows cash at zero interest'),
  allowShort: z
    .boolean()
    .default(false)
    .describe('allow negative target weights (short sales); off by default: long-only is the common portfolio setting'),
  rebalanceThreshold: z
    .number()
    .min(0)
    .default(0)
    .describe('trade an asset only when |target − current weight| exceeds this fraction of equity; 0 = rebalance every asset to target at every step'),
});

/** Resolved `portfolio-v0` configuration (defaults applied). */
export type PortfolioEnvConfig = z.output<typeof portfolioEnvSchema>;
/** `portfolio-v0` configuration as a user writes it (every key optional). */
export type PortfolioEnvInput = z.input<typeof portfolioEnvSchema>;

/**
 * Per-step diagnostics of {@link PortfolioEnv}. One object (and its typed arrays) reused for every reset and
 * step: copy what you keep.
 */
export type PortfolioEnvInfo = {
  /** Net equity marked at close[t]: cash + Σ shares_i·close_i[t], in currency. */
  equity: number;
  /** Currency held after the last fill and fees (negative when borrowing: leverage > 1, or costs of a fully invested fill). */
  cash: number;
  /** Per-asset weight after the last fill, marked at close[t]: shares_i·close_i[t]/equity (0 when equity ≤ 0). */
  weights: Float64Array;
  /** Per-asset signed shares held after the last fill. */
  shares: Float64Array;
  /** Per-asset target weights of the last action after the gross-leverage projection (0 at reset). */
  targets: Float64Array;
  /** Σ_i |Δq_i|·open_i[t] of the last fill, in currency. */
  tradedNotional: number;
  /** Half-spread cost of the last fill summed over assets, in currency. */
  costSpread: number;
  /** Square-root impact (slippage) of the last fill summed over assets, in currency. */
  costImpact: number;
  /** Commission of the last fill summed over assets, in currency. */
  costCommission: number;
  /** Borrow fee of the short positions held over the last bar, summed over assets, in currency. */
  costBorrow: number;
  /** Everything paid in the last step: costSpread + costImpact + costCommission + costBorrow, in currency. */
  cost: number;
  /** Bar index of the current observation. */
  t: number;
  /** Epoch ms of bar t (shared by all assets). */
  time: number;
  origin: PanelEpisode['origin'];
};

/** The (reused) result of {@link PortfolioEnv.step}, with typed diagnostics. */
export type PortfolioStepResult = StepResult<Float32Array> & { info: PortfolioEnvInfo };

/** Bankruptcy is scored as this fraction of initial equity so a reward is always finite (ln 1e-9 ≈ −20.7). */
const LOG_EQUITY_FLOOR = 1e-9;

/** Scaled close-to-close log returns per Bars object and returnScale (see {@link scaledLogReturns}). */
const returnsCache = new WeakMap<Bars, Map<number, Float32Array>>();

const EMPTY_F64 = new Float64Array(0);
const EMPTY_F32 = new Float32Array(0);

/**
 * Multi-asset portfolio allocation with continuous target weights, per-asset costs and no lookahead
 * (`portfolio-v0`). N assets come from a {@link Panel} (aligned bars); the rest of equity is cash.
 *
 * Action: N target weights (fractions of equity), a Box in [−L, L] (or [0, L] when `allowShort` is false),
 * L = `leverage`. An action outside the Box throws InvalidActionError. A valid action whose gross Σ|w_i|
 * exceeds L is scaled down proportionally to Σ|w_i| = L (w_i ← w_i·L/Σ|w_j|): a projection, not an error,
 * because a policy network's output cannot be constrained to the gross limit otherwise.
 *
 * Cash takes the remainder 1 − Σw_i of equity. With L ≤ 1 it is ≥ 0, except for the costs of a fully
 * invested fill, which are paid from cash (a small overdraft). With L > 1 it may be negative: the account
 * borrows cash to be long, at zero interest in this version (no financing charge is made). Short-sale
 * proceeds sit in cash and earn nothing; shorts pay the cost model's borrow fee.
 *
 * Timing (decision bar t, fill bar f = t + 1), identical to `trading-v0` with next-open fills:
 * - the observation at t reads bars ≤ t only, length N·window + N + 1, asset-major: for asset 0, its last
 *   `window` log returns ln(close[i]/close[i−1]), i = t−window+1 … t (oldest first) × returnScale; then
 *   asset 1's window; …; then the N current weights shares_i·close_i[t]/equity[t]; then the cash weight
 *   cash/equity[t] (all weights 0 when equity ≤ 0);
 * - fills at open_i[f]: target shares for every asset are computed first from the pre-trade equity
 *   E = cash + Σ shares_i·open_i[f] (q_i = w_i·E/open_i[f]); then each trade executes and pays half-spread,
 *   square-root impact and commission from cash (src/market/cost-model.ts, with that asset's own bars:
 *   trailing σ and ADV strictly before f). Because costs come out after sizing, post-trade weights deviate
 *   from the targets by about cost/E. An asset trades only when |w_i − shares_i·open_i[f]/E| exceeds
 *   `rebalanceThreshold` (with the default 0, every asset is rebalanced to target at every step);
 * - a short position then pays the cost model's borrow fee for the calendar days from bar t to bar f,
 *   valued at close_i[f] (`borrowCost` in cost-model.ts: weekends count, longs pay nothing);
 * - equity is marked at close_i[f]; reward = ln(equity[f]/equity[t]), net of costs.
 * A bankrupt account (E ≤ 0 at the opens after a gap) cannot size trades and holds.
 *
 * Episodes: on reset one {@link PanelEpisode} is drawn from the source with this env's rng; with
 * `episodeLength` set and a longer window, the start is drawn uniformly as in `trading-v0`. The portfolio
 * starts in cash. `terminated` = equity ≤ ruinFloor·initialEquity; otherwise `truncated` when the fill bar is
 * the episode's last (end − 1) or `episodeLength` decisions were taken.
 *
 * Reused objects: the observation buffer, the step result, the info object and its typed arrays are the same
 * objects on every `reset` and `step`: copy what you keep past the next call. Each panel's bars must not be
 * mutated once an env has seen them (their validation and scaled returns are cached by identity).
 *
 * @example
 * const env = new PortfolioEnv({ window: 30, leverage: 1 }, fixedPanelEpisode([spy, tlt, gld], 30));
 * let { obs } = env.reset({ seed: 1 });            // 3·30 returns, 3 weights, 1 cash weight
 * const r = env.step(Float32Array.of(0.5, 0.3, 0.2)); // fully invested from the next opens
 * r.reward;                                          // ln(equity[t+1]/equity[t])
 */
export class PortfolioEnv extends BaseEnv<Float32Array, Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly config: PortfolioEnvConfig;
  /** Number of assets N (from the source). */
  readonly assets: number;

  private readonly costConfig: CostModelConfig;
  private readonly window: number;
  private readonly leverage: number;
  private readonly threshold: number;
  private readonly ruinEquity: number;
  private readonly obs: Float32Array;
  private readonly info: PortfolioEnvInfo;
  private readonly result: PortfolioStepResult;
  private readonly resetResult: { obs: Float32Array; info: PortfolioEnvInfo };
  private readonly costs = createTradeCosts();
  private readonly shares: Float64Array;
  private readonly weights: Float64Array;
  private readonly targets: Float64Array;
  private readonly deltas: Float64Array;
  // Per-asset columns of the current episode, assigned at reset so the step reads them without lookups.
  private readonly returns: Float32Array[];
  private readonly opens: Float64Array[];
  private readonly closes: Float64Array[];

  private panel: Panel = [];
  /** The panel's shared time column (epoch ms). */
  private time: Float64Array = EMPTY_F64;
  /** Current (decision) bar. */
  private t = 0;
  /** Bar of the last fill of this episode. */
  private lastFill = 0;
  private cash = 0;
  private equity = 0;
  private active = false;

  /**
   * @throws ConfigError (path `env.<key>`) when `config` is invalid, or (path `ctx.source`) when `source` is
   *   not a {@link PanelEpisodeSource}.
   */
  constructor(
    config: PortfolioEnvInput,
    private readonly source: PanelEpisodeSource,
  ) {
    super();
    this.config = parsePortfolioEnvConfig(config);
    if (!isPanelEpisodeSource(source)) {
      throw new ConfigError('ctx.source', 'portfolio-v0 needs a PanelEpisodeSource (next(rng) returning a panel episode, and an integer `assets` ≥ 1); a single-asset EpisodeSource does not fit');
    }
    const c = this.config;
    const n = source.assets;
    this.assets = n;
    this.costConfig = c.costs;
    this.window = c.window;
    this.leverage = c.leverage;
    this.threshold = c.rebalanceThreshold;
    this.ruinEquity = c.ruinFloor * c.initialEquity;
    this.observationSpace = Box.uniform(n * c.window + n + 1, -Infinity, Infinity);
    this.actionSpace = Box.uniform(n, c.allowShort ? -c.leverage : 0, c.leverage);
    this.obs = new Float32Array(this.observationSpace.size);
    this.shares = new Float64Array(n);
    this.weights = new Float64Array(n);
    this.targets = new Float64Array(n);
    this.deltas = new Float64Array(n);
    this.returns = new Array<Float32Array>(n).fill(EMPTY_F32);
    this.opens = new Array<Float64Array>(n).fill(EMPTY_F64);
    this.closes = new Array<Float64Array>(n).fill(EMPTY_F64);
    this.info = {
      equity: c.initialEquity,
      cash: c.initialEquity,
      weights: this.weights,
      shares: this.shares,
      targets: this.targets,
      tradedNotional: 0,
      costSpread: 0,
      costImpact: 0,
      costCommission: 0,
      costBorrow: 0,
      cost: 0,
      t: 0,
      time: 0,
      origin: 'real',
    };
    this.result = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };
    this.resetResult = { obs: this.obs, info: this.info };
  }

  /**
   * Starts an episode (see the class doc). The returned objects are reused by later calls.
   *
   * @throws DataError when the episode's panel has another number of assets than the source declares, its
   *   bounds do not fit the bars, its assets are not aligned, or a bar holds a NaN or non-positive price.
   */
  override reset(opts?: ResetOptions): { obs: Float32Array; info: PortfolioEnvInfo } {
    super.reset(opts);
    return this.resetResult;
  }

  protected resetEpisode(): { obs: Float32Array; info: PortfolioEnvInfo } {
    this.active = false;
    const episode = this.source.next(this.rng);
    validatePanelEpisode(episode, this.window, this.assets);
    const decisions = episode.end - episode.start - 1;
    const maxSteps = this.config.episodeLength;
    let start = episode.start;
    let steps = decisions;
    if (maxSteps !== null && decisions > maxSteps) {
      start += this.rng.int(decisions - maxSteps + 1);
      steps = maxSteps;
    }
    const panel = episode.panel;
    for (let i = 0; i < this.assets; i++) {
      const bars = panel[i];
      this.returns[i] = scaledLogReturns(bars, this.config.returnScale);
      this.opens[i] = bars.open;
      this.closes[i] = bars.close;
    }
    this.panel = panel;
    this.time = panel[0].time;
    this.t = start;
    this.lastFill = start + steps;
    this.cash = this.config.initialEquity;
    this.equity = this.config.initialEquity;
    this.shares.fill(0);
    this.targets.fill(0);
    const info = this.info;
    info.tradedNotional = 0;
    info.costSpread = 0;
    info.costImpact = 0;
    info.costCommission = 0;
    info.costBorrow = 0;
    info.cost = 0;
    info.origin = episode.origin;
    this.observe(start);
    this.active = true;
    return this.resetResult;
  }

  /**
   * Projects `action` onto the gross-leverage limit, fills it at the opens of bar t+1 and advances to that
   * bar. Allocates nothing; the result object is reused.
   *
   * @param action N target weights (fractions of equity) inside {@link actionSpace}
   * @throws ResetNeededError before the first reset or after the episode ended.
   * @throws InvalidActionError when `action` is not a Float32Array of N values inside the Box (NaN included).
   */
  step(action: Float32Array): PortfolioStepResult {
    if (!this.active) throw new ResetNeededError();
    const space = this.actionSpace;
    if (!space.contains(action)) throw new InvalidActionError(describeAction(action, space), space.toString());
    const n = this.assets;
    const f = this.t + 1;
    const shares = this.shares;
    const targets = this.targets;
    const deltas = this.deltas;
    const opens = this.opens;

    // Gross-leverage projection: scale Σ|w| down to L, keeping the proportions.
    let gross = 0;
    for (let i = 0; i < n; i++) gross += Math.abs(action[i]);
    const scale = gross > this.leverage ? this.leverage / gross : 1;
    for (let i = 0; i < n; i++) targets[i] = action[i] * scale;

    // Size every trade from the pre-trade equity at the fill prices, then execute.
    let cash = this.cash;
    let equityAtOpen = cash;
    for (let i = 0; i < n; i++) equityAtOpen += shares[i] * opens[i][f];
    if (equityAtOpen > 0) {
      for (let i = 0; i < n; i++) {
        const price = opens[i][f];
        const drift = targets[i] - (shares[i] * price) / equityAtOpen;
        deltas[i] = Math.abs(drift) > this.threshold ? (targets[i] * equityAtOpen) / price - shares[i] : 0;
      }
    } else {
      deltas.fill(0); // a bankrupt account cannot size a position: it holds
    }
    let notional = 0;
    let spread = 0;
    let impact = 0;
    let commission = 0;
    const costs = this.costs;
    for (let i = 0; i < n; i++) {
      const dq = deltas[i];
      if (dq === 0) continue;
      const price = opens[i][f];
      computeTradeCosts(this.costConfig, this.panel[i], f, dq, price, costs);
      shares[i] += dq;
      cash -= dq * price + costs.total;
      notional += Math.abs(dq) * price;
      spread += costs.spread;
      impact += costs.impact;
      commission += costs.commission;
    }
    // Shorts held from bar t to bar f pay their borrow fee at close[f].
    let borrow = 0;
    const from = this.time[f - 1];
    const to = this.time[f];
    for (let i = 0; i < n; i++) if (shares[i] < 0) borrow += borrowCost(this.costConfig, shares[i], this.closes[i][f], from, to);
    cash -= borrow;
    this.cash = cash;

    const previous = this.equity;
    this.t = f;
    const equity = this.observe(f);
    const floor = LOG_EQUITY_FLOOR * this.config.initialEquity;
    const reward = Math.log((equity > floor ? equity : floor) / previous);
    const terminated = equity <= this.ruinEquity;
    const truncated = !terminated && f >= this.lastFill;
    this.active = !(terminated || truncated);

    const info = this.info;
    info.tradedNotional = notional;
    info.costSpread = spread;
    info.costImpact = impact;
    info.costCommission = commission;
    info.costBorrow = borrow;
    info.cost = spread + impact + commission + borrow;
    const result = this.result;
    result.reward = reward;
    result.terminated = terminated;
    result.truncated = truncated;
    return result;
  }

  /**
   * Marks the portfolio at close[t], writes the observation (bars ≤ t only) and the info's equity, cash,
   * weights, t and time. Returns the equity.
   */
  private observe(t: number): number {
    const n = this.assets;
    const window = this.window;
    const obs = this.obs;
    const shares = this.shares;
    const closes = this.closes;
    const cash = this.cash;
    let equity = cash;
    for (let i = 0; i < n; i++) equity += shares[i] * closes[i][t];
    this.equity = equity;

    // Asset-major blocks of returns[t−window+1 … t].
    const from = t - window + 1;
    for (let i = 0; i < n; i++) {
      const r = this.returns[i];
      const off = i * window;
      for (let k = 0; k < window; k++) obs[off + k] = r[from + k];
    }
    const weights = this.weights;
    const base = n * window;
    const solvent = equity > 0;
    for (let i = 0; i < n; i++) {
      const w = solvent ? (shares[i] * closes[i][t]) / equity : 0;
      weights[i] = w;
      obs[base + i] = w;
    }
    obs[base + n] = solvent ? cash / equity : 0;

    const info = this.info;
    info.equity = equity;
    info.cash = cash;
    info.t = t;
    info.time = this.time[t];
    return equity;
  }
}

/**
 * Parses a raw `portfolio-v0` config, applying defaults.
 *
 * @example
 * parsePortfolioEnvConfig({ window: 10 }).allowShort; // false
 * @throws ConfigError with the key path (`env.leverage`) of the first invalid value.
 */
export function parsePortfolioEnvConfig(config: unknown): PortfolioEnvConfig {
  const parsed = portfolioEnvSchema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0];
  const path = ['env', ...first.path.map(String)].join('.');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ConfigError(path, `${first.message}${more}`);
}

/**
 * Builds a `portfolio-v0` env from raw config.
 *
 * @example
 * const env = createPortfolioEnv({ window: 20, allowShort: true }, fixedPanelEpisode(panel, 20));
 * @throws ConfigError with the key path (`env.costs.impactK`) when the config is invalid, or `ctx.source`
 *   when `source` is not a {@link PanelEpisodeSource}.
 */
export function createPortfolioEnv(config: unknown, source: PanelEpisodeSource): PortfolioEnv {
  return new PortfolioEnv(parsePortfolioEnvConfig(config), source);
}

/**
 * Registry entry for `portfolio-v0`. `create` reads the panel source from `ctx.panelSource`; without one it
 * throws ConfigError with path `ctx.panelSource`.
 *
 * @example
 * registry.register(portfolioEnvSpec);
 * registry.get('portfolio-v0').create({ leverage: 1.5 }, { panelSource: fixedPanelEpisode(panel, 30) });
 */
export const portfolioEnvSpec: EnvSpec<PortfolioEnvConfig> = {
  id: 'portfolio-v0',
  description:
    'Multi-asset allocation with continuous target weights and cash: gross exposure projected onto a leverage limit, fills at the next opens after per-asset half-spread, square-root impact and commission; reward = log change of net equity; no lookahead.',
  configSchema: portfolioEnvSchema,
  create: (config, ctx) => {
    if (ctx?.panelSource === undefined) throw new ConfigError('ctx.panelSource', 'portfolio-v0 needs a PanelEpisodeSource in ctx.panelSource');
    return createPortfolioEnv(config, ctx.panelSource);
  },
  // Two assets that are causal functions of the probe's bars: the bars themselves and a monotone
  // (square-root) transform of their prices, which keeps OHLC valid and gives the second asset its own returns.
  contractFixture: (bars, start, end) => ({ panelSource: fixedPanelEpisode([bars, sqrtPrices(bars)], start, end) }),
};

/** A copy of `bars` with every price p replaced by 10·√p (monotone, so high ≥ max(open, close) still holds). */
function sqrtPrices(bars: Bars): Bars {
  const f = (col: Float64Array) => col.map((p) => 10 * Math.sqrt(p));
  return { ...bars, symbol: `${bars.symbol}-SQRT`, open: f(bars.open), high: f(bars.high), low: f(bars.low), close: f(bars.close) };
}

/**
 * Close-to-close log returns × `scale` as float32, out[j] = ln(close[j]/close[j−1])·scale (out[0] = 0, never
 * observed), computed once per Bars object and scale. Each entry depends on closes ≤ j only, and the env
 * reads entries ≤ t, so the cache cannot leak future prices.
 */
function scaledLogReturns(bars: Bars, scale: number): Float32Array {
  let byScale = returnsCache.get(bars);
  if (byScale === undefined) {
    byScale = new Map();
    returnsCache.set(bars, byScale);
  }
  let out = byScale.get(scale);
  if (out === undefined) {
    const close = bars.close;
    out = new Float32Array(bars.length);
    for (let j = 1; j < bars.length; j++) out[j] = Math.log(close[j] / close[j - 1]) * scale;
    byScale.set(scale, out);
  }
  return out;
}

/** The offending action and why it is outside the Box, for the error message (built only on failure). */
function describeAction(action: unknown, space: Box): string {
  if (!(action instanceof Float32Array)) {
    const shown = Array.isArray(action) ? `[${action.join(', ')}] (an array; actions are Float32Array)` : `${String(action)} (${typeof action}; actions are Float32Array)`;
    return shown;
  }
  const values = `Float32Array [${Array.from(action).join(', ')}]`;
  if (action.length !== space.size) return `${values} (length ${action.length}, expected ${space.size})`;
  for (let i = 0; i < action.length; i++) {
    const v = action[i];
    if (!(v >= space.low[i] && v <= space.high[i])) return `${values} (weight ${i} = ${v} outside [${space.low[i]}, ${space.high[i]}])`;
  }
  return values;
}
