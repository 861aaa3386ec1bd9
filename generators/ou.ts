import { z } from 'zod';
import { ConfigError, RlError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { fitGbmAsset } from './gbm.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { checkTrainPanel, returnsFromStreams, samplePanels, writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Ornstein-Uhlenbeck in the **log price** on daily bars: x = ln P follows dx = θ(μ − x)dt + σ dW with
 * dt = 1 bar. Its exact discretisation is the Gaussian AR(1)
 *
 *   x_{t+1} = μ + b·(x_t − μ) + ε_t,   b = e^{−θ},   ε_t ~ N(0, v),   v = σ²(1 − e^{−2θ})/(2θ),
 *
 * with stationary law N(μ, σ²/(2θ)) and half-life ln 2/θ bars. Fitting and sampling both use this exact
 * transition (no Euler error, whatever θ).
 *
 * Bars: each day's change x_{t+1} − x_t = (1 − b)(μ − x_t) + ε_t is split into an overnight part (close →
 * open) and an intraday part (open → close) as in `gbm`: a share s of both the mean-reversion pull and the
 * innovation variance falls overnight. High and low are the extremes of a Brownian path from the open to
 * the close with the intraday variance v·(1 − s). That is an approximation: within the day the true path
 * is an OU bridge, whose pull towards μ changes the extremes' law by a relative O(θ) per bar. Fitted θ
 * on daily prices is small (≪ 0.1), so the Brownian extremes are accurate to that order; the close, and
 * hence every close-to-close move, is exact. Volume is iid lognormal, fitted as in `gbm`.
 *
 * Multi-asset panels are fitted and sampled asset by asset, independently.
 */

/** 5% asymptotic critical value of the Dickey-Fuller t-statistic, regression with a constant (MacKinnon 2010). */
export const DICKEY_FULLER_5PCT = -2.86;

/** Config of `ou`: optional overrides of the fitted values. Unknown keys are rejected (typos fail loudly). */
export const ouConfigSchema = z.strictObject({
  theta: z
    .number()
    .positive()
    .optional()
    .describe(
      'Mean-reversion speed θ per bar (not annualised; half-life ln2/θ bars). Replaces the fitted value for every asset; ' +
        'μ and σ (unless also given) are then the likelihood maximisers with θ held fixed.',
    ),
  mu: z
    .number()
    .optional()
    .describe('Long-run level μ of the natural-log price (e.g. ln 100 = 4.605). Replaces the fitted value for every asset.'),
  sigma: z
    .number()
    .nonnegative()
    .optional()
    .describe('Diffusion σ of the log price, per sqrt(bar) (not annualised). Replaces the fitted value for every asset.'),
  initialPrice: z
    .number()
    .positive()
    .optional()
    .describe("Close before the first generated bar, in price units, for every asset. Default: each asset's last training close."),
  requireMeanReversion: z
    .boolean()
    .default(true)
    .describe(
      'When θ is fitted, refuse (E_FIT) training data whose Dickey-Fuller test does not reject a unit root at 5%. ' +
        'false accepts any fitted 0 < b < 1, however weak the evidence.',
    ),
});

export type OuConfig = z.input<typeof ouConfigSchema>;

/** Fitted parameters of one asset (plain JSON). x is the natural-log price; times are in bars. */
export interface OuAssetParams {
  /** The training asset's symbol, reused for the generated series. */
  readonly symbol: string;
  /** Mean-reversion speed per bar (> 0); the lag-one coefficient is e^{−θ}, the half-life ln2/θ bars. */
  readonly theta: number;
  /** Long-run mean of the log price. */
  readonly mu: number;
  /** Diffusion coefficient of the log price per sqrt(bar) (≥ 0); the stationary sd is σ/sqrt(2θ). */
  readonly sigma: number;
  /** Fraction in [0, 1] of each day's change that falls overnight (fitted as in `gbm`). */
  readonly overnightShare: number;
  /** Mean and standard deviation (MLE) of ln(volume) over bars with volume > 0; null when every volume was 0. */
  readonly volume: { readonly logMean: number; readonly logStd: number } | null;
  /** Close before the first generated bar, in price units; the path starts at x = ln(initialPrice). */
  readonly initialPrice: number;
}

export interface OuParams {
  readonly assets: readonly OuAssetParams[];
}

/** v(θ, σ) = σ²(1 − e^{−2θ})/(2θ), the variance of one bar's innovation; expm1 keeps it exact for tiny θ. */
export function ouInnovationVariance(theta: number, sigma: number): number {
  return (sigma * sigma * -Math.expm1(-2 * theta)) / (2 * theta);
}

