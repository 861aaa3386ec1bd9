/**
 * Engle's (1982) Lagrange-multiplier test for ARCH effects, reproducing statsmodels 0.13
 * `het_arch(e, nlags, ddof=ddof)` (which is `acorr_lm(e², nlags)`).
 *
 * The auxiliary regression, on t = nlags … n − 1 (nobs = n − nlags observations), is
 *
 *   e_t² = α₀ + α₁·e²_{t−1} + … + α_q·e²_{t−q} + u_t,   q = nlags,
 *
 * and under H0 (no conditional heteroskedasticity: α₁ = … = α_q = 0)
 * - LM = (nobs − ddof)·R² is asymptotically χ²(q);
 * - F = (R²/q) / ((1 − R²)/(nobs − q − 1)), the regression's overall F statistic, is referred to
 *   F(q, nobs − q − 1), exactly as statsmodels' `fvalue`/`f_pvalue`.
 * R² is centred (the regression has a constant).
 */
import { chi2Sf, fSf } from './distributions.js';
import { ols } from './ols.js';

/** Result of {@link archLm}. */
export interface ArchLmResult {
  /** LM statistic (nobs − ddof)·R². */
  readonly lm: number;
  /** P(χ²(nlags) ≥ lm). */
  readonly lmPvalue: number;
  /** F statistic of the auxiliary regression. */
  readonly f: number;
  /** P(F(nlags, nobs − nlags − 1) ≥ f). */
  readonly fPvalue: number;
  /** Observations in the auxiliary regression (n − nlags). */
  readonly nobs: number;
  /** Degrees of freedom: χ² and the F numerator use `nlags`, the F denominator `dfResid`. */
  readonly nlags: number;
  readonly dfResid: number;
}

/**
 * ARCH-LM test on residuals e: pass returns minus their mean (or a model's residuals). The input is not
 * demeaned here, so that it can be used on residuals of any mean model, as statsmodels does.
 *
 * @param e residuals, per step.
 * @param nlags number of lags q of e² (integer ≥ 1; 12 for daily data is common).
 * @param opts.ddof subtracted from nobs in the LM statistic (statsmodels' `ddof`, default 0).
 * @throws RangeError if `nlags` is not a positive integer, there are too few observations
 *   (n − nlags ≤ nlags + 1), or e² is degenerate (e.g. constant) so the regression cannot be fitted.
 * @example
 * const m = mean(r);
 * const { lm, lmPvalue } = archLm(r.map((v) => v - m), 12);
 * lmPvalue < 0.01; // volatility clustering
 */
export function archLm(e: ArrayLike<number>, nlags: number, opts: { ddof?: number } = {}): ArchLmResult {
  const ddof = opts.ddof ?? 0;
  if (!(Number.isInteger(nlags) && nlags >= 1)) throw new RangeError(`archLm: nlags must be an integer ≥ 1, got ${nlags}`);
  const n = e.length;
  const nobs = n - nlags;
  const k = nlags + 1;
  if (!(nobs > k)) throw new RangeError(`archLm: ${n} observations are too few for ${nlags} lags`);

  const e2 = new Float64Array(n);
  for (let i = 0; i < n; i++) e2[i] = e[i] * e[i];
  const design = new Float64Array(nobs * k);
  for (let r = 0; r < nobs; r++) {
    const t = r + nlags;
    const row = r * k;
    design[row] = 1;
    for (let i = 1; i <= nlags; i++) design[row + i] = e2[t - i];
  }
  const fit = ols(e2.subarray(nlags), design, k);

  const lm = (nobs - ddof) * fit.rsquared;
  return {
    lm,
    lmPvalue: chi2Sf(lm, nlags),
    f: fit.fvalue,
    fPvalue: fSf(fit.fvalue, fit.dfModel, fit.dfResid),
    nobs,
    nlags,
    dfResid: fit.dfResid,
  };
}
