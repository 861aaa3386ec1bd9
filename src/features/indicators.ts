import { ATR, MACD, RSI } from 'technicalindicators';
import { assert } from '../core/errors.js';
import type { Bars } from '../data/bars.js';
import type { IndicatorConfig } from './config.js';

/**
 * One indicator's columns, computed causally and incrementally: `next(bars, i, …)` is fed bars 0, 1, 2, …
 * in order and writes the values at bar i, which depend on bars 0..i only. A fresh instance is needed for
 * every series (instances keep state). During warm-up a column is `NaN`.
 *
 * Every output is scale-free (unchanged when all prices, or all volumes, are multiplied by a constant), so
 * a feature means the same thing at any price level and on real and synthetic data alike:
 *
 * - `rsi{p}` = RSI/100 − 0.5, in [−0.5, 0.5]. Wilder smoothing of gains and losses, seeded with the mean
 *   of the first p changes; with no loss in the window it reads +0.5 (the library tests for a zero average
 *   loss first, so a flat series is +0.5 too). First finite at bar p.
 * - `macd{f}_{s}_{g}.macd` = (EMA_f − EMA_s)/close, a fraction of price; each EMA (α = 2/(n+1)) is seeded
 *   with the SMA of its first n closes. First finite at bar m − 1, m = max(f, s).
 * - `….signal` = EMA_g of the MACD line (seeded with the SMA of its first g values) / close, and
 *   `….hist` = (MACD − signal)/close, fractions of price. First finite at bar m + g − 2.
 * - `bb{p}_{k}.pctb` = %b − 0.5 = (close − lower)/(upper − lower) − 0.5, in band widths (0 = middle,
 *   ±0.5 = on a band), with bands SMA_p ± k·σ and σ the **population** std (÷ p) of the last p closes.
 *   `bb{p}_{k}.width` = (upper − lower)/middle, a fraction of price. A constant window
 *   (σ ≤ 1e-7·middle) has no band: both are 0. First finite at bar p − 1.
 * - `atr{p}` = ATR/close, a fraction of price. True range from bar 1 (it needs the previous close),
 *   Wilder smoothing seeded with the mean of the first p ranges. First finite at bar p.
 * - `vol{p}` = sample std (÷ (p − 1)) of the last p log returns ln(c_t/c_{t−1}): per-bar (daily)
 *   volatility in log-return units, not annualised. First finite at bar p.
 * - `volz{p}` = (v_t − mean)/std over the p volumes ending at bar t (sample std), in standard deviations;
 *   0 for a constant window (std ≤ 1e-7·|mean|). As v_t is in its own window, |z| ≤ (p − 1)/√p.
 *   First finite at bar p − 1.
 *
 * RSI, MACD (EMA variant: `SimpleMAOscillator: false, SimpleMASignal: false`) and ATR come from
 * `technicalindicators`' `nextValue`. Bollinger (same definition as the library's `BollingerBands`, checked
 * against it in the tests), volatility and volume-z use an O(1) rolling window written here. Library details
 * the tests pin: RSI is rounded to 2 decimals (0.01 RSI points, i.e. 1e-4 in this column); Bollinger's σ
 * divides by p (population), not p − 1; ATR's first true range is at bar 1, not bar 0's high − low.
 *
 * @example
 * const rsi = createIndicator({ kind: 'rsi', period: 14 });
 * const out = new Float64Array(rsi.names.length);
 * for (let i = 0; i < bars.length; i++) rsi.next(bars, i, out, 0); // out[0]: NaN for i < 14
 */
export interface IndicatorColumns {
  readonly config: IndicatorConfig;
  /** Column names in output order, e.g. `['macd12_26_9.macd', 'macd12_26_9.signal', 'macd12_26_9.hist']`. */
  readonly names: readonly string[];
  /** Per column, the index of the first bar with a finite value (the number of warm-up bars). */
  readonly warmup: readonly number[];
  /**
   * Feeds bar `i` and writes `names.length` values to `out[offset…]` (NaN during warm-up).
   * @throws RlError (`E_ASSERT`) unless called with i = 0, 1, 2, … in order
   */
  next(bars: Bars, i: number, out: Float64Array, offset: number): void;
}

/**
 * Column names of an indicator config (see {@link IndicatorColumns} for the definitions).
 *
 * @example
 * indicatorNames({ kind: 'bollinger', period: 20, stdDev: 2 }); // ['bb20_2.pctb', 'bb20_2.width']
 */
export function indicatorNames(config: IndicatorConfig): string[] {
  switch (config.kind) {
    case 'rsi':
      return [`rsi${config.period}`];
    case 'macd': {
      const base = `macd${config.fast}_${config.slow}_${config.signal}`;
      return [`${base}.macd`, `${base}.signal`, `${base}.hist`];
    }
    case 'bollinger': {
      const base = `bb${config.period}_${config.stdDev}`;
      return [`${base}.pctb`, `${base}.width`];
    }
    case 'atr':
      return [`atr${config.period}`];
    case 'volatility':
      return [`vol${config.period}`];
    case 'volume-z':
      return [`volz${config.period}`];
  }
}

