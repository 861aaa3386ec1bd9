/**
 * Distributions of the Kolmogorov-Smirnov statistics, reproducing scipy 1.10's method choices so p-values
 * agree with `scipy.stats.kstest` to ~1e−12 relative, not merely to the accuracy of an approximation:
 *
 * - {@link kolmogorovSf}: the limiting law of √n·Dₙ (scipy `kstwobign.sf`, `special.kolmogorov`).
 * - {@link smirnovSf}: the exact one-sided Dₙ⁺ law (scipy `special.smirnov`), by the Smirnov/Birnbaum-Tingey
 *   sum evaluated in logs.
 * - {@link kstwoSf} / {@link kstwoCdf}: the two-sided Dₙ law (scipy `kstwo`, i.e. `_ksstats._kolmogn`,
 *   after Simard & L'Ecuyer 2011). Depending on n and n·d² it is exact (Ruben-Gambino closed forms, the
 *   Durbin matrix in Marsaglia-Tsang-Wang form, Pomeranz's recursion), `2·smirnov(n, d)` (exact for d ≥ ½;
 *   below that an upper bound, used once n·d² ≥ 2.2 where both one-sided deviations rarely occur together)
 *   or the Pelz-Good asymptotic series. The approximations are not exact, so matching scipy to 1e−6
 *   requires taking the same branch; the thresholds below are scipy's.
 */

import { stirlingError } from './special.js';

const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const LN_SQRT_2PI = 0.9189385332046728;
const SQRT_2PI = 2.5066282746310002;
const PI2 = Math.PI * Math.PI;

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

/** m·2^e without intermediate overflow or underflow. */
function ldexp(m: number, e: number): number {
  let r = m;
  let k = e;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
  }
  return r * 2 ** k;
}

// ---------------------------------------------------------------------------------------------------------
// Kolmogorov limit

/** Both tails of Kolmogorov's limit K(x) = P(√n·Dₙ ≤ x), each summed from the series that converges fast. */
function kolmogorovTails(x: number): { cdf: number; sf: number } {
  if (Number.isNaN(x)) return { cdf: NaN, sf: NaN };
  if (x <= 0.040611972203751713) return { cdf: 0, sf: 1 }; // the first CDF term is e^(−746) = 0
  if (x <= 0.82) {
    // CDF = √(2π)/x · Σ_{k≥1} exp(−(2k−1)²π²/(8x²)).
    const a = -PI2 / (8 * x * x);
    let s = 0;
    for (let k = 1; k < 100; k++) {
      const m = 2 * k - 1;
      const t = Math.exp(a * m * m);
      s += t;
      if (t <= s * 1e-17) break;
    }
    const cdf = clip01((SQRT_2PI / x) * s);
    return { cdf, sf: clip01(1 - cdf) };
  }
  // SF = 2·Σ_{k≥1} (−1)^(k−1) exp(−2k²x²).
  const a = -2 * x * x;
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const t = Math.exp(a * k * k);
    s += k % 2 === 1 ? t : -t;
    if (t <= Math.abs(s) * 1e-17) break;
  }
  const sf = clip01(2 * s);
  return { cdf: clip01(1 - sf), sf };
}

/**
 * Survival function of Kolmogorov's limiting distribution, P(K > x) (scipy `kstwobign.sf`): the asymptotic
 * p-value of a two-sided one-sample KS test is `kolmogorovSf(d * Math.sqrt(n))`.
 *
 * @example
 * kolmogorovSf(1.3580986393225505); // 0.05
 */
export function kolmogorovSf(x: number): number {
  return kolmogorovTails(x).sf;
}

/**
 * CDF of Kolmogorov's limiting distribution, P(K ≤ x) (scipy `kstwobign.cdf`).
 *
 * @example
 * kolmogorovCdf(1); // 0.7300003283226455
 */
export function kolmogorovCdf(x: number): number {
  return kolmogorovTails(x).cdf;
}

// ---------------------------------------------------------------------------------------------------------
// One-sided Smirnov

