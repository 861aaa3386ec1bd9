import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ppoSpec } from '../../agents/ppo.js';
import { registerEnvs } from '../../envs/index.js';
import { makeEnv } from '../../envs/make-env.js';
import type { EnvSpec } from '../../envs/env-spec.js';
import { Registry } from '../core/registry.js';
import { Rng } from '../core/rng.js';
import type { Space } from '../core/spaces.js';
import { SyncVectorEnv } from '../core/vector-env.js';
import { checkpointHook, composeHooks, evaluationHook, metricsHook } from './callbacks.js';
import { evaluateEpisodes, summarizeEpisodes } from './evaluate-episodes.js';

const envs = new Registry<EnvSpec>('env');
registerEnvs(envs);
const cartpole = () => makeEnv(envs, 'cartpole-v1') as never;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(seed: number) {
  const vec = new SyncVectorEnv([cartpole(), cartpole()]);
  vec.reset(seed);
  const agent = ppoSpec.create(ppoSpec.configSchema.parse({ nSteps: 128 }), {
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace as Space<number>,
    rng: Rng.fromSeed(seed),
  });
  return { vec, agent };
}

describe('training callbacks', () => {
  it('evaluates on schedule, reports to onEvaluation and stops at a reward threshold', async () => {
    const { vec, agent } = setup(1);
    const seen: number[] = [];
    const evals = evaluationHook({ agent, makeEnv: cartpole, every: 512, episodes: 3, seed: 5, onEvaluation: (r) => void seen.push(r.step), stopAtReward: 0 });
    const summary = await agent.learn(vec, { steps: 4096 }, evals);
    // Every episode earns ≥ 1, so the first evaluation (after 512 steps = 2 rollouts of 256) stops training.
    expect(seen).toEqual([512]);
    expect(summary.steps).toBe(512);
    expect(evals.history[0].episodes).toBe(3);
    expect(evals.history[0].rewards.every((r) => r >= 1)).toBe(true);
  });

  it('stops after `patience` evaluations without a new best', async () => {
    const { vec, agent } = setup(2);
    const evals = evaluationHook({ agent, makeEnv: cartpole, every: 256, episodes: 2, patience: 2, onEvaluation: () => undefined });
    const summary = await agent.learn(vec, { steps: 256 * 40 }, evals);
    const means = evals.history.map((h) => h.meanReward);
    // It stopped exactly when the last two evaluations did not beat the best before them.
    const bestBefore = Math.max(...means.slice(0, -2));
    expect(means.slice(-2).every((m) => m <= bestBefore)).toBe(true);
    expect(summary.steps).toBe(evals.history.at(-1)!.step);
    expect(summary.steps).toBeLessThan(256 * 40); // it did stop early
  });

  it('summarises evaluation episodes with the population std, deterministically', () => {
    const { agent } = setup(3);
    const run = () => summarizeEpisodes(evaluateEpisodes(cartpole(), agent, { episodes: 4, seed: 9, rng: Rng.fromSeed(0) }));
    const a = run();
    expect(run()).toEqual(a);
    const stats = evaluateEpisodes(cartpole(), agent, { episodes: 4, seed: 9, rng: Rng.fromSeed(0) });
    const m = stats.returns.reduce((s, r) => s + r, 0) / 4;
    expect(a.meanReward).toBe(m);
    expect(a.stdReward).toBeCloseTo(Math.sqrt(stats.returns.reduce((s, r) => s + (r - m) ** 2, 0) / 4), 12);
  });

  it('checkpoints every N steps and logs metrics, composed', async () => {
    const { vec, agent } = setup(4);
    const dir = mkdtempSync(join(tmpdir(), 'rl-cb-'));
    dirs.push(dir);
    const lines: Record<string, number | string>[] = [];
    const saved: number[] = [];
    await agent.learn(vec, { steps: 2048 }, composeHooks(metricsHook({ log: (r) => void lines.push(r) }, { run: 'x' }), checkpointHook({ agent, dir, every: 700, onSaved: (_d, s) => void saved.push(s) })));
    expect(lines.map((l) => l.step)).toEqual([256, 512, 768, 1024, 1280, 1536, 1792, 2048]);
    expect(lines[0].run).toBe('x');
    expect(saved).toEqual([768, 1536]);
    expect(readdirSync(dir).sort()).toEqual(['step-1536', 'step-768']);
  });
});
