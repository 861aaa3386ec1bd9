/**
 * Deep Q-Network (Mnih et al. 2015) for discrete actions, in one file and in reading order, after CleanRL's
 * `dqn.py` with stable-baselines3's defaults and step counting: config → Q-networks → acting (ε-greedy) →
 * the TD loss and its hand-written gradient → the learning loop → checkpoints and resume.
 *
 * Counting, as SB3 2.x with `n_envs` = numEnvs: a *vector step* is one `env.step()` of numEnvs transitions.
 * Actions are uniform while fewer than `learningStarts` env steps are done; ε decays linearly from
 * `explorationInitialEps` to `explorationFinalEps` over the first `explorationFraction` of the session's env
 * steps; after every `trainFreq` vector steps (once more than `learningStarts` env steps are done) the agent
 * takes `gradientSteps` gradient steps; the target network is updated every max(⌊targetUpdateInterval /
 * numEnvs⌋, 1) vector steps, counted over the agent's life (SB3's `_n_calls`).
 *
 * Deliberate differences from SB3: ε is drawn per sub-env (SB3 draws one coin for the whole batch); a session
 * runs exactly ⌈steps / numEnvs⌉ vector steps (SB3 completes its last `train_freq` chunk); n-step returns are
 * folded as transitions arrive (see replay-buffer.ts); the arithmetic is float64.
 *
 * Sessions: `learn(env, { steps })` is one training session. Networks, Adam, the rng streams and the
 * target-update counter persist across sessions; the replay buffer, episode statistics and the action log
 * belong to the session. A session cut short (a hook returned 'stop', or the process ended after `save`)
 * continues on the next `learn` with the same budget: in place when given the same env object, otherwise by
 * resetting the (freshly created, identically seeded) env and replaying the session's action log through
 * it, which rebuilds the buffer and statistics without touching networks, optimizer or rngs. Either way the
 * session ends byte-identical to an uninterrupted one. `endSession()` abandons an unfinished session.
 *
 * Known answer (dqn.test.ts): cartpole-v1 via makeEnv (TimeLimit 500), `dqnPresets.cartpole`, one env,
 * agent seed 0, env seed 0, 50,000 env steps (24,576 gradient steps) → mean return over 20 deterministic
 * episodes on an eval env seeded 1000 must be ≥ 195 (it is 487.15). DQN on CartPole is seed-sensitive: agent
 * seeds 1, 2, 3 give 101.15, 160.25, 475.95 with the same budget, so the test pins seed 0.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, DataError, RlError } from '../src/core/errors.js';
import type { VectorEnv, VectorStep } from '../src/core/env.js';
import { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import { Adam } from '../src/nn/adam.js';
import { DenseMlp, ParamSet } from '../src/nn/dense-mlp.js';
import { ActionLog, replayActions } from './action-log.js';
import { defineAgent, type Agent, type AgentContext, type TrainHooks, type TrainSummary } from './agent.js';
import { checkpointArray, readCheckpoint, writeCheckpoint, type CheckpointArray } from './checkpoint.js';
import { EpisodeStats } from './episode-stats.js';
import { createReplayBatch, ReplayBuffer, type ReplayBatch } from './replay-buffer.js';

// ─── Config: the single source of truth (SB3 DQN defaults) ──────────────────────────────────────────────
export const dqnConfigSchema = z.strictObject({
  learningRate: z.number().positive().default(1e-4).describe('Adam step size'),
  bufferSize: z.number().int().positive().default(1_000_000).describe('replay capacity in transitions; storage grows as needed, to at most min(bufferSize, session budget)'),
  learningStarts: z.number().int().nonnegative().default(100).describe('env steps of uniform-random actions before learning starts'),
  batchSize: z.number().int().positive().default(32).describe('transitions per gradient step'),
  tau: z.number().gt(0).max(1).default(1).describe('target update coefficient: 1 = hard copy, < 1 = Polyak averaging θ⁻ ← τθ + (1 − τ)θ⁻'),
  gamma: z.number().min(0).max(1).default(0.99).describe('discount factor per env step'),
  trainFreq: z.number().int().positive().default(4).describe('vector steps between updates (SB3 counts env.step() calls: one update per trainFreq × numEnvs transitions)'),
  gradientSteps: z.number().int().positive().default(1).describe('gradient steps per update'),
  targetUpdateInterval: z.number().int().positive().default(10_000).describe('env steps between target updates; with numEnvs envs, every max(⌊interval / numEnvs⌋, 1) vector steps as SB3'),
  explorationFraction: z.number().min(0).max(1).default(0.1).describe('fraction of the session budget over which ε decays linearly'),
  explorationInitialEps: z.number().min(0).max(1).default(1).describe('ε at the start of a session'),
  explorationFinalEps: z.number().min(0).max(1).default(0.05).describe('ε after the decay'),
  maxGradNorm: z.number().positive().default(10).describe('global L2 norm the gradient is clipped to'),
  netArch: z.array(z.number().int().positive()).min(1).default(() => [64, 64]).describe('hidden widths of the Q-network (SB3 net_arch)'),
  activation: z.enum(['relu', 'tanh']).default('relu').describe('hidden-layer activation (SB3 DQN: ReLU)'),
  adamEpsilon: z.number().positive().default(1e-8).describe('Adam ε (torch default, which SB3 DQN keeps)'),
  doubleQ: z.boolean().default(false).describe('double DQN: the online network picks the next action, the target network values it'),
  nStep: z.number().int().positive().default(1).describe('env steps per TD return (1 = one-step TD, as SB3 by default)'),
  loss: z.enum(['huber', 'mse']).default('huber').describe('TD loss: huber = smooth L1 with β = 1 (SB3), mse = squared error'),
  logInterval: z.number().int().positive().default(1000).describe('env steps between onRolloutEnd calls (and at the end of a session)'),
});
export type DqnConfig = z.infer<typeof dqnConfigSchema>;

/**
 * Named, fully resolved configurations.
 * - `sb3`: stable-baselines3 DQN's defaults (identical to `dqnConfigSchema.parse({})`).
 * - `cartpole`: rl-baselines3-zoo's CartPole-v1 hyperparameters (lr 2.3e-3, batch 64, buffer 100k, learning
 *   starts 1000, target update every 10 steps, 128 gradient steps every 256 steps, ε → 0.04 over the first
 *   16 %) with SB3's 64-64 network instead of the zoo's 256-256, to keep the known-answer test fast. The zoo
 *   trains it for 50,000 steps.
 *
 * @example
 * const agent = dqnSpec.create(dqnPresets.cartpole, { observationSpace, actionSpace, rng: Rng.fromSeed(0) });
 */
