/**
 * The Ljung-Box portmanteau test for autocorrelation, as statsmodels computes it.
 */
import { chi2Sf } from './distributions.js';
import type { NumericArray } from './descriptive.js';
import { mean } from './descriptive.js';

/** One row of {@link ljungBox}: the statistic and p-value for the joint null ρ₁ = … = ρ_lag = 0. */
export interface LjungBoxResult {
  /** Number of autocorrelations in the statistic, in bars. */
  readonly lag: number;
  /** Q = n(n + 2)·Σ_{k=1..lag} ρ̂ₖ²/(n − k). */
  readonly q: number;
  /** Degrees of freedom of the reference χ²: lag − modelDf. */
  readonly df: number;
  /** P(χ²_df > Q); `NaN` when df ≤ 0. */
  readonly pvalue: number;
}

/** Options of {@link ljungBox}. */
export interface LjungBoxOptions {
  /**
   * Parameters already fitted to produce `x` (p + q for the residuals of an ARMA(p, q)), subtracted from
   * the degrees of freedom (statsmodels `model_df`). Default 0, for raw returns.
   */
  readonly modelDf?: number;
}

/**
 * Ljung-Box Q statistics at each of `lags` (statsmodels `acorr_ljungbox(x, lags, boxpierce=False,
 * model_df=0)`). The autocorrelations are those of {@link autocorrelation}: demeaned with the full-sample
 * mean, denominator n at every lag (statsmodels `acf(x, adjusted=False)`), so the caller need not demean.
 * Apply it to returns to test for linear predictability and to squared returns to test for volatility
 * clustering (McLeod-Li).
 *
 * @param lags positive integers below n, in bars, e.g. `[10, 20]`.
 * @returns one {@link LjungBoxResult} per lag, in the order given.
 * @throws RangeError if a lag is not an integer in [1, n − 1] or `modelDf` is negative.
 * @example
 * const [q10, q20] = ljungBox(returns, [10, 20]);
 * q10.pvalue < 0.05; // serial correlation at the 5% level
 */
export function ljungBox(x: NumericArray, lags: readonly number[], options: LjungBoxOptions = {}): LjungBoxResult[] {
  const n = x.length;
  const modelDf = options.modelDf ?? 0;
  if (!(Number.isInteger(modelDf) && modelDf >= 0)) throw new RangeError(`ljungBox modelDf must be an integer ≥ 0, got ${modelDf}`);
  for (const lag of lags) {
    if (!(Number.isInteger(lag) && lag >= 1 && lag < n)) throw new RangeError(`ljungBox lag must be an integer in [1, ${n - 1}], got ${lag}`);
  }
  const maxLag = lags.length > 0 ? Math.max(...lags) : 0;
  const m = mean(x);
  const d = new Float64Array(n);
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    d[i] = x[i] - m;
    c0 += d[i] * d[i];
  }
  // cumulative[k] = Σ_{j=1..k} ρ̂ⱼ²/(n − j)
  const cumulative = new Float64Array(maxLag + 1);
  for (let k = 1; k <= maxLag; k++) {
    let ck = 0;
    for (let i = 0; i + k < n; i++) ck += d[i] * d[i + k];
    const rho = ck / c0;
    cumulative[k] = cumulative[k - 1] + (rho * rho) / (n - k);
  }
  return lags.map((lag) => {
    const q = n * (n + 2) * cumulative[lag];
    const df = lag - modelDf;
    return { lag, q, df, pvalue: df > 0 ? chi2Sf(q, df) : NaN };
  });
}
