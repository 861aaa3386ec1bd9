/**
 * Derivative-free bounded minimisation for the generators' maximum-likelihood fits.
 *
 * {@link minimize} is Nelder-Mead with the adaptive coefficients of Gao & Han (2012): reflection 1,
 * expansion 1 + 2/n, contraction 0.75 − 1/(2n), shrink 1 − 1/n. For n = 2 these are the classic
 * 1, 2, ½, ½; for larger n they keep the simplex from flattening, which is what makes plain Nelder-Mead
 * stall beyond a handful of dimensions.
 *
 * Bounds are handled by **projection**: a reflected or expanded trial point is clamped coordinate-wise
 * into `[lower, upper]` before it is evaluated. Contractions and shrinks are convex combinations of
 * points already inside the box, so every point ever evaluated is feasible. Clamping can flatten the
 * simplex against a face; when the optimum lies on that face this is harmless (the search carries on in
 * the face), and when it does not, the restart below rebuilds a full-dimensional simplex. Projection
 * was preferred to a smooth change of variables (sin / sqrt transforms) because it keeps `xtol` in the
 * caller's units and reaches a bound exactly rather than asymptotically.
 *
 * Nelder-Mead can converge to a non-stationary point when its simplex collapses (McKinnon 1998), so
 * after the first convergence the search restarts from the best point with a fresh simplex of the
 * initial size, and keeps restarting (at most {@link MAX_RESTARTS} times) while a restart still lowers
 * the objective by more than `ftol`.
 *
 * Non-finite objective values (`NaN`, `±Infinity`) count as `+Infinity`, so an objective can reject an
 * infeasible region (a non-stationary GARCH, say) simply by returning `Infinity`.
 *
 * Everything is deterministic: no randomness is used, so equal inputs give equal outputs bit for bit.
 */

/** Options for {@link minimize}. Coordinates without a bound may be given `±Infinity`. */
export interface MinimizeOptions {
  /** Lower bounds, one per coordinate (default −∞). */
  readonly lower?: ArrayLike<number>;
  /** Upper bounds, one per coordinate (default +∞). */
  readonly upper?: ArrayLike<number>;
  /** Maximum Nelder-Mead iterations, summed over restarts (default 2000·n). */
  readonly maxIter?: number;
  /** Simplex size tolerance, per coordinate, relative: |x_i − x_best| ≤ xtol·(1 + |x_best|) (default 1e-8). */
  readonly xtol?: number;
  /** Objective spread tolerance over the simplex, relative: |f_i − f_best| ≤ ftol·(1 + |f_best|) (default 1e-12). */
  readonly ftol?: number;
  /**
   * Edge length of the initial simplex along each axis, a scalar or one per coordinate. Default
   * 5% of |x0_i|, or 0.00025 when x0_i = 0 (scipy's choice). Steps that would leave the box are
   * taken in the opposite direction, or shortened to half the box width.
   */
  readonly initialStep?: number | ArrayLike<number>;
}

/** The outcome of a minimisation. */
export interface MinimizeResult {
  /** The best point found (always inside the bounds). */
  readonly x: Float64Array;
  /** f(x); `Infinity` when no finite value was ever seen. */
  readonly fx: number;
  /** Whether both tolerances were met and a restart confirmed the point. */
  readonly converged: boolean;
  /** Nelder-Mead iterations used, over all restarts. */
  readonly iterations: number;
  /** Objective evaluations used. */
  readonly evaluations: number;
  /** Why the search stopped, in words. */
  readonly message: string;
}

/** The outcome of {@link minimizeMultiStart}: the best local optimum, plus every distinct one found. */
export interface MultiStartResult extends MinimizeResult {
  /** Distinct local optima (one per basin reached, best first); `x` and `fx` above are `optima[0]`'s. */
  readonly optima: readonly MinimizeResult[];
  /** Index into `starts` of the start that reached the best optimum. */
  readonly bestStart: number;
}

/** Upper limit on restarts from the best point after the first convergence. */
export const MAX_RESTARTS = 5;

const DEFAULT_XTOL = 1e-8;
const DEFAULT_FTOL = 1e-12;

/**
 * Minimises `f` over the box `[lower, upper]` by adaptive Nelder-Mead with projection onto the bounds
 * and restarts (see the module comment). `f` receives a scratch `Float64Array` that it must not keep.
 *
 * @param f objective; non-finite results are treated as `+Infinity`.
 * @param x0 starting point; clamped into the bounds first.
 * @returns the best point; `converged` is false when `maxIter` ran out or f was never finite.
 * @throws RangeError when the bounds' lengths differ from x0's, or a lower bound exceeds its upper bound.
 * @example
 * const r = minimize((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, [0, 0], { lower: [0, 0] });
 * r.x; // ≈ [1, 0] — the second coordinate is held at its bound
 */
