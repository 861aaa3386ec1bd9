/**
 * Known answer: PPO with stable-baselines3's default hyperparameters solves CartPole-v1. SB3 v2.4.1 on
 * Gymnasium 0.29.1 (`MlpPolicy` defaults, n_envs=1, seed=0, `learn(total_timesteps=50000)`, which runs
 * 51,200 steps) evaluates at a mean of 500.0 (std 0.0) over 20 deterministic episodes, in three runs out of
 * three (/work/shared/peers/RESULTS.md §2, "PPO on CartPole-v1 (learning-quality anchor)"). Same
 * configuration here: defaults, one env built through the registry (so the 500-step TimeLimit applies),
 * seed 0; evaluation on a separate env.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../src/core/env.js';
import { Registry } from '../src/core/registry.js';
import { Rng } from '../src/core/rng.js';
import { SyncVectorEnv } from '../src/core/vector-env.js';
import { registerEnvs, type EnvSpec } from '../envs/index.js';
import { makeEnv } from '../envs/make-env.js';
import { ppoConfigSchema, ppoSpec } from '../agents/ppo.js';

describe('known answer: PPO on cartpole-v1', () => {
  it('reaches a mean deterministic return ≥ 475 of 500 after 50k steps with SB3 defaults', async () => {
    const envs = new Registry<EnvSpec>('env');
    registerEnvs(envs);
    const cartpole = () => makeEnv(envs, 'cartpole-v1') as Env<Float32Array, number>;
    const vec = new SyncVectorEnv([cartpole()]);
    vec.reset(0);
    const agent = ppoSpec.create(ppoConfigSchema.parse({}), {
      observationSpace: vec.singleObservationSpace,
      actionSpace: vec.singleActionSpace,
      rng: Rng.fromSeed(0).fork('agent'),
    });
    const summary = await agent.learn(vec, { steps: 50_000 });
    expect(summary).toMatchObject({ steps: 51_200, updates: 25 }); // ⌈50,000 / 2048⌉ full rollouts, as SB3

    // 20 deterministic episodes on a separate env, episode k seeded 1000 + k.
    const env = cartpole();
    const returns: number[] = [];
    for (let k = 0; k < 20; k++) {
      const obs = Float32Array.from(env.reset({ seed: 1000 + k }).obs);
      let [total, length] = [0, 0];
      for (;;) {
        const r = env.step(agent.act(obs, { deterministic: true, rng: Rng.fromSeed('unused') })[0]);
        total += r.reward;
        length++;
        if (r.terminated || r.truncated) break;
        obs.set(r.obs);
      }
      expect(length).toBeLessThanOrEqual(500); // the TimeLimit is in place
      returns.push(total);
    }
    // 475 is Gymnasium's reward_threshold for CartPole-v1 (the "solved" level).
    expect(returns.reduce((s, r) => s + r, 0) / returns.length).toBeGreaterThanOrEqual(475);
  });
});
