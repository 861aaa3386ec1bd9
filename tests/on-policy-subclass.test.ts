import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentContext } from '../agents/agent.js';
import type { RolloutBuffer } from '../agents/buffers.js';
import { loadOnPolicy, OnPolicyAgent, onPolicyConfigShape } from '../agents/on-policy.js';
import { Rng } from '../src/core/rng.js';
import type { Space } from '../src/core/spaces.js';
import { SignVecEnv } from './fixtures/toy-vec-envs.js';

// ─── The README's "Writing an on-policy algorithm" example, complete: A2C on the on-policy template ──────
const a2cConfigSchema = z.strictObject({ ...onPolicyConfigShape, nSteps: onPolicyConfigShape.nSteps.default(5), learningRate: onPolicyConfigShape.learningRate.default(7e-4) });
type A2cConfig = z.infer<typeof a2cConfigSchema>;

/** Advantage actor-critic (Mnih et al. 2016, synchronous): one full-batch gradient step per rollout. */
class A2cAgent extends OnPolicyAgent<A2cConfig> {
  readonly id = 'a2c';
  protected readonly version = 1;

  protected update(buffer: RolloutBuffer): Record<string, number> {
    const cfg = this.config;
    const n = buffer.size;
    const P = this.dist.outputSize;
    // L = −mean(A · log π(a|s)) − entCoef · mean(H) + vfCoef · mean((V(s) − R)²)
    const logp = new Float64Array(n);
    const entropy = new Float64Array(n);
    const dLogp = new Float64Array(n);
    this.params.zeroGrad();
    const out = this.pi.forward(buffer.obs, n);
    this.dist.logProbEntropy(out, this.extra, n, buffer.actions, logp, entropy);
    let [pgLoss, meanEntropy] = [0, 0];
    for (let k = 0; k < n; k++) {
      pgLoss -= (buffer.advantages[k] * logp[k]) / n;
      meanEntropy += entropy[k] / n;
      dLogp[k] = -buffer.advantages[k] / n;
    }
    const dOut = new Float64Array(n * P);
    this.dist.backward(out, this.extra, n, buffer.actions, dLogp, -cfg.entCoef / n, dOut, this.params.grads.subarray(this.extraOffset));
    this.pi.backward(dOut, n);
    const v = this.vf.forward(buffer.obs, n);
    const dV = new Float64Array(n);
    let vLoss = 0;
    for (let k = 0; k < n; k++) {
      const err = v[k] - buffer.returns[k];
      vLoss += (err * err) / n;
      dV[k] = (2 * cfg.vfCoef * err) / n;
    }
    this.vf.backward(dV, n);
    this.params.clipGradNorm(cfg.maxGradNorm);
    this.optimizer.step();
    return { 'losses/policy_loss': pgLoss, 'losses/value_loss': vLoss, 'losses/entropy': meanEntropy };
  }
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function ctxFor(env: SignVecEnv, seed: number): AgentContext {
  return { observationSpace: env.singleObservationSpace, actionSpace: env.singleActionSpace as Space<number>, rng: Rng.fromSeed(seed) };
}

function accuracy(agent: A2cAgent): number {
  const rng = Rng.fromSeed(99);
  let right = 0;
  for (let k = 0; k < 500; k++) {
    const x = 2 * rng.uniform() - 1;
    const a = agent.act(new Float32Array([x, 0.5]), { deterministic: true, rng })[0];
    if ((a === 1) === x > 0) right++;
  }
  return right / 500;
}

describe('subclassing the on-policy template (A2C in 40 lines)', () => {
  it('learns the sign task, logs the template metrics, and resumes exactly like PPO', async () => {
    const config = a2cConfigSchema.parse({ nSteps: 16, learningRate: 3e-3 });
    const budget = 16 * 4 * 150;
    const reference = new A2cAgent(config, ctxFor(new SignVecEnv(4), 3));
    const env = new SignVecEnv(4);
    env.reset(7);
    const lines: string[] = [];
    await reference.learn(env, { steps: budget }, { onRolloutEnd: (c) => void lines.push(JSON.stringify(c)) });
    // Random play is right half the time.
    expect(accuracy(reference)).toBeGreaterThanOrEqual(0.95);
    const first = JSON.parse(lines[0]).metrics as Record<string, number>;
    for (const k of ['losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/explained_variance', 'charts/learning_rate']) expect(Number.isFinite(first[k]), k).toBe(true);

    // Interrupted after 40 updates, saved, loaded through the template's loader, resumed on a fresh env.
    const dir = mkdtempSync(join(tmpdir(), 'rl-a2c-'));
    dirs.push(dir);
    const interrupted = new A2cAgent(config, ctxFor(new SignVecEnv(4), 3));
    const env2 = new SignVecEnv(4);
    env2.reset(7);
    const part: string[] = [];
    await interrupted.learn(env2, { steps: budget }, {
      onRolloutEnd: async (c) => {
        part.push(JSON.stringify(c));
        if (part.length === 40) {
          await interrupted.save(dir);
          return 'stop';
        }
      },
    });
    const loaded = await loadOnPolicy(dir, ctxFor(new SignVecEnv(4), 0), { id: 'a2c', version: 1, schema: a2cConfigSchema, create: (c, x) => new A2cAgent(c, x) });
    const env3 = new SignVecEnv(4);
    env3.reset(7);
    await loaded.learn(env3, { steps: budget }, { onRolloutEnd: (c) => void part.push(JSON.stringify(c)) });
    expect(part).toEqual(lines);
    expect(Buffer.from(loaded.params.params.buffer, loaded.params.params.byteOffset, loaded.params.params.byteLength).equals(Buffer.from(reference.params.params.buffer, reference.params.params.byteOffset, reference.params.params.byteLength))).toBe(true);
  });
});