export function minimize(f: (x: Float64Array) => number, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('minimize needs at least one coordinate');
  const lo = boundVector(opts.lower, n, -Infinity, 'lower');
  const hi = boundVector(opts.upper, n, Infinity, 'upper');
  for (let j = 0; j < n; j++) {
    if (!(lo[j] <= hi[j])) throw new RangeError(`bound ${j}: lower ${lo[j]} exceeds upper ${hi[j]}`);
  }
  const maxIter = opts.maxIter ?? 2000 * n;
  const xtol = opts.xtol ?? DEFAULT_XTOL;
  const ftol = opts.ftol ?? DEFAULT_FTOL;

  const start = new Float64Array(n);
  for (let j = 0; j < n; j++) start[j] = clamp(Number(x0[j]), lo[j], hi[j]);
  const steps = stepVector(opts.initialStep, start, lo, hi);

  let evaluations = 0;
  const evalF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  const best = Float64Array.from(start);
  let fBest = evalF(best);
  let iterations = 0;
  let converged = false;
  let message = '';
  for (let round = 0; round <= MAX_RESTARTS; round++) {
    const run = nelderMead(evalF, best, fBest, steps, lo, hi, maxIter - iterations, xtol, ftol);
    iterations += run.iterations;
    const improvement = fBest - run.fx;
    if (run.fx < fBest || (run.fx === fBest && round === 0)) {
      best.set(run.x);
      fBest = run.fx;
    }
    if (!Number.isFinite(fBest)) {
      message = 'the objective was not finite at any point of the initial simplex';
      break;
    }
    if (!run.converged) {
      message = `iteration limit (${maxIter}) reached before the simplex met the tolerances`;
      break;
    }
    // A restart that cannot lower f by more than ftol confirms the point (round 0 always restarts).
    if (round > 0 && !(improvement > ftol * (1 + Math.abs(fBest)))) {
      converged = true;
      message = `converged: simplex within xtol=${xtol}, ftol=${ftol}; confirmed by ${round} restart(s)`;
      break;
    }
    if (round === MAX_RESTARTS) {
      converged = true;
      message = `converged after ${MAX_RESTARTS} restarts, each still improving f by more than ftol`;
    }
  }
  return { x: best, fx: fBest, converged, iterations, evaluations, message };
}

/**
 * Runs {@link minimize} from each start and returns the best result together with the distinct local
 * optima. Two results are the same optimum when every coordinate agrees within `distinctTol·(1 + |x|)`.
 * Ties in f are broken by start order, so the result does not depend on anything but the inputs.
 *
 * @param starts at least one starting point.
 * @param opts as for {@link minimize}, plus `distinctTol` (default 1e-4).
 * @throws RangeError when `starts` is empty.
 * @example
 * const r = minimizeMultiStart((x) => (x[0] * x[0] - 1) ** 2, [[-2], [2]]);
 * r.optima.length; // 2 — the minima at −1 and +1
 */
export function minimizeMultiStart(
  f: (x: Float64Array) => number,
  starts: readonly ArrayLike<number>[],
  opts: MinimizeOptions & { readonly distinctTol?: number } = {},
): MultiStartResult {
  if (starts.length === 0) throw new RangeError('minimizeMultiStart needs at least one start');
  const tol = opts.distinctTol ?? 1e-4;
  const results = starts.map((s) => minimize(f, s, opts));
  const order = results.map((_, i) => i).sort((a, b) => (results[a].fx < results[b].fx ? -1 : results[a].fx > results[b].fx ? 1 : a - b));
  const optima: MinimizeResult[] = [];
  for (const i of order) {
    const r = results[i];
    if (!Number.isFinite(r.fx)) continue;
    if (!optima.some((o) => samePoint(o.x, r.x, tol))) optima.push(r);
  }
  const bestStart = order[0];
  const best = results[bestStart];
  return { ...best, optima, bestStart };
}

// ---------------------------------------------------------------------------------------------------

interface RunResult {
  x: Float64Array;
  fx: number;
  converged: boolean;
  iterations: number;
}

