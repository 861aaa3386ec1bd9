/**
 * The public API: contracts to implement (Env, GeneratorSpec, AgentSpec), the built-in plugins to subclass
 * or compose, and the experiment runner. Importing it has no side effects.
 *
 * @example
 * import { createRegistries, trainRun } from 'synthetic-market-rl';
 * const registries = createRegistries();
 * registries.generators.register(myGenerator);
 * const { report } = await trainRun({ generator: { id: 'my-generator' }, ratio: 4 }, { registries });
 */
export * from './core/errors.js';
export * from './core/rng.js';
export * from './core/spaces.js';
export * from './core/env.js';
export * from './core/registry.js';
export { SyncVectorEnv } from './core/vector-env.js';
export { checkEnv, PassiveEnvChecker } from './core/check-env.js';
export type { CheckEnvOptions } from './core/check-env.js';
export * from './data/index.js';
export * from './data/panel-episode-source.js';
export * from './features/index.js';
export * from './market/cost-model.js';
export * from './market/portfolio.js';
export { BarSeries, barSeries } from './market/bar-series.js';
export { initTf, requireTf } from './nn/tf.js';
export * from '../envs/env-spec.js';
export * from '../envs/trading-env.js';
export * from '../envs/rewards.js';
export * from '../envs/portfolio-env.js';
export { CartPoleEnv, cartpoleSpec } from '../envs/cartpole.js';
export * from '../envs/wrappers/index.js';
export * from '../envs/make-env.js';
export { registerEnvs } from '../envs/index.js';
export * from '../generators/generator.js';
export { gbm } from '../generators/gbm.js';
export { real } from '../generators/real.js';
export { registerGenerators } from '../generators/index.js';
export * from '../agents/agent.js';
export { PpoAgent, loadPpo, ppoConfigSchema, ppoSpec } from '../agents/ppo.js';
export type { PpoConfig } from '../agents/ppo.js';
export { computeGae, RolloutBuffer } from '../agents/buffers.js';
export { FixedPolicyAgent } from '../agents/baselines/fixed-policy.js';
export { BuyAndHoldAgent, buyAndHoldSpec } from '../agents/baselines/buy-and-hold.js';
export { RandomAgent, randomSpec } from '../agents/baselines/random.js';
export { registerAgents } from '../agents/index.js';
export * from '../evaluators/metrics.js';
export * from '../evaluators/evaluate-policy.js';
export * from '../evaluators/report.js';
export * from './training/experiment-config.js';
export * from './training/mixed-source.js';
export * from './training/experiment.js';
export * from './training/registries.js';
export * from './training/train-run.js';
export { RunWriter } from './store/run-dir.js';
export type { MetricSink } from './store/run-dir.js';