export const dqnPresets = {
  sb3: dqnConfigSchema.parse({}),
  cartpole: dqnConfigSchema.parse({ learningRate: 2.3e-3, batchSize: 64, bufferSize: 100_000, learningStarts: 1000, gamma: 0.99, targetUpdateInterval: 10, trainFreq: 256, gradientSteps: 128, explorationFraction: 0.16, explorationFinalEps: 0.04 }),
} as const satisfies Record<string, DqnConfig>;

const DQN_VERSION = 1;

/** The state of one training session (see the file header). */
interface Session {
  readonly budget: number;
  readonly numEnvs: number;
  readonly vecTotal: number;
  vecDone: number;
  updates: number;
  readonly log: ActionLog;
  /** The current observation batch (a copy). */
  readonly obs: Float32Array;
  /** Sum of TD losses and of mean Q(s, a), and their count, since the last onRolloutEnd. */
  readonly sums: Float64Array;
  lossCount: number;
  /** The env, buffer and statistics the session runs on; unset after a load until the replay rebuilds them. */
  env?: VectorEnv;
  buffer?: ReplayBuffer;
  stats?: EpisodeStats;
}

export class DqnAgent implements Agent {
  readonly id = 'dqn';
  readonly obsDim: number;
  readonly nActions: number;
  /** Online and target Q-networks, in separate parameter sets (only the online one has an optimizer). */
  readonly qNet: DenseMlp;
  readonly targetNet: DenseMlp;
  readonly optimizer: Adam;
  /** ε used by `act(…, { deterministic: false })`: the schedule's latest value. */
  explorationRate: number;
  /** Vector steps over the agent's life (SB3 `_n_calls`), and gradient steps. */
  private nCalls = 0;
  private nUpdates = 0;
  private exploreRng: Rng;
  private replayRng: Rng;
  private session: Session | undefined;
  private readonly td: TdLoss;
  private readonly batch: ReplayBatch;

