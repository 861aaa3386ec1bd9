import { describe, expect, it } from 'vitest';
import { BaseEnv } from '../../src/core/env.js';
import type { Info, StepResult } from '../../src/core/env.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { EpisodeStatistics } from './record-episode-statistics.js';
import { RecordEpisodeStatistics } from './record-episode-statistics.js';
import { TimeLimit } from './time-limit.js';

/** Reward = action + 0.5·t at step t (1-based); episode k (0-based) terminates after k + 2 steps; one reused info. */
class Toy extends BaseEnv<Float32Array, number> {
  readonly observationSpace = Box.uniform(1, -Infinity, Infinity);
  readonly actionSpace = new Discrete(2);
  readonly info: Info = { note: 'inner' };
  private t = 0;
  private episode = -1;
  private readonly obs = new Float32Array(1);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    this.t = 0;
    this.episode++;
    return { obs: this.obs, info: this.info };
  }

  step(action: number): StepResult<Float32Array> {
    this.t++;
    this.result.reward = action + 0.5 * this.t;
    this.result.terminated = this.t >= this.episode + 2;
    return this.result;
  }
}

function runEpisode(env: RecordEpisodeStatistics<Float32Array, number>, action: number): StepResult<Float32Array>[] {
  env.reset();
  const steps: StepResult<Float32Array>[] = [];
  for (;;) {
    const r = env.step(action);
    steps.push({ ...r });
    if (r.terminated || r.truncated) return steps;
  }
}

describe('RecordEpisodeStatistics', () => {
  it('adds info.episode = { return, length } on the last step only', () => {
    const env = new RecordEpisodeStatistics(new Toy());
    const steps = runEpisode(env, 1); // 2 steps: (1 + 0.5) + (1 + 1)
    expect(steps).toHaveLength(2);
    expect(steps[0].info.episode).toBeUndefined();
    expect(steps[1].info.episode).toEqual({ return: 3.5, length: 2 });
    expect(steps[1].info.note).toBe('inner');
    const next = runEpisode(env, 0); // 3 steps: 0.5 + 1 + 1.5
    expect(next[2].info.episode).toEqual({ return: 3, length: 3 });
    expect(env.returnQueue).toEqual([3.5, 3]);
    expect(env.lengthQueue).toEqual([2, 3]);
    expect(env.episodeCount).toBe(2);
  });

  it('never writes into the inner env’s reused info object', () => {
    const inner = new Toy();
    const env = new RecordEpisodeStatistics(inner);
    runEpisode(env, 1);
    expect(inner.info).toEqual({ note: 'inner' });
    env.reset();
    expect(env.step(1).info).toBe(inner.info); // mid-episode: passed through, no allocation
  });

  it('keeps the last bufferLength episodes, oldest first', () => {
    const env = new RecordEpisodeStatistics(new Toy(), 3);
    for (let k = 0; k < 5; k++) runEpisode(env, 0);
    // Episode k has length k + 2 and return 0.5·(1 + … + (k + 2)).
    expect(env.lengthQueue).toEqual([4, 5, 6]);
    expect(env.returnQueue).toEqual([5, 7.5, 10.5]);
    expect(env.episodeCount).toBe(5);
  });

  it('counts episodes cut by an inner TimeLimit, and restarts the sums at reset', () => {
    const env = new RecordEpisodeStatistics(new TimeLimit(new Toy(), 1));
    env.reset();
    env.step(1); // cut by the limit after one step: return 1.5
    env.reset();
    const r = env.step(0);
    expect(r.truncated).toBe(true);
    expect(r.info.episode as EpisodeStatistics).toEqual({ return: 0.5, length: 1 });
    expect(env.returnQueue).toEqual([1.5, 0.5]);
  });
});
