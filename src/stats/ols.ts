/**
 * Ordinary least squares by Householder QR, with the summary statistics statsmodels' `OLS(y, X).fit()`
 * reports, so regression-based tests (ADF, ARCH-LM) can be compared with it number for number.
 *
 * QR works on X itself rather than on XᵀX, so the condition number enters once, not squared: a design such
 * as [ln P_{t−1}, 1] (two nearly parallel columns) keeps about twice as many correct digits as the normal
 * equations would give. statsmodels solves with an SVD pseudo-inverse; for a full-rank design both are exact
 * up to rounding, and they agree to ~1e-12 relative on the regressions used here.
 *
 * Conventions (statsmodels `RegressionResults`):
 * - A *constant* is a column whose entries are all equal and non-zero; `kConstant` is 1 if there is one.
 *   statsmodels also detects an implicit constant (dummies that sum to one); this module does not.
 * - `rsquared` is centred (1 − SSR/Σ(y − ȳ)²) when there is a constant, uncentred (1 − SSR/Σy²) otherwise.
 * - `dfModel = k − kConstant`, `dfResid = n − k`, `sigma2 = SSR/dfResid`.
 * - `llf = −n/2·(ln 2π + ln(SSR/n) + 1)`, `aic = −2·llf + 2k`, `bic = −2·llf + ln(n)·k` (k counts the
 *   constant: `df_model + k_constant`).
 */
import { mean } from './descriptive.js';

/** The fitted regression y = Xβ + ε; see the module notes for each statistic's convention. */
export interface OlsResult {
  /** Observations (rows of X). */
  readonly n: number;
  /** Regressors (columns of X), the constant included. */
  readonly k: number;
  /** Coefficients β̂, one per column of X. */
  readonly params: Float64Array;
  /** Standard errors sqrt(σ̂²·[(XᵀX)⁻¹]_jj). */
  readonly bse: Float64Array;
  /** t-values β̂_j / se_j. */
  readonly tvalues: Float64Array;
  /** Residuals y − Xβ̂. */
  readonly residuals: Float64Array;
  /** Sum of squared residuals. */
  readonly ssr: number;
  /** σ̂² = SSR / (n − k), statsmodels' `scale`. */
  readonly sigma2: number;
  readonly dfModel: number;
  readonly dfResid: number;
  /** 1 if X has a constant column, else 0. */
  readonly kConstant: number;
  /** Σ(y − ȳ)² with a constant, Σy² without: the total sum of squares R² is measured against. */
  readonly tss: number;
  readonly rsquared: number;
  readonly rsquaredAdj: number;
  /** F statistic of all non-constant regressors, (ESS/dfModel)/(SSR/dfResid); `NaN` when dfModel = 0. */
  readonly fvalue: number;
  /** Gaussian log-likelihood at the MLE of σ², in nats. */
  readonly llf: number;
  readonly aic: number;
  readonly bic: number;
}

/** A Householder QR factorisation of an n×k matrix, column-major internally. */
interface Qr {
  readonly n: number;
  readonly k: number;
  /** Column-major n×k: R on and above the diagonal, Householder vectors below it. */
  readonly a: Float64Array;
  /** Householder scalars: H_j = I − tau_j·v_j·v_jᵀ with v_j[j] = 1. */
  readonly tau: Float64Array;
  /** Diagonal of R. */
  readonly rdiag: Float64Array;
}

/**
 * Factorises a row-major n×k design (n ≥ k) in place of a column-major copy.
 *
 * @throws RangeError if a column is (numerically) a linear combination of the earlier ones: |R_jj| below
 *   max(n, k)·ε·max|R_ii|, numpy's `matrix_rank` tolerance.
 */