  /** @throws RlError (E_SPACE) unless the observations are a Box and the actions Discrete. */
  constructor(
    readonly config: DqnConfig,
    ctx: AgentContext,
  ) {
    if (!(ctx.observationSpace instanceof Box)) throw new RlError(`dqn needs a Box observation space, got ${ctx.observationSpace}`, 'E_SPACE');
    if (!(ctx.actionSpace instanceof Discrete)) throw new RlError(`dqn needs a Discrete action space, got ${ctx.actionSpace}`, 'E_SPACE');
    this.obsDim = ctx.observationSpace.size;
    this.nActions = ctx.actionSpace.n;
    const sizes = [this.obsDim, ...config.netArch, this.nActions];
    this.qNet = new DenseMlp(sizes, config.activation, new ParamSet(DenseMlp.paramCount(sizes)));
    this.targetNet = new DenseMlp(sizes, config.activation, new ParamSet(DenseMlp.paramCount(sizes)));
    // ALGO LOGIC: torch's default nn.Linear init (what SB3's QNetwork gets); the target starts as a copy
    this.qNet.initUniformFanIn(ctx.rng.fork('init'));
    this.targetNet.copyFrom(this.qNet);
    this.optimizer = new Adam(this.qNet.set, { learningRate: config.learningRate, epsilon: config.adamEpsilon });
    this.exploreRng = ctx.rng.fork('explore');
    this.replayRng = ctx.rng.fork('replay');
    this.explorationRate = config.explorationInitialEps;
    this.td = new TdLoss({ loss: config.loss, doubleQ: config.doubleQ });
    this.batch = createReplayBatch(config.batchSize, this.obsDim);
  }

  // ─── Acting ─────────────────────────────────────────────────────────────────────────────────────────
  /** Actions for a batch `[n × obsDim]`: argmax Q when deterministic, else ε-greedy at `explorationRate` with `rng`. */
  act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array {
    if (obs.length % this.obsDim !== 0) throw new RlError(`obs length ${obs.length} is not a multiple of obsDim ${this.obsDim}`, 'E_SHAPE');
    const out = new Int32Array(obs.length / this.obsDim);
    this.selectActions(obs, opts.deterministic ? 0 : this.explorationRate, opts.deterministic ? undefined : opts.rng, out);
    return out;
  }

  /**
   * ε-greedy into `out`: per row one `rng.uniform()`, then `rng.int(nActions)` when it falls below ε. The
   * Q forward runs once, over the whole batch, and only when some row is greedy (rows are independent, so
   * this changes no value). Without an rng every row is greedy.
   */
  private selectActions(obs: Float32Array, eps: number, rng: Rng | undefined, out: Int32Array): void {
    const n = out.length;
    const A = this.nActions;
    let anyGreedy = false;
    for (let i = 0; i < n; i++) {
      if (rng !== undefined && rng.uniform() < eps) {
        out[i] = rng.int(A);
      } else {
        out[i] = -1;
        anyGreedy = true;
      }
    }
    if (!anyGreedy) return;
    const q = this.qNet.forward(obs, n);
    for (let i = 0; i < n; i++) if (out[i] < 0) out[i] = argmax(q, i * A, A);
  }

  /** SB3's linear schedule: ε at `progress` = env steps done / session budget. */
  private epsilonAt(progress: number): number {
    const { explorationInitialEps: e0, explorationFinalEps: e1, explorationFraction: f } = this.config;
    return progress >= f ? e1 : e0 + (progress * (e1 - e0)) / f;
  }

