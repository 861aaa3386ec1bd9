import { describe, expect, it } from 'vitest';
import { RlError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { sliceBars } from '../../src/data/bars.js';
import type { Bars } from '../../src/data/bars.js';
import { loadBuiltinSp500 } from '../../src/data/builtin.js';
import { createRegistries } from '../../src/training/registries.js';
import type { ReturnStream } from '../../generators/generator.js';

/** Every bar finite, prices > 0, high ≥ max(open, close), low ≤ min(open, close), volume ≥ 0, times increasing. */
function firstViolation(b: Bars): string | undefined {
  for (let i = 0; i < b.length; i++) {
    const [o, h, l, c, v] = [b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]];
    if (![o, h, l, c, v].every(Number.isFinite)) return `bar ${i}: non-finite value`;
    if (!(o > 0 && h > 0 && l > 0 && c > 0)) return `bar ${i}: non-positive price`;
    if (h < Math.max(o, c) || l > Math.min(o, c)) return `bar ${i}: OHLC inconsistent`;
    if (v < 0) return `bar ${i}: negative volume`;
    if (i > 0 && !(b.time[i] > b.time[i - 1])) return `bar ${i}: time not increasing`;
  }
  return undefined;
}

const bytes = (b: Bars) => Buffer.concat([b.time, b.open, b.high, b.low, b.close, b.volume].map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

// Fitted on 2000–2007 of the built-in S&P 500, as a fold's training window would be.
const train = sliceBars(loadBuiltinSp500(), 0, 2000);
const registry = createRegistries().generators;
// A trending index has no mean reversion: `ou` refuses to fit it (E_FIT) unless told to fit anyway.
const CONTRACT_CONFIG: Record<string, Record<string, unknown>> = { ou: { requireMeanReversion: false } };

describe.each(registry.ids())('generator %s (contract)', (id) => {
  const spec = registry.get(id);
  const config = spec.configSchema.parse(CONTRACT_CONFIG[id] ?? {});
  const params = spec.fit([train], config, {});

  it('fits to plain JSON params that sample identically after a round trip', () => {
    const roundTrip = JSON.parse(JSON.stringify(params));
    const a = spec.sample(params, Rng.fromSeed(1), { length: 50, paths: 2 });
    const b = spec.sample(roundTrip, Rng.fromSeed(1), { length: 50, paths: 2 });
    expect(bytes(b[1][0]).equals(bytes(a[1][0]))).toBe(true);
  });

  it('samples the requested shape with valid bars', () => {
    const paths = spec.sample(params, Rng.fromSeed(2), { length: 300, paths: 3 });
    expect(paths).toHaveLength(3);
    for (const panel of paths) {
      expect(panel).toHaveLength(1);
      expect(panel[0].length).toBe(300);
      expect(panel[0].symbol).toBe(train.symbol);
      expect(firstViolation(panel[0])).toBeUndefined();
    }
  });

  it('is seed-deterministic byte for byte, and different seeds differ', () => {
    const a = spec.sample(params, Rng.fromSeed(3), { length: 200, paths: 1 })[0][0];
    const b = spec.sample(params, Rng.fromSeed(3), { length: 200, paths: 1 })[0][0];
    const c = spec.sample(params, Rng.fromSeed(4), { length: 200, paths: 1 })[0][0];
    expect(bytes(b).equals(bytes(a))).toBe(true);
    expect(bytes(c).equals(bytes(a))).toBe(false);
  });

  it('fits deterministically (pure: same bars, same params)', () => {
    expect(JSON.stringify(spec.fit([train], config, {}))).toBe(JSON.stringify(params));
  });
});

/**
 * Asset 1 for the returns-only checks: the training bars with every price p replaced by p²/close_0, so every
 * log move (overnight, intraday, close to close) is doubled and the return variance is 4× asset 0's. A
 * `sampleReturns` that returned asset 1 (or mixed the assets) fails the law test below.
 */
function squared(b: Bars): Bars {
  const c0 = b.close[0];
  const sq = (col: Float64Array): Float64Array => col.map((p) => (p * p) / c0);
  return { ...b, symbol: `${b.symbol}-SQ`, open: sq(b.open), high: sq(b.high), low: sq(b.low), close: sq(b.close) };
}

/** Per-path mean and variance (denominator n) of x[from..to) for each of `paths` rows of length `length`. */
function pathMoments(rows: (p: number) => ArrayLike<number>, paths: number): { means: Float64Array; variances: Float64Array } {
  const means = new Float64Array(paths);
  const variances = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    const x = rows(p);
    let s = 0;
    for (let t = 0; t < x.length; t++) s += x[t];
    const m = s / x.length;
    let ss = 0;
    for (let t = 0; t < x.length; t++) ss += (x[t] - m) ** 2;
    means[p] = m;
    variances[p] = ss / x.length;
  }
  return { means, variances };
}

/** |mean(a) − mean(b)| in units of the standard error of that difference, sqrt(var(a)/n_a + var(b)/n_b). */
function zDiff(a: Float64Array, b: Float64Array): number {
  const m = (x: Float64Array): number => x.reduce((s, v) => s + v, 0) / x.length;
  const v = (x: Float64Array): number => x.reduce((s, y) => s + (y - m(x)) ** 2, 0) / (x.length - 1);
  return Math.abs(m(a) - m(b)) / Math.sqrt(v(a) / a.length + v(b) / b.length);
}

