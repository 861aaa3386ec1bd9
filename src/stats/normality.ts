/**
 * Goodness-of-fit tests against the normal distribution: Jarque-Bera (moments) and Kolmogorov-Smirnov
 * (the whole CDF), both as scipy 1.10 computes them.
 */
import type { NumericArray } from './descriptive.js';
import { excessKurtosis, mean, skewness, std } from './descriptive.js';
import { chi2Sf, kolmogorovSf, kstwoSf, normalCdf } from './distributions.js';

/** Result of {@link jarqueBera}. */
export interface JarqueBeraResult {
  /** JB = n/6·(g1² + g2²/4). */
  readonly stat: number;
  /** P(χ²₂ > JB) = exp(−JB/2); underflows to 0 beyond JB ≈ 1490. */
  readonly pvalue: number;
}

/**
 * The Jarque-Bera test of normality (scipy `stats.jarque_bera`): JB = n/6·(g1² + g2²/4) with the biased
 * skewness g1 and excess kurtosis g2, referred to χ² with 2 degrees of freedom. Daily equity returns reject
 * it overwhelmingly because of their excess kurtosis.
 *
 * @returns `NaN`s for empty or constant input.
 * @example
 * jarqueBera(returns); // { stat: 26966.3, pvalue: 0 } for the S&P 500 2000–2020
 */
export function jarqueBera(x: NumericArray): JarqueBeraResult {
  const n = x.length;
  const s = skewness(x);
  const k = excessKurtosis(x);
  const stat = (n / 6) * (s * s + (k * k) / 4);
  return { stat, pvalue: Number.isNaN(stat) ? NaN : chi2Sf(stat, 2) };
}

/** Result of a two-sided one-sample Kolmogorov-Smirnov test. */
export interface KsResult {
  /** D = sup_t |Fₙ(t) − F(t)|. */
  readonly stat: number;
  /** Exact P(Dₙ ≥ D) for the sample size (scipy `kstwo.sf`, `kstest(method='exact')`). */
  readonly pvalue: number;
  /** The asymptotic P(K > D√n) (scipy `kstwobign.sf`, `kstest(method='asymp')`). */
  readonly pvalueAsymp: number;
}

/**
 * Two-sided one-sample Kolmogorov-Smirnov test of `x` against a continuous CDF (scipy
 * `stats.kstest(x, cdf)`, whose default method 'auto' is 'exact' for the one-sample test).
 *
 * @param cdf the hypothesised CDF, evaluated once per observation.
 * @returns `NaN`s for empty input.
 * @example
 * ksOneSample(u, (v) => Math.min(1, Math.max(0, v))); // uniform(0, 1)
 */
export function ksOneSample(x: NumericArray, cdf: (value: number) => number): KsResult {
  const n = x.length;
  if (n === 0) return { stat: NaN, pvalue: NaN, pvalueAsymp: NaN };
  const sorted = Float64Array.from(x).sort();
  let dPlus = -Infinity;
  let dMinus = -Infinity;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    dPlus = Math.max(dPlus, (i + 1) / n - f);
    dMinus = Math.max(dMinus, f - i / n);
  }
  const stat = Math.max(dPlus, dMinus);
  return { stat, pvalue: kstwoSf(stat, n), pvalueAsymp: kolmogorovSf(stat * Math.sqrt(n)) };
}

/**
 * Kolmogorov-Smirnov test of normality on the standardised sample z = (x − x̄)/s, s the sample standard
 * deviation (ddof = 1), against N(0, 1): `scipy.stats.kstest((x - x.mean()) / x.std(ddof=1), 'norm')`.
 *
 * The p-values ignore that the mean and scale were estimated, so they are conservative (too large) as a
 * test of "normal with some mean and variance"; the Lilliefors correction would be needed for that. They
 * are reported this way to match the scipy reference and as a distance-like diagnostic.
 *
 * @returns `NaN`s for fewer than 2 values or constant input.
 * @example
 * ksNormal(returns).stat; // 0.1008 for the S&P 500 2000–2020: far from Gaussian
 */
export function ksNormal(x: NumericArray): KsResult {
  const m = mean(x);
  const s = std(x, 1);
  if (!(s > 0)) return { stat: NaN, pvalue: NaN, pvalueAsymp: NaN };
  const z = new Float64Array(x.length);
  for (let i = 0; i < z.length; i++) z[i] = (x[i] - m) / s;
  return ksOneSample(z, normalCdf);
}
