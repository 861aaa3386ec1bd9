import { z } from 'zod';
import { ConfigError, RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { quantile, std, variance } from '../src/stats/descriptive.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { checkTrainPanel, returnsFromStreams, samplePanels } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';
import { checkRegimeAssetParams, regimeReturnStreams, sampleRegimePath } from './regime-sampling.js';

export { regimeReturnStream, sampleRegimePath, sampleRegimeReturns } from './regime-sampling.js';

/**
 * Markov regime switching on daily bars: a hidden chain s_t with K regimes and transition matrix P
 * (P[i][j] = Pr(s_{t+1} = j | s_t = i)), and close-to-close log returns r_t | s_t = k ~ N(μ_k, σ_k²), plus
 * optional per-regime compound-Poisson jumps at sampling time. Regimes are ordered by volatility: regime 0 is
 * the calmest, so labels mean the same thing across fits.
 *
 * Fit: maximum likelihood by EM (Baum-Welch with Gaussian emissions; the forward pass is Hamilton's filter)
 * from several deterministic starts, keeping the best converged one. Sample: the chain from P, then returns
 * split into an overnight and an intraday part as in `gbm`, Brownian high/low, and lognormal volume with a
 * per-regime level. Regime labels never enter the bars (they are not part of the generator contract); the
 * lower-level samplers (./regime-sampling.ts, re-exported here) can write them to a separate array for
 * diagnostics.
 *
 * Multi-asset panels are fitted and sampled asset by asset: each asset has its own chain, independent of
 * the others.
 */

/** A regime's volatility may not fall below this fraction of the overall return sd (keeps the likelihood bounded). */
const SIGMA_FLOOR_RATIO = 0.01;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

const jumpSchema = z.strictObject({
  intensity: z.number().nonnegative().describe('Expected jumps per bar (Poisson rate).'),
  mean: z.number().describe('Mean log-return of one jump.'),
  sd: z.number().nonnegative().describe('Standard deviation of the log-return of one jump.'),
});

/** Config of `regime`. Unknown keys are rejected (typos fail loudly). */
export const regimeConfigSchema = z.strictObject({
  regimes: z.number().int().min(1).max(8).default(2).describe('Number of regimes K; regime 0 is the calmest.'),
  starts: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(5)
    .describe('EM starts: the first splits the returns into K groups by |r| quantiles; the others perturb it with draws seeded by `seed`.'),
  seed: z.union([z.number().int(), z.string()]).default(0).describe('Seed of the perturbed EM starts (fitting stays a pure function of data and config).'),
  maxIter: z.number().int().min(1).default(2000).describe('Most EM iterations (E-steps) per start.'),
  tol: z
    .number()
    .positive()
    .default(1e-8)
    .describe('EM stops when the log-likelihood changes by less than this (absolute, in nats) between iterations.'),
  initialRegime: z
    .enum(['filtered', 'stationary'])
    .default('filtered')
    .describe(
      "Law of the first generated bar's regime: 'filtered' = the Hamilton-filtered regime probabilities at the last training bar, moved one step by P; 'stationary' = the stationary distribution of P.",
    ),
  jumps: z
    .array(jumpSchema)
    .optional()
    .describe(
      'Per-regime compound-Poisson jumps added to the overnight return at sampling time, one entry per regime in volatility order (entry 0 = calmest). Not fitted: Gaussian emissions cannot identify them.',
    ),
  initialPrice: z
    .number()
    .positive()
    .optional()
    .describe("Close before the first generated bar, in price units, for every asset. Default: each asset's last training close."),
});

export type RegimeConfig = z.infer<typeof regimeConfigSchema>;

/** Compound-Poisson jumps of one regime: per bar N ~ Poisson(intensity) jumps, each N(mean, sd²) in log return. */
export interface RegimeJump {
  readonly intensity: number;
  readonly mean: number;
  readonly sd: number;
}

/** Fitted parameters of one asset (plain JSON). Arrays are indexed by regime, calmest first; returns are per bar. */
export interface RegimeAssetParams {
  readonly symbol: string;
  /** K×K transition matrix, rows sum to 1: transition[i][j] = Pr(next regime j | regime i). */
  readonly transition: readonly (readonly number[])[];
  /** Mean close-to-close log return per bar in each regime. */
  readonly mu: readonly number[];
  /** Standard deviation of close-to-close log returns per bar in each regime, ascending. */
  readonly sigma: readonly number[];
  /** Stationary distribution π of the chain (πP = π, Σπ = 1). */
  readonly stationary: readonly number[];
  /** Distribution of the first generated bar's regime. */
  readonly initial: readonly number[];
  /** Jumps per regime, null where the regime has none. */
  readonly jumps: readonly (RegimeJump | null)[];
  /** Fraction in [0, 1] of the return variance that falls overnight (as in `gbm`, shared by all regimes). */
  readonly overnightShare: number;
  /** Per-regime mean and sd of ln(volume), weighted by the smoothed regime probabilities; null when every volume was 0. */
  readonly volume: { readonly logMean: readonly number[]; readonly logStd: readonly number[] } | null;
  /** Maximised log-likelihood of the training returns, in nats. */
  readonly logLikelihood: number;
  /** EM iterations (E-steps) of the chosen start. */
  readonly iterations: number;
  /** Close before the first generated bar, in price units. */
  readonly initialPrice: number;
}

export interface RegimeParams {
  readonly assets: readonly RegimeAssetParams[];
}

/** A Gaussian hidden Markov model: the initial regime law, the transition matrix and the emission parameters. */
export interface GaussianHmm {
  readonly initial: readonly number[];
  readonly transition: readonly (readonly number[])[];
  readonly mu: readonly number[];
  readonly sigma: readonly number[];
}

/** Outcome of {@link baumWelch}. */
export interface EmResult {
  /** The model at the last E-step (the one `logLikelihood` belongs to). */
  readonly model: GaussianHmm;
  readonly logLikelihood: number;
  /** Number of E-steps run. */
  readonly iterations: number;
  readonly converged: boolean;
  /** Log-likelihood at every E-step, in order (non-decreasing: EM's ascent property). */
  readonly trace: readonly number[];
  /** Smoothed probabilities Pr(s_t = k | all returns) at the last E-step, row-major n×K. */
  readonly smoothed: Float64Array;
}

/**
 * Stationary distribution π of a transition matrix (πP = π, Σπ = 1), solving (Pᵀ − I)π = 0 with the last
 * equation replaced by Σπ = 1 (Gaussian elimination with partial pivoting). For a reducible chain, where that
 * system is singular, the Cesàro average of uniform·Pⁿ over 100,000 steps is returned instead.
 *
 * @example
 * stationaryDistribution([[0.9, 0.1], [0.2, 0.8]]); // [2/3, 1/3]
 */
export function stationaryDistribution(transition: readonly (readonly number[])[]): number[] {
  const k = transition.length;
  const a = Array.from({ length: k }, (_, i) => Array.from({ length: k + 1 }, (_, j) => (j === k ? 0 : transition[j][i] - (i === j ? 1 : 0))));
  a[k - 1].fill(1);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let row = col + 1; row < k; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    if (!(Math.abs(a[pivot][col]) > 1e-12)) return cesaroStationary(transition);
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let row = 0; row < k; row++) {
      if (row === col) continue;
      const f = a[row][col] / a[col][col];
      for (let j = col; j <= k; j++) a[row][j] -= f * a[col][j];
    }
  }
  const pi = a.map((row, i) => Math.max(0, row[k] / row[i]));
  const sum = pi.reduce((s, x) => s + x, 0);
  return pi.map((x) => x / sum);
}

