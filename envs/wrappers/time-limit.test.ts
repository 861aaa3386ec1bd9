import { describe, expect, it } from 'vitest';
import { BaseEnv } from '../../src/core/env.js';
import type { Info, StepResult } from '../../src/core/env.js';
import { ResetNeededError } from '../../src/core/errors.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { TimeLimit } from './time-limit.js';

/** Terminates after `terminateAt` steps (never truncates by itself); obs = [t]. */
class Stepper extends BaseEnv<Float32Array, number> {
  readonly observationSpace = Box.uniform(1, 0, Infinity);
  readonly actionSpace = new Discrete(2);
  private t = 0;
  private readonly obs = new Float32Array(1);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 1, terminated: false, truncated: false, info: {} };

  constructor(private readonly terminateAt = Infinity) {
    super();
  }

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    this.t = 0;
    this.obs[0] = 0;
    return { obs: this.obs, info: {} };
  }

  step(): StepResult<Float32Array> {
    this.obs[0] = ++this.t;
    this.result.terminated = this.t >= this.terminateAt;
    return this.result;
  }
}

describe('TimeLimit', () => {
  it('sets truncated, never terminated, exactly when the step count reaches maxEpisodeSteps', () => {
    const env = new TimeLimit(new Stepper(), 3);
    env.reset({ seed: 0 });
    const flags = [1, 2, 3].map(() => {
      const r = env.step(0);
      return [r.terminated, r.truncated, env.elapsedSteps];
    });
    expect(flags).toEqual([
      [false, false, 1],
      [false, false, 2],
      [false, true, 3],
    ]);
  });

  it('restarts the count at every reset', () => {
    const env = new TimeLimit(new Stepper(), 2);
    for (let episode = 0; episode < 3; episode++) {
      env.reset();
      expect(env.elapsedSteps).toBe(0);
      expect(env.step(0).truncated).toBe(false);
      expect(env.step(0).truncated).toBe(true);
    }
  });

  it('passes the inner termination through untouched, before and at the limit', () => {
    const early = new TimeLimit(new Stepper(2), 5);
    early.reset();
    early.step(0);
    const r = early.step(0);
    expect([r.terminated, r.truncated]).toEqual([true, false]);

    const both = new TimeLimit(new Stepper(3), 3);
    both.reset();
    both.step(0);
    both.step(0);
    const last = both.step(0);
    expect([last.terminated, last.truncated]).toEqual([true, true]);
  });

  it('throws ResetNeededError before the first reset and after the episode ended', () => {
    const env = new TimeLimit(new Stepper(), 1);
    expect(() => env.step(0)).toThrow(ResetNeededError);
    env.reset();
    env.step(0);
    expect(() => env.step(0)).toThrow(ResetNeededError);
    env.reset();
    expect(env.step(0).truncated).toBe(true);
  });

  it('reuses one result object and passes the inner observation through', () => {
    const inner = new Stepper();
    const env = new TimeLimit(inner, 10);
    const { obs } = env.reset();
    const a = env.step(0);
    const b = env.step(0);
    expect(b).toBe(a);
    expect(b.obs).toBe(obs);
    expect(b.obs[0]).toBe(2);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new TimeLimit(new Stepper(), 0)).toThrow(RangeError);
    expect(() => new TimeLimit(new Stepper(), 2.5)).toThrow(RangeError);
  });
});
