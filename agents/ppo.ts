/**
 * Proximal Policy Optimization (Schulman et al. 2017) for discrete actions, in one file and in reading
 * order, after CleanRL's `ppo.py` with stable-baselines3's defaults and its truncation bootstrap:
 * config → networks → acting → rollout collection (GAE) → clipped-surrogate update → checkpoints.
 *
 * Budget: `learn(env, { steps })` runs ⌈steps / (nSteps · numEnvs)⌉ *full* rollouts, so it may take up to
 * one rollout more than `steps` env steps; it never trains on a partial rollout.
 *
 * Adam's moments live for one `learn` call: they are not checkpointed, so a run split into several `learn`
 * calls behaves like a save/load resume, and no tensors outlive the call.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { writeFileAtomic } from '../src/core/atomic.js';
import { ConfigError, DataError, RlError } from '../src/core/errors.js';
import type { VectorEnv, VectorStep } from '../src/core/env.js';
import type { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import { argmaxRows, categoricalEntropy, categoricalLogProb, sampleCategorical } from '../src/nn/categorical.js';
import { createActorCritic, type ActorCritic } from '../src/nn/mlp.js';
import { defineAgent, type Agent, type AgentContext, type TrainHooks, type TrainSummary } from './agent.js';
import { RolloutBuffer } from './buffers.js';

// ─── Config: the single source of truth (SB3 PPO defaults) ──────────────────────────────────────────────
const layers = z.array(z.number().int().positive()).min(1);

export const ppoConfigSchema = z.strictObject({
  nSteps: z.number().int().positive().default(2048).describe('env steps per sub-env per rollout; a rollout holds nSteps × numEnvs transitions'),
  batchSize: z.number().int().positive().default(64).describe('minibatch size, in transitions'),
  nEpochs: z.number().int().positive().default(10).describe('passes over each rollout'),
  gamma: z.number().min(0).max(1).default(0.99).describe('discount factor per env step'),
  gaeLambda: z.number().min(0).max(1).default(0.95).describe('GAE λ: 0 = one-step TD, 1 = Monte Carlo'),
  clipRange: z.number().positive().default(0.2).describe('clip ε of the probability ratio'),
  entCoef: z.number().min(0).default(0).describe('entropy bonus coefficient in the loss'),
  vfCoef: z.number().min(0).default(0.5).describe('value-loss coefficient in the loss'),
  maxGradNorm: z.number().positive().default(0.5).describe('global L2 norm the gradient is clipped to'),
  learningRate: z.number().positive().default(3e-4).describe('Adam step size (at the start, if annealed)'),
  annealLr: z.boolean().default(false).describe('decay the learning rate linearly to 0 over each learn() budget'),
  adamEpsilon: z.number().positive().default(1e-5).describe('Adam ε (SB3 uses 1e-5)'),
  normalizeAdvantage: z.boolean().default(true).describe('standardise advantages per minibatch'),
  netArch: z
    .strictObject({ pi: layers.describe('policy hidden widths'), vf: layers.describe('value hidden widths') })
    .default(() => ({ pi: [64, 64], vf: [64, 64] }))
    .describe('separate policy and value MLPs (SB3 net_arch=dict(pi=[64, 64], vf=[64, 64]))'),
  activation: z.enum(['tanh', 'relu']).default('tanh').describe('hidden-layer activation'),
});
export type PpoConfig = z.infer<typeof ppoConfigSchema>;

const PPO_VERSION = 1;

export class PpoAgent implements Agent {
  readonly id = 'ppo';
  readonly obsDim: number;
  readonly nActions: number;
  private readonly nets: ActorCritic;
  /** Exploration during rollouts and minibatch order: separate streams, advanced across learn() calls. */
  private readonly rolloutRng: Rng;
  private readonly minibatchRng: Rng;

  /** @throws RlError (E_SPACE) unless the spaces are a Box and a Discrete; (E_TF_NOT_READY) before initTf(). */
  constructor(
    readonly config: PpoConfig,
    ctx: AgentContext,
  ) {
    if (!(ctx.observationSpace instanceof Box)) throw new RlError(`ppo needs a Box observation space, got ${ctx.observationSpace}`, 'E_SPACE');
    if (!(ctx.actionSpace instanceof Discrete)) throw new RlError(`ppo needs a Discrete action space, got ${ctx.actionSpace}`, 'E_SPACE');
    this.obsDim = ctx.observationSpace.size;
    this.nActions = ctx.actionSpace.n;
    const { pi, vf } = config.netArch;
    this.nets = createActorCritic({ obsDim: this.obsDim, nActions: this.nActions, pi, vf, activation: config.activation, rng: ctx.rng.fork('init') });
    this.rolloutRng = ctx.rng.fork('rollout');
    this.minibatchRng = ctx.rng.fork('minibatch');
  }

  // ─── Acting ─────────────────────────────────────────────────────────────────────────────────────────
  /** Actions for a batch `[n × obsDim]`: sampled with `rng`, or the argmax when deterministic. */
  act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array {
    const n = this.rows(obs);
    const out = tf.tidy(() => this.nets.pi.forward(tf.tensor2d(obs, [n, this.obsDim])));
    const logits = readAndDispose(out);
    return opts.deterministic ? argmaxRows(logits, this.nActions) : sampleCategorical(logits, this.nActions, opts.rng);
  }

  /** V(obs) for a batch, one forward pass. */
  private valuesOf(obs: Float32Array, n: number): Float32Array {
    return readAndDispose(tf.tidy(() => tf.reshape(this.nets.vf.forward(tf.tensor2d(obs, [n, this.obsDim])), [n])));
  }

  // ─── Learning: rollouts, then updates ───────────────────────────────────────────────────────────────
  /**
   * Trains on `env` for ⌈steps / (nSteps · numEnvs)⌉ full rollouts. Starts new episodes with an unseeded
   * `env.reset()` (seed the env beforehand for reproducibility). Calls `hooks.onRolloutEnd` after every
   * update with CleanRL's metric keys; `'stop'` ends training. `charts/episodic_*` average the episodes
   * completed during that rollout (absent when none did; returns are raw env rewards); `losses/*` average
   * all minibatches of the update, as SB3 logs them; `losses/entropy` is the mean entropy in nats.
   * @throws RlError (E_SPACE) when the env's spaces differ from the agent's.
   */
  async learn(env: VectorEnv, budget: { steps: number }, hooks: TrainHooks = {}): Promise<TrainSummary> {
    const cfg = this.config;
    const nEnvs = env.numEnvs;
    const A = this.nActions;
    if (env.obsDim !== this.obsDim || !(env.singleActionSpace instanceof Discrete) || env.singleActionSpace.n !== A) {
      throw new RlError(`env (obs ${env.obsDim}, actions ${env.singleActionSpace}) does not match ppo (obs ${this.obsDim}, Discrete(${A}))`, 'E_SPACE');
    }
    const numIterations = Math.ceil(Math.max(0, budget.steps) / (cfg.nSteps * nEnvs));
    const buffer = new RolloutBuffer(cfg.nSteps, nEnvs, this.obsDim);
    const optimizer = new ScheduledAdam(cfg.learningRate, 0.9, 0.999, cfg.adamEpsilon);
    const obs = new Float32Array(env.reset());
    const logits = new Float32Array(nEnvs * A);
    const actions = new Int32Array(nEnvs);
    const [logProbs, values, finalValues] = [new Float32Array(nEnvs), new Float32Array(nEnvs), new Float32Array(nEnvs)];
    const epReturn = new Float64Array(nEnvs);
    const epLength = new Int32Array(nEnvs);
    const recentReturns: number[] = [];
    let [globalStep, updates, episodes] = [0, 0, 0];
    try {
      for (let iteration = 1; iteration <= numIterations; iteration++) {
        // ALGO LOGIC: learning-rate annealing (CleanRL: full rate in the first iteration)
        const lr = cfg.annealLr ? (1 - (iteration - 1) / numIterations) * cfg.learningRate : cfg.learningRate;
        optimizer.setLearningRate(lr);
        const doneReturns: number[] = [];
        const doneLengths: number[] = [];
        buffer.reset();
        for (let t = 0; t < cfg.nSteps; t++) {
          // ALGO LOGIC: action logic — one forward of both networks for the whole [numEnvs × obsDim] batch
          const both = readAndDispose(tf.tidy(() => {
            const x = tf.tensor2d(obs, [nEnvs, this.obsDim]);
            return tf.concat([this.nets.pi.forward(x), this.nets.vf.forward(x)], 1);
          }));
          for (let i = 0; i < nEnvs; i++) {
            logits.set(both.subarray(i * (A + 1), i * (A + 1) + A), i * A);
            values[i] = both[i * (A + 1) + A];
          }
          sampleCategorical(logits, A, this.rolloutRng, actions, logProbs);
          const res = env.step(actions);
          // ALGO LOGIC: truncation bootstrap — V(final obs) of truncated, not terminated, sub-envs
          this.finalValuesOf(res, finalValues);
          buffer.add({ obs, actions, values, logProbs, rewards: res.rewards, terminated: res.terminated, truncated: res.truncated, finalValues });
          for (let i = 0; i < nEnvs; i++) {
            epReturn[i] += res.rewards[i];
            epLength[i]++;
            if (res.terminated[i] !== 0 || res.truncated[i] !== 0) {
              doneReturns.push(epReturn[i]);
              doneLengths.push(epLength[i]);
              epReturn[i] = 0;
              epLength[i] = 0;
            }
          }
          obs.set(res.obs);
          globalStep += nEnvs;
        }
        // ALGO LOGIC: bootstrap the unfinished episodes from V(s_T), then GAE
        buffer.computeAdvantages(this.valuesOf(obs, nEnvs), cfg.gamma, cfg.gaeLambda);
        const losses = this.update(buffer, optimizer);
        updates++;
        episodes += doneReturns.length;
        recentReturns.push(...doneReturns);
        recentReturns.splice(0, Math.max(0, recentReturns.length - 100));
        const metrics: Record<string, number> = {};
        if (doneReturns.length > 0) {
          metrics['charts/episodic_return'] = mean(doneReturns);
          metrics['charts/episodic_length'] = mean(doneLengths);
        }
        Object.assign(metrics, losses, { 'charts/learning_rate': lr });
        if ((await hooks.onRolloutEnd?.({ step: globalStep, metrics })) === 'stop') break;
      }
    } finally {
      optimizer.dispose();
    }
    return { steps: globalStep, updates, episodes, meanEpisodeReturn: recentReturns.length > 0 ? mean(recentReturns) : NaN };
  }

  /** Fills `out[i]` with V(final obs) for each truncated, not terminated sub-env (one batched forward), else 0. */
  private finalValuesOf(res: VectorStep, out: Float32Array): void {
    out.fill(0);
    const cut = res.final.filter((f) => res.truncated[f.index] !== 0 && res.terminated[f.index] === 0);
    let expected = 0;
    for (let i = 0; i < out.length; i++) expected += res.truncated[i] !== 0 && res.terminated[i] === 0 ? 1 : 0;
    if (cut.length !== expected) throw new RlError('VectorStep.final lacks the final observation of a truncated sub-env', 'E_VECTOR_STEP');
    if (cut.length === 0) return;
    const finalObs = new Float32Array(cut.length * this.obsDim);
    cut.forEach((f, k) => finalObs.set(f.obs, k * this.obsDim));
    const v = this.valuesOf(finalObs, cut.length);
    cut.forEach((f, k) => (out[f.index] = v[k]));
  }

  /** nEpochs passes of shuffled minibatches. Returns SB3-style means over all minibatches. */
  private update(buffer: RolloutBuffer, optimizer: ScheduledAdam): Record<string, number> {
    const cfg = this.config;
    const [n, d] = [buffer.size, this.obsDim];
    const batch = Math.min(cfg.batchSize, n);
    const mb = { obs: new Float32Array(batch * d), act: new Int32Array(batch), logp: new Float32Array(batch), adv: new Float32Array(batch), ret: new Float32Array(batch) };
    const vars = [...this.nets.pi.variables, ...this.nets.vf.variables];
    const sums = new Float64Array(5); // policy loss, value loss, entropy, approx KL, clip fraction
    let count = 0;
    for (let epoch = 0; epoch < cfg.nEpochs; epoch++) {
      const perm = this.minibatchRng.permutation(n);
      for (let start = 0; start < n; start += batch) {
        const m = Math.min(batch, n - start);
        for (let j = 0; j < m; j++) {
          const k = perm[start + j];
          mb.obs.set(buffer.obs.subarray(k * d, (k + 1) * d), j * d);
          mb.act[j] = buffer.actions[k];
          mb.logp[j] = buffer.logProbs[k];
          mb.adv[j] = buffer.advantages[k];
          mb.ret[j] = buffer.returns[k];
        }
        const stats = readAndDispose(tf.tidy(() => {
          const obsT = tf.tensor2d(mb.obs.subarray(0, m * d), [m, d]);
          const actT = tf.tensor1d(mb.act.subarray(0, m), 'int32');
          const oldLogp = tf.tensor1d(mb.logp.subarray(0, m));
          const ret = tf.tensor1d(mb.ret.subarray(0, m));
          let adv: tf.Tensor1D = tf.tensor1d(mb.adv.subarray(0, m));
          if (cfg.normalizeAdvantage && m > 1) {
            const mu = tf.mean(adv);
            const sd = tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(adv, mu))), m - 1)); // unbiased, as torch.std
            adv = tf.div(tf.sub(adv, mu), tf.add(sd, 1e-8));
          }
          let aux: tf.Tensor | undefined;
          const { grads } = tf.variableGrads(() => {
            // ALGO LOGIC: clipped surrogate objective
            const logits = this.nets.pi.forward(obsT);
            const logRatio = tf.sub(categoricalLogProb(logits, actT), oldLogp);
            const ratio = tf.exp(logRatio);
            const clipped = tf.clipByValue(ratio, 1 - cfg.clipRange, 1 + cfg.clipRange);
            const pgLoss = tf.neg(tf.mean(tf.minimum(tf.mul(adv, ratio), tf.mul(adv, clipped))));
            // ALGO LOGIC: value loss (SB3: MSE to the GAE returns, no value clipping)
            const vLoss = tf.mean(tf.squaredDifference(ret, tf.reshape(this.nets.vf.forward(obsT), [m])));
            const entropy = tf.mean(categoricalEntropy(logits));
            const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)); // Schulman's k3 estimator
            const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), cfg.clipRange), 'float32'));
            aux = tf.keep(tf.stack([pgLoss, vLoss, entropy, approxKl, clipFrac]));
            return tf.add(tf.sub(pgLoss, tf.mul(entropy, cfg.entCoef)), tf.mul(vLoss, cfg.vfCoef)) as tf.Scalar;
          }, vars);
          // ALGO LOGIC: global gradient-norm clipping (torch clip_grad_norm_), then Adam
          const names = Object.keys(grads);
          const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k])))));
          const scale = tf.minimum(tf.div(cfg.maxGradNorm, tf.add(norm, 1e-6)), 1);
          optimizer.applyGradients(Object.fromEntries(names.map((k) => [k, tf.mul(grads[k], scale)])));
          return aux as tf.Tensor;
        }));
        for (let s = 0; s < 5; s++) sums[s] += stats[s];
        count++;
      }
    }
    const metrics: Record<string, number> = {
      'losses/policy_loss': sums[0] / count,
      'losses/value_loss': sums[1] / count,
      'losses/entropy': sums[2] / count,
      'losses/approx_kl': sums[3] / count,
      'losses/clipfrac': sums[4] / count,
    };
    const ev = explainedVariance(buffer.values, buffer.returns);
    if (Number.isFinite(ev)) metrics['losses/explained_variance'] = ev;
    return metrics;
  }

  // ─── Checkpoints ────────────────────────────────────────────────────────────────────────────────────
  /** Writes `weights.json`, then `agent.json` (its presence marks a complete checkpoint), each atomically. */
  async save(dir: string): Promise<void> {
    const tensors = this.namedVariables().map(([name, v]) => ({ name, shape: v.shape, values: Array.from(v.dataSync()) }));
    writeFileAtomic(join(dir, 'weights.json'), `${JSON.stringify({ tensors })}\n`);
    writeFileAtomic(join(dir, 'agent.json'), `${JSON.stringify({ id: this.id, version: PPO_VERSION, config: this.config }, null, 2)}\n`);
  }

  /** Restores every variable from `weights.json` content. @throws DataError on a missing name or a shape mismatch. */
  setWeightsFromJson(file: string, tensors: readonly { name: string; shape: readonly number[]; values: readonly number[] }[]): void {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    const named = this.namedVariables();
    for (const [name, v] of named) {
      const t = byName.get(name);
      if (t === undefined || t.shape.join('x') !== v.shape.join('x') || t.values.length !== v.size) {
        throw new DataError(file, undefined, name, `expected a tensor of shape [${v.shape.join(', ')}]`);
      }
    }
    const pick = (prefix: string) => named.filter(([k]) => k.startsWith(prefix)).map(([k]) => Float32Array.from(byName.get(k)!.values));
    this.nets.pi.setWeights(pick('pi/'));
    this.nets.vf.setWeights(pick('vf/'));
  }

  private namedVariables(): [string, tf.Variable][] {
    const name = (net: string, i: number) => `${net}/layer${i >> 1}/${i % 2 === 0 ? 'kernel' : 'bias'}`;
    return [
      ...this.nets.pi.variables.map((v, i): [string, tf.Variable] => [name('pi', i), v]),
      ...this.nets.vf.variables.map((v, i): [string, tf.Variable] => [name('vf', i), v]),
    ];
  }

  private rows(obs: Float32Array): number {
    if (obs.length % this.obsDim !== 0) throw new RlError(`obs length ${obs.length} is not a multiple of obsDim ${this.obsDim}`, 'E_SHAPE');
    return obs.length / this.obsDim;
  }

  dispose(): void {
    this.nets.pi.dispose();
    this.nets.vf.dispose();
  }
}

