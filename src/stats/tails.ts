/**
 * Tail and asymmetry diagnostics of returns: the Hill tail index and the leverage correlation.
 */
import type { NumericArray } from './descriptive.js';

/** Which tail {@link hill} measures: losses (−r), gains (r) or absolute moves (|r|). */
export type TailSide = 'loss' | 'gain' | 'abs';

/** Options of {@link hill}. */
export interface HillOptions {
  /** Default `'loss'`, the tail that matters for risk. */
  readonly tail?: TailSide;
  /** Fraction of the sample used as the tail: k = ⌊fraction·n⌋ order statistics. Default 0.05. */
  readonly fraction?: number;
}

/** Result of {@link hill}. */
export interface HillResult {
  /** Number of upper order statistics averaged, ⌊fraction·n⌋. */
  readonly k: number;
  /** The (k+1)-th largest value x₍ₖ₊₁₎, in the units of the input (a log return, as a decimal). */
  readonly threshold: number;
  /** The tail index estimate ξ̂ = (1/k)·Σ_{i=1..k} ln(x₍ᵢ₎/x₍ₖ₊₁₎). */
  readonly xi: number;
  /** The tail exponent α̂ = 1/ξ̂: P(X > x) ~ x^(−α). Gaussian tails give large α; daily equity returns 2–5. */
  readonly alpha: number;
}

/**
 * Hill's (1975) estimator of the tail index of returns. The values are mapped to the chosen tail
 * (x = −r, r or |r|), sorted in descending order x₍₁₎ ≥ … ≥ x₍ₙ₎, and with k = ⌊fraction·n⌋,
 * ξ̂ = (1/k)·Σ_{i=1..k} ln(x₍ᵢ₎/x₍ₖ₊₁₎) and α̂ = 1/ξ̂. α̂ estimates the exponent of a Pareto-type tail; it is
 * consistent as k → ∞ with k/n → 0, and its standard error is roughly α̂/√k. The exact convention is the
 * one in the reference statistics (neither scipy nor statsmodels ships a Hill estimator).
 *
 * @param x returns (log returns as decimals), any sign.
 * @throws RangeError if `fraction` is not in (0, 1), k < 1 or k ≥ n, or the threshold x₍ₖ₊₁₎ is not
 *   positive (fewer than k + 1 observations in the tail, e.g. too few losses).
 * @example
 * hill(returns, { tail: 'loss', fraction: 0.05 }); // { k: 255, threshold: 0.0191, xi: 0.404, alpha: 2.47 }
 */
export function hill(x: NumericArray, options: HillOptions = {}): HillResult {
  const tail = options.tail ?? 'loss';
  const fraction = options.fraction ?? 0.05;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`hill fraction must be in (0, 1), got ${fraction}`);
  const n = x.length;
  const k = Math.floor(fraction * n);
  if (!(k >= 1 && k < n)) throw new RangeError(`hill needs 1 ≤ ⌊fraction·n⌋ < n, got k = ${k} for n = ${n}`);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = tail === 'loss' ? -x[i] : tail === 'gain' ? x[i] : Math.abs(x[i]);
  y.sort().reverse(); // descending; NaN would sort to the front and poison the estimate below
  const threshold = y[k];
  if (!(threshold > 0)) throw new RangeError(`hill threshold x(k+1) must be positive, got ${threshold} (too few values in the ${tail} tail)`);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.log(y[i] / threshold);
  const xi = sum / k;
  return { k, threshold, xi, alpha: 1 / xi };
}

/**
 * The leverage correlation corr(r_t, r²_{t+k}) for k = 1..lags: the Pearson correlation between today's
 * return and the squared return k bars later, over the n − k overlapping pairs (each pair sample centred on
 * its own means). For equities it is negative at short lags, because falls raise future volatility more
 * than rises do (Black's leverage effect); for symmetric models such as GARCH(1,1) with symmetric shocks it
 * is zero in expectation. It is a stylised fact a synthetic generator should reproduce.
 *
 * @param r returns (log returns as decimals).
 * @param lags the largest lag, in bars.
 * @returns a Float64Array whose element k − 1 is the correlation at lag k (`NaN` where a side is constant).
 * @throws RangeError unless `lags` is an integer in [1, n − 2].
 * @example
 * leverageCorrelation(returns, 10)[0]; // < 0 for the S&P 500
 */
export function leverageCorrelation(r: NumericArray, lags: number): Float64Array {
  const n = r.length;
  if (!(Number.isInteger(lags) && lags >= 1 && lags <= n - 2)) {
    throw new RangeError(`leverageCorrelation lags must be an integer in [1, ${n - 2}], got ${lags}`);
  }
  const out = new Float64Array(lags);
  for (let k = 1; k <= lags; k++) {
    const m = n - k;
    let ma = 0;
    let mb = 0;
    for (let t = 0; t < m; t++) {
      ma += r[t];
      mb += r[t + k] * r[t + k];
    }
    ma /= m;
    mb /= m;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let t = 0; t < m; t++) {
      const a = r[t] - ma;
      const b = r[t + k] * r[t + k] - mb;
      sab += a * b;
      saa += a * a;
      sbb += b * b;
    }
    out[k - 1] = sab / Math.sqrt(saa * sbb);
  }
  return out;
}
