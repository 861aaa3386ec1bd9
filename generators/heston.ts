import { z } from 'zod';
import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { autocorrelation, mean, std, variance } from '../src/stats/descriptive.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { checkHestonAssetParams, checkSubsteps, hestonReturnStream, sampleHestonPath } from './heston-sampling.js';
import { allocPanel, checkTrainPanel, returnsFromStreams, sampleTimes } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

export { hestonReturnStream, sampleHestonPath, sampleHestonReturns } from './heston-sampling.js';

/**
 * Heston stochastic volatility on daily bars, one bar = one unit of time (dt = 1 per bar):
 *
 *   dS/S = μ dt + √v dW₁,   dv = κ(θ − v) dt + ξ √v dW₂,   d⟨W₁, W₂⟩ = ρ dt.
 *
 * v is the instantaneous variance of log returns per bar, so θ is the long-run daily variance (≈ σ²_daily).
 *
 * **Discretisation.** Each bar is split into `substeps` sub-steps: the first covers the overnight gap and has
 * length s (the fitted overnight share of the return variance), the other substeps − 1 split the trading day
 * evenly, (1 − s)/(substeps − 1) each. Over a sub-step of length h the variance follows the full-truncation
 * Euler scheme (Lord, Koekkoek & van Dijk 2010) and the log price the exact-in-log form, both with
 * v⁺ = max(v, 0):
 *
 *   x ← x + (μ − v⁺/2)·h + √(v⁺·h)·Z₁,   v ← v + κ(θ − v⁺)·h + ξ·√(v⁺·h)·Z₂,   Z₂ = ρZ₁ + √(1 − ρ²)·Z⊥.
 *
 * With `substeps: 1` a bar is a single step of length 1 (h = 1, the plain one-step-per-bar Euler scheme) and the
 * overnight/intraday split is made afterwards, see **Bars**.
 *
 * v itself may dip below zero between sub-steps, but every variance the scheme *uses* (drift, diffusion and
 * price) is v⁺ ≥ 0. In stationarity E[v_{n+1}] = E[v_n] forces E[v⁺] = θ exactly (dt-weighted over a bar's
 * sub-steps), whatever the step, so the long-run mean of the used variance is θ.
 *
 * **Bars.** open = prevClose·e^(overnight sub-step), close = open·e^(sum of the intraday sub-steps). The high
 * and the low are the largest and smallest Brownian-bridge extremes over the intraday sub-steps, each drawn
 * exactly for its sub-step's increment and variance v⁺·h (`brownianMax`, `brownianMin` in ./ohlc.ts). Volume is
 * lognormal scaled by the square root of the day's variance: volume = exp(logMean + logStd·Z)·√(I/θ) with
 * I = Σ v⁺·h over the bar's sub-steps (the day's integrated variance), so busy days are volatile days.
 * With one sub-step the bar's increment (μ − v⁺/2) + √v⁺·Z₁ is split as `garch` splits its shock: a share s of
 * the drift and of the variance overnight, by a rotation of Z₁ with an extra normal U, so the close-to-close
 * return is exactly the one-step increment; high and low are Brownian extremes of the intraday part
 * (variance v⁺·(1 − s)) and I = v⁺.
 *
 * **Fit.** Method of moments on a realised-variance proxy (rolling means of squared returns), see
 * {@link fitHestonAsset} for the moment equations and their approximations.
 *
 * The samplers (bars, and returns only as a stream or an array) live in ./heston-sampling.ts and are re-exported here.
 *
 * Multi-asset panels are fitted and sampled asset by asset, independently.
 */

/** Bounds on the fitted mean-reversion speed κ, per bar: half-lives from 0.69 bars to ≈ 6,900 bars. */
const KAPPA_MIN = 1e-4;
const KAPPA_MAX = 1;
/** Fewest training bars the moment fit accepts, whatever the window (it needs covariances of a noisy proxy). */
const MIN_TRAIN_BARS = 20;

