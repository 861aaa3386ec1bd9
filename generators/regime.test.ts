import { describe, expect, it } from 'vitest';
import { RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, BAR_COLUMNS, DAY_MS, logReturns } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { mean, std, variance } from '../src/stats/descriptive.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import { ohlcViolation } from './ohlc.js';
import {
  baumWelch,
  filterRegimes,
  fitRegimeAsset,
  regime,
  regimeConfigSchema,
  regimeReturnStream,
  sampleRegimePath,
  sampleRegimeReturns,
  stationaryDistribution,
} from './regime.js';
import type { RegimeAssetParams, RegimeParams } from './regime.js';

/**
 * Two regimes per daily bar with σ₁/σ₀ = 3: calm (σ = 0.6%) and turbulent (σ = 1.8%). P has expected
 * durations 1/0.01 = 100 and 1/0.03 ≈ 33 bars, so π = (0.03, 0.01)/0.04 = (0.75, 0.25).
 */
const twoRegimes = (over: Partial<RegimeAssetParams> = {}): RegimeAssetParams => ({
  symbol: 'SPX',
  transition: [
    [0.99, 0.01],
    [0.03, 0.97],
  ],
  mu: [5e-4, -5e-4],
  sigma: [0.006, 0.018],
  stationary: [0.75, 0.25],
  initial: [0.75, 0.25],
  jumps: [null, null],
  overnightShare: 0.2,
  volume: { logMean: [14, 14.5], logStd: [0.3, 0.4] },
  logLikelihood: 0,
  iterations: 0,
  initialPrice: 100,
  ...over,
});

function bytesOf(panels: Bars[][]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

function expectCode(run: () => unknown, code: string): RlError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RlError);
    expect((e as RlError).code).toBe(code);
    return e as RlError;
  }
  throw new Error(`expected an error with code ${code}`);
}

function tracedPath(a: RegimeAssetParams, seed: string, length: number): { bars: Bars; states: Int32Array } {
  const bars = allocBars(a.symbol, length);
  for (let t = 0; t < length; t++) bars.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
  const states = new Int32Array(length);
  sampleRegimePath(a, Rng.fromSeed(seed), bars, states);
  return { bars, states };
}

