import { describe, expect, it } from 'vitest';
import { BaseEnv } from '../../src/core/env.js';
import type { Env, Info, StepResult } from '../../src/core/env.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { ActionWrapper, ObservationWrapper, RewardWrapper, Wrapper, unwrap } from './wrapper.js';

/** obs = [t, 10·t] in a reused buffer, reward = action + t, terminated after 5 steps; `closed` counts close(). */
class Counter extends BaseEnv<Float32Array, number> {
  readonly observationSpace = Box.uniform(2, -Infinity, Infinity);
  readonly actionSpace = new Discrete(3);
  t = 0;
  closed = 0;
  lastAction = -1;
  private readonly obs = new Float32Array(2);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    this.t = 0;
    this.obs.set([0, 0]);
    return { obs: this.obs, info: { start: true } };
  }

  step(action: number): StepResult<Float32Array> {
    this.lastAction = action;
    this.t++;
    this.obs.set([this.t, 10 * this.t]);
    this.result.reward = action + this.t;
    this.result.terminated = this.t >= 5;
    return this.result;
  }

  override close(): void {
    this.closed++;
  }
}

class Doubled extends ObservationWrapper<Float32Array, number> {
  private readonly out = new Float32Array(2);
  observation(obs: Float32Array): Float32Array {
    for (let i = 0; i < 2; i++) this.out[i] = 2 * obs[i];
    return this.out;
  }
}

class Negated extends RewardWrapper<Float32Array, number> {
  reward(r: number): number {
    return -r;
  }
}

/** Exposes the actions 0..1 and maps them to the inner env's 1..2. */
class Shifted extends ActionWrapper<Float32Array, number> {
  constructor(env: Env<Float32Array, number>) {
    super(env, { actionSpace: new Discrete(2) });
  }
  action(a: number): number {
    return a + 1;
  }
}

describe('Wrapper', () => {
  it('forwards reset, step, close and the spaces explicitly', () => {
    const inner = new Counter();
    const env = new Wrapper(inner);
    expect(env.observationSpace).toBe(inner.observationSpace);
    expect(env.actionSpace).toBe(inner.actionSpace);
    expect(env.reset({ seed: 1 }).info).toEqual({ start: true });
    const r = env.step(2);
    expect(r.reward).toBe(3);
    expect(Array.from(r.obs)).toEqual([1, 10]);
    env.close();
    expect(inner.closed).toBe(1);
  });

  it('exposes env (one level down) and unwrapped (innermost), and forwards no other attribute', () => {
    const inner = new Counter();
    const a = new Wrapper(inner);
    const b = new Negated(a);
    const c = new Doubled(b);
    expect(c.env).toBe(b);
    expect(b.env).toBe(a);
    expect(c.unwrapped).toBe(inner);
    expect(a.unwrapped).toBe(inner);
    expect(unwrap(inner)).toBe(inner);
    expect('t' in c).toBe(false);
    expect((c as unknown as { t?: number }).t).toBeUndefined();
    expect((c.unwrapped as Counter).t).toBe(0);
    expect(String(c)).toBe('Doubled<Negated<Wrapper<Counter>>>');
  });
});

describe('ObservationWrapper', () => {
  it('maps the reset and every step observation, and reuses its result object', () => {
    const env = new Doubled(new Counter());
    expect(Array.from(env.reset().obs)).toEqual([0, 0]);
    const r1 = env.step(0);
    expect(Array.from(r1.obs)).toEqual([2, 20]);
    expect(r1.reward).toBe(1);
    const r2 = env.step(0);
    expect(r2).toBe(r1);
    expect(Array.from(r2.obs)).toEqual([4, 40]);
  });
});

describe('RewardWrapper', () => {
  it('maps rewards without mutating the inner result', () => {
    const inner = new Counter();
    const env = new Negated(inner);
    env.reset();
    let last: StepResult<Float32Array> | undefined;
    for (let t = 1; t <= 5; t++) {
      const r = env.step(1);
      expect(r.reward).toBe(-(1 + t));
      expect(r.terminated).toBe(t === 5);
      if (last) expect(r).toBe(last);
      last = r;
    }
    // The inner env's own (reused) result still holds the raw reward.
    expect(inner.step(0).reward).toBe(6);
  });
});

describe('ActionWrapper', () => {
  it('maps actions before the inner env and exposes its own action space', () => {
    const inner = new Counter();
    const env = new Shifted(inner);
    expect(env.actionSpace.toString()).toBe('Discrete(2)');
    expect(env.observationSpace).toBe(inner.observationSpace);
    env.reset();
    expect(env.step(1).reward).toBe(3); // inner action 2, t = 1
    expect(inner.lastAction).toBe(2);
  });
});
