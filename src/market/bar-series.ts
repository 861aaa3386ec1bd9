import { DataError } from '../core/errors.js';
import type { Bars } from '../data/bars.js';

/**
 * Per-bar quantities that envs and the cost model read on every step, computed once per {@link Bars} object
 * (see {@link barSeries}) so a step costs O(1) whatever the windows:
 *
 * - `logReturns[i]` = ln(close[i]/close[i−1]) (and 0 at i = 0);
 * - scaled returns as Float32 (an observation window is a plain copy), per scale;
 * - compensated prefix sums of returns, squared returns and volume, from which the trailing volatility and
 *   average volume of any window are read in O(1).
 *
 * Every entry i depends on bars ≤ i only, so precomputing over the whole series reads no future bar into
 * anything the env uses at t: the prefix sums are accumulated in index order and an entry is never revised.
 *
 * Bars are treated as immutable once a series exists for them (the cache is keyed by object identity):
 * build new Bars instead of editing the columns of bars an env or the cost model has used.
 *
 * Numerics: the prefix sums are double-double (a running sum and its TwoSum compensation), so the sum over a
 * window is accurate to a few ulps of the window sum however long the series. The variance is formed from
 * the raw moments, m2 = S2 − S1²/n, whose relative error is about 2u·S2/m2: negligible while the window's
 * mean is small against its spread (daily returns: |mean| ≈ 0.05·σ). When S2/m2 exceeds 256 (|mean| above
 * ~16σ, e.g. two nearly equal returns) the window is recomputed directly with Welford's method, which
 * reads the same returns. σ therefore matches the direct computation to ≤ 1e-12 relative on real data
 * (the test checks the built-in S&P 500 for windows of 2 to 252 bars, and regime and trend stress cases).
 */
export class BarSeries {
  /** ln(close[i]/close[i−1]) for i ≥ 1; entry 0 is 0 (no earlier close). */
  readonly logReturns: Float64Array;

  private readonly scaled = new Map<number, Float32Array>();
  private stats: PrefixStats | undefined;

  constructor(readonly bars: Bars) {
    const n = bars.length;
    const close = bars.close;
    const r = new Float64Array(n);
    for (let i = 1; i < n; i++) r[i] = Math.log(close[i] / close[i - 1]);
    this.logReturns = r;
  }

  /**
   * Log returns × `scale`, rounded once to Float32: entry i is exactly the Float32 of
   * `Math.log(close[i]/close[i−1]) * scale` (entry 0 is 0). Cached per scale; do not write to it.
   *
   * @example
   * barSeries(bars).scaledReturns(100).subarray(t - 29, t + 1); // the 30 returns ending at t, in percent
   */
  scaledReturns(scale: number): Float32Array {
    let out = this.scaled.get(scale);
    if (out === undefined) {
      const r = this.logReturns;
      out = new Float32Array(r.length);
      for (let i = 1; i < r.length; i++) out[i] = r[i] * scale;
      this.scaled.set(scale, out);
    }
    return out;
  }

  /**
   * Trailing daily volatility seen by a fill at bar `fillIndex`: the sample standard deviation (divisor n − 1)
   * of r_j = ln(close[j]/close[j−1]) for j = max(1, fillIndex − window) … fillIndex − 1, i.e. strictly before
   * the fill bar. O(1) (O(window) only in the rare windows described in the class doc). Same definition as
   * `trailingVolatility` in cost-model.ts.
   *
   * @returns σ per bar (fraction, 0.01 = 1%), or NaN when fewer than 2 returns are available.
   * @example
   * barSeries(bars).trailingVolatility(31, 20); // std of r_11 … r_30
   */
  trailingVolatility(fillIndex: number, window: number): number {
    const from = fillIndex - window > 1 ? fillIndex - window : 1;
    const n = fillIndex - from;
    if (n < 2) return NaN;
    const s = this.stats ?? this.buildStats();
    const s1 = s.r1Hi[fillIndex] - s.r1Hi[from] + (s.r1Lo[fillIndex] - s.r1Lo[from]);
    const s2 = s.r2Hi[fillIndex] - s.r2Hi[from] + (s.r2Lo[fillIndex] - s.r2Lo[from]);
    const m2 = s2 - (s1 * s1) / n;
    // m2 = S2 − S1²/n carries a relative error of about 2u·S2/m2 (u = 2^−53). While S2/m2 ≤ 256 that is
    // ≤ 6e-14 on σ; past it (a window whose |mean| exceeds ~16σ) recompute the window directly.
    if (m2 * CANCELLATION_LIMIT >= s2) return Math.sqrt(m2 / (n - 1));
    const r = this.logReturns;
    let mean = 0;
    let sq = 0;
    for (let j = from, k = 1; j < fillIndex; j++, k++) {
      const d = r[j] - mean;
      mean += d / k;
      sq += d * (r[j] - mean);
    }
    return Math.sqrt(sq / (n - 1));
  }

