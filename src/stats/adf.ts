/**
 * The augmented Dickey-Fuller unit-root test, reproducing statsmodels 0.13 `adfuller` (same sample
 * trimming, column order, lag search, p-values and critical values).
 *
 * The regression for lag order p, on the observations t = p + 1 … n − 1 of x (0-based), is
 *
 *   Δx_t = γ·x_{t−1} + Σ_{i=1..p} φ_i·Δx_{t−i} + [α] + [β·τ] + [β₂·τ²] + ε_t,   τ = 1, 2, …
 *
 * and the statistic is γ̂'s t-value; H0 (γ = 0, a unit root) is rejected for small, negative values.
 *
 * Lag selection (`autolag`), as statsmodels does it:
 * - Every order 0..maxlag is fitted on the *same* sample (the one maxlag leaves, nobs = n − 1 − maxlag) so
 *   the information criteria are comparable, with columns [const, (trend), x_{t−1}, Δx_{t−1}, …].
 * - `AIC`/`BIC` pick the minimum (ties go to the shorter lag); `t-stat` starts at maxlag and drops lags
 *   until the last lag's |t| ≥ 1.6448536269514722 (a 5 % two-sided normal test), stopping at 0.
 * - The chosen order is refitted on the largest sample it allows (nobs = n − 1 − usedLag), and `nobs`,
 *   the statistic and the critical values come from that refit. `icBest` is the criterion of the search fit.
 * All the search fits come from one QR factorisation of the full design ({@link olsNested}).
 */
import { mackinnonCrit, mackinnonP } from './mackinnon.js';
import type { DfCriticalValues, DfRegression } from './mackinnon.js';
import { ols, olsNested } from './ols.js';

export type { DfCriticalValues, DfRegression } from './mackinnon.js';

/** Options of {@link adf}; the defaults are statsmodels'. */
export interface AdfOptions {
  /** Deterministic terms: `c` constant (default), `ct` constant and trend, `ctt` plus quadratic trend, `n` none. */
  readonly regression?: DfRegression;
  /**
   * Largest lag of Δx considered (with `autolag`) or used (without). Default
   * min(⌈12·(n/100)^{1/4}⌉, ⌊n/2⌋ − ntrend − 1), Schwert's (1989) rule with n = x.length.
   */
  readonly maxlag?: number;
  /** Lag selection: `AIC` (default), `BIC`, `t-stat`, or `null` to use `maxlag` lags. */
  readonly autolag?: 'AIC' | 'BIC' | 't-stat' | null;
}

/** Result of {@link adf}; field names follow the tuple statsmodels returns. */
export interface AdfResult {
  /** The τ statistic: t-value of the lagged level. */
  readonly stat: number;
  /** MacKinnon (1994) approximate p-value. */
  readonly pvalue: number;
  /** Number of lagged differences in the final regression. */
  readonly usedLag: number;
  /** The largest lag that was considered (the default or `opts.maxlag`). */
  readonly maxLag: number;
  /** Observations in the final regression (n − 1 − usedLag). */
  readonly nobs: number;
  /** MacKinnon (2010) critical values for `nobs` observations. */
  readonly crit: DfCriticalValues;
  /** Best information criterion (AIC/BIC value, or |t| of the last lag for `t-stat`); `null` without autolag. */
  readonly icBest: number | null;
}

/** The 95 % quantile of N(0, 1), written as statsmodels writes it. */
const T_STAT_STOP = 1.6448536269514722;

/**
 * Augmented Dickey-Fuller test of x (a level series, e.g. log prices; or returns, to check they are
 * stationary). Equals statsmodels `adfuller(x, maxlag, regression, autolag)`.
 *
 * @throws RangeError if x is constant or non-finite, `maxlag` is not an integer in 0..⌊n/2⌋ − ntrend − 1,
 *   or the series is too short for the chosen regression.
 * @example
 * const logP = Float64Array.from(bars.close, Math.log);
 * const r = adf(logP, { regression: 'c', autolag: 'AIC' });
 * r.pvalue > 0.05; // typically: prices have a unit root
 */
