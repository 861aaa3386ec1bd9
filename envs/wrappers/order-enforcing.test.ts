import { describe, expect, it } from 'vitest';
import { BaseEnv } from '../../src/core/env.js';
import type { Info, StepResult } from '../../src/core/env.js';
import { ResetNeededError } from '../../src/core/errors.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { OrderEnforcing } from './order-enforcing.js';

/** Never checks the order itself; ends with `terminated` (action 1) or `truncated` (action 2). */
class Lax extends BaseEnv<Float32Array, number> {
  readonly observationSpace = Box.uniform(1, -1, 1);
  readonly actionSpace = new Discrete(3);
  steps = 0;
  private readonly obs = new Float32Array(1);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    return { obs: this.obs, info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    this.steps++;
    this.result.terminated = action === 1;
    this.result.truncated = action === 2;
    return this.result;
  }
}

describe('OrderEnforcing', () => {
  it('throws ResetNeededError on step before the first reset, without reaching the inner env', () => {
    const inner = new Lax();
    const env = new OrderEnforcing(inner);
    expect(env.hasReset).toBe(false);
    expect(() => env.step(0)).toThrow(ResetNeededError);
    expect(inner.steps).toBe(0);
    env.reset({ seed: 3 });
    expect(env.hasReset).toBe(true);
    expect(env.step(0).terminated).toBe(false);
  });

  it.each([
    ['terminated', 1],
    ['truncated', 2],
  ])('throws after an episode %s without reset, even when the inner env would not', (_flag, action) => {
    const inner = new Lax();
    const env = new OrderEnforcing(inner);
    env.reset();
    env.step(action);
    expect(() => env.step(0)).toThrow(ResetNeededError);
    expect(inner.steps).toBe(1);
    env.reset();
    expect(() => env.step(0)).not.toThrow();
  });

  it('passes the inner result through unchanged', () => {
    const inner = new Lax();
    const env = new OrderEnforcing(inner);
    const reset = env.reset();
    expect(reset.obs).toBe(inner.reset().obs);
    const r = env.step(0);
    expect(env.step(0)).toBe(r);
  });
});