/**
 * Exact survival function of the one-sided statistic Dₙ⁺ (scipy `special.smirnov(n, d)`):
 * P(Dₙ⁺ > d) = d·Σ_{v=0}^{⌊n(1−d)⌋} C(n, v)(d + v/n)^(v−1)(1 − d − v/n)^(n−v). Every term is positive, so
 * summing them in logs keeps ~1e−12 relative accuracy up to n = 10⁶. Like scipy, n above 10⁶ uses the
 * approximation exp(−(6nd + 1)²/(18n)).
 *
 * @param n sample size, a positive integer.
 * @returns `NaN` for an invalid n or d outside [0, 1].
 * @example
 * smirnovSf(10, 0.3); // 0.1354635556
 */
export function smirnovSf(n: number, d: number): number {
  if (!(Number.isInteger(n) && n > 0 && d >= 0 && d <= 1)) return NaN;
  if (n === 1) return 1 - d;
  if (d === 0) return 1;
  if (d === 1) return 0;
  const nd = n * d;
  const ndFloor = Math.floor(nd);
  if (ndFloor === 0 || (ndFloor === 1 && nd === 1)) return clip01(1 - d * (1 + d) ** (n - 1)); // d ≤ 1/n
  if (-2 * n * d * d < -708.3964185322641) return 0; // below the smallest normal double
  if (ndFloor >= n - 1) return (1 - d) ** n; // d ≥ 1 − 1/n
  if (n > 1_000_000) return Math.exp(-((6 * nd + 1) ** 2) / (18 * n));
  // Few terms lie above n(1 − d) when d is small: there the alternating upper sum gives the (tiny) CDF more
  // accurately than thousands of lower terms give the SF (scipy's rule).
  const upperTerms = nd === ndFloor ? ndFloor : ndFloor + 1;
  if ((upperTerms <= 1 && d < 0.5) || (n >= 10 && upperTerms <= 3 && d <= 0.5 / Math.sqrt(n))) {
    let cdf = 0;
    for (let v = n - upperTerms + 1; v <= n; v++) {
      const k = n - v; // C(n, v) = C(n, k), k ≤ 2
      const binom = k === 0 ? 1 : k === 1 ? n : (n * (n - 1)) / 2;
      cdf += binom * (d + v / n) ** (v - 1) * ((n - v) / n - d) ** k;
    }
    return clip01(1 - d * cdf);
  }
  const last = Math.floor(n * (1 - d));
  // ln C(n, v) accumulates one log ratio per step; Neumaier compensation keeps its error at a few ulps of
  // each ratio instead of growing with the (thousands-sized) running total.
  let logBinom = 0;
  let logBinomComp = 0;
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const up = d + v / n; // d + v/n
    const down = (n - v) / n - d; // 1 − d − v/n
    if (down > 0) {
      const logTerm = logBinom + logBinomComp + (v - 1) * Math.log(up) + (n - v) * Math.log(down);
      if (logTerm > -745) sum += Math.exp(logTerm);
    }
    const step = Math.log((n - v) / (v + 1));
    const t = logBinom + step;
    logBinomComp += Math.abs(logBinom) >= Math.abs(step) ? logBinom - t + step : step - t + logBinom;
    logBinom = t;
  }
  return clip01(d * sum);
}

// ---------------------------------------------------------------------------------------------------------
// Two-sided Dₙ: exact algorithms

/** ln(n!/nⁿ) = ½ln n − n + ln√(2π) + S(n), with S Stirling's series (n!/nⁿ underflows for n > 750). */
function logFactorialOverPower(n: number): number {
  return 0.5 * Math.log(n) - n + LN_SQRT_2PI + stirlingError(n);
}

/** Square matrix product c = a·b of order m (row-major). */
function matMul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j] += aik * b[k * m + j];
    }
  }
  return c;
}

/**
 * P(Dₙ ≤ d) by Durbin's matrix formula in the form of Marsaglia, Tsang & Wang (2003): n!/nⁿ·(Hⁿ)_{kk} with
 * k = ⌈nd⌉ and H of order 2k − 1, powers taken by squaring with a separate binary exponent.
 */
function kolmognDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const invFact = new Float64Array(m + 1); // 1/j!
  invFact[0] = 1;
  for (let j = 1; j <= m; j++) invFact[j] = invFact[j - 1] / j;
  let H: Float64Array = new Float64Array(m * m);
  for (let r = 0; r < m; r++) for (let c = 0; c <= Math.min(r + 1, m - 1); c++) H[r * m + c] = invFact[r - c + 1];
  for (let r = 0; r < m; r++) H[r * m] = (1 - h ** (r + 1)) * invFact[r + 1];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = (1 - h ** (m - c)) * invFact[m - c];
  H[(m - 1) * m] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * invFact[m];

  let P: Float64Array = new Float64Array(m * m); // running product, starts at the identity
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let expP = 0;
  let expH = 0;
  const kk = (k - 1) * m + (k - 1);
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) {
      P = matMul(P, H, m);
      expP += expH;
    }
    H = matMul(H, H, m);
    expH *= 2;
    if (Math.abs(H[kk]) > EP128) {
      for (let i = 0; i < H.length; i++) H[i] /= EP128;
      expH += 128;
    }
  }
  let p = P[kk];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expP -= 128;
    }
  }
  return clip01(ldexp(p, expP));
}

/** The column range [j1, j2] of row i in Pomeranz's recursion. */
function pomeranzRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(Dₙ ≤ d) by Pomeranz's (1974) recursion: 2n + 1 banded convolutions with powers of g/n, 2g/n, (1 − 2g)/n. */
function kolmognPomeranz(n: number, d: number): number {
  const t = n * d;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gPow = new Float64Array(npwrs); // (g/n)^j/j!
  const twoGPow = new Float64Array(npwrs); // (2g/n)^j/j!
  const oneMinusTwoGPow = new Float64Array(npwrs); // ((1−2g)/n)^j/j!
  gPow[0] = twoGPow[0] = oneMinusTwoGPow[0] = 1;
  for (let j = 1; j < npwrs; j++) {
    gPow[j] = (gPow[j - 1] * (g / n)) / j;
    twoGPow[j] = (twoGPow[j - 1] * ((2 * g) / n)) / j;
    oneMinusTwoGPow[j] = (oneMinusTwoGPow[j - 1] * ((1 - 2 * g) / n)) / j;
  }
  let v0 = new Float64Array(npwrs);
  let v1 = new Float64Array(npwrs);
  v1[0] = 1;
  let s0 = 0; // column index of v0[0]
  let s1 = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [s0, s1] = [s1, s0];
    v1.fill(0);
    [j1, j2] = pomeranzRange(i, n, ll, ceilf, roundf);
    const pw = i === 1 || i === 2 * n + 1 ? gPow : i % 2 === 1 ? twoGPow : oneMinusTwoGPow;
    const len = j2 - k1 + 1;
    if (len > 0) {
      // v1[c − (j1 − k1)] = Σ_j v0[k1 − s0 + j]·pw[c − j], c = j1 − k1 … j2 − k1 (a slice of the full convolution).
      const from = j1 - k1;
      let max = 0;
      for (let c = from; c <= j2 - k1; c++) {
        let acc = 0;
        for (let j = Math.max(0, c - len + 1); j <= Math.min(c, len - 1); j++) {
          const idx = k1 - s0 + j;
          if (idx >= 0 && idx < npwrs) acc += v0[idx] * pw[c - j];
        }
        v1[c - from] = acc;
        if (acc > max) max = acc;
      }
      if (max > 0 && max < EM128) {
        for (let c = 0; c < npwrs; c++) v1[c] *= EP128;
        expnt -= 128;
      }
      s1 = s0 + j1 - k1;
    }
  }
  let ans = v1[n - s1];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  return clip01(ldexp(ans, expnt));
}

/**
 * The Pelz-Good (1976) asymptotic series for P(Dₙ ≤ d) (or its complement): the Li-Chien/Korolyuk
 * expansion K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^(3/2) in z = d√n, rewritten by Jacobi's theta identities for
 * small z.
 */
