/**
 * Proximal Policy Optimization (Schulman et al. 2017), after CleanRL's `ppo.py` and
 * `ppo_continuous_action.py` with stable-baselines3's defaults and semantics: the clipped surrogate, optional
 * value clipping, entropy bonus, per-minibatch advantage normalisation, seeded minibatch permutations,
 * global gradient-norm clipping, linear LR and clip-range schedules, target-KL early stop. Rollouts, GAE,
 * normalisation, acting and checkpoints come from the on-policy template (agents/on-policy.ts); this file
 * is the config and the update, in reading order. The loss gradient is written by hand and checked against
 * finite differences (ppo.gradients.test.ts).
 */
import { z } from 'zod';
import { defineAgent, type AgentContext } from './agent.js';
import type { RolloutBuffer } from './buffers.js';
import { loadOnPolicy, OnPolicyAgent, onPolicyConfigShape, schedule } from './on-policy.js';

// ─── Config: the single source of truth (SB3 PPO defaults) ──────────────────────────────────────────────
export const ppoConfigSchema = z.strictObject({
  ...onPolicyConfigShape,
  batchSize: z.number().int().positive().default(64).describe('minibatch size, in transitions'),
  nEpochs: z.number().int().positive().default(10).describe('passes over each rollout'),
  clipRange: z.number().positive().default(0.2).describe('clip ε of the probability ratio (at the start, if scheduled)'),
  clipRangeSchedule: schedule.default('constant').describe("'linear' decays the clip range to 0 over the session"),
  clipRangeVf: z.number().positive().nullable().default(null).describe('clip of the value change around the rollout value (null = no value clipping, SB3)'),
  targetKl: z.number().positive().nullable().default(null).describe('stop the update epochs once the approximate KL exceeds 1.5 × this (null = never, SB3)'),
  normalizeAdvantage: z.boolean().default(true).describe('standardise advantages per minibatch'),
});
export type PpoConfig = z.infer<typeof ppoConfigSchema>;

const PPO_VERSION = 2;

export class PpoAgent extends OnPolicyAgent<PpoConfig> {
  readonly id = 'ppo';
  protected readonly version = PPO_VERSION;

  // ─── Update: nEpochs passes of seeded minibatches ───────────────────────────────────────────────────
  /** nEpochs passes of shuffled minibatches. Returns SB3-style means over all minibatches. */
  protected update(buffer: RolloutBuffer, remaining: number): Record<string, number> {
    // ALGO LOGIC: clip-range schedule (CleanRL: the full value in the first iteration, → 0 linearly)
    const clip = this.config.clipRangeSchedule === 'linear' ? remaining * this.config.clipRange : this.config.clipRange;
    const cfg = this.config;
    const [n, d, D] = [buffer.size, this.obsDim, this.dist.actionSize];
    const batch = Math.min(cfg.batchSize, n);
    const mb: Minibatch = {
      obs: new Float32Array(batch * d),
      act: new Float32Array(batch * D),
      oldLogp: new Float64Array(batch),
      oldValue: new Float64Array(batch),
      adv: new Float64Array(batch),
      ret: new Float64Array(batch),
    };
    const sums = new Float64Array(5); // policy loss, value loss, entropy, approx KL, clip fraction
    let count = 0;
    let continueTraining = true;
    for (let epoch = 0; epoch < cfg.nEpochs && continueTraining; epoch++) {
      const perm = this.stream('minibatch').permutation(n);
      for (let start = 0; start < n; start += batch) {
        const m = Math.min(batch, n - start);
        for (let j = 0; j < m; j++) {
          const k = perm[start + j];
          mb.obs.set(buffer.obs.subarray(k * d, (k + 1) * d), j * d);
          mb.act.set(buffer.actions.subarray(k * D, (k + 1) * D), j * D);
          mb.oldLogp[j] = buffer.logProbs[k];
          mb.oldValue[j] = buffer.values[k];
          mb.adv[j] = buffer.advantages[k];
          mb.ret[j] = buffer.returns[k];
        }
        if (cfg.normalizeAdvantage && m > 1) standardize(mb.adv, m); // unbiased std, as torch.std

        const r = this.minibatchLoss(mb, m, clip);
        sums[0] += r.pgLoss;
        sums[1] += r.vLoss;
        sums[2] += r.entropy;
        sums[3] += r.approxKl;
        sums[4] += r.clipFrac;
        count++;
        // ALGO LOGIC: target-KL early stop, before the step (SB3; its logged means include this minibatch)
        if (cfg.targetKl !== null && r.approxKl > 1.5 * cfg.targetKl) {
          continueTraining = false;
          break;
        }
        // ALGO LOGIC: global gradient-norm clipping (torch clip_grad_norm_), then Adam
        this.params.clipGradNorm(cfg.maxGradNorm);
        this.optimizer.step();
      }
    }
    const metrics: Record<string, number> = {};
    if (count > 0) {
      metrics['losses/policy_loss'] = sums[0] / count;
      metrics['losses/value_loss'] = sums[1] / count;
      metrics['losses/entropy'] = sums[2] / count;
      metrics['losses/approx_kl'] = sums[3] / count;
      metrics['losses/clipfrac'] = sums[4] / count;
    }
    metrics['charts/clip_range'] = clip;
    return metrics;
  }

