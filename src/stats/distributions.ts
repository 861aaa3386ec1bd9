/**
 * Probability distributions used by the statistical tests: the standard normal, chi-squared, F and
 * Student-t (CDF and survival function), plus the Kolmogorov-Smirnov distributions (kolmogorov.ts) and
 * the special functions (special.ts), re-exported so that callers need one import.
 *
 * Survival functions (`…Sf`, upper-tail probabilities, i.e. p-values) are computed directly, never as
 * `1 - cdf`, so they keep full relative precision deep in the tail: `chi2Sf(2000, 10)` (2.1e−424) is 0 only
 * because doubles stop at 5e−324, and `normalSf(37)` is 5.7e−300, not 0.
 * Conventions and parameter names follow `scipy.stats` (`chi2.sf(x, df)`, `f.sf(x, dfn, dfd)`,
 * `t.sf(x, df)`, `norm.ppf(p)`). Out-of-domain parameters give `NaN`, as scipy does.
 */
import { erf, erfcx, expNegScaledSquare, regularizedBetaTails, regularizedGammaP, regularizedGammaQ } from './special.js';

export { erf, erfc, erfcx, logGamma, regularizedBeta, regularizedBetaTails, regularizedGammaP, regularizedGammaQ } from './special.js';
export { kolmogorovCdf, kolmogorovSf, kstwoCdf, kstwoSf, smirnovSf } from './kolmogorov.js';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

// ---------------------------------------------------------------------------------------------------------
// Standard normal

/**
 * Upper tail Φ(−|x|) of the standard normal for |x| above Cody's first interval: ½·e^(−x²/2)·erfcx(|x|/√2),
 * with e^(−x²/2) computed from an exact split of x so the tail keeps ~1e−15 relative accuracy out to the
 * underflow at |x| ≈ 38.5.
 */
function normalTail(ax: number): number {
  if (ax > 38.6) return 0;
  return 0.5 * expNegScaledSquare(ax, 0.5) * erfcx(ax * SQRT1_2);
}

/**
 * The standard normal CDF Φ(x) (scipy `norm.cdf`, `special.ndtr`), with full relative accuracy in the lower
 * tail: Φ(−37.5) ≈ 4.605353e−308.
 *
 * @example
 * normalCdf(1.96); // 0.9750021048517795
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax * SQRT1_2 <= 0.46875) return 0.5 + 0.5 * erf(x * SQRT1_2);
  const tail = normalTail(ax);
  return x < 0 ? tail : 1 - tail;
}

/**
 * The standard normal survival function 1 − Φ(x) = Φ(−x) (scipy `norm.sf`), accurate for large x.
 *
 * @example
 * normalSf(10); // 7.619853024160525e-24
 */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

/**
 * The standard normal density φ(x) = e^(−x²/2)/√(2π).
 *
 * @example
 * normalPdf(0); // 0.3989422804014327
 */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * expNegScaledSquare(Math.abs(x), 0.5);
}

// Wichura (1988), Algorithm AS 241 (PPND16): rational approximations in three regions, ~1e−16 relative.
const PPF_A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const PPF_B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const PPF_C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const PPF_D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-09,
];
const PPF_E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 2.7115555687434876e-05, 2.0103343992922881e-07,
];
const PPF_F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  1.8463183175100548e-05, 1.421511758316446e-07, 2.0442631033899397e-15,
];

function horner(c: readonly number[], x: number): number {
  let acc = c[c.length - 1];
  for (let k = c.length - 2; k >= 0; k--) acc = acc * x + c[k];
  return acc;
}

/**
 * The standard normal quantile Φ⁻¹(p) (scipy `norm.ppf`), by Wichura's AS 241, relative accuracy ~1e−16.
 * For p close to 1 the answer is limited by the spacing of doubles near 1; use `-normalPpf(q)` with the
 * upper-tail probability q when it is known directly.
 *
 * @returns −∞ at 0, +∞ at 1, `NaN` outside [0, 1].
 * @example
 * normalPpf(0.975); // 1.9599639845400536
 */