describe('regime sampling: the chain', () => {
  it('empirical transition frequencies match P within binomial bands (K = 3)', () => {
    // Given N_i visits to regime i, the counts of moves i → j are multinomial(N_i, P[i]) (Markov property),
    // so p̂_ij has sd sqrt(p_ij(1 − p_ij)/N_i); the band is 4 sd per entry.
    const transition = [
      [0.95, 0.04, 0.01],
      [0.1, 0.85, 0.05],
      [0.02, 0.18, 0.8],
    ];
    const a = twoRegimes({
      transition,
      mu: [0, 0, 0],
      sigma: [0.01, 0.02, 0.04],
      stationary: stationaryDistribution(transition),
      initial: [1, 0, 0],
      jumps: [null, null, null],
      volume: null,
    });
    const n = 300_000;
    const states = new Int32Array(n);
    sampleRegimeReturns(a, Rng.fromSeed('regime-chain'), new Float64Array(n), states);
    expect(states[0]).toBe(0); // the initial law puts all its mass on regime 0
    const counts = Array.from({ length: 3 }, () => [0, 0, 0]);
    for (let t = 1; t < n; t++) counts[states[t - 1]][states[t]]++;
    for (let i = 0; i < 3; i++) {
      const visits = counts[i].reduce((s, c) => s + c, 0);
      for (let j = 0; j < 3; j++) {
        const p = transition[i][j];
        expect(Math.abs(counts[i][j] / visits - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / visits));
      }
    }
  });

  it('occupancy matches the stationary distribution, and returns are N(μ_k, σ_k²) given the regime', () => {
    // Two-state chain with λ = 1 − p01 − p10 = 0.96: the occupancy fraction has variance
    // π0·π1·(1 + λ)/((1 − λ)·n) (Markov-chain CLT), sd ≈ 0.0048 at n = 200,000; band 4 sd.
    const a = twoRegimes();
    const n = 200_000;
    const states = new Int32Array(n);
    const r = sampleRegimeReturns(a, Rng.fromSeed('regime-occupancy'), new Float64Array(n), states);
    const lambda = 1 - 0.01 - 0.03;
    const calm = states.reduce((s, x) => s + (x === 0 ? 1 : 0), 0);
    expect(Math.abs(calm / n - 0.75)).toBeLessThan(4 * Math.sqrt((0.75 * 0.25 * (1 + lambda)) / ((1 - lambda) * n)));
    for (let k = 0; k < 2; k++) {
      const rk = r.filter((_, t) => states[t] === k);
      // Per regime, iid normal draws: sd(mean) = σ/√n_k, sd(variance) = σ²·sqrt(2/n_k).
      expect(Math.abs(mean(rk) - a.mu[k])).toBeLessThan((4 * a.sigma[k]) / Math.sqrt(rk.length));
      expect(Math.abs(variance(rk) - a.sigma[k] ** 2)).toBeLessThan(4 * a.sigma[k] ** 2 * Math.sqrt(2 / rk.length));
    }
  });

  it('regimes are separable: realised volatility per true regime differs by the factor 3', () => {
    // Effect size: ln(σ̂₁/σ̂₀) ≈ ln 3 = 1.10 with sd ≈ sqrt(1/(2n₀) + 1/(2n₁)) < 0.01 over 200k bars.
    const { bars, states } = tracedPath(twoRegimes(), 'regime-separable', 200_000);
    const r = logReturns(bars);
    const calm = r.filter((_, t) => states[t + 1] === 0);
    const wild = r.filter((_, t) => states[t + 1] === 1);
    expect(Math.abs(Math.log(std(wild) / std(calm)) - Math.log(3))).toBeLessThan(0.05);
  });

  it('compound-Poisson jumps add λ(m² + s²) to the variance and λm to the mean', () => {
    // K = 1, σ = 1%, λ = 0.05 jumps/bar of N(−3%, 2%²): E r = μ + λm = −1.5e-3, Var r = σ² + λ(m² + s²) = 1.65e-4.
    // The fourth central moment is dominated by the jumps, ≈ λ·E[J⁴] ≈ 0.05·3.45e-6 ≈ 1.7e-7 (plus smaller
    // diffusion and multi-jump terms, < 1e-7), so sd(sample variance) ≈ sqrt((μ4 − Var²)/n) ≈ 1.2e-6 at
    // n = 200,000 and sd(mean) = sqrt(Var/n) ≈ 2.9e-5. Bands: 6e-6 and 1.2e-4 (≈ 4–5 sd).
    const a = twoRegimes({
      transition: [[1]],
      mu: [0],
      sigma: [0.01],
      stationary: [1],
      initial: [1],
      jumps: [{ intensity: 0.05, mean: -0.03, sd: 0.02 }],
      volume: null,
    });
    const r = sampleRegimeReturns(a, Rng.fromSeed('regime-jumps'), new Float64Array(200_000));
    expect(Math.abs(mean(r) + 1.5e-3)).toBeLessThan(1.2e-4);
    expect(Math.abs(variance(r) - 1.65e-4)).toBeLessThan(6e-6);
    const [[bars]] = regime.sample({ assets: [a] }, Rng.fromSeed(1), { length: 5000, paths: 1 });
    expect(ohlcViolation(bars)).toBeUndefined();
  });
});

describe('regime sampling: the stream', () => {
  it('carries the regime and the run across chunks: returns and regimes equal one read, with jumps', () => {
    const a = twoRegimes({ jumps: [null, { intensity: 0.1, mean: -0.02, sd: 0.01 }] });
    const n = 5000;
    const whole = new Float64Array(n);
    const states = new Int32Array(n);
    sampleRegimeReturns(a, Rng.fromSeed('regime-stream'), whole, states);
    const stream = regimeReturnStream(a, Rng.fromSeed('regime-stream'));
    const chunked = new Float64Array(n);
    const chunkedStates = new Int32Array(n);
    for (let from = 0, size = 1; from < n; from += size, size = 2 * size + 1) {
      const to = Math.min(n, from + size); // chunks of 1, 3, 7, 15, …: many cut a run
      stream.next(chunked.subarray(from, to), chunkedStates.subarray(from, to));
    }
    expect(chunked).toEqual(whole);
    expect(chunkedStates).toEqual(states);
    expect(new Set(states).size).toBe(2); // the chunks did cross runs of both regimes
    expect(() => stream.next(new Float64Array(3), new Int32Array(2))).toThrow(RangeError);
  });
});

