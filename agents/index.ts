import type { Registry } from '../src/core/registry.js';
import type { AgentSpec } from './agent.js';
import { buyAndHoldSpec } from './baselines/buy-and-hold.js';
import { randomSpec } from './baselines/random.js';
import { dqnSpec } from './dqn.js';
import { ppoSpec } from './ppo.js';

/**
 * Registers the built-in agents (ppo, dqn, buy-and-hold, random). Explicit: importing this module registers
 * nothing.
 *
 * @example
 * const agents = registerAgents(new Registry<AgentSpec>('agent'));
 * agents.ids(); // ['ppo', 'dqn', 'buy-and-hold', 'random']
 */
export function registerAgents<R extends Registry<AgentSpec>>(registry: R): R {
  registry.register(ppoSpec).register(dqnSpec).register(buyAndHoldSpec).register(randomSpec);
  return registry;
}
