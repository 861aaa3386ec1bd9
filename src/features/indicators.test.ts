import { BollingerBands } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { RlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { allocBars, DAY_MS } from '../data/bars.js';
import type { Bars } from '../data/bars.js';
import { indicatorSchema } from './config.js';
import type { IndicatorConfig } from './config.js';
import { computeIndicators, createIndicator, indicatorNames, indicatorWarmup } from './indicators.js';

/** A seeded random walk with valid OHLCV (low ≤ open, close ≤ high; volume > 0). */
function randomWalk(seed: string, n: number, sigma = 0.01): Bars {
  const rng = Rng.fromSeed(seed);
  const bars = allocBars('TEST', n);
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close * Math.exp(0.002 * rng.normal());
    close = open * Math.exp(sigma * rng.normal());
    bars.time[i] = i * DAY_MS;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * Math.exp(0.004 * Math.abs(rng.normal()));
    bars.low[i] = Math.min(open, close) * Math.exp(-0.004 * Math.abs(rng.normal()));
    bars.volume[i] = Math.round(1e6 * Math.exp(0.4 * rng.normal()));
  }
  return bars;
}

function fromCloses(closes: readonly number[], volumes?: readonly number[]): Bars {
  const bars = allocBars('HAND', closes.length);
  closes.forEach((c, i) => {
    bars.time[i] = i * DAY_MS;
    bars.open[i] = bars.high[i] = bars.low[i] = bars.close[i] = c;
    bars.volume[i] = volumes?.[i] ?? 1000;
  });
  return bars;
}

/** Column j of a single indicator's output, as a plain array (NaN in warm-up). */
function column(config: IndicatorConfig, bars: Bars, j = 0): number[] {
  const { dim, values } = computeIndicators([config], bars);
  return Array.from({ length: bars.length }, (_, i) => values[i * dim + j]);
}

