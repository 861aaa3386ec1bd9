import { describe, expect, it } from 'vitest';
import { BaseEnv } from '../../src/core/env.js';
import type { Info, StepResult } from '../../src/core/env.js';
import { RlError } from '../../src/core/errors.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { FrameStack } from './frame-stack.js';

/** obs = [t, −t] in one reused buffer; reset starts at t = start. */
class Ramp extends BaseEnv<Float32Array, number> {
  readonly observationSpace = new Box(Float32Array.of(0, -100), Float32Array.of(100, 0));
  readonly actionSpace = new Discrete(2);
  private t = 0;
  private readonly obs = new Float32Array(2);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };

  constructor(private readonly start = 10) {
    super();
  }

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    this.t = this.start;
    this.obs.set([this.t, -this.t]);
    return { obs: this.obs, info: {} };
  }

  step(): StepResult<Float32Array> {
    this.t++;
    this.obs.set([this.t, -this.t]);
    return this.result;
  }
}

describe('FrameStack', () => {
  it('pads with the reset observation and shifts one observation per step, oldest first', () => {
    const env = new FrameStack(new Ramp(), 3);
    expect(Array.from(env.reset().obs)).toEqual([10, -10, 10, -10, 10, -10]);
    expect(Array.from(env.step(0).obs)).toEqual([10, -10, 10, -10, 11, -11]);
    expect(Array.from(env.step(0).obs)).toEqual([10, -10, 11, -11, 12, -12]);
    expect(Array.from(env.step(0).obs)).toEqual([11, -11, 12, -12, 13, -13]);
    expect(Array.from(env.reset().obs)).toEqual([10, -10, 10, -10, 10, -10]);
  });

  it('tiles the inner bounds k times with shape [k, ...innerShape]', () => {
    const space = new FrameStack(new Ramp(), 3).observationSpace as Box;
    expect(space.shape).toEqual([3, 2]);
    expect(space.size).toBe(6);
    expect(Array.from(space.low)).toEqual([0, -100, 0, -100, 0, -100]);
    expect(Array.from(space.high)).toEqual([100, 0, 100, 0, 100, 0]);
  });

  it('reuses one stack buffer and copies the inner (reused) observations in', () => {
    const env = new FrameStack(new Ramp(), 2);
    const { obs } = env.reset();
    const r = env.step(0);
    expect(r.obs).toBe(obs);
    expect(env.step(0)).toBe(r);
    expect(Array.from(r.obs)).toEqual([11, -11, 12, -12]);
    expect(env.observationSpace.contains(r.obs)).toBe(true);
  });

  it('with k = 1 is the identity on values', () => {
    const env = new FrameStack(new Ramp(), 1);
    env.reset();
    expect(Array.from(env.step(0).obs)).toEqual([11, -11]);
  });

  it('rejects a non-positive k and a non-Box observation space', () => {
    expect(() => new FrameStack(new Ramp(), 0)).toThrow(RangeError);
    const discreteObs = { ...new Ramp(), observationSpace: new Discrete(3) } as unknown as Ramp;
    expect(() => new FrameStack(discreteObs, 2)).toThrow(RlError);
  });
});