/** One Nelder-Mead descent from `x0` (with known f0) on a fresh axis-aligned simplex. */
function nelderMead(
  evalF: (x: Float64Array) => number,
  x0: Float64Array,
  f0: number,
  steps: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  maxIter: number,
  xtol: number,
  ftol: number,
): RunResult {
  const n = x0.length;
  const rho = 1;
  const chi = 1 + 2 / n;
  const psi = 0.75 - 1 / (2 * n);
  const sigma = 1 - 1 / n || 0.5; // n = 1: Gao-Han's shrink would be 0; use the classic ½

  const sim: Float64Array[] = [];
  const fs = new Float64Array(n + 1);
  sim.push(Float64Array.from(x0));
  fs[0] = f0;
  for (let k = 0; k < n; k++) {
    const v = Float64Array.from(x0);
    v[k] = clamp(v[k] + steps[k], lo[k], hi[k]);
    sim.push(v);
    fs[k + 1] = evalF(v);
  }
  const idx = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) idx[i] = i;
  const c = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);

  let it = 0;
  let converged = false;
  for (;;) {
    sortByF(idx, fs);
    const b = idx[0];
    if (!Number.isFinite(fs[b])) break;
    if (spreadWithin(sim, fs, idx, xtol, ftol)) {
      converged = true;
      break;
    }
    if (it >= maxIter) break;
    it++;

    const w = idx[n];
    const xw = sim[w];
    c.fill(0);
    for (let i = 0; i < n; i++) {
      const v = sim[idx[i]];
      for (let j = 0; j < n; j++) c[j] += v[j];
    }
    for (let j = 0; j < n; j++) c[j] /= n;

    for (let j = 0; j < n; j++) xr[j] = clamp(c[j] + rho * (c[j] - xw[j]), lo[j], hi[j]);
    const fr = evalF(xr);
    if (fr < fs[b]) {
      for (let j = 0; j < n; j++) xe[j] = clamp(c[j] + chi * (xr[j] - c[j]), lo[j], hi[j]);
      const fe = evalF(xe);
      if (fe < fr) accept(sim, fs, w, xe, fe);
      else accept(sim, fs, w, xr, fr);
      continue;
    }
    if (fr < fs[idx[n - 1]]) {
      accept(sim, fs, w, xr, fr);
      continue;
    }
    if (fr < fs[w]) {
      for (let j = 0; j < n; j++) xc[j] = c[j] + psi * (xr[j] - c[j]);
      const fc = evalF(xc);
      if (fc <= fr) {
        accept(sim, fs, w, xc, fc);
        continue;
      }
    } else {
      for (let j = 0; j < n; j++) xc[j] = c[j] + psi * (xw[j] - c[j]);
      const fc = evalF(xc);
      if (fc < fs[w]) {
        accept(sim, fs, w, xc, fc);
        continue;
      }
    }
    // Shrink every vertex towards the best one.
    const xb = sim[b];
    for (let i = 1; i <= n; i++) {
      const v = sim[idx[i]];
      for (let j = 0; j < n; j++) v[j] = xb[j] + sigma * (v[j] - xb[j]);
      fs[idx[i]] = evalF(v);
    }
  }
  sortByF(idx, fs);
  return { x: Float64Array.from(sim[idx[0]]), fx: fs[idx[0]], converged, iterations: it };
}

function accept(sim: Float64Array[], fs: Float64Array, i: number, x: Float64Array, fx: number): void {
  sim[i].set(x);
  fs[i] = fx;
}

/** Insertion sort of vertex indices by objective value (stable, so ties keep their order). */
function sortByF(idx: Int32Array, fs: Float64Array): void {
  for (let i = 1; i < idx.length; i++) {
    const v = idx[i];
    const fv = fs[v];
    let k = i - 1;
    while (k >= 0 && fs[idx[k]] > fv) {
      idx[k + 1] = idx[k];
      k--;
    }
    idx[k + 1] = v;
  }
}

function spreadWithin(sim: Float64Array[], fs: Float64Array, idx: Int32Array, xtol: number, ftol: number): boolean {
  const b = sim[idx[0]];
  const fb = fs[idx[0]];
  for (let i = 1; i < idx.length; i++) {
    if (!(Math.abs(fs[idx[i]] - fb) <= ftol * (1 + Math.abs(fb)))) return false;
    const v = sim[idx[i]];
    for (let j = 0; j < b.length; j++) if (!(Math.abs(v[j] - b[j]) <= xtol * (1 + Math.abs(b[j])))) return false;
  }
  return true;
}

function samePoint(a: Float64Array, b: Float64Array, tol: number): boolean {
  for (let j = 0; j < a.length; j++) if (!(Math.abs(a[j] - b[j]) <= tol * (1 + Math.abs(a[j])))) return false;
  return true;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function boundVector(b: ArrayLike<number> | undefined, n: number, fill: number, name: string): Float64Array {
  const out = new Float64Array(n).fill(fill);
  if (b === undefined) return out;
  if (b.length !== n) throw new RangeError(`${name} has ${b.length} entries, x0 has ${n}`);
  for (let j = 0; j < n; j++) out[j] = Number.isNaN(b[j]) ? fill : b[j];
  return out;
}

/** Initial simplex steps: requested (or 5% / 0.00025) and turned or shortened to stay inside the box. */
function stepVector(step: number | ArrayLike<number> | undefined, x: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = step === undefined ? (x[j] !== 0 ? 0.05 * Math.abs(x[j]) : 0.00025) : typeof step === 'number' ? step : step[j];
    s = Math.abs(s) || 0.00025;
    if (x[j] + s > hi[j]) s = x[j] - s >= lo[j] ? -s : 0.5 * (hi[j] - lo[j]) * (hi[j] - x[j] >= x[j] - lo[j] ? 1 : -1);
    out[j] = s;
  }
  return out;
}
