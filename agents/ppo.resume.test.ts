/**
 * Resuming a training session from a checkpoint written in a hook: `agent.save(dir)` in onRolloutEnd, then
 * `ppoSpec.load(dir, ctx)` and `learn` with a freshly created, identically seeded env and the same budget,
 * must end exactly where the uninterrupted session ends — parameters bit for bit, and the same metric
 * stream (interrupted part + resumed part).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/core/errors.js';
import type { VectorEnv } from '../src/core/env.js';
import { Rng } from '../src/core/rng.js';
import { SignVecEnv, TargetVecEnv } from '../tests/fixtures/toy-vec-envs.js';
import type { RolloutContext, TrainSummary } from './agent.js';
import { ppoConfigSchema, ppoSpec, type PpoAgent, type PpoConfig } from './ppo.js';

const ENV_SEED = 100;
const N_STEPS = 32;
const N_ENVS = 2;
const BUDGET = 3 * N_STEPS * N_ENVS; // three rollouts

const kinds = {
  discrete: {
    make: (seed = ENV_SEED) => seeded(new SignVecEnv(N_ENVS), seed),
    config: ppoConfigSchema.parse({ nSteps: N_STEPS, batchSize: 16, nEpochs: 2 }),
  },
  'box with observation and reward normalisation': {
    make: (seed = ENV_SEED) => seeded(new TargetVecEnv(N_ENVS, 8, 1, 3), seed),
    config: ppoConfigSchema.parse({ nSteps: N_STEPS, batchSize: 16, nEpochs: 2, normalizeObservation: true, normalizeReward: true, clipRangeVf: 0.5, entCoef: 0.01 }),
  },
} as const;
type Kind = keyof typeof kinds;

function seeded<E extends VectorEnv>(env: E, seed: number): E {
  env.reset(seed);
  return env;
}

const ctx = (kind: Kind, seed: number | string) => {
  const env = kinds[kind].make();
  return { observationSpace: env.singleObservationSpace, actionSpace: env.singleActionSpace, rng: Rng.fromSeed(seed) };
};

interface Outcome {
  params: Float64Array;
  metrics: RolloutContext[];
  summary: TrainSummary;
}

async function uninterrupted(kind: Kind, config: PpoConfig = kinds[kind].config): Promise<Outcome> {
  const agent = ppoSpec.create(config, ctx(kind, 1)) as PpoAgent;
  const metrics: RolloutContext[] = [];
  const summary = await agent.learn(kinds[kind].make(), { steps: BUDGET }, { onRolloutEnd: (c) => void metrics.push(c) });
  return { params: Float64Array.from(agent.params.params), metrics, summary };
}

/** Trains until rollout `stopAt` (0-based) ends, saves there and stops; returns the metrics seen so far. */
async function interrupted(kind: Kind, dir: string, stopAt: number, agent = ppoSpec.create(kinds[kind].config, ctx(kind, 1)) as PpoAgent, env: VectorEnv = kinds[kind].make()) {
  const metrics: RolloutContext[] = [];
  let k = 0;
  const summary = await agent.learn(env, { steps: BUDGET }, {
    onRolloutEnd: async (c) => {
      metrics.push(c);
      if (k++ !== stopAt) return;
      await agent.save(dir);
      return 'stop';
    },
  });
  return { metrics, summary, params: Float64Array.from(agent.params.params) };
}

async function resume(kind: Kind, dir: string): Promise<Outcome> {
  const agent = (await ppoSpec.load!(dir, ctx(kind, 'unrelated: the RNG state is restored'))) as PpoAgent;
  const metrics: RolloutContext[] = [];
  const summary = await agent.learn(kinds[kind].make(), { steps: BUDGET }, { onRolloutEnd: (c) => void metrics.push(c) });
  return { params: Float64Array.from(agent.params.params), metrics, summary };
}

const bytesOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('ppo resume', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ppo-resume-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe.each(Object.keys(kinds) as Kind[])('%s', (kind) => {
    let reference: Outcome;
    beforeAll(async () => {
      reference = await uninterrupted(kind);
      expect(reference.metrics.length).toBe(3);
    });

    it.each([0, 1])('stopped after rollout %i and resumed: byte-identical parameters and metric stream', async (stopAt) => {
      const dir = join(root, `${kind}-${stopAt}`);
      const first = await interrupted(kind, dir, stopAt);
      expect(first.summary.updates).toBe(stopAt + 1);
      // The interruption really interrupted: the parameters at the checkpoint differ from the final ones.
      expect(bytesOf(first.params).equals(bytesOf(reference.params))).toBe(false);
      const state = JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')).state;
      expect(state.session).toMatchObject({ budget: BUDGET, numEnvs: N_ENVS, iteration: stopAt + 1, globalStep: (stopAt + 1) * N_STEPS * N_ENVS });
      const second = await resume(kind, dir);
      expect(bytesOf(second.params).equals(bytesOf(reference.params))).toBe(true);
      expect(JSON.stringify([...first.metrics, ...second.metrics])).toBe(JSON.stringify(reference.metrics));
      expect(second.summary).toEqual(reference.summary);
    });

    it('survives two interruptions in one session', async () => {
      const d1 = join(root, `${kind}-chain-1`);
      const d2 = join(root, `${kind}-chain-2`);
      const first = await interrupted(kind, d1, 0);
      const agent = (await ppoSpec.load!(d1, ctx(kind, 5))) as PpoAgent;
      const second = await interrupted(kind, d2, 0, agent);
      const third = await resume(kind, d2);
      expect(bytesOf(third.params).equals(bytesOf(reference.params))).toBe(true);
      expect(JSON.stringify([...first.metrics, ...second.metrics, ...third.metrics])).toBe(JSON.stringify(reference.metrics));
    });
  });

  describe('refusals', () => {
    let dir: string;
    beforeAll(async () => {
      dir = join(root, 'refusals');
      await interrupted('discrete', dir, 0);
    });
    const load = async () => (await ppoSpec.load!(dir, ctx('discrete', 0))) as PpoAgent;

    it('a different budget (E_RESUME)', async () => {
      await expect((await load()).learn(kinds.discrete.make(), { steps: BUDGET + 64 })).rejects.toMatchObject({ code: 'E_RESUME' });
    });

    it('an env seeded differently, or not seeded (E_RESUME)', async () => {
      await expect((await load()).learn(kinds.discrete.make(ENV_SEED + 1), { steps: BUDGET })).rejects.toMatchObject({ code: 'E_RESUME' });
      await expect((await load()).learn(new SignVecEnv(N_ENVS), { steps: BUDGET })).rejects.toMatchObject({ code: 'E_RESUME' });
    });

    it('a different number of sub-envs (E_RESUME)', async () => {
      await expect((await load()).learn(seeded(new SignVecEnv(N_ENVS + 1), ENV_SEED), { steps: BUDGET })).rejects.toMatchObject({ code: 'E_RESUME' });
    });

    it('a corrupted arrays.bin (DataError: checksum)', async () => {
      const bad = join(root, 'corrupt');
      await interrupted('discrete', bad, 0);
      const blob = readFileSync(join(bad, 'arrays.bin'));
      blob[blob.length - 1] ^= 0x80;
      writeFileSync(join(bad, 'arrays.bin'), blob);
      const err = await ppoSpec.load!(bad, ctx('discrete', 0)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err).toMatchObject({ code: 'E_DATA', file: join(bad, 'arrays.bin') });
    });
  });
});
