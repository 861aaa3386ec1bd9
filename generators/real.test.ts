import { describe, expect, it } from 'vitest';
import { RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS } from '../src/data/bars.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { mean } from '../src/stats/descriptive.js';
import { gbm } from './gbm.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import { ohlcViolation, utcWeekday } from './ohlc.js';
import { real, realConfigSchema, stationaryBootstrapIndices, stationaryBootstrapSeries } from './real.js';
import type { RealAssetParams, RealParams } from './real.js';

/** An aligned two-asset training panel of `n` bars with continuous (hence distinct) bar tuples. */
function trainPanel(n: number): Panel {
  const base = { mu: 3e-4, overnightShare: 0.2, volume: { logMean: 12, logStd: 0.3 } };
  const params = {
    assets: [
      { ...base, symbol: 'AAA', sigma: 0.01, initialPrice: 100 },
      { ...base, symbol: 'BBB', sigma: 0.02, initialPrice: 30 },
    ],
  };
  return gbm.sample(params, Rng.fromSeed('real-train'), { length: n, paths: 1, start: Date.UTC(2001, 0, 2) })[0];
}

/**
 * For each generated bar, the index of the training tuple it reproduces (looked up by its ln(close/open) in the
 * sorted training values, then checked on all five components), or −1 if it matches none.
 */
function tupleIndices(bars: Bars, a: RealAssetParams): Int32Array {
  const order = a.logClose.map((_, k) => k).sort((i, j) => a.logClose[i] - a.logClose[j]);
  const sorted = order.map((k) => a.logClose[k]);
  const out = new Int32Array(bars.length);
  let prev = a.initialPrice;
  for (let t = 0; t < bars.length; t++) {
    const o = bars.open[t];
    const tuple = [Math.log(o / prev), Math.log(bars.high[t] / o), Math.log(bars.low[t] / o), Math.log(bars.close[t] / o)];
    prev = bars.close[t];
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < tuple[3]) lo = mid + 1;
      else hi = mid;
    }
    const near = [lo - 1, lo].filter((j) => j >= 0).map((j) => order[j]);
    const k = near.find(
      (c) =>
        Math.abs(a.logOvernight[c] - tuple[0]) < 1e-12 &&
        Math.abs(a.logHigh[c] - tuple[1]) < 1e-12 &&
        Math.abs(a.logLow[c] - tuple[2]) < 1e-12 &&
        Math.abs(a.logClose[c] - tuple[3]) < 1e-12 &&
        a.volume[c] === bars.volume[t],
    );
    out[t] = k ?? -1;
  }
  return out;
}

function bytesOf(panels: Panel[]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

function expectCode(run: () => unknown, code: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RlError);
    expect((e as RlError).code).toBe(code);
    return;
  }
  throw new Error(`expected an error with code ${code}`);
}

