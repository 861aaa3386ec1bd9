import { describe, expect, it } from 'vitest';
import { minimize, minimizeMultiStart } from './optimize.js';

/** Rosenbrock's banana in n dimensions: minimum 0 at (1, …, 1). */
function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2;
  return s;
}

describe('minimize', () => {
  it('finds the 2-D Rosenbrock minimum to 1e-6', () => {
    const r = minimize(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
    expect(r.fx).toBeLessThan(1e-12);
  });

  it('finds the 4-D Rosenbrock minimum to 1e-6', () => {
    const r = minimize(rosenbrock, [-1.2, 1, -1.2, 1]);
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
  });

  it('stops on a bound when the unconstrained optimum lies outside the box', () => {
    // Unconstrained minimum at (2, −3); the box [0, 1] × [−1, 5] puts the constrained one at (1, −1).
    const f = (x: Float64Array): number => (x[0] - 2) ** 2 + (x[1] + 3) ** 2 + 0.5 * (x[0] - 2) * (x[1] + 3);
    const r = minimize(f, [0.5, 2], { lower: [0, -1], upper: [1, 5] });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(-1, 7);
    // Every evaluated point was feasible: the reported point is inside the box exactly.
    expect(r.x[0]).toBeLessThanOrEqual(1);
    expect(r.x[1]).toBeGreaterThanOrEqual(-1);
  });

  it('minimises a 6-D ill-conditioned quadratic', () => {
    // f = Σ_i λ_i (x_i − c_i)² + Σ_i 0.1 (x_i − c_i)(x_{i+1} − c_{i+1}), λ from 1 to 100 (condition ≈ 100).
    const c = [1, -2, 3, 0.5, -0.25, 4];
    const lambda = [1, 3, 10, 30, 60, 100];
    const f = (x: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < 6; i++) {
        const d = x[i] - c[i];
        s += lambda[i] * d * d;
        if (i < 5) s += 0.1 * d * (x[i + 1] - c[i + 1]);
      }
      return s;
    };
    const r = minimize(f, [0, 0, 0, 0, 0, 0]);
    expect(r.converged).toBe(true);
    for (let i = 0; i < 6; i++) expect(Math.abs(r.x[i] - c[i])).toBeLessThan(1e-6);
  });

  it('treats NaN and infinite values as +Infinity (an infeasible region)', () => {
    // Minimum of (x − 2)² subject to x ≤ 1, expressed by returning NaN beyond 1.
    const r = minimize((x) => (x[0] > 1 ? NaN : (x[0] - 2) ** 2), [0]);
    expect(r.x[0]).toBeGreaterThan(1 - 1e-6);
    expect(r.x[0]).toBeLessThanOrEqual(1);
  });

  it('reports failure when the iteration limit is hit', () => {
    const r = minimize(rosenbrock, [-1.2, 1], { maxIter: 10 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBeLessThanOrEqual(10);
    expect(r.message).toMatch(/iteration limit/);
  });

  it('is deterministic', () => {
    const a = minimize(rosenbrock, [-1.2, 1, 0.3]);
    const b = minimize(rosenbrock, [-1.2, 1, 0.3]);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.evaluations).toBe(b.evaluations);
  });

  it('rejects inconsistent bounds', () => {
    expect(() => minimize(rosenbrock, [0, 0], { lower: [1, 0], upper: [0, 1] })).toThrow(RangeError);
    expect(() => minimize(rosenbrock, [0, 0], { lower: [0] })).toThrow(RangeError);
  });
});

describe('minimizeMultiStart', () => {
  it('returns the best optimum and lists the distinct ones', () => {
    // A tilted double well: local minimum near x = +1, global near x = −1.
    const f = (x: Float64Array): number => (x[0] * x[0] - 1) ** 2 + 0.1 * x[0];
    const r = minimizeMultiStart(f, [[2], [-2], [1.5]]);
    expect(r.optima.length).toBe(2);
    expect(r.x[0]).toBeLessThan(-0.9);
    expect(r.bestStart).toBe(1);
    expect(r.optima[0].fx).toBe(r.fx);
    expect(r.optima[1].x[0]).toBeGreaterThan(0.9);
  });
});
