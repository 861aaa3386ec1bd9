import { describe, expect, it } from 'vitest';
import { Registry } from '../src/core/registry.js';
import { Rng } from '../src/core/rng.js';
import { SyncVectorEnv } from '../src/core/vector-env.js';
import type { Bars } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import type { EpisodeSource } from '../src/data/episode-source.js';
import type { EnvSpec } from './env-spec.js';
import { registerEnvs } from './index.js';
import { createRewardState, differentialSharpe } from './rewards.js';
import type { RewardFn } from './rewards.js';
import { createTradingEnv, TradingEnv, tradingEnvSchema } from './trading-env.js';
import type { TradingEnvInput } from './trading-env.js';

const E0 = 1_000_000;
const SHORT = 0;
const FLAT = 1;
const LONG = 2;
const NO_COSTS = { spreadBps: 0, impactK: 0, commissionBps: 0, commissionMin: 0, borrowBpsPerYear: 0 };

/** Bars from explicit closes; open[i] = close[i−1] unless given. */
function barsFrom(close: number[], open?: number[]): Bars {
  const n = close.length;
  const c = Float64Array.from(close);
  const o = Float64Array.from(open ?? close.map((_, i) => (i === 0 ? close[0] : close[i - 1])));
  return {
    symbol: 'T',
    time: new Float64Array(n).map((_, i) => i),
    open: o,
    high: o.map((v, i) => Math.max(v, c[i]) * 1.01),
    low: o.map((v, i) => Math.min(v, c[i]) * 0.99),
    close: c,
    volume: new Float64Array(n).fill(1e6),
    length: n,
  };
}

/** A geometric walk with known, varied closes. */
function walk(n: number): number[] {
  const out = [100];
  for (let i = 1; i < n; i++) out.push(out[i - 1] * (1 + 0.01 * Math.sin(i * 1.7) + 0.004 * Math.cos(i * 0.3)));
  return out;
}

function env(config: TradingEnvInput, source: EpisodeSource): TradingEnv {
  return new TradingEnv({ initialEquity: E0, costs: NO_COSTS, ...config }, source);
}

function expectCode(fn: () => unknown, code: string): void {
  expect(fn).toThrow(expect.objectContaining({ code }));
}

describe('trading-v0 observations and fills', () => {
  it('observes the last `window` log returns ending at t × returnScale, then the held weight', () => {
    const close = walk(40);
    const e = env({ window: 5, episodeLength: null, returnScale: 100 }, fixedEpisode(barsFrom(close), 10));
    const { obs, info } = e.reset();
    expect(info.t).toBe(10);
    expect(obs.length).toBe(6);
    for (let k = 0; k < 5; k++) expect(obs[k]).toBe(Math.fround(Math.log(close[6 + k] / close[5 + k]) * 100));
    expect(obs[5]).toBe(0);
    expect(e.observationSpace.contains(obs)).toBe(true);

    const r = e.step(LONG); // filled at open[11] = close[10], marked at close[11]
    expect(r.info.t).toBe(11);
    for (let k = 0; k < 5; k++) expect(r.obs[k]).toBe(Math.fround(Math.log(close[7 + k] / close[6 + k]) * 100));
    expect(r.obs[5]).toBe(Math.fround(r.info.position));
    expect(r.info.position).toBeCloseTo(1, 12); // no costs, no cash left: fully long
  });

  it('a position taken at t earns nothing from close[t−1]→close[t]', () => {
    // Flat at 100, a jump to 110 on bar 20's close, flat after.
    const close = Array.from({ length: 30 }, (_, i) => (i < 20 ? 100 : 110));
    const e = env({ window: 5, episodeLength: null }, fixedEpisode(barsFrom(close), 18));
    e.reset();
    expect(e.step(FLAT).reward).toBe(0); // t = 18 → 19
    expect(e.step(FLAT).reward).toBe(0); // t = 19 → 20: the jump happens while flat
    const r = e.step(LONG); // t = 20: long after seeing the jump, filled at open[21] = 110
    expect(r.reward).toBe(0);
    expect(r.info.equity).toBe(E0);

    // The same position decided one bar earlier (at t = 19, filled at open[20] = 100) earns the jump.
    const early = env({ window: 5, episodeLength: null }, fixedEpisode(barsFrom(close), 18));
    early.reset();
    early.step(FLAT);
    const r2 = early.step(LONG);
    expect(r2.reward).toBeCloseTo(Math.log(1.1), 12);
  });

  it('the old position carries the overnight gap and the new one earns open→close (hand-computed)', () => {
    const close = walk(30);
    const open = close.map((c, i) => (i === 0 ? c : close[i - 1] * (1 + 0.02 * Math.cos(i))));
    const bars = barsFrom(close, open);
    const e = env({ window: 5, episodeLength: null }, fixedEpisode(bars, 10));
    e.reset();
    const s = E0 / open[11]; // long from open[11], cash 0
    const eq11 = s * close[11];
    let r = e.step(LONG);
    expect(r.info.equity).toBeCloseTo(eq11, 6);
    expect(r.reward).toBeCloseTo(Math.log(eq11 / E0), 12);
    // At t = 11 flip to short, filled at open[12]: equity at the open s·open[12], then short that much.
    const eqOpen = s * open[12];
    const eq12 = 2 * eqOpen - (eqOpen / open[12]) * close[12];
    r = e.step(SHORT);
    expect(r.info.equity).toBeCloseTo(eq12, 6);
    expect(r.reward).toBeCloseTo(Math.log((2 * open[12] - close[12]) / close[11]), 12);
    expect(r.info.shares).toBeCloseTo(-eqOpen / open[12], 9);
  });
});

