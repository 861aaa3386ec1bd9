import type { Env, Info, ResetOptions, StepResult } from './env.js';
import { ResetNeededError, RlError } from './errors.js';
import { Rng } from './rng.js';
import { Box, Discrete } from './spaces.js';
import type { Space } from './spaces.js';

/** Options of {@link checkEnv}. */
export interface CheckEnvOptions {
  /** Seed of the resets and of the random actions. Default 0. */
  seed?: number;
  /** Random-action steps of the determinism run (episodes are reset without a seed as they end). Default 1000. */
  steps?: number;
}

/**
 * Checks that an env honours the {@link Env} contract (Gymnasium's `check_env`), throwing an {@link RlError}
 * with code `E_CHECK_ENV` and a precise message on the first failure. `makeEnv` is called for every fresh env
 * the check needs. In order:
 *
 * 1. the spaces are a {@link Box} (bounds of equal length, `low ≤ high`, no NaN, `shape` multiplying to the
 *    size) or a {@link Discrete}, and actions sampled from the action space are inside it;
 * 2. `step` before any `reset` throws {@link ResetNeededError} (order enforcement);
 * 3. two fresh envs reset with `{ seed }` return byte-identical observations, inside the observation space
 *    with no NaN;
 * 4. stepping both with the same actions (sampled from the action space with an rng seeded from `seed`) for
 *    `steps` steps gives equal rewards, flags and observation bytes; every observation is in the space, every
 *    reward a finite number, `terminated`/`truncated` booleans. When an episode ends, one more `step` must
 *    throw {@link ResetNeededError} (checked on the first episode that ends within `steps`); then both envs
 *    are reset without a seed and must still agree;
 * 5. resetting the same env with `{ seed }` again reproduces the first observation;
 * 6. `reset()` without a seed after a seeded reset continues the stream: it does not throw, and it is the same
 *    on two fresh envs.
 *
 * Observations are copied before comparison, because envs may reuse their buffers.
 *
 * @example
 * checkEnv(() => new CartPoleEnv(), { seed: 42 });
 * checkEnv(() => registry.get('trading-v0').create({}, { source: fixedEpisode(bars, 40) }));
 * @throws RlError (E_CHECK_ENV) describing the first violation.
 */
export function checkEnv(makeEnv: () => Env<unknown, unknown>, opts: CheckEnvOptions = {}): void {
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? 1000;
  const rng = Rng.fromSeed(seed).fork('check-env');

  // 1–2. Spaces, and order enforcement on a fresh env.
  const first = makeEnv();
  const name = envName(first);
  checkSpaces(first, name);
  const spaceRng = rng.fork('spaces');
  for (let i = 0; i < 10; i++) {
    const a = first.actionSpace.sample(spaceRng);
    if (!first.actionSpace.contains(a)) fail(`${name}: an action sampled from ${first.actionSpace.toString()} is not in it: ${formatValue(a)}`);
  }
  expectResetNeeded(() => first.step(first.actionSpace.sample(spaceRng)), `${name}: step() before the first reset()`);
  first.close();

  // 3. Seeded resets of two fresh envs.
  const a = makeEnv();
  const b = makeEnv();
  const initial = checkReset(a, { seed }, `${name}: reset({ seed: ${seed} })`);
  const initialB = checkReset(b, { seed }, `${name}: reset({ seed: ${seed} }) of a second fresh env`);
  compareObs(initial, initialB, `${name}: two fresh envs reset with seed ${seed} return different observations`);

  // 4. Step determinism over seeded random actions, with unseeded resets between episodes.
  const actions = rng.fork('actions');
  let checkedAfterEnd = false;
  for (let i = 0; i < steps; i++) {
    const action = a.actionSpace.sample(actions);
    const where = `step ${i} (action ${formatValue(action)}) after reset({ seed: ${seed} })`;
    const sa = checkStep(a, action, `${name}: ${where}`);
    const sb = checkStep(b, action, `${name}: ${where} of a second env`);
    compareObs(sa.obs, sb.obs, `${name}: ${where}: two envs with equal seeds and actions return different observations`);
    if (!Object.is(sa.reward, sb.reward)) fail(`${name}: ${where}: rewards differ between two equally seeded envs (${sa.reward} vs ${sb.reward})`);
    if (sa.terminated !== sb.terminated || sa.truncated !== sb.truncated) {
      fail(`${name}: ${where}: flags differ between two equally seeded envs (terminated ${sa.terminated}/${sb.terminated}, truncated ${sa.truncated}/${sb.truncated})`);
    }
    if (!(sa.terminated || sa.truncated)) continue;
    if (!checkedAfterEnd) {
      // Both envs get the same call so that they stay twins even if the check mutates them.
      const next = a.actionSpace.sample(actions);
      const ended = sa.terminated ? 'terminated' : 'truncated';
      expectResetNeeded(() => a.step(next), `${name}: step() after the episode ${ended} at step ${i} without reset()`);
      expectResetNeeded(() => b.step(next), `${name}: step() after the episode ${ended} at step ${i} without reset() (second env)`);
      checkedAfterEnd = true;
    }
    const ra = checkReset(a, undefined, `${name}: reset() without a seed after step ${i}`);
    const rb = checkReset(b, undefined, `${name}: reset() without a seed after step ${i} (second env)`);
    compareObs(ra, rb, `${name}: reset() without a seed after step ${i}: two equally seeded envs diverge`);
  }

  // 5. The same env reseeded reproduces its first observation.
  const again = checkReset(a, { seed }, `${name}: reset({ seed: ${seed} }) of a used env`);
  compareObs(again, initial, `${name}: reset({ seed: ${seed} }) of a used env differs from the first reset with that seed`);
  a.close();
  b.close();

  // 6. An unseeded reset after a seeded one continues the stream, identically on twins.
  const c = makeEnv();
  const d = makeEnv();
  checkReset(c, { seed }, `${name}: reset({ seed: ${seed} })`);
  checkReset(d, { seed }, `${name}: reset({ seed: ${seed} })`);
  const cont = checkReset(c, undefined, `${name}: reset() without a seed after reset({ seed: ${seed} })`);
  const contD = checkReset(d, undefined, `${name}: reset() without a seed after reset({ seed: ${seed} })`);
  compareObs(cont, contD, `${name}: reset() after reset({ seed: ${seed} }) differs between two fresh envs (the stream must continue from the seed)`);
  c.close();
  d.close();
}

