import { z } from 'zod';

/**
 * What a trading env knows about one transition t → t+1 when it computes the reward. Money is in the
 * series' currency; weights are fractions of equity. One object per env, overwritten every step.
 */
export interface RewardContext {
  /** Net equity marked at close[t], before the step (always > 0: an episode ends at equity ≤ 0). */
  equityBefore: number;
  /** Net equity marked at close[t+1], after the fill and every cost (may be ≤ 0 on a wipe-out). */
  equityAfter: number;
  /** ln(max(equityAfter, floor) / equityBefore): the log change of net equity (floor = 1e-9·initial equity). */
  logReturn: number;
  /** Weight held at close[t+1]: shares·close[t+1]/equityAfter (0 when equityAfter ≤ 0). */
  position: number;
  /** Every cost paid in this step (spread, impact, commission, borrow), in currency. */
  cost: number;
  /** Highest net equity since the episode started, equityAfter and the initial equity included. */
  peakEquity: number;
  /** Equity at the start of the episode, in currency. */
  initialEquity: number;
}

/**
 * Per-episode memory of a reward function. The env owns one, zeroes it at every reset (all fields 0) and
 * passes it to every call; a reward function updates the fields it uses and ignores the rest.
 */
export interface RewardState {
  /** Differential Sharpe: exponential moving estimate A of the first moment of returns. */
  a: number;
  /** Differential Sharpe: exponential moving estimate B of the second moment of returns. */
  b: number;
  /** Drawdown penalty: drawdown (fraction of peak) after the previous step. */
  drawdown: number;
  /** Rewards computed earlier in this episode (0 on the first step). */
  steps: number;
}

/**
 * A reward: a pure function of the transition and the per-episode state (which it may update). It shapes
 * learning only. Reported performance is computed from `info.equity` (and `info.logReturn`), which no reward
 * choice changes; an evaluator must read those, not the reward, for returns, Sharpe and drawdowns.
 *
 * @example
 * const clipped: RewardFn = (ctx) => Math.max(-0.05, Math.min(0.05, ctx.logReturn));
 * new TradingEnv(config, source, { reward: clipped });
 */
export type RewardFn = (ctx: RewardContext, state: RewardState) => number;

/**
 * The `reward` key of a trading env config. Custom functions are passed to the env's constructor instead
 * (functions are not JSON).
 *
 * @example
 * rewardConfigSchema.parse({ kind: 'differential-sharpe' }); // { kind: 'differential-sharpe', eta: 0.01 }
 */
export const rewardConfigSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('log-return') }),
    z.strictObject({
      kind: z.literal('differential-sharpe'),
      eta: z
        .number()
        .gt(0)
        .lt(1)
        .default(0.01)
        .describe('decay η of the moving moment estimates, per step (≈ 1/η steps of memory)'),
    }),
    z.strictObject({
      kind: z.literal('drawdown-penalised'),
      lambda: z
        .number()
        .min(0)
        .default(1)
        .describe('penalty λ per unit increase of drawdown (a fraction of peak equity); 0 = plain log return'),
    }),
  ])
  .default(() => ({ kind: 'log-return' as const }))
  .describe('reward that shapes learning (reported metrics always come from equity): log-return, differential-sharpe, drawdown-penalised');

/** Resolved reward configuration. */
export type RewardConfig = z.output<typeof rewardConfigSchema>;

/** A zeroed {@link RewardState}. */
export function createRewardState(): RewardState {
  return { a: 0, b: 0, drawdown: 0, steps: 0 };
}

/** Zeroes `state` in place (called by the env at every reset). */
export function resetRewardState(state: RewardState): void {
  state.a = 0;
  state.b = 0;
  state.drawdown = 0;
  state.steps = 0;
}

/**
 * The default reward: the log change of net equity from t to t+1, ln(equity[t+1]/equity[t]), net of costs.
 * Summed over an episode it is the log of the episode's growth factor.
 *
 * @example
 * logReturn({ ...ctx, logReturn: 0.01 }, state); // 0.01
 */
export const logReturn: RewardFn = (ctx) => ctx.logReturn;

/**
 * Moody & Saffell's differential Sharpe ratio (Moody, Wu, Liao & Saffell 1998; Moody & Saffell 2001) with
 * decay η, on the per-step log return R_t = ctx.logReturn:
 *
 *   ΔA = R_t − A,  ΔB = R_t² − B,
 *   D_t = (B·ΔA − ½·A·ΔB) / (B − A²)^{3/2}   (A, B before the update),
 *   A ← A + η·ΔA,  B ← B + η·ΔB.
 *
 * A and B start at 0 every episode (kept in `state.a`, `state.b`), as in the papers. D_t is 0 while the moving
 * variance B − A² is not positive (the first step, and every step until returns differ from 0). Because the
 * moments start at zero, the first few D_t can be large; an η near 1/(episode length) keeps them tame.
 * D_t is the first-order sensitivity of an exponential moving Sharpe ratio to R_t, per step (unitless).
 *
 * @example
 * const dsr = differentialSharpe(0.01);
 * dsr(ctx, state); // updates state.a, state.b
 */
export function differentialSharpe(eta: number): RewardFn {
  return (ctx, state) => {
    const r = ctx.logReturn;
    const a = state.a;
    const b = state.b;
    const dA = r - a;
    const dB = r * r - b;
    const variance = b - a * a;
    const d = variance > 0 ? (b * dA - 0.5 * a * dB) / (variance * Math.sqrt(variance)) : 0;
    state.a = a + eta * dA;
    state.b = b + eta * dB;
    return d;
  };
}

/**
 * Log return minus λ times the increase in drawdown: R_t − λ·max(0, DD_t − DD_{t−1}), with the drawdown
 * DD_t = 1 − equityAfter/peakEquity (a fraction of the running peak; 0 at a new high; above 1 when equity is
 * negative) and DD before the first step = 0. Only deepening a drawdown is penalised; recovering earns the
 * log return alone.
 *
 * @example
 * drawdownPenalised(2)(ctx, state); // ctx.logReturn − 2·(increase in drawdown)
 */
export function drawdownPenalised(lambda: number): RewardFn {
  return (ctx, state) => {
    const drawdown = ctx.peakEquity > 0 ? 1 - ctx.equityAfter / ctx.peakEquity : 0;
    const increase = drawdown > state.drawdown ? drawdown - state.drawdown : 0;
    state.drawdown = drawdown;
    return ctx.logReturn - lambda * increase;
  };
}

/**
 * The reward function a config names.
 *
 * @example
 * rewardFromConfig({ kind: 'drawdown-penalised', lambda: 0.5 });
 */
export function rewardFromConfig(config: RewardConfig): RewardFn {
  switch (config.kind) {
    case 'log-return':
      return logReturn;
    case 'differential-sharpe':
      return differentialSharpe(config.eta);
    case 'drawdown-penalised':
      return drawdownPenalised(config.lambda);
  }
}