  // ─── Learning ───────────────────────────────────────────────────────────────────────────────────────
  /**
   * One training session of ⌈steps / numEnvs⌉ vector steps (or the rest of an unfinished one; see the file
   * header). A new session starts with an unseeded `env.reset()`: seed the env beforehand. Calls
   * `hooks.onStep` after every vector step and `hooks.onRolloutEnd` every `logInterval` env steps and at the
   * end, with `losses/td_loss` and `losses/q_values` (means over the gradient steps since the last call,
   * absent when there were none), `charts/exploration_rate` and `charts/episodic_return`/`_length` (episodes
   * finished since the last call, raw env rewards). Either hook returning 'stop' ends the call; the session
   * stays resumable. The summary describes the whole session.
   * @throws RlError (E_SPACE) when the env's spaces differ from the agent's; (E_RESUME) when an unfinished
   *   session is continued with another budget or env count, or the replayed env does not reach the saved
   *   observation (another seed or other data).
   */
  async learn(env: VectorEnv, budget: { steps: number }, hooks: TrainHooks = {}): Promise<TrainSummary> {
    const cfg = this.config;
    const A = this.nActions;
    if (env.obsDim !== this.obsDim || !(env.singleActionSpace instanceof Discrete) || env.singleActionSpace.n !== A) {
      throw new RlError(`env (obs ${env.obsDim}, actions ${env.singleActionSpace}) does not match dqn (obs ${this.obsDim}, Discrete(${A}))`, 'E_SPACE');
    }
    const s = this.openSession(env, budget.steps);
    const [buffer, stats, n] = [s.buffer!, s.stats!, s.numEnvs];
    const targetEvery = Math.max(Math.floor(cfg.targetUpdateInterval / n), 1);
    const actions = new Int32Array(n);
    while (s.vecDone < s.vecTotal) {
      // ALGO LOGIC: action logic — uniform before learningStarts, then ε-greedy (one batched Q forward)
      if (s.vecDone * n < cfg.learningStarts) for (let i = 0; i < n; i++) actions[i] = this.exploreRng.int(A);
      else this.selectActions(s.obs, this.explorationRate, this.exploreRng, actions);
      const res = env.step(actions);
      s.log.append(actions);
      s.vecDone++;
      // ALGO LOGIC: store the transitions (truncation bootstraps from the final obs; see replay-buffer.ts)
      buffer.add(s.obs, actions, res);
      stats.record(res);
      s.obs.set(res.obs);
      const step = s.vecDone * n;
      // ALGO LOGIC: target update and ε schedule, after every vector step (SB3 `_on_step`)
      this.nCalls++;
      if (this.nCalls % targetEvery === 0) this.targetNet.copyFrom(this.qNet, cfg.tau);
      this.explorationRate = this.epsilonAt(step / s.budget);
      // ALGO LOGIC: training, every trainFreq vector steps once past learningStarts
      if (s.vecDone % cfg.trainFreq === 0 && step > cfg.learningStarts && buffer.size > 0) {
        for (let g = 0; g < cfg.gradientSteps; g++) this.gradientStep(s, buffer);
      }
      if (this.isLogPoint(s, s.vecDone) && (await hooks.onRolloutEnd?.({ step, metrics: this.drainMetrics(s, stats) })) === 'stop') break;
      if (hooks.onStep !== undefined) {
        const r = hooks.onStep({ step, numEnvs: n });
        if ((r instanceof Promise ? await r : r) === 'stop') break;
      }
    }
    return { steps: s.vecDone * n, updates: s.updates, episodes: stats.episodes, meanEpisodeReturn: stats.meanRecentReturn };
  }

  /** One gradient step on a sampled minibatch: TD loss gradient, clip, Adam. */
  private gradientStep(s: Session, buffer: ReplayBuffer): void {
    buffer.sample(this.replayRng, this.batch);
    const loss = this.td.lossAndGrad(this.qNet, this.targetNet, this.batch);
    this.qNet.set.clipGradNorm(this.config.maxGradNorm);
    this.optimizer.step();
    s.sums[0] += loss;
    s.sums[1] += this.td.meanQ;
    s.lossCount++;
    s.updates++;
    this.nUpdates++;
  }

  /** Whether vector step `vecDone` (1-based) crosses a multiple of logInterval env steps or ends the session. */
  private isLogPoint(s: Session, vecDone: number): boolean {
    const every = this.config.logInterval;
    return vecDone === s.vecTotal || Math.floor((vecDone * s.numEnvs) / every) > Math.floor(((vecDone - 1) * s.numEnvs) / every);
  }

  private drainMetrics(s: Session, stats: EpisodeStats): Record<string, number> {
    const metrics = stats.drain();
    if (s.lossCount > 0) {
      metrics['losses/td_loss'] = s.sums[0] / s.lossCount;
      metrics['losses/q_values'] = s.sums[1] / s.lossCount;
    }
    metrics['charts/exploration_rate'] = this.explorationRate;
    s.sums.fill(0);
    s.lossCount = 0;
    return metrics;
  }