describe('regime fit: EM on a long two-regime sample', () => {
  const n = 20_000;
  const truth = twoRegimes();
  const { bars, states } = tracedPath(truth, 'regime-recovery', n);
  const fitted = fitRegimeAsset(bars, regimeConfigSchema.parse({}));

  /*
   * Bands. Were the regimes observed, σ̂_k would have sd σ_k/√(2·n·π_k) (3.5e-5 and 1.8e-4) and p̂_ij sd
   * sqrt(p_ij(1 − p_ij)/(n·π_i)) (8.1e-4 for p01, 2.4e-3 for p10). Hidden regimes cost information
   * (misclassified days): over 12 seeds the spread was 1.3× these for σ and about equal for P. Bands are 6×
   * the observed-regime sd: σ₀ ± 2.1e-4, σ₁ ± 1.1e-3, p01 ± 4.9e-3, p10 ± 1.45e-2.
   */
  it('recovers σ and P within bands, with regime 0 the calm one', () => {
    expect(Math.abs(fitted.sigma[0] - 0.006)).toBeLessThan(2.1e-4);
    expect(Math.abs(fitted.sigma[1] - 0.018)).toBeLessThan(1.1e-3);
    expect(Math.abs(fitted.transition[0][1] - 0.01)).toBeLessThan(4.9e-3);
    expect(Math.abs(fitted.transition[1][0] - 0.03)).toBeLessThan(1.45e-2);
    for (const row of fitted.transition) expect(Math.abs(row[0] + row[1] - 1)).toBeLessThan(1e-12);
    // πP = π.
    const pi = fitted.stationary;
    for (let j = 0; j < 2; j++) expect(pi[0] * fitted.transition[0][j] + pi[1] * fitted.transition[1][j]).toBeCloseTo(pi[j], 12);
    expect(fitted.iterations).toBeGreaterThan(1);
    expect(Number.isFinite(fitted.logLikelihood)).toBe(true);
  });

  it('the Hamilton filter under the fitted model labels more than 90% of days correctly', () => {
    // A memoryless classifier (threshold |r| where 0.75·N(0, σ₀²) = 0.25·N(0, σ₁²), |r| ≈ 2.22σ₀) is right
    // on 84.5% of days; the filter pools evidence over regimes lasting 33–100 bars (≈ 95% over 12 seeds).
    const probs = filterRegimes(fitted, logReturns(bars));
    let right = 0;
    for (let t = 0; t < n - 1; t++) if ((probs[2 * t + 1] > 0.5 ? 1 : 0) === states[t + 1]) right++;
    expect(right / (n - 1)).toBeGreaterThan(0.9);
  });

  it('fits per-regime volume levels from the smoothed probabilities', () => {
    // Weighted means of N(14, 0.3²) and N(14.5, 0.4²) log volumes; misclassified days pull each level toward
    // the other by (error share)·0.5, a few hundredths at most here.
    const vol = fitted.volume!;
    expect(Math.abs(vol.logMean[0] - 14)).toBeLessThan(0.05);
    expect(Math.abs(vol.logMean[1] - 14.5)).toBeLessThan(0.08);
  });

  it('the log-likelihood never decreases over EM iterations, from a poor start', () => {
    const r = logReturns(bars);
    const em = baumWelch(
      r,
      {
        initial: [0.5, 0.5],
        transition: [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        mu: [0.01, -0.01],
        sigma: [0.05, 0.001],
      },
      { maxIter: 400, tol: 1e-8, sigmaFloor: 1e-4 },
    );
    expect(em.converged).toBe(true);
    // EM's ascent property; rounding in a sum of 20,000 log terms is ~1e-11 relative.
    for (let i = 1; i < em.trace.length; i++) expect(em.trace[i] - em.trace[i - 1]).toBeGreaterThan(-1e-9 * Math.abs(em.trace[i]));
    expect(em.logLikelihood).toBeCloseTo(fitted.logLikelihood, 4); // the same maximum, labels aside
  });

  it('K = 1 is the Gaussian MLE', () => {
    const [one] = regime.fit([bars], regimeConfigSchema.parse({ regimes: 1 }), {}).assets;
    const r = logReturns(bars);
    expect(one.mu[0]).toBeCloseTo(mean(r), 14);
    expect(one.sigma[0]).toBeCloseTo(std(r, 0), 14);
    expect(one.transition).toEqual([[1]]);
  });

  it('fails with E_FIT when EM cannot converge in maxIter iterations', () => {
    expectCode(() => fitRegimeAsset(bars, regimeConfigSchema.parse({ maxIter: 3 })), 'E_FIT');
  });
});

describe('regime fit: configuration', () => {
  const { bars } = tracedPath(twoRegimes(), 'regime-config', 3000);

  it('starts the chain from the filtered regime or the stationary law, and is deterministic', () => {
    const filtered = fitRegimeAsset(bars, regimeConfigSchema.parse({}));
    const stationary = fitRegimeAsset(bars, regimeConfigSchema.parse({ initialRegime: 'stationary' }));
    expect(stationary.initial).toEqual(stationary.stationary);
    expect(filtered.initial).not.toEqual(filtered.stationary);
    expect(filtered.initial.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(fitRegimeAsset(bars, regimeConfigSchema.parse({}))).toEqual(filtered);
  });

  it('jumps are per regime and validated against K', () => {
    const config = regimeConfigSchema.parse({ jumps: [{ intensity: 0, mean: 0, sd: 0 }, { intensity: 0.02, mean: -0.04, sd: 0.02 }] });
    expect(fitRegimeAsset(bars, config).jumps).toEqual([null, { intensity: 0.02, mean: -0.04, sd: 0.02 }]);
    const err = expectCode(() => fitRegimeAsset(bars, regimeConfigSchema.parse({ jumps: [{ intensity: 0.1, mean: 0, sd: 0.01 }] })), 'E_CONFIG');
    expect((err as RlError & { path: string }).path).toBe('jumps');
  });

  it('rejects unusable data (E_DATA), params (E_CONFIG) and config (schema)', () => {
    expectCode(() => regime.fit([], regimeConfigSchema.parse({}), {}), 'E_DATA');
    expectCode(() => regime.fit([allocBars('X', 20)], regimeConfigSchema.parse({}), {}), 'E_DATA');
    const sample = (a: RegimeAssetParams): unknown => regime.sample({ assets: [a] }, Rng.fromSeed(1), { length: 5, paths: 1 });
    expectCode(() => sample(twoRegimes({ transition: [[0.9, 0.2], [0.5, 0.5]] })), 'E_CONFIG');
    expectCode(() => sample(twoRegimes({ sigma: [0.01] })), 'E_CONFIG');
    expectCode(() => sample(twoRegimes({ initial: [1, 1] })), 'E_CONFIG');
    expectCode(() => sample(twoRegimes({ jumps: [null] })), 'E_CONFIG');
    expectCode(() => regime.sample({ assets: [] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expect(regimeConfigSchema.parse({})).toEqual({ regimes: 2, starts: 5, seed: 0, maxIter: 2000, tol: 1e-8, initialRegime: 'filtered' });
    expect(regimeConfigSchema.safeParse({ regimes: 0 }).success).toBe(false);
    expect(regimeConfigSchema.safeParse({ regime: 2 }).success).toBe(false);
    for (const key of ['regimes', 'starts', 'seed', 'maxIter', 'tol', 'initialRegime', 'jumps', 'initialPrice'] as const) {
      expect(regimeConfigSchema.shape[key].description).toMatch(/\w/);
    }
  });

  it('fits the built-in S&P 500 into a calm and a turbulent regime', () => {
    const [a] = regime.fit([loadBuiltinSp500()], regimeConfigSchema.parse({}), {}).assets;
    expect(a.sigma[1] / a.sigma[0]).toBeGreaterThan(2);
    expect(a.transition[0][0]).toBeGreaterThan(0.9);
    expect(a.transition[1][1]).toBeGreaterThan(0.9);
  });
});

describe('regime determinism and shape', () => {
  const params: RegimeParams = { assets: [twoRegimes(), twoRegimes({ symbol: 'NDX', overnightShare: 0, volume: null })] };
  const opts = { length: 400, paths: 3, start: Date.UTC(2010, 5, 7) };

  it('same seed gives byte-identical output; a different seed gives different output', () => {
    const a = regime.sample(params, Rng.fromSeed(11), opts);
    const b = regime.sample(params, Rng.fromSeed(11), opts);
    const c = regime.sample(params, Rng.fromSeed(12), opts);
    expect(bytesOf(a).equals(bytesOf(b))).toBe(true);
    expect(bytesOf(a).equals(bytesOf(c))).toBe(false);
  });

  it('params survive a JSON round trip with identical samples', () => {
    const copy = JSON.parse(JSON.stringify(params)) as RegimeParams;
    expect(copy).toEqual(params);
    expect(bytesOf(regime.sample(copy, Rng.fromSeed(5), opts)).equals(bytesOf(regime.sample(params, Rng.fromSeed(5), opts)))).toBe(true);
  });

  it('returns paths × assets of valid OHLCV bars that carry no regime labels', () => {
    const out = regime.sample(params, Rng.fromSeed(2), opts);
    expect(out).toHaveLength(3);
    for (const panel of out) {
      expect(panel.map((b) => b.symbol)).toEqual(['SPX', 'NDX']);
      for (const bars of panel) {
        expect(ohlcViolation(bars)).toBeUndefined();
        expect(Object.keys(bars).sort()).toEqual([...BAR_COLUMNS, 'symbol', 'length'].sort());
      }
      expect(panel[1].volume.every((v) => v === 0)).toBe(true);
    }
    expect(out[0][0].close).not.toEqual(out[1][0].close);
    expect(regime.id).toBe('regime');
    expect(regime.version).toBe(1);
  });
});
