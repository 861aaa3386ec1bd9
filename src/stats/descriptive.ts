/**
 * Descriptive statistics over numeric arrays (typed arrays or plain arrays), used by generators to fit
 * parameters and by the evaluator to describe returns.
 *
 * Conventions follow the Python references so numbers can be compared with scipy, numpy and statsmodels:
 * - {@link variance} and {@link std} take `ddof` (default 1, the sample estimator; pass 0 for the MLE).
 * - {@link skewness} and {@link excessKurtosis} are the biased (population) moment ratios g1 and g2, as
 *   `scipy.stats.skew(x)` and `scipy.stats.kurtosis(x)` compute by default; `{ bias: false }` gives the
 *   small-sample versions G1 and G2 (scipy `bias=False`).
 * - {@link autocorrelation} is statsmodels' `acf(x, adjusted=False)`: demeaned, denominator n at every lag.
 * - {@link quantile} is numpy's default `linear` method (type 7 of Hyndman & Fan).
 *
 * Empty input (or too few values for the requested `ddof`) gives `NaN`, as numpy does, rather than throwing:
 * an evaluator describing a short window should get a missing value, not a crash. Inputs are assumed finite;
 * a `NaN` in the data propagates to the result (except in {@link quantile}, whose ordering it would corrupt).
 */

/** Any indexable array of numbers: `Float64Array`, `Float32Array`, `number[]`. */
export type NumericArray = ArrayLike<number>;

/**
 * Arithmetic mean, with Neumaier-compensated summation so long series of small returns keep full precision.
 *
 * @returns `NaN` for an empty array.
 * @example
 * mean([1, 2, 3, 4]); // 2.5
 */
export function mean(x: NumericArray): number {
  const n = x.length;
  if (n === 0) return NaN;
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + comp) / n;
}

/**
 * Variance with `ddof` delta degrees of freedom: Σ(x − x̄)² / (n − ddof). `ddof = 1` (default) is the
 * unbiased sample variance (pandas, R); `ddof = 0` is the population variance and the Gaussian MLE (numpy's
 * default). Computed by the corrected two-pass algorithm (Chan, Golub & LeVeque), which is exact for
 * constant input and stable for large offsets.
 *
 * @returns `NaN` when n ≤ ddof.
 * @example
 * variance([1, 2, 3, 4]);    // 1.6666…
 * variance([1, 2, 3, 4], 0); // 1.25
 */
export function variance(x: NumericArray, ddof = 1): number {
  const n = x.length;
  if (n - ddof <= 0) return NaN;
  const m = mean(x);
  let ss = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    ss += d * d;
    s += d;
  }
  return Math.max(0, ss - (s * s) / n) / (n - ddof);
}

/**
 * Standard deviation, `sqrt(variance(x, ddof))`; `ddof = 1` by default (sample standard deviation).
 *
 * @example
 * std([2, 4, 4, 4, 5, 5, 7, 9], 0); // 2
 */
export function std(x: NumericArray, ddof = 1): number {
  return Math.sqrt(variance(x, ddof));
}

/** Biased central moments m2, m3, m4 (denominator n) about the mean. */
function centralMoments(x: NumericArray): { m2: number; m3: number; m4: number } {
  const n = x.length;
  const m = mean(x);
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { m2: s2 / n, m3: s3 / n, m4: s4 / n };
}

/** Options of {@link skewness} and {@link excessKurtosis}. */
export interface MomentOptions {
  /**
   * `true` (default): the biased moment ratio (g1, g2), scipy's default `bias=True`. `false`: the
   * small-sample corrections G1, G2 that SAS, Excel and pandas report (scipy `bias=False`).
   */
  readonly bias?: boolean;
}

/**
 * Skewness. By default g1 = m3 / m2^(3/2) with biased central moments (denominator n): `scipy.stats.skew(x)`,
 * `bias=True`. With `{ bias: false }` the adjusted Fisher-Pearson coefficient G1 = g1·√(n(n − 1))/(n − 2)
 * (`scipy.stats.skew(x, bias=False)`, pandas `Series.skew`). For Gaussian data the standard error is about
 * sqrt(6/n).
 *
 * @returns `NaN` for an empty or constant array (m2 = 0), as scipy does; with `bias: false` and n ≤ 2 the
 *   correction is undefined and, like scipy, the biased value is returned.
 * @example
 * skewness([1, 2, 10]);                  // 0.6745554845457661
 * skewness([1, 2, 10], { bias: false }); // 1.6523167403329908
 */