  // ─── Sessions and resume ────────────────────────────────────────────────────────────────────────────
  /** Continues the unfinished session (in place on the same env, by replay on another) or starts a new one. */
  private openSession(env: VectorEnv, steps: number): Session {
    const s = this.session;
    if (s !== undefined && s.vecDone < s.vecTotal) {
      if (steps !== s.budget || env.numEnvs !== s.numEnvs) {
        throw new RlError(`an unfinished dqn session of ${s.budget} steps on ${s.numEnvs} envs cannot continue as ${steps} steps on ${env.numEnvs}; call endSession() to start a new one`, 'E_RESUME');
      }
      if (s.env !== env) this.replaySession(s, env);
      return s;
    }
    const n = env.numEnvs;
    const vecTotal = Math.ceil(Math.max(0, steps) / n);
    const log = new ActionLog('int32', n);
    const fresh: Session = { budget: steps, numEnvs: n, vecTotal, vecDone: 0, updates: 0, log, obs: Float32Array.from(env.reset()), sums: new Float64Array(2), lossCount: 0, env, buffer: this.newBuffer(n, vecTotal), stats: new EpisodeStats(n) };
    this.explorationRate = this.epsilonAt(0);
    return (this.session = fresh);
  }

  private newBuffer(numEnvs: number, vecTotal: number): ReplayBuffer {
    const capacity = Math.max(1, Math.min(this.config.bufferSize, vecTotal * numEnvs));
    return new ReplayBuffer({ capacity, obsDim: this.obsDim, numEnvs, gamma: this.config.gamma, nStep: this.config.nStep });
  }

  /**
   * Resets `env` and replays the session's actions through it, rebuilding the replay buffer and episode
   * statistics (draining them at the same log points), then checks that the env reached the saved observation.
   */
  private replaySession(s: Session, env: VectorEnv): void {
    const buffer = this.newBuffer(s.numEnvs, s.vecTotal);
    const stats = new EpisodeStats(s.numEnvs);
    const obs = Float32Array.from(env.reset());
    let t = 0;
    replayActions(env, s.log, obs, (res: VectorStep, actions, prevObs) => {
      buffer.add(prevObs, actions as Int32Array, res);
      stats.record(res);
      if (this.isLogPoint(s, ++t)) stats.drain();
    });
    if (!bitsEqual(obs, s.obs)) {
      throw new RlError(`resuming dqn: after replaying ${s.vecDone} logged steps the env is not where the session left it; create and seed it exactly as the interrupted run did (same seed, same data)`, 'E_RESUME');
    }
    s.env = env;
    s.buffer = buffer;
    s.stats = stats;
  }

  /** Abandons an unfinished session: the next `learn` starts a new one. */
  endSession(): void {
    this.session = undefined;
  }

  // ─── Checkpoints ────────────────────────────────────────────────────────────────────────────────────
  /** Writes weights, Adam moments, rng streams, counters and (mid-session) the action log and current observation. */
  async save(dir: string): Promise<void> {
    const s = this.session !== undefined && this.session.vecDone < this.session.vecTotal ? this.session : undefined;
    const adam = this.optimizer.state();
    const state: DqnState = {
      obsDim: this.obsDim,
      nActions: this.nActions,
      explorationRate: this.explorationRate,
      nCalls: this.nCalls,
      nUpdates: this.nUpdates,
      adamStep: adam.step,
      rngs: { explore: this.exploreRng.state(), replay: this.replayRng.state() },
      session: s === undefined ? null : { budget: s.budget, numEnvs: s.numEnvs, vecDone: s.vecDone, updates: s.updates, lossCount: s.lossCount },
    };
    const arrays: Record<string, CheckpointArray> = { qNet: this.qNet.set.params, targetNet: this.targetNet.set.params, adamM: adam.m, adamV: adam.v };
    if (s !== undefined) Object.assign(arrays, { actionLog: s.log.toArray(), obs: s.obs, sums: s.sums });
    await writeCheckpoint(dir, { id: this.id, version: DQN_VERSION, config: this.config, state, arrays });
  }