function expectClose(actual: readonly number[], expected: readonly number[], rel = 1e-9, abs = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) {
      expect(actual[i], `bar ${i}`).toBeNaN();
      continue;
    }
    const error = Math.abs(actual[i] - expected[i]);
    expect(error, `bar ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(abs + rel * Math.abs(expected[i]));
  }
}

const nanArray = (n: number): number[] => new Array<number>(n).fill(NaN);

/** EMA with α = 2/(n+1), seeded with the SMA of its first n inputs (x[start..start+n−1]). */
function ema(x: readonly number[], n: number, start: number): number[] {
  const out = nanArray(x.length);
  if (start + n > x.length) return out;
  let e = 0;
  for (let i = start; i < start + n; i++) e += x[i];
  e /= n;
  out[start + n - 1] = e;
  const a = 2 / (n + 1);
  for (let i = start + n; i < x.length; i++) out[i] = e = (x[i] - e) * a + e;
  return out;
}

/** Wilder's RSI: average gain/loss seeded with the mean of the first p changes, then (prev·(p−1) + x)/p. */
function wilderRsi(c: readonly number[], p: number): number[] {
  const out = nanArray(c.length);
  let gain = 0;
  let loss = 0;
  const rsiOf = (g: number, l: number): number => (l === 0 ? 100 : g === 0 ? 0 : 100 - 100 / (1 + g / l));
  for (let i = 1; i < c.length; i++) {
    const d = c[i] - c[i - 1];
    if (i <= p) {
      gain += Math.max(d, 0);
      loss += Math.max(-d, 0);
      if (i === p) {
        gain /= p;
        loss /= p;
        out[i] = rsiOf(gain, loss);
      }
    } else {
      gain = (gain * (p - 1) + Math.max(d, 0)) / p;
      loss = (loss * (p - 1) + Math.max(-d, 0)) / p;
      out[i] = rsiOf(gain, loss);
    }
  }
  return out;
}

/** Mean and std of xs[from..to] (inclusive), dividing by n − ddof. */
function moments(xs: ArrayLike<number>, from: number, to: number, ddof: number): { mean: number; std: number } {
  let s = 0;
  for (let k = from; k <= to; k++) s += xs[k];
  const n = to - from + 1;
  const mean = s / n;
  let ss = 0;
  for (let k = from; k <= to; k++) ss += (xs[k] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - ddof)) };
}

const ALL: IndicatorConfig[] = [
  { kind: 'rsi', period: 14 },
  { kind: 'macd', fast: 12, slow: 26, signal: 9 },
  { kind: 'bollinger', period: 20, stdDev: 2 },
  { kind: 'atr', period: 14 },
  { kind: 'volatility', period: 20 },
  { kind: 'volume-z', period: 20 },
];

describe('names and warm-up', () => {
  it('names follow the documented pattern and defaults come from the schema', () => {
    expect(indicatorNames(indicatorSchema.parse({ kind: 'rsi' }))).toEqual(['rsi14']);
    expect(indicatorNames(indicatorSchema.parse({ kind: 'macd' }))).toEqual(['macd12_26_9.macd', 'macd12_26_9.signal', 'macd12_26_9.hist']);
    expect(indicatorNames(indicatorSchema.parse({ kind: 'bollinger', stdDev: 2.5 }))).toEqual(['bb20_2.5.pctb', 'bb20_2.5.width']);
    expect(ALL.flatMap(indicatorNames).slice(6)).toEqual(['atr14', 'vol20', 'volz20']);
  });

  const configs: IndicatorConfig[] = [
    ...ALL,
    { kind: 'rsi', period: 2 },
    { kind: 'macd', fast: 3, slow: 5, signal: 4 },
    { kind: 'macd', fast: 7, slow: 4, signal: 2 }, // fast > slow: the longer EMA sets the warm-up
    { kind: 'bollinger', period: 2, stdDev: 1 },
    { kind: 'atr', period: 1 },
    { kind: 'volatility', period: 2 },
    { kind: 'volume-z', period: 2 },
  ];
  it.each(configs.map((c) => [indicatorNames(c).join(','), c] as const))('%s: NaN exactly for the documented warm-up', (_, config) => {
    const bars = randomWalk('warmup', 80);
    const { dim, values } = computeIndicators([config], bars);
    const warmup = indicatorWarmup(config);
    expect(createIndicator(config).warmup).toEqual(warmup);
    for (let j = 0; j < dim; j++) {
      for (let i = 0; i < bars.length; i++) {
        const v = values[i * dim + j];
        if (i < warmup[j]) expect(v, `column ${j} bar ${i}`).toBeNaN();
        else expect(Number.isFinite(v), `column ${j} bar ${i}: ${v}`).toBe(true);
      }
    }
  });

  it('throws unless bars are fed in order, once each', () => {
    const bars = randomWalk('order', 10);
    const cols = createIndicator({ kind: 'rsi', period: 3 });
    const out = new Float64Array(1);
    cols.next(bars, 0, out, 0);
    const skip = (): void => cols.next(bars, 2, out, 0);
    expect(skip).toThrow(RlError);
    try {
      skip();
    } catch (e) {
      expect((e as RlError).code).toBe('E_ASSERT');
    }
  });
});

describe('against direct computations', () => {
  const bars = randomWalk('direct', 2000);
  const c = Array.from(bars.close);

  it('rsi: hand-made series; the library rounds RSI to 2 decimals, otherwise Wilder exactly', () => {
    const hand = [
      44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41,
      46.22, 45.64,
    ];
    const expected = [...nanArray(14), 70.46, 66.25, 66.48, 69.35, 66.29, 57.92]; // RSI points, 2 decimals
    const got = column({ kind: 'rsi', period: 14 }, fromCloses(hand)).map((v) => (v + 0.5) * 100);
    expectClose(got, expected, 1e-12);
    expectClose(
      wilderRsi(hand, 14).map((v) => Math.round(v * 100) / 100),
      expected,
      1e-12,
    );

    for (const p of [2, 14, 30]) {
      const lib = column({ kind: 'rsi', period: p }, bars);
      const direct = wilderRsi(c, p).map((v) => v / 100 - 0.5);
      expectClose(lib, direct, 0, 0.005 / 100 + 1e-12); // half of the 0.01-point rounding step
      // Every library value is on the 0.01-point grid, and the rounding is visible.
      expect(lib.every((v) => Number.isNaN(v) || Math.abs((v + 0.5) * 1e4 - Math.round((v + 0.5) * 1e4)) < 1e-6)).toBe(true);
      expect(Math.max(...lib.map((v, i) => (Number.isNaN(v) ? 0 : Math.abs(v - direct[i]))))).toBeGreaterThan(1e-6);
    }
  });

  it('rsi: a flat series reads 100 (the library checks avg loss = 0 first)', () => {
    const flat = column({ kind: 'rsi', period: 3 }, fromCloses([5, 5, 5, 5, 5, 5]));
    expectClose(flat, [NaN, NaN, NaN, 0.5, 0.5, 0.5]);
  });

  it('macd: EMA variant with each EMA seeded by its SMA, divided by close', () => {
    for (const [f, s, g] of [
      [12, 26, 9],
      [3, 10, 4],
    ]) {
      const fast = ema(c, f, 0);
      const slow = ema(c, s, 0);
      const line = c.map((_, i) => fast[i] - slow[i]);
      const signal = ema(line, g, s - 1);
      const config: IndicatorConfig = { kind: 'macd', fast: f, slow: s, signal: g };
      expectClose(column(config, bars, 0), line.map((v, i) => v / c[i]));
      expectClose(column(config, bars, 1), signal.map((v, i) => v / c[i]));
      expectClose(column(config, bars, 2), line.map((v, i) => (v - signal[i]) / c[i]));
    }
  });

  it('bollinger: SMA ± k·σ with the population σ, matching the library BollingerBands', () => {
    for (const [p, k] of [
      [20, 2],
      [5, 1.5],
    ]) {
      const config: IndicatorConfig = { kind: 'bollinger', period: p, stdDev: k };
      const pctb = column(config, bars, 0);
      const width = column(config, bars, 1);
      const directB = nanArray(c.length);
      const directW = nanArray(c.length);
      const lib = new BollingerBands({ period: p, stdDev: k, values: [] });
      const libB = nanArray(c.length);
      const libW = nanArray(c.length);
      for (let i = 0; i < c.length; i++) {
        const out = lib.nextValue(c[i]);
        if (out !== undefined) {
          libB[i] = (c[i] - out.lower) / (out.upper - out.lower) - 0.5;
          libW[i] = (out.upper - out.lower) / out.middle;
          // The library's σ is the population std (÷ p), not the sample std (÷ (p − 1)).
          const pop = moments(c, i - p + 1, i, 0);
          const sample = moments(c, i - p + 1, i, 1);
          expect(Math.abs((out.upper - out.middle) / k - pop.std)).toBeLessThanOrEqual(1e-9 * pop.std);
          expect(Math.abs((out.upper - out.middle) / k - sample.std)).toBeGreaterThan(1e-3 * sample.std);
        }
        if (i >= p - 1) {
          const { mean, std } = moments(c, i - p + 1, i, 0);
          directB[i] = (c[i] - (mean - k * std)) / (2 * k * std) - 0.5;
          directW[i] = (2 * k * std) / mean;
        }
      }
      expectClose(pctb, directB);
      expectClose(width, directW);
      expectClose(pctb, libB, 1e-9, 1e-9);
      expectClose(width, libW, 1e-9, 1e-12);
    }
  });

  it('bollinger: a constant window has zero width and %b at the middle', () => {
    const closes = [10, 11, 10, 10, 10, 10, 10, 10];
    const b = column({ kind: 'bollinger', period: 3, stdDev: 2 }, fromCloses(closes), 0);
    const w = column({ kind: 'bollinger', period: 3, stdDev: 2 }, fromCloses(closes), 1);
    expect(b.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(b[2]).toBeLessThan(0); // [10, 11, 10]: close below the middle
    expect(b.slice(4)).toEqual([0, 0, 0, 0]);
    expect(w.slice(4)).toEqual([0, 0, 0, 0]);
  });

  it("atr: Wilder's ATR from bar 1's true range, divided by close", () => {
    for (const p of [1, 14]) {
      const tr = nanArray(c.length);
      for (let i = 1; i < c.length; i++) {
        tr[i] = Math.max(bars.high[i] - bars.low[i], Math.abs(bars.high[i] - c[i - 1]), Math.abs(bars.low[i] - c[i - 1]));
      }
      const direct = nanArray(c.length);
      let atr = 0;
      for (let i = 1; i < c.length; i++) {
        if (i <= p) {
          atr += tr[i] / p;
          if (i === p) direct[i] = atr / c[i];
        } else {
          atr = (atr * (p - 1) + tr[i]) / p;
          direct[i] = atr / c[i];
        }
      }
      expectClose(column({ kind: 'atr', period: p }, bars), direct);
    }
  });

  it('volatility: sample std of the last p log returns', () => {
    const r = c.map((v, i) => (i === 0 ? NaN : Math.log(v / c[i - 1])));
    for (const p of [2, 20, 63]) {
      const direct = c.map((_, i) => (i < p ? NaN : moments(r, i - p + 1, i, 1).std));
      expectClose(column({ kind: 'volatility', period: p }, bars), direct);
    }
  });

  it('volume-z: z-score of v_t over the p volumes ending at t (sample std)', () => {
    const v = bars.volume;
    for (const p of [2, 20, 50]) {
      const direct = c.map((_, i) => {
        if (i < p - 1) return NaN;
        const { mean, std } = moments(v, i - p + 1, i, 1);
        return (v[i] - mean) / std;
      });
      expectClose(column({ kind: 'volume-z', period: p }, bars), direct, 1e-9, 1e-9);
    }
  });

  it('volume-z: 0 for a constant window, including after an outlier has left it', () => {
    const volumes = [5, 5, 5, 7, 5, 5, 5, 5, 5, 5, 5, 3e9, 5, 5, 5, 5, 5, 5].map((x) => x * 1000);
    const z = column({ kind: 'volume-z', period: 4 }, fromCloses(new Array<number>(volumes.length).fill(10), volumes));
    expect(z.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(z[3]).toBeCloseTo(1.5, 12); // [5, 5, 5, 7]: mean 5.5, sample std 1
    expect(z.slice(7, 11)).toEqual([0, 0, 0, 0]);
    expect(z.slice(15)).toEqual([0, 0, 0]);
  });
});

describe('scale-freeness', () => {
  it.each([10, 1 / 7])('multiplying every price and volume by %d leaves every column unchanged', (factor) => {
    const bars = randomWalk('scale', 1500);
    const scaled = allocBars('TEST', bars.length);
    scaled.time.set(bars.time);
    for (const key of ['open', 'high', 'low', 'close', 'volume'] as const) {
      for (let i = 0; i < bars.length; i++) scaled[key][i] = bars[key][i] * factor;
    }
    const a = computeIndicators(ALL, bars);
    const b = computeIndicators(ALL, scaled);
    for (let j = 0; j < a.dim; j++) {
      const colA = Array.from({ length: bars.length }, (_, i) => a.values[i * a.dim + j]);
      const colB = Array.from({ length: bars.length }, (_, i) => b.values[i * b.dim + j]);
      expectClose(colB, colA, 1e-9, 1e-12);
    }
  });
});
