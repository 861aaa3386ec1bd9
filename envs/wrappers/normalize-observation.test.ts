import { describe, expect, it } from 'vitest';
import { BaseEnv } from '../../src/core/env.js';
import type { Info, StepResult } from '../../src/core/env.js';
import { ConfigError } from '../../src/core/errors.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { NormalizeObservation } from './normalize-observation.js';

const MEANS = [5, -2, 0.3];
const SDS = [2, 0.5, 0.01];

/** obs[i] = MEANS[i] + SDS[i]·N(0, 1) from the env's rng, in a reused buffer; never ends. */
class Noisy extends BaseEnv<Float32Array, number> {
  readonly observationSpace = Box.uniform(3, -Infinity, Infinity);
  readonly actionSpace = new Discrete(2);
  private readonly obs = new Float32Array(3);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    this.draw();
    return { obs: this.obs, info: {} };
  }

  step(): StepResult<Float32Array> {
    this.draw();
    return this.result;
  }

  private draw(): void {
    for (let i = 0; i < 3; i++) this.obs[i] = MEANS[i] + SDS[i] * this.rng.normal();
  }
}

/** Runs `steps` steps; returns every raw observation the wrapper saw (the reset one first) and the outputs. */
function collect(env: NormalizeObservation<number>, inner: Noisy, steps: number): { raw: Float32Array[]; out: Float32Array[] } {
  const raw: Float32Array[] = [];
  const out: Float32Array[] = [];
  const { obs } = env.reset({ seed: 7 });
  // The inner buffer is reused, so its current contents are the last raw observation.
  const innerObs = () => (inner as unknown as { obs: Float32Array }).obs.slice();
  raw.push(innerObs());
  out.push(obs.slice());
  for (let t = 0; t < steps; t++) {
    const r = env.step(0);
    raw.push(innerObs());
    out.push(r.obs.slice());
  }
  return { raw, out };
}

function directMoments(raw: Float32Array[]): { mean: number[]; variance: number[] } {
  const n = raw.length;
  const mean = [0, 1, 2].map((i) => raw.reduce((s, x) => s + x[i], 0) / n);
  const variance = [0, 1, 2].map((i) => raw.reduce((s, x) => s + (x[i] - mean[i]) ** 2, 0) / n);
  return { mean, variance };
}

describe('NormalizeObservation', () => {
  it('tracks the mean and population variance of every observation seen, to 1e-6', () => {
    const inner = new Noisy();
    const env = new NormalizeObservation(inner);
    const { raw } = collect(env, inner, 2000);
    const { mean, variance } = directMoments(raw);
    const n = raw.length;
    const stats = env.statistics();
    expect(stats.count).toBeCloseTo(n + 1e-4, 9);
    for (let i = 0; i < 3; i++) {
      // Gymnasium's RunningMeanStd starts from a prior pseudo-sample (mean 0, variance 1, weight 1e-4): pooled
      // with the data it gives the statistics exactly; without it the variance differs by 1e-4·(1 + mean² − var)/n.
      const pooledMean = (n * mean[i]) / (n + 1e-4);
      const pooledVar = (1e-4 * (1 + pooledMean ** 2) + n * (variance[i] + (mean[i] - pooledMean) ** 2)) / (n + 1e-4);
      expect(Math.abs(stats.mean[i] - pooledMean), `mean ${i}`).toBeLessThan(1e-6);
      expect(Math.abs(stats.var[i] - pooledVar), `var ${i}`).toBeLessThan(1e-6);
    }
  });

  it('returns (obs − mean) / sqrt(var + 1e-8) in float32, with the statistics updated by that observation first', () => {
    const inner = new Noisy();
    const env = new NormalizeObservation(inner);
    const { raw, out } = collect(env, inner, 500);
    const last = out[out.length - 1];
    const { mean, var: variance } = env.statistics();
    for (let i = 0; i < 3; i++) expect(last[i]).toBe(Math.fround((raw[raw.length - 1][i] - mean[i]) / Math.sqrt(variance[i] + 1e-8)));
    // Normalised outputs of a stationary process are roughly standard.
    const { mean: outMean, variance: outVar } = directMoments(out.slice(100));
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(outMean[i])).toBeLessThan(0.15);
      expect(Math.abs(outVar[i] - 1)).toBeLessThan(0.15);
    }
  });

  it('never changes its statistics while frozen, and resumes after unfreeze', () => {
    const inner = new Noisy();
    const env = new NormalizeObservation(inner);
    collect(env, inner, 200);
    env.freeze();
    expect(env.frozen).toBe(true);
    const before = env.statistics();
    const { raw, out } = collect(env, inner, 300);
    expect(env.statistics()).toEqual(before);
    for (let t = 0; t < raw.length; t += 37) {
      for (let i = 0; i < 3; i++) expect(out[t][i]).toBe(Math.fround((raw[t][i] - before.mean[i]) / Math.sqrt(before.var[i] + 1e-8)));
    }
    env.unfreeze();
    env.step(0);
    expect(env.statistics().count).toBe(before.count + 1);
  });

  it('evaluates with statistics fitted in training: a fresh frozen wrapper gives the same bytes', () => {
    const trainInner = new Noisy();
    const train = new NormalizeObservation(trainInner);
    collect(train, trainInner, 300);
    const stats = JSON.parse(JSON.stringify(train.statistics()));
    train.freeze();
    const evalInner = new Noisy();
    const evaluation = new NormalizeObservation(evalInner, { statistics: stats, frozen: true });
    expect(collect(evaluation, evalInner, 50).out).toEqual(collect(train, trainInner, 50).out);
    expect(evaluation.statistics()).toEqual(train.statistics());
  });

  it('clips when asked and declares the matching space', () => {
    const inner = new Noisy();
    const env = new NormalizeObservation(inner, { clip: 0.5 });
    const { out } = collect(env, inner, 200);
    expect(out.every((o) => o.every((v) => v >= -0.5 && v <= 0.5))).toBe(true);
    expect(out.some((o) => o.some((v) => v === 0.5 || v === -0.5))).toBe(true);
    expect(out.every((o) => env.observationSpace.contains(o))).toBe(true);
    const unclipped = new NormalizeObservation(new Noisy()).observationSpace as Box;
    expect(Array.from(unclipped.high)).toEqual([Infinity, Infinity, Infinity]);
  });

  it('reuses one observation buffer', () => {
    const env = new NormalizeObservation(new Noisy());
    const { obs } = env.reset({ seed: 1 });
    expect(env.step(0).obs).toBe(obs);
    expect(env.step(0).obs).toBe(obs);
  });

  it('rejects statistics of the wrong size or with negative variance', () => {
    const env = new NormalizeObservation(new Noisy());
    expect(() => env.setStatistics({ mean: [0, 0], var: [1, 1], count: 1 })).toThrow(ConfigError);
    expect(() => env.setStatistics({ mean: [0, 0, 0], var: [1, -1, 1], count: 1 })).toThrow(ConfigError);
    expect(() => new NormalizeObservation(new Noisy(), { clip: 0 })).toThrow(ConfigError);
  });
});