  /**
   * Average volume seen by a fill at bar `fillIndex`: the mean of volume[j] for
   * j = max(0, fillIndex − window) … fillIndex − 1 (strictly before the fill bar). O(1).
   *
   * @returns shares per bar, or 0 when no earlier bar exists.
   * @example
   * barSeries(bars).averageVolume(31, 20); // mean of volume[11..30]
   */
  averageVolume(fillIndex: number, window: number): number {
    const from = fillIndex - window > 0 ? fillIndex - window : 0;
    const n = fillIndex - from;
    if (n < 1) return 0;
    const s = this.stats ?? this.buildStats();
    return (s.vHi[fillIndex] - s.vHi[from] + (s.vLo[fillIndex] - s.vLo[from])) / n;
  }

  private buildStats(): PrefixStats {
    const n = this.bars.length;
    const r = this.logReturns;
    const volume = this.bars.volume;
    const s: PrefixStats = {
      r1Hi: new Float64Array(n + 1),
      r1Lo: new Float64Array(n + 1),
      r2Hi: new Float64Array(n + 1),
      r2Lo: new Float64Array(n + 1),
      vHi: new Float64Array(n + 1),
      vLo: new Float64Array(n + 1),
    };
    // Entry k holds the sum over indices < k (returns from index 1). TwoSum keeps each rounding error in Lo.
    let r1 = 0, r1c = 0, r2 = 0, r2c = 0, v = 0, vc = 0;
    for (let i = 0; i < n; i++) {
      if (i >= 1) {
        const x = r[i];
        let t = r1 + x;
        let bp = t - r1;
        r1c += r1 - (t - bp) + (x - bp);
        r1 = t;
        const x2 = x * x;
        t = r2 + x2;
        bp = t - r2;
        r2c += r2 - (t - bp) + (x2 - bp);
        r2 = t;
      }
      const y = volume[i];
      const t = v + y;
      const bp = t - v;
      vc += v - (t - bp) + (y - bp);
      v = t;
      s.r1Hi[i + 1] = r1;
      s.r1Lo[i + 1] = r1c;
      s.r2Hi[i + 1] = r2;
      s.r2Lo[i + 1] = r2c;
      s.vHi[i + 1] = v;
      s.vLo[i + 1] = vc;
    }
    this.stats = s;
    return s;
  }
}

/** Largest S2/m2 for which the variance is read from the prefix sums (see trailingVolatility). */
const CANCELLATION_LIMIT = 256;

/** Double-double prefix sums (value = Hi + Lo), entry k over indices < k. */
interface PrefixStats {
  readonly r1Hi: Float64Array;
  readonly r1Lo: Float64Array;
  readonly r2Hi: Float64Array;
  readonly r2Lo: Float64Array;
  readonly vHi: Float64Array;
  readonly vLo: Float64Array;
}

const seriesCache = new WeakMap<Bars, BarSeries>();

/**
 * The {@link BarSeries} of `bars`, built on first use and cached by object identity (garbage-collected with
 * the bars). Does not validate the bars: see {@link validateBars}.
 *
 * @example
 * const s = barSeries(bars);
 * s.trailingVolatility(100, 20) === barSeries(bars).trailingVolatility(100, 20); // same cached series
 */
export function barSeries(bars: Bars): BarSeries {
  let s = seriesCache.get(bars);
  if (s === undefined) {
    s = new BarSeries(bars);
    seriesCache.set(bars, s);
  }
  return s;
}

/** Bars already checked, by identity. */
const validated = new WeakSet<Bars>();

/**
 * Checks that every price (open, high, low, close) is finite and > 0, and volume and spread (when present)
 * finite and ≥ 0, and that every column has `bars.length` values. Runs once per Bars object.
 *
 * @throws DataError naming the field and the bar index of the first bad value.
 * @example
 * validateBars(bars); // throws on close[7] = NaN: `bars "SPY", field "close": bar index 7: close = NaN is not ...`
 */
export function validateBars(bars: Bars): void {
  if (validated.has(bars)) return;
  checkColumn(bars, 'open', bars.open, true);
  checkColumn(bars, 'high', bars.high, true);
  checkColumn(bars, 'low', bars.low, true);
  checkColumn(bars, 'close', bars.close, true);
  checkColumn(bars, 'volume', bars.volume, false);
  if (bars.spread !== undefined) checkColumn(bars, 'spread', bars.spread, false);
  validated.add(bars);
}

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
