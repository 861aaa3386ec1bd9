import { ConfigError, DataError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS } from '../src/data/bars.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import type { ReturnStream, ReturnsOptions, SampleOptions } from './generator.js';

/**
 * Shared bar construction for generators. A generated day is built from log returns relative to the
 * previous close: open = prevClose·e^overnight, close = open·e^intraday, and high/low = open·e^extreme.
 * Every helper writes into preallocated typed-array columns, so sampling loops allocate nothing per bar.
 */

/**
 * Day of week of an epoch-ms instant in UTC: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
 *
 * @example
 * utcWeekday(Date.UTC(2000, 0, 3)); // 1 (Monday)
 */
export function utcWeekday(time: number): number {
  const day = Math.floor(time / DAY_MS);
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * `length` weekday timestamps (epoch ms, UTC) stepping one day at a time from `start` and skipping Saturdays
 * and Sundays. A start on a weekend moves forward to the next Monday; the time of day is kept.
 *
 * @example
 * weekdayTimes(Date.UTC(2000, 0, 7), 2); // [Fri 2000-01-07, Mon 2000-01-10]
 */
export function weekdayTimes(start: number, length: number): Float64Array {
  const out = new Float64Array(length);
  let t = start;
  let dow = utcWeekday(t);
  if (dow === 6) t += 2 * DAY_MS;
  else if (dow === 0) t += DAY_MS;
  if (dow === 6 || dow === 0) dow = 1;
  for (let i = 0; i < length; i++) {
    out[i] = t;
    const step = dow === 5 ? 3 : 1;
    t += step * DAY_MS;
    dow = dow === 5 ? 1 : dow + 1;
  }
  return out;
}

/**
 * Validates {@link SampleOptions} and returns the time column every generated path shares: weekdays from
 * `opts.start ?? DEFAULT_SAMPLE_START`.
 *
 * @throws ConfigError (`length` or `paths` not an integer ≥ 1, `start` not finite).
 */
export function sampleTimes(opts: SampleOptions): Float64Array {
  checkCounts(opts);
  const start = opts.start ?? DEFAULT_SAMPLE_START;
  if (!Number.isFinite(start)) throw new ConfigError('start', `must be finite epoch milliseconds, got ${start}`);
  return weekdayTimes(start, opts.length);
}

/** @throws ConfigError unless `length` and `paths` are integers ≥ 1. */
function checkCounts(opts: ReturnsOptions): void {
  if (!(Number.isInteger(opts.length) && opts.length >= 1)) throw new ConfigError('length', `must be an integer ≥ 1, got ${opts.length}`);
  if (!(Number.isInteger(opts.paths) && opts.paths >= 1)) throw new ConfigError('paths', `must be an integer ≥ 1, got ${opts.paths}`);
}

/**
 * Validates {@link ReturnsOptions} and returns a zeroed `paths × length` buffer for `sampleReturns`
 * (row-major: path p's returns at `p·length … p·length + length − 1`).
 *
 * @throws ConfigError (`length` or `paths` not an integer ≥ 1).
 * @example
 * const out = allocReturns({ length: 2520, paths: 1000 }); // 2,520,000 returns
 */
export function allocReturns(opts: ReturnsOptions): Float64Array {
  checkCounts(opts);
  return new Float64Array(opts.paths * opts.length);
}

/**
 * A {@link ReturnStream} that can also write its next values into a range of a larger array, which the
 * built-in generators implement so that `sampleReturns` fills its `paths × length` array path by path in place,
 * with no view or copy per path.
 */
export interface RangeReturnStream extends ReturnStream {
  /** Fills out[from], …, out[to − 1] with the next to − from returns (`next(out)` is `nextInto(out, 0, out.length)`). */
  nextInto(out: Float64Array, from: number, to: number): void;
}

/**
 * `sampleReturns` from a generator's streams: `paths` consecutive streams on one rng, path p the first
 * `length` values of `open(rng)` called once path p − 1 has been read, with `open = prepare()` (params
 * validated and tables built once). A stream draws only when asked for values, so one path equals its stream
 * read in chunks of any sizes.
 *
 * The output is allocated before `prepare` runs: counts are validated first, and the large array is not left
 * on top of the allocator's heap by the preparation's temporaries, so it is recycled from one call to the next
 * instead of faulting in fresh pages (which can halve the throughput of the fastest generators).
 *
 * @throws ConfigError (`length` or `paths` not an integer ≥ 1), or whatever `prepare` throws.
 * @example
 * const r = returnsFromStreams({ length: 2520, paths: 1000 }, rng, () => (g) => gbmReturnStream(a, g));
 */
export function returnsFromStreams(opts: ReturnsOptions, rng: Rng, prepare: () => (rng: Rng) => RangeReturnStream): Float64Array {
  const out = allocReturns(opts);
  const open = prepare();
  const { length } = opts;
  for (let p = 0; p < opts.paths; p++) open(rng).nextInto(out, p * length, (p + 1) * length);
  return out;
}

/**
 * One panel of zeroed bars, one per symbol, each with its own copy of `times`.
 *
 * @example
 * const panel = allocPanel(['SPY', 'QQQ'], sampleTimes(opts));
 */
export function allocPanel(symbols: readonly string[], times: Float64Array): Panel {
  return symbols.map((symbol) => {
    const bars = allocBars(symbol, times.length);
    bars.time.set(times);
    return bars;
  });
}

/**
 * Checks that a training panel is usable: non-empty, every asset has at least `minLength` bars with finite
 * positive prices and finite non-negative volume, and (when `aligned`) all assets share one time column.
 *
 * @throws DataError naming the asset (`train:<symbol>`), the bar index as `line` (0-based) and the column.
 * @example
 * checkTrainPanel(train, 2, true); // at least 2 bars per asset, one shared time column
 */
export function checkTrainPanel(train: Panel, minLength: number, aligned: boolean): void {
  if (train.length === 0) throw new DataError('train', undefined, undefined, 'the training panel has no assets');
  for (const bars of train) {
    const where = `train:${bars.symbol}`;
    if (bars.length < minLength) throw new DataError(where, undefined, undefined, `needs at least ${minLength} bars, got ${bars.length}`);
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const col = bars[field];
      for (let i = 0; i < bars.length; i++) {
        if (!(col[i] > 0 && col[i] < Infinity)) throw new DataError(where, i, field, `price must be finite and > 0, got ${col[i]}`);
      }
    }
    for (let i = 0; i < bars.length; i++) {
      const v = bars.volume[i];
      if (!(v >= 0 && v < Infinity)) throw new DataError(where, i, 'volume', `volume must be finite and ≥ 0, got ${v}`);
    }
  }
  if (!aligned) return;
  const ref = train[0];
  for (const bars of train) {
    if (bars.length !== ref.length) {
      throw new DataError(`train:${bars.symbol}`, undefined, 'time', `panel not aligned: ${bars.length} bars vs ${ref.length} for ${ref.symbol}`);
    }
    for (let i = 0; i < bars.length; i++) {
      if (bars.time[i] !== ref.time[i]) throw new DataError(`train:${bars.symbol}`, i, 'time', `panel not aligned with ${ref.symbol}`);
    }
  }
}