/**
 * Checks an env's first `reset` and first `step` results as they pass through (Gymnasium's
 * `PassiveEnvChecker`): the spaces at construction, then the observation inside the observation space with no
 * NaN, the reward a finite number, `terminated`/`truncated` booleans. Later calls pass straight through.
 * `makeEnv` applies it innermost under `NODE_ENV=test`. Attributes of the env are reached through `env` or
 * `unwrapped`, never forwarded.
 *
 * @example
 * const env = new PassiveEnvChecker(new CartPoleEnv());
 * env.reset({ seed: 0 }); // throws RlError (E_CHECK_ENV) if the observation is outside the space
 * @throws RlError (E_CHECK_ENV) on the first violation.
 */
export class PassiveEnvChecker<O, A> implements Env<O, A> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  private checkedReset = false;
  private checkedStep = false;

  constructor(readonly env: Env<O, A>) {
    checkSpaces(env, envName(env));
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
  }

  /** The innermost env of the chain. */
  get unwrapped(): Env<unknown, unknown> {
    return (this.env as { readonly unwrapped?: Env<unknown, unknown> }).unwrapped ?? this.env;
  }

  reset(opts?: ResetOptions): { obs: O; info: Info } {
    const r = this.env.reset(opts);
    if (!this.checkedReset) {
      checkResetResult(this.env, r, `${envName(this.env)}: first reset()`);
      this.checkedReset = true;
    }
    return r;
  }

  step(action: A): StepResult<O> {
    const r = this.env.step(action);
    if (!this.checkedStep) {
      checkStepResult(this.env, r, `${envName(this.env)}: first step()`);
      this.checkedStep = true;
    }
    return r;
  }

  close(): void {
    this.env.close();
  }

  toString(): string {
    return `PassiveEnvChecker<${envName(this.env)}>`;
  }
}

function fail(message: string): never {
  throw new RlError(`checkEnv: ${message}`, 'E_CHECK_ENV');
}

function envName(env: object): string {
  return env.toString !== Object.prototype.toString ? String(env) : env.constructor.name;
}

function checkSpaces(env: Env<unknown, unknown>, name: string): void {
  checkSpace(env.observationSpace, `${name}: observationSpace`);
  checkSpace(env.actionSpace, `${name}: actionSpace`);
}

function checkSpace(space: unknown, where: string): void {
  if (space instanceof Discrete) {
    if (!(Number.isInteger(space.n) && space.n >= 1)) fail(`${where} is Discrete(${space.n}): n must be an integer ≥ 1`);
    return;
  }
  if (!(space instanceof Box)) fail(`${where} must be a Box or a Discrete, got ${describeSpace(space)}`);
  const { low, high, shape, size } = space;
  if (!(low instanceof Float32Array && high instanceof Float32Array)) fail(`${where}: bounds must be Float32Arrays`);
  if (low.length !== size || high.length !== size) fail(`${where}: bounds have ${low.length} and ${high.length} values for size ${size}`);
  if (!(Array.isArray(shape) && shape.length > 0 && shape.every((d) => Number.isInteger(d) && d >= 1))) {
    fail(`${where}: shape [${String(shape)}] must be a non-empty list of positive integers`);
  }
  const product = shape.reduce((p, d) => p * d, 1);
  if (product !== size) fail(`${where}: shape [${shape.join(', ')}] holds ${product} values, but the bounds hold ${size}`);
  for (let i = 0; i < size; i++) {
    if (Number.isNaN(low[i]) || Number.isNaN(high[i])) fail(`${where}: bound ${i} is NaN`);
    if (low[i] > high[i]) fail(`${where}: low[${i}] = ${low[i]} > high[${i}] = ${high[i]}`);
  }
}