function householderQr(x: Float64Array, n: number, k: number): Qr {
  const a = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) a[j * n + i] = x[i * k + j];
  const tau = new Float64Array(k);
  const rdiag = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const cj = j * n;
    // Scaled norm of a[j:, j] so that squares of tiny or huge entries cannot under- or overflow.
    let scale = 0;
    for (let i = j; i < n; i++) scale = Math.max(scale, Math.abs(a[cj + i]));
    if (scale === 0) {
      rdiag[j] = 0;
      continue;
    }
    let ss = 0;
    for (let i = j; i < n; i++) {
      const v = a[cj + i] / scale;
      ss += v * v;
    }
    const alpha = a[cj + j];
    // Choose the sign that avoids cancellation in v[0] = alpha − beta.
    const beta = (alpha >= 0 ? -1 : 1) * scale * Math.sqrt(ss);
    const v0 = alpha - beta;
    tau[j] = (beta - alpha) / beta;
    for (let i = j + 1; i < n; i++) a[cj + i] /= v0;
    a[cj + j] = beta;
    rdiag[j] = beta;
    // Apply H_j to the remaining columns.
    for (let c = j + 1; c < k; c++) {
      const cc = c * n;
      let dot = a[cc + j];
      for (let i = j + 1; i < n; i++) dot += a[cj + i] * a[cc + i];
      const s = tau[j] * dot;
      a[cc + j] -= s;
      for (let i = j + 1; i < n; i++) a[cc + i] -= s * a[cj + i];
    }
  }
  let maxDiag = 0;
  for (let j = 0; j < k; j++) maxDiag = Math.max(maxDiag, Math.abs(rdiag[j]));
  const tol = Math.max(n, k) * Number.EPSILON * maxDiag;
  for (let j = 0; j < k; j++) {
    if (!(Math.abs(rdiag[j]) > tol)) {
      throw new RangeError(`ols: design matrix is rank-deficient (column ${j} is a combination of columns 0..${j - 1})`);
    }
  }
  return { n, k, a, tau, rdiag };
}

/** Overwrites y (length n) with Qᵀy. */
function applyQt(qr: Qr, y: Float64Array): void {
  const { n, k, a, tau } = qr;
  for (let j = 0; j < k; j++) {
    const cj = j * n;
    let dot = y[j];
    for (let i = j + 1; i < n; i++) dot += a[cj + i] * y[i];
    const s = tau[j] * dot;
    y[j] -= s;
    for (let i = j + 1; i < n; i++) y[i] -= s * a[cj + i];
  }
}

/** R⁻¹ (k×k upper triangular, row-major) by back-substitution on the identity. */
function invertR(qr: Qr): Float64Array {
  const { n, k, a } = qr;
  const inv = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    // Solve R·u = e_c; u is column c of R⁻¹ and is zero below row c.
    for (let i = c; i >= 0; i--) {
      let s = i === c ? 1 : 0;
      for (let m = i + 1; m <= c; m++) s -= a[m * n + i] * inv[m * k + c];
      inv[i * k + c] = s / a[i * n + i];
    }
  }
  return inv;
}

/** 1 if some column of the row-major design is constant and non-zero (statsmodels' explicit constant). */
function detectConstant(x: Float64Array, n: number, k: number): number {
  for (let j = 0; j < k; j++) {
    const v0 = x[j];
    if (v0 === 0) continue;
    let constant = true;
    for (let i = 1; i < n && constant; i++) constant = x[i * k + j] === v0;
    if (constant) return 1;
  }
  return 0;
}

function checkShapes(y: ArrayLike<number>, x: Float64Array, k: number): number {
  const n = y.length;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`ols: k must be an integer ≥ 1, got ${k}`);
  if (x.length !== n * k) throw new RangeError(`ols: design has ${x.length} entries, expected n·k = ${n}·${k}`);
  if (n <= k) throw new RangeError(`ols: need more observations than regressors (n = ${n}, k = ${k})`);
  return n;
}

/**
 * Fits y = Xβ + ε by least squares.
 *
 * @param y response, length n.
 * @param x design matrix, row-major n×k (`x[i*k + j]` is regressor j at observation i); include a column
 *   of ones for an intercept.
 * @param k number of columns.
 * @throws RangeError if the shapes disagree, n ≤ k, or X is rank-deficient.
 * @example
 * // y = 1 + 2·t on t = 0, 1, 2, 3
 * const fit = ols([1, 3, 5, 7], new Float64Array([1, 0, 1, 1, 1, 2, 1, 3]), 2);
 * fit.params; // Float64Array [1, 2]
 */
