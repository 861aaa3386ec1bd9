import { describe, expect, it } from 'vitest';
import type { FinalTransition, VectorStep } from '../src/core/env.js';
import { Rng } from '../src/core/rng.js';
import { createReplayBatch, ReplayBuffer } from './replay-buffer.js';

/** A vector step of `obs` rows (obsDim 1 unless rows are longer) with per-env rewards and end flags. */
function vstep(obs: number[][], rewards: number[], ends: ('term' | 'trunc' | '')[] = [], final: FinalTransition[] = []): VectorStep {
  return {
    obs: Float32Array.from(obs.flat()),
    rewards: Float64Array.from(rewards),
    terminated: Uint8Array.from(rewards.map((_, i) => (ends[i] === 'term' ? 1 : 0))),
    truncated: Uint8Array.from(rewards.map((_, i) => (ends[i] === 'trunc' ? 1 : 0))),
    final,
    infos: rewards.map(() => ({})),
  };
}
const fin = (index: number, ...obs: number[]): FinalTransition => ({ index, obs: Float32Array.from(obs), info: {} });
/** Row k of the buffer as plain numbers (obsDim 1). */
const row = (b: ReplayBuffer, k: number) => ({ obs: b.obs[k], next: b.nextObs[k], action: b.actions[k], reward: b.rewards[k], done: b.dones[k], discount: b.discounts[k] });

