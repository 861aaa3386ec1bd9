/**
 * The stationary bootstrap of Politis & Romano (1994) for dependent series, and percentile confidence
 * intervals built on it. Returns are serially dependent (volatility clusters), so resampling single
 * observations understates the variance of statistics such as a Sharpe ratio; resampling blocks keeps the
 * dependence within each block. Blocks have geometric lengths with mean `meanBlock` and wrap around the end
 * of the series, which makes the resampled series stationary.
 */
import type { Rng } from '../core/rng.js';
import type { NumericArray } from './descriptive.js';
import { quantiles } from './descriptive.js';

function checkMeanBlock(meanBlock: number, n: number): void {
  if (!(meanBlock >= 1 && Number.isFinite(meanBlock))) throw new RangeError(`meanBlock must be ≥ 1, got ${meanBlock}`);
  if (n < 1) throw new RangeError('bootstrap of an empty series');
}

/**
 * One stationary-bootstrap resample of `x`, written into `out` (same length as x unless given): start at a
 * uniform index; at each later step, with probability 1/meanBlock jump to a new uniform index, otherwise
 * take the next observation (index n − 1 is followed by 0). `meanBlock = 1` is the iid bootstrap.
 *
 * @param meanBlock expected block length, in bars, ≥ 1.
 * @throws RangeError if meanBlock < 1 or x is empty.
 * @example
 * const resample = stationaryResample(rng, returns, 20);
 */
export function stationaryResample(rng: Rng, x: NumericArray, meanBlock: number, out = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  checkMeanBlock(meanBlock, n);
  const p = 1 / meanBlock;
  let idx = rng.int(n);
  for (let t = 0; t < out.length; t++) {
    if (t > 0) idx = rng.uniform() < p ? rng.int(n) : idx + 1 === n ? 0 : idx + 1;
    out[t] = x[idx];
  }
  return out;
}

/**
 * The bootstrap distribution of `statistic` under the stationary bootstrap: `replicates` resamples of
 * `x` (each of length n), the statistic applied to each. The resample buffer is reused between calls, so
 * `statistic` must not keep a reference to its argument.
 *
 * @param meanBlock expected block length, in bars, ≥ 1; for daily returns 10–50 is typical (Politis &
 *   White 2004 give a data-driven choice).
 * @param statistic e.g. `mean` or an annualised Sharpe ratio.
 * @returns Float64Array of the `replicates` bootstrap values, in draw order.
 * @throws RangeError if meanBlock < 1, x is empty, or replicates is not a positive integer.
 * @example
 * const means = stationaryBootstrap(Rng.fromSeed(7), returns, 20, mean, 1000);
 */
export function stationaryBootstrap(
  rng: Rng,
  x: NumericArray,
  meanBlock: number,
  statistic: (sample: Float64Array) => number,
  replicates: number,
): Float64Array {
  if (!(Number.isInteger(replicates) && replicates >= 1)) throw new RangeError(`replicates must be a positive integer, got ${replicates}`);
  checkMeanBlock(meanBlock, x.length);
  const buffer = new Float64Array(x.length);
  const out = new Float64Array(replicates);
  for (let b = 0; b < replicates; b++) out[b] = statistic(stationaryResample(rng, x, meanBlock, buffer));
  return out;
}

/** Options of {@link blockBootstrapCi}. */
export interface BlockBootstrapCiOptions {
  /** Expected block length, in bars, ≥ 1. */
  readonly meanBlock: number;
  /** The statistic whose interval is wanted. */
  readonly statistic: (sample: Float64Array) => number;
  /** Number of bootstrap resamples; default 1000. */
  readonly replicates?: number;
  /** Two-sided coverage in (0, 1); default 0.95. */
  readonly level?: number;
}

/** Result of {@link blockBootstrapCi}. */
export interface BootstrapCi {
  /** The statistic on the original series. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  /** The bootstrap distribution the interval was read from. */
  readonly replicates: Float64Array;
}

/**
 * A percentile confidence interval from the stationary bootstrap: the (1 − level)/2 and (1 + level)/2
 * quantiles (numpy linear interpolation) of the bootstrap values of the statistic. Percentile intervals are
 * first-order accurate; with short series and long blocks their coverage falls somewhat below `level`.
 *
 * @throws RangeError if `level` is not in (0, 1), meanBlock < 1, x is empty, or replicates is invalid.
 * @example
 * const ci = blockBootstrapCi(Rng.fromSeed(7), returns, { meanBlock: 20, statistic: mean });
 * ci.lower <= ci.estimate && ci.estimate <= ci.upper; // usually true
 */
export function blockBootstrapCi(rng: Rng, x: NumericArray, options: BlockBootstrapCiOptions): BootstrapCi {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const replicates = stationaryBootstrap(rng, x, options.meanBlock, options.statistic, options.replicates ?? 1000);
  const [lower, upper] = quantiles(replicates, [(1 - level) / 2, (1 + level) / 2]);
  return { estimate: options.statistic(Float64Array.from(x)), lower, upper, level, replicates };
}
