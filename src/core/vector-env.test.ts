import { describe, expect, it } from 'vitest';
import { BaseEnv } from './env.js';
import type { StepResult } from './env.js';
import { InvalidActionError, ResetNeededError } from './errors.js';
import { Box, Discrete } from './spaces.js';
import { SyncVectorEnv } from './vector-env.js';

/**
 * obs = [start, steps]: `start` is a seeded draw at reset, `steps` counts steps. Reward = 10·action + steps.
 * Action 2 terminates; the episode truncates after `length` steps. Buffers and info are reused, like TradingEnv.
 */
class CountEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace = Box.uniform(2, -Infinity, Infinity);
  readonly actionSpace = new Discrete(3);
  private readonly obs = new Float32Array(2);
  private readonly info = { steps: 0, start: 0 };
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };
  private active = false;

  constructor(private readonly length: number) {
    super();
  }

  protected resetEpisode(): { obs: Float32Array; info: { steps: number; start: number } } {
    this.info.start = this.rng.int(1_000_000);
    this.info.steps = 0;
    this.obs[0] = this.info.start;
    this.obs[1] = 0;
    this.active = true;
    return { obs: this.obs, info: this.info };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.active) throw new ResetNeededError();
    if (!this.actionSpace.contains(action)) throw new InvalidActionError(action, this.actionSpace.toString());
    this.info.steps++;
    this.obs[1] = this.info.steps;
    this.result.reward = 10 * action + this.info.steps;
    this.result.terminated = action === 2;
    this.result.truncated = !this.result.terminated && this.info.steps >= this.length;
    this.active = !(this.result.terminated || this.result.truncated);
    return this.result;
  }
}

/**
 * obs = [start, steps, 7]: like CountEnv but with Box actions of size 2 (reward = action[0] + 10·action[1])
 * and, when `bindable`, the observation-binding fast path. Records the action arrays it receives.
 */
class BoxEnv extends BaseEnv<Float32Array, Float32Array> {
  readonly observationSpace = Box.uniform(3, -Infinity, Infinity);
  readonly actionSpace = Box.uniform(2, -1, 1);
  readonly received: Float32Array[] = [];
  private obs: Float32Array = new Float32Array(3);
  private readonly info = { steps: 0 };
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };

  constructor(
    private readonly length: number,
    bindable: boolean,
  ) {
    super();
    if (bindable) {
      (this as unknown as { bindObservation(v: Float32Array): void }).bindObservation = (view: Float32Array) => {
        view.set(this.obs);
        this.obs = view;
        this.result.obs = view;
      };
    }
  }

  protected resetEpisode(): { obs: Float32Array; info: { steps: number } } {
    this.info.steps = 0;
    this.obs[0] = this.rng.int(1000);
    this.obs[1] = 0;
    this.obs[2] = 7;
    return { obs: this.obs, info: this.info };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new InvalidActionError(action, this.actionSpace.toString());
    this.received.push(action);
    this.info.steps++;
    this.obs[1] = this.info.steps;
    this.result.reward = action[0] + 10 * action[1];
    this.result.truncated = this.info.steps >= this.length;
    return this.result;
  }
}

function expectCode(fn: () => unknown, code: string): void {
  expect(fn).toThrow(expect.objectContaining({ code }));
}

