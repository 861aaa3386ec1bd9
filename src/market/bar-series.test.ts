import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { Bars } from '../data/bars.js';
import { loadBuiltinSp500 } from '../data/builtin.js';
import { BarSeries, barSeries, validateBars } from './bar-series.js';
import { averageVolume, trailingVolatility } from './cost-model.js';

/** Bars with given closes and volumes (other columns derived; only close and volume matter here). */
function barsOf(close: Float64Array, volume: Float64Array): Bars {
  const n = close.length;
  return { symbol: 'S', time: new Float64Array(n).map((_, i) => i), open: close, high: close, low: close, close, volume, length: n };
}

/** Worst relative gap between the O(1) series and the direct O(window) reference, over every fill bar. */
function worstGaps(bars: Bars, windows: number[]): { sigma: number; adv: number; compared: number } {
  const s = new BarSeries(bars);
  let sigma = 0;
  let adv = 0;
  let compared = 0;
  for (const w of windows) {
    for (let f = 0; f <= bars.length; f++) {
      const direct = trailingVolatility(bars.close, f, w);
      const fast = s.trailingVolatility(f, w);
      if (Number.isNaN(direct)) {
        expect(fast).toBeNaN();
      } else {
        sigma = Math.max(sigma, Math.abs(fast - direct) / direct);
        compared++;
      }
      const v = averageVolume(bars.volume, f, w);
      adv = Math.max(adv, v === 0 ? Math.abs(s.averageVolume(f, w)) : Math.abs(s.averageVolume(f, w) - v) / v);
    }
  }
  return { sigma, adv, compared };
}

const WINDOWS = [2, 3, 5, 10, 20, 63, 252];

describe('BarSeries', () => {
  it('scaled returns are exactly the Float32 of ln(close[i]/close[i−1])·scale', () => {
    const bars = loadBuiltinSp500();
    const s = barSeries(bars);
    const scaled = s.scaledReturns(100);
    expect(scaled[0]).toBe(0);
    for (let i = 1; i < bars.length; i++) {
      expect(s.logReturns[i]).toBe(Math.log(bars.close[i] / bars.close[i - 1]));
      expect(scaled[i]).toBe(Math.fround(Math.log(bars.close[i] / bars.close[i - 1]) * 100));
    }
    expect(s.scaledReturns(100)).toBe(scaled); // cached per scale
    expect(s.scaledReturns(1)[5]).toBe(Math.fround(s.logReturns[5]));
  });

  it('matches the direct σ and ADV to ≤ 1e-12 relative on the S&P 500 for windows of 2 to 252 bars', () => {
    const gaps = worstGaps(loadBuiltinSp500(), WINDOWS);
    expect(gaps.compared).toBeGreaterThan(30_000);
    expect(gaps.sigma).toBeLessThanOrEqual(1e-12);
    expect(gaps.adv).toBeLessThanOrEqual(1e-12);
  });

  it('stays within 1e-12 through a 100× volatility regime change and a strong trend (cancellation guard)', () => {
    const rng = Rng.fromSeed('stress');
    const n = 20_000;
    const regime = new Float64Array(n);
    const trend = new Float64Array(n);
    const volume = new Float64Array(n);
    let p = 100;
    let q = 100;
    for (let i = 0; i < n; i++) {
      p *= Math.exp(0.0003 + (i < n / 2 ? 0.05 : 0.0005) * rng.normal()); // calm half: mean ≈ 0.6σ
      q *= Math.exp(0.01 + 0.0005 * rng.normal()); // mean = 20σ: raw moments would cancel
      regime[i] = p;
      trend[i] = q;
      volume[i] = 1e9 * Math.exp(rng.normal()) + 0.37;
    }
    for (const close of [regime, trend]) {
      const gaps = worstGaps(barsOf(close, volume), WINDOWS);
      expect(gaps.sigma).toBeLessThanOrEqual(1e-12);
      expect(gaps.adv).toBeLessThanOrEqual(1e-12);
    }
  });

  it('is causal: changing bars after t leaves every window ending at or before t bit-identical', () => {
    const rng = Rng.fromSeed('causal');
    const n = 300;
    const close = new Float64Array(n).map((_, i) => 100 * Math.exp(0.01 * Math.sin(i) + 0.002 * i));
    const volume = new Float64Array(n).map(() => 1e6 * (1 + rng.uniform()));
    const a = new BarSeries(barsOf(close, volume));
    const t = 150;
    const close2 = close.slice();
    const volume2 = volume.slice();
    for (let i = t + 1; i < n; i++) {
      close2[i] *= 1 + 0.3 * rng.normal() ** 2;
      volume2[i] *= 5;
    }
    const b = new BarSeries(barsOf(close2, volume2));
    for (let f = 0; f <= t + 1; f++) {
      for (const w of [2, 20, 100]) {
        expect(Object.is(b.trailingVolatility(f, w), a.trailingVolatility(f, w))).toBe(true);
        expect(b.averageVolume(f, w)).toBe(a.averageVolume(f, w));
      }
    }
    expect(b.trailingVolatility(n - 1, 20)).not.toBe(a.trailingVolatility(n - 1, 20));
  });

  it('shrinks windows at the start of the series like the reference', () => {
    const s = barSeries(barsOf(Float64Array.of(100, 101, 99, 102), Float64Array.of(1000, 2000, 3000, 4000)));
    expect(s.averageVolume(0, 20)).toBe(0);
    expect(s.averageVolume(3, 20)).toBe(2000);
    expect(s.trailingVolatility(2, 20)).toBeNaN(); // one return only
    expect(s.trailingVolatility(3, 20)).toBeCloseTo(Math.abs(Math.log(101 / 100) - Math.log(99 / 101)) / Math.SQRT2, 15);
  });

  it('is cached per Bars object', () => {
    const bars = barsOf(Float64Array.of(1, 2, 3), Float64Array.of(1, 1, 1));
    expect(barSeries(bars)).toBe(barSeries(bars));
    expect(barSeries({ ...bars })).not.toBe(barSeries(bars));
  });
});

describe('validateBars', () => {
  it('names the field and bar index of the first bad value', () => {
    const bars = barsOf(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1));
    expect(() => validateBars(bars)).not.toThrow();
    const nan = { ...bars, close: Float64Array.of(1, 2, Number.NaN, 4) };
    expect(() => validateBars(nan)).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'close', message: expect.stringMatching(/index 2\b/) }));
    const neg = { ...bars, volume: Float64Array.of(1, -1, 1, 1) };
    expect(() => validateBars(neg)).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'volume', message: expect.stringMatching(/index 1\b/) }));
    const short = { ...bars, high: Float64Array.of(1, 2) };
    expect(() => validateBars(short)).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'high' }));
  });
});
