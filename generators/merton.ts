import { z } from 'zod';
import { ConfigError, DataError, RlError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { excessKurtosis, mean, skewness, std, variance } from '../src/stats/descriptive.js';
import { minimize, minimizeMultiStart } from '../src/stats/optimize.js';
import { fitGbmAsset } from './gbm.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { checkTrainPanel, returnsFromStreams, samplePanels, writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Merton jump diffusion on daily bars, parameterised per bar: the close-to-close log return is
 *
 *   r_t = m + σ·z_t + Σ_{j=1}^{N_t} Y_j,   z_t ~ N(0, 1),   N_t ~ Poisson(λ),   Y_j ~ N(μ_J, σ_J²),
 *
 * all independent, so r_t has the Poisson-normal mixture density
 * f(r) = Σ_k e^{−λ}λ^k/k! · φ(r; m + k·μ_J, σ² + k·σ_J²), mean m + λμ_J, variance σ² + λ(μ_J² + σ_J²)
 * and cumulants κ_n = λ·E[Y^n] for n ≥ 3 (see {@link mertonMoments}). The per-bar drift m is the diffusion's
 * mean log return, not the continuous-time μ: m = (μ − σ²/2 − λκ)·Δt in the usual notation, with the jump
 * compensator folded in, so nothing is lost by fitting m directly.
 *
 * Bars: jumps are put in the **overnight gap** (news arrives while the market is closed, so the open gaps),
 * and the diffusion is split into an overnight and an intraday part as in `gbm`, with a share s of its drift
 * and variance overnight. High and low are the exact extremes of the intraday Brownian path. Volume is iid
 * lognormal, fitted as in `gbm`.
 *
 * Multi-asset panels are fitted and sampled asset by asset, independently.
 */

/** The five per-bar parameters of the return law (natural-log returns, not annualised). */
export interface MertonLaw {
  /** Diffusion drift per bar. */
  readonly m: number;
  /** Diffusion standard deviation per bar (≥ 0). */
  readonly sigma: number;
  /** Jump intensity: expected jumps per bar, in [0, 1]. */
  readonly lambda: number;
  /** Mean of one jump's log-return size. */
  readonly muJ: number;
  /** Standard deviation of one jump's log-return size (≥ 0). */
  readonly sigmaJ: number;
}

/** Config of `merton`: optional overrides. A fixed parameter is held while the others are fitted by MLE. */
export const mertonConfigSchema = z.strictObject({
  m: z.number().optional().describe('Diffusion drift of log returns per bar (not annualised); the mean return is m + λ·μJ.'),
  sigma: z.number().positive().optional().describe('Diffusion standard deviation of log returns per bar (not annualised).'),
  lambda: z.number().min(0).max(1).optional().describe('Jump intensity: expected number of jumps per bar, in [0, 1].'),
  muJ: z.number().optional().describe('Mean log-return size of one jump.'),
  sigmaJ: z.number().nonnegative().optional().describe('Standard deviation of the log-return size of one jump.'),
  initialPrice: z
    .number()
    .positive()
    .optional()
    .describe("Close before the first generated bar, in price units, for every asset. Default: each asset's last training close."),
});

export type MertonConfig = z.infer<typeof mertonConfigSchema>;

/** Fitted parameters of one asset (plain JSON): the {@link MertonLaw} plus the bar shape. */
export interface MertonAssetParams extends MertonLaw {
  /** The training asset's symbol, reused for the generated series. */
  readonly symbol: string;
  /** Fraction in [0, 1] of the *diffusion's* drift and variance that falls overnight (jumps are all overnight). */
  readonly overnightShare: number;
  /** Mean and standard deviation (MLE) of ln(volume) over bars with volume > 0; null when every volume was 0. */
  readonly volume: { readonly logMean: number; readonly logStd: number } | null;
  /** Close before the first generated bar, in price units. */
  readonly initialPrice: number;
}

export interface MertonParams {
  readonly assets: readonly MertonAssetParams[];
}

/** Fewest training bars `fit` accepts: five parameters need a few dozen returns to mean anything. */
export const MERTON_MIN_BARS = 30;

/** Largest Poisson probability mass the likelihood may leave out when it truncates the mixture. */
const TAIL_MASS = 1e-12;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Number of mixture terms K + 1 such that P(N > K) < 1e-12 for N ~ Poisson(λ). Uses the bound
 * P(N > K) ≤ p_{K+1} / (1 − λ/(K + 2)), valid once K + 2 > λ (the ratio p_{j+1}/p_j = λ/(j + 1) then
 * stays below λ/(K + 2)). λ = 0.05 needs K = 6, λ = 1 needs K = 14.
 */
export function mertonTerms(lambda: number): number {
  if (!(lambda > 0)) return 1;
  let p = Math.exp(-lambda);
  for (let k = 0; ; k++) {
    const next = (p * lambda) / (k + 1); // p_{k+1}
    if (k + 2 > lambda && next / (1 - lambda / (k + 2)) < TAIL_MASS) return k + 1;
    if (k > 10_000) return k + 1;
    p = next;
  }
}

/**
 * Log-likelihood Σ_t ln f(r_t) of returns under the Poisson-normal mixture, in nats, with the mixture
 * truncated where the omitted Poisson mass is below 1e-12 ({@link mertonTerms}). Each density is summed
 * directly and, if that underflows (a return far in every component's tail), again in log-sum-exp form.
 *
 * @returns `NaN` when σ ≤ 0 (the no-jump component has no density), σ_J < 0, λ < 0, or a parameter or return
 *   is not finite. λ > 1 is evaluated: that bound belongs to the fit, not to the density.
 * @example
 * mertonLogLikelihood(r, { m: 3e-4, sigma: 0.009, lambda: 0.05, muJ: -0.01, sigmaJ: 0.03 });
 */
export function mertonLogLikelihood(r: ArrayLike<number>, law: MertonLaw): number {
  const { m, sigma, lambda, muJ, sigmaJ } = law;
  if (!(sigma > 0 && sigmaJ >= 0 && lambda >= 0 && Number.isFinite(m + muJ + sigma + sigmaJ + lambda))) return NaN;
  const terms = mertonTerms(lambda);
  const mu = new Float64Array(terms);
  const half = new Float64Array(terms); // 1 / (2·v_k)
  const logc = new Float64Array(terms); // ln(p_k / sqrt(2π·v_k))
  const c = new Float64Array(terms);
  let logp = -lambda;
  for (let k = 0; k < terms; k++) {
    if (k > 0) logp += Math.log(lambda / k);
    const v = sigma * sigma + k * sigmaJ * sigmaJ;
    mu[k] = m + k * muJ;
    half[k] = 0.5 / v;
    logc[k] = logp - LOG_SQRT_2PI - 0.5 * Math.log(v);
    c[k] = Math.exp(logc[k]);
  }
  let ll = 0;
  for (let t = 0; t < r.length; t++) {
    const x = r[t];
    let s = 0;
    for (let k = 0; k < terms; k++) {
      const d = x - mu[k];
      s += c[k] * Math.exp(-d * d * half[k]);
    }
    if (s > 1e-290 && s < Infinity) {
      ll += Math.log(s);
      continue;
    }
    let top = -Infinity;
    for (let k = 0; k < terms; k++) {
      const d = x - mu[k];
      top = Math.max(top, logc[k] - d * d * half[k]);
    }
    if (!Number.isFinite(top)) return NaN; // only a non-finite return gets here: every v_k is > 0
    let acc = 0;
    for (let k = 0; k < terms; k++) {
      const d = x - mu[k];
      acc += Math.exp(logc[k] - d * d * half[k] - top);
    }
    ll += top + Math.log(acc);
  }
  return ll;
}

/**
 * Mean, variance, skewness and excess kurtosis of the per-bar log return. With Y ~ N(μ_J, σ_J²):
 * E[Y²] = μ_J² + σ_J², E[Y³] = μ_J³ + 3μ_Jσ_J², E[Y⁴] = μ_J⁴ + 6μ_J²σ_J² + 3σ_J⁴; a compound Poisson sum
 * has cumulants λ·E[Y^n], the diffusion adds σ² to the variance only, so skewness = λE[Y³]/κ₂^{3/2} and
 * excess kurtosis = λE[Y⁴]/κ₂² with κ₂ = σ² + λE[Y²].
 *
 * @example
 * mertonMoments({ m: 0, sigma: 0.01, lambda: 0.05, muJ: 0, sigmaJ: 0.03 }).excessKurtosis; // ≈ 5.78
 */
export function mertonMoments(law: MertonLaw): { mean: number; variance: number; skewness: number; excessKurtosis: number } {
  const { m, sigma, lambda, muJ, sigmaJ } = law;
  const mj2 = muJ * muJ;
  const sj2 = sigmaJ * sigmaJ;
  const k2 = sigma * sigma + lambda * (mj2 + sj2);
  const k3 = lambda * (mj2 * muJ + 3 * muJ * sj2);
  const k4 = lambda * (mj2 * mj2 + 6 * mj2 * sj2 + 3 * sj2 * sj2);
  return { mean: m + lambda * muJ, variance: k2, skewness: k3 / k2 ** 1.5, excessKurtosis: k4 / (k2 * k2) };
}

/** Options of {@link fitMertonReturns}. */
export interface MertonFitOptions {
  /** Nelder-Mead iteration budget per start and stage (default 3000). */
  readonly maxIter?: number;
}

// Search box in units of the sample standard deviation d of the returns (after centring on their mean):
// order [m, σ, λ, μ_J, σ_J]. σ's floor is what keeps the likelihood bounded (as σ → 0 the no-jump component
// collapses onto one return and f → ∞); a fit that ends on it is reported as degenerate.
const LOWER = [-10, 0.01, 0, -20, 1e-3];
const UPPER = [10, 10, 1, 20, 20];
const NAMES = ['m', 'sigma', 'lambda', 'muJ', 'sigmaJ'] as const;
/** Most returns the multi-start stage looks at; longer series are strided down to this for it. */
const SCREEN_SIZE = 5000;

/**
 * Maximum-likelihood {@link MertonLaw} of a series of log returns; parameters given in `fixed` are held
 * while the others maximise {@link mertonLogLikelihood}.
 *
 * The search runs on standardised returns (r − r̄)/d with d their standard deviation, so every coordinate is
 * O(1) for the simplex, within the box m ∈ r̄ + [−10, 10]·d, σ ∈ [0.01, 10]·d, λ ∈ [0, 1], μ_J ∈ [−20, 20]·d,
 * σ_J ∈ [0.001, 20]·d. Three starts come from the sample skewness S and excess kurtosis K: for
 * λ₀ ∈ {0.02, 0.08, 0.3}, the jumps' share of the variance φ = min(0.8, sqrt(K·λ₀/3)) (from K = 3λσ_J⁴ with
 * unit variance), σ_J = sqrt(φ/λ₀), σ = sqrt(1 − φ), μ_J = S/(3φ) (from skewness ≈ 3λμ_Jσ_J²) and
 * m = −λ₀μ_J (a fixed λ replaces λ₀ in σ_J and m). Stage one runs bounded Nelder-Mead from every start
 * (`minimizeMultiStart`, tolerance 1e-4) on at most 5,000 returns (longer series are strided evenly: this
 * stage only has to find the best basin); stage two climbs from that basin's optimum on all the returns to
 * a tolerance of 1e-6 in the standardised parameters and 1e-10 in the mean log-likelihood, far below the
 * estimates' standard errors. The fit is deterministic.
 *
 * @throws DataError if there are fewer than {@link MERTON_MIN_BARS} − 1 returns or one is not finite.
 * @throws RlError `E_FIT` if the returns are constant (sd ≤ 1e-10), the search does not converge, or σ ends on its floor.
 * @example
 * const law = fitMertonReturns(logReturns(bars)); // { m, sigma, lambda, muJ, sigmaJ } per bar
 */
export function fitMertonReturns(r: ArrayLike<number>, fixed: Partial<MertonLaw> = {}, opts: MertonFitOptions = {}): MertonLaw {
  if (r.length < MERTON_MIN_BARS - 1) {
    throw new DataError('train', undefined, undefined, `merton needs at least ${MERTON_MIN_BARS - 1} returns, got ${r.length}`);
  }
  for (let t = 0; t < r.length; t++) {
    if (!Number.isFinite(r[t])) throw new DataError('train', undefined, undefined, `log return ${t} is ${r[t]}, not a finite number`);
  }
  // Without jumps (λ fixed at 0) the jump size does not enter the likelihood: it is not fitted, and reads 0.
  const noJumps = fixed.lambda === 0;
  const given = [fixed.m, fixed.sigma, fixed.lambda, fixed.muJ ?? (noJumps ? 0 : undefined), fixed.sigmaJ ?? (noJumps ? 0 : undefined)];
  const free = given.flatMap((v, j) => (v === undefined ? [j] : []));
  if (free.length === 0) return { m: given[0]!, sigma: given[1]!, lambda: given[2]!, muJ: given[3]!, sigmaJ: given[4]! };

  const n = r.length;
  const centre = mean(r);
  const d = std(r, 0);
  // Log returns are dimensionless: a spread below 1e-10 is rounding noise on constant returns.
  if (!(d > 1e-10)) throw new RlError('merton fit: the returns are constant; set m, sigma, lambda, muJ and sigmaJ', 'E_FIT');
  const z = new Float64Array(n);
  for (let t = 0; t < n; t++) z[t] = (r[t] - centre) / d;
  const toZ = (v: number, j: number): number => (j === 0 ? (v - centre) / d : j === 2 ? v : v / d);
  const fromZ = (v: number, j: number): number => (j === 0 ? centre + d * v : j === 2 ? v : d * v);

  const full = new Float64Array(5);
  for (let j = 0; j < 5; j++) if (given[j] !== undefined) full[j] = toZ(given[j]!, j);
  const lawOf = (x: ArrayLike<number>): MertonLaw => {
    for (let i = 0; i < free.length; i++) full[free[i]] = x[i];
    return { m: full[0], sigma: full[1], lambda: full[2], muJ: full[3], sigmaJ: full[4] };
  };
  const objectiveOn = (data: Float64Array) => (x: Float64Array): number => -mertonLogLikelihood(data, lawOf(x)) / data.length;

  const kurt = Math.max(0.1, excessKurtosis(z));
  const skew = skewness(z);
  const starts = [0.02, 0.08, 0.3].map((l0) => {
    const phi = Math.min(0.8, Math.sqrt((kurt * l0) / 3));
    const lam = Math.max(1e-3, given[2] ?? l0);
    const muJ = Math.max(-5, Math.min(5, skew / (3 * phi)));
    const full0 = [-lam * muJ, Math.sqrt(1 - phi), lam, muJ, Math.sqrt(phi / lam)];
    return free.map((j) => Math.max(LOWER[j], Math.min(UPPER[j], full0[j])));
  });
  const lower = free.map((j) => LOWER[j]);
  const upper = free.map((j) => UPPER[j]);
  const maxIter = opts.maxIter ?? 3000;
  // Stage 1 picks the basin: every start, on at most SCREEN_SIZE returns (an evenly strided subsample).
  const stride = Math.ceil(n / SCREEN_SIZE);
  const screen = stride === 1 ? z : z.filter((_, t) => t % stride === 0);
  const coarse = minimizeMultiStart(objectiveOn(screen), starts, {
    lower,
    upper,
    maxIter,
    xtol: 1e-4,
    ftol: 1e-9,
    initialStep: free.map((j) => [0.05, 0.05, 0.01, 0.25, 0.25][j]),
  });
  // Stage 2 climbs to the optimum of the full likelihood from the best basin.
  const best = minimize(objectiveOn(z), coarse.x, {
    lower,
    upper,
    maxIter,
    xtol: 1e-6,
    ftol: 1e-10,
    initialStep: free.map((j) => [0.02, 0.02, 0.005, 0.1, 0.1][j]),
  });
  if (!best.converged) {
    throw new RlError(`merton fit: the likelihood search did not converge (${best.message}); set some of m, sigma, lambda, muJ, sigmaJ`, 'E_FIT');
  }
  const law = lawOf(best.x);
  if (given[1] === undefined && law.sigma <= LOWER[1] * (1 + 1e-6)) {
    throw new RlError(
      'merton fit: the diffusion σ collapsed onto its floor (a degenerate likelihood peak on a single return); set sigma',
      'E_FIT',
    );
  }
  const out = [law.m, law.sigma, law.lambda, law.muJ, law.sigmaJ].map((v, j) => (given[j] !== undefined ? given[j]! : fromZ(v, j)));
  return { m: out[0], sigma: out[1], lambda: out[2], muJ: out[3], sigmaJ: out[4] };
}

/**
 * Merton parameters of one asset: {@link fitMertonReturns} on its close-to-close log returns, then the bar
 * shape. All jumps go overnight, so the diffusion's overnight share is whatever of the observed gap variance
 * the jumps do not already supply: s = clip((var(gap) − λ(μ_J² + σ_J²)) / σ², 0, 1), gap = ln(open_t/close_{t−1}).
 * When the jump variance alone exceeds the observed gap variance (an index whose opens are stale), s = 0 and
 * the generated gaps are wider than the training ones: the price of the model's "news arrives overnight"
 * reading. Volume and the initial price are fitted as in `gbm`.
 *
 * @throws DataError if the bars are fewer than {@link MERTON_MIN_BARS} or hold non-positive prices.
 * @throws RlError `E_FIT` as {@link fitMertonReturns}.
 * @example
 * const { lambda, muJ, sigmaJ } = fitMertonAsset(bars, {}); // jumps per bar and their log size
 */
export function fitMertonAsset(bars: Bars, config: MertonConfig, opts: MertonFitOptions = {}): MertonAssetParams {
  checkTrainPanel([bars], MERTON_MIN_BARS, false);
  const base = fitGbmAsset(bars, { initialPrice: config.initialPrice });
  const n = bars.length - 1;
  const r = new Float64Array(n);
  const gap = new Float64Array(n);
  for (let t = 1; t <= n; t++) {
    r[t - 1] = Math.log(bars.close[t] / bars.close[t - 1]);
    gap[t - 1] = Math.log(bars.open[t] / bars.close[t - 1]);
  }
  let law: MertonLaw;
  try {
    law = fitMertonReturns(r, config, opts);
  } catch (e) {
    if (e instanceof RlError && e.code === 'E_FIT') throw new RlError(`${bars.symbol}: ${e.message}`, 'E_FIT');
    throw e;
  }
  const jumpVar = law.lambda * (law.muJ * law.muJ + law.sigmaJ * law.sigmaJ);
  const diffVar = law.sigma * law.sigma;
  const share = diffVar > 0 ? Math.min(1, Math.max(0, (variance(gap, 0) - jumpVar) / diffVar)) : 0;
  const params: MertonAssetParams = { symbol: bars.symbol, ...law, overnightShare: share, volume: base.volume, initialPrice: base.initialPrice };
  checkAssetParams(params, 0);
  return params;
}

/** @throws ConfigError naming the bad field when params (e.g. loaded from JSON) cannot be sampled. */
function checkAssetParams(a: MertonAssetParams, index: number): void {
  const at = (field: string): string => `params.assets[${index}].${field}`;
  for (const key of NAMES) if (!Number.isFinite(a[key])) throw new ConfigError(at(key), `must be finite, got ${a[key]}`);
  if (!(a.sigma >= 0)) throw new ConfigError(at('sigma'), `must be ≥ 0, got ${a.sigma}`);
  if (!(a.sigmaJ >= 0)) throw new ConfigError(at('sigmaJ'), `must be ≥ 0, got ${a.sigmaJ}`);
  if (!(a.lambda >= 0 && a.lambda <= 1)) throw new ConfigError(at('lambda'), `must be in [0, 1] jumps per bar, got ${a.lambda}`);
  if (!(a.overnightShare >= 0 && a.overnightShare <= 1)) throw new ConfigError(at('overnightShare'), `must be in [0, 1], got ${a.overnightShare}`);
  if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) throw new ConfigError(at('initialPrice'), `must be finite and > 0, got ${a.initialPrice}`);
  if (a.volume !== null && !(Number.isFinite(a.volume.logMean) && a.volume.logStd >= 0 && a.volume.logStd < Infinity)) {
    throw new ConfigError(at('volume'), 'needs a finite logMean and a finite logStd ≥ 0');
  }
}