/** Config of `heston`. Unknown keys are rejected (typos fail loudly). */
export const hestonConfigSchema = z.strictObject({
  substeps: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(4)
    .describe(
      'Sub-steps per bar: the first is the overnight gap (length = the fitted overnight share), the other substeps − 1 split the trading day evenly. More sub-steps: smaller discretisation error and finer high/low, slower sampling. 1: one Euler step per bar, split into overnight and intraday parts afterwards.',
    ),
  window: z
    .number()
    .int()
    .min(1)
    .max(250)
    .default(10)
    .describe(
      'Bars per window of the variance proxy (the mean of squared demeaned returns over w bars). κ comes from the decay between adjacent windows, so w near 1/(2κ) is most precise; 10 bars suits daily equity data (κ ≈ 0.05).',
    ),
  requireFeller: z
    .boolean()
    .default(false)
    .describe('When true, fitting fails with a ConfigError if the fitted parameters violate the Feller condition 2κθ ≥ ξ² (variance can then touch 0).'),
  initialVariance: z
    .number()
    .nonnegative()
    .optional()
    .describe('Variance per bar at the start of the first generated bar, for every asset. Default: the filtered variance at the end of the training data.'),
  initialPrice: z
    .number()
    .positive()
    .optional()
    .describe("Close before the first generated bar, in price units, for every asset. Default: each asset's last training close."),
});

export type HestonConfig = z.infer<typeof hestonConfigSchema>;

/** Fitted parameters of one asset (plain JSON). Time unit: one bar; returns are natural-log returns. */
export interface HestonAssetParams {
  readonly symbol: string;
  /** Drift of dS/S per bar; log returns then have mean μ − θ/2. */
  readonly mu: number;
  /** Mean-reversion speed of the variance, per bar (half-life ln 2/κ bars). */
  readonly kappa: number;
  /** Long-run variance of log returns per bar (θ = 1e-4 is a 1% daily volatility). */
  readonly theta: number;
  /** Volatility of variance, per √bar. */
  readonly xi: number;
  /** Correlation of the price and variance shocks, in [−1, 1] (negative: the leverage effect). */
  readonly rho: number;
  /** Variance per bar at the start of the first generated bar (≥ 0). */
  readonly v0: number;
  /** Whether 2κθ ≥ ξ² (the Feller condition: the continuous-time variance never reaches 0). */
  readonly feller: boolean;
  /** Parameters the fit moved to a bound of their valid domain (e.g. `['kappa']`); empty when none was clamped. */
  readonly clamped: readonly string[];
  /** Fraction in [0, 1] of the return variance that falls overnight: var(ln(open_t/close_{t−1})) / var(r). */
  readonly overnightShare: number;
  /** ln(volume) = logMean + logStd·Z + ln√(I/θ); null when every training volume was 0. */
  readonly volume: { readonly logMean: number; readonly logStd: number } | null;
  /** Close before the first generated bar, in price units. */
  readonly initialPrice: number;
}

export interface HestonParams {
  /** Sub-steps per bar (≥ 1), see {@link hestonConfigSchema}. */
  readonly substeps: number;
  readonly assets: readonly HestonAssetParams[];
}

/**
 * Autocovariance of w-bar means of the integrated variance when v is a stationary CIR process with
 * Var v = V: Cov(Ī_t, Ī_{t+kw}) = V·B_w(κ)·e^{−κw(k−1)} for k ≥ 1, with B_w(κ) = ((1 − e^{−κw})/(κw))²
 * (integrate V·e^{−κ|u−s|} over two disjoint windows of length w, k − 1 windows apart, and divide by w²).
 */
function windowCovFactor(kappa: number, w: number): number {
  const e = Math.expm1(-kappa * w) / (kappa * w);
  return e * e;
}

/** Variance of a one-bar integrated variance, Var I = V·a(κ) with a(κ) = 2(κ − 1 + e^{−κ})/κ². */
function dayVarFactor(kappa: number): number {
  return (2 * (kappa + Math.expm1(-kappa))) / (kappa * kappa);
}