const withReturns = registry.ids().filter((id) => registry.get(id).sampleReturns !== undefined);

describe.each(withReturns)('generator %s sampleReturns (contract)', (id) => {
  const spec = registry.get(id);
  const sampleReturns = spec.sampleReturns!;
  const config = spec.configSchema.parse(CONTRACT_CONFIG[id] ?? {});
  const params = spec.fit([train, squared(train)], config, {});

  it('returns paths × length finite values, seed-deterministic byte for byte; bad counts are E_CONFIG', () => {
    const a = sampleReturns.call(spec, params, Rng.fromSeed(5), { length: 120, paths: 3 });
    expect(a).toBeInstanceOf(Float64Array);
    expect(a).toHaveLength(360);
    expect(a.every(Number.isFinite)).toBe(true);
    const b = sampleReturns.call(spec, params, Rng.fromSeed(5), { length: 120, paths: 3 });
    const c = sampleReturns.call(spec, params, Rng.fromSeed(6), { length: 120, paths: 3 });
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(Buffer.from(c.buffer).equals(Buffer.from(a.buffer))).toBe(false);
    expect(a.subarray(120, 240)).not.toEqual(a.subarray(0, 120)); // paths are distinct rows
    for (const bad of [{ length: 0, paths: 1 }, { length: 10, paths: 1.5 }]) {
      let error: unknown;
      try {
        sampleReturns.call(spec, params, Rng.fromSeed(1), bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RlError);
      expect((error as RlError).code).toBe('E_CONFIG');
    }
  });

  it("has the law of sample's close-to-close returns of asset 0: mean and variance within 4 standard errors", () => {
    // Paths are iid whatever the dependence inside a path (volatility clustering, regimes, blocks), so the
    // per-path mean and per-path variance of returns 1..L−1 are iid across paths, with the same expectation
    // under both methods when the laws agree; by the CLT over P paths the difference of their averages has
    // standard error sqrt(s²_a/P + s²_b/P). Return 0 is left out: sample's first bar has no previous close.
    const paths = 1000;
    const length = 200;
    const r = sampleReturns.call(spec, params, Rng.fromSeed('law-returns'), { length, paths });
    const bars = spec.sample(params, Rng.fromSeed('law-bars'), { length, paths });
    const fast = pathMoments((p) => r.subarray(p * length + 1, (p + 1) * length), paths);
    const full = pathMoments((p) => {
      const { close } = bars[p][0];
      return Float64Array.from({ length: length - 1 }, (_, t) => Math.log(close[t + 1] / close[t]));
    }, paths);
    expect(zDiff(fast.means, full.means)).toBeLessThan(4);
    expect(zDiff(fast.variances, full.variances)).toBeLessThan(4);
  });
});

const withStreams = registry.ids().filter((id) => registry.get(id).returnStream !== undefined);

/** The concatenation of one stream's chunks of the given sizes. */
function readChunks(stream: ReturnStream, sizes: readonly number[]): Float64Array {
  const out = new Float64Array(sizes.reduce((s, n) => s + n, 0));
  let at = 0;
  for (const n of sizes) {
    const chunk = new Float64Array(n);
    stream.next(chunk);
    out.set(chunk, at);
    at += n;
  }
  return out;
}

const sameBytes = (a: Float64Array, b: Float64Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

it('every built-in generator streams its returns', () => {
  expect(withStreams).toEqual(registry.ids());
});

describe.each(withStreams)('generator %s returnStream (contract)', (id) => {
  const spec = registry.get(id);
  const returnStream = spec.returnStream!;
  const sampleReturns = spec.sampleReturns!;
  const config = spec.configSchema.parse(CONTRACT_CONFIG[id] ?? {});
  const params = spec.fit([train, squared(train)], config, {});
  const open = (seed: string): ReturnStream => returnStream.call(spec, params, Rng.fromSeed(seed));

  it('chunks of any sizes concatenate to sampleReturns of one path, byte for byte', () => {
    const whole = sampleReturns.call(spec, params, Rng.fromSeed('stream'), { paths: 1, length: 1341 });
    expect(sameBytes(readChunks(open('stream'), [1, 7, 1000, 333]), whole)).toBe(true);
    expect(sameBytes(readChunks(open('stream'), [500, 841]), readChunks(open('stream'), [1341]))).toBe(true);
    expect(sameBytes(readChunks(open('stream'), [0, 500, 0, 841]), whole)).toBe(true); // an empty chunk draws nothing
  });

  it('sampleReturns of several paths is consecutive streams on one rng', () => {
    const rng = Rng.fromSeed('paths');
    const streams = [0, 1, 2].map(() => readChunks(returnStream.call(spec, params, rng), [200, 100]));
    const all = sampleReturns.call(spec, params, Rng.fromSeed('paths'), { paths: 3, length: 300 });
    streams.forEach((path, p) => expect(sameBytes(path, all.subarray(p * 300, (p + 1) * 300)), `path ${p}`).toBe(true));
  });

  it('validates the params when opened (E_CONFIG)', () => {
    let error: unknown;
    try {
      returnStream.call(spec, { ...(params as object), assets: [] }, Rng.fromSeed(1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RlError);
    expect((error as RlError).code).toBe('E_CONFIG');
  });
});
