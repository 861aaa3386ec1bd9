import { describe, expect, it } from 'vitest';
import { chainTraces, computeMaxDrawdown, computeMetrics } from './metrics.js';
import type { EquityTrace } from './metrics.js';

/** A trace from per-step equity levels, with given positions, traded notional and costs. */
function trace(initial: number, equity: number[], position: number[], traded: number[], cost: number[]): EquityTrace {
  const logReturns = equity.map((e, i) => Math.log(e / (i === 0 ? initial : equity[i - 1])));
  return {
    initialEquity: initial,
    equity: Float64Array.from(equity),
    logReturns: Float64Array.from(logReturns),
    position: Float64Array.from(position),
    traded: Float64Array.from(traded),
    cost: Float64Array.from(cost),
    time: Float64Array.from(equity.map((_, i) => i)),
  };
}

describe('computeMetrics', () => {
  const t = trace(100, [110, 99, 108.9, 108.9], [1, 1, 1, 0], [100, 0, 0, 108.9], [0.1, 0, 0, 0.2]);
  const m = computeMetrics(t);
  const r = [Math.log(1.1), Math.log(0.9), Math.log(1.1), 0];
  const mean = r.reduce((a, b) => a + b) / 4;
  const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);

  it('computes returns and risk by hand', () => {
    expect(m.steps).toBe(4);
    expect(m.totalReturn).toBeCloseTo(0.089, 12);
    expect(m.annualReturn).toBeCloseTo(Math.exp(252 * mean) - 1, 10);
    expect(m.annualVolatility).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    expect(m.sortino).toBeCloseTo((mean / Math.sqrt(Math.log(0.9) ** 2 / 4)) * Math.sqrt(252), 10);
  });

  it('measures drawdown from the running peak', () => {
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12); // 110 → 99
    expect(computeMaxDrawdown(100, [90, 120, 60, 130])).toBeCloseTo(0.5, 12);
    expect(computeMaxDrawdown(100, [101, 102])).toBe(0);
  });

  it('measures turnover, costs, exposure and hit rate', () => {
    // traded / equity before the trade: 100/100 + 108.9/108.9 = 2 over 4 steps, annualised × 252
    expect(m.turnover).toBeCloseTo((2 / 4) * 252, 10);
    expect(m.costPaid).toBeCloseTo(0.3 / 100, 12);
    expect(m.exposure).toBeCloseTo(0.75, 12);
    expect(m.hitRate).toBeCloseTo(2 / 3, 12);
  });

  it('gives zero ratios for a flat trace and NaN hit rate when never invested', () => {
    const flat = computeMetrics(trace(100, [100, 100], [0, 0], [0, 0], [0, 0]));
    expect(flat.sharpe).toBe(0);
    expect(flat.sortino).toBe(0);
    expect(flat.calmar).toBe(0);
    expect(Number.isNaN(flat.hitRate)).toBe(true);
  });

  it('throws on an empty trace', () => {
    expect(() => computeMetrics(trace(100, [], [], [], []))).toThrow(RangeError);
  });
});

describe('chainTraces', () => {
  it('rolls each fold into the next: total return compounds', () => {
    const a = trace(100, [110], [1], [100], [1]);
    const b = trace(100, [120], [1], [100], [1]);
    const c = chainTraces([a, b]);
    expect([...c.equity]).toEqual([110, 132]);
    expect(computeMetrics(c).totalReturn).toBeCloseTo(0.32, 12);
    expect([...c.cost]).toEqual([1, 1.1]);
  });
});