/**
 * Method-of-moments Heston parameters of one asset, from a realised-variance proxy: p_t = (r_t − r̄)², the
 * squared demeaned close-to-close log return, and its rolling mean over w = `window` bars,
 * q_t = (p_t + … + p_{t+w−1})/w. The approximation, precisely:
 *
 * 1. p_t = I_t + e_t, where I_t = ∫ v over bar t (the day's integrated variance) and the measurement noise
 *    e_t has E[e_t | v] = 0 and is uncorrelated across bars and with the variance of other bars. Exact for
 *    r_t | v ~ N(m, I_t) up to the neglected −I_t/2 drift and the sampling error of r̄; nothing is assumed
 *    about the noise's size, so fat-tailed real returns do not bias κ or ξ.
 * 2. v is a stationary CIR process: E v = θ, Var v = V = θξ²/(2κ), Cov(v_s, v_u) = V·e^{−κ|u−s|}. Adjacent
 *    and next-but-one non-overlapping windows then have Cov(q_t, q_{t+w}) = C₁ = V·B_w(κ) and
 *    Cov(q_t, q_{t+2w}) = C₂ = C₁·e^{−κw}, with B_w(κ) = ((1 − e^{−κw})/(κw))²; the noise drops out of both.
 * 3. Hence θ = mean(p); e^{−κw} = C₂/C₁ is the AR(1) coefficient of the w-bar mean variance, so
 *    κ = −ln(C₂/C₁)/w; V = C₁/B_w(κ); ξ = √(2κV/θ) (from Var v = θξ²/(2κ)). The plain lag-1
 *    autocorrelation of p would mix the noise in (it is attenuated by Var I/Var p, about a third for Gaussian
 *    days), which is why the ratio of two noise-free covariances is used.
 * 4. Leverage: for k ≥ 1, Cov(r_t, I_{t+k}) = (ρξθ − V/2)·b·e^{−κ(k−1)} with b = ((1 − e^{−κ})/κ)², exact for
 *    the CIR solution (day t's price shock moves later variance through dW₂; −V/2 is the −I_t/2 drift). Summed
 *    over the next window, L = Cov(r_t, p_{t+1} + … + p_{t+w}) = (ρξθ − V/2)·b·(1 − e^{−κw})/(1 − e^{−κ}), so
 *    ρ = (L/(b·(1 − e^{−κw})/(1 − e^{−κ})) + V/2)/(ξθ), the correlation of the price and variance shocks.
 * 5. μ = r̄ + θ/2 (log returns have mean μ − θ/2).
 *
 * Covariances use denominator n (descriptive.ts `autocorrelation`). Clamps: κ to [1e-4, 1] per bar (when
 * C₂ ≥ C₁ or C₂ ≤ 0); ξ = 0, κ = 1 and ρ = 0 when the proxy shows no persistent variance (C₁ ≤ 0) or θ = 0;
 * ρ to [−1, 1]. Clamped names go to `clamped`. v0 is the variance at the end of the training data from a
 * Kalman filter of p under an AR(1) approximation of daily v (coefficient e^{−κ}, innovation variance
 * V(1 − e^{−2κ}), observation noise Var p − V·a(κ), where V·a(κ) = Var I). Volume follows
 * ln volume_t = logMean + ½·ln(v_t/θ) + logStd·Z: logMean and logStd are the mean and standard deviation
 * (MLE) of ln volume_t − ½·ln(v̂_t/θ) over bars with volume > 0, with v̂_t the same filter's variance for
 * bar t floored at 1e-4·θ (bar 0, which has no return, uses θ).
 *
 * @throws DataError if the bars have fewer than max(20, 4·window + 2) rows or non-positive prices.
 * @throws ConfigError at `requireFeller` when it is set and 2κθ < ξ².
 * @example
 * const a = fitHestonAsset(bars, hestonConfigSchema.parse({})); // a.kappa, a.theta, a.xi, a.rho per bar
 */