describe('trading-v0 episode ends', () => {
  it('terminates on ruin after a −60% gap, then needs a reset', () => {
    const close = Array.from({ length: 30 }, (_, i) => (i < 22 ? 100 : 40));
    const open = close.map((c, i) => (i === 22 ? 40 : i === 0 ? c : close[i - 1]));
    const e = env({ window: 5, episodeLength: null, ruinFloor: 0.5 }, fixedEpisode(barsFrom(close, open), 20));
    e.reset();
    let r = e.step(LONG); // filled at open[21] = 100
    expect(r.terminated).toBe(false);
    r = e.step(LONG); // bar 22 gaps to 40
    expect(r.info.equity).toBeCloseTo(0.4 * E0, 6);
    expect(r.reward).toBeCloseTo(Math.log(0.4), 12);
    expect(r.terminated).toBe(true);
    expect(r.truncated).toBe(false);
    expectCode(() => e.step(FLAT), 'E_RESET_NEEDED');
    e.reset();
    expect(e.step(FLAT).terminated).toBe(false);
  });

  it('keeps the reward finite when a short is wiped out', () => {
    const close = Array.from({ length: 30 }, (_, i) => (i < 22 ? 100 : 300));
    const e = env({ window: 5, episodeLength: null }, fixedEpisode(barsFrom(close), 20));
    e.reset();
    e.step(SHORT);
    const r = e.step(SHORT); // equity = 2e6 − 1e4·300 < 0
    expect(r.info.equity).toBeLessThan(0);
    expect(r.terminated).toBe(true);
    expect(Number.isFinite(r.reward)).toBe(true);
    expect(r.reward).toBeLessThan(-20);
    expect(e.observationSpace.contains(r.obs)).toBe(true);
  });

  it('scores no phantom gains once equity is below the log floor (ruinFloor 0)', () => {
    // 20% commission per unit traded: flipping long/flat drains equity far below 1e-9 × E0 without ruin.
    const close = Array.from({ length: 300 }, (_, i) => 100 + Math.sin(i / 3));
    const e = env({ window: 5, episodeLength: null, ruinFloor: 0, costs: { spreadBps: 0, commissionBps: 2000, impactK: 0, borrowBpsPerYear: 0 } }, fixedEpisode(barsFrom(close), 5));
    e.reset();
    let sum = 0;
    let last = e.step(FLAT);
    sum += last.info.logReturn;
    for (let k = 0; k < 200 && !last.terminated && !last.truncated; k++) {
      last = e.step(k < 150 ? (k % 2 === 0 ? LONG : FLAT) : FLAT);
      sum += last.info.logReturn;
      expect(last.info.logReturn).toBeLessThanOrEqual(Math.log(1.02)); // a flat book below the floor earns nothing
    }
    expect(last.info.equity).toBeLessThan(1e-9 * E0);
    // The log returns telescope to the floored final equity: ln(1e-9) at the worst, never above the truth.
    expect(sum).toBeCloseTo(Math.log(1e-9), 9);
  });

  it('truncates when the fill bar is the last bar of the window', () => {
    const e = env({ window: 5, episodeLength: null }, fixedEpisode(barsFrom(walk(40)), 30, 40));
    e.reset();
    for (let i = 0; i < 8; i++) expect(e.step(i % 3).truncated).toBe(false);
    const last = e.step(LONG);
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    expect(last.info.t).toBe(39);
    expectCode(() => e.step(FLAT), 'E_RESET_NEEDED');
  });

  it('truncates after episodeLength decisions at a start drawn inside the window', () => {
    const e = env({ window: 5, episodeLength: 7 }, fixedEpisode(barsFrom(walk(60)), 10, 60));
    for (let seed = 0; seed < 20; seed++) {
      const start = e.reset({ seed }).info.t;
      expect(start).toBeGreaterThanOrEqual(10);
      expect(start).toBeLessThanOrEqual(60 - 7 - 1);
      let steps = 0;
      let r;
      do {
        r = e.step(FLAT);
        steps++;
      } while (!r.truncated && steps < 100);
      expect(steps).toBe(7);
      expect(r.info.t).toBe(start + 7);
    }
  });
});

