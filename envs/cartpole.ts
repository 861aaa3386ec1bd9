import { z } from 'zod';
import { BaseEnv } from '../src/core/env.js';
import type { Info, StepResult } from '../src/core/env.js';
import { ConfigError, InvalidActionError, ResetNeededError } from '../src/core/errors.js';
import { Box, Discrete } from '../src/core/spaces.js';
import type { EnvSpec } from './env-spec.js';

/** Acceleration due to gravity, m/s². */
export const GRAVITY = 9.8;
/** Mass of the cart, kg. */
export const MASS_CART = 1.0;
/** Mass of the pole, kg. */
export const MASS_POLE = 0.1;
/** Half the pole's length, m (Gymnasium's `length`). */
export const HALF_POLE_LENGTH = 0.5;
/** Magnitude of the push, N. */
export const FORCE_MAG = 10.0;
/** Seconds between state updates. */
export const TAU = 0.02;
/** |theta| beyond which the episode terminates: 12 degrees, in radians. */
export const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
/** |x| beyond which the episode terminates, m. */
export const X_THRESHOLD = 2.4;
/** Episode length cap applied by `makeEnv` through TimeLimit, as Gymnasium registers CartPole-v1. */
export const CARTPOLE_MAX_EPISODE_STEPS = 500;

const TOTAL_MASS = MASS_POLE + MASS_CART;
const POLEMASS_LENGTH = MASS_POLE * HALF_POLE_LENGTH;
/** np.finfo(np.float32).max */
const FLOAT32_MAX = 3.4028234663852886e38;

/** `cartpole-v1` takes no options: the physics are Gymnasium's. */
export const cartPoleSchema = z.strictObject({});

/** The (reused) result of {@link CartPoleEnv.step}. */
export type CartPoleStepResult = StepResult<Float32Array>;

/**
 * The classic cart-pole balancing task, exactly as Gymnasium's CartPole-v1 (classic_control/cartpole.py, v1
 * semantics): a pole hinged on a cart moving along a frictionless track; push the cart left (action 0) or
 * right (action 1) with a force of 10 N to keep the pole upright.
 *
 * - State (float64): cart position x (m), cart velocity (m/s), pole angle theta (rad, 0 = upright), pole
 *   angular velocity (rad/s). The observation is the same four numbers as a Float32Array.
 * - Observation space: Box with bounds ±4.8 (x), ±float32 max (velocity), ±0.418879 rad (2 × the angle
 *   threshold, so the failing observation is still inside) and ±float32 max (angular velocity).
 * - Dynamics: the explicit Euler integrator of Gymnasium (`kinematics_integrator = "euler"`), tau = 0.02 s.
 * - Reward: 1.0 for every step, the terminating one included.
 * - `terminated` when |x| > 2.4 or |theta| > 12°; never truncates by itself: `makeEnv` adds
 *   `TimeLimit(500)` from the spec's `maxEpisodeSteps`, as Gymnasium's registration does.
 * - Reset: each state variable uniform in [−0.05, 0.05] from the env's rng (Gymnasium's reset options
 *   `low`/`high` override the bounds).
 *
 * Deviation, on purpose: Gymnasium warns and returns reward 0 when stepped after termination; here, as in
 * every env of the framework, that throws ResetNeededError.
 *
 * The observation buffer and the step result are reused: copy what you keep past the next `step`/`reset`.
 *
 * @example
 * const env = new CartPoleEnv();
 * let { obs } = env.reset({ seed: 42 });
 * const r = env.step(1);  // push right
 * r.reward;               // 1
 */