function cesaroStationary(transition: readonly (readonly number[])[]): number[] {
  const k = transition.length;
  let p = new Array<number>(k).fill(1 / k);
  const avg = new Array<number>(k).fill(0);
  const steps = 100_000;
  for (let s = 0; s < steps; s++) {
    const next = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) next[j] += p[i] * transition[i][j];
    p = next;
    for (let j = 0; j < k; j++) avg[j] += p[j] / steps;
  }
  return avg;
}

/** Flat working copy of a model (row-major transition) for the EM loops. */
interface FlatHmm {
  readonly k: number;
  readonly initial: Float64Array;
  readonly transition: Float64Array;
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
}

function flatten(m: GaussianHmm): FlatHmm {
  const k = m.mu.length;
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) transition[i * k + j] = m.transition[i][j];
  return { k, initial: Float64Array.from(m.initial), transition, mu: Float64Array.from(m.mu), sigma: Float64Array.from(m.sigma) };
}

function unflatten(m: FlatHmm): GaussianHmm {
  const { k } = m;
  return {
    initial: Array.from(m.initial),
    transition: Array.from({ length: k }, (_, i) => Array.from(m.transition.subarray(i * k, (i + 1) * k))),
    mu: Array.from(m.mu),
    sigma: Array.from(m.sigma),
  };
}