/**
 * Per column, the number of leading bars that are NaN (warm-up), matching {@link IndicatorColumns.warmup}.
 *
 * @example
 * indicatorWarmup({ kind: 'macd', fast: 12, slow: 26, signal: 9 }); // [25, 33, 33]
 */
export function indicatorWarmup(config: IndicatorConfig): number[] {
  switch (config.kind) {
    case 'rsi':
    case 'atr':
    case 'volatility':
      return [config.period];
    case 'macd': {
      const m = Math.max(config.fast, config.slow);
      return [m - 1, m + config.signal - 2, m + config.signal - 2];
    }
    case 'bollinger':
      return [config.period - 1, config.period - 1];
    case 'volume-z':
      return [config.period - 1];
  }
}

/**
 * A fresh (stateful) column set for one series.
 *
 * @example
 * const cols = createIndicator({ kind: 'atr', period: 14 });
 */
export function createIndicator(config: IndicatorConfig): IndicatorColumns {
  switch (config.kind) {
    case 'rsi':
      return new RsiColumns(config);
    case 'macd':
      return new MacdColumns(config);
    case 'bollinger':
      return new BollingerColumns(config);
    case 'atr':
      return new AtrColumns(config);
    case 'volatility':
      return new VolatilityColumns(config);
    case 'volume-z':
      return new VolumeZColumns(config);
  }
}

/**
 * The raw (unnormalised) indicator matrix of a series: row-major `[bars.length × dim]` Float64Array, NaN in
 * warm-up cells, columns in config order. Row t is computed from bars 0..t only.
 *
 * @example
 * const { names, values } = computeIndicators([{ kind: 'rsi', period: 14 }], bars);
 */
export function computeIndicators(
  configs: readonly IndicatorConfig[],
  bars: Bars,
): { names: string[]; dim: number; values: Float64Array } {
  const sets = configs.map(createIndicator);
  const names = sets.flatMap((s) => s.names);
  const dim = names.length;
  const values = new Float64Array(bars.length * dim);
  for (let i = 0; i < bars.length; i++) {
    let offset = i * dim;
    for (const set of sets) {
      set.next(bars, i, values, offset);
      offset += set.names.length;
    }
  }
  return { names, dim, values };
}

/** Shared bookkeeping: names, warm-up, and the in-order feed check. */
abstract class Columns<C extends IndicatorConfig> implements IndicatorColumns {
  readonly names: readonly string[];
  readonly warmup: readonly number[];
  private expected = 0;

  constructor(readonly config: C) {
    this.names = indicatorNames(config);
    this.warmup = indicatorWarmup(config);
  }

  next(bars: Bars, i: number, out: Float64Array, offset: number): void {
    assert(i === this.expected, () => `${this.names[0]}: bars must be fed in order; expected bar ${this.expected}, got ${i}`);
    this.expected = i + 1;
    this.update(bars, i, out, offset);
  }

  protected abstract update(bars: Bars, i: number, out: Float64Array, offset: number): void;
}

type Cfg<K extends IndicatorConfig['kind']> = Extract<IndicatorConfig, { kind: K }>;

class RsiColumns extends Columns<Cfg<'rsi'>> {
  private readonly rsi: RSI;
  constructor(config: Cfg<'rsi'>) {
    super(config);
    this.rsi = new RSI({ period: config.period, values: [] });
  }
  protected update(bars: Bars, i: number, out: Float64Array, offset: number): void {
    const v = this.rsi.nextValue(bars.close[i]);
    out[offset] = v === undefined ? NaN : v / 100 - 0.5;
  }
}

