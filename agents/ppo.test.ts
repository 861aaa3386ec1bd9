import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinalTransition, VectorEnv, VectorStep } from '../src/core/env.js';
import { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import { initTf } from '../src/nn/tf.js';
import type { AgentContext } from './agent.js';
import { loadPpo, ppoConfigSchema, ppoSpec, type PpoAgent, type PpoConfig } from './ppo.js';

/**
 * "Match the sign": obs = [x, t / maxSteps] with x ~ U(−1, 1) drawn afresh each step; action 1 is right
 * when x > 0, action 0 otherwise. Reward +1 when right, −1 when wrong. A wrong action with |x| > 0.8 ends
 * the episode by termination (ruin); otherwise the episode is truncated after `maxSteps` steps.
 */
class SignVecEnv implements VectorEnv {
  readonly obsDim = 2;
  readonly singleObservationSpace = new Box(new Float32Array([-1, 0]), new Float32Array([1, 1]));
  readonly singleActionSpace = new Discrete(2);
  readonly metadata = { autoresetMode: 'same-step' as const };
  private rngs: Rng[];
  private readonly x: Float64Array;
  private readonly t: Int32Array;
  private readonly result: VectorStep;

  constructor(
    readonly numEnvs: number,
    readonly maxSteps = 8,
  ) {
    this.rngs = Array.from({ length: numEnvs }, (_, i) => Rng.fromSeed(i));
    this.x = new Float64Array(numEnvs);
    this.t = new Int32Array(numEnvs);
    this.result = {
      obs: new Float32Array(numEnvs * 2),
      rewards: new Float64Array(numEnvs),
      terminated: new Uint8Array(numEnvs),
      truncated: new Uint8Array(numEnvs),
      final: [],
      infos: Array.from({ length: numEnvs }, () => ({})),
    };
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rngs = this.rngs.map((_, i) => Rng.fromSeed(seed + i));
    for (let i = 0; i < this.numEnvs; i++) this.startEpisode(i);
    return this.result.obs;
  }

  step(actions: Int32Array | Float32Array): VectorStep {
    const r = this.result;
    const final: FinalTransition[] = [];
    for (let i = 0; i < this.numEnvs; i++) {
      const right = (actions[i] === 1) === this.x[i] > 0;
      r.rewards[i] = right ? 1 : -1;
      this.t[i]++;
      r.terminated[i] = !right && Math.abs(this.x[i]) > 0.8 ? 1 : 0;
      r.truncated[i] = r.terminated[i] === 0 && this.t[i] >= this.maxSteps ? 1 : 0;
      this.x[i] = 2 * this.rngs[i].uniform() - 1;
      this.writeObs(i);
      if (r.terminated[i] || r.truncated[i]) {
        final.push({ index: i, obs: r.obs.slice(i * 2, i * 2 + 2), info: {} });
        this.startEpisode(i);
      }
    }
    r.final = final;
    return r;
  }

  close(): void {}

  private startEpisode(i: number): void {
    this.t[i] = 0;
    this.x[i] = 2 * this.rngs[i].uniform() - 1;
    this.writeObs(i);
  }

  private writeObs(i: number): void {
    this.result.obs[i * 2] = this.x[i];
    this.result.obs[i * 2 + 1] = this.t[i] / this.maxSteps;
  }
}

const ctx = (seed: number): AgentContext => ({
  observationSpace: new SignVecEnv(1).singleObservationSpace,
  actionSpace: new Discrete(2),
  rng: Rng.fromSeed(seed),
});
const small = (over: Partial<PpoConfig> = {}): PpoConfig => ppoConfigSchema.parse({ nSteps: 64, batchSize: 32, ...over });

/** Deterministic accuracy on fresh observations. */
function accuracy(agent: PpoAgent, n = 2000): number {
  const rng = Rng.fromSeed('eval');
  const obs = new Float32Array(n * 2);
  for (let k = 0; k < n; k++) [obs[2 * k], obs[2 * k + 1]] = [2 * rng.uniform() - 1, rng.int(8) / 8];
  const actions = agent.act(obs, { deterministic: true, rng });
  let right = 0;
  for (let k = 0; k < n; k++) right += (actions[k] === 1) === obs[2 * k] > 0 ? 1 : 0;
  return right / n;
}

async function train(seed: number, steps: number, numEnvs: number, config = small()) {
  const env = new SignVecEnv(numEnvs);
  env.reset(100);
  const agent = ppoSpec.create(config, ctx(seed)) as PpoAgent;
  const log: { step: number; metrics: Readonly<Record<string, number>> }[] = [];
  const summary = await agent.learn(env, { steps }, { onRolloutEnd: (c) => void log.push(c) });
  return { agent, log, summary };
}

describe('ppo', () => {
  let dir: string;
  beforeAll(async () => {
    await initTf();
    dir = mkdtempSync(join(tmpdir(), 'ppo-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('config defaults are SB3 PPO defaults, and unknown keys are rejected', () => {
    const d = ppoConfigSchema.parse({});
    expect(d).toMatchObject({ nSteps: 2048, batchSize: 64, nEpochs: 10, gamma: 0.99, gaeLambda: 0.95, clipRange: 0.2, entCoef: 0, vfCoef: 0.5 });
    expect(d).toMatchObject({ maxGradNorm: 0.5, learningRate: 3e-4, normalizeAdvantage: true, activation: 'tanh', netArch: { pi: [64, 64], vf: [64, 64] } });
    expect(ppoConfigSchema.safeParse({ clipCoef: 0.1 }).success).toBe(false);
  });

  it('learns to match the sign of the observation', async () => {
    const { agent, log, summary } = await train(1, 6144, 4, small({ learningRate: 1e-3 }));
    expect(log.length).toBe(6144 / (64 * 4));
    expect(summary).toMatchObject({ steps: 6144, updates: log.length });
    const keys = ['charts/episodic_return', 'charts/episodic_length', 'losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac', 'charts/learning_rate'];
    for (const k of keys) expect(Number.isFinite(log[0].metrics[k])).toBe(true);
    expect(log.at(-1)!.metrics['charts/episodic_return']).toBeGreaterThan(log[0].metrics['charts/episodic_return']);
    expect(accuracy(agent)).toBeGreaterThanOrEqual(0.95);
    agent.dispose();
  });

  it('runs ⌈steps / (nSteps · numEnvs)⌉ full rollouts, anneals the rate, and stops on "stop"', async () => {
    const { agent, log } = await train(2, 200, 2, small({ annealLr: true, nEpochs: 1 }));
    expect(log.map((c) => c.step)).toEqual([128, 256]);
    expect(log.map((c) => c.metrics['charts/learning_rate'])).toEqual([3e-4, 1.5e-4]);
    const env = new SignVecEnv(2);
    const stopped = await agent.learn(env, { steps: 10_000 }, { onRolloutEnd: () => 'stop' });
    expect(stopped).toMatchObject({ steps: 128, updates: 1 });
    agent.dispose();
  });

  it('is deterministic: same seed ⇒ identical weights bytes and metrics', async () => {
    const a = await train(3, 512, 2, small({ nEpochs: 2 }));
    const b = await train(3, 512, 2, small({ nEpochs: 2 }));
    const c = await train(4, 512, 2, small({ nEpochs: 2 }));
    await a.agent.save(join(dir, 'a'));
    await b.agent.save(join(dir, 'b'));
    expect(readFileSync(join(dir, 'b', 'weights.json'))).toEqual(readFileSync(join(dir, 'a', 'weights.json')));
    expect(JSON.stringify(b.log)).toBe(JSON.stringify(a.log));
    expect(JSON.stringify(c.log)).not.toBe(JSON.stringify(a.log));
    for (const r of [a, b, c]) r.agent.dispose();
  });

  it('leaks no tensors across act and learn, and frees everything on dispose', async () => {
    const start = tf.memory().numTensors;
    const agent = ppoSpec.create(small({ nEpochs: 1 }), ctx(5));
    const afterCreate = tf.memory().numTensors;
    agent.act(new Float32Array([0.5, 0, -0.5, 0.25]), { deterministic: false, rng: Rng.fromSeed(0) });
    agent.act(new Float32Array([0.5, 0]), { deterministic: true, rng: Rng.fromSeed(0) });
    expect(tf.memory().numTensors).toBe(afterCreate);
    await agent.learn(new SignVecEnv(2), { steps: 256 });
    expect(tf.memory().numTensors).toBe(afterCreate);
    agent.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('save → load restores identical actions', async () => {
    const { agent } = await train(6, 256, 2, small({ nEpochs: 2 }));
    const path = join(dir, 'ckpt');
    await agent.save(path);
    expect(JSON.parse(readFileSync(join(path, 'agent.json'), 'utf8'))).toEqual({ id: 'ppo', version: 1, config: agent.config });
    const loaded = await loadPpo(path, ctx(99));
    const obs = new Float32Array(400);
    Rng.fromSeed('obs').fillNormal(obs);
    expect(loaded.act(obs, { deterministic: true, rng: Rng.fromSeed(0) })).toEqual(agent.act(obs, { deterministic: true, rng: Rng.fromSeed(0) }));
    expect(loaded.act(obs, { deterministic: false, rng: Rng.fromSeed(1) })).toEqual(agent.act(obs, { deterministic: false, rng: Rng.fromSeed(1) }));
    await loaded.save(join(dir, 'ckpt2'));
    expect(readFileSync(join(dir, 'ckpt2', 'weights.json'))).toEqual(readFileSync(join(path, 'weights.json')));
    await expect(loadPpo(join(dir, 'missing'), ctx(0))).rejects.toMatchObject({ code: 'E_DATA' });
    const wrongSpace = { ...ctx(0), actionSpace: new Discrete(3) };
    await expect(loadPpo(path, wrongSpace)).rejects.toMatchObject({ code: 'E_DATA' });
    for (const a of [agent, loaded]) a.dispose();
  });

  it('refuses a truncation without its final observation (it could not bootstrap)', async () => {
    class NoFinal extends SignVecEnv {
      override step(actions: Int32Array | Float32Array): VectorStep {
        const r = super.step(actions);
        r.final = [];
        return r;
      }
    }
    const agent = ppoSpec.create(small(), ctx(0));
    await expect(agent.learn(new NoFinal(1), { steps: 64 })).rejects.toMatchObject({ code: 'E_VECTOR_STEP' });
    agent.dispose();
  });

  it('rejects an env whose spaces differ from the agent', async () => {
    const agent = ppoSpec.create(small(), { ...ctx(0), actionSpace: new Discrete(3) });
    await expect(agent.learn(new SignVecEnv(1), { steps: 64 })).rejects.toMatchObject({ code: 'E_SPACE' });
    agent.dispose();
  });
});
