import type { Bars } from '../src/data/bars.js';
import { mean, std, variance } from '../src/stats/descriptive.js';

/**
 * Fitting helpers for the parts of a daily bar that return models leave open: how the close-to-close
 * return splits into overnight (close → next open) and intraday (open → close) moves, and the level of
 * volume. Generators that draw one return per bar use these to build full OHLCV bars the same way
 * (see `writeBrownianBar` in ./ohlc.ts), so their bars are comparable.
 */

/**
 * Close-to-close and overnight natural-log returns of bars 1..n−1: `r[t−1] = ln(close_t/close_{t−1})`
 * and `gap[t−1] = ln(open_t/close_{t−1})`. Assumes positive finite prices (see `checkTrainPanel`).
 *
 * @example
 * const { r, gap } = barLogReturns(bars); // both of length bars.length − 1
 */
export function barLogReturns(bars: Bars): { r: Float64Array; gap: Float64Array } {
  const n = Math.max(0, bars.length - 1);
  const r = new Float64Array(n);
  const gap = new Float64Array(n);
  for (let t = 1; t <= n; t++) {
    r[t - 1] = Math.log(bars.close[t] / bars.close[t - 1]);
    gap[t - 1] = Math.log(bars.open[t] / bars.close[t - 1]);
  }
  return { r, gap };
}

/**
 * Fraction in [0, 1] of the close-to-close log-return variance that falls overnight:
 * var(ln(open_t/close_{t−1})) / var(ln(close_t/close_{t−1})) over the same bars (population variances),
 * clipped to [0, 1] because overnight and intraday moves may be correlated in real data and only the split
 * of the total is kept. 0 when the returns have no variance.
 *
 * @example
 * fitOvernightShare(bars); // ≈ 0.2 for a large-cap US index
 */
export function fitOvernightShare(bars: Bars): number {
  const { r, gap } = barLogReturns(bars);
  const varR = variance(r, 0);
  return varR > 0 ? Math.min(1, Math.max(0, variance(gap, 0) / varR)) : 0;
}

/** Lognormal volume: ln(volume) = logMean + elasticity·x + logStd·N(0, 1), with x a model-specific covariate. */
export interface LogVolumeParams {
  /** Mean of ln(volume) at covariate x = 0. */
  readonly logMean: number;
  /** Standard deviation (MLE) of the ln(volume) residual. */
  readonly logStd: number;
  /** Slope of ln(volume) on the covariate, ≥ 0 (0 when volume is iid). */
  readonly elasticity: number;
}

/**
 * Fits lognormal volume over the bars with volume > 0. Without a covariate: the mean and MLE standard
 * deviation of ln(volume), elasticity 0. With `covariate` (one value per bar, aligned with `bars`; `NaN`
 * skips a bar): least squares of ln(volume) on the covariate, the slope constrained to be ≥ 0 (a negative
 * least-squares slope becomes 0 and the intercept is refitted), logStd the MLE residual standard deviation.
 *
 * @returns null when no bar has positive volume.
 * @example
 * fitLogVolume(bars);                 // iid lognormal volume
 * fitLogVolume(bars, halfLogVarRatio); // volume that rises with the conditional volatility
 */
export function fitLogVolume(bars: Bars, covariate?: ArrayLike<number>): LogVolumeParams | null {
  const y: number[] = [];
  const x: number[] = [];
  for (let t = 0; t < bars.length; t++) {
    const v = bars.volume[t];
    if (!(v > 0)) continue;
    const c = covariate === undefined ? 0 : covariate[t];
    if (!Number.isFinite(c)) continue;
    y.push(Math.log(v));
    x.push(c);
  }
  if (y.length === 0) return null;
  if (covariate === undefined) return { logMean: mean(y), logStd: std(y, 0), elasticity: 0 };
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < y.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  const slope = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  const intercept = my - slope * mx;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i] - intercept - slope * x[i]) ** 2;
  return { logMean: intercept, logStd: Math.sqrt(ss / y.length), elasticity: slope };
}