  /** See {@link loadDqn}. */
  static async load(dir: string, ctx: AgentContext): Promise<DqnAgent> {
    const content = await readCheckpoint(dir);
    const metaFile = join(dir, 'agent.json');
    if (content.id !== 'dqn' || content.version !== DQN_VERSION) {
      throw new DataError(metaFile, undefined, 'id', `not a dqn v${DQN_VERSION} checkpoint (found ${content.id} v${content.version})`);
    }
    const config = dqnConfigSchema.safeParse(content.config);
    if (!config.success) throw new ConfigError('config', `${metaFile}: ${z.prettifyError(config.error)}`);
    const parsed = stateSchema.safeParse(content.state);
    if (!parsed.success) throw new DataError(metaFile, undefined, 'state', z.prettifyError(parsed.error));
    const state = parsed.data;
    const agent = new DqnAgent(config.data, ctx);
    if (state.obsDim !== agent.obsDim || state.nActions !== agent.nActions) {
      throw new DataError(metaFile, undefined, 'state.obsDim', `checkpoint is for obs ${state.obsDim} and ${state.nActions} actions; the spaces give ${agent.obsDim} and ${agent.nActions}`);
    }
    const P = agent.qNet.paramCount;
    const f64 = (name: string, length: number) => checkpointArray(dir, content, name, Float64Array, length);
    agent.qNet.set.params.set(f64('qNet', P));
    agent.targetNet.set.params.set(f64('targetNet', P));
    agent.optimizer.restore({ step: state.adamStep, m: f64('adamM', P), v: f64('adamV', P) });
    agent.exploreRng = Rng.fromState(state.rngs.explore);
    agent.replayRng = Rng.fromState(state.rngs.replay);
    [agent.explorationRate, agent.nCalls, agent.nUpdates] = [state.explorationRate, state.nCalls, state.nUpdates];
    const s = state.session;
    if (s === null) return agent;
    const vecTotal = Math.ceil(s.budget / s.numEnvs);
    if (s.vecDone >= vecTotal) throw new DataError(metaFile, undefined, 'state.session.vecDone', `${s.vecDone} of ${vecTotal} vector steps is not an unfinished session`);
    const log = new ActionLog('int32', s.numEnvs, checkpointArray(dir, content, 'actionLog', Int32Array, s.vecDone * s.numEnvs));
    const obs = checkpointArray(dir, content, 'obs', Float32Array, s.numEnvs * agent.obsDim);
    agent.session = { ...s, vecTotal, log, obs, sums: f64('sums', 2) };
    return agent;
  }

  /** Nothing to release: the networks are plain typed arrays. */
  dispose(): void {}
}

// ─── The TD loss and its gradient, by hand ────────────────────────────────────────────────────────────
/**
 * The DQN loss on a minibatch and its gradient with respect to the online network's parameters.
 *
 * Target (no gradient): y = r + γᵏ(1 − done)·Q_target(s′, a*), with a* = argmax_a Q_target(s′, a) (SB3), or
 * argmax_a Q_online(s′, a) for double DQN (van Hasselt et al. 2016). Loss: mean over the batch of
 * smooth-L1(Q(s, a) − y) with β = 1 (torch's `smooth_l1_loss`, SB3's), or of (Q(s, a) − y)². dL/dQ(s, a) is
 * δ/B (|δ| < 1) or sign(δ)/B for Huber and 2δ/B for MSE, zero for the other actions, and flows back through
 * the online network. The online network's last forward is the one on `batch.obs`, as `backward` requires.
 *
 * @example
 * const td = new TdLoss({ loss: 'huber', doubleQ: false });
 * const loss = td.lossAndGrad(qNet, targetNet, batch); // qNet.set.grads = dLoss/dθ
 */
export class TdLoss {
  /** Mean Q(s, a) of the last batch (CleanRL's `losses/q_values`). */
  meanQ = 0;
  private dq = new Float64Array(0);
  private target = new Float64Array(0);
  private nextAction = new Int32Array(0);

  constructor(readonly opts: { readonly loss: 'huber' | 'mse'; readonly doubleQ: boolean }) {}