export function fitHestonAsset(bars: Bars, config: HestonConfig): HestonAssetParams {
  const w = config.window ?? 10;
  if (!(Number.isInteger(w) && w >= 1)) throw new ConfigError('window', `must be an integer ≥ 1, got ${w}`);
  checkTrainPanel([bars], Math.max(MIN_TRAIN_BARS, 4 * w + 2), false);
  const n = bars.length - 1;
  const r = new Float64Array(n);
  const gap = new Float64Array(n);
  for (let t = 1; t <= n; t++) {
    r[t - 1] = Math.log(bars.close[t] / bars.close[t - 1]);
    gap[t - 1] = Math.log(bars.open[t] / bars.close[t - 1]);
  }
  const rBar = mean(r);
  const p = r.map((x) => (x - rBar) * (x - rBar));
  const theta = mean(p);
  const q = rollingMean(p, w);
  const varQ = variance(q, 0);
  const c1 = varQ > 0 ? autocorrelation(q, w) * varQ : 0;
  const c2 = varQ > 0 ? autocorrelation(q, 2 * w) * varQ : 0;
  let lev = 0;
  for (let t = 0; t + w < n; t++) lev += (r[t] - rBar) * w * (q[t + 1] - theta);
  lev /= n;

  const clamped: string[] = [];
  let kappa = KAPPA_MAX;
  let xi = 0;
  let rho = 0;
  let bigV = 0;
  if (theta > 0 && c1 > 0) {
    kappa = c2 > 0 ? -Math.log(c2 / c1) / w : Infinity;
    if (!(kappa >= KAPPA_MIN && kappa <= KAPPA_MAX)) {
      kappa = kappa < KAPPA_MIN ? KAPPA_MIN : KAPPA_MAX;
      clamped.push('kappa');
    }
    bigV = c1 / windowCovFactor(kappa, w);
    xi = Math.sqrt((2 * kappa * bigV) / theta);
    const b = windowCovFactor(kappa, 1);
    const decaySum = Math.expm1(-kappa * w) / Math.expm1(-kappa);
    rho = (lev / (b * decaySum) + 0.5 * bigV) / (xi * theta);
    if (!(rho >= -1 && rho <= 1)) {
      rho = rho > 0 ? 1 : -1;
      clamped.push('rho');
    }
  } else {
    clamped.push('kappa', 'xi', 'rho');
  }
  const feller = 2 * kappa * theta >= xi * xi;
  if (config.requireFeller && !feller) {
    throw new ConfigError(
      'requireFeller',
      `the fitted parameters of ${bars.symbol} violate the Feller condition 2κθ ≥ ξ² (2κθ = ${2 * kappa * theta}, ξ² = ${xi * xi})`,
    );
  }

  const varR = variance(r, 0);
  const share = varR > 0 ? Math.min(1, Math.max(0, variance(gap, 0) / varR)) : 0;
  const noise = variance(p, 0) - bigV * dayVarFactor(kappa);
  const filtered = filteredVariance(p, kappa, theta, bigV, noise);
  const params: HestonAssetParams = {
    symbol: bars.symbol,
    mu: rBar + 0.5 * theta,
    kappa,
    theta,
    xi,
    rho,
    v0: config.initialVariance ?? filtered[n - 1],
    feller,
    clamped,
    overnightShare: share,
    volume: fitVolume(bars, filtered, theta),
    initialPrice: config.initialPrice ?? bars.close[bars.length - 1],
  };
  checkHestonAssetParams(params, 0);
  return params;
}

/** Means of x over every run of w consecutive values: out[i] = (x_i + … + x_{i+w−1})/w, length n − w + 1. */
function rollingMean(x: Float64Array, w: number): Float64Array {
  const out = new Float64Array(x.length - w + 1);
  let acc = 0;
  for (let t = 0; t < x.length; t++) {
    acc += x[t];
    if (t >= w) acc -= x[t - w];
    if (t >= w - 1) out[t - w + 1] = acc / w;
  }
  return out;
}