export function skewness(x: NumericArray, options: MomentOptions = {}): number {
  const n = x.length;
  if (n === 0) return NaN;
  const { m2, m3 } = centralMoments(x);
  if (!(m2 > 0)) return NaN;
  const g1 = m3 / (m2 * Math.sqrt(m2));
  if (options.bias !== false || n <= 2) return g1;
  return (Math.sqrt((n - 1) * n) / (n - 2)) * g1;
}

/**
 * Excess kurtosis (Fisher's definition, so a Gaussian gives 0). By default g2 = m4 / m2² − 3 with biased
 * central moments: `scipy.stats.kurtosis(x)`, `fisher=True, bias=True`. With `{ bias: false }` the
 * small-sample estimator G2 = [(n² − 1)·m4/m2² − 3(n − 1)²] / ((n − 2)(n − 3)), unbiased under normality
 * (`scipy.stats.kurtosis(x, bias=False)`, pandas `Series.kurt`). For Gaussian data the standard error is
 * about sqrt(24/n).
 *
 * @returns `NaN` for an empty or constant array (m2 = 0), as scipy does; with `bias: false` and n ≤ 3 the
 *   correction is undefined and, like scipy, the biased value is returned.
 * @example
 * excessKurtosis([1, 2, 3, 4]);                  // -1.36
 * excessKurtosis([1, 2, 3, 4], { bias: false }); // -1.2
 */
export function excessKurtosis(x: NumericArray, options: MomentOptions = {}): number {
  const n = x.length;
  if (n === 0) return NaN;
  const { m2, m4 } = centralMoments(x);
  if (!(m2 > 0)) return NaN;
  const ratio = m4 / (m2 * m2);
  if (options.bias !== false || n <= 3) return ratio - 3;
  return (((n * n - 1) * ratio - 3 * (n - 1) ** 2) / (n - 2)) / (n - 3);
}

/**
 * Sample autocorrelation at `lag`: Σ_{t<n−lag} (x_t − x̄)(x_{t+lag} − x̄) / Σ_t (x_t − x̄)², i.e. the series
 * is demeaned once with the full-sample mean and both sums use denominator n (statsmodels
 * `acf(x, adjusted=False)`). This estimator is biased towards 0 by a factor (n − lag)/n but always gives a
 * positive semi-definite autocorrelation sequence.
 *
 * @param lag non-negative integer, in bars; lag 0 gives 1 and lag ≥ n gives 0 (an empty sum).
 * @returns `NaN` for an empty or constant array.
 * @throws RangeError if `lag` is not a non-negative integer.
 * @example
 * autocorrelation([1, 2, 3, 4, 5], 1); // 0.4
 */
export function autocorrelation(x: NumericArray, lag: number): number {
  if (!(Number.isInteger(lag) && lag >= 0)) throw new RangeError(`autocorrelation lag must be an integer ≥ 0, got ${lag}`);
  const n = x.length;
  if (n === 0) return NaN;
  const m = mean(x);
  let denom = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    denom += d * d;
  }
  if (!(denom > 0)) return NaN;
  let num = 0;
  for (let i = 0; i + lag < n; i++) num += (x[i] - m) * (x[i + lag] - m);
  return num / denom;
}

/**
 * The q-quantile by linear interpolation between order statistics (numpy's default `method="linear"`):
 * with the sorted values s and h = (n − 1)·q, the result is s[⌊h⌋] + (h − ⌊h⌋)·(s[⌊h⌋+1] − s[⌊h⌋]).
 * The input is not modified (a sorted copy is made: O(n log n)). To take several quantiles of one array,
 * {@link quantiles} sorts once.
 *
 * @param q probability in [0, 1].
 * @returns `NaN` for an empty array.
 * @throws RangeError if q is outside [0, 1] or the data contain `NaN`.
 * @example
 * quantile([4, 1, 3, 2], 0.25); // 1.75
 */
export function quantile(x: NumericArray, q: number): number {
  return quantiles(x, [q])[0];
}

/**
 * Several quantiles of one array, sorting it once; same convention as {@link quantile}.
 *
 * @throws RangeError if any q is outside [0, 1] or the data contain `NaN`.
 * @example
 * quantiles(returns, [0.01, 0.5, 0.99]); // Float64Array [q01, median, q99]
 */
export function quantiles(x: NumericArray, qs: NumericArray): Float64Array {
  for (let j = 0; j < qs.length; j++) {
    const q = qs[j];
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
  }
  const out = new Float64Array(qs.length);
  const n = x.length;
  if (n === 0) return out.fill(NaN);
  const sorted = Float64Array.from(x).sort();
  if (Number.isNaN(sorted[n - 1])) throw new RangeError('quantile of data containing NaN');
  for (let j = 0; j < qs.length; j++) {
    const h = (n - 1) * qs[j];
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    out[j] = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
  return out;
}