describe('SyncVectorEnv', () => {
  it('declares same-step autoreset and packs rows contiguously', () => {
    const venv = new SyncVectorEnv([new CountEnv(5), new CountEnv(5), new CountEnv(5)]);
    expect(venv.metadata.autoresetMode).toBe('same-step');
    expect(venv.numEnvs).toBe(3);
    expect(venv.obsDim).toBe(2);
    expect(venv.reset(1).length).toBe(6);
  });

  it('resets sub-env i with seed + i', () => {
    const venv = new SyncVectorEnv([new CountEnv(5), new CountEnv(5), new CountEnv(5)]);
    const obs = venv.reset(7);
    for (let i = 0; i < 3; i++) {
      const single = new CountEnv(5).reset({ seed: 7 + i }).obs;
      expect(obs.subarray(2 * i, 2 * i + 2)).toEqual(single);
    }
    expect(new Set([obs[0], obs[2], obs[4]]).size).toBe(3);
    expect(Array.from(venv.reset(7))).toEqual(Array.from(obs)); // reseeding replays
  });

  it('seeds the sub-envs 0..n−1 on an unseeded first reset so they never share a stream', () => {
    const venv = new SyncVectorEnv([new CountEnv(5), new CountEnv(5)]);
    const obs = venv.reset();
    expect(obs[0]).toBe(new CountEnv(5).reset({ seed: 0 }).obs[0]);
    expect(obs[2]).toBe(new CountEnv(5).reset({ seed: 1 }).obs[0]);
  });

  it('writes rewards and flags per row', () => {
    const venv = new SyncVectorEnv([new CountEnv(5), new CountEnv(5), new CountEnv(5)]);
    venv.reset(3);
    const r = venv.step(Int32Array.of(0, 1, 2));
    expect(Array.from(r.rewards)).toEqual([1, 11, 21]);
    expect(Array.from(r.terminated)).toEqual([0, 0, 1]);
    expect(Array.from(r.truncated)).toEqual([0, 0, 0]);
    expect(r.final.map((f) => f.index)).toEqual([2]);
    expect(Array.from(r.obs.subarray(0, 4))).toEqual([r.obs[0], 1, r.obs[2], 1]);
  });

  it('autoresets in the same step: the row holds the new first obs, `final` the old last one', () => {
    const envs = [new CountEnv(2), new CountEnv(3)];
    const venv = new SyncVectorEnv(envs);
    const first = Array.from(venv.reset(5));
    venv.step(Int32Array.of(1, 1));
    const r = venv.step(Int32Array.of(1, 1)); // env 0 reaches its length of 2
    expect(Array.from(r.truncated)).toEqual([1, 0]);
    expect(Array.from(r.terminated)).toEqual([0, 0]);
    expect(r.rewards[0]).toBe(12); // the reward of the transition that ended
    expect(r.final).toHaveLength(1);
    const fin = r.final[0];
    expect(fin.index).toBe(0);
    expect(Array.from(fin.obs)).toEqual([first[0], 2]); // last obs of the old episode
    expect(fin.info).toEqual({ steps: 2, start: first[0] });
    // Row 0 now holds the next episode's first observation (the sub-env's stream continued).
    const nextStart = r.obs[0];
    expect(nextStart).not.toBe(first[0]);
    expect(r.obs[1]).toBe(0);
    expect(r.infos[0]).toMatchObject({ steps: 0, start: nextStart });
    expect(Array.from(r.obs.subarray(2, 4))).toEqual([first[2], 2]);

    // The final record is a copy: later steps and resets do not change it.
    const kept = r.final[0];
    const r2 = venv.step(Int32Array.of(1, 1));
    expect(Array.from(kept.obs)).toEqual([first[0], 2]);
    expect(kept.info).toEqual({ steps: 2, start: first[0] });
    expect(r2.final.map((f) => f.index)).toEqual([1]); // env 1 ends now; env 0's entry is gone
  });

  it('reuses its arrays between steps', () => {
    const venv = new SyncVectorEnv([new CountEnv(4), new CountEnv(4)]);
    const obs = venv.reset(1);
    const a = venv.step(Int32Array.of(0, 0));
    const { rewards, terminated, truncated, final, infos } = a;
    const b = venv.step(Float32Array.of(1, 0));
    expect(b.obs).toBe(obs);
    expect([b.rewards, b.terminated, b.truncated, b.final, b.infos]).toEqual([rewards, terminated, truncated, final, infos]);
    expect(b.rewards).toBe(rewards);
    expect(b.final).toBe(final);
  });

  it('rejects a wrong number of actions and propagates sub-env errors', () => {
    const venv = new SyncVectorEnv([new CountEnv(4), new CountEnv(4)]);
    expectCode(() => venv.step(Int32Array.of(0, 0)), 'E_RESET_NEEDED');
    venv.reset(1);
    expectCode(() => venv.step(Int32Array.of(0)), 'E_ASSERT');
    expectCode(() => venv.step(Int32Array.of(0, 7)), 'E_INVALID_ACTION');
  });

  it('refuses sub-envs with different observation sizes', () => {
    class Wide extends CountEnv {
      override readonly observationSpace = Box.uniform(3, -Infinity, Infinity);
    }
    expectCode(() => new SyncVectorEnv([new CountEnv(2), new Wide(2)]), 'E_ASSERT');
    expectCode(() => new SyncVectorEnv([]), 'E_ASSERT');
  });

  it('refuses sub-envs with different action spaces', () => {
    expectCode(() => new SyncVectorEnv<number | Float32Array>([new CountEnv(2), new BoxEnv(2, false)]), 'E_ASSERT');
  });
});