function kolmognPelzGood(n: number, d: number, cdf: boolean): number {
  if (d <= 0) return cdf ? 0 : 1;
  if (d >= 1) return cdf ? 1 : 0;
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return cdf ? 0 : 1;
  let q = Math.exp(qlog);
  const PI4 = PI2 * PI2;
  const PI6 = PI4 * PI2;
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    K[0] = K[0] * qpower + 1;
    K[1] = K[1] * qpower + (k1a + k1b * m2);
    K[2] = K[2] * qpower + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3] * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const scale = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT_2PI) / scale[i];
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2] += (k2extra * PI2 * SQRT_2PI) / (-36 * z3);
  K[3] += (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  for (let i = 1; i < 4; i++) K[i] /= n ** (i / 2);
  if (!cdf) {
    for (let i = 0; i < 4; i++) K[i] = -K[i];
    K[0] += 1;
  }
  return K[0] + K[1] + K[2] + K[3];
}

// ---------------------------------------------------------------------------------------------------------
// Two-sided Dₙ: scipy's dispatch

/** P(Dₙ ≤ d) (`cdf`) or P(Dₙ > d), choosing the algorithm exactly as scipy 1.10's `_kolmogn` does. */
function kolmogn(n: number, d: number, cdf: boolean): number {
  const pick = (pCdf: number, pSf: number): number => clip01(cdf ? pCdf : pSf);
  if (Number.isNaN(d)) return NaN;
  if (d >= 1) return pick(1, 0);
  if (d <= 0) return pick(0, 1);
  const t = n * d;
  if (t <= 1) {
    // Ruben-Gambino: P(Dₙ ≤ d) = n!/nⁿ·(2t − 1)ⁿ for 1/(2n) ≤ d ≤ 1/n.
    if (t <= 0.5) return pick(0, 1);
    let p: number;
    if (n <= 140) {
      p = 1;
      for (let i = 1; i <= n; i++) p *= i * (1 / n) * (2 * t - 1);
    } else {
      p = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return pick(p, 1 - p);
  }
  if (t >= n - 1) {
    const p = 2 * (1 - d) ** n; // Ruben-Gambino, upper end
    return pick(1 - p, p);
  }
  if (d >= 0.5) {
    const p = 2 * smirnovSf(n, d); // exact: the one-sided events are disjoint
    return pick(1 - p, p);
  }
  const nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 0.754693) {
      const p = kolmognDurbin(n, d);
      return pick(p, 1 - p);
    }
    if (nd2 <= 4) {
      const p = kolmognPomeranz(n, d);
      return pick(p, 1 - p);
    }
    const p = 2 * smirnovSf(n, d);
    return pick(1 - p, p);
  }
  if (!cdf) {
    if (nd2 >= 370) return 0;
    if (nd2 >= 2.2) return clip01(2 * smirnovSf(n, d));
  }
  let p: number;
  if (nd2 >= 18) p = 1;
  else if (n <= 100_000 && n * d ** 1.5 <= 1.4) p = kolmognDurbin(n, d);
  else p = kolmognPelzGood(n, d, true);
  return pick(p, 1 - p);
}

function checkN(n: number): boolean {
  return Number.isInteger(n) && n >= 1;
}

/**
 * Survival function of the two-sided one-sample KS statistic Dₙ, P(Dₙ > d) (scipy 1.10 `kstwo.sf(d, n)`):
 * the p-value of `scipy.stats.kstest(x, cdf)` with its default `method='auto'` (which is 'exact').
 *
 * @param d the statistic, sup |Fₙ − F| ∈ [0, 1].
 * @param n sample size, a positive integer.
 * @returns `NaN` for an invalid n.
 * @example
 * kstwoSf(0.1, 100); // 0.2526927570063875
 */
export function kstwoSf(d: number, n: number): number {
  return checkN(n) ? kolmogn(n, d, false) : NaN;
}

/**
 * CDF of the two-sided one-sample KS statistic, P(Dₙ ≤ d) (scipy `kstwo.cdf(d, n)`).
 *
 * @returns `NaN` for an invalid n.
 * @example
 * kstwoCdf(0.1, 100); // 0.7473072429936125
 */
export function kstwoCdf(d: number, n: number): number {
  return checkN(n) ? kolmogn(n, d, true) : NaN;
}
