/**
 * The hand-written gradient of PPO's minibatch loss, checked component by component against central
 * finite differences of the loss itself, on a tiny agent with non-trivial parameters. The networks use relu
 * here: relu is exact in DenseMlp, so the only difference between the two derivatives is the
 * finite-difference error (tanh runs through a table interpolation whose slope differs from 1 − tanh² by
 * up to 1.3e-7; dense-mlp.test.ts checks that path against its own bound).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import { PpoAgent, ppoConfigSchema, type Minibatch, type PpoConfig } from './ppo.js';

const OBS_DIM = 3;
const M = 8;
const CLIP = 0.2;
// Probability ratios π/π_old per row and advantages, covering every branch of min(r·A, clip(r)·A):
// inside the range (rows 1, 2, 5, 7); outside but unclipped because the unclipped term is the minimum
// (row 0: r < 0.8, A > 0; row 3: r > 1.2, A < 0); clipped, so no gradient (row 4: r < 0.8, A < 0;
// row 6: r > 1.2, A > 0). Every ratio is ≥ 0.05 from 1 ± CLIP, far beyond what a step of h moves it.
const RATIOS = [0.5, 0.9, 1.05, 1.5, 0.7, 1.1, 1.35, 0.95];
const ADV = [1.2, -0.7, 0.4, -1.5, -0.9, 1.1, 0.8, -0.3];
// V − V_old per row: with clipRangeVf = 0.3, rows 1, 3 and 5 are clipped (no value gradient); every
// other difference is ≥ 0.05 inside the range.
const VALUE_SHIFT = [0.05, -0.5, 0.2, 0.6, -0.1, 0.35, -0.25, 0];
const CLIP_VF = 0.3;

interface Setup {
  agent: PpoAgent;
  mb: Minibatch;
}

/** A tiny agent (pi [5], vf [4]) with N(0, 0.5²) parameters, and a minibatch with the ratios and value shifts above. */
function setup(kind: 'discrete' | 'box', over: Partial<PpoConfig>, ratios = RATIOS, adv = ADV, valueShift = VALUE_SHIFT): Setup {
  const actionSpace = kind === 'discrete' ? new Discrete(3) : Box.uniform(2, -1, 1);
  const config = ppoConfigSchema.parse({ netArch: { pi: [5], vf: [4] }, activation: 'relu', entCoef: 0.01, ...over });
  const agent = new PpoAgent(config, { observationSpace: Box.uniform(OBS_DIM, -Infinity, Infinity), actionSpace, rng: Rng.fromSeed(0) });
  const rng = Rng.fromSeed(`params-${kind}`);
  const p = agent.params.params;
  for (let q = 0; q < p.length; q++) p[q] = 0.5 * rng.normal();
  const D = agent.dist.actionSize;
  // Two rows beyond M hold NaN: the loss must read only the first M.
  const mb: Minibatch = {
    obs: new Float32Array((M + 2) * OBS_DIM).fill(Number.NaN),
    act: new Float32Array((M + 2) * D).fill(Number.NaN),
    oldLogp: new Float64Array(M + 2).fill(Number.NaN),
    oldValue: new Float64Array(M + 2).fill(Number.NaN),
    adv: new Float64Array(M + 2).fill(Number.NaN),
    ret: new Float64Array(M + 2).fill(Number.NaN),
  };
  for (let q = 0; q < M * OBS_DIM; q++) mb.obs[q] = rng.normal();
  const out = agent.pi.forward(mb.obs, M);
  for (let j = 0; j < M; j++) {
    if (kind === 'discrete') mb.act[j] = rng.int(3);
    else for (let d = 0; d < D; d++) mb.act[j * D + d] = out[j * D + d] + 0.7 * rng.normal();
  }
  const extra = p.subarray(agent.pi.paramCount + agent.vf.paramCount);
  const logp = new Float64Array(M);
  agent.dist.logProbEntropy(out, extra, M, mb.act, logp, new Float64Array(M));
  const v = agent.vf.forward(mb.obs, M);
  for (let j = 0; j < M; j++) {
    mb.oldLogp[j] = logp[j] - Math.log(ratios[j]);
    mb.adv[j] = adv[j];
    mb.oldValue[j] = v[j] - valueShift[j];
    mb.ret[j] = rng.normal();
  }
  return { agent, mb };
}

/** First-layer pre-activations of a one-hidden-layer net: relu's kink must be far from every one. */
function minAbsPreActivation(agent: PpoAgent, obs: Float32Array): number {
  let min = Infinity;
  for (const net of [agent.pi, agent.vf]) {
    const [nIn, nHidden] = [net.sizes[0], net.sizes[1]];
    const w0 = net.offset;
    const b0 = w0 + nIn * nHidden;
    for (let j = 0; j < M; j++) {
      for (let k = 0; k < nHidden; k++) {
        let z = agent.params.params[b0 + k];
        for (let i = 0; i < nIn; i++) z += agent.params.params[w0 + k * nIn + i] * obs[j * nIn + i];
        min = Math.min(min, Math.abs(z));
      }
    }
  }
  return min;
}

