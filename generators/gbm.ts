import { z } from 'zod';
import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { mean, std, variance } from '../src/stats/descriptive.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { checkTrainPanel, returnsFromStreams, samplePanels, writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Geometric Brownian motion on daily bars: close-to-close log returns are iid N(μ, σ²), split into an
 * overnight part (close → next open) and an intraday part (open → close) so the open the env fills at carries
 * a realistic share of the day's variance. High and low are the exact extremes of the intraday Brownian path;
 * volume is iid lognormal.
 *
 * Multi-asset panels are fitted and sampled asset by asset, independently: the assets of a generated path are
 * uncorrelated. Cross-sectional dependence is the job of the `correlated` generator.
 */

/** Config of `gbm`: optional overrides of the fitted values. Unknown keys are rejected (typos fail loudly). */
export const gbmConfigSchema = z.strictObject({
  mu: z
    .number()
    .optional()
    .describe('Drift of close-to-close log returns, per bar (not annualised). Replaces the fitted value for every asset.'),
  sigma: z
    .number()
    .nonnegative()
    .optional()
    .describe('Standard deviation of close-to-close log returns, per bar (not annualised). Replaces the fitted value for every asset.'),
  initialPrice: z
    .number()
    .positive()
    .optional()
    .describe('Close before the first generated bar, in price units, for every asset. Default: each asset\'s last training close.'),
});

export type GbmConfig = z.infer<typeof gbmConfigSchema>;

/** Fitted parameters of one asset (plain JSON). Returns are natural-log returns per bar. */
export interface GbmAssetParams {
  /** The training asset's symbol, reused for the generated series. */
  readonly symbol: string;
  /** Mean close-to-close log return per bar. */
  readonly mu: number;
  /** Standard deviation of close-to-close log returns per bar (the MLE, denominator n). */
  readonly sigma: number;
  /** Fraction in [0, 1] of the return variance that falls overnight: var(ln(open_t/close_{t−1})) / var(r). */
  readonly overnightShare: number;
  /** Mean and standard deviation (MLE) of ln(volume) over bars with volume > 0; null when every volume was 0. */
  readonly volume: { readonly logMean: number; readonly logStd: number } | null;
  /** Close before the first generated bar, in price units. */
  readonly initialPrice: number;
}

export interface GbmParams {
  readonly assets: readonly GbmAssetParams[];
}

/**
 * Maximum-likelihood GBM parameters of one asset. With r the n close-to-close log returns, μ = mean(r) and
 * σ² = (1/n)·Σ(r − μ)²: the Gaussian MLE, biased low by the factor (n − 1)/n (negligible for years of bars,
 * and what makes the fit exactly the likelihood maximiser). The overnight share is the ratio of the variance of
 * ln(open_t/close_{t−1}) to that of r over the same bars, clipped to [0, 1]: overnight and intraday moves
 * may be correlated in real data, and the model keeps only the split of the total.
 *
 * @throws DataError if the bars have fewer than 2 rows or non-positive prices.
 * @example
 * const { mu, sigma } = fitGbmAsset(bars, {}); // per-bar log-return drift and volatility
 */
export function fitGbmAsset(bars: Bars, config: GbmConfig): GbmAssetParams {
  checkTrainPanel([bars], 2, false);
  const n = bars.length - 1;
  const r = new Float64Array(n);
  const gap = new Float64Array(n);
  for (let t = 1; t <= n; t++) {
    r[t - 1] = Math.log(bars.close[t] / bars.close[t - 1]);
    gap[t - 1] = Math.log(bars.open[t] / bars.close[t - 1]);
  }
  const varR = variance(r, 0);
  const share = varR > 0 ? Math.min(1, Math.max(0, variance(gap, 0) / varR)) : 0;

  let positive = 0;
  for (let t = 0; t < bars.length; t++) if (bars.volume[t] > 0) positive++;
  const logVol = new Float64Array(positive);
  for (let t = 0, k = 0; t < bars.length; t++) if (bars.volume[t] > 0) logVol[k++] = Math.log(bars.volume[t]);

  const params: GbmAssetParams = {
    symbol: bars.symbol,
    mu: config.mu ?? mean(r),
    sigma: config.sigma ?? Math.sqrt(varR),
    overnightShare: share,
    volume: positive > 0 ? { logMean: mean(logVol), logStd: std(logVol, 0) } : null,
    initialPrice: config.initialPrice ?? bars.close[bars.length - 1],
  };
  checkAssetParams(params, 0);
  return params;
}