/**
 * Restores a PPO agent saved by {@link PpoAgent.save}. `ctx` supplies the spaces (they must match the
 * saved shapes) and an rng for the exploration streams.
 *
 * @example
 * await initTf();
 * const agent = await loadPpo('runs/abc/checkpoints/final', { observationSpace, actionSpace, rng });
 * @throws DataError when a file is missing or malformed; ConfigError when the saved config is invalid.
 */
export async function loadPpo(dir: string, ctx: AgentContext): Promise<PpoAgent> {
  const agentFile = join(dir, 'agent.json');
  const meta = checkpointMetaSchema.safeParse(await readJson(agentFile));
  if (!meta.success || meta.data.id !== 'ppo' || meta.data.version !== PPO_VERSION) {
    throw new DataError(agentFile, undefined, undefined, `not a ppo v${PPO_VERSION} checkpoint`);
  }
  const config = ppoConfigSchema.safeParse(meta.data.config);
  if (!config.success) throw new ConfigError('config', z.prettifyError(config.error));
  const weightsFile = join(dir, 'weights.json');
  const weights = weightsFileSchema.safeParse(await readJson(weightsFile));
  if (!weights.success) throw new DataError(weightsFile, undefined, undefined, z.prettifyError(weights.error));
  const agent = new PpoAgent(config.data, ctx);
  try {
    agent.setWeightsFromJson(weightsFile, weights.data.tensors);
  } catch (e) {
    agent.dispose();
    throw e;
  }
  return agent;
}

/**
 * The registry entry. Networks are tfjs variables: call `await initTf()` once before `create`.
 *
 * @example
 * await initTf();
 * const agent = ppoSpec.create(ppoSpec.configSchema.parse({ nSteps: 256 }), { observationSpace, actionSpace, rng });
 * await agent.learn(vecEnv, { steps: 100_000 });
 */
export const ppoSpec = defineAgent<PpoConfig>({
  id: 'ppo',
  version: PPO_VERSION,
  description: 'PPO with a clipped surrogate, GAE(λ) with truncation bootstrap, separate 64-64 tanh policy and value MLPs',
  learns: true,
  configSchema: ppoConfigSchema,
  create: (config, ctx) => new PpoAgent(config, ctx),
});

// ─── Helpers ──────────────────────────────────────────────────────────────────────────────────────────
/** Adam whose step size can follow a schedule (tfjs keeps it in a protected field read at every step). */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

const checkpointMetaSchema = z.object({ id: z.string(), version: z.number(), config: z.unknown() });
const weightsFileSchema = z.object({
  tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), values: z.array(z.number()) })),
});

function readAndDispose(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
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

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new DataError(file, undefined, undefined, e instanceof Error ? e.message : String(e));
  }
}