describe('ReplayBuffer', () => {
  it('overwrites the oldest transition once full (circular), growing its storage up to capacity', () => {
    const b = new ReplayBuffer({ capacity: 3, obsDim: 1, numEnvs: 1, gamma: 0.9, initialRows: 1 });
    for (let t = 0; t < 5; t++) b.add(Float32Array.of(t), Int32Array.of(t % 2), vstep([[t + 1]], [10 * t]));
    expect(b.size).toBe(3);
    expect(b.position).toBe(2);
    // Slot t mod 3 holds step t for the last three steps (2, 3, 4).
    expect([0, 1, 2].map((k) => row(b, k))).toEqual([
      { obs: 3, next: 4, action: 1, reward: 30, done: 0, discount: 0.9 },
      { obs: 4, next: 5, action: 0, reward: 40, done: 0, discount: 0.9 },
      { obs: 2, next: 3, action: 0, reward: 20, done: 0, discount: 0.9 },
    ]);
    expect(b.obs.length).toBe(3);
  });

  it('allocates only what it stores, not the full capacity', () => {
    const b = new ReplayBuffer({ capacity: 1_000_000, obsDim: 50, numEnvs: 1, gamma: 0.99 });
    expect(b.obs.length).toBe(1024 * 50);
    for (let t = 0; t < 1500; t++) b.add(new Float32Array(50).fill(t), Int32Array.of(0), vstep([new Array(50).fill(t + 1)], [t]));
    expect(b.obs.length).toBe(2048 * 50);
    expect([b.obs[1499 * 50], b.nextObs[1499 * 50 + 49], b.rewards[1499]]).toEqual([1499, 1500, 1499]);
  });

  it('terminated: done 1; truncated: done 0 and the final observation, not the autoreset one, as next obs', () => {
    const b = new ReplayBuffer({ capacity: 10, obsDim: 2, numEnvs: 3, gamma: 0.5 });
    // Env 0 terminates, env 1 is truncated, env 2 goes on; rows 0 and 1 of obs already hold new episodes.
    const res = vstep([[100, 100], [200, 200], [3, 3]], [1, 2, 3], ['term', 'trunc', ''], [fin(0, 7, 8), fin(1, 9, 10)]);
    b.add(Float32Array.of(0, 0, 1, 1, 2, 2), Int32Array.of(0, 1, 2), res);
    expect(b.size).toBe(3);
    expect(Array.from(b.nextObs.subarray(0, 6))).toEqual([7, 8, 9, 10, 3, 3]);
    expect(Array.from(b.dones.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(b.discounts.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]);
    // A truncation without its final observation cannot be bootstrapped.
    const missing = vstep([[0, 0], [0, 0], [0, 0]], [0, 0, 0], ['', 'trunc', '']);
    expect(() => b.add(new Float32Array(6), new Int32Array(3), missing)).toThrow(expect.objectContaining({ code: 'E_VECTOR_STEP' }));
  });

  it('folds n-step returns and cuts them at an episode end (hand-computed, γ = 0.5, n = 3)', () => {
    const g = 0.5;
    const b = new ReplayBuffer({ capacity: 20, obsDim: 1, numEnvs: 2, gamma: g, nStep: 3 });
    // Env 0: s0 -r=1-> s1 -2-> s2 -3-> s3 -4-> s4 -5-> terminal (final obs 99), then s'0 -6-> s'1 ...
    // Env 1: u0 -10-> u1 -20-> truncated (final obs 77).
    const add = (o: [number, number], a: [number, number], next: [number, number], r: [number, number], ends: ('term' | 'trunc' | '')[] = [], final: FinalTransition[] = []) =>
      b.add(Float32Array.from(o), Int32Array.from(a), vstep([[next[0]], [next[1]]], r, ends, final));
    add([0, 50], [0, 1], [1, 51], [1, 10]);
    expect([b.size, b.pending]).toEqual([0, 2]);
    add([1, 51], [1, 0], [2, 60], [2, 20], ['', 'trunc'], [fin(1, 77)]);
    // Env 1's episode ended after two steps: both stored at once, bootstrapping from the final obs 77.
    expect([b.size, b.pending]).toEqual([2, 2]);
    expect([row(b, 0), row(b, 1)]).toEqual([
      { obs: 50, next: 77, action: 1, reward: 10 + g * 20, done: 0, discount: g ** 2 },
      { obs: 51, next: 77, action: 0, reward: 20, done: 0, discount: g },
    ]);
    add([2, 60], [0, 1], [3, 61], [3, 30]);
    // Env 0's window is full: s0 gets 1 + g·2 + g²·3 and bootstraps from s3 with γ³.
    expect(row(b, 2)).toEqual({ obs: 0, next: 3, action: 0, reward: 1 + g * 2 + g * g * 3, done: 0, discount: g ** 3 });
    add([3, 61], [1, 1], [4, 62], [4, 40]);
    expect(row(b, 3)).toEqual({ obs: 1, next: 4, action: 1, reward: 2 + g * 3 + g * g * 4, done: 0, discount: g ** 3 });
    add([4, 62], [0, 0], [500, 63], [5, 50], ['term', ''], [fin(0, 99)]);
    // Termination inside env 0's window: s2, s3, s4 stored with returns cut at the end, done = 1 …
    expect([4, 5, 6].map((k) => row(b, k))).toEqual([
      { obs: 2, next: 99, action: 0, reward: 3 + g * 4 + g * g * 5, done: 1, discount: g ** 3 },
      { obs: 3, next: 99, action: 1, reward: 4 + g * 5, done: 1, discount: g ** 2 },
      { obs: 4, next: 99, action: 0, reward: 5, done: 1, discount: g },
    ]);
    // … then env 1's window (60, 61, 62), full in the same step (sub-envs are stored in index order).
    expect(row(b, 7)).toEqual({ obs: 60, next: 63, action: 1, reward: 30 + g * 40 + g * g * 50, done: 0, discount: g ** 3 });
    expect([b.size, b.pending]).toEqual([8, 2]);
    b.clear();
    expect([b.size, b.pending]).toEqual([0, 0]);
  });

  it('samples uniformly with replacement, reproducibly for a seed', () => {
    const b = new ReplayBuffer({ capacity: 100, obsDim: 2, numEnvs: 1, gamma: 0.99 });
    for (let t = 0; t < 50; t++) b.add(Float32Array.of(t, -t), Int32Array.of(t % 3), vstep([[t + 1, -t - 1]], [t / 10]));
    const draw = (seed: number) => {
      const batch = createReplayBatch(256, 2);
      b.sample(Rng.fromSeed(seed), batch);
      return batch;
    };
    const [x, y, z] = [draw(1), draw(1), draw(2)];
    expect(y).toEqual(x);
    expect(Array.from(z.actions)).not.toEqual(Array.from(x.actions));
    const seen = new Set<number>();
    for (let k = 0; k < x.size; k++) {
      const t = x.obs[2 * k];
      seen.add(t);
      // Every field of a sampled row belongs to the same stored transition.
      expect([x.obs[2 * k + 1], x.nextObs[2 * k], x.actions[k], x.rewards[k], x.dones[k], x.discounts[k]]).toEqual([-t, t + 1, t % 3, t / 10, 0, 0.99]);
    }
    // 256 draws from 50 rows: all but a few rows appear (expected unseen ≈ 50·(49/50)^256 ≈ 0.3).
    expect(seen.size).toBeGreaterThanOrEqual(45);
    expect(() => new ReplayBuffer({ capacity: 5, obsDim: 1, numEnvs: 1, gamma: 0.9 }).sample(Rng.fromSeed(0), createReplayBatch(1, 1))).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
  });
});