/** @throws ConfigError naming the bad field when params (e.g. loaded from JSON) cannot be sampled. */
function checkAssetParams(a: GbmAssetParams, index: number): void {
  const at = (field: string): string => `params.assets[${index}].${field}`;
  if (!Number.isFinite(a.mu)) throw new ConfigError(at('mu'), `must be finite, got ${a.mu}`);
  if (!(a.sigma >= 0 && a.sigma < Infinity)) throw new ConfigError(at('sigma'), `must be finite and ≥ 0, got ${a.sigma}`);
  if (!(a.overnightShare >= 0 && a.overnightShare <= 1)) throw new ConfigError(at('overnightShare'), `must be in [0, 1], got ${a.overnightShare}`);
  if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) throw new ConfigError(at('initialPrice'), `must be finite and > 0, got ${a.initialPrice}`);
  if (a.volume !== null && !(Number.isFinite(a.volume.logMean) && a.volume.logStd >= 0 && a.volume.logStd < Infinity)) {
    throw new ConfigError(at('volume'), `needs a finite logMean and a finite logStd ≥ 0`);
  }
}

/**
 * Fills `out` (already holding its time column) with one GBM path. Per bar, in this order: a normal for the
 * overnight return, a normal for the intraday return, a normal for ln(volume) (only when the asset has
 * volume), then the two uniforms of the high and the low.
 *
 * r_on ~ N(μ·s, σ²·s) and r_id ~ N(μ·(1 − s), σ²·(1 − s)) are independent, so r_on + r_id ~ N(μ, σ²) exactly.
 */
function sampleGbmPath(a: GbmAssetParams, rng: Rng, out: Bars): void {
  const s = a.overnightShare;
  const muOn = a.mu * s;
  const sdOn = a.sigma * Math.sqrt(s);
  const muId = a.mu * (1 - s);
  const sdId = a.sigma * Math.sqrt(1 - s);
  const varId = a.sigma * a.sigma * (1 - s);
  const vol = a.volume;
  let prev = a.initialPrice;
  for (let t = 0; t < out.length; t++) {
    const rOn = muOn + sdOn * rng.normal();
    const rId = muId + sdId * rng.normal();
    const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.logStd * rng.normal());
    prev = writeBrownianBar(out, t, prev, rOn, rId, varId, volume, rng);
  }
}

/**
 * One asset's close-to-close log returns as a stream: out[i] = μ + σ·z_i, one `rng.normal()` per value.
 * Returns are iid, so the stream holds no state besides the rng. The draws differ from {@link gbm}'s `sample`
 * (which splits each day and draws its range and volume); the law is the same.
 *
 * @throws ConfigError if the params cannot be sampled.
 * @example
 * const stream = gbmReturnStream(params.assets[0], Rng.fromSeed(1));
 * stream.next(chunk); // chunk.length returns; the next call continues
 */
export function gbmReturnStream(a: GbmAssetParams, rng: Rng): RangeReturnStream {
  checkAssetParams(a, 0);
  return new GbmReturnStream(a.mu, a.sigma, rng);
}

/** {@link gbmReturnStream}: iid returns, so no state besides the rng. */
class GbmReturnStream implements RangeReturnStream {
  constructor(
    private readonly mu: number,
    private readonly sigma: number,
    private readonly rng: Rng,
  ) {}

  next(out: Float64Array): void {
    this.nextInto(out, 0, out.length);
  }

  nextInto(out: Float64Array, from: number, to: number): void {
    const { mu, sigma, rng } = this; // locals: the hot loop reads registers, not fields
    for (let i = from; i < to; i++) out[i] = mu + sigma * rng.normal();
  }
}

/**
 * Close-to-close log returns of one asset without building bars: {@link gbmReturnStream} read once into
 * `out`. Returns are iid, so `out` may hold any number of paths back to back.
 *
 * @throws ConfigError if the params cannot be sampled.
 * @example
 * const r = sampleGbmReturns(params.assets[0], Rng.fromSeed(1), new Float64Array(2520));
 */
export function sampleGbmReturns(a: GbmAssetParams, rng: Rng, out: Float64Array): Float64Array {
  gbmReturnStream(a, rng).next(out);
  return out;
}

/** Validates every asset as `sample` does; opens streams of asset 0's returns. */
function assetZeroStreams(params: GbmParams): (rng: Rng) => RangeReturnStream {
  if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  params.assets.forEach(checkAssetParams);
  const a = params.assets[0];
  return (rng) => gbmReturnStream(a, rng);
}

/**
 * The `gbm` generator.
 *
 * @example
 * const params = gbm.fit([trainBars], gbm.configSchema.parse({}), {});
 * const [path] = gbm.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 }); // path[0]: one year of bars
 */
export const gbm = defineGenerator<GbmConfig, GbmParams>({
  id: 'gbm',
  version: 1,
  description: 'Geometric Brownian motion fitted by MLE, with an overnight/intraday split, Brownian high/low and lognormal volume.',
  configSchema: gbmConfigSchema,
  fit(train: Panel, config: GbmConfig): GbmParams {
    checkTrainPanel(train, 2, false);
    return { assets: train.map((bars) => fitGbmAsset(bars, config)) };
  },
  sample(params: GbmParams, rng: Rng, opts): Panel[] {
    return samplePanels(params.assets, checkAssetParams, rng, opts, sampleGbmPath);
  },
  /** Asset 0's returns: consecutive {@link gbmReturnStream}s; every asset's params are validated as `sample` does. */
  sampleReturns(params: GbmParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: GbmParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
