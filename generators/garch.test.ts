import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { autocorrelation, excessKurtosis, mean, variance } from '../src/stats/descriptive.js';
import { fitGarchReturns, garch, garchBackcast, garchConfigSchema, garchLogLik, simulateGarchReturns } from './garch.js';
import type { GarchAssetParams, GarchConfig, GarchParams } from './garch.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import { ohlcViolation } from './ohlc.js';

const asset = (over: Partial<GarchAssetParams> = {}): GarchAssetParams => ({
  symbol: 'SPX',
  model: 'garch',
  innovations: 'normal',
  mu: 0.03,
  omega: 0.05,
  alpha: 0.1,
  gamma: 0,
  beta: 0.85,
  nu: null,
  initialVariance: 'unconditional',
  lastVariance: 1,
  overnightShare: 0.2,
  volume: { logMean: 14, logStd: 0.4, elasticity: 1 },
  initialPrice: 100,
  fit: { loglik: 0, nobs: 0, backcast: 1, localOptima: [] },
  ...over,
});

const config = (over: Partial<GarchConfig> = {}): GarchConfig => garchConfigSchema.parse(over);

/** Percent close-to-close log returns 100·ln(close_t/close_{t−1}), the first taken from `initialPrice`. */
function percentReturns(bars: Bars, initialPrice?: number): Float64Array {
  const first = initialPrice === undefined ? 1 : 0;
  const y = new Float64Array(bars.length - first);
  for (let t = first; t < bars.length; t++) {
    const prev = t === 0 ? initialPrice! : bars.close[t - 1];
    y[t - first] = 100 * Math.log(bars.close[t] / prev);
  }
  return y;
}

/** Ljung-Box Q(m) = n(n + 2)·Σ_{k≤m} ρ̂²_k/(n − k), with statsmodels' acf (denominator n). */
function ljungBox(x: ArrayLike<number>, m: number): number {
  const n = x.length;
  let q = 0;
  for (let k = 1; k <= m; k++) q += autocorrelation(x, k) ** 2 / (n - k);
  return n * (n + 2) * q;
}
/** χ²(10) upper 1% point. */
const CHI2_10_99 = 23.209;

function expectCode(run: () => unknown, code: string, path?: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RlError);
    expect((e as RlError).code).toBe(code);
    if (path !== undefined) expect((e as ConfigError).path).toBe(path);
    return;
  }
  throw new Error(`expected an error with code ${code}`);
}