describe('trading-v0 seeding', () => {
  const bars = barsFrom(walk(300));
  const source = fixedEpisode(bars, 30);

  it('same seed → same start and byte-identical observations', () => {
    const a = env({ window: 10, episodeLength: 20 }, source);
    const b = env({ window: 10, episodeLength: 20 }, source);
    const ra = a.reset({ seed: 7 });
    const oa = new Uint8Array(ra.obs.slice().buffer);
    const rb = b.reset({ seed: 7 });
    expect(rb.info.t).toBe(ra.info.t);
    expect(new Uint8Array(rb.obs.slice().buffer)).toEqual(oa);
    for (let i = 0; i < 20; i++) {
      const xa = new Uint8Array(a.step(i % 3).obs.slice().buffer);
      const xb = new Uint8Array(b.step(i % 3).obs.slice().buffer);
      expect(xb).toEqual(xa);
    }
  });

  it('different seeds → different starts; no seed continues the stream', () => {
    const e = env({ window: 10, episodeLength: 20 }, source);
    const starts = new Set<number>();
    for (let seed = 0; seed < 10; seed++) starts.add(e.reset({ seed }).info.t);
    expect(starts.size).toBeGreaterThanOrEqual(8); // 250 possible starts
    const first = e.reset({ seed: 3 }).info.t;
    const unseeded = new Set<number>();
    for (let i = 0; i < 5; i++) unseeded.add(e.reset().info.t);
    expect(unseeded.size).toBeGreaterThan(1);
    expect(e.reset({ seed: 3 }).info.t).toBe(first);
  });
});