export function adf(x: ArrayLike<number>, opts: AdfOptions = {}): AdfResult {
  const regression = opts.regression ?? 'c';
  const autolag = opts.autolag === undefined ? 'AIC' : opts.autolag;
  const n = x.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) throw new RangeError(`adf: x[${i}] is not finite (${v})`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) throw new RangeError('adf: x is constant (or empty)');

  const ntrend = regression === 'n' ? 0 : regression.length;
  const limit = Math.floor(n / 2) - ntrend - 1;
  let maxLag: number;
  if (opts.maxlag === undefined) {
    maxLag = Math.min(limit, Math.ceil(12 * Math.pow(n / 100, 1 / 4)));
    if (maxLag < 0) throw new RangeError(`adf: ${n} observations are too few for regression '${regression}'`);
  } else {
    maxLag = opts.maxlag;
    if (!(Number.isInteger(maxLag) && maxLag >= 0 && maxLag <= limit)) {
      throw new RangeError(`adf: maxlag must be an integer in 0..${limit} (⌊n/2⌋ − 1 − ntrend), got ${maxLag}`);
    }
  }

  const dx = new Float64Array(n - 1);
  for (let t = 1; t < n; t++) dx[t - 1] = x[t] - x[t - 1];

  let usedLag = maxLag;
  let icBest: number | null = null;
  if (autolag !== null) {
    const search = lagSearch(x, dx, regression, maxLag, autolag);
    usedLag = search.lag;
    icBest = search.ic;
  }

  // Final fit on the largest sample the chosen lag allows, columns [x_{t−1}, Δx_{t−1..t−p}, const, trend].
  const { y, design, k, nobs } = adfDesign(x, dx, regression, usedLag, usedLag, false);
  const fit = ols(y, design, k);
  const stat = fit.tvalues[0];
  return {
    stat,
    pvalue: mackinnonP(stat, regression, 1),
    usedLag,
    maxLag,
    nobs,
    crit: mackinnonCrit(regression, nobs),
    icBest,
  };
}

/** Lag order chosen by `method` among 0..maxLag, all fitted on the sample maxLag leaves. */
function lagSearch(
  x: ArrayLike<number>,
  dx: Float64Array,
  regression: DfRegression,
  maxLag: number,
  method: 'AIC' | 'BIC' | 't-stat',
): { lag: number; ic: number } {
  const { y, design, k } = adfDesign(x, dx, regression, maxLag, maxLag, true);
  const nested = olsNested(y, design, k);
  const first = k - maxLag - 1; // index of the model with no lagged differences
  if (method === 't-stat') {
    let lag = maxLag;
    let ic = 0;
    for (; lag >= 0; lag--) {
      ic = Math.abs(nested.lastTvalue[first + lag]);
      if (ic >= T_STAT_STOP) break;
    }
    return { lag: Math.max(lag, 0), ic };
  }
  const crit = method === 'AIC' ? nested.aic : nested.bic;
  let lag = 0;
  for (let p = 1; p <= maxLag; p++) if (crit[first + p] < crit[first + lag]) lag = p;
  return { lag, ic: crit[first + lag] };
}

/**
 * The ADF design for `lags` lagged differences on the sample that `trimLag` leaves (rows t = trimLag + 1 …
 * n − 1), row-major. Deterministic columns go first (`prepend`, the search layout) or last (the final fit).
 */
function adfDesign(
  x: ArrayLike<number>,
  dx: Float64Array,
  regression: DfRegression,
  lags: number,
  trimLag: number,
  prepend: boolean,
): { y: Float64Array; design: Float64Array; k: number; nobs: number } {
  const ntrend = regression === 'n' ? 0 : regression.length;
  const k = 1 + lags + ntrend;
  const nobs = dx.length - trimLag;
  const y = dx.subarray(trimLag);
  const design = new Float64Array(nobs * k);
  const lagOffset = prepend ? ntrend : 0;
  const trendOffset = prepend ? 0 : 1 + lags;
  for (let r = 0; r < nobs; r++) {
    const t = r + trimLag; // index into dx; Δx_t = dx[t] = x[t+1] − x[t]
    const row = r * k;
    design[row + lagOffset] = x[t];
    for (let i = 1; i <= lags; i++) design[row + lagOffset + i] = dx[t - i];
    if (ntrend >= 1) design[row + trendOffset] = 1;
    if (ntrend >= 2) design[row + trendOffset + 1] = r + 1;
    if (ntrend >= 3) design[row + trendOffset + 2] = (r + 1) * (r + 1);
  }
  return { y, design, k, nobs };
}
