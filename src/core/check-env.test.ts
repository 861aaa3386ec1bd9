import { describe, expect, it } from 'vitest';
import { checkEnv, PassiveEnvChecker } from './check-env.js';
import { BaseEnv } from './env.js';
import type { Info, StepResult } from './env.js';
import { ResetNeededError, RlError } from './errors.js';
import { Box, Discrete } from './spaces.js';
import type { Space } from './spaces.js';

interface Faults {
  /** Reads a module-level counter, so two equally seeded envs differ. */
  globalCounter?: 'reset' | 'step';
  /** The observation leaves [−1, 1] from this step on. */
  leaveSpaceAt?: number;
  nanRewardAt?: number;
  nanObsAt?: number;
  /** Steps without a reset are allowed: 'never' checks nothing, 'after-end' only checks before the first reset. */
  lax?: 'never' | 'after-end';
  /** Returns 0/1 instead of booleans. */
  numericFlags?: boolean;
  /** reset() without a seed throws. */
  throwWithoutSeed?: boolean;
  observationSpace?: Space<Float32Array>;
}

let globalCounter = 0;

/**
 * A small well-behaved env unless told otherwise: obs = [u, t/10] with u uniform in [−0.5, 0.5) from the
 * env's rng, reward = action − 0.5·u, terminated after 12 steps, reused buffers.
 */
class Toy extends BaseEnv<Float32Array, number> {
  readonly observationSpace: Space<Float32Array>;
  readonly actionSpace = new Discrete(2);
  private t = 0;
  private active = false;
  private readonly obs = new Float32Array(2);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };

  constructor(private readonly faults: Faults = {}) {
    super();
    this.observationSpace = faults.observationSpace ?? Box.uniform(2, -1, 1);
  }

  override reset(opts?: { seed?: number; options?: Record<string, unknown> }): { obs: Float32Array; info: Info } {
    if (this.faults.throwWithoutSeed && opts?.seed === undefined) throw new Error('a seed is required');
    return super.reset(opts);
  }

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    this.t = 0;
    this.obs[0] = this.rng.uniform() - 0.5 + (this.faults.globalCounter === 'reset' ? 0.001 * globalCounter++ : 0);
    this.obs[1] = 0;
    this.active = true;
    return { obs: this.obs, info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const lax = this.faults.lax;
    if (!this.active && lax === undefined) throw new ResetNeededError();
    if (lax === 'after-end' && this.t === 0 && !this.active) throw new ResetNeededError();
    this.t++;
    const f = this.faults;
    const u = this.rng.uniform() - 0.5 + (f.globalCounter === 'step' ? 0.001 * globalCounter++ : 0);
    this.obs[0] = u;
    this.obs[1] = this.t / 10;
    if (f.leaveSpaceAt !== undefined && this.t >= f.leaveSpaceAt) this.obs[0] = 3;
    if (f.nanObsAt === this.t) this.obs[1] = Number.NaN;
    const r = this.result;
    r.reward = f.nanRewardAt === this.t ? Number.NaN : action - 0.5 * u;
    r.terminated = this.t >= 9;
    if (f.numericFlags) (r as unknown as { terminated: number }).terminated = this.t >= 9 ? 1 : 0;
    if (this.t >= 9) this.active = false;
    return r;
  }
}