describe('trading-v0 contract errors', () => {
  const source = fixedEpisode(barsFrom(walk(40)), 10);

  it('throws ResetNeededError before the first reset', () => {
    expectCode(() => env({ window: 5 }, source).step(FLAT), 'E_RESET_NEEDED');
  });

  it('throws InvalidActionError naming the action and the space', () => {
    const e = env({ window: 5 }, source);
    e.reset();
    for (const bad of [3, -1, 1.5, Number.NaN]) expectCode(() => e.step(bad), 'E_INVALID_ACTION');
    expect(() => e.step(3)).toThrow(/3 .*Discrete\(3\)/);
    expect(e.step(FLAT).terminated).toBe(false); // the env is still usable
  });

  it('rejects episodes that do not fit their bars', () => {
    const bars = barsFrom(walk(40));
    const field = (start: number, end: number): unknown => {
      try {
        env({ window: 5 }, fixedEpisode(bars, start, end)).reset();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(field(4, 40)).toMatchObject({ code: 'E_DATA', field: 'start' });
    expect(field(10, 41)).toMatchObject({ code: 'E_DATA', field: 'end' });
    expect(field(10, 11)).toMatchObject({ code: 'E_DATA', field: 'end' });
    expect(field(5, 7)).toBeUndefined(); // the smallest valid episode
  });

  it('rejects NaN and non-positive prices naming the field and index', () => {
    const nan = barsFrom(walk(40));
    nan.close[7] = Number.NaN;
    const e1 = env({ window: 5 }, fixedEpisode(nan, 10));
    expect(() => e1.reset()).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'close', message: expect.stringMatching(/index 7\b/) }));
    const zero = barsFrom(walk(40));
    zero.open[33] = 0;
    expect(() => env({ window: 5 }, fixedEpisode(zero, 10)).reset()).toThrow(
      expect.objectContaining({ code: 'E_DATA', field: 'open', message: expect.stringMatching(/index 33\b/) }),
    );
  });

  it('converts config errors to ConfigError with the key path', () => {
    const path = (config: unknown): unknown => {
      try {
        createTradingEnv(config, source);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(path({ window: 0 })).toMatchObject({ code: 'E_CONFIG', path: 'env.window' });
    expect(path({ costs: { impactK: -1 } })).toMatchObject({ code: 'E_CONFIG', path: 'env.costs.impactK' });
    expect(path({ fill: 'same-close' })).toMatchObject({ code: 'E_CONFIG', path: 'env.fill' });
    expect(path({ positions: [] })).toMatchObject({ code: 'E_CONFIG', path: 'env.positions' });
    expect(path({ reward: { kind: 'differential-sharpe', eta: 2 } })).toMatchObject({ code: 'E_CONFIG', path: 'env.reward.eta' });
    expect(path({ costs: { borrowBpsPerYear: -5 } })).toMatchObject({ code: 'E_CONFIG', path: 'env.costs.borrowBpsPerYear' });
  });

  it('refuses positions beyond the leverage limit, and shorts when allowShort is false, naming env.positions', () => {
    const error = (config: unknown): unknown => {
      try {
        createTradingEnv(config, source);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(error({ positions: [0, 1.5] })).toMatchObject({ code: 'E_CONFIG', path: 'env.positions', message: expect.stringMatching(/1\.5.*leverage/) });
    expect(error({ positions: [-2, 0, 2], leverage: 2 })).toBeUndefined();
    expect(error({ positions: [-2, 0], leverage: 1.5 })).toMatchObject({ code: 'E_CONFIG', path: 'env.positions' });
    expect(error({ allowShort: false })).toMatchObject({ code: 'E_CONFIG', path: 'env.positions', message: expect.stringMatching(/-1.*allowShort/) });
    expect(error({ allowShort: false, positions: [0, 0.5, 1] })).toBeUndefined();
    expect(error({ leverage: 0 })).toMatchObject({ code: 'E_CONFIG', path: 'env.leverage' });
  });

  it('trades a leveraged position: weight 2 holds twice the equity in shares', () => {
    const close = walk(40);
    const e = env({ window: 5, episodeLength: null, positions: [0, 2], leverage: 2 }, fixedEpisode(barsFrom(close), 10));
    e.reset();
    const r = e.step(1); // filled at open[11] = close[10]
    const shares = (2 * E0) / close[10];
    expect(r.info.shares).toBeCloseTo(shares, 9);
    expect(r.info.equity).toBeCloseTo(E0 - 2 * E0 + shares * close[11], 6);
    expect(r.info.position).toBeCloseTo((shares * close[11]) / r.info.equity, 12);
  });
});

describe('trading-v0 plumbing', () => {
  it('has the documented defaults', () => {
    const c = tradingEnvSchema.parse({});
    expect(c).toMatchObject({ window: 30, positions: [-1, 0, 1], fill: 'next-open', initialEquity: 1_000_000, ruinFloor: 0.5, episodeLength: 252, returnScale: 100 });
    expect(c.costs.spreadBps).toBe(2);
    expect(c).toMatchObject({ leverage: 1, allowShort: true, reward: { kind: 'log-return' }, features: { indicators: [], normalize: true } });
    expect(c.costs.borrowBpsPerYear).toBe(25);
    expect(tradingEnvSchema.parse({}).positions).not.toBe(c.positions); // no shared mutable default
  });

  it('reuses the observation buffer and the step result', () => {
    const e = env({ window: 5, episodeLength: null }, fixedEpisode(barsFrom(walk(40)), 10));
    const { obs } = e.reset();
    const r1 = e.step(LONG);
    const r2 = e.step(FLAT);
    expect(r1).toBe(r2);
    expect(r1.obs).toBe(obs);
  });

  it('registers trading-v0 and creates it from raw config', () => {
    const registry = new Registry<EnvSpec>('env');
    registerEnvs(registry);
    expect(registry.ids()).toContain('trading-v0'); // envs/index.ts registers other envs beside it
    const spec = registry.get('trading-v0');
    const e = spec.create({ window: 4, positions: [0, 1] }, { source: fixedEpisode(barsFrom(walk(40)), 10) });
    expect(e.observationSpace.contains(e.reset({ seed: 1 }).obs)).toBe(true);
    expect(e.actionSpace.toString()).toBe('Discrete(2)');
    expectCode(() => registerEnvs(registry), 'E_DUPLICATE_PLUGIN');
  });
});

describe('trading-v0 in SyncVectorEnv', () => {
  it('matches standalone envs seeded seed + i, and autoresets into the next episode', () => {
    const source = fixedEpisode(barsFrom(walk(200)), 10);
    const config = { window: 6, episodeLength: 3, costs: { impactK: 0.2 } };
    const venv = new SyncVectorEnv([createTradingEnv(config, source), createTradingEnv(config, source)]);
    const solo = [createTradingEnv(config, source), createTradingEnv(config, source)];
    const obs = venv.reset(5);
    for (let i = 0; i < 2; i++) expect(obs.subarray(7 * i, 7 * i + 7)).toEqual(solo[i].reset({ seed: 5 + i }).obs);
    const actions = [Int32Array.of(2, 0), Int32Array.of(1, 0), Int32Array.of(0, 2)];
    for (let k = 0; k < 3; k++) {
      const r = venv.step(actions[k]);
      for (let i = 0; i < 2; i++) {
        const s = solo[i].step(actions[k][i]);
        expect(r.rewards[i]).toBe(s.reward);
        expect(r.truncated[i]).toBe(s.truncated ? 1 : 0);
        if (k < 2) expect(r.obs.subarray(7 * i, 7 * i + 7)).toEqual(s.obs);
        else {
          const fin = r.final.find((f) => f.index === i);
          expect(fin?.obs).toEqual(s.obs);
          expect(fin?.info).toEqual({ ...s.info });
          expect(r.obs.subarray(7 * i, 7 * i + 7)).toEqual(solo[i].reset().obs);
        }
      }
      expect(r.final).toHaveLength(k < 2 ? 0 : 2);
    }
  });
});

describe('trading-v0 rewards', () => {
  const bars = barsFrom(walk(120));
  const actions = [2, 2, 0, 0, 1, 2, 0, 1, 1, 2, 0, 2, 2, 1, 0];
  const costs = { spreadBps: 3, impactK: 0.2, commissionBps: 1, commissionMin: 0, borrowBpsPerYear: 50 };

  function trace(config: TradingEnvInput, opts = {}): { rewards: number[]; logReturns: number[]; equity: number[] } {
    const e = new TradingEnv({ window: 5, episodeLength: null, costs, ...config }, fixedEpisode(bars, 10), opts);
    e.reset();
    const out = { rewards: [] as number[], logReturns: [] as number[], equity: [] as number[] };
    for (const a of actions) {
      const r = e.step(a);
      out.rewards.push(r.reward);
      out.logReturns.push(r.info.logReturn);
      out.equity.push(r.info.equity);
    }
    return out;
  }

  it('the default reward is info.logReturn, the log change of net equity', () => {
    const t = trace({});
    let prev = E0;
    t.rewards.forEach((r, k) => {
      expect(r).toBe(t.logReturns[k]);
      expect(r).toBeCloseTo(Math.log(t.equity[k] / prev), 12);
      prev = t.equity[k];
    });
  });

  it('a shaping reward changes the reward only: equity, log returns and costs are the same', () => {
    const base = trace({});
    const dsr = trace({ reward: { kind: 'differential-sharpe', eta: 0.1 } });
    const dd = trace({ reward: { kind: 'drawdown-penalised', lambda: 5 } });
    for (const t of [dsr, dd]) {
      expect(t.equity).toEqual(base.equity);
      expect(t.logReturns).toEqual(base.logReturns);
    }
    // The env feeds the reward its log returns in order, from a state zeroed at reset.
    const reference = differentialSharpe(0.1);
    const state = createRewardState();
    const expected = base.logReturns.map((r) => reference({ equityBefore: 1, equityAfter: 1, logReturn: r, position: 0, cost: 0, peakEquity: 1, initialEquity: 1 }, state));
    expect(dsr.rewards).toEqual(expected);
    expect(dd.rewards.some((r, k) => r < base.rewards[k] - 1e-6)).toBe(true);
    expect(dd.rewards.every((r, k) => r <= base.rewards[k])).toBe(true);
  });

  it('resets the reward state at every reset', () => {
    const e = new TradingEnv({ window: 5, episodeLength: null, costs, reward: { kind: 'differential-sharpe' } }, fixedEpisode(bars, 10));
    const run = (): number[] => {
      e.reset();
      return actions.map((a) => e.step(a).reward);
    };
    expect(run()).toEqual(run());
  });

  it('takes a custom reward function with the documented context', () => {
    const seen: { steps: number; peak: number; cost: number; before: number; after: number; position: number }[] = [];
    const custom: RewardFn = (ctx, state) => {
      seen.push({ steps: state.steps, peak: ctx.peakEquity, cost: ctx.cost, before: ctx.equityBefore, after: ctx.equityAfter, position: ctx.position });
      return 42;
    };
    const e = new TradingEnv({ window: 5, episodeLength: null, costs }, fixedEpisode(bars, 10), { reward: custom });
    e.reset();
    let peak = E0;
    let before = E0;
    for (let k = 0; k < actions.length; k++) {
      const r = e.step(actions[k]);
      expect(r.reward).toBe(42);
      peak = Math.max(peak, r.info.equity);
      expect(seen[k]).toEqual({ steps: k, peak, cost: r.info.cost, before, after: r.info.equity, position: r.info.position });
      before = r.info.equity;
    }
  });
});

describe('trading-v0 accounting', () => {
  it('equity = cash + shares × close after every step of a long random run with every cost on', () => {
    // Closes with a weekly calendar (weekends skipped) so the borrow fee sees 1- and 3-day intervals.
    const rng = Rng.fromSeed('accounting');
    const n = 3000;
    const close: number[] = [100];
    for (let i = 1; i < n; i++) close.push(close[i - 1] * Math.exp(0.012 * rng.normal()));
    const open = close.map((c, i) => (i === 0 ? c : close[i - 1] * Math.exp(0.004 * rng.normal())));
    const bars = barsFrom(close, open);
    const DAY = 86_400_000;
    for (let i = 0; i < n; i++) bars.time[i] = (Math.floor(i / 5) * 7 + (i % 5)) * DAY;
    for (let i = 0; i < n; i++) bars.volume[i] = 2e5 * Math.exp(0.5 * rng.normal());
    const costs = { spreadBps: 4, spreadVolScale: 1, impactK: 0.3, commissionBps: 2, commissionMin: 15, borrowBpsPerYear: 80 };
    const e = new TradingEnv({ window: 20, episodeLength: null, ruinFloor: 0, positions: [-1, -0.5, 0, 0.5, 1], costs }, fixedEpisode(bars, 20));
    let { info } = e.reset({ seed: 3 });
    let cash = E0;
    let shares = 0;
    let steps = 0;
    let borrowPaid = 0;
    let done = false;
    while (!done) {
      const t = info.t;
      const r = e.step(rng.int(5));
      const f = r.info.t;
      expect(f).toBe(t + 1);
      const dq = r.info.shares - shares;
      // Independent ledger: trade at the next open, pay every reported cost from cash.
      cash -= dq * bars.open[f] + r.info.cost;
      shares = r.info.shares;
      const identity = cash + shares * bars.close[f];
      expect(Math.abs(r.info.equity - identity)).toBeLessThanOrEqual(1e-9 * Math.abs(identity));
      expect(r.info.tradedNotional).toBeCloseTo(Math.abs(dq) * bars.open[f], 6);
      expect(r.info.cost).toBeCloseTo(r.info.costSpread + r.info.costImpact + r.info.costCommission + r.info.costBorrow, 9);
      if (shares < 0) {
        const days = (bars.time[f] - bars.time[t]) / DAY;
        expect(r.info.costBorrow).toBeCloseTo((-shares * bars.close[f] * 0.008 * days) / 365, 9);
      } else expect(r.info.costBorrow).toBe(0);
      borrowPaid += r.info.costBorrow;
      steps++;
      info = r.info;
      done = r.terminated || r.truncated;
    }
    expect(steps).toBeGreaterThan(2900);
    expect(borrowPaid).toBeGreaterThan(0);
  });
});

describe('trading-v0 observation binding', () => {
  it('writes observations into a bound buffer and returns it', () => {
    const e = env({ window: 5, episodeLength: null }, fixedEpisode(barsFrom(walk(40)), 10));
    const own = e.reset().obs.slice();
    const backing = new Float32Array(20);
    const view = backing.subarray(7, 13);
    e.bindObservation(view);
    expect(view).toEqual(own); // the current observation is copied at once
    const r = e.step(LONG);
    expect(r.obs).toBe(view);
    expect(e.reset().obs).toBe(view);
    expect(backing[6]).toBe(0);
    expect(backing[13]).toBe(0);
    expect(() => e.bindObservation(new Float32Array(5))).toThrow(RangeError);
  });
});
