import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { gbm } from './gbm.js';
import type { GbmAssetParams } from './gbm.js';
import { ohlcViolation } from './ohlc.js';
import { applyShocks, copyBars, parseShocks } from './shocks.js';
import type { ShockInput, ShockKind } from './shocks.js';

const asset: GbmAssetParams = {
  symbol: 'SYN',
  mu: 2e-4,
  sigma: 0.015,
  overnightShare: 0.3,
  volume: { logMean: 13, logStd: 0.4 },
  initialPrice: 100,
};

/** One seeded GBM path (valid OHLCV), optionally with a spread column of 2..6 bps. */
function randomBars(seed: string | number, length = 300, withSpread = false): Bars {
  const [[bars]] = gbm.sample({ assets: [asset] }, Rng.fromSeed(seed), { length, paths: 1 });
  if (!withSpread) return bars;
  const rng = Rng.fromSeed(`${seed}/spread`);
  return { ...bars, spread: new Float64Array(length).map(() => 2e-4 + 4e-4 * rng.uniform()) };
}

function bytes(bars: Bars): Buffer {
  const cols = [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume, ...(bars.spread ? [bars.spread] : [])];
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

function expectConfigError(run: () => unknown, path: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).code).toBe('E_CONFIG');
    expect((e as ConfigError).path).toBe(path);
    return;
  }
  throw new Error(`expected a ConfigError at ${path}`);
}

const logRet = (b: Bars, s: number): number => Math.log(b.close[s] / b.close[s - 1]);
const apply = (bars: Bars, shock: ShockInput, seed = 0) => applyShocks(bars, [shock], Rng.fromSeed(seed));

/** A random shock of each kind with intensities drawn across (and to the edges of) their domains. */
function randomShock(kind: ShockKind, rng: Rng): ShockInput {
  const at = rng.uniform() < 0.5 ? ('random' as const) : rng.int(300);
  switch (kind) {
    case 'flash-crash':
      return { kind, at, depth: 0.01 + 0.98 * rng.uniform(), recovery: rng.choice([0, 1, rng.uniform()]) };
    case 'volatility-spike':
      return { kind, at, multiplier: rng.choice([0.2, 1, 1 + 9 * rng.uniform()]), halfLife: 0.5 + 40 * rng.uniform() };
    case 'gap':
      return { kind, at, size: rng.normal() * 0.2 };
    case 'drift-shift':
      return { kind, at, delta: rng.normal() * 0.01, duration: 1 + rng.int(100) };
    case 'liquidity-shock':
      return { kind, at, volumeFactor: 0.05 + 5 * rng.uniform(), spreadFactor: 0.5 + 9 * rng.uniform(), halfLife: 0.5 + 20 * rng.uniform() };
  }
}

const KINDS: ShockKind[] = ['flash-crash', 'volatility-spike', 'gap', 'drift-shift', 'liquidity-shock'];

describe('applyShocks: OHLC validity and purity', () => {
  it.each(KINDS)('%s keeps every bar valid OHLCV on random bars, and never mutates the input', (kind) => {
    const draw = Rng.fromSeed(`validity/${kind}`);
    for (let trial = 0; trial < 40; trial++) {
      const bars = randomBars(`${kind}/${trial}`, 300, trial % 2 === 0);
      const before = bytes(bars);
      const { bars: out, applied } = applyShocks(bars, [randomShock(kind, draw)], Rng.fromSeed(trial));
      expect(applied).toHaveLength(1);
      expect(ohlcViolation(out)).toBeUndefined();
      if (out.spread) for (const s of out.spread) expect(s).toBeGreaterThanOrEqual(0);
      expect(bytes(bars).equals(before)).toBe(true);
    }
  });

  it('keeps bars valid after a composition of every kind, shock after shock', () => {
    const draw = Rng.fromSeed('validity/composed');
    for (let trial = 0; trial < 30; trial++) {
      const bars = randomBars(`composed/${trial}`, 300, true);
      const shocks = KINDS.flatMap((k) => [randomShock(k, draw), randomShock(k, draw)]);
      const { bars: out, applied } = applyShocks(bars, Array.from(draw.permutation(shocks.length), (i) => shocks[i]), Rng.fromSeed(trial));
      expect(applied).toHaveLength(shocks.length);
      expect(ohlcViolation(out)).toBeUndefined();
    }
  });

  it('returns a deep copy even with no shocks', () => {
    const bars = randomBars('copy', 20, true);
    const { bars: out, applied, spreadMultiplier } = applyShocks(bars, [], Rng.fromSeed(1));
    expect(applied).toEqual([]);
    expect(bytes(out).equals(bytes(bars))).toBe(true);
    expect(out.close).not.toBe(bars.close);
    expect(out.spread).not.toBe(bars.spread);
    expect([...spreadMultiplier]).toEqual(new Array(20).fill(1));
    expect(bytes(copyBars(bars)).equals(bytes(bars))).toBe(true);
  });
});

