import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { experimentSchema, parseConfig, resolveExperiment } from './experiment-config.js';

const schemas = () => ({
  generator: z.strictObject({ mu: z.number().default(0) }),
  agent: z.strictObject({ lr: z.number().positive().default(3e-4) }),
  env: z.strictObject({ window: z.number().int().default(30) }),
});

describe('experiment config', () => {
  it('fills every default', () => {
    const cfg = experimentSchema.parse({});
    expect(cfg).toMatchObject({ seed: 0, data: 'builtin', ratio: 4, generator: { id: 'event' }, agent: { id: 'ppo' }, train: { numEnvs: 4 } });
  });

  it('resolves plugin configs through their own schemas', () => {
    const cfg = resolveExperiment({ generator: { id: 'gbm', config: {} } }, schemas);
    expect(cfg.generator.config).toEqual({ mu: 0 });
    expect(cfg.agent.config).toEqual({ lr: 3e-4 });
    expect(cfg.env.config).toEqual({ window: 30 });
  });

  it('names the key of a bad value', () => {
    const bad = (input: unknown) => {
      try {
        resolveExperiment(input, schemas);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).path;
      }
      return 'no error';
    };
    expect(bad({ train: { steps: -1 } })).toBe('train.steps');
    expect(bad({ ratio: 'four' })).toBe('ratio');
    expect(bad({ ration: 4 })).toBe('ration');
    expect(bad({ agent: { config: { lr: -1 } } })).toBe('agent.config.lr');
    expect(bad({ env: { config: { windw: 3 } } })).toBe('env.config.windw');
  });

  it('parseConfig prefixes paths', () => {
    expect(() => parseConfig(z.object({ a: z.number() }), { a: 'x' }, 'p')).toThrow(expect.objectContaining({ path: 'p.a', code: 'E_CONFIG' }));
  });
});