describe('real: bootstrap of training days', () => {
  const train = trainPanel(600);
  const params = real.fit(train, realConfigSchema.parse({}), {});
  const m = 599;
  const opts = { length: 3000, paths: 2 };
  const paths = real.sample(params, Rng.fromSeed('real-sample'), opts);

  it('fits one tuple per training bar after the first, with defaults meanBlock = 20 and the last close', () => {
    expect(params.meanBlock).toBe(20);
    expect(params.assets.map((a) => a.symbol)).toEqual(['AAA', 'BBB']);
    for (const [i, a] of params.assets.entries()) {
      expect(a.logClose).toHaveLength(m);
      expect(a.initialPrice).toBe(train[i].close[599]);
      expect(a.logOvernight[0]).toBeCloseTo(Math.log(train[i].open[1] / train[i].close[0]), 15);
      expect(a.volume[m - 1]).toBe(train[i].volume[599]);
    }
  });

  it('every generated bar reproduces one training tuple, and every asset of a path uses the same indices', () => {
    for (const panel of paths) {
      const idx = panel.map((bars, a) => tupleIndices(bars, params.assets[a]));
      expect(idx[0].includes(-1)).toBe(false);
      expect(idx[1]).toEqual(idx[0]);
    }
  });

  it('follows stationaryBootstrapIndices drawn from the same rng, path after path', () => {
    const rng = Rng.fromSeed('real-sample');
    for (const panel of paths) {
      const expected = stationaryBootstrapIndices(rng, m, 20, new Int32Array(opts.length));
      expect(tupleIndices(panel[0], params.assets[0])).toEqual(expected);
    }
  });

  it('gives valid OHLCV bars on strictly increasing weekdays', () => {
    for (const panel of paths) {
      for (const bars of panel) {
        expect(ohlcViolation(bars)).toBeUndefined();
        expect(bars.time[0]).toBe(DEFAULT_SAMPLE_START);
        for (let t = 0; t < bars.length; t++) expect(utcWeekday(bars.time[t])).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('same seed gives byte-identical output; a different seed and the next path differ', () => {
    expect(bytesOf(real.sample(params, Rng.fromSeed('real-sample'), opts)).equals(bytesOf(paths))).toBe(true);
    expect(bytesOf(real.sample(params, Rng.fromSeed('other'), opts)).equals(bytesOf(paths))).toBe(false);
    expect(paths[0][0].close).not.toEqual(paths[1][0].close);
  });

  it('params survive a JSON round trip with identical samples', () => {
    const copy = JSON.parse(JSON.stringify(params)) as RealParams;
    expect(bytesOf(real.sample(copy, Rng.fromSeed('real-sample'), opts)).equals(bytesOf(paths))).toBe(true);
  });

  it('with a huge meanBlock reproduces the training returns contiguously, wrapping circularly', () => {
    const long = real.fit(train, realConfigSchema.parse({ meanBlock: 1e12, initialPrice: 10 }), {});
    const [[bars]] = real.sample(long, Rng.fromSeed('contiguous'), { length: 1500, paths: 1 });
    const idx = tupleIndices(bars, long.assets[0]);
    expect(bars.open[0]).toBeCloseTo(10 * Math.exp(long.assets[0].logOvernight[idx[0]]), 12);
    for (let t = 1; t < bars.length; t++) {
      const k = (idx[0] + t) % m;
      expect(idx[t]).toBe(k);
      // close-to-close return of generated bar t equals that of training bar k + 1
      const r = Math.log(bars.close[t] / bars.close[t - 1]);
      expect(r).toBeCloseTo(Math.log(train[0].close[k + 1] / train[0].close[k]), 12);
    }
  });
});

describe('stationaryBootstrapIndices', () => {
  /*
   * After each index the next one is the consecutive index with probability q = (1 − p) + p/count (no jump,
   * or a jump that happens to land on it), p = 1/meanBlock. Run lengths are therefore Geometric(1 − q) with
   * mean 1/(1 − q) and variance q/(1 − q)². The mean of K complete runs (the last, censored run is dropped)
   * lies within 4·sqrt(q)/((1 − q)·√K) of that mean.
   */
  function meanRun(idx: Int32Array, count: number): { mean: number; runs: number } {
    const lengths: number[] = [];
    let run = 1;
    for (let t = 1; t < idx.length; t++) {
      if (idx[t] === (idx[t - 1] + 1) % count) run++;
      else {
        lengths.push(run);
        run = 1;
      }
    }
    return { mean: mean(lengths), runs: lengths.length };
  }

  for (const meanBlock of [1, 5, 20]) {
    it(`has geometric block lengths with mean ≈ meanBlock = ${meanBlock}`, () => {
      const count = 1000;
      const idx = stationaryBootstrapIndices(Rng.fromSeed(`blocks-${meanBlock}`), count, meanBlock, new Int32Array(200_000));
      const p = 1 / meanBlock;
      const q = 1 - p + p / count;
      const { mean: observed, runs } = meanRun(idx, count);
      expect(Math.abs(observed - 1 / (1 - q))).toBeLessThan((4 * Math.sqrt(q)) / ((1 - q) * Math.sqrt(runs)));
    });
  }

  it('keeps indices in range and visits them uniformly (mean index within 4 standard errors of (count − 1)/2)', () => {
    // With meanBlock = 1 the indices are iid uniform: variance (count² − 1)/12 per draw.
    const count = 50;
    const n = 100_000;
    const idx = stationaryBootstrapIndices(Rng.fromSeed('uniform'), count, 1, new Int32Array(n));
    expect(idx.every((k) => k >= 0 && k < count)).toBe(true);
    expect(Math.abs(mean(idx) - (count - 1) / 2)).toBeLessThan(4 * Math.sqrt((count * count - 1) / 12 / n));
  });

  it('rejects meanBlock < 1', () => {
    expect(() => stationaryBootstrapIndices(Rng.fromSeed(1), 10, 0.5, new Int32Array(5))).toThrow(RangeError);
  });
});

describe('stationaryBootstrapSeries (block by block)', () => {
  // Resampling the series 0, 1, …, count − 1 exposes the indices, so the run-length law of
  // stationaryBootstrapIndices (see above) applies as is: mean 1/(1 − q), variance q/(1 − q)².
  const count = 1000;
  const series = Float64Array.from({ length: count }, (_, k) => k);
  function runs(x: Float64Array, from: number, to: number): number[] {
    const lengths: number[] = [];
    let run = 1;
    for (let t = from + 1; t < to; t++) {
      if (x[t] === (x[t - 1] + 1) % count) run++;
      else {
        lengths.push(run);
        run = 1;
      }
    }
    return lengths;
  }

  for (const meanBlock of [1, 5, 20]) {
    it(`has the same block-length law as stationaryBootstrapIndices (meanBlock = ${meanBlock})`, () => {
      const x = stationaryBootstrapSeries(series, meanBlock, Rng.fromSeed(`series-${meanBlock}`), new Float64Array(200_000));
      const p = 1 / meanBlock;
      const q = 1 - p + p / count;
      const lengths = runs(x, 0, x.length);
      expect(Math.abs(mean(lengths) - 1 / (1 - q))).toBeLessThan((4 * Math.sqrt(q)) / ((1 - q) * Math.sqrt(lengths.length)));
    });
  }

  it('visits indices uniformly, splits paths, and is seed-deterministic', () => {
    const n = 100_000;
    const x = stationaryBootstrapSeries(series, 20, Rng.fromSeed('series-uniform'), new Float64Array(n), 4);
    expect(x.every((k) => Number.isInteger(k) && k >= 0 && k < count)).toBe(true);
    // Blocks of L ≪ count consecutive indices move together, so the mean index has variance
    // ≈ (E[L²]/E[L])·(count² − 1)/12/n with E[L²]/E[L] = 2·meanBlock − 1 for geometric L; band 4 sd.
    expect(Math.abs(mean(x) - (count - 1) / 2)).toBeLessThan(4 * Math.sqrt((39 * (count * count - 1)) / 12 / n));
    expect(stationaryBootstrapSeries(series, 20, Rng.fromSeed('series-uniform'), new Float64Array(n), 4)).toEqual(x);
    expect(() => stationaryBootstrapSeries(series, 20, Rng.fromSeed(1), new Float64Array(10), 3)).toThrow(RangeError);
    expect(() => stationaryBootstrapSeries(series, 0.5, Rng.fromSeed(1), new Float64Array(10))).toThrow(RangeError);
    expect(() => stationaryBootstrapSeries(new Float64Array(0), 5, Rng.fromSeed(1), new Float64Array(10))).toThrow(RangeError);
  });

  it('real.sampleReturns resamples the training close-to-close returns of asset 0', () => {
    const train = trainPanel(400);
    const params = real.fit(train, realConfigSchema.parse({ meanBlock: 1e12 }), {});
    const r = real.sampleReturns!(params, Rng.fromSeed(9), { length: 50, paths: 2 });
    const first = train[0];
    const closeToClose = Array.from({ length: first.length - 1 }, (_, k) => Math.log(first.close[k + 1] / first.close[k]));
    for (const x of r) expect(Math.min(...closeToClose.map((c) => Math.abs(c - x)))).toBeLessThan(1e-12);
  });
});

describe('real fit and config', () => {
  it('computes tuples relative to the previous close on a hand-made series', () => {
    const bars = allocBars('HAND', 3);
    bars.time.set([0, 1, 2].map((t) => DEFAULT_SAMPLE_START + t * DAY_MS));
    bars.open.set([10, 11, 12]);
    bars.high.set([10.5, 12, 12.5]);
    bars.low.set([9.5, 10.5, 11]);
    bars.close.set([10, 11.5, 11.5]);
    bars.volume.set([1, 2, 3]);
    const params = real.fit([bars], realConfigSchema.parse({ meanBlock: 3 }), {});
    const [a] = params.assets;
    expect(params.meanBlock).toBe(3);
    expect(a.logOvernight).toEqual([Math.log(11 / 10), Math.log(12 / 11.5)]);
    expect(a.logHigh).toEqual([Math.log(12 / 11), Math.log(12.5 / 12)]);
    expect(a.logLow).toEqual([Math.log(10.5 / 11), Math.log(11 / 12)]);
    expect(a.logClose).toEqual([Math.log(11.5 / 11), Math.log(11.5 / 12)]);
    expect(a.volume).toEqual([2, 3]);
    expect(a.initialPrice).toBe(11.5);
    expect(JSON.parse(JSON.stringify(params))).toEqual(params);
  });

  it('schema: meanBlock defaults to 20, must be ≥ 1, is described; unknown keys are rejected', () => {
    expect(realConfigSchema.parse({})).toEqual({ meanBlock: 20 });
    expect(realConfigSchema.safeParse({ meanBlock: 0.5 }).success).toBe(false);
    expect(realConfigSchema.safeParse({ initialPrice: -1 }).success).toBe(false);
    expect(realConfigSchema.safeParse({ meanblock: 5 }).success).toBe(false);
    expect(realConfigSchema.shape.meanBlock.description).toMatch(/Mean block length/);
    expect(real.id).toBe('real');
    expect(real.version).toBe(1);
  });

  it('rejects misaligned or too-short panels (E_DATA) and inconsistent params (E_CONFIG)', () => {
    const train = trainPanel(50);
    const shifted = { ...train[1], time: train[1].time.map((t) => t + DAY_MS) };
    expectCode(() => real.fit([train[0], shifted], realConfigSchema.parse({}), {}), 'E_DATA');
    expectCode(() => real.fit([allocBars('X', 1)], realConfigSchema.parse({}), {}), 'E_DATA');
    expectCode(() => real.fit([], realConfigSchema.parse({}), {}), 'E_DATA');
    const params = real.fit(train, realConfigSchema.parse({}), {});
    const broken: RealParams = { ...params, assets: [params.assets[0], { ...params.assets[1], volume: [1] }] };
    expectCode(() => real.sample(broken, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => real.sample({ ...params, meanBlock: 0 }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => real.sample(params, Rng.fromSeed(1), { length: 5, paths: 0 }), 'E_CONFIG');
  });
});
