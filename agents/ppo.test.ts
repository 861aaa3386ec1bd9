import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VectorEnv, VectorStep } from '../src/core/env.js';
import { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import { initTf } from '../src/nn/tf.js';
import { SignVecEnv, TargetVecEnv, targetAction } from '../tests/fixtures/toy-vec-envs.js';
import type { AgentContext, RolloutContext } from './agent.js';
import { loadPpo, ppoConfigSchema, ppoSpec, type PpoAgent, type PpoConfig } from './ppo.js';
import { RunningMeanStd } from './running-stats.js';

const ctxFor = (env: VectorEnv, seed: number | string): AgentContext => ({
  observationSpace: env.singleObservationSpace,
  actionSpace: env.singleActionSpace,
  rng: Rng.fromSeed(seed),
});
const small = (over: Partial<PpoConfig> = {}): PpoConfig => ppoConfigSchema.parse({ nSteps: 64, batchSize: 32, ...over });

/** Deterministic accuracy on fresh SignVecEnv observations. */
function accuracy(agent: PpoAgent, n = 2000): number {
  const rng = Rng.fromSeed('eval');
  const obs = new Float32Array(n * 2);
  for (let k = 0; k < n; k++) [obs[2 * k], obs[2 * k + 1]] = [2 * rng.uniform() - 1, rng.int(8) / 8];
  const actions = agent.act(obs, { deterministic: true, rng });
  let right = 0;
  for (let k = 0; k < n; k++) right += (actions[k] === 1) === obs[2 * k] > 0 ? 1 : 0;
  return right / n;
}

/** Root-mean-square distance of the deterministic action from TargetVecEnv's optimum, on fresh observations. */
function targetRmse(agent: PpoAgent, shift: number, n = 2000): number {
  const rng = Rng.fromSeed('eval');
  const obs = new Float32Array(n * 2);
  for (let q = 0; q < 2 * n; q++) obs[q] = 2 * rng.uniform() - 1 + shift;
  const a = agent.act(obs, { deterministic: true, rng });
  let s = 0;
  for (let k = 0; k < n; k++) {
    const y = targetAction([obs[2 * k] - shift, obs[2 * k + 1] - shift]);
    s += (a[2 * k] - y[0]) ** 2 + (a[2 * k + 1] - y[1]) ** 2;
  }
  return Math.sqrt(s / n);
}

async function train(env: VectorEnv, seed: number, steps: number, config: PpoConfig) {
  env.reset(100);
  const agent = ppoSpec.create(config, ctxFor(env, seed)) as PpoAgent;
  const log: RolloutContext[] = [];
  const summary = await agent.learn(env, { steps }, { onRolloutEnd: (c) => void log.push(c) });
  return { agent, log, summary };
}

/** Copies of everything a vector env hands out, to recompute what the agent must have derived from it. */
class RecordingEnv<E extends VectorEnv> implements VectorEnv {
  readonly resets: Float32Array[] = [];
  readonly steps: { obs: Float32Array; rewards: Float64Array; done: Uint8Array }[] = [];
  constructor(readonly inner: E) {}
  get numEnvs() {
    return this.inner.numEnvs;
  }
  get obsDim() {
    return this.inner.obsDim;
  }
  get singleObservationSpace() {
    return this.inner.singleObservationSpace;
  }
  get singleActionSpace() {
    return this.inner.singleActionSpace;
  }
  get metadata() {
    return this.inner.metadata;
  }
  reset(seed?: number): Float32Array {
    const obs = this.inner.reset(seed);
    this.resets.push(obs.slice());
    return obs;
  }
  step(actions: Int32Array | Float32Array): VectorStep {
    const r = this.inner.step(actions);
    this.steps.push({ obs: r.obs.slice(), rewards: r.rewards.slice(), done: r.terminated.map((t, i) => t | r.truncated[i]) });
    return r;
  }
  close(): void {}
}

describe('ppo', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ppo-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('config defaults are SB3 PPO defaults, and unknown keys are rejected', () => {
    const d = ppoConfigSchema.parse({});
    expect(d).toMatchObject({ nSteps: 2048, batchSize: 64, nEpochs: 10, gamma: 0.99, gaeLambda: 0.95, clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0.5 });
    expect(d).toMatchObject({ maxGradNorm: 0.5, learningRate: 3e-4, adamEpsilon: 1e-5, targetKl: null, normalizeAdvantage: true, activation: 'tanh', netArch: { pi: [64, 64], vf: [64, 64] } });
    expect(d).toMatchObject({ lrSchedule: 'constant', normalizeObservation: false, normalizeReward: false, logStdInit: 0, squash: 'clip' });
    expect(ppoConfigSchema.safeParse({ clipCoef: 0.1 }).success).toBe(false);
    expect(ppoConfigSchema.safeParse({ annealLr: true }).success).toBe(false);
  });

  describe('learning', () => {
    it('learns to match the sign of the observation (Discrete)', async () => {
      const { agent, log, summary } = await train(new SignVecEnv(4), 1, 6144, small({ learningRate: 1e-3 }));
      expect(log.length).toBe(6144 / (64 * 4));
      expect(summary).toMatchObject({ steps: 6144, updates: log.length });
      const keys = ['charts/episodic_return', 'charts/episodic_length', 'losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac', 'losses/explained_variance', 'charts/learning_rate', 'charts/clip_range'];
      for (const k of keys) expect(Number.isFinite(log[0].metrics[k]), k).toBe(true);
      expect(log[0].metrics['charts/std']).toBeUndefined(); // only Gaussian policies have one
      expect(log.at(-1)!.metrics['charts/episodic_return']).toBeGreaterThan(log[0].metrics['charts/episodic_return']);
      // A random policy is right half the time; the optimum always.
      expect(accuracy(agent)).toBeGreaterThanOrEqual(0.95);
    });

    it('moves the Gaussian mean onto a linear target and shrinks its std (Box)', async () => {
      const env = new TargetVecEnv(4);
      const { agent, log } = await train(env, 1, 8192, small({ learningRate: 1e-3 }));
      // Untrained, the mean action is ≈ 0 (policy-head gain 0.01), so its RMSE is the target's RMS,
      // √(0.89/3 + 0.04 + 0.45/3 + 0.01) ≈ 0.705. Require a fifth of that.
      const untrained = ppoSpec.create(small(), ctxFor(env, 1)) as PpoAgent;
      expect(targetRmse(untrained, 0)).toBeCloseTo(0.705, 1);
      expect(targetRmse(agent, 0)).toBeLessThan(0.705 / 5);
      expect(log[0].metrics['charts/std']).toBeLessThan(1.01);
      expect(log.at(-1)!.metrics['charts/std']).toBeLessThan(0.5); // from exp(logStdInit = 0) = 1
      expect(log.at(-1)!.metrics['charts/episodic_return']).toBeGreaterThan(log[0].metrics['charts/episodic_return']);
      // Box actions come back clipped to the bounds.
      const far = agent.act(new Float32Array([50, -50, -50, 50]), { deterministic: false, rng: Rng.fromSeed(0) });
      expect(far).toBeInstanceOf(Float32Array);
      expect(Array.from(far).every((v) => v >= -2 && v <= 2)).toBe(true);
    });
  });

  describe('budget and hooks', () => {
    it('runs ⌈steps / (nSteps · numEnvs)⌉ full rollouts and stops on "stop" from onRolloutEnd', async () => {
      const { agent, log } = await train(new SignVecEnv(2), 2, 200, small({ nEpochs: 1 }));
      expect(log.map((c) => c.step)).toEqual([128, 256]);
      const env = new SignVecEnv(2);
      env.reset(0);
      const stopped = await agent.learn(env, { steps: 10_000 }, { onRolloutEnd: () => 'stop' });
      expect(stopped).toMatchObject({ steps: 128, updates: 1 });
    });

    it('never trains on a partial rollout: "stop" from onStep ends before any update', async () => {
      const env = new SignVecEnv(2);
      env.reset(0);
      const agent = ppoSpec.create(small(), ctxFor(env, 3)) as PpoAgent;
      const before = Float64Array.from(agent.params.params);
      let ends = 0;
      const summary = await agent.learn(env, { steps: 1024 }, { onStep: (c) => (c.step === 20 ? 'stop' : undefined), onRolloutEnd: () => void ends++ });
      expect(summary).toMatchObject({ steps: 20, updates: 0 });
      expect(ends).toBe(0);
      expect(agent.params.params).toEqual(before);
    });
  });

  describe('schedules and early stopping', () => {
    it("lrSchedule 'linear': lr·(1 − i/N) in iteration i, lr/N in the last, and Adam steps with it", async () => {
      const env = new SignVecEnv(2);
      env.reset(100);
      const agent = ppoSpec.create(small({ nEpochs: 2, lrSchedule: 'linear', clipRangeSchedule: 'linear' }), ctxFor(env, 4)) as PpoAgent;
      const opt = agent.optimizer;
      const step = opt.step.bind(opt);
      const used: number[] = [];
      opt.step = () => {
        used.push(opt.learningRate);
        step();
      };
      const log: RolloutContext[] = [];
      await agent.learn(env, { steps: 5 * 128 }, { onRolloutEnd: (c) => void log.push(c) });
      const N = 5;
      const frac = Array.from({ length: N }, (_, i) => 1 - i / N);
      const expected = frac.map((f) => f * 3e-4);
      expect(log.map((c) => c.metrics['charts/learning_rate'])).toEqual(expected);
      expect(log.at(-1)!.metrics['charts/learning_rate']).toBeCloseTo(3e-4 / N, 15);
      expect(log.map((c) => c.metrics['charts/clip_range'])).toEqual(frac.map((f) => f * 0.2));
      // 2 epochs × 128/32 minibatches per update, each with its iteration's rate.
      expect(used).toEqual(expected.flatMap((lr) => new Array(8).fill(lr)));
    });

    it('constant schedules keep lr and clip range fixed', async () => {
      const { log } = await train(new SignVecEnv(2), 4, 3 * 128, small({ nEpochs: 1 }));
      expect(log.map((c) => c.metrics['charts/learning_rate'])).toEqual([3e-4, 3e-4, 3e-4]);
      expect(log.map((c) => c.metrics['charts/clip_range'])).toEqual([0.2, 0.2, 0.2]);
    });

    it('targetKl stops an update at the first minibatch whose approximate KL exceeds 1.5 × targetKl, before stepping', async () => {
      const targetKl = 1e-4;
      const env = new SignVecEnv(2);
      env.reset(100);
      const agent = ppoSpec.create(small({ nEpochs: 10, learningRate: 3e-3, targetKl }), ctxFor(env, 5)) as PpoAgent;
      const events: (number | 'step' | 'end')[] = [];
      const loss = agent.minibatchLoss.bind(agent);
      agent.minibatchLoss = (mb, m, clip) => {
        const r = loss(mb, m, clip);
        events.push(r.approxKl);
        return r;
      };
      const step = agent.optimizer.step.bind(agent.optimizer);
      agent.optimizer.step = () => {
        events.push('step');
        step();
      };
      await agent.learn(env, { steps: 3 * 128 }, { onRolloutEnd: () => void events.push('end') });
      const updates = splitBy(events, 'end');
      expect(updates.length).toBe(3);
      const full = 10 * (128 / 32);
      for (const u of updates) {
        const kls = u.filter((e): e is number => typeof e === 'number');
        const steps = u.filter((e) => e === 'step').length;
        // Each loss evaluation is followed by a step, except the one that trips the threshold.
        expect(kls.length).toBe(steps + 1);
        expect(steps).toBeLessThan(full);
        for (const kl of kls.slice(0, -1)) expect(kl).toBeLessThanOrEqual(1.5 * targetKl);
        expect(kls.at(-1)!).toBeGreaterThan(1.5 * targetKl);
        expect(u.at(-1)).toBe(kls.at(-1)); // nothing stepped after it
      }
      // Without a target every update takes all its minibatches.
      const plain = ppoSpec.create(small({ nEpochs: 10, learningRate: 3e-3 }), ctxFor(env, 5)) as PpoAgent;
      let plainSteps = 0;
      const plainStep = plain.optimizer.step.bind(plain.optimizer);
      plain.optimizer.step = () => {
        plainSteps++;
        plainStep();
      };
      await plain.learn(env, { steps: 3 * 128 });
      expect(plainSteps).toBe(3 * full);
    });
  });

  describe('normalisation', () => {
    it('observation statistics follow every observation the env returned; act uses them frozen; save/load keeps them', async () => {
      const env = new RecordingEnv(new TargetVecEnv(2, 8, 1, 3)); // observations centred on 3, not 0
      env.reset(100);
      const agent = ppoSpec.create(small({ normalizeObservation: true, nEpochs: 2 }), ctxFor(env, 6)) as PpoAgent;
      await agent.learn(env, { steps: 3 * 128 });
      // VecNormalize: the reset batch, then every step's batch (after autoreset), in order.
      const expected = new RunningMeanStd(2);
      expected.update(env.resets.at(-1)!, 2);
      for (const s of env.steps) expected.update(s.obs, 2);
      expect(env.steps.length).toBe(3 * 64);
      expect(agent.obsRms.pack()).toEqual(expected.pack());
      // The observations are U(2, 4): their mean is within 3.29 standard errors (p = 0.001) of 3.
      expect(Math.abs(agent.obsRms.mean[0] - 3)).toBeLessThan((3.29 * (2 / Math.sqrt(12))) / Math.sqrt(2 * (1 + 3 * 64)));

      // act normalises with the statistics and leaves them alone: it equals a non-normalising twin with the
      // same parameters fed the normalised observations.
      const obs = new Float32Array(40);
      Rng.fromSeed('obs').fillNormal(obs, 3, 2);
      const frozen = agent.obsRms.pack();
      const twin = ppoSpec.create(small(), ctxFor(env, 0)) as PpoAgent;
      twin.params.params.set(agent.params.params);
      const normalised = expected.normalize(obs, 20, new Float32Array(40), 10);
      expect(agent.act(obs, { deterministic: true, rng: Rng.fromSeed(0) })).toEqual(twin.act(normalised, { deterministic: true, rng: Rng.fromSeed(0) }));
      expect(agent.act(obs, { deterministic: false, rng: Rng.fromSeed(1) })).toEqual(twin.act(normalised, { deterministic: false, rng: Rng.fromSeed(1) }));
      expect(agent.obsRms.pack()).toEqual(frozen);
      // Without the statistics the actions differ (so the comparison above is not vacuous).
      expect(twin.act(obs, { deterministic: true, rng: Rng.fromSeed(0) })).not.toEqual(agent.act(obs, { deterministic: true, rng: Rng.fromSeed(0) }));

      await agent.save(join(dir, 'obs-norm'));
      const loaded = await loadPpo(join(dir, 'obs-norm'), ctxFor(env, 'other'));
      expect(loaded.obsRms.pack()).toEqual(frozen);
      expect(loaded.act(obs, { deterministic: true, rng: Rng.fromSeed(0) })).toEqual(agent.act(obs, { deterministic: true, rng: Rng.fromSeed(0) }));
    });

    it("reward scaling follows SB3's running std of the discounted return", async () => {
      const env = new RecordingEnv(new SignVecEnv(3));
      env.reset(100);
      const agent = ppoSpec.create(small({ normalizeReward: true, nEpochs: 1, gamma: 0.9 }), ctxFor(env, 7)) as PpoAgent;
      await agent.learn(env, { steps: 2 * 192 });
      // returns ← γ·returns + r; ret_rms.update(returns); returns[done] = 0 (VecNormalize.step_wait).
      const expected = new RunningMeanStd(1);
      const returns = new Float64Array(3);
      for (const s of env.steps) {
        for (let i = 0; i < 3; i++) returns[i] = 0.9 * returns[i] + s.rewards[i];
        expected.update(returns, 3);
        for (let i = 0; i < 3; i++) if (s.done[i]) returns[i] = 0;
      }
      expect(agent.retRms.pack()).toEqual(expected.pack());
      expect(agent.obsRms.count).toBe(1e-4); // observation statistics untouched when off
    });

    it('reward normalisation removes the reward scale from the update, and stays deterministic', async () => {
      const firstValueLoss = async (scale: number, normalizeReward: boolean) => {
        const { log } = await train(new SignVecEnv(4, 8, scale), 8, 256, small({ nEpochs: 2, normalizeReward }));
        return log[0].metrics['losses/value_loss'];
      };
      // The first rollouts see identical transitions (rewards do not influence actions before an update).
      // Unnormalised, the value loss grows with the square of the scale.
      expect((await firstValueLoss(100, false)) / (await firstValueLoss(1, false))).toBeGreaterThan(1000);
      // Normalised, only the running statistics' prior (count 1e-4 with variance 1) and the 1e-8 under the
      // square root depend on the scale: a relative effect of order 1e-4 at most.
      const ratio = (await firstValueLoss(100, true)) / (await firstValueLoss(1, true));
      expect(Math.abs(ratio - 1)).toBeLessThan(1e-4);
      const a = await train(new SignVecEnv(2), 9, 3 * 128, small({ normalizeReward: true, normalizeObservation: true, nEpochs: 2 }));
      const b = await train(new SignVecEnv(2), 9, 3 * 128, small({ normalizeReward: true, normalizeObservation: true, nEpochs: 2 }));
      expect(JSON.stringify(b.log)).toBe(JSON.stringify(a.log));
      expect(b.agent.params.params).toEqual(a.agent.params.params);
      expect(b.agent.retRms.pack()).toEqual(a.agent.retRms.pack());
    });
  });

  it('is deterministic: same seed ⇒ identical parameters, checkpoint bytes and metrics; another seed differs', async () => {
    const a = await train(new SignVecEnv(2), 3, 512, small({ nEpochs: 2 }));
    const b = await train(new SignVecEnv(2), 3, 512, small({ nEpochs: 2 }));
    const c = await train(new SignVecEnv(2), 4, 512, small({ nEpochs: 2 }));
    await a.agent.save(join(dir, 'a'));
    await b.agent.save(join(dir, 'b'));
    for (const f of ['agent.json', 'arrays.bin']) expect(readFileSync(join(dir, 'b', f)).equals(readFileSync(join(dir, 'a', f))), f).toBe(true);
    expect(JSON.stringify(b.log)).toBe(JSON.stringify(a.log));
    expect(JSON.stringify(c.log)).not.toBe(JSON.stringify(a.log));
  });

  it('creates no tfjs tensors', async () => {
    await initTf();
    const start = tf.memory().numTensors;
    const env = new TargetVecEnv(2);
    env.reset(0);
    const agent = ppoSpec.create(small({ nEpochs: 1, normalizeObservation: true }), ctxFor(env, 5)) as PpoAgent;
    agent.act(new Float32Array([0.5, 0, -0.5, 0.25]), { deterministic: false, rng: Rng.fromSeed(0) });
    await agent.learn(env, { steps: 256 });
    await agent.save(join(dir, 'tensors'));
    await loadPpo(join(dir, 'tensors'), ctxFor(env, 0));
    agent.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  describe('save → load', () => {
    it.each([
      ['Discrete', () => new SignVecEnv(2), {}],
      ['Box, clipped', () => new TargetVecEnv(2), { normalizeObservation: true }],
      ['Box, tanh-squashed', () => new TargetVecEnv(2), { squash: 'tanh', logStdInit: -0.5 }],
    ] as const)('%s: identical actions, deterministic and sampled; re-saving gives the same bytes', async (name, make, over) => {
      const { agent } = await train(make(), 6, 256, small({ nEpochs: 2, ...over }));
      const path = join(dir, `ckpt-${name}`);
      await agent.save(path);
      const meta = JSON.parse(readFileSync(join(path, 'agent.json'), 'utf8'));
      expect(meta).toMatchObject({ format: 1, id: 'ppo', version: 2, config: agent.config, state: { session: null } });
      const loaded = await loadPpo(path, ctxFor(make(), 99));
      const obs = new Float32Array(400);
      Rng.fromSeed('obs').fillNormal(obs);
      expect(loaded.act(obs, { deterministic: true, rng: Rng.fromSeed(0) })).toEqual(agent.act(obs, { deterministic: true, rng: Rng.fromSeed(0) }));
      expect(loaded.act(obs, { deterministic: false, rng: Rng.fromSeed(1) })).toEqual(agent.act(obs, { deterministic: false, rng: Rng.fromSeed(1) }));
      expect(loaded.act(obs, { deterministic: false, rng: Rng.fromSeed(1) })).not.toEqual(loaded.act(obs, { deterministic: false, rng: Rng.fromSeed(2) }));
      await loaded.save(join(dir, `ckpt2-${name}`));
      expect(readFileSync(join(dir, `ckpt2-${name}`, 'arrays.bin')).equals(readFileSync(join(path, 'arrays.bin')))).toBe(true);
    });

    it('rejects a missing checkpoint and one saved for other spaces (E_DATA)', async () => {
      const { agent } = await train(new SignVecEnv(2), 6, 128, small({ nEpochs: 1 }));
      const path = join(dir, 'spaces');
      await agent.save(path);
      await expect(loadPpo(join(dir, 'missing'), ctxFor(new SignVecEnv(1), 0))).rejects.toMatchObject({ code: 'E_DATA' });
      await expect(loadPpo(path, { ...ctxFor(new SignVecEnv(1), 0), actionSpace: new Discrete(3) })).rejects.toMatchObject({ code: 'E_DATA' });
      await expect(loadPpo(path, { ...ctxFor(new SignVecEnv(1), 0), observationSpace: Box.uniform(3, -1, 1) })).rejects.toMatchObject({ code: 'E_DATA' });
    });
  });

  describe('errors', () => {
    it('rejects an env whose spaces differ from the agent (E_SPACE)', async () => {
      const sign = new SignVecEnv(1);
      const discrete3 = ppoSpec.create(small(), { ...ctxFor(sign, 0), actionSpace: new Discrete(3) });
      await expect(discrete3.learn(sign, { steps: 64 })).rejects.toMatchObject({ code: 'E_SPACE' });
      const box = ppoSpec.create(small(), ctxFor(new TargetVecEnv(1), 0));
      await expect(box.learn(sign, { steps: 64 })).rejects.toMatchObject({ code: 'E_SPACE' });
      const discrete = ppoSpec.create(small(), ctxFor(sign, 0));
      await expect(discrete.learn(new TargetVecEnv(1), { steps: 64 })).rejects.toMatchObject({ code: 'E_SPACE' });
      const wideObs = ppoSpec.create(small(), { ...ctxFor(sign, 0), observationSpace: Box.uniform(3, -1, 1) });
      await expect(wideObs.learn(sign, { steps: 64 })).rejects.toMatchObject({ code: 'E_SPACE' });
    });

    it('rejects unsupported spaces at construction (E_SPACE)', () => {
      const sign = new SignVecEnv(1);
      expect(() => ppoSpec.create(small(), { ...ctxFor(sign, 0), observationSpace: new Discrete(4) as never })).toThrow(expect.objectContaining({ code: 'E_SPACE' }));
      expect(() => ppoSpec.create(small({ squash: 'tanh' }), { ...ctxFor(sign, 0), actionSpace: Box.uniform(1, -Infinity, Infinity) })).toThrow(expect.objectContaining({ code: 'E_SPACE' }));
    });

    it('refuses a truncation without its final observation (it could not bootstrap)', async () => {
      class NoFinal extends SignVecEnv {
        override step(actions: Int32Array | Float32Array): VectorStep {
          const r = super.step(actions);
          r.final = [];
          return r;
        }
      }
      const agent = ppoSpec.create(small(), ctxFor(new SignVecEnv(1), 0));
      await expect(agent.learn(new NoFinal(1), { steps: 64 })).rejects.toMatchObject({ code: 'E_VECTOR_STEP' });
    });

    it('act rejects a batch that is not a whole number of observations (E_SHAPE)', () => {
      const agent = ppoSpec.create(small(), ctxFor(new SignVecEnv(1), 0));
      expect(() => agent.act(new Float32Array(3), { deterministic: true, rng: Rng.fromSeed(0) })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    });
  });
});

/** Splits a sequence at each `sep`, dropping the separators (and anything after the last). */
function splitBy<T>(xs: readonly T[], sep: T): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  for (const x of xs) {
    if (x === sep) {
      out.push(cur);
      cur = [];
    } else cur.push(x);
  }
  return out;
}