/**
 * Maximum of a Brownian path from 0 to `x` over total variance `v` (a Brownian bridge), drawn exactly by
 * inverting its law: P(M > m) = exp(−2·m·(m − x)/v) for m ≥ max(0, x) (reflection principle), so
 * M = (x + sqrt(x² − 2·v·ln u)) / 2 with u ~ Uniform(0, 1].
 *
 * @param x the path's end value (log return, e.g. ln(close/open)).
 * @param v the path's total variance over the interval (log-return variance, not annualised).
 * @param u a uniform draw in (0, 1]; u = 1 gives max(0, x).
 * @example
 * brownianMax(0.01, 1e-4, 1 - rng.uniform()); // ≥ max(0, 0.01)
 */
export function brownianMax(x: number, v: number, u: number): number {
  return 0.5 * (x + Math.sqrt(x * x - 2 * v * Math.log(u)));
}

/**
 * Minimum of a Brownian path from 0 to `x` over variance `v`: m = (x − sqrt(x² − 2·v·ln u)) / 2 with
 * u ~ Uniform(0, 1], so P(m < −a) = exp(−2·a·(a + x)/v) for a ≥ max(0, −x). Mirror image of
 * {@link brownianMax}.
 *
 * @example
 * brownianMin(0.01, 1e-4, 1 - rng.uniform()); // ≤ min(0, 0.01)
 */
export function brownianMin(x: number, v: number, u: number): number {
  return 0.5 * (x - Math.sqrt(x * x - 2 * v * Math.log(u)));
}

/**
 * Writes bar `i` of `out` from log returns relative to the previous close and the bar's open, and returns its
 * close. open = prevClose·e^overnight, close = open·e^closeLog, high = open·e^highLog, low = open·e^lowLog.
 * high and low are then widened to cover open and close, so the bar is valid even when rounding (or
 * inconsistent input) puts an extreme a hair inside the body.
 *
 * @param prevClose previous close, in price units (> 0).
 * @param volume shares traded in the bar (≥ 0).
 * @example
 * prev = writeBar(bars, t, prev, gap[k], hi[k], lo[k], body[k], volume[k]);
 */