  /**
   * The PPO loss on one minibatch, `pgLoss − entCoef·entropy + vfCoef·vLoss`, with its gradient written
   * to `params.grads` (zeroed first). `mb` holds the first `m` rows; advantages already standardised.
   * Exposed so tests (and subclasses) can check the hand-written gradient against finite differences.
   */
  minibatchLoss(mb: Minibatch, m: number, clip: number): MinibatchLoss {
    const cfg = this.config;
    const P = this.dist.outputSize;
    // ALGO LOGIC: clipped surrogate objective, L = −mean(min(r·A, clip(r)·A)) − entCoef·mean(H)
    const out = this.pi.forward(mb.obs, m);
    const logp = new Float64Array(m);
    const ent = new Float64Array(m);
    const dLogp = new Float64Array(m);
    this.dist.logProbEntropy(out, this.extra, m, mb.act, logp, ent);
    let [pgLoss, entropy, approxKl, clipFrac] = [0, 0, 0, 0];
    for (let j = 0; j < m; j++) {
      const logRatio = logp[j] - mb.oldLogp[j];
      const ratio = Math.exp(logRatio);
      const a = mb.adv[j];
      const clipped = Math.min(1 + clip, Math.max(1 - clip, ratio));
      pgLoss -= Math.min(a * ratio, a * clipped) / m;
      // ∂L/∂logπ = −A·r/m where the unclipped term is the minimum (always so inside the clip range), else 0
      dLogp[j] = a * ratio <= a * clipped ? (-a * ratio) / m : 0;
      entropy += ent[j] / m;
      approxKl += (ratio - 1 - logRatio) / m; // Schulman's k3 estimator
      if (Math.abs(ratio - 1) > clip) clipFrac += 1 / m;
    }
    this.params.zeroGrad();
    const dOut = new Float64Array(m * P);
    this.dist.backward(out, this.extra, m, mb.act, dLogp, -cfg.entCoef / m, dOut, this.params.grads.subarray(this.extraOffset));
    this.pi.backward(dOut, m);

    // ALGO LOGIC: value loss, MSE to the GAE returns (optionally around the clipped value change)
    const v = this.vf.forward(mb.obs, m);
    let vLoss = 0;
    const dValue = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let pred = v[j];
      let through = 1;
      if (cfg.clipRangeVf !== null) {
        const delta = pred - mb.oldValue[j];
        if (delta > cfg.clipRangeVf || delta < -cfg.clipRangeVf) through = 0;
        pred = mb.oldValue[j] + Math.min(cfg.clipRangeVf, Math.max(-cfg.clipRangeVf, delta));
      }
      const err = pred - mb.ret[j];
      vLoss += (err * err) / m;
      dValue[j] = (cfg.vfCoef * 2 * err * through) / m;
    }
    this.vf.backward(dValue, m);
    return { loss: pgLoss - cfg.entCoef * entropy + cfg.vfCoef * vLoss, pgLoss, vLoss, entropy, approxKl, clipFrac };
  }
}

/** One minibatch, rows first: observations the networks saw, stored actions, rollout log-probs and values. */
export interface Minibatch {
  readonly obs: Float32Array;
  readonly act: Float32Array;
  readonly oldLogp: Float64Array;
  readonly oldValue: Float64Array;
  readonly adv: Float64Array;
  readonly ret: Float64Array;
}

export interface MinibatchLoss {
  readonly loss: number;
  readonly pgLoss: number;
  readonly vLoss: number;
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFrac: number;
}

/**
 * Restores a PPO agent saved by {@link PpoAgent.save}. `ctx` supplies the spaces (they must match the
 * saved shapes).
 *
 * @example
 * const agent = await loadPpo('runs/abc/agent', { observationSpace, actionSpace, rng });
 * @throws DataError when a file is missing or malformed; ConfigError when the saved config is invalid.
 */
export function loadPpo(dir: string, ctx: AgentContext): Promise<PpoAgent> {
  return loadOnPolicy(dir, ctx, { id: 'ppo', version: PPO_VERSION, schema: ppoConfigSchema, create: (config, c) => new PpoAgent(config, c) });
}

/**
 * The registry entry.
 *
 * @example
 * const agent = ppoSpec.create(ppoSpec.configSchema.parse({ nSteps: 256 }), { observationSpace, actionSpace, rng });
 * await agent.learn(vecEnv, { steps: 100_000 });
 */
export const ppoSpec = defineAgent<PpoConfig>({
  id: 'ppo',
  version: PPO_VERSION,
  description: 'PPO: clipped surrogate, GAE(λ) with truncation bootstrap, separate 64-64 tanh policy and value MLPs; discrete or Gaussian actions',
  learns: true,
  configSchema: ppoConfigSchema,
  create: (config, ctx) => new PpoAgent(config, ctx),
  presets: { sb3: ppoConfigSchema.parse({}) },
  load: loadPpo,
});

// ─── Helpers ──────────────────────────────────────────────────────────────────────────────────────────
/** In place: (x − mean) / (unbiased std + 1e-8) over the first m values. */
function standardize(x: Float64Array, m: number): void {
  let mu = 0;
  for (let j = 0; j < m; j++) mu += x[j];
  mu /= m;
  let ss = 0;
  for (let j = 0; j < m; j++) ss += (x[j] - mu) ** 2;
  const sd = Math.sqrt(ss / (m - 1));
  for (let j = 0; j < m; j++) x[j] = (x[j] - mu) / (sd + 1e-8);
}
