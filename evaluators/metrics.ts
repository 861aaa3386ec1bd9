import { TRADING_DAYS_PER_YEAR } from '../src/data/bars.js';

/**
 * What one evaluation episode recorded, one entry per step (decision at t, filled and marked at t+1).
 * Built by {@link evaluatePolicy}; all arrays have the same length.
 */
export interface EquityTrace {
  /** Net equity after each step (currency), marked at the close of the fill bar. */
  readonly equity: Float64Array;
  /** Equity before the first step (currency). */
  readonly initialEquity: number;
  /** Per-step log change of net equity (the env's reward). */
  readonly logReturns: Float64Array;
  /** Weight held after each step's fill (fraction of equity, signed). */
  readonly position: Float64Array;
  /** Notional traded at each step's fill (currency, ≥ 0). */
  readonly traded: Float64Array;
  /** Costs paid at each step (currency): half-spread + impact + commission. */
  readonly cost: Float64Array;
  /** Epoch ms of each step's fill bar. */
  readonly time: Float64Array;
}

/**
 * Performance of one equity trace. Returns are net of all costs; rates are per year with 252 trading days;
 * the risk-free rate is 0. Fractions, not percent (0.05 = 5%).
 */
export interface PerformanceMetrics {
  /** Number of steps (daily bars) in the trace. */
  steps: number;
  /** E_T / E_0 − 1. */
  totalReturn: number;
  /** exp(252 · mean log return) − 1 (geometric annualisation). */
  annualReturn: number;
  /** Sample std (ddof 1) of per-step log returns × √252. */
  annualVolatility: number;
  /** mean / std of per-step log returns × √252 (0 when std is 0). */
  sharpe: number;
  /** mean / downside deviation × √252, downside deviation = sqrt(mean(min(r, 0)²)) (0 when it is 0). */
  sortino: number;
  /** Largest peak-to-trough fall of equity, as a fraction of the peak (initial equity counts as a peak). */
  maxDrawdown: number;
  /** annualReturn / maxDrawdown (0 when there is no drawdown). */
  calmar: number;
  /** Traded notional / equity, summed per step and annualised: how many times a year the book turns over. */
  turnover: number;
  /** Total costs paid / initial equity. */
  costPaid: number;
  /** Mean |position| (fraction of equity). */
  exposure: number;
  /** Fraction of invested steps (|position| > 0) with a positive return; NaN when never invested. */
  hitRate: number;
}

/**
 * Computes {@link PerformanceMetrics} from a trace.
 *
 * @example
 * const m = computeMetrics(trace); m.sharpe; m.maxDrawdown;
 * @throws RangeError when the trace is empty.
 */
export function computeMetrics(trace: EquityTrace): PerformanceMetrics {
  const n = trace.logReturns.length;
  if (n === 0) throw new RangeError('computeMetrics needs at least one step');
  const r = trace.logReturns;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += r[i];
  const mean = sum / n;
  let ss = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    ss += (r[i] - mean) ** 2;
    if (r[i] < 0) down += r[i] * r[i];
  }
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const downside = Math.sqrt(down / n);
  const annualReturn = Math.expm1(TRADING_DAYS_PER_YEAR * mean);
  const maxDrawdown = computeMaxDrawdown(trace.initialEquity, trace.equity);

  let turnover = 0;
  let cost = 0;
  let exposure = 0;
  let invested = 0;
  let hits = 0;
  let prevEquity = trace.initialEquity;
  for (let i = 0; i < n; i++) {
    turnover += trace.traded[i] / prevEquity;
    prevEquity = trace.equity[i];
    cost += trace.cost[i];
    const p = Math.abs(trace.position[i]);
    exposure += p;
    if (p > 0) {
      invested++;
      if (r[i] > 0) hits++;
    }
  }
  const sqrtYear = Math.sqrt(TRADING_DAYS_PER_YEAR);
  return {
    steps: n,
    totalReturn: Math.expm1(sum),
    annualReturn,
    annualVolatility: std * sqrtYear,
    sharpe: std > 0 ? (mean / std) * sqrtYear : 0,
    sortino: downside > 0 ? (mean / downside) * sqrtYear : 0,
    maxDrawdown,
    calmar: maxDrawdown > 0 ? annualReturn / maxDrawdown : 0,
    turnover: (turnover / n) * TRADING_DAYS_PER_YEAR,
    costPaid: cost / trace.initialEquity,
    exposure: exposure / n,
    hitRate: invested > 0 ? hits / invested : Number.NaN,
  };
}

/** Largest fall from a running peak, as a fraction of that peak; `initial` is the first peak. */
export function computeMaxDrawdown(initial: number, equity: ArrayLike<number>): number {
  let peak = initial;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    const dd = 1 - e / peak;
    if (dd > worst) worst = dd;
  }
  return worst;
}

/**
 * Chains traces end to end (fold after fold) as if each fold's book were rolled into the next: per-step log
 * returns, positions and costs are concatenated; equity is rescaled so fold k starts where fold k−1 ended.
 * Used for pooled out-of-sample metrics across walk-forward folds.
 */
export function chainTraces(traces: readonly EquityTrace[]): EquityTrace {
  const n = traces.reduce((s, t) => s + t.logReturns.length, 0);
  const out = {
    equity: new Float64Array(n),
    initialEquity: traces.length > 0 ? traces[0].initialEquity : 1,
    logReturns: new Float64Array(n),
    position: new Float64Array(n),
    traded: new Float64Array(n),
    cost: new Float64Array(n),
    time: new Float64Array(n),
  };
  let offset = 0;
  let level = out.initialEquity;
  for (const t of traces) {
    const scale = level / t.initialEquity;
    for (let i = 0; i < t.logReturns.length; i++) {
      out.equity[offset + i] = t.equity[i] * scale;
      out.traded[offset + i] = t.traded[i] * scale;
      out.cost[offset + i] = t.cost[i] * scale;
    }
    out.logReturns.set(t.logReturns, offset);
    out.position.set(t.position, offset);
    out.time.set(t.time, offset);
    offset += t.logReturns.length;
    if (t.logReturns.length > 0) level = out.equity[offset - 1];
  }
  return out;
}

/** Arithmetic mean of each metric across folds (NaN-aware: a NaN fold is skipped). */
export function meanMetrics(all: readonly PerformanceMetrics[]): PerformanceMetrics {
  const keys = Object.keys(all[0]) as (keyof PerformanceMetrics)[];
  const out = {} as PerformanceMetrics;
  for (const k of keys) {
    const vals = all.map((m) => m[k]).filter((v) => !Number.isNaN(v));
    out[k] = vals.length > 0 ? vals.reduce((a, b) => a + b, 0) / vals.length : Number.NaN;
  }
  return out;
}
