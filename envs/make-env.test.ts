import { afterEach, describe, expect, it } from 'vitest';
import { PassiveEnvChecker } from '../src/core/check-env.js';
import type { Env } from '../src/core/env.js';
import { ConfigError, ResetNeededError, UnknownPluginError } from '../src/core/errors.js';
import { Registry } from '../src/core/registry.js';
import { allocBars } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { CartPoleEnv } from './cartpole.js';
import type { EnvSpec } from './env-spec.js';
import { registerEnvs } from './index.js';
import { makeEnv } from './make-env.js';
import { TradingEnv } from './trading-env.js';
import { FrameStack } from './wrappers/frame-stack.js';
import { NormalizeObservation } from './wrappers/normalize-observation.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { RecordEpisodeStatistics } from './wrappers/record-episode-statistics.js';
import { TimeLimit } from './wrappers/time-limit.js';

function registry(): Registry<EnvSpec> {
  const r = new Registry<EnvSpec>('env');
  registerEnvs(r);
  return r;
}

/** The chain from the outermost wrapper inwards, by class name. */
function chain(env: object): string[] {
  const names: string[] = [];
  let e: object | undefined = env;
  while (e !== undefined) {
    names.push(e.constructor.name);
    e = (e as { env?: object }).env;
  }
  return names;
}

const nodeEnv = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = nodeEnv;
});

describe('makeEnv', () => {
  it('wraps in Gymnasium’s make order: checker (tests only), OrderEnforcing, TimeLimit from the spec', () => {
    const env = makeEnv(registry(), 'cartpole-v1');
    expect(chain(env)).toEqual(['TimeLimit', 'OrderEnforcing', 'PassiveEnvChecker', 'CartPoleEnv']);
    expect(env).toBeInstanceOf(TimeLimit);
    expect((env as TimeLimit<Float32Array, number>).maxEpisodeSteps).toBe(500);
    expect(env.env).toBeInstanceOf(OrderEnforcing);
    expect((env.env as OrderEnforcing<Float32Array, number>).env).toBeInstanceOf(PassiveEnvChecker);
    expect(env.unwrapped).toBeInstanceOf(CartPoleEnv);
    expect(String(env)).toBe('TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv>>>');
  });

  it('applies the passive checker only under NODE_ENV=test', () => {
    process.env.NODE_ENV = 'production';
    expect(chain(makeEnv(registry(), 'cartpole-v1'))).toEqual(['TimeLimit', 'OrderEnforcing', 'CartPoleEnv']);
  });

  it('adds the optional wrappers outside the time limit: statistics, normalisation, frame stack', () => {
    const env = makeEnv(registry(), 'cartpole-v1', { maxEpisodeSteps: 50, recordStatistics: true, normalizeObservation: true, frameStack: 3 });
    expect(chain(env)).toEqual(['FrameStack', 'NormalizeObservation', 'RecordEpisodeStatistics', 'TimeLimit', 'OrderEnforcing', 'PassiveEnvChecker', 'CartPoleEnv']);
    expect(env).toBeInstanceOf(FrameStack);
    expect(env.env).toBeInstanceOf(NormalizeObservation);
    expect((env.env as NormalizeObservation<number>).env).toBeInstanceOf(RecordEpisodeStatistics);
    expect(env.observationSpace.toString()).toBe('Box(3,4,)');
    const limit = ((env.env as NormalizeObservation<number>).env as RecordEpisodeStatistics<Float32Array, number>).env as TimeLimit<Float32Array, number>;
    expect(limit.maxEpisodeSteps).toBe(50);
  });

  it('records episode statistics of the raw rewards, the time limit included', () => {
    const env = makeEnv(registry(), 'cartpole-v1', { maxEpisodeSteps: 7, recordStatistics: true, normalizeObservation: true }) as Env<Float32Array, number>;
    env.reset({ seed: 0 });
    let r;
    do r = env.step(1);
    while (!r.terminated && !r.truncated);
    expect(r.info.episode).toEqual({ return: 7, length: 7 });
  });

  it('adds no TimeLimit when neither the spec nor the overrides set one', () => {
    const bars = allocBars('X', 80);
    for (let i = 0; i < 80; i++) {
      bars.time[i] = i * 86_400_000;
      bars.open[i] = bars.high[i] = bars.low[i] = bars.close[i] = 100 + i;
      bars.volume[i] = 1000;
    }
    const env = makeEnv(registry(), 'trading-v0', { config: { window: 5 }, ctx: { source: fixedEpisode(bars, 5) } });
    expect(chain(env)).toEqual(['OrderEnforcing', 'PassiveEnvChecker', 'TradingEnv']);
    expect(env.unwrapped).toBeInstanceOf(TradingEnv);
    expect(chain(makeEnv(registry(), 'trading-v0', { ctx: { source: fixedEpisode(bars, 30) }, maxEpisodeSteps: 10 }))[0]).toBe('TimeLimit');
  });

  it('enforces the order on the made env', () => {
    const env = makeEnv(registry(), 'cartpole-v1') as Env<Float32Array, number>;
    expect(() => env.step(0)).toThrow(ResetNeededError);
    env.reset({ seed: 1 });
    expect(() => env.step(1)).not.toThrow();
  });

  it('throws UnknownPluginError with a did-you-mean for an unknown id', () => {
    let error: unknown;
    try {
      makeEnv(registry(), 'cartpole-v0');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownPluginError);
    expect((error as UnknownPluginError).code).toBe('E_UNKNOWN_PLUGIN');
    expect((error as UnknownPluginError).suggestions).toEqual(['cartpole-v1']);
  });

  it('rejects invalid overrides and configs with ConfigError', () => {
    expect(() => makeEnv(registry(), 'cartpole-v1', { maxEpisodeSteps: 0 })).toThrow(ConfigError);
    expect(() => makeEnv(registry(), 'cartpole-v1', { frameStack: 1.5 })).toThrow(ConfigError);
    expect(() => makeEnv(registry(), 'cartpole-v1', { config: { length: 1 } })).toThrow(ConfigError);
    expect(() => makeEnv(registry(), 'trading-v0')).toThrow(ConfigError); // no episode source
  });
});