/**
 * Maximum-likelihood OU parameters of one asset, conditional on the first log close. With x_t = ln close_t
 * and the n pairs (x_t, y_t = x_{t+1}), the conditional Gaussian likelihood is that of the regression
 * y = a + b·x + ε, so:
 * - θ and μ free: b̂ = S_xy/S_xx (centred sums), â = ȳ − b̂x̄, θ = −ln b̂, μ = â/(1 − b̂);
 * - θ given (b = e^{−θ}): â = mean(y − b·x), μ = â/(1 − b);
 * - μ given: b̂ = Σ(x − μ)(y − μ)/Σ(x − μ)²;
 * - σ (unless given) from the residual variance s² = (1/n)Σ(y − μ − b(x − μ))² through σ² = s²·2θ/(1 − b²).
 *
 * A fitted b̂ must lie in (0, 1): b̂ ≥ 1 means no mean reversion in the data (a trending index) and b̂ ≤ 0
 * an oscillation no OU can produce. Because b̂ is biased below 1 on a random walk (the Dickey-Fuller bias:
 * E[n(b̂ − 1)] ≈ −5.5 with a constant), b̂ < 1 alone is no evidence; with `requireMeanReversion` (the
 * default) the Dickey-Fuller t-statistic (b̂ − 1)/se(b̂), se from the OLS residual variance with n − 2
 * degrees of freedom, must also be below {@link DICKEY_FULLER_5PCT}. No lagged differences are added
 * (the model's innovations are iid, so the plain test is the right one under the model).
 *
 * Overnight share, volume and initial price are fitted exactly as `gbm` fits them.
 *
 * @throws DataError if the bars have fewer than 3 rows or non-positive prices.
 * @throws RlError `E_FIT` if θ is fitted and the data show no mean reversion (see above), or the log
 *   prices are constant; set `theta` (and optionally `mu`, `sigma`) to impose a model instead.
 * @example
 * const { theta, mu, sigma } = fitOuAsset(bars, ouConfigSchema.parse({})); // per-bar speed, log level, diffusion
 * Math.LN2 / theta; // half-life in bars
 */
export function fitOuAsset(bars: Bars, config: OuConfig): OuAssetParams {
  checkTrainPanel([bars], 3, false);
  const base = fitGbmAsset(bars, { initialPrice: config.initialPrice });
  const n = bars.length - 1;
  const x = new Float64Array(bars.length);
  for (let t = 0; t < bars.length; t++) x[t] = Math.log(bars.close[t]);

  let b: number;
  let mu: number;
  if (config.theta !== undefined) {
    b = Math.exp(-config.theta);
    if (config.mu !== undefined) mu = config.mu;
    else {
      let s = 0;
      for (let t = 0; t < n; t++) s += x[t + 1] - b * x[t];
      mu = s / n / (1 - b);
    }
  } else {
    const ols = olsLag1(x);
    if (!(ols.sxx > 0)) throw new RlError(`ou fit of ${bars.symbol}: the log price is constant; set theta, mu and sigma`, 'E_FIT');
    if (config.requireMeanReversion !== false && !(ols.dfStat < DICKEY_FULLER_5PCT)) {
      throw new RlError(
        `ou fit of ${bars.symbol}: no evidence of mean reversion (lag-one coefficient b = ${ols.b.toPrecision(6)}, ` +
          `Dickey-Fuller t = ${ols.dfStat.toFixed(2)} ≥ ${DICKEY_FULLER_5PCT}, the 5% critical value); ` +
          'set theta (and optionally mu) to impose one, or requireMeanReversion: false',
        'E_FIT',
      );
    }
    if (config.mu !== undefined) {
      mu = config.mu;
      let sxy = 0;
      let sxx = 0;
      for (let t = 0; t < n; t++) {
        sxy += (x[t] - mu) * (x[t + 1] - mu);
        sxx += (x[t] - mu) * (x[t] - mu);
      }
      b = sxx > 0 ? sxy / sxx : NaN;
    } else {
      b = ols.b;
      mu = ols.a / (1 - ols.b);
    }
    if (!(b > 0 && b < 1)) {
      throw new RlError(
        `ou fit of ${bars.symbol}: fitted lag-one coefficient b = ${b} is outside (0, 1): ` +
          (b >= 1 ? 'the log price does not revert (it trends or wanders)' : 'an oscillation no OU process produces') +
          '; set theta (and optionally mu, sigma) to impose a model',
        'E_FIT',
      );
    }
  }
  const theta = config.theta ?? -Math.log(b);

  let sigma: number;
  if (config.sigma !== undefined) sigma = config.sigma;
  else {
    let ss = 0;
    for (let t = 0; t < n; t++) {
      const e = x[t + 1] - mu - b * (x[t] - mu);
      ss += e * e;
    }
    // s² = v(θ, σ) = σ²(1 − b²)/(2θ)  ⇒  σ² = s²·2θ/(1 − b²); −expm1(−2θ) = 1 − b² without cancellation.
    sigma = Math.sqrt(((ss / n) * 2 * theta) / -Math.expm1(-2 * theta));
  }

  const params: OuAssetParams = {
    symbol: bars.symbol,
    theta,
    mu,
    sigma,
    overnightShare: base.overnightShare,
    volume: base.volume,
    initialPrice: base.initialPrice,
  };
  checkAssetParams(params, 0);
  return params;
}

