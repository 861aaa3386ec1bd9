import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('public API', () => {
  it('exposes the contracts, plugins and runner', () => {
    for (const name of ['Rng', 'Box', 'Discrete', 'Registry', 'TradingEnv', 'SyncVectorEnv', 'gbm', 'real', 'PpoAgent', 'BuyAndHoldAgent', 'trainRun', 'createRegistries', 'computeMetrics', 'walkForwardFolds', 'loadBarsCsv', 'ContinuousTradingEnv', 'PortfolioEnv', 'CartPoleEnv', 'makeEnv', 'checkEnv', 'TimeLimit', 'NormalizeObservation', 'fitFeatures', 'differentialSharpe']) {
      expect(api, name).toHaveProperty(name);
    }
  });

  it('registers nothing at import: each createRegistries() is fresh and independent', () => {
    const a = api.createRegistries();
    const b = api.createRegistries();
    expect(a.generators.ids()).toEqual(['real', 'gbm', 'ou', 'merton', 'heston', 'garch', 'regime', 'event', 'correlated']);
    expect(a.agents.ids()).toEqual(['ppo', 'dqn', 'buy-and-hold', 'random']);
    expect(a.envs.ids()).toEqual(['trading-v0', 'trading-continuous-v0', 'portfolio-v0', 'cartpole-v1']);
    a.generators.register({ ...api.gbm, id: 'gbm-custom' });
    expect(b.generators.has('gbm-custom')).toBe(false);
  });
});
