import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { autocorrelation, mean } from '../src/stats/descriptive.js';
import { gbm } from './gbm.js';
import { writeBar } from './ohlc.js';
import { sideChannelConfigSchema, withSideChannels } from './side-channels.js';

/** Bars whose close-to-close log returns are `r` (split 30% overnight), with a small intraday range. */
function barsFromReturns(r: ArrayLike<number>): Bars {
  const bars = allocBars('SYN', r.length);
  let prev = 100;
  for (let t = 0; t < r.length; t++) {
    bars.time[t] = t * 86_400_000;
    const on = 0.3 * r[t];
    const id = 0.7 * r[t];
    prev = writeBar(bars, t, prev, on, Math.max(0, id) + 0.002, Math.min(0, id) - 0.002, id, 1e6);
  }
  return bars;
}

function gbmBars(seed: string, length: number): Bars {
  const asset = { symbol: 'SYN', mu: 0, sigma: 0.01, overnightShare: 0.3, volume: { logMean: 13, logStd: 0.3 }, initialPrice: 100 };
  return gbm.sample({ assets: [asset] }, Rng.fromSeed(seed), { length, paths: 1 })[0][0];
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

const asBytes = (x: Float64Array): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

describe('withSideChannels: causality', () => {
  it('perturbing bars after t leaves spread, depth and imbalance up to t byte-identical', () => {
    const bars = gbmBars('causal', 400);
    const base = withSideChannels(bars, {}, Rng.fromSeed(5));
    for (const t of [0, 1, 57, 200, 398]) {
      const changed = gbmBars(`causal/${t}`, 400); // a different future …
      const mixed: Bars = {
        ...bars,
        open: bars.open.slice(),
        high: bars.high.slice(),
        low: bars.low.slice(),
        close: bars.close.slice(),
        volume: bars.volume.slice(),
      };
      for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) mixed[f].set(changed[f].subarray(t + 1), t + 1); // … after t
      const out = withSideChannels(mixed, {}, Rng.fromSeed(5));
      expect(asBytes(out.bars.spread!.subarray(0, t + 1)).equals(asBytes(base.bars.spread!.subarray(0, t + 1)))).toBe(true);
      expect(asBytes(out.depth.subarray(0, t + 1)).equals(asBytes(base.depth.subarray(0, t + 1)))).toBe(true);
      expect(asBytes(out.imbalance.subarray(0, t + 1)).equals(asBytes(base.imbalance.subarray(0, t + 1)))).toBe(true);
      if (t < 398) expect(out.bars.spread![t + 1]).not.toBe(base.bars.spread![t + 1]);
    }
  });
});

/** EWMA of |r_t| with normalised weights (the test's own volatility proxy), r_0 = ln(close_0/open_0). */
function absReturnEwma(bars: Bars, halfLife: number): Float64Array {
  const lambda = Math.pow(2, -1 / halfLife);
  const out = new Float64Array(bars.length);
  let num = 0;
  let den = 0;
  for (let t = 0; t < bars.length; t++) {
    num = lambda * num + Math.abs(Math.log(bars.close[t] / (t === 0 ? bars.open[0] : bars.close[t - 1])));
    den = lambda * den + 1;
    out[t] = num / den;
  }
  return out;
}