export function writeBar(
  out: Bars,
  i: number,
  prevClose: number,
  overnight: number,
  highLog: number,
  lowLog: number,
  closeLog: number,
  volume: number,
): number {
  const open = prevClose * Math.exp(overnight);
  const close = open * Math.exp(closeLog);
  let high = open * Math.exp(highLog);
  let low = open * Math.exp(lowLog);
  if (high < open) high = open;
  if (high < close) high = close;
  if (low > open) low = open;
  if (low > close) low = close;
  out.open[i] = open;
  out.high[i] = high;
  out.low[i] = low;
  out.close[i] = close;
  out.volume[i] = volume;
  return close;
}

/**
 * Writes bar `i` whose intraday log price is a Brownian path from the open to the close with variance
 * `intradayVar`, drawing the high and the low exactly for that path ({@link brownianMax}, {@link brownianMin}),
 * and returns the close.
 *
 * The high and low use two independent uniforms (first the high's, then the low's). This is an approximation:
 * the true maximum and minimum of one path are dependent, and their joint law (an infinite series) is not
 * needed here: each marginal is exact, which is what the cost model's range-based volatility and the fills
 * see. Consumes exactly two `rng.uniform()` draws, even when `intradayVar` is 0.
 *
 * @example
 * prev = writeBrownianBar(bars, t, prev, rOn, rId, sigma * sigma * (1 - s), volume, rng);
 */
export function writeBrownianBar(
  out: Bars,
  i: number,
  prevClose: number,
  overnight: number,
  intraday: number,
  intradayVar: number,
  volume: number,
  rng: Rng,
): number {
  const highLog = brownianMax(intraday, intradayVar, 1 - rng.uniform());
  const lowLog = brownianMin(intraday, intradayVar, 1 - rng.uniform());
  return writeBar(out, i, prevClose, overnight, highLog, lowLog, intraday, volume);
}

/**
 * The first problem that makes `bars` invalid daily OHLCV data, or `undefined` if there is none: every value
 * finite, prices > 0, high ≥ max(open, close), low ≤ min(open, close), volume ≥ 0, time strictly increasing.
 *
 * @example
 * expect(ohlcViolation(bars)).toBeUndefined();
 */
export function ohlcViolation(bars: Bars): string | undefined {
  const { time, open, high, low, close, volume } = bars;
  for (let i = 0; i < bars.length; i++) {
    const o = open[i];
    const h = high[i];
    const l = low[i];
    const c = close[i];
    const at = `${bars.symbol} bar ${i}`;
    if (!Number.isFinite(time[i])) return `${at}: time ${time[i]} is not finite`;
    if (i > 0 && !(time[i] > time[i - 1])) return `${at}: time ${time[i]} does not increase`;
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && h < Infinity)) return `${at}: prices must be finite and > 0 (o=${o} h=${h} l=${l} c=${c})`;
    if (!(h >= o && h >= c)) return `${at}: high ${h} < max(open ${o}, close ${c})`;
    if (!(l <= o && l <= c)) return `${at}: low ${l} > min(open ${o}, close ${c})`;
    if (!(volume[i] >= 0 && volume[i] < Infinity)) return `${at}: volume ${volume[i]} is not finite and ≥ 0`;
  }
  return undefined;
}

/**
 * The `sample` loop every per-asset generator shares: validates each asset's params with `check` (index
 * given, so errors can name `params.assets[i]`), then fills one Panel per path, asset by asset, drawing from
 * `rng` in that order (path, asset, bar).
 *
 * @throws ConfigError when there is no asset, or from `check` and {@link sampleTimes}.
 */
export function samplePanels<A extends { readonly symbol: string }>(
  assets: readonly A[],
  check: (asset: A, index: number) => void,
  rng: Rng,
  opts: SampleOptions,
  samplePath: (asset: A, rng: Rng, out: Bars) => void,
): Panel[] {
  const times = sampleTimes(opts);
  if (assets.length === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  assets.forEach(check);
  const symbols = assets.map((a) => a.symbol);
  const out: Panel[] = [];
  for (let p = 0; p < opts.paths; p++) {
    const panel = allocPanel(symbols, times);
    for (let k = 0; k < panel.length; k++) samplePath(assets[k], rng, panel[k]);
    out.push(panel);
  }
  return out;
}
