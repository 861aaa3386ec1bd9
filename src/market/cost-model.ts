import { z } from 'zod';
import type { Bars } from '../data/bars.js';
import { DAY_MS } from '../data/bars.js';
import { barSeries } from './bar-series.js';
import type { BarSeries } from './bar-series.js';

/**
 * Transaction costs of one fill: half the quoted spread, square-root market impact (slippage) and
 * commission; plus the borrow fee of holding a short (see {@link borrowCost}). Everything here is a pure function of the bars strictly before the fill bar (plus the fill
 * bar's own quoted spread, which is known when the order executes), so no cost can leak future prices.
 *
 * Units: prices and costs are in the series' currency; quantities in shares (fractional allowed);
 * `spread` columns and spread results are fractions of price (0.0002 = 2 bps); config values ending in
 * `Bps` are basis points (1 bp = 1e-4).
 *
 * @example
 * const costs = costModelSchema.parse({ commissionBps: 0.5, commissionMin: 1 }); // other keys take defaults
 */
export const costModelSchema = z.strictObject({
  spreadBps: z
    .number()
    .min(0)
    .default(2)
    .describe('quoted bid-ask spread in bps of price, used when the bars have no spread column; each trade pays half of it'),
  spreadVolScale: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'scales the modelled spread by trailing daily volatility σ relative to 1%: spread = spreadBps·(1 + spreadVolScale·(σ/0.01 − 1)), floored at 0; 0 = constant spread',
    ),
  impactK: z
    .number()
    .min(0)
    .default(0.1)
    .describe('square-root impact coefficient k: slippage per unit notional = k·σ_daily·sqrt(|Δq|/ADV)'),
  advWindow: z.number().int().min(1).default(20).describe('bars in the trailing average daily volume (ADV), ending at the bar before the fill'),
  volWindow: z
    .number()
    .int()
    .min(2)
    .default(20)
    .describe('close-to-close log returns in the trailing daily volatility σ_daily, ending at the bar before the fill'),
  commissionBps: z.number().min(0).default(1).describe('commission in bps of traded notional'),
  commissionMin: z.number().min(0).default(0).describe('minimum commission per trade, in currency (charged only when something trades)'),
  borrowBpsPerYear: z
    .number()
    .min(0)
    .default(25)
    .describe(
      'stock-borrow fee of a short, in bps per year of |short notional| at the close, accrued per calendar day (365/year, weekends included); 25 = a general-collateral rate',
    ),
});

/** Resolved cost-model configuration (defaults applied). */
export type CostModelConfig = z.output<typeof costModelSchema>;

/** Cost components of one fill, in currency. Reused between calls: copy what you keep. */
export interface TradeCosts {
  /** Half-spread cost: |Δq|·p·spread/2. */
  spread: number;
  /** Square-root impact (slippage): |Δq|·p·k·σ_daily·sqrt(|Δq|/ADV). */
  impact: number;
  /** max(commissionMin, |Δq|·p·commissionBps/1e4), or 0 when Δq = 0. */
  commission: number;
  /** spread + impact + commission. */
  total: number;
  /** Quoted spread used, as a fraction of price (diagnostic). */
  spreadFraction: number;
  /** Trailing daily volatility used (std of log returns per bar; diagnostic). */
  sigmaDaily: number;
  /** Trailing average volume used, in shares per bar (diagnostic). */
  adv: number;
}

/**
 * A zeroed {@link TradeCosts} to reuse across calls.
 *
 * @example
 * const costs = createTradeCosts(); // allocate once, pass to computeTradeCosts every step
 */
export function createTradeCosts(): TradeCosts {
  return { spread: 0, impact: 0, commission: 0, total: 0, spreadFraction: 0, sigmaDaily: 0, adv: 0 };
}

/**
 * Trailing daily volatility seen by a fill at bar `fillIndex`: the sample standard deviation (divisor n − 1)
 * of the close-to-close log returns r_j = ln(close[j] / close[j−1]) for j = max(1, fillIndex − window) …
 * fillIndex − 1. Only closes at indices ≤ fillIndex − 1 are read: strictly before the fill bar.
 *
 * This is the direct O(window) reference; fills read the same quantity in O(1) from {@link BarSeries}.
 *
 * @returns σ per bar (a fraction, 0.01 = 1%), or NaN when fewer than 2 returns are available.
 * @example
 * trailingVolatility(bars.close, 31, 20); // std of ln(close[j]/close[j-1]), j = 11..30
 */
export function trailingVolatility(close: Float64Array, fillIndex: number, window: number): number {
  const from = Math.max(1, fillIndex - window);
  const n = fillIndex - from;
  if (n < 2) return NaN;
  // Welford's single pass: one log per return, numerically stable.
  let mean = 0;
  let m2 = 0;
  for (let j = from, k = 1; j < fillIndex; j++, k++) {
    const r = Math.log(close[j] / close[j - 1]);
    const d = r - mean;
    mean += d / k;
    m2 += d * (r - mean);
  }
  return Math.sqrt(m2 / (n - 1));
}

/**
 * Average volume seen by a fill at bar `fillIndex`: the mean of volume[j] for
 * j = max(0, fillIndex − window) … fillIndex − 1 (strictly before the fill bar).
 *
 * This is the direct O(window) reference; fills read the same quantity in O(1) from {@link BarSeries}.
 *
 * @returns shares per bar, or 0 when no earlier bar exists.
 * @example
 * averageVolume(bars.volume, 31, 20); // mean of volume[11..30]
 */
export function averageVolume(volume: Float64Array, fillIndex: number, window: number): number {
  const from = Math.max(0, fillIndex - window);
  const n = fillIndex - from;
  if (n < 1) return 0;
  let sum = 0;
  for (let j = from; j < fillIndex; j++) sum += volume[j];
  return sum / n;
}