function bytesOf(panels: Bars[][]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

// ---------------------------------------------------------------------------------------------------
// Reference fits (scipy SLSQP with arch's backcast; /work/shared/peers/reference_stats.json)

const REF_FILE = new URL('../../shared/peers/reference_stats.json', import.meta.url);
const FIXTURES = new URL('../../shared/peers/fixtures/', import.meta.url);
const hasRef = existsSync(REF_FILE);
const refTitle = hasRef ? 'garch reference fits' : 'garch reference fits (skipped: ../shared/peers/reference_stats.json is not present)';

interface RefFit {
  mu: number;
  omega: number;
  alpha: number;
  beta: number;
  loglik: number;
  backcast: number;
  nobs: number;
  at_boundary: boolean;
}

describe.skipIf(!hasRef)(refTitle, () => {
  const ref = (name: string): RefFit =>
    (JSON.parse(readFileSync(REF_FILE, 'utf8')) as { series: Record<string, { garch11_harness_mle: RefFit }> }).series[name].garch11_harness_mle;
  const fixture = (name: string): Float64Array => {
    const rows = readFileSync(new URL(`${name}.csv`, FIXTURES), 'utf8').trim().split('\n').slice(2); // header, then t = 0 (no return)
    return new Float64Array(rows.map((line) => 100 * Number(line.split(',')[2])));
  };

  it('sp500 (builtin): the generator fit matches the reference log-likelihood within 1e-3 and its parameters', () => {
    const r = ref('sp500');
    const [a] = garch.fit([loadBuiltinSp500()], config(), {}).assets;
    expect(a.fit.nobs).toBe(r.nobs);
    expect(a.fit.backcast).toBeCloseTo(r.backcast, 10);
    expect(Math.abs(a.fit.loglik - r.loglik)).toBeLessThan(1e-3);
    // The optimum is interior and unique; parameters agree to well within their standard errors (~1e-2).
    expect(Math.abs(a.mu - r.mu)).toBeLessThan(1e-4);
    expect(Math.abs(a.omega - r.omega)).toBeLessThan(1e-4);
    expect(Math.abs(a.alpha - r.alpha)).toBeLessThan(1e-4);
    expect(Math.abs(a.beta - r.beta)).toBeLessThan(1e-4);
  });

  it('sim_garch11: matches the reference log-likelihood within 1e-3 and its parameters', () => {
    const r = ref('sim_garch11');
    const y = fixture('sim_garch11');
    const a = fitGarchReturns(y, config());
    expect(a.fit.nobs).toBe(r.nobs);
    expect(a.fit.backcast).toBeCloseTo(r.backcast, 10);
    expect(Math.abs(a.fit.loglik - r.loglik)).toBeLessThan(1e-3);
    for (const k of ['mu', 'omega', 'alpha', 'beta'] as const) expect(Math.abs(a[k] - r[k])).toBeLessThan(1e-4);
  });

  it.each(['sim_iid_normal', 'sim_t_ar1'])('%s (optimum on a bound, several local optima): reaches the reference log-likelihood', (name) => {
    const r = ref(name);
    const a = fitGarchReturns(fixture(name), config());
    expect(r.at_boundary).toBe(true);
    // Parameters are not identified at a boundary optimum; the likelihood is what must agree.
    expect(a.fit.loglik).toBeGreaterThan(r.loglik - 1e-3);
    expect(a.fit.loglik).toBeLessThan(r.loglik + 1e-3);
  });
});

// ---------------------------------------------------------------------------------------------------
// Likelihood conventions

describe('garch likelihood', () => {
  it('backcast: weights 0.94^j over the first min(75, n) residuals, normalised', () => {
    expect(garchBackcast([2, -1])).toBeCloseTo((4 + 0.94 * 1) / 1.94, 14);
    const e = new Float64Array(100).fill(1);
    e[75] = 1e6; // beyond τ = 75: ignored
    expect(garchBackcast(e)).toBeCloseTo(1, 14);
  });

  it('equals the hand-computed Gaussian likelihood on three returns, σ²_1 = ω + (α + γ/2 + β)·backcast', () => {
    const p = { mu: 0.1, omega: 0.2, alpha: 0.1, gamma: 0.2, beta: 0.6, nu: null };
    const y = [1, -2, 0.5];
    const bc = 1.5;
    const h1 = 0.2 + 0.8 * bc;
    const e1 = 0.9;
    const h2 = 0.2 + 0.1 * e1 * e1 + 0.6 * h1;
    const e2 = -2.1;
    const h3 = 0.2 + 0.3 * e2 * e2 + 0.6 * h2;
    const e3 = 0.4;
    const expected = -0.5 * [[h1, e1], [h2, e2], [h3, e3]].reduce((s, [h, e]) => s + Math.log(2 * Math.PI) + Math.log(h) + (e * e) / h, 0);
    const sigma2 = new Float64Array(3);
    const { loglik, next } = garchLogLik(y, bc, p, sigma2);
    expect(loglik).toBeCloseTo(expected, 12);
    expect(Array.from(sigma2)).toEqual([h1, h2, h3].map((h) => expect.closeTo(h, 14)));
    expect(next).toBeCloseTo(0.2 + 0.1 * e3 * e3 + 0.6 * h3, 14);
  });

  it('the standardised-t likelihood tends to the Gaussian one as ν → ∞, and rejects infeasible parameters', () => {
    const y = [0.3, -1.2, 0.8, 2.1, -0.4];
    const p = { mu: 0, omega: 0.1, alpha: 0.1, gamma: 0, beta: 0.8 };
    const gauss = garchLogLik(y, 1, { ...p, nu: null }).loglik;
    expect(garchLogLik(y, 1, { ...p, nu: 1e7 }).loglik).toBeCloseTo(gauss, 4);
    expect(garchLogLik(y, 1, { ...p, beta: 0.9, nu: null }).loglik).toBe(-Infinity); // α + β = 1
    expect(garchLogLik(y, 1, { ...p, omega: 0, nu: null }).loglik).toBe(-Infinity);
    expect(garchLogLik(y, 1, { ...p, nu: 2 }).loglik).toBe(-Infinity);
  });
});

// ---------------------------------------------------------------------------------------------------
// Sampling: volatility clustering, moments, leverage, tails

/*
 * Theory for GARCH(1,1) with normal z and persistence φ = α + β (Bollerslev 1986; He & Teräsvirta 1999):
 *   unconditional variance σ̄² = ω/(1 − φ); kurtosis of e: κ = 3(1 − φ²)/(1 − φ² − 2α²);
 *   ACF of e²: ρ_1 = α(1 − αβ − β²)/(1 − 2αβ − β²), ρ_k = ρ_1·φ^{k−1}.
 * For α = 0.1, β = 0.85: κ = 3·0.0975/0.0775 = 3.774, ρ_1 = 0.179, Σ_k ρ_k = ρ_1/(1 − φ) = 3.58.
 */
describe('garch sampling', () => {
  const p = asset();
  const hBar = p.omega / (1 - p.alpha - p.beta); // 1 (percent²)

  it('shows an ARCH effect: Ljung-Box Q(10) on squared returns rejects at 1%; iid returns do not', () => {
    // With ρ_k above, E[Q(10)] ≈ n·Σ_{k≤10} ρ_k² ≈ n·0.21 ≈ 1000 for n = 5000 (the sample ACF of squares is
    // biased towards 0 under heavy tails, but not by a factor 40): far beyond χ²(10)'s 1% point, 23.2.
    const [[bars]] = garch.sample({ assets: [p] }, Rng.fromSeed('garch-arch'), { length: 5000, paths: 1 });
    const e2 = percentReturns(bars, p.initialPrice).map((y) => (y - p.mu) ** 2);
    expect(ljungBox(e2, 10)).toBeGreaterThan(CHI2_10_99);
    // Control: α = β = 0 is iid N(μ, ω); Q(10) ~ χ²(10) and exceeds 23.2 with probability 1% (fixed seed).
    const iid = asset({ alpha: 0, beta: 0, omega: 1 });
    const [[flat]] = garch.sample({ assets: [iid] }, Rng.fromSeed('garch-arch'), { length: 5000, paths: 1 });
    expect(ljungBox(percentReturns(flat, 100).map((y) => (y - iid.mu) ** 2), 10)).toBeLessThan(CHI2_10_99);
  });

  it('unconditional variance of a long sample ≈ ω/(1 − α − β)', () => {
    // Every path starts at σ̄², and E[σ²_{t+1}] = ω + φ·E[σ²_t] keeps E[e²_t] = σ̄² at every t. The mean of
    // N = paths·steps squared innovations has variance ≈ Var(e²)·(1 + 2Σρ_k)/N = (κ − 1)σ̄⁴·8.16/N
    // = 22.6·σ̄⁴/N: relative sd 0.0075 for N = 400,000, so 4 sd is 3%.
    const paths = 100;
    const steps = 4000;
    const r = simulateGarchReturns(p, Rng.fromSeed('garch-var'), paths, steps);
    let s = 0;
    for (let i = 0; i < r.length; i++) s += (100 * r[i] - p.mu) ** 2;
    const band = 4 * Math.sqrt(22.6 / r.length);
    expect(Math.abs(s / r.length / hBar - 1)).toBeLessThan(band);
    // The same law through full bars: close-to-close returns of garch.sample, 25 paths × 4000 bars (band 6%).
    const panels = garch.sample({ assets: [p] }, Rng.fromSeed('garch-var-bars'), { length: 4000, paths: 25 });
    let sb = 0;
    let nb = 0;
    for (const [bars] of panels) {
      for (const y of percentReturns(bars, p.initialPrice)) {
        sb += (y - p.mu) ** 2;
        nb++;
      }
    }
    expect(Math.abs(sb / nb / hBar - 1)).toBeLessThan(4 * Math.sqrt(22.6 / nb));
    // Mean return: sd ≈ σ̄·sqrt(1/N) (returns are uncorrelated), band 4 sd.
    expect(Math.abs(mean(r) * 100 - p.mu)).toBeLessThan(4 * Math.sqrt(hBar / r.length));
  });

  /**
   * News impact: E[e²_{t+1} | e_t] = ω + (α + γ·[e_t < 0])·e²_t + β·σ²_t. Because z_t is symmetric and
   * independent of σ²_t, E[e²_t | e_t < 0] = E[e²_t | e_t ≥ 0] = σ̄² and likewise for σ²_t, so
   * D = E[e²_{t+1} | e_t < 0] − E[e²_{t+1} | e_t ≥ 0] = γ·σ̄² exactly (0 for symmetric GARCH). D is estimated
   * per independent path and its standard error taken from the spread across paths (batch means).
   */
  function newsImpact(a: GarchAssetParams, seed: string): { d: number; se: number } {
    const paths = 200;
    const steps = 5000;
    const r = simulateGarchReturns(a, Rng.fromSeed(seed), paths, steps);
    const ds = new Float64Array(paths);
    for (let q = 0; q < paths; q++) {
      let neg = 0;
      let nNeg = 0;
      let pos = 0;
      let nPos = 0;
      for (let t = q * steps; t + 1 < (q + 1) * steps; t++) {
        const e = 100 * r[t] - a.mu;
        const next = (100 * r[t + 1] - a.mu) ** 2;
        if (e < 0) {
          neg += next;
          nNeg++;
        } else {
          pos += next;
          nPos++;
        }
      }
      ds[q] = neg / nNeg - pos / nPos;
    }
    return { d: mean(ds), se: Math.sqrt(variance(ds) / paths) };
  }

  it('GJR: negative shocks raise next-day variance by γ·σ̄² more than positive ones; GARCH: no asymmetry', () => {
    const gjr = asset({ model: 'gjr', alpha: 0.02, gamma: 0.16, beta: 0.85 }); // persistence 0.95, σ̄² = 1
    const g = newsImpact(gjr, 'garch-gjr');
    expect(g.d).toBeGreaterThan(4 * g.se); // the sign, at 4 standard errors
    expect(Math.abs(g.d - 0.16)).toBeLessThan(4 * g.se);
    const s = newsImpact(p, 'garch-sym');
    expect(Math.abs(s.d)).toBeLessThan(4 * s.se);
  });

  it('t innovations: unit variance and excess kurtosis 6/(ν − 4), above the normal', () => {
    // α = β = 0 isolates z: y = μ + sqrt(ω)·z. For unit-variance t with ν = 10: E z⁴ = 4, E z⁶ = 40, E z⁸ = 1120.
    // sd of the sample variance = sqrt((E z⁴ − 1)/N) = sqrt(3/N); by the delta method the sample excess
    // kurtosis has variance [Var z⁴ − 2·4·2·Cov(z⁴, z²) + 16·4·Var z²]/N = [1104 − 16·36 + 192]/N = 720/N.
    // N = 10⁶: sds 0.0017 and 0.027; bands 4 sd. A normal sample's excess kurtosis has sd sqrt(24/N).
    const n = 1_000_000;
    const a = asset({ innovations: 't', nu: 10, alpha: 0, beta: 0, omega: 1, mu: 0 });
    const z = simulateGarchReturns(a, Rng.fromSeed('garch-t'), 1, n).map((v) => 100 * v);
    expect(Math.abs(variance(z) - 1)).toBeLessThan(4 * Math.sqrt(3 / n));
    expect(Math.abs(excessKurtosis(z) - 1)).toBeLessThan(4 * Math.sqrt(720 / n));
    const normal = simulateGarchReturns(asset({ alpha: 0, beta: 0, omega: 1, mu: 0 }), Rng.fromSeed('garch-t'), 1, n);
    expect(Math.abs(excessKurtosis(normal))).toBeLessThan(4 * Math.sqrt(24 / n));
    // And with GARCH dynamics the bars' returns are heavier-tailed still.
    const [[bars]] = garch.sample({ assets: [asset({ innovations: 't', nu: 6 })] }, Rng.fromSeed('garch-t-bars'), { length: 50_000, paths: 1 });
    expect(excessKurtosis(percentReturns(bars, 100))).toBeGreaterThan(3);
  });

  it('every bar is valid OHLCV for each model and innovation, on weekday times from the default start', () => {
    const variants = [asset(), asset({ model: 'gjr', alpha: 0.02, gamma: 0.15, beta: 0.85 }), asset({ innovations: 't', nu: 4.5, overnightShare: 0 }), asset({ volume: null, overnightShare: 1 })];
    for (const a of variants) {
      const panels = garch.sample({ assets: [a] }, Rng.fromSeed('garch-ohlc'), { length: 3000, paths: 2 });
      for (const [bars] of panels) {
        expect(ohlcViolation(bars)).toBeUndefined();
        expect(bars.time[0]).toBe(DEFAULT_SAMPLE_START);
        expect(bars.symbol).toBe('SPX');
      }
    }
  });

  it("initialVariance 'last' starts the first bar at the training forecast", () => {
    // With ω tiny and lastVariance 100·σ̄², the first returns are ~10× wider than from the unconditional start.
    const a = asset({ initialVariance: 'last', lastVariance: 100 });
    const r = simulateGarchReturns(a, Rng.fromSeed('garch-last'), 2000, 1);
    const u = simulateGarchReturns(asset(), Rng.fromSeed('garch-last'), 2000, 1);
    // Same draws, so every first return scales by exactly sqrt(100) around μ.
    for (let i = 0; i < 2000; i++) expect(100 * r[i] - a.mu).toBeCloseTo(10 * (100 * u[i] - a.mu), 9);
  });
});

// ---------------------------------------------------------------------------------------------------
// Parameter recovery

/** Covariance of the MLE from the observed information: (−H)⁻¹, H the central-difference Hessian of the log-likelihood. */
function mleStdErrors(f: (x: number[]) => number, x: number[]): number[] {
  const k = x.length;
  const h = x.map((v) => 1e-4 * Math.max(Math.abs(v), 0.01));
  const at = (d: [number, number][]): number => f(x.map((v, i) => v + d.filter(([j]) => j === i).reduce((s, [, m]) => s + m * h[i], 0)));
  const a: number[][] = [];
  for (let i = 0; i < k; i++) {
    a.push([]);
    for (let j = 0; j < k; j++) {
      const v = (at([[i, 1], [j, 1]]) - at([[i, 1], [j, -1]]) - at([[i, -1], [j, 1]]) + at([[i, -1], [j, -1]])) / (4 * h[i] * h[j]);
      a[i].push(-v);
    }
  }
  // Gauss-Jordan inverse of the (positive definite) information matrix.
  const inv = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(inv[r][c]) > Math.abs(inv[piv][c])) piv = r;
    [inv[c], inv[piv]] = [inv[piv], inv[c]];
    const d = inv[c][c];
    for (let j = 0; j < 2 * k; j++) inv[c][j] /= d;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const m = inv[r][c];
      for (let j = 0; j < 2 * k; j++) inv[r][j] -= m * inv[c][j];
    }
  }
  return inv.map((row, i) => Math.sqrt(row[k + i]));
}