class MacdColumns extends Columns<Cfg<'macd'>> {
  private readonly macd: MACD;
  constructor(config: Cfg<'macd'>) {
    super(config);
    this.macd = new MACD({
      values: [],
      fastPeriod: config.fast,
      slowPeriod: config.slow,
      signalPeriod: config.signal,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
  }
  protected update(bars: Bars, i: number, out: Float64Array, offset: number): void {
    const v = this.macd.nextValue(bars.close[i]);
    const close = bars.close[i];
    const line = v?.MACD ?? NaN;
    const hist = v?.histogram ?? NaN;
    // The library reports a signal of exactly 0 as undefined (a truthiness test); the histogram still has it.
    const signal = v?.signal ?? line - hist;
    out[offset] = line / close;
    out[offset + 1] = signal / close;
    out[offset + 2] = hist / close;
  }
}

/**
 * Hand-written rather than `BollingerBands.nextValue`: the library's σ re-walks the whole window through a
 * generator-based linked-list iterator on every bar (O(p), and allocation-heavy), which made Bollinger
 * alone cost more than the other five indicators together. The same definition (SMA_p ± k·σ, σ the
 * population std) with an O(1) rolling window; the tests check it against the library.
 */
class BollingerColumns extends Columns<Cfg<'bollinger'>> {
  private readonly window: RollingMoments;
  constructor(config: Cfg<'bollinger'>) {
    super(config);
    this.window = new RollingMoments(config.period);
  }
  protected update(bars: Bars, i: number, out: Float64Array, offset: number): void {
    const close = bars.close[i];
    const w = this.window;
    w.push(close);
    if (!w.full) {
      out[offset] = NaN;
      out[offset + 1] = NaN;
      return;
    }
    const sigma = Math.sqrt(w.m2 / w.size);
    if (sigma <= CONSTANT_WINDOW * Math.abs(w.mean)) {
      out[offset] = 0; // a constant window has no band: the close is at the middle
      out[offset + 1] = 0;
      return;
    }
    const width = 2 * this.config.stdDev * sigma;
    // (close − lower)/(upper − lower) − 0.5 = (close − middle)/(upper − lower)
    out[offset] = (close - w.mean) / width;
    out[offset + 1] = width / w.mean;
  }
}

class AtrColumns extends Columns<Cfg<'atr'>> {
  private readonly atr: ATR;
  /** Reused input object: the library copies the three numbers out on every call. */
  private readonly candle = { high: 0, low: 0, close: 0 };
  constructor(config: Cfg<'atr'>) {
    super(config);
    this.atr = new ATR({ period: config.period, high: [], low: [], close: [] });
  }
  protected update(bars: Bars, i: number, out: Float64Array, offset: number): void {
    const close = bars.close[i];
    this.candle.high = bars.high[i];
    this.candle.low = bars.low[i];
    this.candle.close = close;
    const v = this.atr.nextValue(this.candle);
    out[offset] = v === undefined ? NaN : v / close;
  }
}

class VolatilityColumns extends Columns<Cfg<'volatility'>> {
  private readonly window: RollingMoments;
  constructor(config: Cfg<'volatility'>) {
    super(config);
    this.window = new RollingMoments(config.period);
  }
  protected update(bars: Bars, i: number, out: Float64Array, offset: number): void {
    if (i > 0) this.window.push(Math.log(bars.close[i] / bars.close[i - 1]));
    out[offset] = this.window.full ? Math.sqrt(this.window.m2 / (this.window.size - 1)) : NaN;
  }
}

class VolumeZColumns extends Columns<Cfg<'volume-z'>> {
  private readonly window: RollingMoments;
  constructor(config: Cfg<'volume-z'>) {
    super(config);
    this.window = new RollingMoments(config.period);
  }
  protected update(bars: Bars, i: number, out: Float64Array, offset: number): void {
    const v = bars.volume[i];
    const w = this.window;
    w.push(v);
    if (!w.full) {
      out[offset] = NaN;
      return;
    }
    const std = Math.sqrt(w.m2 / (w.size - 1));
    out[offset] = std > CONSTANT_WINDOW * Math.abs(w.mean) ? (v - w.mean) / std : 0;
  }
}

/**
 * A window whose std is at most this fraction of its mean counts as constant (zero-width band, volume z = 0).
 * After an outlier leaves a sliding window of otherwise equal values, m2 keeps a few ulps of rounding, whose
 * square root is ≈ 1e-8·|mean|: this threshold lies above that residue and far below any real variation
 * (a one-cent tick on a 100 price is 1e-4).
 */
const CONSTANT_WINDOW = 1e-7;

/**
 * Mean and sum of squared deviations (`m2`) of the last `size` pushed values, O(1) per push: a sliding
 * Welford update, with an exact two-pass recomputation each time the ring buffer wraps (every `size`
 * pushes, so still O(1) amortised) to stop rounding error from accumulating over long series.
 */
class RollingMoments {
  mean = 0;
  m2 = 0;
  private readonly buf: Float64Array;
  private count = 0;
  private head = 0;

  constructor(readonly size: number) {
    this.buf = new Float64Array(size);
  }

  get full(): boolean {
    return this.count === this.size;
  }

  push(x: number): void {
    if (this.count < this.size) {
      this.buf[this.count++] = x;
      const d = x - this.mean;
      this.mean += d / this.count;
      this.m2 += d * (x - this.mean);
      return;
    }
    const old = this.buf[this.head];
    this.buf[this.head] = x;
    if (++this.head === this.size) {
      this.head = 0;
      this.recompute();
      return;
    }
    const oldMean = this.mean;
    this.mean += (x - old) / this.size;
    this.m2 += (x - old) * (x - this.mean + old - oldMean);
    if (this.m2 < 0) this.m2 = 0;
  }

  private recompute(): void {
    const n = this.size;
    let s = 0;
    for (let k = 0; k < n; k++) s += this.buf[k];
    const mean = s / n;
    let m2 = 0;
    for (let k = 0; k < n; k++) {
      const d = this.buf[k] - mean;
      m2 += d * d;
    }
    this.mean = mean;
    this.m2 = m2;
  }
}