describe('withSideChannels: spread and depth', () => {
  // Calm and stressed stretches: per-bar volatility 0.5%, 2.5%, 0.8%, 4%, 1%.
  const rng = Rng.fromSeed('stretches');
  const sigmas = [0.005, 0.025, 0.008, 0.04, 0.01];
  const r = new Float64Array(sigmas.length * 300);
  for (let i = 0; i < r.length; i++) r[i] = sigmas[Math.floor(i / 300)] * rng.normal();
  const bars = barsFromReturns(r);
  const halfLife = 10;
  const skip = 30; // the first bars, before the EWMAs have seen enough returns
  const { bars: quoted, depth } = withSideChannels(bars, { ewmaHalfLife: halfLife, minSpreadBps: 0 }, Rng.fromSeed(1));
  const spread = quoted.spread!;

  it('widens in high-volatility stretches: correlation > 0.9 with the EWMA of |r| (fixed reference)', () => {
    const anchored = withSideChannels(bars, { ewmaHalfLife: halfLife, referenceVol: 0.01 }, Rng.fromSeed(1)).bars.spread!;
    expect(correlation(anchored.subarray(skip), absReturnEwma(bars, halfLife).subarray(skip))).toBeGreaterThan(0.9);
    const stretchMean = (k: number, x: Float64Array): number => mean(x.subarray(k * 300 + 50, (k + 1) * 300));
    // Also with the default running-mean reference, which rises after each stressed stretch.
    expect(stretchMean(1, spread)).toBeGreaterThan(2 * stretchMean(0, spread));
    expect(stretchMean(3, spread)).toBeGreaterThan(2 * stretchMean(2, spread));
    expect(stretchMean(1, depth)).toBeLessThan(stretchMean(0, depth));
    expect(stretchMean(3, depth)).toBeLessThan(stretchMean(2, depth));
  });

  it('tracks volatility clustering with the default config: correlation > 0.9 on a seeded GARCH(1,1) sample', () => {
    const g = new Float64Array(3000);
    const draw = Rng.fromSeed('garch');
    let h = 1e-4;
    for (let t = 0; t < g.length; t++) {
      g[t] = Math.sqrt(h) * draw.normal();
      h = 2e-6 + 0.1 * g[t] ** 2 + 0.88 * h;
    }
    const clustered = barsFromReturns(g);
    const { bars: out } = withSideChannels(clustered, {}, Rng.fromSeed(1));
    expect(correlation(out.spread!.subarray(skip), absReturnEwma(clustered, 10).subarray(skip))).toBeGreaterThan(0.9);
  });

  it('is a fraction of price: 2 bps on average at the default base, and depth is positive', () => {
    for (const s of spread) expect(s).toBeGreaterThanOrEqual(0);
    for (const d of depth) expect(d).toBeGreaterThan(0);
    expect(mean(spread)).toBeGreaterThan(0.5e-4);
    expect(mean(spread)).toBeLessThan(5e-4);
  });

  it('respects the floor', () => {
    const { bars: floored } = withSideChannels(bars, { volSensitivity: 3, minSpreadBps: 1.5 }, Rng.fromSeed(1));
    let atFloor = 0;
    for (const s of floored.spread!) {
      expect(s).toBeGreaterThanOrEqual(1.5e-4);
      if (s === 1.5e-4) atFloor++;
    }
    expect(atFloor).toBeGreaterThan(100); // the calm stretches sit on it
  });

  it('matches the formula exactly with a fixed reference volatility', () => {
    // Constant |r| = 1%: the normalised EWMA is exactly σ_t = 0.01, so v = σ/σ̄ = 2 for σ̄ = 0.005.
    const flat = barsFromReturns(new Float64Array(50).map((_, i) => (i % 2 === 0 ? 0.01 : -0.01)));
    flat.open[0] = flat.close[0] / Math.exp(0.01); // r_0 = ln(close_0/open_0) = 0.01 too
    const cfg = { baseSpreadBps: 4, volSensitivity: 0.5, referenceVol: 0.005, depthBase: 2e6, depthVolSensitivity: 0.7 };
    const { bars: out, depth } = withSideChannels(flat, cfg, Rng.fromSeed(0));
    for (let t = 0; t < 50; t++) {
      expect(out.spread![t]).toBeCloseTo((4 / 1e4) * (1 + 0.5 * (2 - 1)), 15);
      expect(depth[t] / (2e6 * Math.exp(-0.7))).toBeCloseTo(1, 12);
    }
  });

  it('multiplies the spread and divides the depth by the stress series', () => {
    const stress = new Float64Array(bars.length).map((_, t) => 1 + (t % 7));
    const plain = withSideChannels(bars, { minSpreadBps: 0 }, Rng.fromSeed(2));
    const stressed = withSideChannels(bars, { minSpreadBps: 0 }, Rng.fromSeed(2), { stress });
    for (let t = 0; t < bars.length; t++) {
      expect(stressed.bars.spread![t] / plain.bars.spread![t]).toBeCloseTo(stress[t], 12);
      expect(stressed.depth[t] * stress[t]).toBeCloseTo(plain.depth[t], 6);
    }
    expect(stressed.imbalance).toEqual(plain.imbalance);
    expect(() => withSideChannels(bars, {}, Rng.fromSeed(2), { stress: new Float64Array(3) })).toThrow(RangeError);
  });

  it('shares the price columns with the input and leaves it unchanged', () => {
    const before = Buffer.from(bars.close.buffer.slice(0));
    const out = withSideChannels(bars, {}, Rng.fromSeed(3));
    expect(out.bars.close).toBe(bars.close);
    expect(bars.spread).toBeUndefined();
    expect(Buffer.from(bars.close.buffer).equals(before)).toBe(true);
  });
});

