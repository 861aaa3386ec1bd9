import { describe, expect, it } from 'vitest';
import {
  createRewardState,
  differentialSharpe,
  drawdownPenalised,
  logReturn,
  resetRewardState,
  rewardConfigSchema,
  rewardFromConfig,
} from './rewards.js';
import type { RewardContext } from './rewards.js';

/** A transition from equity `before` to `after` with the given running peak (after included). */
function ctx(before: number, after: number, peak: number): RewardContext {
  return { equityBefore: before, equityAfter: after, logReturn: Math.log(after / before), position: 1, cost: 0, peakEquity: peak, initialEquity: 100 };
}

/** Contexts carrying only a given log return (the differential Sharpe reads nothing else). */
function returns(rs: number[]): RewardContext[] {
  return rs.map((r) => ({ equityBefore: 1, equityAfter: Math.exp(r), logReturn: r, position: 1, cost: 0, peakEquity: 1, initialEquity: 1 }));
}

describe('logReturn', () => {
  it('is the log change of net equity and keeps no state', () => {
    const state = createRewardState();
    expect(logReturn(ctx(100, 110, 110), state)).toBe(Math.log(1.1));
    expect(logReturn(ctx(110, 99, 110), state)).toBe(Math.log(0.9));
    expect(state).toEqual({ a: 0, b: 0, drawdown: 0, steps: 0 });
  });
});

describe('differentialSharpe (Moody & Saffell)', () => {
  // Hand-computed recursion, η = 0.1, R = 0.01, −0.02, 0.015, 0.005, A0 = B0 = 0:
  //   t=1: B − A² = 0 → D = 0;                                    A1 = 0.001,    B1 = 1e-5
  //   t=2: ΔA = −0.021, ΔB = 3.9e-4, B − A² = 9e-6,
  //        D = (1e-5·(−0.021) − ½·0.001·3.9e-4)/(9e-6)^1.5 = −4.05e-7/2.7e-8 = −15;  A2 = −0.0011, B2 = 4.9e-5
  //   t=3: ΔA = 0.0161, ΔB = 1.76e-4, B − A² = 4.779e-5, numerator 7.889e-7 + 9.68e-8 = 8.857e-7;
  //                                                              A3 = 0.00051,  B3 = 6.66e-5
  //   t=4: ΔA = 0.00449, ΔB = −4.16e-5, B − A² = 6.63399e-5, numerator 2.99034e-7 + 1.0608e-8 = 3.09642e-7;
  //                                                              A4 = 0.000959, B4 = 6.244e-5
  const expected = [0, -15, 8.857e-7 / Math.pow(4.779e-5, 1.5), 3.09642e-7 / Math.pow(6.63399e-5, 1.5)];
  const moments = [
    [0.001, 1e-5],
    [-0.0011, 4.9e-5],
    [0.00051, 6.66e-5],
    [0.000959, 6.244e-5],
  ];

  it('follows the textbook recursion on a 4-step example', () => {
    const dsr = differentialSharpe(0.1);
    const state = createRewardState();
    returns([0.01, -0.02, 0.015, 0.005]).forEach((c, t) => {
      const d = dsr(c, state);
      if (t === 0) expect(d).toBe(0);
      else expect(d).toBeCloseTo(expected[t], 10);
      expect(state.a).toBeCloseTo(moments[t][0], 15);
      expect(state.b).toBeCloseTo(moments[t][1], 15);
    });
    expect(expected[1]).toBeCloseTo(-15, 12);
    expect(expected[2]).toBeCloseTo(2.680902989, 8);
  });

  it('starts again from zero moments after a reset', () => {
    const dsr = differentialSharpe(0.1);
    const state = createRewardState();
    const cs = returns([0.01, -0.02]);
    const first = cs.map((c) => dsr(c, state));
    resetRewardState(state);
    expect(state).toEqual({ a: 0, b: 0, drawdown: 0, steps: 0 });
    expect(cs.map((c) => dsr(c, state))).toEqual(first);
  });

  it('is 0 while the moving variance is not positive (flat returns)', () => {
    const dsr = differentialSharpe(0.05);
    const state = createRewardState();
    for (const c of returns([0, 0, 0])) expect(dsr(c, state)).toBe(0);
  });
});

describe('drawdownPenalised', () => {
  it('subtracts λ times the increase of drawdown, never rewards a recovery beyond the log return', () => {
    // Equity 100 → 110 → 99 → 104.5 → 90; peak 110 from step 1; drawdowns 0, 0.1, 0.05, 1 − 90/110.
    const r = drawdownPenalised(2);
    const state = createRewardState();
    expect(r(ctx(100, 110, 110), state)).toBe(Math.log(1.1));
    expect(r(ctx(110, 99, 110), state)).toBeCloseTo(Math.log(0.9) - 2 * 0.1, 14);
    expect(r(ctx(99, 104.5, 110), state)).toBeCloseTo(Math.log(104.5 / 99), 14);
    expect(state.drawdown).toBeCloseTo(0.05, 14);
    expect(r(ctx(104.5, 90, 110), state)).toBeCloseTo(Math.log(90 / 104.5) - 2 * (1 - 90 / 110 - 0.05), 14);
  });

  it('with λ = 0 is the log return', () => {
    const r = drawdownPenalised(0);
    const state = createRewardState();
    expect(r(ctx(100, 80, 100), state)).toBe(Math.log(0.8));
  });
});

describe('reward config', () => {
  it('defaults to the log return and fills the documented parameter defaults', () => {
    expect(rewardConfigSchema.parse(undefined)).toEqual({ kind: 'log-return' });
    expect(rewardConfigSchema.parse({ kind: 'differential-sharpe' })).toEqual({ kind: 'differential-sharpe', eta: 0.01 });
    expect(rewardConfigSchema.parse({ kind: 'drawdown-penalised' })).toEqual({ kind: 'drawdown-penalised', lambda: 1 });
    expect(rewardConfigSchema.safeParse({ kind: 'differential-sharpe', eta: 1 }).success).toBe(false);
    expect(rewardConfigSchema.safeParse({ kind: 'drawdown-penalised', lambda: -1 }).success).toBe(false);
    expect(rewardConfigSchema.safeParse({ kind: 'sortino' }).success).toBe(false);
  });

  it('maps each kind to its function', () => {
    const state = createRewardState();
    expect(rewardFromConfig({ kind: 'log-return' })).toBe(logReturn);
    expect(rewardFromConfig({ kind: 'drawdown-penalised', lambda: 3 })(ctx(100, 90, 100), state)).toBeCloseTo(Math.log(0.9) - 0.3, 14);
    const dsr = rewardFromConfig({ kind: 'differential-sharpe', eta: 0.1 });
    const fresh = createRewardState();
    returns([0.01, -0.02]).forEach((c) => dsr(c, fresh));
    expect(fresh.a).toBeCloseTo(-0.0011, 15);
  });
});