function describeSpace(space: unknown): string {
  if (space === null || typeof space !== 'object') return String(space);
  const s = space as { toString?: () => string };
  return `${space.constructor.name} ${typeof s.toString === 'function' ? s.toString() : ''}`.trim();
}

/** Resets, checks the result and returns a copy of the observation. */
function checkReset(env: Env<unknown, unknown>, opts: ResetOptions | undefined, where: string): unknown {
  let r: { obs: unknown; info: Info };
  try {
    r = env.reset(opts);
  } catch (e) {
    fail(`${where} threw ${describeError(e)}`);
  }
  checkResetResult(env, r, where);
  return copyObs(r.obs);
}

function checkResetResult(env: Env<unknown, unknown>, r: unknown, where: string): void {
  if (r === null || typeof r !== 'object' || !('obs' in r) || !('info' in r)) fail(`${where} must return { obs, info }`);
  checkObs(env, r.obs, where);
  checkInfo(r.info, where);
}

interface StepCopy {
  obs: unknown;
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** Steps, checks the result and returns a copy of it. */
function checkStep(env: Env<unknown, unknown>, action: unknown, where: string): StepCopy {
  let r: StepResult<unknown>;
  try {
    r = env.step(action);
  } catch (e) {
    fail(`${where} threw ${describeError(e)}`);
  }
  checkStepResult(env, r, where);
  return { obs: copyObs(r.obs), reward: r.reward, terminated: r.terminated, truncated: r.truncated };
}

function checkStepResult(env: Env<unknown, unknown>, r: StepResult<unknown>, where: string): void {
  if (r === null || typeof r !== 'object') fail(`${where} must return { obs, reward, terminated, truncated, info }`);
  checkObs(env, r.obs, where);
  if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) fail(`${where}: reward ${formatValue(r.reward)} is not a finite number`);
  if (typeof r.terminated !== 'boolean') fail(`${where}: terminated is ${formatValue(r.terminated)}, not a boolean`);
  if (typeof r.truncated !== 'boolean') fail(`${where}: truncated is ${formatValue(r.truncated)}, not a boolean`);
  checkInfo(r.info, where);
}

function checkObs(env: Env<unknown, unknown>, obs: unknown, where: string): void {
  if (obs instanceof Float32Array) {
    const nan = obs.findIndex((v) => Number.isNaN(v));
    if (nan >= 0) fail(`${where}: observation[${nan}] is NaN`);
  }
  const space = env.observationSpace;
  if (!space.contains(obs)) fail(`${where}: observation ${formatValue(obs)} is not in ${space.toString()}${outsideDetail(space, obs)}`);
}

function outsideDetail(space: Space<unknown>, obs: unknown): string {
  if (!(space instanceof Box && obs instanceof Float32Array)) return '';
  if (obs.length !== space.size) return ` (length ${obs.length}, expected ${space.size})`;
  for (let i = 0; i < obs.length; i++) {
    if (!(obs[i] >= space.low[i] && obs[i] <= space.high[i])) return ` (index ${i}: ${obs[i]} outside [${space.low[i]}, ${space.high[i]}])`;
  }
  return '';
}

function checkInfo(info: unknown, where: string): void {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`${where}: info must be a plain object, got ${formatValue(info)}`);
}

function expectResetNeeded(call: () => unknown, what: string): void {
  try {
    call();
  } catch (e) {
    if (e instanceof ResetNeededError) return;
    fail(`${what} must throw ResetNeededError, but threw ${describeError(e)}`);
  }
  fail(`${what} must throw ResetNeededError, but returned normally (apply OrderEnforcing or check in step())`);
}

function copyObs(obs: unknown): unknown {
  return ArrayBuffer.isView(obs) && !(obs instanceof DataView) ? (obs as Float32Array).slice() : obs;
}

function compareObs(a: unknown, b: unknown, message: string): void {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length) fail(`${message}: ${a.byteLength} vs ${b.byteLength} bytes`);
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) {
        const k = Math.floor(i / ((a as Float32Array).BYTES_PER_ELEMENT ?? 1));
        fail(`${message} (first difference at index ${k}: ${formatValue((a as Float32Array)[k])} vs ${formatValue((b as Float32Array)[k])})`);
      }
    }
    return;
  }
  if (!Object.is(a, b)) fail(`${message}: ${formatValue(a)} vs ${formatValue(b)}`);
}

function formatValue(v: unknown): string {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = Array.from(v as Float32Array);
    const head = arr.slice(0, 8).join(', ');
    return `${v.constructor.name}[${head}${arr.length > 8 ? `, … (${arr.length})` : ''}]`;
  }
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function describeError(e: unknown): string {
  if (e instanceof RlError) return `${e.name} (${e.code}): ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
