import { describe, expect, it } from 'vitest';
import { checkEnv } from '../src/core/check-env.js';
import type { Env } from '../src/core/env.js';
import { ConfigError, InvalidActionError, ResetNeededError } from '../src/core/errors.js';
import { Registry } from '../src/core/registry.js';
import type { Box } from '../src/core/spaces.js';
import { CartPoleEnv, THETA_THRESHOLD, cartpoleSpec } from './cartpole.js';
import type { EnvSpec } from './env-spec.js';
import { makeEnv } from './make-env.js';

type State = [number, number, number, number];

/** One explicit-Euler step of Gymnasium's CartPole-v1, written out with the constants as literals. */
function handStep([x, xDot, theta, thetaDot]: State, action: number): State {
  const force = action === 1 ? 10 : -10;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const totalMass = 1.0 + 0.1;
  const poleMassLength = 0.1 * 0.5;
  const temp = (force + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
  const thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4 / 3 - (0.1 * cos * cos) / totalMass));
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass;
  return [x + 0.02 * xDot, xDot + 0.02 * xAcc, theta + 0.02 * thetaDot, thetaDot + 0.02 * thetaAcc];
}

function expectState(env: CartPoleEnv, expected: State): void {
  const s = env.state;
  for (let i = 0; i < 4; i++) expect(Math.abs(s[i] - expected[i]), `state[${i}]`).toBeLessThan(1e-12);
}

describe('cartpole-v1 dynamics', () => {
  it.each([
    [[0.01, -0.02, 0.03, 0.04] as State, 1],
    [[0.01, -0.02, 0.03, 0.04] as State, 0],
    [[-1.3, 0.7, -0.15, 1.2] as State, 1],
    [[2.0, -1.5, 0.19, -2.5] as State, 0],
  ])('one step from %j with action %i matches the hand-computed Euler update to 1e-12', (state, action) => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.setState(state);
    const r = env.step(action);
    const expected = handStep(state, action);
    expectState(env, expected);
    expect(Array.from(r.obs)).toEqual(expected.map(Math.fround));
    expect(r.reward).toBe(1);
    expect(r.truncated).toBe(false);
  });

  it('follows the hand-computed trajectory from a seeded reset state', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 5 });
    let s = Array.from(env.state) as State;
    for (let t = 0; t < 8; t++) {
      const action = t % 3 === 0 ? 0 : 1;
      const r = env.step(action);
      s = handStep(s, action);
      expectState(env, s);
      if (r.terminated) break;
    }
  });

  it('draws the reset state uniformly in [−0.05, 0.05]^4 from the env’s rng, reproducibly', () => {
    const a = new CartPoleEnv();
    const b = new CartPoleEnv();
    const first = a.reset({ seed: 42 }).obs.slice();
    expect(b.reset({ seed: 42 }).obs).toEqual(first);
    expect(a.reset({ seed: 43 }).obs).not.toEqual(first);
    for (let k = 0; k < 200; k++) {
      a.reset();
      for (const v of a.state) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    }
    // An unseeded reset continues the seeded stream.
    a.reset({ seed: 42 });
    b.reset({ seed: 42 });
    expect(a.reset().obs).toEqual(b.reset().obs);
    expect(a.state).not.toEqual(Float64Array.from(first));
  });

  it('accepts Gymnasium’s low/high reset options', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 1, options: { low: 0.2, high: 0.3 } });
    for (const v of env.state) expect(v >= 0.2 && v <= 0.3).toBe(true);
    expect(() => env.reset({ options: { low: 1, high: 0 } })).toThrow(ConfigError);
  });
});

