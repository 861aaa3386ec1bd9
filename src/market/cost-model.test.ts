import { describe, expect, it } from 'vitest';
import type { Bars } from '../data/bars.js';
import { barSeries } from './bar-series.js';
import {
  averageVolume,
  borrowCost,
  computeTradeCosts,
  costModelSchema,
  createTradeCosts,
  modelledSpread,
  seriesTradeCosts,
  trailingVolatility,
} from './cost-model.js';

/** 40 bars with irregular closes (so a shifted window gives a different σ) and volume 1000·(i+1). */
function handBars(amplitude: number, withSpread = false): Bars {
  const n = 40;
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    close[i] = 100 * (1 + amplitude * (((i * 7) % 11) - 5));
    volume[i] = 1000 * (i + 1);
  }
  const spread = new Float64Array(n);
  for (let i = 0; i < n; i++) spread[i] = 0.001 + 0.0001 * i;
  return {
    symbol: 'HAND',
    time: new Float64Array(n).map((_, i) => i),
    open: close.slice(),
    high: close.map((c) => c * 1.01),
    low: close.map((c) => c * 0.99),
    close,
    volume,
    ...(withSpread ? { spread } : {}),
    length: n,
  };
}

/** Sample std of ln(c[j]/c[j-1]) over j in [from, to], written out independently of the implementation. */
function handSigma(close: Float64Array, from: number, to: number): number {
  const r: number[] = [];
  for (let j = from; j <= to; j++) r.push(Math.log(close[j] / close[j - 1]));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
}

describe('trailing estimators', () => {
  const bars = handBars(0.01);

  it('σ_daily at fill bar 31 uses the returns ending at bar 30 only (j = 11..30)', () => {
    const expected = handSigma(bars.close, 11, 30);
    expect(trailingVolatility(bars.close, 31, 20)).toBeCloseTo(expected, 14);
    // The window is really shifted by one bar per fill bar: bar 32 sees j = 12..31.
    expect(trailingVolatility(bars.close, 32, 20)).toBeCloseTo(handSigma(bars.close, 12, 31), 14);
    expect(Math.abs(trailingVolatility(bars.close, 32, 20) - expected)).toBeGreaterThan(1e-6);
  });

  it('ignores the fill bar and everything after it', () => {
    const changed = handBars(0.01);
    for (let i = 31; i < 40; i++) {
      changed.close[i] *= 3;
      changed.volume[i] *= 7;
    }
    expect(trailingVolatility(changed.close, 31, 20)).toBe(trailingVolatility(bars.close, 31, 20));
    expect(averageVolume(changed.volume, 31, 20)).toBe(averageVolume(bars.volume, 31, 20));
  });

  it('ADV at fill bar 31 is the mean volume of bars 11..30', () => {
    // sum_{j=11}^{30} 1000·(j+1) = 1000·(12+…+31) = 430,000 over 20 bars.
    expect(averageVolume(bars.volume, 31, 20)).toBe(21500);
  });

  it('shrinks the windows near the start of the series and reports unavailable σ as NaN', () => {
    expect(averageVolume(bars.volume, 3, 20)).toBe(2000); // (1000 + 2000 + 3000) / 3
    expect(averageVolume(bars.volume, 0, 20)).toBe(0);
    expect(trailingVolatility(bars.close, 3, 20)).toBeCloseTo(handSigma(bars.close, 1, 2), 14);
    expect(trailingVolatility(bars.close, 2, 20)).toBeNaN(); // one return only
  });
});