  /** Returns the mean loss and sets `online.set.grads` to its gradient (zeroed first). */
  lossAndGrad(online: DenseMlp, target: DenseMlp, batch: ReplayBatch): number {
    const [B, A] = [batch.size, online.outputSize];
    if (this.dq.length < B * A) [this.dq, this.target, this.nextAction] = [new Float64Array(B * A), new Float64Array(B), new Int32Array(B)];
    const { dq, target: y, nextAction } = this;
    // ALGO LOGIC: TD target r + γᵏ(1 − done)·Q_target(s′, a*)
    if (this.opts.doubleQ) {
      const qOnline = online.forward(batch.nextObs, B);
      for (let b = 0; b < B; b++) nextAction[b] = argmax(qOnline, b * A, A);
    }
    const qNext = target.forward(batch.nextObs, B);
    for (let b = 0; b < B; b++) {
      const next = qNext[b * A + (this.opts.doubleQ ? nextAction[b] : argmax(qNext, b * A, A))];
      y[b] = batch.rewards[b] + (batch.dones[b] !== 0 ? 0 : batch.discounts[b] * next);
    }
    // ALGO LOGIC: loss on Q(s, a) and dL/dQ, zero for the actions not taken
    const q = online.forward(batch.obs, B);
    dq.fill(0, 0, B * A);
    let [loss, sumQ] = [0, 0];
    for (let b = 0; b < B; b++) {
      const k = b * A + batch.actions[b];
      const delta = q[k] - y[b];
      sumQ += q[k];
      if (this.opts.loss === 'mse') {
        loss += delta * delta;
        dq[k] = (2 * delta) / B;
      } else if (Math.abs(delta) < 1) {
        loss += 0.5 * delta * delta;
        dq[k] = delta / B;
      } else {
        loss += Math.abs(delta) - 0.5;
        dq[k] = Math.sign(delta) / B;
      }
    }
    online.set.zeroGrad();
    online.backward(dq, B);
    this.meanQ = sumQ / B;
    return loss / B;
  }
}

/** Index (within the row) of the first maximum of `q[off … off + n)`. */
function argmax(q: Float64Array, off: number, n: number): number {
  let best = 0;
  for (let a = 1; a < n; a++) if (q[off + a] > q[off + best]) best = a;
  return best;
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const [ua, ub] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  for (let k = 0; k < ua.length; k++) if (ua[k] !== ub[k]) return false;
  return true;
}

// ─── Loading and the registry entry ───────────────────────────────────────────────────────────────────
const rngStateSchema = z.object({ algorithm: z.literal('xoshiro128**'), key: z.string(), s: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]).readonly() });
const count = z.number().int().nonnegative();
const stateSchema = z.object({
  obsDim: count,
  nActions: count,
  explorationRate: z.number().min(0).max(1),
  nCalls: count,
  nUpdates: count,
  adamStep: count,
  rngs: z.object({ explore: rngStateSchema, replay: rngStateSchema }),
  session: z.object({ budget: z.number().int().positive(), numEnvs: z.number().int().positive(), vecDone: count, updates: count, lossCount: count }).nullable(),
});
type DqnState = z.infer<typeof stateSchema>;

/**
 * Restores a DQN agent written by {@link DqnAgent.save}, mid-session state included. `ctx` supplies the
 * spaces (they must match the saved sizes); the saved rng streams replace ctx.rng's.
 *
 * @example
 * const agent = await loadDqn('runs/abc/checkpoints/step-50000', { observationSpace, actionSpace, rng });
 * await agent.learn(freshlySeededEnv, { steps: 100_000 }); // continues the interrupted session
 * @throws DataError naming the file (and key) when the checkpoint is missing, corrupt, not a dqn v1
 *   checkpoint or of other sizes; ConfigError when its config is invalid; RlError (E_SPACE) for unsupported spaces.
 */
export function loadDqn(dir: string, ctx: AgentContext): Promise<DqnAgent> {
  return DqnAgent.load(dir, ctx);
}

/**
 * The registry entry. Pure typed-array networks: no tfjs initialisation needed.
 *
 * @example
 * const agent = dqnSpec.create(dqnSpec.configSchema.parse({}), { observationSpace, actionSpace, rng: Rng.fromSeed(0) });
 * await agent.learn(vecEnv, { steps: 100_000 }, { onRolloutEnd: ({ step, metrics }) => sink.write(step, metrics) });
 */
export const dqnSpec = defineAgent<DqnConfig>({
  id: 'dqn',
  version: DQN_VERSION,
  description: 'DQN (optional double Q and n-step returns) with a replay buffer, target network and ε-greedy exploration; SB3 defaults, 64-64 ReLU Q-network',
  learns: true,
  configSchema: dqnConfigSchema,
  create: (config, ctx) => new DqnAgent(config, ctx),
  presets: dqnPresets,
  load: (dir, ctx) => loadDqn(dir, ctx),
});