export class CartPoleEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace = new Box(
    Float32Array.of(-X_THRESHOLD * 2, -FLOAT32_MAX, -THETA_THRESHOLD * 2, -FLOAT32_MAX),
    Float32Array.of(X_THRESHOLD * 2, FLOAT32_MAX, THETA_THRESHOLD * 2, FLOAT32_MAX),
  );
  readonly actionSpace = new Discrete(2);

  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;
  private active = false;
  private readonly obs = new Float32Array(4);
  private readonly info: Info = {};
  private readonly result: CartPoleStepResult = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: this.info };

  /** The physical state `[x, xDot, theta, thetaDot]` in float64 (a copy). */
  get state(): Float64Array {
    return Float64Array.of(this.x, this.xDot, this.theta, this.thetaDot);
  }

  /**
   * Overwrites the physical state (Gymnasium users assign `env.unwrapped.state`), e.g. to start from a known
   * configuration after `reset`. It does not start an episode: `step` still needs a `reset` first.
   *
   * @throws RangeError unless `state` holds four finite numbers.
   */
  setState(state: ArrayLike<number>): void {
    if (state.length !== 4 || !Array.from(state).every(Number.isFinite)) {
      throw new RangeError(`CartPole state must be four finite numbers, got [${Array.from(state).join(', ')}]`);
    }
    this.x = state[0];
    this.xDot = state[1];
    this.theta = state[2];
    this.thetaDot = state[3];
    this.writeObservation();
  }

  /** @throws ConfigError when the reset options `low`/`high` are not finite numbers with low ≤ high. */
  protected resetEpisode(options: Record<string, unknown>): { obs: Float32Array; info: Info } {
    this.active = false;
    const low = resetBound(options, 'low', -0.05);
    const high = resetBound(options, 'high', 0.05);
    if (!(low <= high)) throw new ConfigError('reset.options', `low (${low}) must not exceed high (${high})`);
    const span = high - low;
    const rng = this.rng;
    this.x = low + span * rng.uniform();
    this.xDot = low + span * rng.uniform();
    this.theta = low + span * rng.uniform();
    this.thetaDot = low + span * rng.uniform();
    this.writeObservation();
    this.active = true;
    return { obs: this.obs, info: this.info };
  }

  /**
   * Applies the push for one tau and advances the state by one Euler step. Allocates nothing.
   *
   * @throws ResetNeededError before the first reset or after the episode terminated.
   * @throws InvalidActionError unless `action` is 0 or 1.
   */
  step(action: number): CartPoleStepResult {
    if (!this.active) throw new ResetNeededError();
    if (action !== 0 && action !== 1) throw new InvalidActionError(action, 'Discrete(2)');
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const theta = this.theta;
    const thetaDot = this.thetaDot;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);

    // Equations of Florian (2007), "Correct equations for the dynamics of the cart-pole system", as Gymnasium.
    const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sintheta) / TOTAL_MASS;
    const thetaacc = (GRAVITY * sintheta - costheta * temp) / (HALF_POLE_LENGTH * (4.0 / 3.0 - (MASS_POLE * (costheta * costheta)) / TOTAL_MASS));
    const xacc = temp - (POLEMASS_LENGTH * thetaacc * costheta) / TOTAL_MASS;

    this.x = this.x + TAU * this.xDot;
    this.xDot = this.xDot + TAU * xacc;
    this.theta = theta + TAU * thetaDot;
    this.thetaDot = thetaDot + TAU * thetaacc;
    this.writeObservation();

    const terminated = this.x < -X_THRESHOLD || this.x > X_THRESHOLD || this.theta < -THETA_THRESHOLD || this.theta > THETA_THRESHOLD;
    this.active = !terminated;
    const result = this.result;
    result.reward = 1.0;
    result.terminated = terminated;
    result.truncated = false;
    return result;
  }

  private writeObservation(): void {
    const obs = this.obs;
    obs[0] = this.x;
    obs[1] = this.xDot;
    obs[2] = this.theta;
    obs[3] = this.thetaDot;
  }
}

function resetBound(options: Record<string, unknown>, key: 'low' | 'high', fallback: number): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`reset.options.${key}`, `must be a finite number, got ${String(v)}`);
  return v;
}

/**
 * Registry entry for `cartpole-v1`: a fast, well-understood control task for testing agents and wrappers.
 * `maxEpisodeSteps: 500` makes `makeEnv` wrap it in `TimeLimit(500)`.
 *
 * @example
 * const env = makeEnv(registry, 'cartpole-v1');   // OrderEnforcing + TimeLimit(500)
 * @throws ConfigError (path `env`) from `create` when the config holds any key.
 */
export const cartpoleSpec: EnvSpec<z.output<typeof cartPoleSchema>> = {
  id: 'cartpole-v1',
  description: 'Classic cart-pole balancing (Gymnasium CartPole-v1): push left or right, reward 1 per step, ends when the pole passes 12° or the cart 2.4 m; 500-step limit.',
  configSchema: cartPoleSchema,
  maxEpisodeSteps: CARTPOLE_MAX_EPISODE_STEPS,
  create: (config) => {
    const parsed = cartPoleSchema.safeParse(config ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ConfigError(['env', ...first.path.map(String)].join('.'), first.message);
    }
    return new CartPoleEnv();
  },
};