describe.each([
  ['Discrete(3)', 'discrete', null],
  ['Discrete(3)', 'discrete', CLIP_VF],
  ['Box(2)', 'box', null],
  ['Box(2)', 'box', CLIP_VF],
] as const)('minibatchLoss gradient, %s actions, clipRangeVf %s', (_name, kind, clipRangeVf) => {
  it('every component matches central finite differences of the loss (rel. err. < 1e-6)', () => {
    const { agent, mb } = setup(kind, { clipRangeVf });
    expect(minAbsPreActivation(agent, mb.obs)).toBeGreaterThan(1e-3);
    agent.params.grads.fill(123); // minibatchLoss zeroes them first
    const base = agent.minibatchLoss(mb, M, CLIP);
    const analytic = Float64Array.from(agent.params.grads);
    const p = agent.params.params;
    // Truncation error h²|L‴|/6 and rounding error ≈ 2⁻⁵²·|L|/h stay below 1e-9 for h = 1e-6 and |L| = O(1).
    const h = 1e-6;
    for (let q = 0; q < p.length; q++) {
      const p0 = p[q];
      p[q] = p0 + h;
      const up = agent.minibatchLoss(mb, M, CLIP).loss;
      p[q] = p0 - h;
      const down = agent.minibatchLoss(mb, M, CLIP).loss;
      p[q] = p0;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(analytic[q] - numeric), `param ${q} of ${p.length}: ${analytic[q]} vs ${numeric}`).toBeLessThan(1e-6 * Math.max(Math.abs(numeric), 1e-3));
    }
    expect(Number.isFinite(base.loss)).toBe(true);
    // Every block of the gradient is exercised: policy net, value net and (Box) the log-std.
    const nPi = agent.pi.paramCount;
    const nVf = agent.vf.paramCount;
    const norm = (a: Float64Array) => Math.hypot(...a);
    expect(norm(analytic.subarray(0, nPi))).toBeGreaterThan(1e-3);
    expect(norm(analytic.subarray(nPi, nPi + nVf))).toBeGreaterThan(1e-3);
    if (kind === 'box') expect(norm(analytic.subarray(nPi + nVf))).toBeGreaterThan(1e-3);
  });

  it('returns the loss terms of the closed forms', () => {
    const { agent, mb } = setup(kind, { clipRangeVf });
    const r = agent.minibatchLoss(mb, M, CLIP);
    const clipped = RATIOS.map((x) => Math.min(1 + CLIP, Math.max(1 - CLIP, x)));
    const pg = -RATIOS.reduce((s, x, j) => s + Math.min(x * ADV[j], clipped[j] * ADV[j]), 0) / M;
    const kl = RATIOS.reduce((s, x) => s + (x - 1 - Math.log(x)), 0) / M;
    expect(r.pgLoss).toBeCloseTo(pg, 12);
    expect(r.approxKl).toBeCloseTo(kl, 12);
    expect(r.clipFrac).toBe(4 / M);
    // Value loss: mean (V_pred − R)², V_pred = V_old + clip(V − V_old, ±clipRangeVf) when clipping.
    const v = agent.vf.forward(mb.obs, M);
    let vl = 0;
    for (let j = 0; j < M; j++) {
      const pred = clipRangeVf === null ? v[j] : mb.oldValue[j] + Math.min(clipRangeVf, Math.max(-clipRangeVf, v[j] - mb.oldValue[j]));
      vl += (pred - mb.ret[j]) ** 2 / M;
    }
    expect(r.vLoss).toBeCloseTo(vl, 12);
    expect(r.loss).toBeCloseTo(r.pgLoss - 0.01 * r.entropy + 0.5 * r.vLoss, 12);
  });
});

describe('minibatchLoss clipping branches', () => {
  it.each(['discrete', 'box'] as const)('%s: with every row clipped and no entropy bonus, the policy and log-std get exactly zero gradient', (kind) => {
    // r > 1 + ε with A > 0, or r < 1 − ε with A < 0, on every row; every value change beyond clipRangeVf.
    const ratios = [1.5, 0.5, 1.3, 0.6, 2, 0.3, 1.25, 0.75];
    const adv = ratios.map((r, j) => (r > 1 ? 1 : -1) * (0.5 + j / 10));
    const shift = ratios.map((_, j) => (j % 2 === 0 ? 1 : -1) * (0.4 + j / 10));
    const { agent, mb } = setup(kind, { entCoef: 0, clipRangeVf: CLIP_VF }, ratios, adv, shift);
    const r = agent.minibatchLoss(mb, M, CLIP);
    expect(r.clipFrac).toBe(1);
    expect(agent.params.grads.every((g) => g === 0)).toBe(true);
    // Without value clipping the critic still learns, and with the bonus the policy does too.
    const unclippedValue = setup(kind, { entCoef: 0, clipRangeVf: null }, ratios, adv, shift);
    unclippedValue.agent.minibatchLoss(unclippedValue.mb, M, CLIP);
    const nPi = unclippedValue.agent.pi.paramCount;
    const nVf = unclippedValue.agent.vf.paramCount;
    expect(unclippedValue.agent.params.grads.subarray(0, nPi).every((g) => g === 0)).toBe(true);
    expect(unclippedValue.agent.params.grads.subarray(nPi + nVf).every((g) => g === 0)).toBe(true);
    expect(unclippedValue.agent.params.grads.subarray(nPi, nPi + nVf).some((g) => g !== 0)).toBe(true);
    const bonus = setup(kind, { entCoef: 0.01, clipRangeVf: CLIP_VF }, ratios, adv, shift);
    bonus.agent.minibatchLoss(bonus.mb, M, CLIP);
    expect(bonus.agent.params.grads.some((g) => g !== 0)).toBe(true);
  });
});
