import { z } from 'zod';
import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { allocPanel, checkTrainPanel, returnsFromStreams, sampleTimes, writeBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Real-history generator: a stationary block bootstrap (Politis & Romano 1994) of the training bars.
 *
 * Each training bar t ≥ 1 becomes a tuple relative to the previous close: (ln(open_t/close_{t−1}),
 * ln(high_t/open_t), ln(low_t/open_t), ln(close_t/open_t), volume_t). Rebuilding prices from these tuples
 * keeps every bar's intraday shape and OHLC validity exactly, and a generated series is a chain of real days.
 * Blocks of consecutive days (geometric lengths, mean `meanBlock`) keep short-range dependence such as
 * volatility clustering; the wrap from the last training day to the first is circular.
 *
 * Multi-asset panels must be aligned: every asset of a path follows the same index sequence, so the
 * cross-sectional dependence of the training days is preserved.
 */

/** Config of `real`. Unknown keys are rejected (typos fail loudly). */
export const realConfigSchema = z.strictObject({
  meanBlock: z
    .number()
    .min(1)
    .default(20)
    .describe(
      'Mean block length in bars: at each bar the bootstrap jumps to a uniformly random training day with probability 1/meanBlock, else continues with the next day. 1 resamples days independently; larger values keep more of the volatility clustering.',
    ),
  initialPrice: z
    .number()
    .positive()
    .optional()
    .describe('Close before the first generated bar, in price units, for every asset. Default: each asset\'s last training close.'),
});

export type RealConfig = z.infer<typeof realConfigSchema>;

/**
 * The bar tuples of one asset, as parallel arrays over training bars 1..n−1 (index k holds bar k + 1).
 * Log values are natural logs; volume is in shares.
 */
export interface RealAssetParams {
  readonly symbol: string;
  /** Close before the first generated bar, in price units. */
  readonly initialPrice: number;
  /** ln(open_t / close_{t−1}). */
  readonly logOvernight: readonly number[];
  /** ln(high_t / open_t) ≥ 0. */
  readonly logHigh: readonly number[];
  /** ln(low_t / open_t) ≤ 0. */
  readonly logLow: readonly number[];
  /** ln(close_t / open_t). */
  readonly logClose: readonly number[];
  readonly volume: readonly number[];
}

export interface RealParams {
  /** Mean block length in bars (≥ 1). */
  readonly meanBlock: number;
  readonly assets: readonly RealAssetParams[];
}

/**
 * Fills `out` (and returns it) with a stationary-bootstrap index sequence over `count` items: the first index is uniform;
 * afterwards, with probability 1/meanBlock the next index is a fresh uniform one, otherwise it is the current
 * index + 1 (wrapping from count − 1 to 0). Runs of consecutive indices therefore have geometric lengths with
 * mean meanBlock (slightly more, 1/(p·(1 − 1/count)), because a jump can land on the next index).
 *
 * Draws: `rng.int(count)` for the start; then per step one `rng.uniform()`, plus `rng.int(count)` on a jump.
 *
 * @param meanBlock mean block length (≥ 1); 1 gives an iid bootstrap.
 * @example
 * const idx = stationaryBootstrapIndices(rng, 4000, 20, new Int32Array(252));
 */
export function stationaryBootstrapIndices(rng: Rng, count: number, meanBlock: number, out: Int32Array): Int32Array {
  if (!(meanBlock >= 1)) throw new RangeError(`meanBlock must be ≥ 1, got ${meanBlock}`);
  if (out.length === 0) return out;
  const p = 1 / meanBlock;
  let k = rng.int(count);
  out[0] = k;
  for (let t = 1; t < out.length; t++) {
    if (rng.uniform() < p) k = rng.int(count);
    else if (++k === count) k = 0;
    out[t] = k;
  }
  return out;
}

/**
 * A stationary-bootstrap path of a return series as a stream, without building bars: a chain of blocks of `r`
 * (circular) that start at a uniformly random index and have geometric lengths, P(L = l) = (1 − p)^{l−1}·p with
 * p = 1/meanBlock; the stream carries its position and the values left in the current block from one call to
 * the next. That is the law of {@link stationaryBootstrapIndices} (a jump with probability p after every step,
 * else the next index), drawn one block at a time instead of one step at a time: per block, when its first
 * value is requested, `rng.int(count)` for its start, then one `rng.uniform()` for its length,
 * L = 1 + ⌊ln(1 − U)/ln(1 − p)⌋.
 *
 * @param meanBlock mean block length (≥ 1); 1 gives an iid bootstrap.
 * @throws RangeError if `r` is empty or meanBlock < 1.
 * @example
 * const stream = stationaryBootstrapStream(logReturns(bars), 20, rng);
 * stream.next(chunk); // chunk.length resampled returns; the next call continues the current block
 */
export function stationaryBootstrapStream(r: Float64Array, meanBlock: number, rng: Rng): RangeReturnStream {
  return new BootstrapStream(r, meanBlock, rng);
}

/** {@link stationaryBootstrapStream}'s state: the next index of the current block and the values left in it. */
class BootstrapStream implements RangeReturnStream {
  private readonly logStay: number;
  private index = 0;
  private left = 0;

  constructor(
    private readonly r: Float64Array,
    meanBlock: number,
    private readonly rng: Rng,
  ) {
    if (!(meanBlock >= 1)) throw new RangeError(`meanBlock must be ≥ 1, got ${meanBlock}`);
    if (r.length === 0) throw new RangeError('the series to resample is empty');
    this.logStay = Math.log1p(-1 / meanBlock); // −∞ when meanBlock = 1: every block has length 1
  }

  next(out: Float64Array): void {
    this.nextInto(out, 0, out.length);
  }

  nextInto(out: Float64Array, from: number, to: number): void {
    const { r, rng, logStay } = this; // locals: the hot loop reads registers, not fields
    const count = r.length;
    let k = this.index;
    let left = this.left;
    let t = from;
    while (t < to) {
      if (left === 0) {
        k = rng.int(count);
        const draw = Math.log(1 - rng.uniform()); // ≤ 0
        left = draw === 0 || logStay === -Infinity ? 1 : 1 + Math.floor(draw / logStay);
      }
      const n = Math.min(left, to - t);
      left -= n;
      for (const stop = t + n; t < stop; t++) {
        out[t] = r[k];
        if (++k === count) k = 0;
      }
    }
    this.index = k;
    this.left = left;
  }
}

/**
 * Stationary-bootstrap paths of a return series without building bars: `out` holds `paths` paths of
 * out.length/paths values back to back, each a fresh {@link stationaryBootstrapStream} on `rng` (so each path
 * starts a new block at its first value and cuts its last block at its end).
 *
 * @param meanBlock mean block length (≥ 1); 1 gives an iid bootstrap.
 * @param paths number of paths in `out` (default 1); must divide out.length.
 * @throws RangeError if `r` is empty, meanBlock < 1, or `paths` does not divide out.length.
 * @example
 * const paths = stationaryBootstrapSeries(logReturns(bars), 20, rng, new Float64Array(1000 * 2520), 1000);
 */
export function stationaryBootstrapSeries(r: Float64Array, meanBlock: number, rng: Rng, out: Float64Array, paths = 1): Float64Array {
  if (!(meanBlock >= 1)) throw new RangeError(`meanBlock must be ≥ 1, got ${meanBlock}`);
  if (r.length === 0) throw new RangeError('the series to resample is empty');
  if (!(Number.isInteger(paths) && paths >= 1 && out.length % paths === 0)) {
    throw new RangeError(`paths must be an integer ≥ 1 dividing out.length = ${out.length}, got ${paths}`);
  }
  const length = out.length / paths;
  for (let p = 0; p < paths; p++) stationaryBootstrapStream(r, meanBlock, rng).nextInto(out, p * length, (p + 1) * length);
  return out;
}

function fitRealAsset(bars: Bars, config: RealConfig): RealAssetParams {
  const m = bars.length - 1;
  const logOvernight = new Array<number>(m);
  const logHigh = new Array<number>(m);
  const logLow = new Array<number>(m);
  const logClose = new Array<number>(m);
  const volume = new Array<number>(m);
  for (let k = 0; k < m; k++) {
    const t = k + 1;
    const open = bars.open[t];
    logOvernight[k] = Math.log(open / bars.close[t - 1]);
    logHigh[k] = Math.log(bars.high[t] / open);
    logLow[k] = Math.log(bars.low[t] / open);
    logClose[k] = Math.log(bars.close[t] / open);
    volume[k] = bars.volume[t];
  }
  return {
    symbol: bars.symbol,
    initialPrice: config.initialPrice ?? bars.close[bars.length - 1],
    logOvernight,
    logHigh,
    logLow,
    logClose,
    volume,
  };
}

/** Params columns as typed arrays for the sampling loop. @throws ConfigError if params are inconsistent. */
function columnsOf(params: RealParams): { count: number; cols: Float64Array[][] } {
  if (!(params.meanBlock >= 1)) throw new ConfigError('params.meanBlock', `must be ≥ 1, got ${params.meanBlock}`);
  if (params.assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  const count = params.assets[0].logClose.length;
  if (count === 0) throw new ConfigError('params.assets[0].logClose', 'needs at least one bar tuple');
  const cols = params.assets.map((a, i) => {
    if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) {
      throw new ConfigError(`params.assets[${i}].initialPrice`, `must be finite and > 0, got ${a.initialPrice}`);
    }
    return [a.logOvernight, a.logHigh, a.logLow, a.logClose, a.volume].map((c) => {
      if (c.length !== count) throw new ConfigError(`params.assets[${i}]`, `tuple columns must all hold ${count} values`);
      return Float64Array.from(c);
    });
  });
  return { count, cols };
}

/** Validates the params as `sample` does; opens bootstrap streams of asset 0's close-to-close returns. */
function assetZeroStreams(params: RealParams): (rng: Rng) => RangeReturnStream {
  const [on, , , cl] = columnsOf(params).cols[0];
  const r = new Float64Array(on.length);
  for (let k = 0; k < r.length; k++) r[k] = on[k] + cl[k];
  return (rng) => stationaryBootstrapStream(r, params.meanBlock, rng);
}

/**
 * The `real` generator.
 *
 * @example
 * const params = real.fit([trainBars], real.configSchema.parse({ meanBlock: 10 }), {});
 * const paths = real.sample(params, Rng.fromSeed(3), { length: 252, paths: 4 });
 */
export const real = defineGenerator<RealConfig, RealParams>({
  id: 'real',
  version: 1,
  description: 'Stationary block bootstrap of the training days (relative OHLCV tuples), same blocks for every asset.',
  configSchema: realConfigSchema,
  /** @throws DataError if the panel is empty, not aligned, or an asset has fewer than 2 bars or bad prices. */
  fit(train: Panel, config: RealConfig): RealParams {
    checkTrainPanel(train, 2, true);
    return { meanBlock: config.meanBlock, assets: train.map((bars) => fitRealAsset(bars, config)) };
  },
  /** Per path: one index sequence ({@link stationaryBootstrapIndices}), then each asset's prices from it. */
  sample(params: RealParams, rng: Rng, opts): Panel[] {
    const times = sampleTimes(opts);
    const { count, cols } = columnsOf(params);
    const symbols = params.assets.map((a) => a.symbol);
    const idx = new Int32Array(opts.length);
    const out: Panel[] = [];
    for (let p = 0; p < opts.paths; p++) {
      stationaryBootstrapIndices(rng, count, params.meanBlock, idx);
      const panel = allocPanel(symbols, times);
      for (let a = 0; a < panel.length; a++) {
        const [on, hi, lo, cl, vol] = cols[a];
        const bars = panel[a];
        let prev = params.assets[a].initialPrice;
        for (let t = 0; t < idx.length; t++) {
          const k = idx[t];
          prev = writeBar(bars, t, prev, on[k], hi[k], lo[k], cl[k], vol[k]);
        }
      }
      out.push(panel);
    }
    return out;
  },
  /**
   * Asset 0's close-to-close returns, ln(open/prevClose) + ln(close/open) of the resampled days: consecutive
   * {@link stationaryBootstrapStream}s (the same block law as `sample`, drawn block by block).
   */
  sampleReturns(params: RealParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: RealParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