/**
 * Emission densities scaled per bar: e[t·K + k] = N(r_t; μ_k, σ_k²)/max_k N(r_t; μ_k, σ_k²), and
 * shift[t] = ln max_k N(r_t; μ_k, σ_k²), so far outliers cannot underflow every regime at once.
 */
function emissions(r: Float64Array, m: FlatHmm, e: Float64Array, shift: Float64Array): void {
  const { k, mu, sigma } = m;
  const norm = new Float64Array(k);
  const inv = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    norm[j] = -LOG_SQRT_2PI - Math.log(sigma[j]);
    inv[j] = 1 / sigma[j];
  }
  for (let t = 0; t < r.length; t++) {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) {
      const z = (r[t] - mu[j]) * inv[j];
      const lb = norm[j] - 0.5 * z * z;
      e[t * k + j] = lb;
      if (lb > mx) mx = lb;
    }
    for (let j = 0; j < k; j++) e[t * k + j] = Math.exp(e[t * k + j] - mx);
    shift[t] = mx;
  }
}

/**
 * Hamilton's filter: writes Pr(s_t = k | r_0..r_t) to `alpha` (row-major n×K) and the per-bar normalisers to
 * `scale`, and returns the log-likelihood Σ_t ln Pr(r_t | r_0..r_{t−1}); −∞ if some bar has zero likelihood.
 */
function forward(m: FlatHmm, e: Float64Array, shift: Float64Array, alpha: Float64Array, scale: Float64Array): number {
  const { k, initial, transition } = m;
  const n = shift.length;
  let ll = 0;
  for (let t = 0; t < n; t++) {
    let c = 0;
    for (let j = 0; j < k; j++) {
      let pred = 0;
      if (t === 0) pred = initial[j];
      else for (let i = 0; i < k; i++) pred += alpha[(t - 1) * k + i] * transition[i * k + j];
      const a = pred * e[t * k + j];
      alpha[t * k + j] = a;
      c += a;
    }
    if (!(c > 0)) return -Infinity;
    for (let j = 0; j < k; j++) alpha[t * k + j] /= c;
    scale[t] = c;
    ll += Math.log(c) + shift[t];
  }
  return ll;
}

/**
 * Regime probabilities of new returns under a fitted asset's model by Hamilton's filter: row-major n×K,
 * row t = Pr(s_t = k | r_0..r_t). The chain starts from `initial` (default: the stationary distribution).
 *
 * @example
 * const probs = filterRegimes(params.assets[0], returns); // probs[t * K + 1]: Pr(turbulent at t)
 */
export function filterRegimes(a: GaussianHmm | RegimeAssetParams, r: Float64Array, initial?: readonly number[]): Float64Array {
  const init = initial ?? ('stationary' in a ? a.stationary : stationaryDistribution(a.transition));
  const m = flatten({ initial: init, transition: a.transition, mu: a.mu, sigma: a.sigma });
  const n = r.length;
  const e = new Float64Array(n * m.k);
  const shift = new Float64Array(n);
  const alpha = new Float64Array(n * m.k);
  emissions(r, m, e, shift);
  forward(m, e, shift, alpha, new Float64Array(n));
  return alpha;
}

/**
 * EM for a Gaussian HMM from `init` (Baum-Welch: scaled forward-backward E-step, closed-form M-step). The
 * M-step sets the initial law to the first smoothed probabilities, P[i][j] ∝ Σ_t Pr(s_t = i, s_{t+1} = j | r),
 * and μ_k, σ_k² to the smoothed-probability-weighted mean and variance, with σ_k floored at `sigmaFloor` (the
 * constrained maximiser, so the likelihood still never decreases). Stops after the first E-step whose
 * log-likelihood differs from the previous one by less than `tol`, or after `maxIter` E-steps
 * (`converged: false`); a model that gives some return zero likelihood also stops with `converged: false`.
 *
 * @example
 * const em = baumWelch(returns, start, { maxIter: 500, tol: 1e-8, sigmaFloor: 1e-4 });
 * em.trace; // log-likelihood per iteration, non-decreasing
 */
