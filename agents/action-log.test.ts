import { describe, expect, it } from 'vitest';
import type { Env, VectorEnv } from '../src/core/env.js';
import { Registry } from '../src/core/registry.js';
import { Rng } from '../src/core/rng.js';
import { SyncVectorEnv } from '../src/core/vector-env.js';
import { registerEnvs, type EnvSpec } from '../envs/index.js';
import { makeEnv } from '../envs/make-env.js';
import { TargetVecEnv } from '../tests/fixtures/toy-vec-envs.js';
import { ActionLog, replayActions } from './action-log.js';

describe('ActionLog', () => {
  it('appends rows, returns views and a trimmed copy, and grows past its initial capacity', () => {
    const log = new ActionLog('int32', 3);
    const rows = 2500; // past the initial 1024 rows and past one doubling
    for (let t = 0; t < rows; t++) log.append(new Int32Array([t, -t, t % 7]));
    expect(log.steps).toBe(rows);
    expect(Array.from(log.row(0))).toEqual([0, 0, 0]);
    expect(Array.from(log.row(2499))).toEqual([2499, -2499, 2499 % 7]);
    const all = log.toArray();
    expect(all).toBeInstanceOf(Int32Array);
    expect(all.length).toBe(rows * 3);
    expect(Array.from(all.subarray(3 * 1023, 3 * 1025))).toEqual([1023, -1023, 1023 % 7, 1024, -1024, 1024 % 7]);
    all[0] = 99; // a copy
    expect(log.row(0)[0]).toBe(0);
    log.clear();
    expect(log.steps).toBe(0);
    expect(log.toArray().length).toBe(0);
  });

  it('restores from a checkpointed array and keeps appending after it', () => {
    const first = new ActionLog('float32', 2);
    for (let t = 0; t < 1500; t++) first.append(new Float32Array([t / 3, -t]));
    const saved = first.toArray();
    const log = new ActionLog('float32', 2, saved);
    saved[0] = 42; // the log holds its own copy
    expect(log.steps).toBe(1500);
    expect(log.row(0)[0]).toBe(0);
    log.append(new Float32Array([0.5, 0.25]));
    expect(log.toArray().subarray(0, 3000)).toEqual(first.toArray());
    expect(Array.from(log.row(1500))).toEqual([0.5, 0.25]);
  });

  it('rejects a row of the wrong width and an initial array of the wrong type or length (E_SHAPE)', () => {
    const log = new ActionLog('int32', 2);
    expect(() => log.append(new Int32Array(3))).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => new ActionLog('int32', 2, new Float32Array(4))).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => new ActionLog('float32', 2, new Int32Array(4))).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => new ActionLog('int32', 2, new Int32Array(3))).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });
});

describe('replayActions', () => {
  /** Steps `env` (already reset) with random actions, logging them; returns every step's rewards and the observations. */
  function record(env: VectorEnv, obs0: Float32Array, log: ActionLog, steps: number, draw: (rng: Rng) => Int32Array | Float32Array) {
    const rng = Rng.fromSeed('actions');
    const trace: { prevObs: number[]; rewards: number[]; ended: number[] }[] = [];
    let obs = Float32Array.from(obs0);
    for (let t = 0; t < steps; t++) {
      const actions = draw(rng);
      log.append(actions);
      const res = env.step(actions);
      trace.push({ prevObs: Array.from(obs), rewards: Array.from(res.rewards), ended: res.final.map((f) => f.index) });
      obs = Float32Array.from(res.obs);
    }
    return { trace, obs };
  }

  function checkReplay(make: () => VectorEnv, seed: number, steps: number, log: ActionLog, draw: (rng: Rng) => Int32Array | Float32Array) {
    const a = make();
    const { trace, obs: finalObs } = record(a, Float32Array.from(a.reset(seed)), log, steps, draw);
    expect(trace.some((s) => s.ended.length > 0)).toBe(true); // episodes ended (and autoreset) along the way

    const b = make();
    const obs = Float32Array.from(b.reset(seed));
    const seen: typeof trace = [];
    replayActions(b, log, obs, (res, actions, prevObs) => {
      expect(Array.from(actions)).toEqual(Array.from(log.row(seen.length)));
      seen.push({ prevObs: Array.from(prevObs), rewards: Array.from(res.rewards), ended: res.final.map((f) => f.index) });
    });
    expect(seen).toEqual(trace);
    expect(obs).toEqual(finalObs);
    // The replayed env continues exactly as the original: one more identical step.
    const next = draw(Rng.fromSeed('next'));
    expect(Array.from(b.step(next).obs)).toEqual(Array.from(a.step(next).obs));
  }

  it('brings a freshly seeded cartpole vector env (discrete actions) to the logged state', () => {
    const reg = new Registry<EnvSpec>('env');
    registerEnvs(reg);
    const make = () => new SyncVectorEnv([0, 1, 2].map(() => makeEnv(reg, 'cartpole-v1') as Env<Float32Array, number>));
    checkReplay(make, 7, 200, new ActionLog('int32', 3), (rng) => Int32Array.from([0, 1, 2], () => rng.int(2)));
  });

  it('does the same for Box actions', () => {
    const make = () => new TargetVecEnv(2);
    checkReplay(make, 3, 40, new ActionLog('float32', 4), (rng) => Float32Array.from([0, 1, 2, 3], () => 4 * rng.uniform() - 2));
  });
});