describe('cartpole-v1 termination', () => {
  it.each([
    ['x at +2.4 (push right)', [2.4, 0, 0, 0] as State, 1, 0],
    ['x at −2.4 (push left)', [-2.4, 0, 0, 0] as State, 0, 0],
    ['theta at +12° (push left)', [0, 0, THETA_THRESHOLD, 0] as State, 0, 2],
    ['theta at −12° (push right)', [0, 0, -THETA_THRESHOLD, 0] as State, 1, 2],
  ])('%s is not terminal; one step further out is, with reward 1', (_name, state, action, index) => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.setState(state);
    const first = env.step(action); // the velocities are 0: the position stays exactly on the threshold
    expect(env.state[index]).toBe(state[index]);
    expect(first.terminated).toBe(false);
    const second = env.step(action);
    expect(second.terminated).toBe(true);
    expect(second.truncated).toBe(false);
    expect(second.reward).toBe(1);
    expect(() => env.step(action)).toThrow(ResetNeededError);
  });

  it('terminates as soon as |x| > 2.4 or |theta| > 12°', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.setState([2.4 + 1e-9, 0, 0, 0]);
    expect(env.step(1).terminated).toBe(true);
    env.reset({ seed: 0 });
    env.setState([0, 0, -THETA_THRESHOLD - 1e-9, 0]);
    expect(env.step(1).terminated).toBe(true);
  });

  it('an always-push-right policy drops the pole (theta < −12°) in a few steps', () => {
    const env = new CartPoleEnv();
    for (let seed = 0; seed < 20; seed++) {
      env.reset({ seed });
      let steps = 0;
      let r;
      do {
        r = env.step(1);
        steps++;
      } while (!r.terminated);
      expect(steps).toBeGreaterThanOrEqual(5);
      expect(steps).toBeLessThanOrEqual(15);
      expect(env.state[2]).toBeLessThan(-THETA_THRESHOLD);
    }
  });
});

describe('cartpole-v1 contract', () => {
  it('declares Gymnasium’s spaces', () => {
    const env = new CartPoleEnv();
    const box = env.observationSpace as Box;
    expect(Array.from(box.high)).toEqual([Math.fround(4.8), 3.4028234663852886e38, Math.fround(0.41887902047863906), 3.4028234663852886e38]);
    expect(Array.from(box.low)).toEqual(Array.from(box.high).map((v) => -v));
    expect(env.actionSpace.toString()).toBe('Discrete(2)');
  });

  it('enforces the order and the action space', () => {
    const env = new CartPoleEnv();
    expect(() => env.step(0)).toThrow(ResetNeededError);
    env.reset({ seed: 0 });
    expect(() => env.step(2)).toThrow(InvalidActionError);
    expect(() => env.step(0.5)).toThrow(InvalidActionError);
  });

  it('reuses its observation buffer and step result', () => {
    const env = new CartPoleEnv();
    const { obs } = env.reset({ seed: 0 });
    const r = env.step(0);
    expect(r.obs).toBe(obs);
    expect(env.step(1)).toBe(r);
  });

  it('passes checkEnv', () => {
    checkEnv(() => new CartPoleEnv(), { seed: 3 });
  });

  it('registers with maxEpisodeSteps 500 and a strict, empty config', () => {
    expect(cartpoleSpec.id).toBe('cartpole-v1');
    expect(cartpoleSpec.maxEpisodeSteps).toBe(500);
    expect(cartpoleSpec.create({})).toBeInstanceOf(CartPoleEnv);
    expect(cartpoleSpec.create(undefined)).toBeInstanceOf(CartPoleEnv);
    expect(() => cartpoleSpec.create({ gravity: 1 })).toThrow(ConfigError);
  });

  it('is truncated at 500 steps (not terminated) under makeEnv with a balancing controller', () => {
    const registry = new Registry<EnvSpec>('env').register(cartpoleSpec);
    const env = makeEnv(registry, 'cartpole-v1') as Env<Float32Array, number>;
    let { obs } = env.reset({ seed: 0 });
    let steps = 0;
    for (;;) {
      const [x, xDot, theta, thetaDot] = obs;
      const r = env.step(theta + 0.5 * thetaDot + 0.05 * x + 0.1 * xDot > 0 ? 1 : 0);
      obs = r.obs;
      steps++;
      if (r.terminated || r.truncated) {
        expect([r.terminated, r.truncated, steps]).toEqual([false, true, 500]);
        break;
      }
    }
  });
});
