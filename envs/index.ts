import type { Registry } from '../src/core/registry.js';
import type { EnvSpec } from './env-spec.js';
import { tradingEnvSpec } from './trading-env.js';

export type { EnvSpec } from './env-spec.js';

/**
 * Registers the built-in environments (`trading-v0`).
 *
 * @example
 * const envs = new Registry<EnvSpec>('env');
 * registerEnvs(envs);
 * @throws RlError (E_DUPLICATE_PLUGIN) when called twice on the same registry.
 */
export function registerEnvs(registry: Registry<EnvSpec>): void {
  registry.register(tradingEnvSpec);
}