/**
 * The quoted spread (fraction of price) paid by a fill at bar `fillIndex`: `bars.spread[fillIndex]` when the
 * bars carry a spread column, otherwise the model spreadBps/1e4 · max(0, 1 + spreadVolScale·(σ/0.01 − 1)).
 * When σ is unavailable (NaN: fewer than 2 trailing returns) the volatility scaling is skipped.
 *
 * @example
 * modelledSpread(config, bars, 31, trailingVolatility(bars.close, 31, config.volWindow)); // 0.0002 by default
 */
export function modelledSpread(config: CostModelConfig, bars: Bars, fillIndex: number, sigmaDaily: number): number {
  if (bars.spread !== undefined) return bars.spread[fillIndex];
  const base = config.spreadBps / 1e4;
  if (config.spreadVolScale === 0 || !(sigmaDaily >= 0)) return base;
  return base * Math.max(0, 1 + config.spreadVolScale * (sigmaDaily / 0.01 - 1));
}

/**
 * Costs of trading `deltaShares` (signed: + buys, − sells) at `price` in bar `fillIndex`. Writes into `out`
 * and returns it; allocates nothing after the first call on a given `bars` (see {@link barSeries}).
 *
 * - spread = |Δq|·p·s/2, s from {@link modelledSpread};
 * - impact = |Δq|·p·k·σ_daily·sqrt(|Δq|/ADV), σ_daily the trailing volatility over `volWindow` returns and
 *   ADV the average volume over `advWindow` bars, both strictly before `fillIndex` (as in
 *   {@link trailingVolatility} and {@link averageVolume}, read in O(1) from the bars' {@link BarSeries});
 *   impact is 0 when ADV is 0 or σ_daily is unavailable (fewer than 2 earlier returns);
 * - commission = max(commissionMin, |Δq|·p·commissionBps/1e4) when Δq ≠ 0.
 *
 * Δq = 0 gives all zeros. Costs are always ≥ 0 and in currency. The borrow fee is not a fill cost: it is
 * charged per bar held short, see {@link borrowCost}.
 *
 * @example
 * const out = createTradeCosts();
 * computeTradeCosts(costModelSchema.parse({}), bars, 31, 1000, bars.open[31], out);
 * out.total; // currency
 */
export function computeTradeCosts(
  config: CostModelConfig,
  bars: Bars,
  fillIndex: number,
  deltaShares: number,
  price: number,
  out: TradeCosts,
): TradeCosts {
  return seriesTradeCosts(config, barSeries(bars), fillIndex, deltaShares, price, out);
}

/**
 * {@link computeTradeCosts} on a series the caller already holds (envs keep their episode's series, which
 * saves the cache lookup on every fill).
 *
 * @example
 * seriesTradeCosts(config, barSeries(bars), 31, 1000, bars.open[31], out);
 */
export function seriesTradeCosts(
  config: CostModelConfig,
  series: BarSeries,
  fillIndex: number,
  deltaShares: number,
  price: number,
  out: TradeCosts,
): TradeCosts {
  const qty = Math.abs(deltaShares);
  if (qty === 0) {
    out.spread = 0;
    out.impact = 0;
    out.commission = 0;
    out.total = 0;
    out.spreadFraction = 0;
    out.sigmaDaily = 0;
    out.adv = 0;
    return out;
  }
  const bars = series.bars;
  const notional = qty * price;
  const needSigma = config.impactK > 0 || (config.spreadVolScale !== 0 && bars.spread === undefined);
  const sigma = needSigma ? series.trailingVolatility(fillIndex, config.volWindow) : NaN;
  const adv = config.impactK > 0 ? series.averageVolume(fillIndex, config.advWindow) : 0;
  const spreadFraction = modelledSpread(config, bars, fillIndex, sigma);

  out.spread = (notional * spreadFraction) / 2;
  out.impact = adv > 0 && sigma >= 0 ? notional * config.impactK * sigma * Math.sqrt(qty / adv) : 0;
  out.commission = Math.max(config.commissionMin, (notional * config.commissionBps) / 1e4);
  out.total = out.spread + out.impact + out.commission;
  out.spreadFraction = spreadFraction;
  out.sigmaDaily = sigma >= 0 ? sigma : 0;
  out.adv = adv;
  return out;
}

/** Calendar days per year over which `borrowBpsPerYear` accrues (brokers accrue borrow fees daily, on 365 days). */
export const BORROW_DAYS_PER_YEAR = 365;

/**
 * Borrow fee of holding `shares` (negative = short) at `close` over the calendar time from `fromTime` to
 * `toTime` (epoch ms): |short notional|·borrowBpsPerYear/1e4·days/365, days = (toTime − fromTime)/86,400,000,
 * so a position held over a weekend pays three days. Longs (shares ≥ 0) and non-positive intervals pay 0.
 *
 * Trading envs charge it at every close: the position held at close[t+1] pays for the interval from bar t's
 * time to bar t+1's, valued at close[t+1].
 *
 * @returns the fee in currency (≥ 0)
 * @example
 * borrowCost(costModelSchema.parse({}), -10_000, 100, fri, mon); // 1e6 · 25e-4 · 3/365 ≈ 20.55
 */
export function borrowCost(config: CostModelConfig, shares: number, close: number, fromTime: number, toTime: number): number {
  if (!(shares < 0) || !(toTime > fromTime) || config.borrowBpsPerYear === 0) return 0;
  const days = (toTime - fromTime) / DAY_MS;
  return (-shares * close * config.borrowBpsPerYear * days) / (1e4 * BORROW_DAYS_PER_YEAR);
}