/**
 * Poisson(λ) count by inversion of the CDF from 0 upwards, one uniform per call: 1 + λ steps on average, so
 * cheap for per-bar intensities λ ≤ 1, and exact up to the rounding of the running CDF sum. `expMinusLambda`
 * is e^{−λ}, passed in so each path computes it once.
 */
function poisson(rng: Rng, lambda: number, expMinusLambda: number): number {
  const u = rng.uniform();
  let k = 0;
  let p = expMinusLambda;
  let cdf = p;
  while (u > cdf && p > 0) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/** A {@link ReturnStream} of Merton returns that can also report each return's jump count. */
export interface MertonReturnStream extends RangeReturnStream {
  /**
   * Fills `out` with the next returns; `jumps`, when given, receives each one's jump count N.
   *
   * @throws RangeError if `jumps` has fewer slots than `out`.
   */
  next(out: Float64Array, jumps?: Int32Array): void;
  /** {@link MertonReturnStream.next} into out[from, to), and jumps[from, to) when given. */
  nextInto(out: Float64Array, from: number, to: number, jumps?: Int32Array): void;
}

/**
 * One asset's Merton log returns as a stream (returns are iid: no state besides the rng). Per bar: a uniform
 * for the jump count N (inversion), a normal for the sum of the N jumps when N > 0 (Σ Y_j ~ N(N·μ_J, N·σ_J²)
 * exactly), and a normal for the diffusion. The draws differ from {@link merton}'s `sample`; the law is the same.
 *
 * @throws ConfigError if the params cannot be sampled.
 * @example
 * const stream = mertonReturnStream(params.assets[0], Rng.fromSeed(1));
 * stream.next(chunk, counts); // counts[t]: jumps in return t
 */
export function mertonReturnStream(a: MertonAssetParams, rng: Rng): MertonReturnStream {
  checkAssetParams(a, 0);
  return new MertonStream(a, rng);
}

/** {@link mertonReturnStream}: iid returns, so no state besides the rng. */
class MertonStream implements MertonReturnStream {
  /** e^{−λ}, for the Poisson inversion. */
  private readonly expMinusLambda: number;

  constructor(
    private readonly a: MertonLaw,
    private readonly rng: Rng,
  ) {
    this.expMinusLambda = Math.exp(-a.lambda);
  }

  next(out: Float64Array, jumps?: Int32Array): void {
    this.nextInto(out, 0, out.length, jumps);
  }

  nextInto(out: Float64Array, from: number, to: number, jumps?: Int32Array): void {
    if (jumps !== undefined && jumps.length < to) throw new RangeError(`jumps has ${jumps.length} slots for ${to} returns`);
    const { m, sigma, lambda, muJ, sigmaJ } = this.a; // locals: the hot loop reads registers, not fields
    const { expMinusLambda, rng } = this;
    for (let t = from; t < to; t++) {
      const k = poisson(rng, lambda, expMinusLambda);
      const jump = k === 0 ? 0 : k * muJ + Math.sqrt(k) * sigmaJ * rng.normal();
      out[t] = m + sigma * rng.normal() + jump;
      if (jumps !== undefined) jumps[t] = k;
    }
  }
}

/**
 * Close-to-close log returns of Merton paths without building bars (for statistics and fast Monte Carlo):
 * {@link mertonReturnStream} read once into `out`. Returns are iid, so `out` may hold any number of paths back
 * to back. When `jumps` is given, it receives N per bar.
 *
 * @throws ConfigError if the params cannot be sampled; RangeError if `jumps` is shorter than `out`.
 * @example
 * const counts = new Int32Array(2520);
 * const r = sampleMertonReturns(params.assets[0], Rng.fromSeed(1), new Float64Array(2520), counts);
 */
export function sampleMertonReturns(a: MertonAssetParams, rng: Rng, out: Float64Array, jumps?: Int32Array): Float64Array {
  mertonReturnStream(a, rng).next(out, jumps);
  return out;
}

/** Validates every asset as `sample` does; opens streams of asset 0's returns. */
function assetZeroStreams(params: MertonParams): (rng: Rng) => RangeReturnStream {
  if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  params.assets.forEach(checkAssetParams);
  const a = params.assets[0];
  return (rng) => mertonReturnStream(a, rng);
}

/**
 * Fills `out` (already holding its time column) with one Merton path. Per bar, in this order: a uniform for
 * the jump count N, a normal for the jumps' sum (only when N > 0), a normal for the overnight diffusion, a
 * normal for the intraday diffusion, a normal for ln(volume) (only when the asset has volume), then the two
 * uniforms of the high and the low.
 *
 * r_on = J + m·s + σ·sqrt(s)·z₁ and r_id = m·(1 − s) + σ·sqrt(1 − s)·z₂, so r_on + r_id has the Merton law
 * exactly; the intraday path is Brownian with variance σ²(1 − s), which gives the high and low.
 */
function sampleMertonPath(a: MertonAssetParams, rng: Rng, out: Bars): void {
  const { m, sigma, lambda, muJ, sigmaJ } = a;
  const s = a.overnightShare;
  const e = Math.exp(-lambda);
  const muOn = m * s;
  const sdOn = sigma * Math.sqrt(s);
  const muId = m * (1 - s);
  const sdId = sigma * Math.sqrt(1 - s);
  const varId = sigma * sigma * (1 - s);
  const vol = a.volume;
  let prev = a.initialPrice;
  for (let t = 0; t < out.length; t++) {
    const k = poisson(rng, lambda, e);
    const jump = k === 0 ? 0 : k * muJ + Math.sqrt(k) * sigmaJ * rng.normal();
    const rOn = jump + muOn + sdOn * rng.normal();
    const rId = muId + sdId * rng.normal();
    const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.logStd * rng.normal());
    prev = writeBrownianBar(out, t, prev, rOn, rId, varId, volume, rng);
  }
}