export function baumWelch(r: Float64Array, init: GaussianHmm, opts: { maxIter: number; tol: number; sigmaFloor: number }): EmResult {
  const m = flatten(init);
  const { k } = m;
  const n = r.length;
  const e = new Float64Array(n * k);
  const shift = new Float64Array(n);
  const gamma = new Float64Array(n * k);
  const scale = new Float64Array(n);
  const xiSum = new Float64Array(k * k);
  const trace: number[] = [];
  let converged = false;
  let ll = -Infinity;
  for (let it = 0; it < opts.maxIter; it++) {
    // E-step: Hamilton's filter forward, then the scaled backward pass (smoothing gamma in place).
    emissions(r, m, e, shift);
    const prev = ll;
    ll = forward(m, e, shift, gamma, scale);
    trace.push(ll);
    if (ll === -Infinity) break;
    if (it > 0 && Math.abs(ll - prev) < opts.tol) {
      converged = true;
      break;
    }
    if (it + 1 === opts.maxIter) break;
    xiSum.fill(0);
    backward(m, e, scale, gamma, xiSum);
    // M-step.
    for (let j = 0; j < k; j++) m.initial[j] = gamma[j];
    for (let i = 0; i < k; i++) {
      let row = 0;
      for (let j = 0; j < k; j++) row += xiSum[i * k + j];
      if (row > 0) for (let j = 0; j < k; j++) m.transition[i * k + j] = xiSum[i * k + j] / row;
    }
    for (let j = 0; j < k; j++) {
      let w = 0;
      let s = 0;
      for (let t = 0; t < n; t++) {
        w += gamma[t * k + j];
        s += gamma[t * k + j] * r[t];
      }
      if (!(w > 0)) continue;
      const mu = s / w;
      let ss = 0;
      for (let t = 0; t < n; t++) ss += gamma[t * k + j] * (r[t] - mu) * (r[t] - mu);
      m.mu[j] = mu;
      m.sigma[j] = Math.max(Math.sqrt(ss / w), opts.sigmaFloor);
    }
  }
  // Smoothed probabilities of the model the last log-likelihood belongs to (its filter is in `gamma`).
  if (ll > -Infinity) backward(m, e, scale, gamma, null);
  return { model: unflatten(m), logLikelihood: ll, iterations: trace.length, converged, trace, smoothed: gamma };
}

/**
 * Scaled backward pass: turns the filtered probabilities in `gamma` into smoothed ones in place and, when
 * `xiSum` is given, adds Σ_t Pr(s_t = i, s_{t+1} = j | all returns) to xiSum[i·K + j].
 */
function backward(m: FlatHmm, e: Float64Array, scale: Float64Array, gamma: Float64Array, xiSum: Float64Array | null): void {
  const { k, transition } = m;
  const beta = new Float64Array(k).fill(1);
  const next = new Float64Array(k);
  for (let t = scale.length - 2; t >= 0; t--) {
    for (let j = 0; j < k; j++) next[j] = (e[(t + 1) * k + j] * beta[j]) / scale[t + 1];
    for (let i = 0; i < k; i++) {
      const at = gamma[t * k + i];
      let b = 0;
      for (let j = 0; j < k; j++) {
        const w = transition[i * k + j] * next[j];
        b += w;
        if (xiSum !== null) xiSum[i * k + j] += at * w;
      }
      beta[i] = b;
      gamma[t * k + i] = at * b;
    }
  }
}

/**
 * EM starts. Start 0 sorts the returns by |r − median| and cuts them into K equal groups (calm to wild), taking
 * each group's mean and sd (floored); P has 0.95 on the diagonal and the rest spread evenly; the initial law is
 * uniform. Start i ≥ 1 draws from `rng.fork('start-<i>')`, in this order: per regime a normal scaling σ by
 * e^{0.5·Z} and a normal shifting μ by 0.1·σ·Z, then one uniform setting the diagonal to 0.5 + 0.49·U.
 */
