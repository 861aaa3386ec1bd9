import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { Box } from '../src/core/spaces.js';
import { SyncVectorEnv } from '../src/core/vector-env.js';
import type { Bars } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { ContinuousTradingEnv, continuousTradingEnvSchema, continuousTradingEnvSpec, createContinuousTradingEnv, TradingEnv } from './trading-env.js';

const E0 = 1_000_000;
const COSTS = { spreadBps: 3, impactK: 0.3, commissionBps: 1, commissionMin: 2, borrowBpsPerYear: 40 };

/** A random OHLCV walk on consecutive days. */
function randomBars(n: number, seed: string): Bars {
  const rng = Rng.fromSeed(seed);
  const close = new Float64Array(n);
  const open = new Float64Array(n);
  let prev = 100;
  for (let i = 0; i < n; i++) {
    open[i] = prev * Math.exp(0.004 * rng.normal());
    close[i] = open[i] * Math.exp(0.012 * rng.normal());
    prev = close[i];
  }
  return {
    symbol: 'C',
    time: new Float64Array(n).map((_, i) => i * 86_400_000),
    open,
    high: open.map((o, i) => Math.max(o, close[i]) * 1.002),
    low: open.map((o, i) => Math.min(o, close[i]) * 0.998),
    close,
    volume: new Float64Array(n).map(() => 1e5 * (1 + rng.uniform())),
    length: n,
  };
}

