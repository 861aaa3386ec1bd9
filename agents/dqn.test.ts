import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../src/core/env.js';
import { DataError } from '../src/core/errors.js';
import { Registry } from '../src/core/registry.js';
import { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import { SyncVectorEnv } from '../src/core/vector-env.js';
import { DenseMlp, ParamSet } from '../src/nn/dense-mlp.js';
import { CartPoleEnv } from '../envs/cartpole.js';
import type { EnvSpec } from '../envs/env-spec.js';
import { registerEnvs } from '../envs/index.js';
import { makeEnv } from '../envs/make-env.js';
import type { Agent, AgentContext, RolloutContext, TrainSummary } from './agent.js';
import { writeCheckpoint } from './checkpoint.js';
import { dqnConfigSchema, dqnPresets, dqnSpec, TdLoss, type DqnAgent, type DqnConfig } from './dqn.js';
import { createReplayBatch } from './replay-buffer.js';

const envs = new Registry<EnvSpec>('env');
registerEnvs(envs);
/** cartpole-v1 through the registry, so TimeLimit(500) applies. */
const cartpole = () => makeEnv(envs, 'cartpole-v1') as Env<Float32Array, number>;
function cartpoleVec(numEnvs: number, seed: number): SyncVectorEnv {
  const vec = new SyncVectorEnv(Array.from({ length: numEnvs }, cartpole));
  vec.reset(seed);
  return vec;
}
const ctx = (seed: number): AgentContext => ({ observationSpace: new CartPoleEnv().observationSpace, actionSpace: new Discrete(2), rng: Rng.fromSeed(seed) });
const create = (config: DqnConfig, seed = 0) => dqnSpec.create(config, ctx(seed)) as DqnAgent;
/** A small, fast configuration that still exercises every part: learning starts, wrapping buffer, target updates. */
const small = (over: Partial<DqnConfig> = {}): DqnConfig =>
  dqnConfigSchema.parse({ learningStarts: 200, batchSize: 16, bufferSize: 600, targetUpdateInterval: 100, trainFreq: 2, gradientSteps: 2, logInterval: 250, learningRate: 1e-3, netArch: [16, 16], ...over });
const bytes = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Mean return of `episodes` deterministic episodes on a fresh cartpole-v1 seeded `seed` once (then continuing). */
function evaluate(agent: Agent, episodes: number, seed: number): number {
  const env = cartpole();
  const rng = Rng.fromSeed('eval');
  let total = 0;
  for (let ep = 0; ep < episodes; ep++) {
    let { obs } = env.reset(ep === 0 ? { seed } : undefined);
    for (;;) {
      const r = env.step(agent.act(obs, { deterministic: true, rng })[0]);
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
  }
  return total / episodes;
}

interface Run {
  log: RolloutContext[];
  summary: TrainSummary;
}
/** Trains, recording every onRolloutEnd; `stop(step)` may save and return 'stop' from onStep. */
async function train(agent: Agent, env: SyncVectorEnv, steps: number, stop?: (step: number) => Promise<boolean>): Promise<Run> {
  const log: RolloutContext[] = [];
  const summary = await agent.learn(env, { steps }, {
    onRolloutEnd: (c) => void log.push(c),
    onStep: async (c) => ((await stop?.(c.step)) === true ? 'stop' : undefined),
  });
  return { log, summary };
}

describe('dqn config', () => {
  it('defaults are stable-baselines3 DQN defaults; unknown keys are rejected', () => {
    const d = dqnConfigSchema.parse({});
    expect(d).toEqual({
      learningRate: 1e-4, bufferSize: 1_000_000, learningStarts: 100, batchSize: 32, tau: 1, gamma: 0.99, trainFreq: 4, gradientSteps: 1,
      targetUpdateInterval: 10_000, explorationFraction: 0.1, explorationInitialEps: 1, explorationFinalEps: 0.05, maxGradNorm: 10,
      netArch: [64, 64], activation: 'relu', adamEpsilon: 1e-8, doubleQ: false, nStep: 1, loss: 'huber', logInterval: 1000,
    });
    expect(dqnPresets.sb3).toEqual(d);
    expect(dqnPresets.cartpole).toMatchObject({ learningRate: 2.3e-3, batchSize: 64, trainFreq: 256, gradientSteps: 128, targetUpdateInterval: 10, netArch: [64, 64] });
    expect(dqnConfigSchema.safeParse({ exploration_fraction: 0.2 }).success).toBe(false);
    expect(dqnConfigSchema.safeParse({ tau: 0 }).success).toBe(false);
  });
});

describe('TD loss gradient', () => {
  /** A random minibatch for a [3, 5, 4, 2] network, with rewards wide enough to reach both Huber branches. */
  function setup(seed: string) {
    const rng = Rng.fromSeed(seed);
    const sizes = [3, 5, 4, 2];
    const online = new DenseMlp(sizes, 'relu', new ParamSet(DenseMlp.paramCount(sizes)));
    const target = new DenseMlp(sizes, 'relu', new ParamSet(DenseMlp.paramCount(sizes)));
    online.initUniformFanIn(rng.fork('online'));
    target.initUniformFanIn(rng.fork('target'));
    const B = 12;
    const batch = createReplayBatch(B, 3);
    rng.fillNormal(batch.obs, 0, 1.5);
    rng.fillNormal(batch.nextObs, 0, 1.5);
    for (let b = 0; b < B; b++) {
      batch.actions[b] = rng.int(2);
      batch.rewards[b] = 5 * rng.uniform() - 2.5;
      batch.dones[b] = b % 4 === 3 ? 1 : 0;
      batch.discounts[b] = 0.9 ** (1 + (b % 3));
    }
    return { online, target, batch, B };
  }

  it.each([
    ['huber', false],
    ['huber', true],
    ['mse', false],
    ['mse', true],
  ] as const)('%s loss, doubleQ %s: matches central finite differences (rel. error < 1e-6)', (loss, doubleQ) => {
    const { online, target, batch, B } = setup(`grad-${loss}-${doubleQ}`);
    // The target and loss, computed independently of TdLoss.
    const qNextOnline = Float64Array.from(online.forward(batch.nextObs, B));
    const qNextTarget = Float64Array.from(target.forward(batch.nextObs, B));
    const q = Float64Array.from(online.forward(batch.obs, B));
    const deltas: number[] = [];
    let expectedLoss = 0;
    for (let b = 0; b < B; b++) {
      const pick = doubleQ ? qNextOnline : qNextTarget;
      const aStar = pick[2 * b + 1] > pick[2 * b] ? 1 : 0;
      const y = batch.rewards[b] + (1 - batch.dones[b]) * batch.discounts[b] * qNextTarget[2 * b + aStar];
      const d = q[2 * b + batch.actions[b]] - y;
      deltas.push(d);
      expectedLoss += (loss === 'mse' ? d * d : Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5) / B;
    }
    if (loss === 'huber') {
      // Both branches are exercised, and no sample sits on the kink where finite differences would straddle it.
      expect(deltas.some((d) => Math.abs(d) < 1) && deltas.some((d) => Math.abs(d) > 1)).toBe(true);
      expect(Math.min(...deltas.map((d) => Math.abs(Math.abs(d) - 1)))).toBeGreaterThan(1e-3);
    }
    const td = new TdLoss({ loss, doubleQ });
    expect(td.lossAndGrad(online, target, batch)).toBeCloseTo(expectedLoss, 14);
    const grad = Float64Array.from(online.set.grads);
    const p = online.set.params;
    const h = 1e-6;
    const fd = new Float64Array(p.length);
    for (let k = 0; k < p.length; k++) {
      const saved = p[k];
      p[k] = saved + h;
      const up = td.lossAndGrad(online, target, batch);
      p[k] = saved - h;
      const down = td.lossAndGrad(online, target, batch);
      p[k] = saved;
      fd[k] = (up - down) / (2 * h);
    }
    let [diff, norm] = [0, 0];
    for (let k = 0; k < p.length; k++) [diff, norm] = [diff + (grad[k] - fd[k]) ** 2, norm + grad[k] ** 2];
    expect(norm).toBeGreaterThan(0);
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-6);
  });
});

describe('dqn on cartpole-v1', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dqn-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('known answer: the cartpole preset, seed 0, 50k steps reaches a mean eval return ≥ 195 over 20 episodes', async () => {
    const agent = create(dqnPresets.cartpole, 0);
    const { summary, log } = await train(agent, cartpoleVec(1, 0), 50_000);
    expect(summary).toMatchObject({ steps: 50_000, updates: 128 * Math.floor(50_000 / 256) - 128 * 3 });
    expect(log.length).toBe(50);
    expect(evaluate(agent, 20, 1000)).toBeGreaterThanOrEqual(195);
  });

  it('counts as SB3: gradient steps, log points, ε schedule and the metric keys', async () => {
    // SB3's DQN benchmark (20k steps, defaults) does 4975 gradient steps with 1 env and 1244 with 4.
    for (const [numEnvs, updates] of [[1, 4975], [4, 1244]]) {
      const { summary } = await train(create(dqnConfigSchema.parse({ netArch: [4] })), cartpoleVec(numEnvs, 0), 20_000);
      expect(summary).toMatchObject({ steps: 20_000, updates });
    }
    const cfg = small({ explorationFraction: 0.5, explorationInitialEps: 1, explorationFinalEps: 0.1, logInterval: 100 });
    const { log, summary } = await train(create(cfg), cartpoleVec(1, 0), 1050);
    expect(log.map((c) => c.step)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1050]);
    // ε = 1 − 0.9 · (step / 1050) / 0.5 until half the budget, then 0.1 (SB3's get_linear_fn).
    const expected = [100, 200, 300, 400, 500].map((step) => 1 - 1.8 * (step / 1050)).concat([0.1, 0.1]);
    expected.forEach((eps, k) => expect(log[k].metrics['charts/exploration_rate']).toBeCloseTo(eps, 14));
    expect(Object.keys(log[1].metrics)).toEqual(['charts/episodic_return', 'charts/episodic_length', 'charts/exploration_rate']);
    expect(Object.keys(log[2].metrics).sort()).toEqual(['charts/episodic_length', 'charts/episodic_return', 'charts/exploration_rate', 'losses/q_values', 'losses/td_loss']);
    expect(summary.episodes).toBeGreaterThan(10);
    expect(summary.meanEpisodeReturn).toBeGreaterThan(0);
  });

  it('updates the target every max(⌊interval / numEnvs⌋, 1) vector steps, before that step’s training', async () => {
    const base = { learningStarts: 0, trainFreq: 3, batchSize: 8 };
    const run = async (targetUpdateInterval: number) => {
      const agent = create(small({ ...base, targetUpdateInterval }));
      const initial = Float64Array.from(agent.qNet.set.params);
      await train(agent, cartpoleVec(4, 0), 40); // 10 vector steps; training after 3, 6, 9
      return { agent, initial };
    };
    const every2 = await run(8); // target copies after 2, 4, …, 10: the last one follows the last training
    expect(bytes(every2.agent.targetNet.set.params).equals(bytes(every2.agent.qNet.set.params))).toBe(true);
    const every3 = await run(12); // after 3, 6, 9, each before that step's training
    expect(bytes(every3.agent.targetNet.set.params).equals(bytes(every3.agent.qNet.set.params))).toBe(false);
    const never = await run(1_000_000);
    expect(bytes(never.agent.targetNet.set.params).equals(bytes(never.initial))).toBe(true);
  });

  it('is deterministic: same seed ⇒ byte-identical parameters and metrics; another seed differs', async () => {
    const runs = await Promise.all([0, 0, 1].map(async (seed) => {
      const agent = create(small({ doubleQ: true }), seed);
      return { agent, run: await train(agent, cartpoleVec(2, 7), 2000) };
    }));
    const [a, b, c] = runs;
    expect(bytes(b.agent.qNet.set.params).equals(bytes(a.agent.qNet.set.params))).toBe(true);
    expect(JSON.stringify(b.run)).toBe(JSON.stringify(a.run));
    expect(JSON.stringify(c.run.log)).not.toBe(JSON.stringify(a.run.log));
  });

  describe.each([
    ['onStep, mid-interval, 1-step huber', 1502, {}],
    ['onRolloutEnd, at a log point, 3-step double-Q MSE', 1750, { nStep: 3, doubleQ: true, loss: 'mse' as const, tau: 0.3 }],
  ])('resume (%s)', (_label, stopAt, over) => {
    const cfg = small(over);
    const budget = 3000;
    const ckpt = () => join(dir, `resume-${stopAt}`);

    it('stop → save → load → learn on a fresh, identically seeded env ends byte-identical to an uninterrupted run', async () => {
      const whole = create(cfg, 3);
      const full = await train(whole, cartpoleVec(2, 11), budget);

      const first = create(cfg, 3);
      const firstEnv = cartpoleVec(2, 11);
      const save = async (step: number) => {
        if (step !== stopAt) return false;
        await first.save(ckpt());
        return true;
      };
      let head: Run;
      if (stopAt % cfg.logInterval === 0) {
        const log: RolloutContext[] = [];
        const summary = await first.learn(firstEnv, { steps: budget }, { onRolloutEnd: async (c) => (log.push(c), (await save(c.step)) ? 'stop' : undefined) });
        head = { log, summary };
      } else {
        head = await train(first, firstEnv, budget, save);
      }
      expect(head.summary.steps).toBe(stopAt);

      const resumed = (await dqnSpec.load!(ckpt(), ctx(999))) as DqnAgent;
      const tail = await train(resumed, cartpoleVec(2, 11), budget);
      expect(tail.summary).toEqual(full.summary);
      expect(JSON.stringify([...head.log, ...tail.log])).toBe(JSON.stringify(full.log));
      expect(bytes(resumed.qNet.set.params).equals(bytes(whole.qNet.set.params))).toBe(true);
      expect(bytes(resumed.targetNet.set.params).equals(bytes(whole.targetNet.set.params))).toBe(true);
      const [ra, wa] = [resumed.optimizer.state(), whole.optimizer.state()];
      expect([ra.step, bytes(ra.m).equals(bytes(wa.m)), bytes(ra.v).equals(bytes(wa.v))]).toEqual([wa.step, true, true]);
      // The interrupted agent itself continues in place on its own env (no replay), to the same end.
      expect(await first.learn(firstEnv, { steps: budget })).toEqual(full.summary);
      expect(bytes(first.qNet.set.params).equals(bytes(whole.qNet.set.params))).toBe(true);
    });

    it('refuses to resume on a differently seeded env or with another budget (E_RESUME)', async () => {
      const other = (await dqnSpec.load!(ckpt(), ctx(0))) as DqnAgent;
      await expect(other.learn(cartpoleVec(2, 12), { steps: budget })).rejects.toMatchObject({ code: 'E_RESUME' });
      const again = (await dqnSpec.load!(ckpt(), ctx(0))) as DqnAgent;
      await expect(again.learn(cartpoleVec(2, 11), { steps: budget + 2 })).rejects.toMatchObject({ code: 'E_RESUME' });
      again.endSession();
      expect((await again.learn(cartpoleVec(2, 11), { steps: 100 })).steps).toBe(100);
    });
  });

  it('a finished session is not resumed: the next learn() starts a new one; save → load keeps the policy', async () => {
    const agent = create(small(), 4);
    const env = cartpoleVec(1, 0);
    expect((await agent.learn(env, { steps: 500 })).steps).toBe(500);
    expect((await agent.learn(env, { steps: 300 })).steps).toBe(300);
    await agent.save(join(dir, 'finished'));
    const loaded = (await dqnSpec.load!(join(dir, 'finished'), ctx(5))) as DqnAgent;
    const obs = new Float32Array(4 * 300);
    Rng.fromSeed('obs').fillNormal(obs, 0, 0.5);
    const acts = (a: DqnAgent, deterministic: boolean) => a.act(obs, { deterministic, rng: Rng.fromSeed(1) });
    expect(acts(loaded, true)).toEqual(acts(agent, true));
    expect(acts(loaded, false)).toEqual(acts(agent, false));
    await loaded.save(join(dir, 'finished-2'));
    expect(readFileSync(join(dir, 'finished-2', 'arrays.bin')).equals(readFileSync(join(dir, 'finished', 'arrays.bin')))).toBe(true);
    expect((await loaded.learn(cartpoleVec(1, 0), { steps: 100 })).steps).toBe(100);
  });

  it('acts greedily when deterministic and ε-greedily otherwise, from the given rng', () => {
    const agent = create(small(), 6);
    const obs = new Float32Array(4 * 2000);
    Rng.fromSeed('obs').fillNormal(obs, 0, 0.5);
    const greedy = agent.act(obs, { deterministic: true, rng: Rng.fromSeed(0) });
    const q = agent.qNet.forward(obs, 2000);
    greedy.forEach((a, i) => expect(a).toBe(q[2 * i + 1] > q[2 * i] ? 1 : 0));
    agent.explorationRate = 1; // uniform actions
    const random = agent.act(obs, { deterministic: false, rng: Rng.fromSeed(1) });
    expect(agent.act(obs, { deterministic: false, rng: Rng.fromSeed(1) })).toEqual(random);
    const ones = random.reduce((s, a) => s + a, 0);
    expect(ones).toBeGreaterThan(900); // Binomial(2000, ½): ±4.5 sd
    expect(ones).toBeLessThan(1100);
    agent.explorationRate = 0;
    expect(agent.act(obs, { deterministic: false, rng: Rng.fromSeed(1) })).toEqual(greedy);
  });

  it('rejects Box actions and mismatched envs (E_SPACE)', async () => {
    const box = { ...ctx(0), actionSpace: Box.uniform(1, -1, 1) };
    expect(() => dqnSpec.create(small(), box)).toThrow(expect.objectContaining({ code: 'E_SPACE' }));
    const three = dqnSpec.create(small(), { ...ctx(0), actionSpace: new Discrete(3) });
    await expect(three.learn(cartpoleVec(1, 0), { steps: 10 })).rejects.toMatchObject({ code: 'E_SPACE' });
  });

  it('refuses corrupt, foreign or mismatched checkpoints with DataError / ConfigError', async () => {
    const path = join(dir, 'corrupt');
    await create(small(), 0).save(path);
    const good = readFileSync(join(path, 'arrays.bin'));
    const flipped = Buffer.from(good);
    flipped[17] ^= 1;
    writeFileSync(join(path, 'arrays.bin'), flipped);
    await expect(dqnSpec.load!(path, ctx(0))).rejects.toBeInstanceOf(DataError);
    writeFileSync(join(path, 'arrays.bin'), good);
    await expect(dqnSpec.load!(join(path, 'nope'), ctx(0))).rejects.toBeInstanceOf(DataError);
    await expect(dqnSpec.load!(path, { ...ctx(0), observationSpace: Box.uniform(5, -1, 1) })).rejects.toMatchObject({ code: 'E_DATA', field: 'state.obsDim' });
    const meta = JSON.parse(readFileSync(join(path, 'agent.json'), 'utf8'));
    writeFileSync(join(path, 'agent.json'), JSON.stringify({ ...meta, state: { ...meta.state, rngs: {} } }));
    await expect(dqnSpec.load!(path, ctx(0))).rejects.toMatchObject({ code: 'E_DATA', field: 'state' });
    writeFileSync(join(path, 'agent.json'), '{ not json');
    await expect(dqnSpec.load!(path, ctx(0))).rejects.toBeInstanceOf(DataError);
    await writeCheckpoint(join(dir, 'ppo-like'), { id: 'ppo', version: 1, config: {}, state: {}, arrays: {} });
    await expect(dqnSpec.load!(join(dir, 'ppo-like'), ctx(0))).rejects.toMatchObject({ code: 'E_DATA', field: 'id' });
    await writeCheckpoint(join(dir, 'bad-config'), { id: 'dqn', version: 1, config: { learningRate: -1 }, state: {}, arrays: {} });
    await expect(dqnSpec.load!(join(dir, 'bad-config'), ctx(0))).rejects.toMatchObject({ code: 'E_CONFIG' });
  });
});