/*
 * fit(sample(θ)) ≈ θ: the MLE is asymptotically normal around θ with covariance (observed information)⁻¹,
 * computed here at the estimate. Each parameter must lie within 4 of its standard errors (a chance failure
 * rate of 6e-5 per check, with a fixed seed). The standard errors themselves are checked to be small (α's
 * about 0.01 at n = 20,000), so the bands are informative.
 */
describe('garch parameter recovery (n = 20,000)', () => {
  const n = 20_000;
  const cases: [string, GarchAssetParams, Partial<GarchConfig>, (keyof GarchAssetParams)[]][] = [
    ['garch normal', asset({ mu: 0.04, omega: 0.02, alpha: 0.08, beta: 0.9 }), {}, ['mu', 'omega', 'alpha', 'beta']],
    ['gjr t', asset({ model: 'gjr', innovations: 't', nu: 7, mu: 0.04, omega: 0.03, alpha: 0.03, gamma: 0.12, beta: 0.88 }), { model: 'gjr', innovations: 't' }, ['mu', 'omega', 'alpha', 'gamma', 'beta', 'nu']],
  ];
  it.each(cases)('%s', (_, truth, cfg, keys) => {
    const [path] = garch.sample({ assets: [truth] }, Rng.fromSeed(`garch-recovery-${_}`), { length: n + 1, paths: 1 });
    const [fitted] = garch.fit(path, config(cfg), {}).assets;
    const y = percentReturns(path[0]);
    const bc = garchBackcast(y.map((v) => v - mean(y)));
    const ll = (x: number[]): number => {
      const q: Record<string, unknown> = { ...fitted };
      keys.forEach((k, i) => (q[k] = x[i]));
      return garchLogLik(y, bc, q as unknown as GarchAssetParams).loglik;
    };
    const est = keys.map((k) => fitted[k] as number);
    const se = mleStdErrors(ll, est);
    keys.forEach((k, i) => {
      expect(Number.isFinite(se[i])).toBe(true);
      expect(Math.abs(est[i] - (truth[k] as number))).toBeLessThan(4 * se[i]);
    });
    expect(se[keys.indexOf('alpha')]).toBeLessThan(0.02);
    expect(fitted.fit.loglik).toBeGreaterThanOrEqual(ll(keys.map((k) => truth[k] as number))); // the MLE beats the truth in-sample

    // Overnight share: with conditional variance σ²_t the ratio estimator's variance is the iid value
    // 4s²(1 − s)/n (see gbm.test.ts) inflated by E[σ⁴]/E[σ²]² = κ/3, κ the kurtosis of e (≤ 5 here).
    const s = truth.overnightShare;
    expect(Math.abs(fitted.overnightShare - s)).toBeLessThan(4 * 2 * s * Math.sqrt(((1 - s) / n) * (5 / 3)));
    // Volume: OLS of ln V on x_t = ½ln(σ²_t/σ̄²) (σ² from the fitted recursion, close to the true one): the slope's
    // sd is logStd/sqrt(Σ(x − x̄)²), the intercept's logStd·sqrt(1/n + x̄²/Σ(x − x̄)²); bands of 4 sd plus the
    // error from the estimated σ², allowed for by doubling. The fit centres x on its own σ̄², so its intercept
    // estimates logMean + elasticity·½ln(σ̄²_fit/σ̄²_true): that shift is known and added to the target.
    const sigma2 = new Float64Array(y.length);
    garchLogLik(y, bc, fitted, sigma2);
    const hBar = fitted.omega / (1 - fitted.alpha - fitted.gamma / 2 - fitted.beta);
    const x = Array.from(sigma2, (h) => 0.5 * Math.log(h / hBar));
    const sxx = variance(x, 0) * x.length;
    const v = truth.volume!;
    expect(Math.abs(fitted.volume!.elasticity - v.elasticity)).toBeLessThan((8 * v.logStd) / Math.sqrt(sxx));
    expect(Math.abs(fitted.volume!.logStd - v.logStd)).toBeLessThan((8 * v.logStd) / Math.sqrt(2 * n));
    const hBarTrue = truth.omega / (1 - truth.alpha - truth.gamma / 2 - truth.beta);
    const target = v.logMean + v.elasticity * 0.5 * Math.log(hBar / hBarTrue);
    expect(Math.abs(fitted.volume!.logMean - target)).toBeLessThan(8 * v.logStd * Math.sqrt(1 / n + (mean(x) ** 2 / sxx)));
  });
});