function startingModels(r: Float64Array, k: number, starts: number, sigmaFloor: number, rng: Rng): GaussianHmm[] {
  const med = quantile(r, 0.5);
  const order = Array.from(r.keys()).sort((a, b) => Math.abs(r[a] - med) - Math.abs(r[b] - med) || a - b);
  const mu: number[] = [];
  const sigma: number[] = [];
  for (let g = 0; g < k; g++) {
    const from = Math.floor((g * r.length) / k);
    const to = Math.floor(((g + 1) * r.length) / k);
    const group = order.slice(from, to).map((i) => r[i]);
    mu.push(group.reduce((s, x) => s + x, 0) / group.length);
    sigma.push(Math.max(std(group, 0), sigmaFloor));
  }
  const transitionWith = (diag: number): number[][] =>
    Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (k === 1 ? 1 : i === j ? diag : (1 - diag) / (k - 1))));
  const initial = new Array<number>(k).fill(1 / k);
  const out: GaussianHmm[] = [{ initial, transition: transitionWith(0.95), mu, sigma }];
  for (let s = 1; s < starts; s++) {
    const g = rng.fork(`start-${s}`);
    const sig: number[] = [];
    const m: number[] = [];
    for (let j = 0; j < k; j++) {
      sig.push(Math.max(sigma[j] * Math.exp(0.5 * g.normal()), sigmaFloor));
      m.push(mu[j] + 0.1 * sigma[j] * g.normal());
    }
    out.push({ initial, transition: transitionWith(0.5 + 0.49 * g.uniform()), mu: m, sigma: sig });
  }
  return out;
}

/**
 * Fits one asset: close-to-close log returns r, EM from every start of {@link startingModels}, and the best
 * converged start by log-likelihood. Regimes are then sorted by σ (ties by μ). σ is floored at 1% of sd(r)
 * (Gaussian mixtures have an unbounded likelihood when a regime collapses onto one value).
 *
 * Volume: per regime, the mean and sd of ln(volume) over bars with volume > 0, each weighted by the smoothed
 * probability of that regime on the bar's return. The overnight share is var(ln(open_t/close_{t−1}))/var(r),
 * clipped to [0, 1], as in `gbm`.
 *
 * @throws DataError if the bars have fewer than 10·K + 1 rows or non-positive prices.
 * @throws RlError with code `E_FIT` when no start converges within `maxIter` iterations.
 * @throws ConfigError at `jumps` when its length is not K.
 * @example
 * const a = fitRegimeAsset(bars, regimeConfigSchema.parse({ regimes: 2 })); // a.sigma[0] < a.sigma[1]
 */
export function fitRegimeAsset(bars: Bars, config: RegimeConfig): RegimeAssetParams {
  const k = config.regimes ?? 2;
  if (config.jumps !== undefined && config.jumps.length !== k) {
    throw new ConfigError('jumps', `needs one entry per regime (${k}), got ${config.jumps.length}`);
  }
  checkTrainPanel([bars], 10 * k + 1, false);
  const n = bars.length - 1;
  const r = new Float64Array(n);
  const gap = new Float64Array(n);
  for (let t = 1; t <= n; t++) {
    r[t - 1] = Math.log(bars.close[t] / bars.close[t - 1]);
    gap[t - 1] = Math.log(bars.open[t] / bars.close[t - 1]);
  }
  const sd = std(r, 0);
  const sigmaFloor = Math.max(SIGMA_FLOOR_RATIO * sd, 1e-12);
  const opts = { maxIter: config.maxIter ?? 2000, tol: config.tol ?? 1e-8, sigmaFloor };
  const starts = startingModels(r, k, config.starts ?? 5, sigmaFloor, Rng.fromSeed(`regime-fit:${config.seed ?? 0}`));
  let best: EmResult | undefined;
  let lastChange = NaN;
  for (const start of starts) {
    const em = baumWelch(r, start, opts);
    const tr = em.trace;
    if (tr.length > 1) lastChange = tr[tr.length - 1] - tr[tr.length - 2];
    if (em.converged && (best === undefined || em.logLikelihood > best.logLikelihood)) best = em;
  }
  const chosen = best;
  if (chosen === undefined) {
    throw new RlError(
      `regime fit of ${bars.symbol} did not converge: none of ${starts.length} EM starts changed the log-likelihood by less than ${opts.tol} within ${opts.maxIter} iterations (last change ${lastChange})`,
      'E_FIT',
    );
  }

  const { model } = chosen;
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => model.sigma[a] - model.sigma[b] || model.mu[a] - model.mu[b]);
  const transition = order.map((i) => order.map((j) => model.transition[i][j]));
  const smoothed = new Float64Array(n * k);
  for (let t = 0; t < n; t++) for (let j = 0; j < k; j++) smoothed[t * k + j] = chosen.smoothed[t * k + order[j]];
  const stationary = stationaryDistribution(transition);
  let initial = stationary;
  if ((config.initialRegime ?? 'filtered') === 'filtered') {
    // Filtered = smoothed at the last bar; one step of the chain gives the first generated bar's law.
    initial = order.map((_, j) => order.reduce((s, _i, i) => s + smoothed[(n - 1) * k + i] * transition[i][j], 0));
  }
  const varR = variance(r, 0);
  const params: RegimeAssetParams = {
    symbol: bars.symbol,
    transition,
    mu: order.map((j) => model.mu[j]),
    sigma: order.map((j) => model.sigma[j]),
    stationary,
    initial,
    jumps: Array.from({ length: k }, (_, j) => {
      const jump = config.jumps?.[j];
      return jump !== undefined && jump.intensity > 0 ? { intensity: jump.intensity, mean: jump.mean, sd: jump.sd } : null;
    }),
    overnightShare: varR > 0 ? Math.min(1, Math.max(0, variance(gap, 0) / varR)) : 0,
    volume: fitRegimeVolume(bars, smoothed, k),
    logLikelihood: chosen.logLikelihood,
    iterations: chosen.iterations,
    initialPrice: config.initialPrice ?? bars.close[n],
  };
  checkRegimeAssetParams(params, 0);
  return params;
}