describe('applyShocks: each effect is exact', () => {
  const bars = randomBars('exact', 200, true);
  const at = 80;

  function expectUnchangedBefore(out: Bars, t: number): void {
    for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) expect(out[f].subarray(0, t)).toEqual(bars[f].subarray(0, t));
  }

  it('gap: every price from bar `at` on is multiplied by e^g exactly; the overnight return jumps by g', () => {
    const g = -0.07;
    const { bars: out } = apply(bars, { kind: 'gap', at, size: g });
    expectUnchangedBefore(out, at);
    for (let s = at; s < bars.length; s++) {
      expect(out.close[s]).toBe(bars.close[s] * Math.exp(g));
      expect(out.open[s]).toBe(bars.open[s] * Math.exp(g));
      expect(out.high[s]).toBe(bars.high[s] * Math.exp(g));
      expect(out.low[s]).toBe(bars.low[s] * Math.exp(g));
    }
    expect(Math.log(out.open[at] / out.close[at - 1])).toBeCloseTo(Math.log(bars.open[at] / bars.close[at - 1]) + g, 12);
    expect(out.volume).toEqual(bars.volume);
  });

  it('flash-crash: the low reaches close·(1 − depth), the close keeps 1 − depth·(1 − recovery), later bars follow', () => {
    const depth = 0.12;
    const recovery = 0.25;
    const { bars: out } = apply(bars, { kind: 'flash-crash', at, depth, recovery });
    const retained = 1 - depth * (1 - recovery);
    expectUnchangedBefore(out, at);
    expect(out.open[at]).toBe(bars.open[at]);
    expect(out.high[at]).toBe(bars.high[at]);
    expect(out.close[at]).toBe(bars.close[at] * retained);
    expect(out.low[at]).toBe(Math.min(bars.low[at], bars.close[at] * (1 - depth)));
    expect(out.low[at]).toBeLessThan(bars.low[at]); // a 12% intraday fall goes below a 1.5%-vol day's low
    for (let s = at + 1; s < bars.length; s++) {
      expect(out.close[s]).toBe(bars.close[s] * retained);
      expect(logRet(out, s)).toBeCloseTo(logRet(bars, s), 12);
    }
  });

  it('flash-crash with full recovery leaves the close where it was and only the low falls', () => {
    const { bars: out } = apply(bars, { kind: 'flash-crash', at, depth: 0.3, recovery: 1 });
    expect(out.close).toEqual(bars.close);
    expect(out.low[at]).toBe(bars.close[at] * 0.7);
  });

  it('volatility-spike: log returns of bar s ≥ at are scaled by 1 + (m − 1)·2^(−(s − at)/halfLife)', () => {
    const m = 4;
    const h = 10;
    const { bars: out } = apply(bars, { kind: 'volatility-spike', at, multiplier: m, halfLife: h });
    expectUnchangedBefore(out, at);
    for (let s = at; s < bars.length; s++) {
      const k = 1 + (m - 1) * Math.pow(2, -(s - at) / h);
      expect(logRet(out, s)).toBeCloseTo(k * logRet(bars, s), 12);
      expect(Math.log(out.high[s] / out.low[s])).toBeCloseTo(k * Math.log(bars.high[s] / bars.low[s]), 12);
      expect(Math.log(out.open[s] / out.close[s - 1])).toBeCloseTo(k * Math.log(bars.open[s] / bars.close[s - 1]), 12);
    }
    expect(1 + (m - 1) * Math.pow(2, -1)).toBe(2.5); // one half-life on: half the excess
    expect(out.volume).toEqual(bars.volume);
  });

  it('drift-shift: adds delta to the close-to-close log return of `duration` bars, then levels stay shifted', () => {
    const delta = -0.003;
    const duration = 30;
    const { bars: out } = apply(bars, { kind: 'drift-shift', at, delta, duration });
    expectUnchangedBefore(out, at);
    for (let s = at; s < at + duration; s++) {
      expect(logRet(out, s)).toBeCloseTo(logRet(bars, s) + delta, 12);
      expect(out.close[s]).toBe(bars.close[s] * Math.exp(delta * (s - at + 1)));
      expect(Math.log(out.close[s] / out.open[s])).toBeCloseTo(Math.log(bars.close[s] / bars.open[s]), 12); // intraday shape kept
    }
    for (let s = at + duration; s < bars.length; s++) expect(out.close[s]).toBe(bars.close[s] * Math.exp(delta * duration));
  });

  it('drift-shift is cut at the path end', () => {
    const { bars: out } = apply(bars, { kind: 'drift-shift', at: 190, delta: 0.01, duration: 50 });
    expect(out.close[199]).toBe(bars.close[199] * Math.exp(0.01 * 10));
  });

  it('liquidity-shock: volume and spread scale by 1 + (f − 1)·2^(−(s − at)/halfLife); prices are untouched', () => {
    const vf = 0.2;
    const sf = 5;
    const h = 4;
    const { bars: out, spreadMultiplier } = apply(bars, { kind: 'liquidity-shock', at, volumeFactor: vf, spreadFactor: sf, halfLife: h });
    for (const f of ['open', 'high', 'low', 'close'] as const) expect(out[f]).toEqual(bars[f]);
    for (let s = 0; s < bars.length; s++) {
      const d = s < at ? 0 : Math.pow(2, -(s - at) / h);
      expect(out.volume[s]).toBe(bars.volume[s] * (1 + (vf - 1) * d));
      expect(out.spread![s]).toBe(bars.spread![s] * (1 + (sf - 1) * d));
      expect(spreadMultiplier[s]).toBe(1 + (sf - 1) * d);
    }
    expect(spreadMultiplier[at + h]).toBeCloseTo(3, 15); // half the excess after one half-life
  });

  it('liquidity-shock without a spread column changes volume and reports the multiplier for side channels', () => {
    const plain = randomBars('plain', 50);
    const { bars: out, spreadMultiplier } = apply(plain, { kind: 'liquidity-shock', at: 10, volumeFactor: 0.5, spreadFactor: 3 });
    expect(out.spread).toBeUndefined();
    expect(spreadMultiplier[10]).toBe(3);
    expect(spreadMultiplier[9]).toBe(1);
  });

  it('volatility-spike and flash-crash at bar 0 stay valid (no previous close)', () => {
    for (const shock of [
      { kind: 'volatility-spike', at: 0, multiplier: 5 },
      { kind: 'flash-crash', at: 0, depth: 0.5 },
      { kind: 'gap', at: 0, size: 1 },
    ] as ShockInput[]) {
      const { bars: out } = apply(bars, shock);
      expect(ohlcViolation(out)).toBeUndefined();
    }
    const { bars: spiked } = apply(bars, { kind: 'volatility-spike', at: 0, multiplier: 5 });
    expect(spiked.open[0]).toBe(bars.open[0]);
  });
});