export function ols(y: ArrayLike<number>, x: Float64Array, k: number): OlsResult {
  const n = checkShapes(y, x, k);
  const qr = householderQr(x, n, k);
  const z = Float64Array.from(y);
  applyQt(qr, z);

  // β = R⁻¹·(Qᵀy)[0:k]; R⁻¹ is also what the standard errors need.
  const rinv = invertR(qr);
  const params = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = i; j < k; j++) s += rinv[i * k + j] * z[j];
    params[i] = s;
  }

  const residuals = new Float64Array(n);
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    let fitted = 0;
    const row = i * k;
    for (let j = 0; j < k; j++) fitted += x[row + j] * params[j];
    const e = y[i] - fitted;
    residuals[i] = e;
    ssr += e * e;
  }

  const kConstant = detectConstant(x, n, k);
  const dfResid = n - k;
  const dfModel = k - kConstant;
  const sigma2 = ssr / dfResid;
  const bse = new Float64Array(k);
  const tvalues = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    // [(XᵀX)⁻¹]_ii = [R⁻¹R⁻ᵀ]_ii = Σ_j (R⁻¹)_ij².
    let s = 0;
    for (let j = i; j < k; j++) s += rinv[i * k + j] * rinv[i * k + j];
    bse[i] = Math.sqrt(sigma2 * s);
    tvalues[i] = params[i] / bse[i];
  }

  const tss = totalSumOfSquares(y, kConstant === 1);
  const rsquared = 1 - ssr / tss;
  const rsquaredAdj = 1 - ((n - kConstant) / dfResid) * (1 - rsquared);
  const fvalue = dfModel > 0 ? (tss - ssr) / dfModel / sigma2 : NaN;
  const llf = gaussianLlf(ssr, n);
  return {
    n,
    k,
    params,
    bse,
    tvalues,
    residuals,
    ssr,
    sigma2,
    dfModel,
    dfResid,
    kConstant,
    tss,
    rsquared,
    rsquaredAdj,
    fvalue,
    llf,
    aic: -2 * llf + 2 * k,
    bic: -2 * llf + Math.log(n) * k,
  };
}

/**
 * Every regression of y on the first p columns of X, p = 1..k, from a single QR factorisation of X: with
 * z = Qᵀy, the residual sum of squares of the p-column fit is Σ_{i≥p} z_i², and the t-value of its last
 * coefficient is sign(R_{p−1,p−1})·z_{p−1}/σ̂_p (row p−1 of R_p⁻¹ has only its diagonal entry). This is how
 * lag-length searches (ADF's autolag) fit a whole nested family in the time of one fit.
 *
 * Entry p − 1 of each array describes the p-column model; `llf`, `aic` and `bic` follow {@link ols}.
 *
 * @throws RangeError as {@link ols}.
 * @example
 * const nested = olsNested(y, x, k);
 * nested.aic[2]; // AIC of y on columns 0, 1, 2
 */
export function olsNested(
  y: ArrayLike<number>,
  x: Float64Array,
  k: number,
): { ssr: Float64Array; lastTvalue: Float64Array; llf: Float64Array; aic: Float64Array; bic: Float64Array } {
  const n = checkShapes(y, x, k);
  const qr = householderQr(x, n, k);
  const z = Float64Array.from(y);
  applyQt(qr, z);
  let tail = 0;
  for (let i = k; i < n; i++) tail += z[i] * z[i];
  const ssr = new Float64Array(k);
  for (let p = k; p >= 1; p--) {
    ssr[p - 1] = tail;
    tail += z[p - 1] * z[p - 1];
  }
  const lastTvalue = new Float64Array(k);
  const llf = new Float64Array(k);
  const aic = new Float64Array(k);
  const bic = new Float64Array(k);
  for (let p = 1; p <= k; p++) {
    const sigma = Math.sqrt(ssr[p - 1] / (n - p));
    lastTvalue[p - 1] = (Math.sign(qr.rdiag[p - 1]) * z[p - 1]) / sigma;
    llf[p - 1] = gaussianLlf(ssr[p - 1], n);
    aic[p - 1] = -2 * llf[p - 1] + 2 * p;
    bic[p - 1] = -2 * llf[p - 1] + Math.log(n) * p;
  }
  return { ssr, lastTvalue, llf, aic, bic };
}

/** llf = −n/2·(ln 2π + ln(SSR/n) + 1), written as statsmodels sums it. */
function gaussianLlf(ssr: number, n: number): number {
  const nobs2 = n / 2;
  return -nobs2 * Math.log(2 * Math.PI) - nobs2 * Math.log(ssr / n) - nobs2;
}

function totalSumOfSquares(y: ArrayLike<number>, centered: boolean): number {
  const n = y.length;
  const m = centered ? mean(y) : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - m;
    ss += d * d;
  }
  return ss;
}
