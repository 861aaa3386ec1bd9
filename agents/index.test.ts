import { describe, expect, it } from 'vitest';
import { Registry } from '../src/core/registry.js';
import type { AgentSpec } from './agent.js';
import { registerAgents } from './index.js';

describe('registerAgents', () => {
  it('registers ppo, dqn, buy-and-hold and random explicitly', () => {
    const registry = registerAgents(new Registry<AgentSpec>('agent'));
    expect(registry.ids()).toEqual(['ppo', 'dqn', 'buy-and-hold', 'random']);
    expect(registry.values().map((s) => s.learns)).toEqual([true, true, false, false]);
    expect(() => registerAgents(registry)).toThrow(expect.objectContaining({ code: 'E_DUPLICATE_PLUGIN' }));
  });
});
