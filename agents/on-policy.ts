/**
 * The on-policy actor-critic template: everything PPO (agents/ppo.ts) shares with any algorithm that
 * collects full rollouts, computes GAE(λ) advantages and updates a policy and a value network on them
 * (A2C, PPO variants). A subclass supplies its config schema (extending {@link onPolicyConfigShape}) and
 * one method, {@link OnPolicyAgent.update}; the template does the rest, in reading order:
 * networks → acting → rollout collection (truncation bootstrap, normalisation) → GAE → update →
 * checkpoints and exact resume.
 *
 * - Discrete actions: categorical over logits. Box actions: diagonal Gaussian with a state-independent
 *   log-std; the env receives the sample clipped to the bounds (SB3) or tanh-squashed (`squash`).
 * - Networks are typed-array MLPs (src/nn/dense-mlp.ts), separate for policy and value, sharing one
 *   parameter set and one Adam; subclasses write their loss gradients by hand (see PPO's minibatchLoss).
 * - Optional SB3 `VecNormalize`-style observation and reward normalisation; the running statistics are part
 *   of the agent (used by `act`, saved in checkpoints).
 *
 * Budget: `learn(env, { steps })` runs ⌈steps / (nSteps · numEnvs)⌉ *full* rollouts, so it may take up to
 * one rollout more than `steps` env steps; it never trains on a partial rollout. A checkpoint written from
 * `onRolloutEnd` (`agent.save(dir)`) resumes exactly: see {@link Agent}.
 */