function expectCheckFailure(make: () => Toy, phrase: RegExp): void {
  let error: unknown;
  try {
    checkEnv(make, { seed: 5, steps: 50 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RlError);
  expect((error as RlError).code).toBe('E_CHECK_ENV');
  expect((error as RlError).message).toMatch(phrase);
}

describe('checkEnv', () => {
  it('passes a well-behaved env', () => {
    expect(() => checkEnv(() => new Toy(), { seed: 5, steps: 100 })).not.toThrow();
  });

  it('catches an env that is not deterministic under a seed (a global counter in reset)', () => {
    expectCheckFailure(() => new Toy({ globalCounter: 'reset' }), /two fresh envs reset with seed 5 return different observations/);
  });

  it('catches an env that is not deterministic under a seed (a global counter in step)', () => {
    expectCheckFailure(() => new Toy({ globalCounter: 'step' }), /step 0 .*different observations/);
  });

  it('catches an observation that leaves the observation space', () => {
    expectCheckFailure(() => new Toy({ leaveSpaceAt: 4 }), /step 3 .*is not in Box\(2,\) \(index 0: 3 outside \[-1, 1\]\)/);
  });

  it('catches a NaN reward', () => {
    expectCheckFailure(() => new Toy({ nanRewardAt: 2 }), /step 1 .*reward NaN is not a finite number/);
  });

  it('catches a NaN in an observation', () => {
    expectCheckFailure(() => new Toy({ nanObsAt: 3 }), /observation\[1\] is NaN/);
  });

  it('catches an env that does not enforce reset before step', () => {
    expectCheckFailure(() => new Toy({ lax: 'never' }), /step\(\) before the first reset\(\) must throw ResetNeededError, but returned normally/);
  });

  it('catches an env that can be stepped after its episode ended', () => {
    expectCheckFailure(() => new Toy({ lax: 'after-end' }), /step\(\) after the episode terminated at step 8 without reset\(\) must throw ResetNeededError/);
  });

  it('catches flags that are not booleans', () => {
    expectCheckFailure(() => new Toy({ numericFlags: true }), /terminated is 0, not a boolean/);
  });

  it('catches a reset without a seed that throws', () => {
    expectCheckFailure(() => new Toy({ throwWithoutSeed: true }), /reset\(\) without a seed .*threw Error: a seed is required/);
  });

  it('catches inconsistent spaces', () => {
    const badShape = new Box(new Float32Array(2).fill(-1), new Float32Array(2).fill(1), [3]);
    expectCheckFailure(() => new Toy({ observationSpace: badShape }), /shape \[3\] holds 3 values, but the bounds hold 2/);
    const inverted = new Box(Float32Array.of(1, -1), Float32Array.of(-1, 1));
    expectCheckFailure(() => new Toy({ observationSpace: inverted }), /low\[0\] = 1 > high\[0\] = -1/);
    const custom = { kind: 'box', contains: () => true, sample: () => new Float32Array(2), toString: () => 'Custom' } as unknown as Space<Float32Array>;
    expectCheckFailure(() => new Toy({ observationSpace: custom }), /must be a Box or a Discrete/);
  });
});

describe('PassiveEnvChecker', () => {
  it('passes results through untouched and exposes env and unwrapped', () => {
    const inner = new Toy();
    const env = new PassiveEnvChecker(inner);
    expect(env.env).toBe(inner);
    expect(env.unwrapped).toBe(inner);
    expect(env.observationSpace).toBe(inner.observationSpace);
    const { obs } = env.reset({ seed: 1 });
    const r = env.step(1);
    expect(r.obs).toBe(obs);
    expect(env.step(0)).toBe(r);
    expect(String(env)).toBe('PassiveEnvChecker<Toy>');
  });

  it('checks the first reset and the first step only', () => {
    const env = new PassiveEnvChecker(new Toy({ nanRewardAt: 1 }));
    env.reset({ seed: 1 });
    expect(() => env.step(0)).toThrow(expect.objectContaining({ code: 'E_CHECK_ENV' }));
    const later = new PassiveEnvChecker(new Toy({ nanRewardAt: 2 }));
    later.reset({ seed: 1 });
    later.step(0);
    expect(Number.isNaN(later.step(0).reward)).toBe(true); // passive: no cost after the first step
  });

  it('rejects an observation outside the space at the first reset, and bad spaces at construction', () => {
    const narrow = new Toy({ observationSpace: Box.uniform(2, 10, 11) });
    expect(() => new PassiveEnvChecker(narrow).reset({ seed: 0 })).toThrow(expect.objectContaining({ code: 'E_CHECK_ENV' }));
    const badShape = new Box(new Float32Array(2), new Float32Array(2), [1]);
    expect(() => new PassiveEnvChecker(new Toy({ observationSpace: badShape }))).toThrow(expect.objectContaining({ code: 'E_CHECK_ENV' }));
  });
});