describe('applyShocks: timing, probability and labels', () => {
  const bars = randomBars('timing', 250);

  it('labels the shocks that hit, in list order, with their bars', () => {
    const { applied } = applyShocks(
      bars,
      [
        { kind: 'gap', at: 40, size: 0.05 },
        { kind: 'flash-crash', at: 'random', depth: 0.1 },
        { kind: 'liquidity-shock', at: 7, probability: 0, volumeFactor: 2, spreadFactor: 2 },
      ],
      Rng.fromSeed(3),
    );
    expect(applied).toHaveLength(2);
    expect(applied[0]).toEqual({ kind: 'gap', at: 40 });
    expect(applied[1].kind).toBe('flash-crash');
    expect(Number.isInteger(applied[1].at) && applied[1].at >= 0 && applied[1].at < 250).toBe(true);
  });

  it('is deterministic in the rng, and a probability-0 shock changes nothing', () => {
    const shocks: ShockInput[] = [{ kind: 'volatility-spike', at: 'random', multiplier: 3, probability: 0.5 }];
    const a = applyShocks(bars, shocks, Rng.fromSeed(11));
    const b = applyShocks(bars, shocks, Rng.fromSeed(11));
    expect(bytes(a.bars).equals(bytes(b.bars))).toBe(true);
    expect(a.applied).toEqual(b.applied);
    const none = applyShocks(bars, [{ kind: 'gap', at: 'random', size: 1, probability: 0 }], Rng.fromSeed(1));
    expect(none.applied).toEqual([]);
    expect(bytes(none.bars).equals(bytes(bars))).toBe(true);
  });

  it('draws a fixed number of numbers per shock: whether one hits never moves the next', () => {
    const later: ShockInput = { kind: 'gap', at: 'random', size: 0.1 };
    for (let seed = 0; seed < 20; seed++) {
      const hit = applyShocks(bars, [{ kind: 'gap', at: 'random', size: 0.1, probability: 1 }, later], Rng.fromSeed(seed)).applied;
      const miss = applyShocks(bars, [{ kind: 'gap', at: 'random', size: 0.1, probability: 0 }, later], Rng.fromSeed(seed)).applied;
      expect(miss).toEqual([hit[1]]);
    }
  });

  it('hits a path with the configured probability and spreads random bars uniformly', () => {
    // n Bernoulli(p) paths: sd of the hit count = sqrt(n·p·(1 − p)); 4 sd bands.
    const n = 4000;
    const p = 0.3;
    const rng = Rng.fromSeed('probability');
    let hits = 0;
    let early = 0;
    const short = randomBars('short', 10);
    for (let i = 0; i < n; i++) {
      const { applied } = applyShocks(short, [{ kind: 'gap', at: 'random', size: 0.01, probability: p }], rng);
      if (applied.length === 1) {
        hits++;
        if (applied[0].at < 5) early++;
      }
    }
    expect(Math.abs(hits - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    expect(Math.abs(early - hits / 2)).toBeLessThan(4 * Math.sqrt(hits / 4));
  });
});

describe('shock config: domain checks name the key', () => {
  it('parses defaults', () => {
    const [crash, spike, liq] = parseShocks([
      { kind: 'flash-crash', at: 3, depth: 0.1 },
      { kind: 'volatility-spike', at: 'random', multiplier: 2 },
      { kind: 'liquidity-shock', at: 1, volumeFactor: 0.5, spreadFactor: 4 },
    ]);
    expect(crash).toEqual({ kind: 'flash-crash', at: 3, probability: 1, depth: 0.1, recovery: 0.5 });
    expect(spike).toEqual({ kind: 'volatility-spike', at: 'random', probability: 1, multiplier: 2, halfLife: 10 });
    expect(liq).toMatchObject({ halfLife: 5 });
  });

  it.each([
    [{ kind: 'flash-crash', at: 1, depth: 1 }, 'shocks.0.depth'],
    [{ kind: 'flash-crash', at: 1, depth: 0.1, recovery: 1.5 }, 'shocks.0.recovery'],
    [{ kind: 'volatility-spike', at: 1, multiplier: 0 }, 'shocks.0.multiplier'],
    [{ kind: 'volatility-spike', at: 1, multiplier: 2, halfLife: -1 }, 'shocks.0.halfLife'],
    [{ kind: 'gap', at: 1, size: Infinity }, 'shocks.0.size'],
    [{ kind: 'drift-shift', at: 1, delta: 0.001, duration: 0 }, 'shocks.0.duration'],
    [{ kind: 'liquidity-shock', at: 1, volumeFactor: -1, spreadFactor: 2 }, 'shocks.0.volumeFactor'],
    [{ kind: 'gap', at: 1.5, size: 0.1 }, 'shocks.0.at'],
    [{ kind: 'gap', at: 'sometimes', size: 0.1 }, 'shocks.0.at'],
    [{ kind: 'gap', at: 1, size: 0.1, probability: 2 }, 'shocks.0.probability'],
    [{ kind: 'gap', at: 1, size: 0.1, sise: 0.1 }, 'shocks.0.sise'],
    [{ kind: 'crash', at: 1 }, 'shocks.0.kind'],
  ])('%o → ConfigError at %s', (shock, path) => {
    expectConfigError(() => applyShocks(randomBars('cfg', 5), [shock as ShockInput], Rng.fromSeed(0)), path);
  });

  it('refuses a fixed bar beyond the path, and a shock that overflows prices, naming it', () => {
    const bars = randomBars('cfg', 5);
    expectConfigError(() => apply(bars, { kind: 'gap', at: 5, size: 0.1 }), 'shocks.0.at');
    expectConfigError(() => applyShocks(bars, [{ kind: 'gap', at: 0, size: 0 }, { kind: 'gap', at: 2, size: 800 }], Rng.fromSeed(0)), 'shocks.1');
    expectConfigError(() => apply(bars, { kind: 'volatility-spike', at: 1, multiplier: 1e6 }), 'shocks.0');
  });
});