// ---------------------------------------------------------------------------------------------------
// Config, errors, determinism

describe('garch config and errors', () => {
  it('a non-stationary config is a ConfigError naming the key', () => {
    const bad = garchConfigSchema.safeParse({ alpha: 0.2, beta: 0.85 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['beta']);
    const gjr = garchConfigSchema.safeParse({ model: 'gjr', alpha: 0.05, gamma: 0.3 });
    expect(gjr.success).toBe(true); // 0.05 + 0.15 < 1: β is then fitted below 0.8
    expect(garchConfigSchema.safeParse({ gamma: 0.1 }).error!.issues[0].path).toEqual(['gamma']); // γ needs model 'gjr'
    expect(garchConfigSchema.safeParse({ nu: 5 }).error!.issues[0].path).toEqual(['nu']); // ν needs innovations 't'
    // fit re-checks configs that did not go through the schema.
    const bars = sampleBars(300);
    expectCode(() => garch.fit([bars], { ...config(), alpha: 0.5, beta: 0.5 }, {}), 'E_CONFIG', 'beta');
    expect(() => garch.fit([bars], { ...config(), alpha: 0.5, beta: 0.5 }, {})).toThrow(ConfigError);
  });

  it('params that cannot be sampled are a ConfigError naming the field', () => {
    expectCode(() => garch.sample({ assets: [asset({ beta: 0.95 })] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG', 'params.assets[0].beta');
    expectCode(() => garch.sample({ assets: [asset({ nu: 5 })] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG', 'params.assets[0].nu');
    expectCode(() => garch.sample({ assets: [] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG', 'params.assets');
  });

  it('a fit that cannot succeed throws E_FIT (constant prices), and too few bars a DataError', () => {
    const flat = allocBars('FLAT', 100);
    for (let t = 0; t < 100; t++) {
      flat.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
      flat.open[t] = flat.high[t] = flat.low[t] = flat.close[t] = 10;
    }
    expectCode(() => garch.fit([flat], config(), {}), 'E_FIT');
    expectCode(() => garch.fit([sampleBars(10)], config(), {}), 'E_DATA');
  });

  it('fixed values are held in the fit while the rest are estimated', () => {
    const [a] = garch.fit([sampleBars(3000)], config({ alpha: 0.05, mu: 0 }), {}).assets;
    expect(a.alpha).toBe(0.05);
    expect(a.mu).toBe(0);
    expect(a.beta).toBeGreaterThan(0.5);
    expect(a.alpha + a.beta).toBeLessThan(1);
  });
});

/** One path of bars from known GARCH parameters, for fits that only need realistic input. */
function sampleBars(length: number): Bars {
  return garch.sample({ assets: [asset()] }, Rng.fromSeed(`bars-${length}`), { length, paths: 1 })[0][0];
}

describe('garch determinism', () => {
  const params: GarchParams = { assets: [asset(), asset({ symbol: 'NDX', model: 'gjr', innovations: 't', nu: 5, alpha: 0.02, gamma: 0.1, beta: 0.88 })] };
  const opts = { length: 400, paths: 3 };

  it('same seed gives byte-identical output; a different seed gives different output', () => {
    const a = garch.sample(params, Rng.fromSeed(11), opts);
    const b = garch.sample(params, Rng.fromSeed(11), opts);
    const c = garch.sample(params, Rng.fromSeed(12), opts);
    expect(bytesOf(a).equals(bytesOf(b))).toBe(true);
    expect(bytesOf(a).equals(bytesOf(c))).toBe(false);
    expect(a[0].map((bars) => bars.symbol)).toEqual(['SPX', 'NDX']);
  });

  it('fitted params survive a JSON round trip with identical samples, and the fit is deterministic', () => {
    const bars = sampleBars(1500);
    const fitted = garch.fit([bars], config({ model: 'gjr' }), {});
    expect(JSON.stringify(garch.fit([bars], config({ model: 'gjr' }), {}))).toBe(JSON.stringify(fitted));
    const copy = JSON.parse(JSON.stringify(fitted)) as GarchParams;
    expect(copy).toEqual(fitted);
    expect(bytesOf(garch.sample(copy, Rng.fromSeed(5), opts)).equals(bytesOf(garch.sample(fitted, Rng.fromSeed(5), opts)))).toBe(true);
  });
});