/** OLS of x_{t+1} on (1, x_t) by centred sums, and the Dickey-Fuller t-statistic of b − 1. */
function olsLag1(x: Float64Array): { a: number; b: number; sxx: number; dfStat: number } {
  const n = x.length - 1;
  let mx = 0;
  let my = 0;
  for (let t = 0; t < n; t++) {
    mx += x[t];
    my += x[t + 1];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < n; t++) {
    const dx = x[t] - mx;
    sxx += dx * dx;
    sxy += dx * (x[t + 1] - my);
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  let ssr = 0;
  for (let t = 0; t < n; t++) {
    const e = x[t + 1] - a - b * x[t];
    ssr += e * e;
  }
  const se = Math.sqrt(ssr / (n - 2) / sxx);
  return { a, b, sxx, dfStat: (b - 1) / se };
}

/** @throws ConfigError naming the bad field when params (e.g. loaded from JSON) cannot be sampled. */
function checkAssetParams(a: OuAssetParams, index: number): void {
  const at = (field: string): string => `params.assets[${index}].${field}`;
  if (!(a.theta > 0 && a.theta < Infinity)) throw new ConfigError(at('theta'), `must be finite and > 0, got ${a.theta}`);
  if (!Number.isFinite(a.mu)) throw new ConfigError(at('mu'), `must be finite, got ${a.mu}`);
  if (!(a.sigma >= 0 && a.sigma < Infinity)) throw new ConfigError(at('sigma'), `must be finite and ≥ 0, got ${a.sigma}`);
  if (!(a.overnightShare >= 0 && a.overnightShare <= 1)) throw new ConfigError(at('overnightShare'), `must be in [0, 1], got ${a.overnightShare}`);
  if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) throw new ConfigError(at('initialPrice'), `must be finite and > 0, got ${a.initialPrice}`);
  if (a.volume !== null && !(Number.isFinite(a.volume.logMean) && a.volume.logStd >= 0 && a.volume.logStd < Infinity)) {
    throw new ConfigError(at('volume'), 'needs a finite logMean and a finite logStd ≥ 0');
  }
}

/**
 * One OU path's close-to-close log returns as a stream, from x_0 = ln(initialPrice): out[t] = x_{t+1} − x_t,
 * one `rng.normal()` per bar; the stream carries the log price x from one call to the next. The draws
 * differ from {@link ou}'s `sample`, which also draws the overnight split, volume and range, so the two do
 * not give the same path for the same rng.
 *
 * @throws ConfigError if the params cannot be sampled.
 * @example
 * const stream = ouReturnStream(params.assets[0], Rng.fromSeed(1));
 * stream.next(chunk); // chunk.length returns; the next call continues from the last log price
 */
export function ouReturnStream(a: OuAssetParams, rng: Rng): RangeReturnStream {
  checkAssetParams(a, 0);
  return new OuReturnStream(a, rng);
}

/** {@link ouReturnStream}'s state: the log price x. */
class OuReturnStream implements RangeReturnStream {
  private readonly mu: number;
  /** 1 − b = 1 − e^{−θ}. */
  private readonly pull: number;
  /** Standard deviation of one bar's innovation. */
  private readonly sd: number;
  private x: number;

  constructor(
    a: OuAssetParams,
    private readonly rng: Rng,
  ) {
    this.mu = a.mu;
    this.pull = -Math.expm1(-a.theta);
    this.sd = Math.sqrt(ouInnovationVariance(a.theta, a.sigma));
    this.x = Math.log(a.initialPrice);
  }

  next(out: Float64Array): void {
    this.nextInto(out, 0, out.length);
  }

  nextInto(out: Float64Array, from: number, to: number): void {
    const { mu, pull, sd, rng } = this; // locals: the hot loop reads registers, not fields
    let x = this.x;
    for (let i = from; i < to; i++) {
      const dx = pull * (mu - x) + sd * rng.normal();
      out[i] = dx;
      x += dx;
    }
    this.x = x;
  }
}