/** Per-regime weighted mean and sd of ln(volume) (see {@link fitRegimeAsset}); bar t + 1 goes with return t. */
function fitRegimeVolume(bars: Bars, smoothed: Float64Array, k: number): RegimeAssetParams['volume'] {
  const w = new Float64Array(k);
  const s1 = new Float64Array(k);
  let any = false;
  for (let t = 1; t < bars.length; t++) {
    if (!(bars.volume[t] > 0)) continue;
    any = true;
    const lv = Math.log(bars.volume[t]);
    for (let j = 0; j < k; j++) {
      w[j] += smoothed[(t - 1) * k + j];
      s1[j] += smoothed[(t - 1) * k + j] * lv;
    }
  }
  if (!any) return null;
  const logMean: number[] = [];
  const logStd: number[] = [];
  let totalW = 0;
  let totalS = 0;
  for (let j = 0; j < k; j++) {
    totalW += w[j];
    totalS += s1[j];
  }
  for (let j = 0; j < k; j++) {
    // A regime with no weight on days with volume takes the pooled level.
    const m = w[j] > 0 ? s1[j] / w[j] : totalS / totalW;
    let ss = 0;
    let ww = 0;
    for (let t = 1; t < bars.length; t++) {
      if (!(bars.volume[t] > 0)) continue;
      const g = w[j] > 0 ? smoothed[(t - 1) * k + j] : 1;
      const d = Math.log(bars.volume[t]) - m;
      ss += g * d * d;
      ww += g;
    }
    logMean.push(m);
    logStd.push(Math.sqrt(ss / ww));
  }
  return { logMean, logStd };
}

/** Validates every asset as `sample` does; opens streams of asset 0's returns. */
function assetZeroStreams(params: RegimeParams): (rng: Rng) => RangeReturnStream {
  if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  params.assets.forEach(checkRegimeAssetParams);
  return regimeReturnStreams(params.assets[0]);
}

/**
 * The `regime` generator.
 *
 * @example
 * const params = regime.fit([trainBars], regime.configSchema.parse({ regimes: 2 }), {});
 * params.assets[0].transition; // [[p00, p01], [p10, p11]], regime 0 = calm
 * const [path] = regime.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 });
 */
export const regime = defineGenerator<RegimeConfig, RegimeParams>({
  id: 'regime',
  version: 1,
  description:
    'Markov regime switching (K Gaussian regimes ordered by volatility, optional jumps) fitted by EM (Baum-Welch, Hamilton filter), with Brownian high/low and per-regime lognormal volume.',
  configSchema: regimeConfigSchema,
  fit(train: Panel, config: RegimeConfig): RegimeParams {
    checkTrainPanel(train, 2, false);
    return { assets: train.map((bars) => fitRegimeAsset(bars, config)) };
  },
  sample(params: RegimeParams, rng: Rng, opts): Panel[] {
    return samplePanels(params.assets, checkRegimeAssetParams, rng, opts, sampleRegimePath);
  },
  /** Asset 0's returns: consecutive {@link regimeReturnStream}s; every asset's params are validated as `sample` does. */
  sampleReturns(params: RegimeParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: RegimeParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