function error(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const source = fixedEpisode(randomBars(200, 'c'), 10);

describe('trading-continuous-v0 action space and config', () => {
  it('acts in Box([−maxWeight], [maxWeight]) of shape [1], or [0, maxWeight] without shorts', () => {
    const e = new ContinuousTradingEnv({ maxWeight: 0.5 }, source);
    expect(e.actionSpace).toBeInstanceOf(Box);
    expect(e.actionSpace.shape).toEqual([1]);
    expect(Array.from(e.actionSpace.low)).toEqual([-0.5]);
    expect(Array.from(e.actionSpace.high)).toEqual([0.5]);
    const longOnly = new ContinuousTradingEnv({ maxWeight: 0.5, allowShort: false }, source);
    expect(Array.from(longOnly.actionSpace.low)).toEqual([0]);
    expect(continuousTradingEnvSchema.parse({})).toMatchObject({ maxWeight: 1, leverage: 1, allowShort: true });
  });

  it('refuses maxWeight beyond the leverage limit, naming env.maxWeight', () => {
    expect(error(() => createContinuousTradingEnv({ maxWeight: 1.5 }, source))).toMatchObject({ code: 'E_CONFIG', path: 'env.maxWeight' });
    expect(error(() => createContinuousTradingEnv({ maxWeight: 1.5, leverage: 2 }, source))).toBeUndefined();
    expect(error(() => createContinuousTradingEnv({ maxWeight: 0 }, source))).toMatchObject({ code: 'E_CONFIG', path: 'env.maxWeight' });
    expect(error(() => createContinuousTradingEnv({ positions: [0, 1] }, source))).toMatchObject({ code: 'E_CONFIG' });
  });

  it('throws InvalidActionError naming the value and the space for actions outside the Box', () => {
    const e = new ContinuousTradingEnv({ window: 5, maxWeight: 0.5, allowShort: false }, source);
    e.reset();
    for (const bad of [Float32Array.of(0.6), Float32Array.of(-0.1), Float32Array.of(Number.NaN), Float32Array.of(0.1, 0.2), new Float32Array(0)]) {
      expect(error(() => e.step(bad))).toMatchObject({ code: 'E_INVALID_ACTION' });
    }
    expect(() => e.step(Float32Array.of(0.75))).toThrow(/\[0\.75\].*Box\(1,\).*\[0, 0\.5\]/);
    expect(error(() => e.step(0.2 as unknown as Float32Array))).toMatchObject({ code: 'E_INVALID_ACTION' });
    expect(e.step(Float32Array.of(0.5)).terminated).toBe(false); // still usable; the bound itself is inside
  });

  it('throws ResetNeededError before the first reset and after the episode ended', () => {
    const e = new ContinuousTradingEnv({ window: 5, episodeLength: 2 }, source);
    expect(error(() => e.step(Float32Array.of(0)))).toMatchObject({ code: 'E_RESET_NEEDED' });
    e.reset();
    e.step(Float32Array.of(0.3));
    expect(e.step(Float32Array.of(0.3)).truncated).toBe(true);
    expect(error(() => e.step(Float32Array.of(0)))).toMatchObject({ code: 'E_RESET_NEEDED' });
  });
});

describe('trading-continuous-v0 shares the discrete env engine', () => {
  it('a weight sequence gives byte-identical observations, rewards and info to trading-v0 with those positions', () => {
    const bars = randomBars(400, 'same');
    const weights = [-0.75, -0.25, 0, 0.25, 0.75];
    const common = { window: 12, episodeLength: 100, costs: COSTS, initialEquity: E0 };
    const d = new TradingEnv({ ...common, positions: weights }, fixedEpisode(bars, 12));
    const c = new ContinuousTradingEnv({ ...common, maxWeight: 0.75 }, fixedEpisode(bars, 12));
    const rd = d.reset({ seed: 9 });
    const rc = c.reset({ seed: 9 });
    expect(rc.obs).toEqual(rd.obs);
    const rng = Rng.fromSeed('w');
    const action = new Float32Array(1);
    for (let k = 0; k < 100; k++) {
      const i = rng.int(weights.length);
      action[0] = weights[i]; // exactly representable in Float32
      const sd = d.step(i);
      const sc = c.step(action);
      expect(new Uint8Array(sc.obs.slice().buffer)).toEqual(new Uint8Array(sd.obs.slice().buffer));
      expect(sc.reward).toBe(sd.reward);
      expect({ ...sc.info }).toEqual({ ...sd.info });
      expect([sc.terminated, sc.truncated]).toEqual([sd.terminated, sd.truncated]);
    }
  });

  it('rebalances to the target weight at the next open', () => {
    const bars = randomBars(60, 'w');
    const e = new ContinuousTradingEnv({ window: 5, episodeLength: null, costs: { spreadBps: 0, impactK: 0, commissionBps: 0, borrowBpsPerYear: 0 } }, fixedEpisode(bars, 10));
    e.reset();
    const r = e.step(Float32Array.of(0.3));
    const shares = (Math.fround(0.3) * E0) / bars.open[11]; // the target is the Float32 action as given
    expect(r.info.shares).toBeCloseTo(shares, 9);
    expect(r.info.equity).toBeCloseTo(E0 - shares * bars.open[11] + shares * bars.close[11], 6);
    expect(r.info.position).toBeCloseTo((shares * bars.close[11]) / r.info.equity, 12);
  });

  it('steps in a SyncVectorEnv with a [numEnvs × 1] Float32 action batch, like standalone envs', () => {
    const bars = randomBars(300, 'vec');
    const config = { window: 8, episodeLength: 4, costs: COSTS };
    const venv = new SyncVectorEnv([0, 1, 2].map(() => new ContinuousTradingEnv(config, fixedEpisode(bars, 8))));
    const solo = [0, 1, 2].map(() => new ContinuousTradingEnv(config, fixedEpisode(bars, 8)));
    expect(venv.actionDim).toBe(1);
    const obs = venv.reset(3);
    solo.forEach((s, i) => expect(obs.subarray(9 * i, 9 * i + 9)).toEqual(s.reset({ seed: 3 + i }).obs));
    const rng = Rng.fromSeed('acts');
    for (let k = 0; k < 10; k++) {
      const actions = Float32Array.from({ length: 3 }, () => 2 * rng.uniform() - 1);
      const r = venv.step(actions);
      solo.forEach((s, i) => {
        const sr = s.step(actions.subarray(i, i + 1));
        expect(r.rewards[i]).toBe(sr.reward);
        if (sr.truncated) {
          expect(r.final.find((f) => f.index === i)?.obs).toEqual(sr.obs);
          expect(r.obs.subarray(9 * i, 9 * i + 9)).toEqual(s.reset().obs);
        } else expect(r.obs.subarray(9 * i, 9 * i + 9)).toEqual(sr.obs);
      });
    }
    expect(() => venv.step(new Float32Array(2))).toThrow(expect.objectContaining({ code: 'E_ASSERT' }));
  });

  it('is created by continuousTradingEnvSpec from raw config', () => {
    expect(continuousTradingEnvSpec.id).toBe('trading-continuous-v0');
    const e = continuousTradingEnvSpec.create({ window: 4, maxWeight: 0.5 }, { source });
    expect(e.actionSpace.toString()).toBe('Box(1,)');
    expect(e.observationSpace.contains(e.reset({ seed: 1 }).obs)).toBe(true);
    expect(error(() => continuousTradingEnvSpec.create({}))).toMatchObject({ code: 'E_CONFIG', path: 'env' });
  });
});
