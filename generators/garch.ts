import { z } from 'zod';
import { ConfigError, RlError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { mean, variance } from '../src/stats/descriptive.js';
import { minimizeMultiStart } from '../src/stats/optimize.js';
import { barLogReturns, fitLogVolume, fitOvernightShare } from './bar-shape.js';
import type { LogVolumeParams } from './bar-shape.js';
import { checkGarchAssetParams, GARCH_INNOVATIONS, GARCH_MODELS, garchReturnStream, sampleGarchPath } from './garch-sampling.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { checkTrainPanel, returnsFromStreams, samplePanels } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

export { garchReturnStream, simulateGarchReturns } from './garch-sampling.js';

/**
 * GARCH(1,1) and GJR-GARCH(1,1,1) with a constant mean, on daily bars.
 *
 * Model, on percent log returns y_t = 100·ln(close_t/close_{t−1}) (the scaling the `arch` package
 * recommends, which keeps ω and the likelihood well conditioned):
 *
 *     y_t = μ + e_t,   e_t = σ_t·z_t,   z_t iid with mean 0 and variance 1 (normal, or Student-t scaled to unit variance)
 *     σ²_t = ω + (α + γ·[e_{t−1} < 0])·e²_{t−1} + β·σ²_{t−1}       (γ = 0 for plain GARCH)
 *
 * with ω > 0, α ≥ 0, α + γ ≥ 0, β ≥ 0 and persistence α + γ/2 + β < 1 (covariance stationarity for
 * symmetric z). The unconditional variance is ω / (1 − persistence).
 *
 * Fit: maximum likelihood with `arch`'s conventions, so fits can be compared with arch_model(100·r,
 * mean='Constant', vol='GARCH').fit(). The recursion starts from the backcast σ²_0 = Σ_{j<τ} w_j·ê²_j
 * over the first τ = min(75, n) residuals of the sample mean, w_j ∝ 0.94^j normalised to sum 1, which
 * stands in for both e²_0 and σ²_0 (and for the asymmetric term, γ·σ²_0/2). The Gaussian log-likelihood is
 * −½·Σ_t (ln 2π + ln σ²_t + e²_t/σ²_t). The optimiser is multi-start Nelder-Mead (src/stats/optimize.ts)
 * from the best few points of arch's starting grid.
 *
 * Sample: per path, the recursion starts at the unconditional variance (default; `initialVariance:
 * 'last'` starts from the one-step forecast after the last training bar) and returns are divided by 100
 * again. Bars are built as `gbm` builds them: the day's innovation is split into independent overnight and
 * intraday parts with the fitted overnight share, high and low are Brownian extremes of the intraday leg.
 * Volume is lognormal with ln(volume) rising linearly in ln σ_t (elasticity fitted by constrained least
 * squares on the training bars, ≥ 0), so volume is higher on volatile days; `volume: 'iid'` switches that off.
 *
 * Assets of a panel are fitted and sampled independently. The samplers (bars, and returns only as a stream or
 * an array) live in ./garch-sampling.ts; the returns-only ones are re-exported here.
 */

/** Config of `garch`. Fixed values are held in the MLE, which then fits only the others. */
export const garchConfigSchema = z
  .strictObject({
    model: z.enum(GARCH_MODELS).default('garch').describe("'garch': GARCH(1,1); 'gjr': GJR-GARCH(1,1,1) with a leverage term γ on negative shocks."),
    innovations: z.enum(GARCH_INNOVATIONS).default('normal').describe("Distribution of z_t: 'normal', or 't' (Student-t scaled to unit variance, ν fitted)."),
    initialVariance: z
      .enum(['unconditional', 'last'])
      .default('unconditional')
      .describe("Variance of the first generated return: the unconditional ω/(1 − persistence), or 'last', the forecast after the last training bar."),
    volume: z
      .enum(['volatility', 'iid'])
      .default('volatility')
      .describe("'volatility': ln(volume) rises with ln σ_t (fitted elasticity ≥ 0); 'iid': lognormal volume independent of volatility."),
    mu: z.number().optional().describe('Fix the mean return, in percent per bar (100·log return). Default: fitted.'),
    omega: z.number().positive().optional().describe('Fix ω, in percent² per bar. Default: fitted.'),
    alpha: z.number().min(0).max(1).optional().describe('Fix α (ARCH coefficient, ≥ 0). Default: fitted.'),
    gamma: z.number().min(-1).max(2).optional().describe("Fix γ (leverage coefficient, model 'gjr' only, α + γ ≥ 0). Default: fitted."),
    beta: z.number().min(0).max(1).optional().describe('Fix β (GARCH coefficient, ≥ 0). Default: fitted.'),
    nu: z.number().gt(2).max(500).optional().describe("Fix ν, the Student-t degrees of freedom (> 2, innovations 't' only). Default: fitted."),
    initialPrice: z.number().positive().optional().describe("Close before the first generated bar, in price units. Default: each asset's last training close."),
  })
  .superRefine((c, ctx) => {
    const issue = checkFixed(c);
    if (issue) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

export type GarchConfig = z.infer<typeof garchConfigSchema>;

/** Fitted parameters of one asset (plain JSON). μ and ω are in percent units: returns are 100·ln(P_t/P_{t−1}). */
export interface GarchAssetParams {
  readonly symbol: string;
  readonly model: 'garch' | 'gjr';
  readonly innovations: 'normal' | 't';
  /** Mean of the percent log return per bar. */
  readonly mu: number;
  /** Variance intercept, percent² per bar (> 0). */
  readonly omega: number;
  readonly alpha: number;
  /** Leverage coefficient (0 for model 'garch'). */
  readonly gamma: number;
  readonly beta: number;
  /** Student-t degrees of freedom (> 2); null for normal innovations. */
  readonly nu: number | null;
  /** Which variance the first generated return has (see the config key). */
  readonly initialVariance: 'unconditional' | 'last';
  /** σ² forecast for the bar after the last training bar, percent². */
  readonly lastVariance: number;
  /** Fraction in [0, 1] of each day's variance that falls overnight (close → open). */
  readonly overnightShare: number;
  /** ln(volume) = logMean + elasticity·ln(σ_t/σ̄) + logStd·N(0, 1), σ̄² the unconditional variance; null without volume. */
  readonly volume: LogVolumeParams | null;
  /** Close before the first generated bar, in price units. */
  readonly initialPrice: number;
  /** The fit: maximised log-likelihood (of the percent returns), observations, backcast (percent²), and every distinct local optimum's log-likelihood, best first. */
  readonly fit: { readonly loglik: number; readonly nobs: number; readonly backcast: number; readonly localOptima: readonly number[] };
}

export interface GarchParams {
  readonly assets: readonly GarchAssetParams[];
}

// ---------------------------------------------------------------------------------------------------
// Likelihood

/** Parameter vector layout used by the likelihood: [μ, ω, α, γ, β, ν]. */
const KEYS = ['mu', 'omega', 'alpha', 'gamma', 'beta', 'nu'] as const;
type Key = (typeof KEYS)[number];

/**
 * arch's backcast: Σ_{j<τ} w_j·e²_j with τ = min(75, n) and w_j = 0.94^j / Σ_k 0.94^k.
 *
 * @example
 * garchBackcast(y.map((v) => v - mean(y))); // σ²_0 for the recursion
 */
export function garchBackcast(resid: ArrayLike<number>): number {
  const tau = Math.min(75, resid.length);
  let wsum = 0;
  let s = 0;
  for (let j = 0, w = 1; j < tau; j++, w *= 0.94) {
    wsum += w;
    s += w * resid[j] * resid[j];
  }
  return s / wsum;
}

/**
 * Log-likelihood of percent returns `y` under GARCH/GJR with the given parameters and backcast, or −∞ when
 * the parameters violate the constraints. Normal: −½Σ(ln 2π + ln σ²_t + e²_t/σ²_t). Standardised t with ν
 * degrees of freedom: Σ[lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ln(π(ν−2)) − ½ln σ²_t − (ν+1)/2·ln(1 + e²_t/(σ²_t(ν−2)))].
 * When `sigma2` is given it receives σ²_t for every t, plus the forecast σ²_{n+1} is returned in `next`.
 *
 * @example
 * garchLogLik(y, garchBackcast(resid), { mu: 0.05, omega: 0.02, alpha: 0.1, gamma: 0, beta: 0.88, nu: null });
 */
export function garchLogLik(
  y: ArrayLike<number>,
  backcast: number,
  p: { readonly mu: number; readonly omega: number; readonly alpha: number; readonly gamma: number; readonly beta: number; readonly nu: number | null },
  sigma2?: Float64Array,
): { loglik: number; next: number } {
  const { mu, omega, alpha, gamma, beta, nu } = p;
  const persistence = alpha + 0.5 * gamma + beta;
  const feasible = omega > 0 && alpha >= 0 && alpha + gamma >= 0 && beta >= 0 && persistence < 1 && (nu === null || nu > 2) && Number.isFinite(mu);
  if (!feasible) return { loglik: -Infinity, next: NaN };
  const n = y.length;
  let h = omega + persistence * backcast;
  let s = 0;
  if (nu === null) {
    for (let t = 0; t < n; t++) {
      const e = y[t] - mu;
      s += Math.log(h) + (e * e) / h;
      if (sigma2) sigma2[t] = h;
      h = omega + (e < 0 ? alpha + gamma : alpha) * e * e + beta * h;
    }
    return { loglik: -0.5 * (n * Math.log(2 * Math.PI) + s), next: h };
  }
  const k = 1 / (nu - 2);
  for (let t = 0; t < n; t++) {
    const e = y[t] - mu;
    s += Math.log(h) + (nu + 1) * Math.log1p((e * e * k) / h);
    if (sigma2) sigma2[t] = h;
    h = omega + (e < 0 ? alpha + gamma : alpha) * e * e + beta * h;
  }
  const c = lnGamma((nu + 1) / 2) - lnGamma(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2));
  return { loglik: n * c - 0.5 * s, next: h };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-14). */
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const xm = x - 1;
  let a = LANCZOS[0];
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

// ---------------------------------------------------------------------------------------------------
// Fit

/** The first constraint the fixed config values break, or undefined. */
function checkFixed(c: Partial<Record<Key, number>> & { model?: string; innovations?: string }): { path: string; message: string } | undefined {
  const model = c.model ?? 'garch';
  if (c.gamma !== undefined && model !== 'gjr') return { path: 'gamma', message: "γ is only used by model 'gjr'" };
  if (c.nu !== undefined && (c.innovations ?? 'normal') !== 't') return { path: 'nu', message: "ν is only used by innovations 't'" };
  if (c.alpha !== undefined && c.gamma !== undefined && c.alpha + c.gamma < 0) return { path: 'gamma', message: `α + γ must be ≥ 0, got ${c.alpha + c.gamma}` };
  const persistence = (c.alpha ?? 0) + 0.5 * Math.max(0, c.gamma ?? 0) + (c.beta ?? 0);
  if (persistence >= 1) {
    const key = c.beta !== undefined ? 'beta' : c.alpha !== undefined ? 'alpha' : 'gamma';
    return { path: key, message: `α + γ/2 + β = ${persistence} ≥ 1: the model is not covariance-stationary` };
  }
  return undefined;
}

/**
 * Maximum-likelihood GARCH/GJR parameters of one asset (the variance part of {@link GarchAssetParams} plus
 * the fit record), on percent returns `y`. Config values that are set are held fixed.
 *
 * @throws ConfigError when fixed values break a constraint (naming the key).
 * @throws RlError (E_FIT) when the returns have no variance or the optimiser does not converge.
 * @example
 * const p = fitGarchReturns(y, garchConfigSchema.parse({ model: 'gjr' }));
 */
export function fitGarchReturns(
  y: Float64Array,
  config: GarchConfig,
): Pick<GarchAssetParams, Key | 'model' | 'innovations' | 'lastVariance' | 'fit'> {
  const issue = checkFixed(config);
  if (issue) throw new ConfigError(issue.path, issue.message);
  const n = y.length;
  const ybar = mean(y);
  const v = variance(y, 0);
  if (!(v > 0) || !Number.isFinite(v)) throw new RlError(`garch fit failed: the ${n} training returns have no variance`, 'E_FIT');
  const backcast = garchBackcast(y.map((x) => x - ybar));
  const tDist = config.innovations === 't';
  const gjr = config.model === 'gjr';

  // Which coordinates of [μ, ω, α, γ, β, ν] are free; bounds in the same layout.
  const used: Record<Key, boolean> = { mu: true, omega: true, alpha: true, gamma: gjr, beta: true, nu: tDist };
  const fixed: Record<Key, number | undefined> = { mu: config.mu, omega: config.omega, alpha: config.alpha, gamma: gjr ? config.gamma : 0, beta: config.beta, nu: tDist ? config.nu : undefined };
  const free = KEYS.map((_, i) => i).filter((i) => used[KEYS[i]] && fixed[KEYS[i]] === undefined);
  const sd = Math.sqrt(v);
  const lower = [ybar - 10 * sd, v * 1e-8, 0, -1, 0, 2.05];
  const upper = [ybar + 10 * sd, 10 * v, 1, 2, 1, 500];
  const step = [0.05 * sd, 0, 0.05, 0.05, 0.05, 2];
  const full = new Float64Array(6);
  const unpack = (x: ArrayLike<number>): { mu: number; omega: number; alpha: number; gamma: number; beta: number; nu: number | null } => {
    for (let i = 0; i < 6; i++) full[i] = fixed[KEYS[i]] ?? 0;
    for (let k = 0; k < free.length; k++) full[free[k]] = x[k];
    return { mu: full[0], omega: full[1], alpha: full[2], gamma: full[3], beta: full[4], nu: tDist ? full[5] : null };
  };
  const nll = (x: ArrayLike<number>): number => -garchLogLik(y, backcast, unpack(x)).loglik;

  // arch's starting grid (α, γ over {0.01, 0.05, 0.1, 0.2}, persistence over {0.5, 0.7, 0.9, 0.98},
  // ω matching the sample variance), plus ν over {5, 8, 20}; the best few grid points start the search.
  const grid: number[][] = [];
  for (const a of [0.01, 0.05, 0.1, 0.2]) {
    for (const g of gjr ? [0.01, 0.05, 0.1, 0.2] : [0]) {
      for (const pers of [0.5, 0.7, 0.9, 0.98]) {
        for (const nu of tDist ? [5, 8, 20] : [0]) {
          const point = [ybar, v * (1 - pers), a, g, pers - a - g / 2, nu];
          if (point[4] < 0) continue;
          grid.push(free.map((i) => fixed[KEYS[i]] ?? point[i]));
        }
      }
    }
  }
  let loglik: number;
  let localOptima: number[];
  let params: ReturnType<typeof unpack>;
  if (free.length === 0) {
    params = { ...unpack([]) };
    loglik = -nll([]);
    localOptima = [loglik];
    if (!Number.isFinite(loglik)) throw new RlError('garch fit failed: the fixed parameters give no finite likelihood', 'E_FIT');
  } else {
    const scored = grid.map((x) => ({ x, f: nll(x) })).filter((s) => Number.isFinite(s.f));
    scored.sort((a, b) => a.f - b.f);
    const starts = scored.slice(0, 4).map((s) => s.x);
    if (starts.length === 0) throw new RlError('garch fit failed: the likelihood is not finite at any starting point', 'E_FIT');
    const result = minimizeMultiStart(nll, starts, {
      lower: free.map((i) => lower[i]),
      upper: free.map((i) => upper[i]),
      initialStep: free.map((i) => (i === 1 ? 0.5 * starts[0][free.indexOf(1)] : step[i])),
      xtol: 1e-8,
      ftol: 1e-12,
    });
    if (!result.converged || !Number.isFinite(result.fx)) {
      throw new RlError(`garch fit did not converge (${result.message}); best log-likelihood ${-result.fx}`, 'E_FIT');
    }
    params = { ...unpack(result.x) };
    loglik = -result.fx;
    localOptima = result.optima.map((o) => -o.fx);
  }
  const { next } = garchLogLik(y, backcast, params);
  return {
    model: config.model,
    innovations: config.innovations,
    ...params,
    lastVariance: next,
    fit: { loglik, nobs: n, backcast, localOptima },
  };
}

/**
 * Fits one asset: the MLE on its percent close-to-close log returns, the overnight share, and lognormal
 * volume (regressed on ½·ln(σ²_t/σ̄²) for `volume: 'volatility'`, bar t paired with the conditional
 * variance of its own return).
 *
 * @throws DataError for unusable bars (fewer than 30, non-positive prices); ConfigError / RlError (E_FIT) as {@link fitGarchReturns}.
 * @example
 * const a = fitGarchAsset(bars, garchConfigSchema.parse({ innovations: 't' }));
 */
export function fitGarchAsset(bars: Bars, config: GarchConfig): GarchAssetParams {
  checkTrainPanel([bars], MIN_BARS, false);
  const { r } = barLogReturns(bars);
  const y = r.map((x) => 100 * x);
  const core = fitGarchReturns(y, config);
  let volume: LogVolumeParams | null;
  if (config.volume === 'volatility') {
    const sigma2 = new Float64Array(y.length);
    garchLogLik(y, core.fit.backcast, core, sigma2);
    const hBar = core.omega / (1 - core.alpha - 0.5 * core.gamma - core.beta);
    const x = new Float64Array(bars.length).fill(NaN);
    for (let t = 1; t < bars.length; t++) x[t] = 0.5 * Math.log(sigma2[t - 1] / hBar);
    volume = fitLogVolume(bars, x);
  } else {
    volume = fitLogVolume(bars);
  }
  const params: GarchAssetParams = {
    symbol: bars.symbol,
    ...core,
    initialVariance: config.initialVariance,
    overnightShare: fitOvernightShare(bars),
    volume,
    initialPrice: config.initialPrice ?? bars.close[bars.length - 1],
  };
  checkGarchAssetParams(params, 0);
  return params;
}

/** Fewest training bars a fit accepts: below this the variance dynamics are not identified. */
export const MIN_BARS = 30;

/** Validates every asset as `sample` does; opens streams of asset 0's returns. */
function assetZeroStreams(params: GarchParams): (rng: Rng) => RangeReturnStream {
  if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  params.assets.forEach(checkGarchAssetParams);
  const a = params.assets[0];
  return (rng) => garchReturnStream(a, rng);
}

/**
 * The `garch` generator.
 *
 * @example
 * const params = garch.fit([trainBars], garch.configSchema.parse({ model: 'gjr', innovations: 't' }), {});
 * const [path] = garch.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 }); // path[0]: one year of bars
 */
export const garch = defineGenerator<GarchConfig, GarchParams>({
  id: 'garch',
  version: 1,
  description: 'GARCH(1,1) or GJR-GARCH(1,1,1), normal or Student-t innovations, fitted by MLE (arch conventions), with Brownian OHLC and volatility-linked lognormal volume.',
  configSchema: garchConfigSchema,
  fit(train: Panel, config: GarchConfig): GarchParams {
    checkTrainPanel(train, MIN_BARS, false);
    return { assets: train.map((bars) => fitGarchAsset(bars, config)) };
  },
  sample(params: GarchParams, rng: Rng, opts): Panel[] {
    return samplePanels(params.assets, checkGarchAssetParams, rng, opts, sampleGarchPath);
  },
  /** Asset 0's returns: consecutive {@link garchReturnStream}s; every asset's params are validated as `sample` does. */
  sampleReturns(params: GarchParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: GarchParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
