import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EnvSpec } from '../../envs/env-spec.js';
import { makeEnv } from '../../envs/make-env.js';
import { parseConfig } from '../core/config.js';
import { BaseEnv } from '../core/env.js';
import type { Info, StepResult } from '../core/env.js';
import { Rng } from '../core/rng.js';
import { Box } from '../core/spaces.js';
import { sha256File } from '../store/hash.js';
import { envRun, isStandaloneEnv, resolveEnvRun } from './env-run.js';
import { evaluateEpisodes } from './evaluate-episodes.js';
import { createRegistries } from './registries.js';

const work = mkdtempSync(join(tmpdir(), 'rl-env-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** PPO with a small rollout: a few thousand cartpole steps train in about a second. */
const cartpole = (seed: number) => ({
  seed,
  env: { id: 'cartpole-v1' },
  agent: { id: 'ppo', config: { nSteps: 64, batchSize: 32, nEpochs: 4 } },
  train: { steps: 2048, numEnvs: 2 },
  eval: { episodes: 5 },
});

/** "Reach": obs x ~ U(−1, 1), action a ∈ [−1, 1], reward −|a − x|; ten steps an episode (TimeLimit). */
class ReachEnv extends BaseEnv<Float32Array, Float32Array> {
  readonly observationSpace = Box.uniform(1, -1, 1);
  readonly actionSpace = Box.uniform(1, -1, 1);
  private readonly obs = new Float32Array(1);
  private readonly info: Info = {};

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    this.obs[0] = 2 * this.rng.uniform() - 1;
    return { obs: this.obs, info: this.info };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    const reward = -Math.abs(action[0] - this.obs[0]);
    this.obs[0] = 2 * this.rng.uniform() - 1;
    return { obs: this.obs, reward, terminated: false, truncated: false, info: this.info };
  }
}

const reachSpec: EnvSpec = {
  id: 'reach-v0',
  description: 'test env with a Box action',
  configSchema: z.strictObject({}),
  maxEpisodeSteps: 10,
  create: (config) => (parseConfig(z.strictObject({}), config, 'env'), new ReachEnv()),
};

describe('envRun', () => {
  it('trains and evaluates ppo on cartpole-v1, and persists the run with a loadable checkpoint', async () => {
    const registries = createRegistries();
    const { id, dir, config, report } = await envRun(cartpole(1), { registries, outDir: work });
    expect(config).toMatchObject({ train: { steps: 2048, numEnvs: 2 }, eval: { episodes: 5 } });
    expect(config.agent.config).toMatchObject({ nSteps: 64, gamma: 0.99 }); // defaults resolved
    expect(report).toMatchObject({ runId: id, seed: 1, env: 'cartpole-v1', agent: 'ppo', numEnvs: 2, trainSteps: 2048, trainUpdates: 16, evalEpisodes: 5 });
    expect(report.trainEpisodes).toBeGreaterThan(0);
    expect(report.evalReturns).toHaveLength(5);
    // Cartpole pays 1 per step: each return is its episode's length, between 1 and the 500-step limit.
    for (const r of report.evalReturns) expect(Number.isInteger(r) && r >= 1 && r <= 500).toBe(true);
    expect(report.evalMeanReward).toBeCloseTo(report.evalReturns.reduce((a, b) => a + b, 0) / 5, 12);
    expect(report.evalMeanLength).toBe(report.evalMeanReward);
    expect(report.evalStdReward).toBeGreaterThanOrEqual(0);

    for (const f of ['config.json', 'metrics.jsonl', 'report.json', 'manifest.json', 'agent/agent.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual(Array.from({ length: 16 }, (_, k) => 128 * (k + 1)));
    expect(lines[0]).toHaveProperty('losses/value_loss');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ id, kind: 'run', seed: 1, plugins: { agent: { id: 'ppo' }, env: { id: 'cartpole-v1' } } });
    expect(Object.keys(manifest.outputs)).toEqual(['agent/agent.json', 'agent/arrays.bin', 'config.json', 'metrics.jsonl', 'report.json']);
    expect(manifest.outputs['agent/agent.json']).toBe(sha256File(join(dir, 'agent', 'agent.json')));

    // The checkpoint is the evaluated policy: loaded through the registry, it replays the same episodes.
    const spec = registries.agents.get('ppo');
    const env = makeEnv(registries.envs, 'cartpole-v1');
    const ctx = { observationSpace: env.observationSpace, actionSpace: env.actionSpace, rng: Rng.fromSeed(0) };
    const loaded = await spec.load!(join(dir, 'agent'), ctx);
    const again = evaluateEpisodes(env, loaded, { episodes: 5, seed: Rng.fromSeed(1).fork('eval').nextUint32(), rng: Rng.fromSeed(0) });
    expect(again.returns).toEqual(report.evalReturns);
    loaded.dispose();
  });

  it('is deterministic: the same seed gives byte-identical results, another seed different ones', async () => {
    const registries = createRegistries();
    const a = await envRun(cartpole(3), { registries, outDir: join(work, 'a') });
    const b = await envRun(cartpole(3), { registries, outDir: join(work, 'b') });
    const c = await envRun(cartpole(4), { registries, outDir: join(work, 'c') });
    expect(b.id).toBe(a.id);
    for (const f of ['report.json', 'metrics.jsonl', 'config.json', 'agent/agent.json']) {
      expect(readFileSync(join(b.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
    }
    expect(c.id).not.toBe(a.id);
    expect(readFileSync(join(c.dir, 'metrics.jsonl'), 'utf8')).not.toBe(readFileSync(join(a.dir, 'metrics.jsonl'), 'utf8'));
    expect(c.report.evalReturns).not.toEqual(a.report.evalReturns);
  });

  it('steps Box actions as rows (a registered continuous-action env)', async () => {
    const registries = createRegistries();
    registries.envs.register(reachSpec);
    const input = { env: { id: 'reach-v0' }, agent: { id: 'ppo', config: { nSteps: 32, batchSize: 32, nEpochs: 2 } }, train: { steps: 64 }, eval: { episodes: 3 } };
    const { report } = await envRun(input, { registries, outDir: join(work, 'box') });
    expect(report).toMatchObject({ env: 'reach-v0', trainSteps: 64, evalEpisodes: 3, evalMeanLength: 10 });
    for (const r of report.evalReturns) expect(r <= 0 && r >= -20).toBe(true);
  });

  it('rejects bad config keys, unknown ids and market envs, naming the key', () => {
    const registries = createRegistries();
    expect(() => resolveEnvRun({ trian: { steps: 10 } }, registries)).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'trian' }));
    expect(() => resolveEnvRun({ train: { step: 10 } }, registries)).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'train.step' }));
    expect(() => resolveEnvRun({ agent: { config: { clipCoef: 0.1 } } }, registries)).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'agent.config.clipCoef' }));
    expect(() => resolveEnvRun({ env: { id: 'cartpole-v1', config: { gravity: 1 } } }, registries)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => resolveEnvRun({ eval: { episodes: 0 } }, registries)).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'eval.episodes' }));
    expect(() => resolveEnvRun({ env: { id: 'trading-v0' } }, registries)).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'env.id' }));
    expect(() => resolveEnvRun({ env: { id: 'cartpol-v1' } }, registries)).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_PLUGIN', suggestions: ['cartpole-v1'] }));
    expect(() => resolveEnvRun({ agent: { id: 'ppx' } }, registries)).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_PLUGIN' }));
  });

  it('tells standalone envs from market envs', () => {
    const { envs } = createRegistries();
    expect(envs.values().filter(isStandaloneEnv).map((s) => s.id)).toEqual(['cartpole-v1']);
  });
});