/**
 * The `merton` generator: jump diffusion fitted by maximum likelihood of the Poisson-normal mixture.
 *
 * @throws RlError `E_FIT` from `fit` when the likelihood search fails (see {@link fitMertonReturns}).
 * @example
 * const params = merton.fit([trainBars], merton.configSchema.parse({}), {});
 * const [path] = merton.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 }); // path[0]: one year of bars
 */
export const merton = defineGenerator<MertonConfig, MertonParams>({
  id: 'merton',
  version: 1,
  description:
    'Merton jump diffusion (Poisson count of normal log jumps, per bar) fitted by mixture MLE; jumps gap the open, ' +
    'Brownian high/low for the diffusion, lognormal volume.',
  configSchema: mertonConfigSchema,
  fit(train: Panel, config: MertonConfig): MertonParams {
    checkTrainPanel(train, MERTON_MIN_BARS, false);
    return { assets: train.map((bars) => fitMertonAsset(bars, config)) };
  },
  sample(params: MertonParams, rng: Rng, opts): Panel[] {
    return samplePanels(params.assets, checkAssetParams, rng, opts, sampleMertonPath);
  },
  /** Asset 0's returns: consecutive {@link mertonReturnStream}s (returns are iid, so simply consecutive rows). */
  sampleReturns(params: MertonParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: MertonParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
