import { describe, expect, it } from 'vitest';
import { computeGae, RolloutBuffer, type GaeInput } from './buffers.js';

// Two sub-envs, four steps, index t·nEnvs + i. Sub-env 0 terminates at t = 1; sub-env 1 is truncated at
// t = 2 with V(final obs) = 5. γ and λ are chosen so the arithmetic below stays readable.
const g = 0.9;
const l = 0.8;
const base = (): GaeInput => ({
  nSteps: 4,
  nEnvs: 2,
  gamma: g,
  lambda: l,
  //         t=0       t=1       t=2       t=3
  rewards: [1, 0.5, 2, 1, 3, 1.5, 4, 2],
  values: [0.1, 1, 0.2, 2, 0.3, 3, 0.4, 4],
  terminated: [0, 0, 1, 0, 0, 0, 0, 0],
  truncated: [0, 0, 0, 0, 0, 1, 0, 0],
  finalValues: [0, 0, 0, 0, 0, 5, 0, 0],
  lastValues: [10, 20],
});
const at = (arr: ArrayLike<number>, t: number, i: number) => arr[t * 2 + i];

describe('computeGae', () => {
  it('matches a hand computation with one termination and one truncation', () => {
    const { advantages, returns } = computeGae(base());
    // Sub-env 0: terminated at t = 1, so t = 1 bootstraps nothing and t = 2, 3 are a new episode.
    const e0a3 = 4 + g * 10 - 0.4;
    const e0a2 = 3 + g * 0.4 - 0.3 + g * l * e0a3;
    const e0a1 = 2 - 0.2; // r − V(s): no next value, no advantage from t = 2
    const e0a0 = 1 + g * 0.2 - 0.1 + g * l * e0a1;
    // Sub-env 1: truncated at t = 2, so its reward becomes 1.5 + γ·5 and nothing flows back from t = 3.
    const e1a3 = 2 + g * 20 - 4;
    const e1a2 = 1.5 + g * 5 - 3;
    const e1a1 = 1 + g * 3 - 2 + g * l * e1a2;
    const e1a0 = 0.5 + g * 2 - 1 + g * l * e1a1;
    const expected = [e0a0, e1a0, e0a1, e1a1, e0a2, e1a2, e0a3, e1a3];
    expected.forEach((a, k) => expect(advantages[k]).toBeCloseTo(a, 12));
    expected.forEach((a, k) => expect(returns[k]).toBeCloseTo(a + base().values[k], 12));
  });

  it('adds γ·V(final obs) on truncation', () => {
    const a = computeGae(base()).advantages;
    const b = computeGae({ ...base(), finalValues: [0, 0, 0, 0, 0, 7, 0, 0] }).advantages;
    expect(at(b, 2, 1) - at(a, 2, 1)).toBeCloseTo(g * 2, 12);
    expect(at(b, 1, 1) - at(a, 1, 1)).toBeCloseTo(g * l * g * 2, 12); // and propagates within the episode
    expect(at(b, 3, 1)).toBe(at(a, 3, 1)); // but not into the next one
  });

  it('does not bootstrap on termination, even when truncated too', () => {
    const a = computeGae(base()).advantages;
    const withFinal = computeGae({ ...base(), finalValues: [0, 0, 99, 0, 0, 5, 0, 0] }).advantages;
    expect(Array.from(withFinal)).toEqual(Array.from(a));
    const both = computeGae({ ...base(), truncated: [0, 0, 1, 0, 0, 1, 0, 0], finalValues: [0, 0, 99, 0, 0, 5, 0, 0] }).advantages;
    expect(Array.from(both)).toEqual(Array.from(a));
  });

  it('leaks nothing across an episode boundary', () => {
    const a = computeGae(base()).advantages;
    // Change everything after each boundary: rewards and values of sub-env 0 at t ≥ 2, sub-env 1 at t = 3.
    const changed = base();
    const b = computeGae({
      ...changed,
      rewards: [1, 0.5, 2, 1, -30, 1.5, 40, -20],
      values: [0.1, 1, 0.2, 2, 3.3, 3, -4.4, 44],
      lastValues: [-100, -200],
    }).advantages;
    for (const t of [0, 1]) expect(at(b, t, 0)).toBe(at(a, t, 0));
    for (const t of [0, 1, 2]) expect(at(b, t, 1)).toBe(at(a, t, 1));
  });

  it('rejects arrays that are too short', () => {
    expect(() => computeGae({ ...base(), rewards: [1, 2] })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });
});

describe('RolloutBuffer', () => {
  it('stores steps row-major and computes the same GAE', () => {
    const input = base();
    const buf = new RolloutBuffer(4, 2, 3);
    for (let t = 0; t < 4; t++) {
      const row = (arr: ArrayLike<number>) => [arr[t * 2], arr[t * 2 + 1]];
      buf.add({
        obs: [t, t, t, -t, -t, -t],
        actions: [t % 2, 1],
        values: row(input.values),
        logProbs: [-0.5, -0.7],
        rewards: row(input.rewards),
        terminated: row(input.terminated),
        truncated: row(input.truncated),
        finalValues: row(input.finalValues),
      });
    }
    expect(buf.full).toBe(true);
    expect(() => buf.add({ obs: [], actions: [], values: [], logProbs: [], rewards: [], terminated: [], truncated: [], finalValues: [] })).toThrow(
      expect.objectContaining({ code: 'E_BUFFER_FULL' }),
    );
    expect(Array.from(buf.obs.subarray(2 * 6, 3 * 6))).toEqual([2, 2, 2, -2, -2, -2]);
    buf.computeAdvantages(input.lastValues, g, l);
    const direct = computeGae({ ...input, values: buf.values }); // float32-rounded values, as stored
    expect(Array.from(buf.advantages)).toEqual(Array.from(direct.advantages));
    buf.reset();
    expect(buf.pos).toBe(0);
    expect(() => buf.computeAdvantages(input.lastValues, g, l)).toThrow(expect.objectContaining({ code: 'E_BUFFER_NOT_FULL' }));
  });

  it('stores Box actions as [n × actionSize] rows, index (t · nEnvs + i) · actionSize', () => {
    const buf = new RolloutBuffer(2, 2, 1, 3);
    const zeros = [0, 0];
    for (let t = 0; t < 2; t++) {
      const actions = [0, 1, 2, 3, 4, 5].map((q) => 10 * t + q + 0.5); // env 0: q 0..2, env 1: q 3..5
      buf.add({ obs: [t, -t], actions, values: zeros, logProbs: zeros, rewards: zeros, terminated: zeros, truncated: zeros, finalValues: zeros });
    }
    expect(buf.actions.length).toBe(2 * 2 * 3);
    expect(Array.from(buf.actions)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5]);
    const k = 1 * 2 + 1; // t = 1, env 1
    expect(Array.from(buf.actions.subarray(k * 3, (k + 1) * 3))).toEqual([13.5, 14.5, 15.5]);
  });
});