/**
 * Kalman-filtered variance of every bar of the proxy p (AR(1) approximation, see {@link fitHestonAsset}),
 * each ≥ 0; all θ when the variance does not move (V = 0).
 */
function filteredVariance(p: Float64Array, kappa: number, theta: number, bigV: number, noise: number): Float64Array {
  const out = new Float64Array(p.length).fill(theta);
  if (!(bigV > 0)) return out;
  const phi = Math.exp(-kappa);
  const q = bigV * (1 - phi * phi);
  const obsVar = Math.max(noise, 1e-6 * bigV);
  let x = 0;
  let pv = bigV;
  for (let t = 0; t < p.length; t++) {
    const pred = phi * x;
    const predVar = phi * phi * pv + q;
    const gain = predVar / (predVar + obsVar);
    x = pred + gain * (p[t] - theta - pred);
    pv = (1 - gain) * predVar;
    out[t] = Math.max(0, theta + x);
  }
  return out;
}

/**
 * Lognormal volume with the variance scaling removed (see {@link fitHestonAsset}); null when every volume is 0.
 * `filtered[t − 1]` is the filtered variance of bar t.
 */
function fitVolume(bars: Bars, filtered: Float64Array, theta: number): HestonAssetParams['volume'] {
  let positive = 0;
  for (let t = 0; t < bars.length; t++) if (bars.volume[t] > 0) positive++;
  if (positive === 0) return null;
  const adjusted = new Float64Array(positive);
  const floor = 1e-4 * theta;
  for (let t = 0, k = 0; t < bars.length; t++) {
    if (!(bars.volume[t] > 0)) continue;
    const v = t === 0 ? theta : Math.max(filtered[t - 1], floor);
    adjusted[k++] = Math.log(bars.volume[t]) - (theta > 0 ? 0.5 * Math.log(v / theta) : 0);
  }
  return { logMean: mean(adjusted), logStd: std(adjusted, 0) };
}

/** Validates the sub-steps and every asset as `sample` does; opens streams of asset 0's returns. */
function assetZeroStreams(params: HestonParams): (rng: Rng) => RangeReturnStream {
  checkSubsteps(params.substeps);
  if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  params.assets.forEach(checkHestonAssetParams);
  const { substeps, assets } = params;
  return (rng) => hestonReturnStream(assets[0], substeps, rng);
}

/**
 * The `heston` generator.
 *
 * @example
 * const params = heston.fit([trainBars], heston.configSchema.parse({}), {});
 * params.assets[0].feller; // whether 2κθ ≥ ξ²
 * const [path] = heston.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 });
 */
export const heston = defineGenerator<HestonConfig, HestonParams>({
  id: 'heston',
  version: 1,
  description:
    'Heston stochastic volatility (full-truncation Euler sub-steps, exact-in-log price) fitted by moments of squared returns, with Brownian-bridge high/low and variance-scaled lognormal volume.',
  configSchema: hestonConfigSchema,
  fit(train: Panel, config: HestonConfig): HestonParams {
    checkTrainPanel(train, MIN_TRAIN_BARS, false);
    const substeps = config.substeps ?? 4;
    checkSubsteps(substeps);
    return { substeps, assets: train.map((bars) => fitHestonAsset(bars, config)) };
  },
  sample(params: HestonParams, rng: Rng, opts): Panel[] {
    const times = sampleTimes(opts);
    checkSubsteps(params.substeps);
    if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
    params.assets.forEach(checkHestonAssetParams);
    const symbols = params.assets.map((a) => a.symbol);
    const out: Panel[] = [];
    for (let p = 0; p < opts.paths; p++) {
      const panel = allocPanel(symbols, times);
      for (let k = 0; k < panel.length; k++) sampleHestonPath(params.assets[k], params.substeps, rng, panel[k]);
      out.push(panel);
    }
    return out;
  },
  /** Asset 0's returns: consecutive {@link hestonReturnStream}s (`params.substeps` sub-steps per bar); every asset's params are validated as `sample` does. */
  sampleReturns(params: HestonParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: HestonParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});

