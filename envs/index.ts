import type { Registry } from '../src/core/registry.js';
import { cartpoleSpec } from './cartpole.js';
import type { EnvSpec } from './env-spec.js';
import { portfolioEnvSpec } from './portfolio-env.js';
import { continuousTradingEnvSpec, tradingEnvSpec } from './trading-env.js';

export type { EnvSpec } from './env-spec.js';

/**
 * Registers the built-in environments (`trading-v0`, `trading-continuous-v0`, `portfolio-v0`, `cartpole-v1`),
 * in that order.
 *
 * @example
 * const envs = new Registry<EnvSpec>('env');
 * registerEnvs(envs);
 * @throws RlError (E_DUPLICATE_PLUGIN) when called twice on the same registry.
 */
export function registerEnvs(registry: Registry<EnvSpec>): void {
  registry.register(tradingEnvSpec).register(continuousTradingEnvSpec).register(portfolioEnvSpec).register(cartpoleSpec);
}