/**
 * Close-to-close log returns of OU paths without building bars (for statistics and fast Monte Carlo):
 * `out` holds `paths` paths of out.length/paths returns back to back, each a fresh {@link ouReturnStream}
 * on `rng` (so each starts from x_0 = ln(initialPrice)).
 *
 * @param paths number of paths in `out` (default 1); must divide out.length.
 * @throws ConfigError if the params cannot be sampled; RangeError if `paths` does not divide out.length.
 * @example
 * const r = sampleOuReturns(params.assets[0], Rng.fromSeed(1), new Float64Array(2520));
 * const many = sampleOuReturns(params.assets[0], Rng.fromSeed(1), new Float64Array(1000 * 2520), 1000);
 */
export function sampleOuReturns(a: OuAssetParams, rng: Rng, out: Float64Array, paths = 1): Float64Array {
  checkAssetParams(a, 0);
  if (!(Number.isInteger(paths) && paths >= 1 && out.length % paths === 0)) {
    throw new RangeError(`paths must be an integer ≥ 1 dividing out.length = ${out.length}, got ${paths}`);
  }
  const length = out.length / paths;
  for (let p = 0; p < paths; p++) ouReturnStream(a, rng).nextInto(out, p * length, (p + 1) * length);
  return out;
}

/** Validates every asset as `sample` does; opens streams of asset 0's returns. */
function assetZeroStreams(params: OuParams): (rng: Rng) => RangeReturnStream {
  if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  params.assets.forEach(checkAssetParams);
  const a = params.assets[0];
  return (rng) => ouReturnStream(a, rng);
}

/**
 * Fills `out` (already holding its time column) with one OU path. Per bar, in this order: a normal for the
 * overnight innovation, a normal for the intraday one, a normal for ln(volume) (only when the asset has
 * volume), then the two uniforms of the high and the low: the same draw order as `gbm`.
 *
 * With d = (1 − b)(μ − x_t): r_on = s·d + sqrt(s·v)·z₁ and r_id = (1 − s)·d + sqrt((1 − s)·v)·z₂, so
 * r_on + r_id = d + ε with ε ~ N(0, v): the exact OU transition. The state x is carried in log space (the
 * closes are built by multiplying e^r, so ln(close_t) equals x_t up to rounding).
 */
function sampleOuPath(a: OuAssetParams, rng: Rng, out: Bars): void {
  const s = a.overnightShare;
  const mu = a.mu;
  const pull = -Math.expm1(-a.theta);
  const v = ouInnovationVariance(a.theta, a.sigma);
  const sdOn = Math.sqrt(v * s);
  const sdId = Math.sqrt(v * (1 - s));
  const varId = v * (1 - s);
  const vol = a.volume;
  let x = Math.log(a.initialPrice);
  let prev = a.initialPrice;
  for (let t = 0; t < out.length; t++) {
    const d = pull * (mu - x);
    const rOn = s * d + sdOn * rng.normal();
    const rId = (1 - s) * d + sdId * rng.normal();
    const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.logStd * rng.normal());
    prev = writeBrownianBar(out, t, prev, rOn, rId, varId, volume, rng);
    x += rOn + rId;
  }
}

/**
 * The `ou` generator: a mean-reverting log price (exact AR(1) transition) fitted by conditional MLE.
 *
 * @throws RlError `E_FIT` from `fit` when the training data show no mean reversion and θ is not given.
 * @example
 * const params = ou.fit([trainBars], ou.configSchema.parse({ theta: 0.01 }), {});
 * const [path] = ou.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 }); // path[0]: one year of bars
 */
export const ou = defineGenerator<OuConfig, OuParams>({
  id: 'ou',
  version: 1,
  description:
    'Ornstein-Uhlenbeck log price (exact discretisation) fitted by conditional MLE, with an overnight/intraday split, ' +
    'Brownian high/low and lognormal volume.',
  configSchema: ouConfigSchema,
  fit(train: Panel, config: OuConfig): OuParams {
    checkTrainPanel(train, 3, false);
    return { assets: train.map((bars) => fitOuAsset(bars, config)) };
  },
  sample(params: OuParams, rng: Rng, opts): Panel[] {
    return samplePanels(params.assets, checkAssetParams, rng, opts, sampleOuPath);
  },
  /** Asset 0's returns: consecutive {@link ouReturnStream}s; every asset's params are validated as `sample` does. */
  sampleReturns(params: OuParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: OuParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