import { z } from 'zod';
import { DataError, RlError } from '../src/core/errors.js';
import type { VectorEnv, VectorStep } from '../src/core/env.js';
import { Rng } from '../src/core/rng.js';
import { Box } from '../src/core/spaces.js';
import { Adam } from '../src/nn/adam.js';
import { DenseMlp, ParamSet } from '../src/nn/dense-mlp.js';
import { ActionLog, replayActions } from './action-log.js';
import type { Agent, AgentContext, TrainHooks, TrainSummary } from './agent.js';
import { RolloutBuffer } from './buffers.js';
import { checkpointArray, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { distributionFor, type ActionDistribution } from './distributions.js';
import { EpisodeStats } from './episode-stats.js';
import { RunningMeanStd } from './running-stats.js';

const layers = z.array(z.number().int().positive()).min(1);
export const schedule = z.enum(['constant', 'linear']);

/** Config keys every on-policy agent has (SB3 defaults); spread into a subclass's `z.strictObject`. */
export const onPolicyConfigShape = {
  nSteps: z.number().int().positive().default(2048).describe('env steps per sub-env per rollout; a rollout holds nSteps × numEnvs transitions'),
  gamma: z.number().min(0).max(1).default(0.99).describe('discount factor per env step'),
  gaeLambda: z.number().min(0).max(1).default(0.95).describe('GAE λ: 0 = one-step TD, 1 = Monte Carlo'),
  entCoef: z.number().min(0).default(0).describe('entropy bonus coefficient in the loss'),
  vfCoef: z.number().min(0).default(0.5).describe('value-loss coefficient in the loss'),
  maxGradNorm: z.number().positive().default(0.5).describe('global L2 norm the gradient is clipped to'),
  learningRate: z.number().positive().default(3e-4).describe('Adam step size (at the start, if scheduled)'),
  lrSchedule: schedule.default('constant').describe("'linear' decays the learning rate to 0 over the session (CleanRL's anneal_lr)"),
  adamEpsilon: z.number().positive().default(1e-5).describe('Adam ε (SB3 uses 1e-5)'),
  normalizeObservation: z.boolean().default(false).describe('standardise observations with running statistics (SB3 VecNormalize)'),
  normalizeReward: z.boolean().default(false).describe('scale rewards by the running std of the discounted return (SB3 VecNormalize)'),
  clipObservation: z.number().positive().default(10).describe('bound of normalised observations'),
  clipReward: z.number().positive().default(10).describe('bound of normalised rewards'),
  netArch: z
    .strictObject({ pi: layers.describe('policy hidden widths'), vf: layers.describe('value hidden widths') })
    .default(() => ({ pi: [64, 64], vf: [64, 64] }))
    .describe('separate policy and value MLPs (SB3 net_arch=dict(pi=[64, 64], vf=[64, 64]))'),
  activation: z.enum(['tanh', 'relu']).default('tanh').describe('hidden-layer activation'),
  logStdInit: z.number().default(0).describe('initial log-std of the Gaussian policy (Box actions)'),
  squash: z.enum(['clip', 'tanh']).default('clip').describe('Box actions: clip the Gaussian sample to the bounds (SB3) or map it through tanh'),
};
export type OnPolicyConfig = z.infer<z.ZodObject<typeof onPolicyConfigShape>>;

/** Progress of the current training session; checkpointed so `learn` can resume it exactly. */
interface Session {
  readonly budget: number;
  readonly numEnvs: number;
  readonly numIterations: number;
  iteration: number;
  globalStep: number;
  updates: number;
  readonly log: ActionLog;
  /** Per-env discounted return, for reward normalisation. */
  readonly returns: Float64Array;
  /** Set by load(): the env must first be replayed to this observation. */
  resumeObs?: Float32Array;
}

export abstract class OnPolicyAgent<C extends OnPolicyConfig> implements Agent {
  abstract readonly id: string;
  /** Checkpoint format version of the subclass. */
  protected abstract readonly version: number;
  readonly obsDim: number;
  readonly dist: ActionDistribution;
  /** Policy net, value net and the distribution's extra parameters, in one flat block. */
  readonly params: ParamSet;
  readonly pi: DenseMlp;
  readonly vf: DenseMlp;
  protected readonly extraOffset: number;
  readonly optimizer: Adam;
  readonly obsRms: RunningMeanStd;
  readonly retRms = new RunningMeanStd(1);
  /** Named random streams (`rollout`, and whatever the subclass asks for), advanced across sessions, checkpointed. */
  private readonly streams = new Map<string, Rng>();
  private session: Session | undefined;

  /** @throws RlError (E_SPACE) unless the observation space is a Box and the action space Discrete or Box. */
  constructor(
    readonly config: C,
    readonly ctx: AgentContext,
  ) {
    if (!(ctx.observationSpace instanceof Box)) throw new RlError(`on-policy agents need a Box observation space, got ${ctx.observationSpace}`, 'E_SPACE');
    this.obsDim = ctx.observationSpace.size;
    this.dist = distributionFor(ctx.actionSpace, config.squash, config.logStdInit);
    const piSizes = [this.obsDim, ...config.netArch.pi, this.dist.outputSize];
    const vfSizes = [this.obsDim, ...config.netArch.vf, 1];
    const nPi = DenseMlp.paramCount(piSizes);
    const nVf = DenseMlp.paramCount(vfSizes);
    this.params = new ParamSet(nPi + nVf + this.dist.extraSize);
    this.pi = new DenseMlp(piSizes, config.activation, this.params, 0);
    this.vf = new DenseMlp(vfSizes, config.activation, this.params, nPi);
    this.extraOffset = nPi + nVf;
    // SB3's orthogonal gains: √2 hidden, 0.01 policy head, 1 value head; each net from its own stream.
    const init = ctx.rng.fork('init');
    this.pi.initOrthogonal(Math.SQRT2, 0.01, init.fork('pi'));
    this.vf.initOrthogonal(Math.SQRT2, 1, init.fork('vf'));
    this.dist.initExtra(this.extra);
    this.optimizer = new Adam(this.params, { learningRate: config.learningRate, epsilon: config.adamEpsilon });
    this.obsRms = new RunningMeanStd(this.obsDim);
  }

  /**
   * The stream `name`, forked from the agent's context rng on first use (a fork by name: asking for a new
   * stream never shifts another's draws).
   */
  protected stream(name: string): Rng {
    let r = this.streams.get(name);
    if (r === undefined) this.streams.set(name, (r = this.ctx.rng.fork(name)));
    return r;
  }

  /**
   * Updates the networks on a full rollout whose advantages and returns are computed. `remaining` is the
   * fraction of the session left (1 at the first update, for schedules). Returns metrics (CleanRL keys).
   */
  protected abstract update(buffer: RolloutBuffer, remaining: number): Record<string, number>;

  protected get extra(): Float64Array {
    return this.params.params.subarray(this.extraOffset);
  }

  // ─── Acting ─────────────────────────────────────────────────────────────────────────────────────────
  /**
   * Actions for a batch `[n × obsDim]` of raw observations (normalised with the frozen running statistics
   * when `normalizeObservation` is on): sampled with `rng`, or the mode when deterministic. Discrete spaces
   * get an Int32Array of n indices, Box spaces a Float32Array `[n × actionDim]` of env actions.
   */
  act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array | Float32Array {
    const n = this.rows(obs);
    const out = this.pi.forward(this.normalizeObs(obs, n, new Float32Array(obs.length)), n);
    const actions = new Float32Array(n * this.dist.actionSize);
    if (opts.deterministic) this.dist.mode(out, this.extra, n, actions);
    else this.dist.sample(out, this.extra, n, opts.rng, actions, new Float32Array(n));
    const env = this.dist.kind === 'categorical' ? new Int32Array(n) : new Float32Array(n * this.dist.actionSize);
    for (let r = 0; r < n; r++) this.dist.toEnv(actions, r, env, r * this.dist.actionSize);
    return env;
  }

  protected normalizeObs(raw: Float32Array, rows: number, out: Float32Array): Float32Array {
    if (!this.config.normalizeObservation) {
      out.set(raw.subarray(0, rows * this.obsDim));
      return out;
    }
    return this.obsRms.normalize(raw, rows, out, this.config.clipObservation);
  }

  // ─── Learning: rollouts, then updates ───────────────────────────────────────────────────────────────
  /**
   * Trains on `env` for ⌈steps / (nSteps · numEnvs)⌉ full rollouts, each followed by {@link update}. Starts with an unseeded `env.reset()`
   * (seed the env beforehand for reproducibility). Calls `hooks.onStep` after every vector step and
   * `hooks.onRolloutEnd` after every update with CleanRL's metric keys; `'stop'` ends the session (a
   * checkpoint saved before it resumes it). `charts/episodic_*` average the episodes completed during the
   * rollout (raw env rewards; absent when none did); `losses/*` average the update's minibatches.
   * @throws RlError (E_SPACE) when the env's spaces differ from the agent's; (E_RESUME) when a resumed
   * session's budget or env does not match the checkpoint.
   */
  async learn(env: VectorEnv, budget: { steps: number }, hooks: TrainHooks = {}): Promise<TrainSummary> {
    const cfg = this.config;
    const nEnvs = env.numEnvs;
    const D = this.dist.actionSize;
    this.checkEnv(env);
    const session = this.startSession(env, budget.steps);
    const stats = new EpisodeStats(nEnvs);
    const buffer = new RolloutBuffer(cfg.nSteps, nEnvs, this.obsDim, D);
    const raw = new Float32Array(env.reset());
    const obs = new Float32Array(raw.length); // what the networks see
    const envActions = this.dist.kind === 'categorical' ? new Int32Array(nEnvs) : new Float32Array(nEnvs * D);
    if (session.resumeObs !== undefined) {
      // Resume: bring the env to the checkpointed state by replaying the session's actions.
      replayActions(env, session.log, raw, (res) => stats.record(res));
      stats.drain();
      if (!equalArrays(raw, session.resumeObs)) {
        throw new RlError('the env does not replay to the checkpointed state: resume with the same env, data and seed', 'E_RESUME');
      }
      session.resumeObs = undefined;
    } else if (cfg.normalizeObservation) {
      this.obsRms.update(raw, nEnvs); // VecNormalize updates its statistics on reset too
    }
    this.normalizeObs(raw, nEnvs, obs);
    const actions = new Float32Array(nEnvs * D);
    const [logProbs, values, finalValues, rewards] = [new Float32Array(nEnvs), new Float32Array(nEnvs), new Float32Array(nEnvs), new Float64Array(nEnvs)];
    let stopped = false;
    while (session.iteration < session.numIterations && !stopped) {
      // ALGO LOGIC: schedules (CleanRL: the full value in the first iteration, → 0 linearly)
      const remaining = 1 - session.iteration / session.numIterations;
      const lr = cfg.lrSchedule === 'linear' ? remaining * cfg.learningRate : cfg.learningRate;
      this.optimizer.learningRate = lr;
      buffer.reset();
      for (let t = 0; t < cfg.nSteps; t++) {
        // ALGO LOGIC: action logic — one forward of each network for the whole [numEnvs × obsDim] batch
        const out = this.pi.forward(obs, nEnvs);
        this.dist.sample(out, this.extra, nEnvs, this.stream('rollout'), actions, logProbs);
        values.set(this.vf.forward(obs, nEnvs));
        for (let i = 0; i < nEnvs; i++) this.dist.toEnv(actions, i, envActions, i * D);
        session.log.append(envActions);
        const res = env.step(envActions);
        stats.record(res);
        this.processRewards(res, session, rewards);
        if (cfg.normalizeObservation) this.obsRms.update(res.obs, nEnvs);
        // ALGO LOGIC: truncation bootstrap — V(final obs) of truncated, not terminated, sub-envs
        this.finalValuesOf(res, finalValues);
        buffer.add({ obs, actions, values, logProbs, rewards, terminated: res.terminated, truncated: res.truncated, finalValues });
        raw.set(res.obs);
        this.normalizeObs(raw, nEnvs, obs);
        session.globalStep += nEnvs;
        if ((await hooks.onStep?.({ step: session.globalStep, numEnvs: nEnvs })) === 'stop') stopped = true;
        if (stopped) break;
      }
      if (stopped && !buffer.full) break; // a partial rollout is never trained on
      // ALGO LOGIC: bootstrap the unfinished episodes from V(s_T), then GAE
      buffer.computeAdvantages(this.vf.forward(obs, nEnvs), cfg.gamma, cfg.gaeLambda);
      const losses = this.update(buffer, remaining);
      const ev = explainedVariance(buffer.values, buffer.returns);
      if (Number.isFinite(ev)) losses['losses/explained_variance'] = ev;
      if (this.dist.kind === 'gaussian') losses['charts/std'] = Math.exp(this.extra[0]);
      session.iteration++;
      session.updates++;
      const metrics = { ...stats.drain(), ...losses, 'charts/learning_rate': lr };
      this.pendingObs = raw; // what save() records as the state to replay to
      if ((await hooks.onRolloutEnd?.({ step: session.globalStep, metrics })) === 'stop') stopped = true;
      this.pendingObs = undefined;
    }
    if (!stopped || session.iteration >= session.numIterations) this.session = undefined;
    return { steps: session.globalStep, updates: session.updates, episodes: stats.episodes, meanEpisodeReturn: stats.meanRecentReturn };
  }

  /** The raw observation at the last completed update, while a hook runs (a resumable point). */
  protected pendingObs: Float32Array | undefined;

  private checkEnv(env: VectorEnv): void {
    const a = env.singleActionSpace;
    const sameAction = this.dist.kind === 'categorical' ? !(a instanceof Box) && String(a) === String(this.ctx.actionSpace) : a instanceof Box && a.size === this.dist.actionSize;
    if (env.obsDim !== this.obsDim || !sameAction) {
      throw new RlError(`env (obs ${env.obsDim}, actions ${a}) does not match ${this.id} (obs ${this.obsDim}, actions ${this.ctx.actionSpace})`, 'E_SPACE');
    }
  }

  /** A new session, or the restored one when it matches. */
  private startSession(env: VectorEnv, steps: number): Session {
    const s = this.session;
    if (s !== undefined && s.resumeObs !== undefined) {
      if (s.budget !== steps || s.numEnvs !== env.numEnvs) {
        throw new RlError(`the checkpoint resumes a session of ${s.budget} steps on ${s.numEnvs} envs, not ${steps} on ${env.numEnvs}`, 'E_RESUME');
      }
      return s;
    }
    const nEnvs = env.numEnvs;
    this.session = {
      budget: steps,
      numEnvs: nEnvs,
      numIterations: Math.ceil(Math.max(0, steps) / (this.config.nSteps * nEnvs)),
      iteration: 0,
      globalStep: 0,
      updates: 0,
      log: new ActionLog(this.dist.kind === 'categorical' ? 'int32' : 'float32', nEnvs * this.dist.actionSize),
      returns: new Float64Array(nEnvs),
    };
    return this.session;
  }

  /** Copies the step's rewards, scaled by the running std of the discounted return when normalising (SB3). */
  private processRewards(res: VectorStep, session: Session, out: Float64Array): void {
    const cfg = this.config;
    out.set(res.rewards);
    if (!cfg.normalizeReward) return;
    const n = out.length;
    for (let i = 0; i < n; i++) session.returns[i] = session.returns[i] * cfg.gamma + res.rewards[i];
    this.retRms.update(session.returns, n);
    const sd = Math.sqrt(this.retRms.var[0] + 1e-8);
    for (let i = 0; i < n; i++) {
      const r = res.rewards[i] / sd;
      out[i] = r > cfg.clipReward ? cfg.clipReward : r < -cfg.clipReward ? -cfg.clipReward : r;
      if (res.terminated[i] !== 0 || res.truncated[i] !== 0) session.returns[i] = 0;
    }
  }

  /** Fills `out[i]` with V(final obs) for each truncated, not terminated sub-env (one batched forward), else 0. */
  private finalValuesOf(res: VectorStep, out: Float32Array): void {
    out.fill(0);
    if (res.final.length === 0) {
      for (let i = 0; i < out.length; i++) {
        if (res.truncated[i] !== 0 && res.terminated[i] === 0) throw new RlError('VectorStep.final lacks the final observation of a truncated sub-env', 'E_VECTOR_STEP');
      }
      return; // the common step: no episode ended, nothing to allocate
    }
    const cut = res.final.filter((f) => res.truncated[f.index] !== 0 && res.terminated[f.index] === 0);
    let expected = 0;
    for (let i = 0; i < out.length; i++) expected += res.truncated[i] !== 0 && res.terminated[i] === 0 ? 1 : 0;
    if (cut.length !== expected) throw new RlError('VectorStep.final lacks the final observation of a truncated sub-env', 'E_VECTOR_STEP');
    if (cut.length === 0) return;
    const finalObs = new Float32Array(cut.length * this.obsDim);
    cut.forEach((f, k) => finalObs.set(f.obs, k * this.obsDim));
    const v = this.vf.forward(this.normalizeObs(finalObs, cut.length, new Float32Array(finalObs.length)), cut.length);
    cut.forEach((f, k) => (out[f.index] = v[k]));
  }

  // ─── Checkpoints ────────────────────────────────────────────────────────────────────────────────────
  /**
   * Writes a checkpoint: config, parameters, Adam's moments, normaliser statistics and RNG states; and,
   * when called from `onRolloutEnd` during `learn` (an update boundary) or on an agent loaded mid-session,
   * the session (progress, action log, current observation), so the spec's `load` + `learn` continues
   * it exactly. Saved from `onStep` (mid-rollout), the checkpoint holds the policy but no session.
   */
  async save(dir: string): Promise<void> {
    const s = this.session;
    // Resumable at an update boundary inside learn, or straight after load (the restored session).
    const sessionObs = this.pendingObs ?? s?.resumeObs;
    const resumable = s !== undefined && sessionObs !== undefined;
    const opt = this.optimizer.state();
    const arrays: Record<string, Float64Array | Float32Array | Int32Array> = {
      params: this.params.params,
      'adam/m': opt.m,
      'adam/v': opt.v,
      obsRms: this.obsRms.pack(),
      retRms: this.retRms.pack(),
    };
    if (resumable) {
      arrays['session/actions'] = s.log.toArray();
      arrays['session/returns'] = s.returns;
      arrays['session/obs'] = sessionObs!;
    }
    const state = {
      adamStep: opt.step,
      rng: Object.fromEntries([...this.streams].map(([name, r]) => [name, r.state()])),
      session: resumable ? { budget: s.budget, numEnvs: s.numEnvs, numIterations: s.numIterations, iteration: s.iteration, globalStep: s.globalStep, updates: s.updates } : null,
    };
    await writeCheckpoint(dir, { id: this.id, version: this.version, config: this.config, state, arrays });
  }

  /** Restores what {@link save} wrote. @throws DataError naming the file and array on a mismatch. */
  async restore(dir: string): Promise<void> {
    const c = await readCheckpoint(dir);
    const f64 = (name: string, n: number) => checkpointArray(dir, c, name, Float64Array, n);
    const state = checkpointStateSchema.safeParse(c.state);
    if (!state.success) throw new DataError(`${dir}/agent.json`, undefined, 'state', z.prettifyError(state.error));
    this.params.params.set(f64('params', this.params.size));
    this.optimizer.restore({ step: state.data.adamStep, m: f64('adam/m', this.params.size), v: f64('adam/v', this.params.size) });
    this.obsRms.unpack(f64('obsRms', 1 + 2 * this.obsDim));
    this.retRms.unpack(f64('retRms', 3));
    for (const [name, st] of Object.entries(state.data.rng)) this.streams.set(name, Rng.fromState(st));
    const s = state.data.session;
    if (s === null) {
      this.session = undefined;
      return;
    }
    const kind = this.dist.kind === 'categorical' ? 'int32' : 'float32';
    const width = s.numEnvs * this.dist.actionSize;
    const actions = c.arrays['session/actions'];
    if (!(actions instanceof Int32Array || actions instanceof Float32Array)) throw new DataError(`${dir}/arrays.bin`, undefined, 'session/actions', 'missing');
    this.session = {
      ...s,
      log: new ActionLog(kind, width, actions),
      returns: f64('session/returns', s.numEnvs).slice(),
      resumeObs: checkpointArray(dir, c, 'session/obs', Float32Array, s.numEnvs * this.obsDim),
    };
  }

  protected rows(obs: Float32Array): number {
    if (obs.length % this.obsDim !== 0) throw new RlError(`obs length ${obs.length} is not a multiple of obsDim ${this.obsDim}`, 'E_SHAPE');
    return obs.length / this.obsDim;
  }

  dispose(): void {}
}

const rngStateSchema = z.object({ algorithm: z.literal('xoshiro128**'), key: z.string(), s: z.tuple([z.number(), z.number(), z.number(), z.number()]) });
const checkpointStateSchema = z.object({
  adamStep: z.number().int().nonnegative(),
  rng: z.record(z.string(), rngStateSchema),
  session: z
    .object({ budget: z.number(), numEnvs: z.number().int().positive(), numIterations: z.number().int(), iteration: z.number().int(), globalStep: z.number().int(), updates: z.number().int() })
    .nullable(),
});


/**
 * Restores an on-policy agent of kind `id` written by `save`: validates the checkpoint's id, version and
 * config, builds the agent and restores its state.
 * @throws DataError naming the file and field on any mismatch.
 */
export async function loadOnPolicy<C extends OnPolicyConfig, A extends OnPolicyAgent<C>>(
  dir: string,
  ctx: AgentContext,
  kind: { id: string; version: number; schema: z.ZodType<C>; create: (config: C, ctx: AgentContext) => A },
): Promise<A> {
  const c = await readCheckpoint(dir);
  if (c.id !== kind.id || c.version !== kind.version) throw new DataError(`${dir}/agent.json`, undefined, 'id', `not a ${kind.id} v${kind.version} checkpoint (found ${c.id} v${c.version})`);
  const config = kind.schema.safeParse(c.config);
  if (!config.success) throw new DataError(`${dir}/agent.json`, undefined, 'config', z.prettifyError(config.error));
  const agent = kind.create(config.data, ctx);
  await agent.restore(dir);
  return agent;
}

/** 1 − Var(returns − values) / Var(returns): how much of the return variance the critic explains. */
function explainedVariance(values: ArrayLike<number>, returns: ArrayLike<number>): number {
  const n = returns.length;
  let [mr, md] = [0, 0];
  for (let k = 0; k < n; k++) [mr, md] = [mr + returns[k] / n, md + (returns[k] - values[k]) / n];
  let [vr, vd] = [0, 0];
  for (let k = 0; k < n; k++) [vr, vd] = [vr + (returns[k] - mr) ** 2, vd + (returns[k] - values[k] - md) ** 2];
  return vr === 0 ? NaN : 1 - vd / vr;
}

function equalArrays(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