describe('computeTradeCosts', () => {
  const defaults = costModelSchema.parse({});

  it('has the documented defaults', () => {
    expect(defaults).toEqual({
      spreadBps: 2,
      spreadVolScale: 0,
      impactK: 0.1,
      advWindow: 20,
      volWindow: 20,
      commissionBps: 1,
      commissionMin: 0,
      borrowBpsPerYear: 25,
    });
    expect(costModelSchema.safeParse({ borrowBpsPerYear: -1 }).success).toBe(false);
    expect(costModelSchema.safeParse({ impactK: -1 }).success).toBe(false);
    expect(costModelSchema.safeParse({ volWindow: 1 }).success).toBe(false);
  });

  it('charges half-spread, square-root impact and commission exactly as documented', () => {
    const bars = handBars(0.01);
    const out = computeTradeCosts(defaults, bars, 31, 5000, 100, createTradeCosts());
    const notional = 5000 * 100;
    const sigma = handSigma(bars.close, 11, 30);
    expect(out.spread).toBeCloseTo((notional * 0.0002) / 2, 9); // 50
    expect(out.impact).toBeCloseTo(notional * 0.1 * sigma * Math.sqrt(5000 / 21500), 9);
    expect(out.commission).toBeCloseTo(notional * 1e-4, 9); // 50
    expect(out.total).toBeCloseTo(out.spread + out.impact + out.commission, 9);
    expect(out.impact).toBeGreaterThan(0);
  });

  it('charges a sale like a purchase of the same size', () => {
    const bars = handBars(0.01);
    const buy = { ...computeTradeCosts(defaults, bars, 31, 5000, 100, createTradeCosts()) };
    const sell = computeTradeCosts(defaults, bars, 31, -5000, 100, createTradeCosts());
    expect(sell).toEqual(buy);
  });

  it('applies the commission minimum, in currency per trade', () => {
    const bars = handBars(0.01);
    const cfg = costModelSchema.parse({ commissionMin: 80 });
    expect(computeTradeCosts(cfg, bars, 31, 5000, 100, createTradeCosts()).commission).toBe(80); // bps part is 50
    expect(computeTradeCosts(cfg, bars, 31, 10, 100, createTradeCosts()).commission).toBe(80); // bps part is 0.1
    expect(computeTradeCosts(cfg, bars, 31, 20000, 100, createTradeCosts()).commission).toBeCloseTo(200, 9); // bps part wins
  });

  it('charges nothing when nothing trades, minimum commission included', () => {
    const cfg = costModelSchema.parse({ commissionMin: 80, spreadBps: 10 });
    const out = computeTradeCosts(cfg, handBars(0.01), 31, 0, 100, createTradeCosts());
    expect([out.spread, out.impact, out.commission, out.total]).toEqual([0, 0, 0, 0]);
  });

  it('takes the spread from the bars spread column at the fill bar, ignoring the model', () => {
    const bars = handBars(0.01, true);
    const cfg = costModelSchema.parse({ spreadBps: 50, spreadVolScale: 3, impactK: 0, commissionBps: 0 });
    const out = computeTradeCosts(cfg, bars, 26, 10000, 100, createTradeCosts());
    expect(out.spread).toBeCloseTo((1e6 * (0.001 + 0.0001 * 26)) / 2, 9); // 1800
    expect(out.total).toBeCloseTo(out.spread, 9);
  });

  it('scales the modelled spread by σ_daily/1% and floors it at zero', () => {
    const bars = handBars(0.001); // σ_daily well below 1%
    const sigma = handSigma(bars.close, 11, 30);
    expect(sigma).toBeLessThan(0.009);
    const scaled = costModelSchema.parse({ spreadVolScale: 1 });
    expect(modelledSpread(scaled, bars, 31, trailingVolatility(bars.close, 31, 20))).toBeCloseTo(0.0002 * (sigma / 0.01), 12);
    const floored = costModelSchema.parse({ spreadVolScale: 10, impactK: 0, commissionBps: 0 });
    // 1 + 10·(σ/0.01 − 1) < 0 → spread 0.
    expect(computeTradeCosts(floored, bars, 31, 1000, 100, createTradeCosts()).total).toBe(0);
  });

  it('charges no impact when ADV is zero or σ_daily is unavailable', () => {
    const bars = handBars(0.01);
    bars.volume.fill(0);
    const cfg = costModelSchema.parse({ spreadBps: 0, commissionBps: 0, impactK: 1 });
    expect(computeTradeCosts(cfg, bars, 31, 5000, 100, createTradeCosts()).impact).toBe(0);
    const early = handBars(0.01);
    expect(computeTradeCosts(cfg, early, 1, 5000, 100, createTradeCosts()).impact).toBe(0);
  });

  it('writes into the struct it is given', () => {
    const out = createTradeCosts();
    expect(computeTradeCosts(defaults, handBars(0.01), 31, 100, 100, out)).toBe(out);
  });
});

describe('seriesTradeCosts', () => {
  it('gives what computeTradeCosts gives for the same bars (one cost formula)', () => {
    const bars = handBars(0.01);
    const cfg = costModelSchema.parse({ spreadVolScale: 0.5, commissionMin: 3 });
    for (const [fill, dq] of [[31, 5000], [25, -120], [3, 10], [39, 0]]) {
      const a = { ...computeTradeCosts(cfg, bars, fill, dq, 101, createTradeCosts()) };
      expect(seriesTradeCosts(cfg, barSeries(bars), fill, dq, 101, createTradeCosts())).toEqual(a);
    }
  });
});

describe('borrowCost', () => {
  const DAY = 86_400_000;
  const cfg = costModelSchema.parse({});

  it('charges bps per year of the short notional per calendar day (365/year), weekends included', () => {
    // 10,000 shares short at 100 = 1e6 notional; 25 bps/yr; Friday close → Monday close = 3 days.
    expect(borrowCost(cfg, -10_000, 100, 4 * DAY, 7 * DAY)).toBeCloseTo((1e6 * 0.0025 * 3) / 365, 12); // 20.5479…
    expect(borrowCost(cfg, -10_000, 100, 0, DAY)).toBeCloseTo(1e6 * 0.0025 / 365, 12); // 6.849…
    const custom = costModelSchema.parse({ borrowBpsPerYear: 300 });
    expect(borrowCost(custom, -500, 40, 0, 2 * DAY)).toBeCloseTo((20_000 * 0.03 * 2) / 365, 12);
  });

  it('charges nothing for longs, flat books, zero rates or empty intervals', () => {
    expect(borrowCost(cfg, 10_000, 100, 0, DAY)).toBe(0);
    expect(borrowCost(cfg, 0, 100, 0, DAY)).toBe(0);
    expect(borrowCost(costModelSchema.parse({ borrowBpsPerYear: 0 }), -10_000, 100, 0, DAY)).toBe(0);
    expect(borrowCost(cfg, -10_000, 100, DAY, DAY)).toBe(0);
  });
});