describe('SyncVectorEnv with Box actions and bound observations', () => {
  it('hands sub-env i its slice of the action batch in a reused array', () => {
    const envs = [new BoxEnv(5, false), new BoxEnv(5, false)];
    const venv = new SyncVectorEnv(envs);
    expect(venv.actionDim).toBe(2);
    expect(venv.singleActionSpace.toString()).toBe('Box(2,)');
    venv.reset(1);
    const r = venv.step(Float32Array.of(0.1, 0.2, -0.5, 0.25));
    expect(Array.from(r.rewards)).toEqual([Math.fround(0.1) + 10 * Math.fround(0.2), -0.5 + 2.5]);
    venv.step(Float32Array.of(0, 0, 0, 0));
    expect(envs[0].received[0]).toBe(envs[0].received[1]); // the same array each step: no allocation
    expect(envs[0].received[0]).not.toBe(envs[1].received[0]);
    expectCode(() => venv.step(Float32Array.of(0, 0)), 'E_ASSERT'); // numEnvs × actionDim values needed
    expectCode(() => venv.step(Float32Array.of(0, 0, 2, 0)), 'E_INVALID_ACTION');
  });

  it('binds each bindable sub-env to its row of the batch, so rows need no copy and stay correct', () => {
    const bound = [new BoxEnv(2, true), new BoxEnv(2, true)];
    const copied = [new BoxEnv(2, false), new BoxEnv(2, false)];
    const fast = new SyncVectorEnv(bound);
    const slow = new SyncVectorEnv(copied);
    const a = fast.reset(4);
    expect(Array.from(a)).toEqual(Array.from(slow.reset(4)));
    const actions = Float32Array.of(0.5, 0, 0.5, 0);
    const r1 = fast.step(actions);
    expect(Array.from(r1.obs)).toEqual(Array.from(slow.step(actions).obs));
    expect(r1.obs).toBe(a);
    // Episodes end at step 2: `final` holds copies, rows hold the next episode's first observation.
    const r2 = fast.step(actions);
    const s2 = slow.step(actions);
    expect(r2.final.map((f) => Array.from(f.obs))).toEqual(s2.final.map((f) => Array.from(f.obs)));
    expect(r2.final[0].obs.buffer).not.toBe(a.buffer); // a copy, not a view of the batch
    expect(Array.from(r2.obs)).toEqual(Array.from(s2.obs));
    expect(r2.obs[1]).toBe(0);
    expect(r2.final[0].obs[1]).toBe(2);
    // The sub-envs really write into the batch: their own result is a view of it.
    expect(bound[1].step(Float32Array.of(0, 0)).obs.buffer).toBe(a.buffer);
    expect(copied[1].step(Float32Array.of(0, 0)).obs.buffer).not.toBe(slow.reset().buffer);
  });

  it('keeps `final` and `infos` in place when no episode ends', () => {
    const envs = [new CountEnv(100), new CountEnv(100)];
    const venv = new SyncVectorEnv(envs);
    venv.reset(0);
    const r = venv.step(Int32Array.of(0, 1));
    const { final, infos } = r;
    const info0 = infos[0];
    for (let k = 0; k < 10; k++) venv.step(Int32Array.of(1, 1));
    expect(r.final).toBe(final);
    expect(final).toHaveLength(0);
    expect(r.infos).toBe(infos);
    expect(infos[0]).toBe(info0); // the sub-env's own reused info object, not a copy
  });
});