export function normalPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(PPF_A, r)) / horner(PPF_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z = horner(PPF_C, r) / horner(PPF_D, r);
  } else {
    r -= 5;
    z = horner(PPF_E, r) / horner(PPF_F, r);
  }
  return q < 0 ? -z : z;
}

// ---------------------------------------------------------------------------------------------------------
// Chi-squared, F, Student-t

/**
 * Upper tail of the chi-squared distribution with `df` degrees of freedom, P(X > x) = Q(df/2, x/2)
 * (scipy `chi2.sf`). This is the p-value of Ljung-Box, Jarque-Bera and LM tests.
 *
 * @param df degrees of freedom, > 0 (need not be an integer).
 * @returns 1 for x ≤ 0; `NaN` if df ≤ 0.
 * @example
 * chi2Sf(3.841458820694124, 1); // 0.05
 */
export function chi2Sf(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x)) return NaN;
  return x <= 0 ? 1 : regularizedGammaQ(df / 2, x / 2);
}

/**
 * CDF of the chi-squared distribution, P(X ≤ x) = P(df/2, x/2) (scipy `chi2.cdf`).
 *
 * @returns 0 for x ≤ 0; `NaN` if df ≤ 0.
 * @example
 * chi2Cdf(2, 2); // 1 − e^−1 = 0.6321205588285577
 */
export function chi2Cdf(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x)) return NaN;
  return x <= 0 ? 0 : regularizedGammaP(df / 2, x / 2);
}

/** Both tails of F(d1, d2) at f > 0: P(X ≤ f) = I_y(d1/2, d2/2) with y = d1f/(d2 + d1f). */
function fTails(f: number, d1: number, d2: number): { lower: number; upper: number } {
  const den = d2 + d1 * f;
  const t = regularizedBetaTails(d2 / den, (d1 * f) / den, d2 / 2, d1 / 2);
  return { lower: t.upper, upper: t.lower };
}

/**
 * Upper tail of the F distribution, P(X > f) with `d1` numerator and `d2` denominator degrees of freedom
 * (scipy `f.sf(f, dfn, dfd)`): the p-value of regression F-tests.
 *
 * @returns 1 for f ≤ 0; `NaN` unless d1, d2 > 0.
 * @example
 * fSf(3.0, 2, 20); // 0.07253815028640574
 */
export function fSf(f: number, d1: number, d2: number): number {
  if (!(d1 > 0 && d2 > 0) || Number.isNaN(f)) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  return fTails(f, d1, d2).upper;
}

/**
 * CDF of the F distribution, P(X ≤ f) (scipy `f.cdf`).
 *
 * @returns 0 for f ≤ 0; `NaN` unless d1, d2 > 0.
 * @example
 * fCdf(3.0, 2, 20); // 0.9274618497135942
 */
export function fCdf(f: number, d1: number, d2: number): number {
  if (!(d1 > 0 && d2 > 0) || Number.isNaN(f)) return NaN;
  if (f <= 0) return 0;
  if (f === Infinity) return 1;
  return fTails(f, d1, d2).lower;
}

/**
 * Upper tail of Student's t with `df` degrees of freedom, P(T > t) (scipy `t.sf`); two-sided p-values are
 * `2 * studentTSf(Math.abs(t), df)`. For t > 0 it is ½·I_x(df/2, ½) with x = df/(df + t²); `df = Infinity`
 * gives the normal tail.
 *
 * @returns `NaN` unless df > 0.
 * @example
 * studentTSf(2.0, 10); // 0.0366940173853701
 */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (df === Infinity) return normalSf(t);
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return t > 0 ? 0 : 1;
  const t2 = t * t;
  const den = df + t2;
  const half = 0.5 * regularizedBetaTails(df / den, t2 / den, df / 2, 0.5).lower; // P(T > |t|)
  return t > 0 ? half : 1 - half;
}

/**
 * CDF of Student's t, P(T ≤ t) = `studentTSf(-t, df)` by symmetry (scipy `t.cdf`).
 *
 * @example
 * studentTCdf(-2.0, 10); // 0.0366940173853701
 */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}