describe('withSideChannels: order imbalance', () => {
  const n = 40_000;
  const bars = gbmBars('imbalance', n);

  /*
   * x_t is an AR(1) with coefficient φ driven by (nearly) iid innovations, so its sample lag-1
   * autocorrelation has standard error ≈ sqrt((1 − φ²)/n) (Bartlett); the band is 5 standard errors.
   */
  it.each([0, 0.3, 0.6, 0.9])('stays in [−1, 1] with lag-1 autocorrelation ≈ φ = %s', (phi) => {
    const { imbalance } = withSideChannels(bars, { imbalancePersistence: phi }, Rng.fromSeed(`phi-${phi}`));
    expect(Math.min(...imbalance)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...imbalance)).toBeLessThanOrEqual(1);
    expect(Math.abs(autocorrelation(imbalance, 1) - phi)).toBeLessThan(5 * Math.sqrt((1 - phi * phi) / n));
  });

  it('moves with the bar return, less so with more noise', () => {
    const r = new Float64Array(n).map((_, t) => Math.log(bars.close[t] / (t === 0 ? bars.open[0] : bars.close[t - 1])));
    const quiet = withSideChannels(bars, { imbalancePersistence: 0.3, imbalanceNoise: 0.3 }, Rng.fromSeed(1)).imbalance;
    const noisy = withSideChannels(bars, { imbalancePersistence: 0.3, imbalanceNoise: 3 }, Rng.fromSeed(1)).imbalance;
    const cQuiet = correlation(quiet, r);
    const cNoisy = correlation(noisy, r);
    expect(cQuiet).toBeGreaterThan(0.5);
    expect(cNoisy).toBeGreaterThan(0.05);
    expect(cNoisy).toBeLessThan(cQuiet);
  });

  it('stays inside [−1, 1] even with no noise and extreme returns', () => {
    const wild = barsFromReturns(new Float64Array(500).map((_, i) => (i % 50 < 25 ? 0.2 : -0.2)));
    const { imbalance } = withSideChannels(wild, { imbalancePersistence: 0.95, imbalanceNoise: 0 }, Rng.fromSeed(0));
    for (const x of imbalance) expect(Math.abs(x)).toBeLessThanOrEqual(1);
  });
});

describe('withSideChannels: determinism and config', () => {
  const bars = gbmBars('det', 500);

  it('the same rng state gives identical bytes; the rng only moves the imbalance', () => {
    const a = withSideChannels(bars, {}, Rng.fromSeed(9));
    const b = withSideChannels(bars, {}, Rng.fromSeed(9));
    const c = withSideChannels(bars, {}, Rng.fromSeed(10));
    expect(asBytes(a.bars.spread!).equals(asBytes(b.bars.spread!))).toBe(true);
    expect(asBytes(a.depth).equals(asBytes(b.depth))).toBe(true);
    expect(asBytes(a.imbalance).equals(asBytes(b.imbalance))).toBe(true);
    expect(a.bars.spread).toEqual(c.bars.spread);
    expect(a.imbalance).not.toEqual(c.imbalance);
  });

  it('draws exactly one normal per bar', () => {
    const rng = Rng.fromSeed(4);
    withSideChannels(bars, {}, rng);
    const ref = Rng.fromSeed(4);
    for (let i = 0; i < bars.length; i++) ref.normal();
    expect(rng.state()).toEqual(ref.state());
  });

  it('has documented defaults and names a bad key', () => {
    expect(sideChannelConfigSchema.parse({})).toEqual({
      baseSpreadBps: 2,
      volSensitivity: 1,
      minSpreadBps: 0.5,
      depthBase: 1_000_000,
      depthVolSensitivity: 1,
      imbalancePersistence: 0.5,
      imbalanceNoise: 1,
      ewmaHalfLife: 10,
    });
    for (const [cfg, path] of [
      [{ imbalancePersistence: 1 }, 'sideChannels.imbalancePersistence'],
      [{ minSpreadBps: -1 }, 'sideChannels.minSpreadBps'],
      [{ ewmaHalfLife: 0 }, 'sideChannels.ewmaHalfLife'],
      [{ baseSpreadBp: 2 }, 'sideChannels.baseSpreadBp'],
    ] as const) {
      try {
        withSideChannels(bars, cfg as never, Rng.fromSeed(0));
        throw new Error('expected a ConfigError');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).path).toBe(path);
      }
    }
  });
});
