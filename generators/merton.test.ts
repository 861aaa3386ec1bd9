import { describe, expect, it } from 'vitest';
import { RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { excessKurtosis, mean, skewness, std, variance } from '../src/stats/descriptive.js';
import { gbm } from './gbm.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import {
  fitMertonReturns,
  merton,
  mertonConfigSchema,
  mertonLogLikelihood,
  mertonMoments,
  mertonReturnStream,
  mertonTerms,
  sampleMertonReturns,
} from './merton.js';
import type { MertonAssetParams, MertonLaw, MertonParams } from './merton.js';
import { ohlcViolation, utcWeekday } from './ohlc.js';

/** Daily-equity-like law: 5% of bars jump, jumps ≈ −1% ± 3%, diffusion 0.8% per bar. */
const asset = (over: Partial<MertonAssetParams> = {}): MertonAssetParams => ({
  symbol: 'SPX',
  m: 3e-4,
  sigma: 0.008,
  lambda: 0.05,
  muJ: -0.01,
  sigmaJ: 0.03,
  overnightShare: 0.2,
  volume: { logMean: 14, logStd: 0.5 },
  initialPrice: 100,
  ...over,
});

function expectCode(run: () => unknown, code: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RlError);
    expect((e as RlError).code).toBe(code);
    return;
  }
  throw new Error(`expected an error with code ${code}`);
}

function bytesOf(panels: Bars[][]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

function closeReturns(bars: Bars, initialPrice: number): Float64Array {
  const r = new Float64Array(bars.length);
  for (let t = 0; t < bars.length; t++) r[t] = Math.log(bars.close[t] / (t === 0 ? initialPrice : bars.close[t - 1]));
  return r;
}

/** Standard normal CDF through erf (Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7, far below the KS bands here). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Central moments μ_2 … μ_8 of the Merton return: Σ_k p_k·E[(δ_k + √v_k·Z)^p] with δ_k = m + kμ_J − mean. */
function lawCentralMoments(law: MertonLaw): number[] {
  const doubleFact = [1, 0, 1, 0, 3, 0, 15, 0, 105]; // E[Z^j]
  const binom = (p: number, j: number): number => {
    let c = 1;
    for (let i = 0; i < j; i++) c = (c * (p - i)) / (i + 1);
    return c;
  };
  const mu = mertonMoments(law).mean;
  const out = new Array<number>(9).fill(0);
  let pk = Math.exp(-law.lambda);
  for (let k = 0; k < mertonTerms(law.lambda) + 5; k++) {
    if (k > 0) pk *= law.lambda / k;
    const delta = law.m + k * law.muJ - mu;
    const sd = Math.sqrt(law.sigma ** 2 + k * law.sigmaJ ** 2);
    for (let p = 2; p <= 8; p++) {
      let e = 0;
      for (let j = 0; j <= p; j += 2) e += binom(p, j) * delta ** (p - j) * sd ** j * doubleFact[j];
      out[p] += pk * e;
    }
  }
  return out;
}

/** Inverse of a small symmetric positive-definite matrix by Gauss-Jordan elimination with partial pivoting. */
function invert(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const pivot = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

const lawArray = (l: MertonLaw): number[] => [l.m, l.sigma, l.lambda, l.muJ, l.sigmaJ];
const lawOf = (x: number[]): MertonLaw => ({ m: x[0], sigma: x[1], lambda: x[2], muJ: x[3], sigmaJ: x[4] });

describe('merton jumps', () => {
  /*
   * Counts: the total over T bars is Poisson(λT), so |count − λT| < 4·sqrt(λT); the share of bars with k
   * jumps is a binomial proportion with sd sqrt(p_k(1 − p_k)/T). Bands are 4 sd (≈ 6e-5 chance each).
   */
  for (const lambda of [0.05, 0.8]) {
    it(`counts per bar are Poisson(λ = ${lambda}): total within 4·sqrt(λT), frequencies of 0..3 jumps within 4 sd`, () => {
      const T = 200_000;
      const counts = new Int32Array(T);
      sampleMertonReturns(asset({ lambda }), Rng.fromSeed(`counts-${lambda}`), new Float64Array(T), counts);
      let total = 0;
      const freq = [0, 0, 0, 0];
      for (const k of counts) {
        total += k;
        if (k < 4) freq[k]++;
      }
      expect(Math.abs(total - lambda * T)).toBeLessThan(4 * Math.sqrt(lambda * T));
      let pk = Math.exp(-lambda);
      for (let k = 0; k < 4; k++) {
        if (k > 0) pk *= lambda / k;
        expect(Math.abs(freq[k] / T - pk)).toBeLessThan(4 * Math.sqrt((pk * (1 - pk)) / T) + 1 / T);
      }
    });
  }

  it('the stream reports jump counts chunk by chunk, equal to one read', () => {
    const n = 3000;
    const counts = new Int32Array(n);
    const whole = sampleMertonReturns(asset({ lambda: 0.2 }), Rng.fromSeed('merton-stream'), new Float64Array(n), counts);
    const stream = mertonReturnStream(asset({ lambda: 0.2 }), Rng.fromSeed('merton-stream'));
    const [a, b] = [new Float64Array(1234), new Float64Array(n - 1234)];
    const [ca, cb] = [new Int32Array(1234), new Int32Array(n - 1234)];
    stream.next(a, ca);
    stream.next(b, cb);
    expect(Float64Array.from([...a, ...b])).toEqual(whole);
    expect(Int32Array.from([...ca, ...cb])).toEqual(counts);
    expect(() => stream.next(new Float64Array(2), new Int32Array(1))).toThrow(RangeError);
  });

  it('one jump has size N(μJ, σJ²): Kolmogorov-Smirnov distance below the DKW band', () => {
    // With m = σ = 0 a bar with exactly one jump returns that jump. Dvoretzky-Kiefer-Wolfowitz:
    // P(D > ε) ≤ 2·exp(−2nε²), so ε = sqrt(ln(2/1e-4)/(2n)) = 2.23/√n has a 1e-4 chance of a false failure.
    const p = asset({ m: 0, sigma: 0, lambda: 0.3 });
    const T = 60_000;
    const counts = new Int32Array(T);
    const r = sampleMertonReturns(p, Rng.fromSeed('jump-sizes'), new Float64Array(T), counts);
    const single = Float64Array.from(r.filter((_, t) => counts[t] === 1)).sort();
    const n = single.length;
    expect(n).toBeGreaterThan(10_000);
    let dmax = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf((single[i] - p.muJ) / p.sigmaJ);
      dmax = Math.max(dmax, (i + 1) / n - f, f - i / n);
    }
    expect(dmax).toBeLessThan(Math.sqrt(Math.log(2 / 1e-4) / (2 * n)));
    expect(r.every((v, t) => counts[t] > 0 || v === 0)).toBe(true);
  });

  it('the full sampler puts every jump in the overnight gap', () => {
    // m = σ = 0: the intraday move is exactly 0 and the gap is nonzero exactly on bars with ≥ 1 jump, a
    // Binomial(T, 1 − e^{−λ}) count.
    const T = 100_000;
    const p = asset({ m: 0, sigma: 0, volume: null });
    const [[bars]] = merton.sample({ assets: [p] }, Rng.fromSeed('gap'), { length: T, paths: 1 });
    let gaps = 0;
    let intraday = 0;
    for (let t = 0; t < T; t++) {
      if (bars.close[t] !== bars.open[t]) intraday++;
      const prev = t === 0 ? p.initialPrice : bars.close[t - 1];
      if (bars.open[t] !== prev) gaps++;
    }
    expect(intraday).toBe(0);
    const q = 1 - Math.exp(-p.lambda);
    expect(Math.abs(gaps - q * T)).toBeLessThan(4 * Math.sqrt(T * q * (1 - q)));
    expect(ohlcViolation(bars)).toBeUndefined();
  });
});

describe('merton returns: moments and tails of a long path', () => {
  const n = 200_000;
  const p = asset();
  const [[bars]] = merton.sample({ assets: [p] }, Rng.fromSeed('merton-moments'), { length: n, paths: 1 });
  const r = closeReturns(bars, p.initialPrice);
  const theory = mertonMoments(p);
  const mu = lawCentralMoments(p);

  it('the moment formulas agree with the mixture and with a direct check', () => {
    expect(mu[2]).toBeCloseTo(theory.variance, 14);
    expect(mu[4] / mu[2] ** 2 - 3).toBeCloseTo(theory.excessKurtosis, 9);
    expect(mu[3] / mu[2] ** 1.5).toBeCloseTo(theory.skewness, 9);
    expect(mertonMoments({ m: 0, sigma: 0.01, lambda: 0.05, muJ: 0, sigmaJ: 0.03 }).excessKurtosis).toBeCloseTo(
      (0.05 * 3 * 0.03 ** 4) / (1e-4 + 0.05 * 9e-4) ** 2,
      12,
    );
  });

  it('mean and variance match m + λμJ and σ² + λ(μJ² + σJ²) within 4 standard errors', () => {
    expect(Math.abs(mean(r) - theory.mean)).toBeLessThan(4 * Math.sqrt(mu[2] / n));
    expect(Math.abs(variance(r) - theory.variance)).toBeLessThan(4 * Math.sqrt((mu[4] - mu[2] ** 2) / n));
  });

  it('excess kurtosis is far above a GBM of the same variance and matches the mixture within 4 sd', () => {
    // The sample kurtosis g2 = m4/m2² − 3 has influence function IF = A·d⁴ − 4Aμ3·d − B·d² + const with
    // A = 1/μ2², B = 2μ4/μ2³ (the −4μ3·d term is the cost of estimating the mean), so n·Var(g2) → E[IF²] =
    // A²μ8 + 16A²μ3²μ2 + B²μ4 − 8A²μ3μ5 − 2ABμ6 + 8ABμ3² − (Aμ4 − Bμ2)². For a Gaussian this is 24.
    const A = 1 / mu[2] ** 2;
    const B = (2 * mu[4]) / mu[2] ** 3;
    const eif2 =
      A * A * mu[8] + 16 * A * A * mu[3] ** 2 * mu[2] + B * B * mu[4] - 8 * A * A * mu[3] * mu[5] - 2 * A * B * mu[6] + 8 * A * B * mu[3] ** 2 -
      (A * mu[4] - B * mu[2]) ** 2;
    const g2 = excessKurtosis(r);
    expect(Math.abs(g2 - theory.excessKurtosis)).toBeLessThan(4 * Math.sqrt(eif2 / n));

    const twin = { symbol: 'SPX', mu: theory.mean, sigma: Math.sqrt(theory.variance), overnightShare: 0.2, volume: null, initialPrice: 100 };
    const [[gbmBars]] = gbm.sample({ assets: [twin] }, Rng.fromSeed('merton-twin'), { length: n, paths: 1 });
    const gGbm = excessKurtosis(closeReturns(gbmBars, 100));
    expect(Math.abs(gGbm)).toBeLessThan(4 * Math.sqrt(24 / n));
    expect(g2 - gGbm).toBeGreaterThan(theory.excessKurtosis / 2); // ≈ 11.4 vs 4·sqrt(24/n) ≈ 0.04
    expect(skewness(r)).toBeLessThan(0); // negative mean jumps
  });

  it('bars are valid OHLCV on strictly increasing weekdays from the default start', () => {
    expect(ohlcViolation(bars)).toBeUndefined();
    expect(bars.time[0]).toBe(DEFAULT_SAMPLE_START);
    for (let t = 1; t < 2000; t++) {
      const dow = utcWeekday(bars.time[t]);
      expect(dow >= 1 && dow <= 5).toBe(true);
      expect([DAY_MS, 3 * DAY_MS]).toContain(bars.time[t] - bars.time[t - 1]);
    }
  });
});

describe('merton fit', () => {
  it('recovers the law from n = 50,000 bars within 4 standard errors of the observed information', () => {
    // The MLE is asymptotically N(θ, I⁻¹); I is estimated by the observed information, the negative Hessian
    // of the log-likelihood at θ̂ (central differences), in the fit's own standardised coordinates
    // ((r − r̄)/d for m, σ, μJ, σJ; λ as is) so the steps suit every coordinate. With λT ≈ 2,500 jumps the
    // normal approximation is good. Each coordinate must lie within 4 se of the truth.
    const n = 50_000;
    const p = asset();
    const [path] = merton.sample({ assets: [p] }, Rng.fromSeed('merton-recovery'), { length: n, paths: 1 });
    const [fitted] = merton.fit(path, {}, {}).assets;
    const r = closeReturns(path[0], 1).subarray(1); // the fit sees returns between generated bars only
    const c = mean(r);
    const d = std(r, 0);
    const toZ = (x: number[]): number[] => [(x[0] - c) / d, x[1] / d, x[2], x[3] / d, x[4] / d];
    const z = r.map((v) => (v - c) / d);
    const est = toZ(lawArray(fitted));
    const truth = toZ(lawArray(p));
    const ll = (x: number[]): number => mertonLogLikelihood(z, lawOf(x));
    const h = [1e-3, 1e-3, 1e-4, 1e-3, 1e-3];
    const at = (i: number, si: number, j: number, sj: number): number => {
      const x = [...est];
      x[i] += si * h[i];
      x[j] += sj * h[j];
      return ll(x);
    };
    const f0 = ll(est);
    const info = est.map((_, i) =>
      est.map((__, j) =>
        i === j
          ? -(at(i, 1, i, 0) - 2 * f0 + at(i, -1, i, 0)) / (h[i] * h[i])
          : -(at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h[i] * h[j]),
      ),
    );
    const cov = invert(info);
    for (let j = 0; j < 5; j++) {
      const se = Math.sqrt(cov[j][j]);
      expect(se).toBeGreaterThan(0);
      expect(Math.abs(est[j] - truth[j]), `coordinate ${j}: est ${est[j]}, truth ${truth[j]}, se ${se}`).toBeLessThan(4 * se);
    }
    expect(f0).toBeGreaterThanOrEqual(ll(truth)); // the MLE beats the truth on its own sample

    // Overnight share ŝ = (var(gap) − Ĵ)/σ̂², Ĵ = λ̂(μ̂J² + σ̂J²). Errors: sd(var(gap)) = sqrt((m4 − m2²)/n)
    // from the gaps' own moments, sd(Ĵ) by the delta method through cov; adding the sds bounds the sum's.
    const bars = path[0];
    const gap = new Float64Array(n - 1).map((_, t) => Math.log(bars.open[t + 1] / bars.close[t]));
    const g2 = variance(gap, 0);
    const gapMean = mean(gap);
    const g4 = mean(gap.map((g) => (g - gapMean) ** 4));
    const [, , lam, mj, sj] = est;
    const grad = [0, 0, mj * mj + sj * sj, 2 * lam * mj, 2 * lam * sj]; // ∂J/∂θ in standardised units
    let varJ = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) varJ += grad[i] * cov[i][j] * grad[j];
    const band = (4 * (Math.sqrt((g4 - g2 * g2) / (n - 1)) + Math.sqrt(varJ) * d * d)) / fitted.sigma ** 2;
    expect(Math.abs(fitted.overnightShare - p.overnightShare)).toBeLessThan(band);
    expect(fitted.initialPrice).toBe(bars.close[n - 1]);
  });

  it('with λ fixed at 0 it is the Gaussian MLE; fixed parameters are kept exactly', () => {
    const rng = Rng.fromSeed('gauss');
    const r = new Float64Array(2000).map(() => 0.001 + 0.01 * rng.normal());
    const law = fitMertonReturns(r, { lambda: 0 });
    expect(law.lambda).toBe(0);
    expect([law.muJ, law.sigmaJ]).toEqual([0, 0]);
    expect(Math.abs(law.m - mean(r))).toBeLessThan(1e-5 * std(r, 0));
    expect(Math.abs(law.sigma / std(r, 0) - 1)).toBeLessThan(1e-5);
    const held = fitMertonReturns(r, { lambda: 0.1, sigmaJ: 0.02 });
    expect([held.lambda, held.sigmaJ]).toEqual([0.1, 0.02]);
    const all = { m: 1e-4, sigma: 0.01, lambda: 0.2, muJ: -0.02, sigmaJ: 0.01 };
    expect(fitMertonReturns(r, all)).toEqual(all);
  });

  it('says when it fails: E_FIT on a search that runs out of iterations or constant returns, E_DATA on short data', () => {
    const r = sampleMertonReturns(asset(), Rng.fromSeed('short-search'), new Float64Array(1000));
    expectCode(() => fitMertonReturns(r, {}, { maxIter: 5 }), 'E_FIT');
    expectCode(() => fitMertonReturns(new Float64Array(100).fill(0.001)), 'E_FIT');
    expectCode(() => fitMertonReturns(new Float64Array(10)), 'E_DATA');
    // 20 bars of a perfectly steady 0.1% daily rise: too few for merton (E_DATA) and, at 40, constant (E_FIT).
    const steady = (length: number): Bars => {
      const bars = allocBars('X', length);
      for (let t = 0; t < length; t++) {
        bars.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
        bars.close[t] = 100 * Math.exp(0.001 * t);
        bars.open[t] = bars.low[t] = t === 0 ? 100 : bars.close[t - 1];
        bars.high[t] = bars.close[t];
      }
      return bars;
    };
    expectCode(() => merton.fit([steady(20)], {}, {}), 'E_DATA');
    expectCode(() => merton.fit([steady(40)], {}, {}), 'E_FIT');
  });

  it('the log-likelihood is the truncated mixture and survives returns far in every tail', () => {
    const law = { m: 0, sigma: 0.01, lambda: 0.05, muJ: 0, sigmaJ: 0.03 };
    // One return at 0: Σ_k p_k/sqrt(2π(σ² + kσJ²)), summed here to k = 40 (the omitted mass is < 1e-12).
    let direct = 0;
    let pk = Math.exp(-0.05);
    for (let k = 0; k <= 40; k++) {
      if (k > 0) pk *= 0.05 / k;
      direct += pk / Math.sqrt(2 * Math.PI * (1e-4 + k * 9e-4));
    }
    expect(mertonLogLikelihood([0], law)).toBeCloseTo(Math.log(direct), 10);
    expect(mertonTerms(0)).toBe(1);
    expect(mertonTerms(1)).toBeLessThanOrEqual(17);
    const far = mertonLogLikelihood([50], law); // direct sums underflow; the log-sum-exp path must not
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeLessThan(-1000);
  });
});

describe('merton determinism, shape and config', () => {
  const params: MertonParams = { assets: [asset(), asset({ symbol: 'NDX', lambda: 0.5, sigma: 0.015, overnightShare: 0, volume: null })] };
  const opts = { length: 500, paths: 3, start: Date.UTC(2010, 5, 5) }; // a Saturday

  it('same seed gives byte-identical output; a different seed gives different output', () => {
    const a = merton.sample(params, Rng.fromSeed(11), opts);
    expect(bytesOf(a).equals(bytesOf(merton.sample(params, Rng.fromSeed(11), opts)))).toBe(true);
    expect(bytesOf(a).equals(bytesOf(merton.sample(params, Rng.fromSeed(12), opts)))).toBe(false);
  });

  it('params survive a JSON round trip with identical samples', () => {
    const copy = JSON.parse(JSON.stringify(params)) as MertonParams;
    expect(copy).toEqual(params);
    expect(bytesOf(merton.sample(copy, Rng.fromSeed(5), opts)).equals(bytesOf(merton.sample(params, Rng.fromSeed(5), opts)))).toBe(true);
  });

  it('returns paths × assets with the training symbols, shared weekday times and valid bars', () => {
    const out = merton.sample(params, Rng.fromSeed(2), opts);
    expect(out).toHaveLength(3);
    for (const panel of out) {
      expect(panel.map((b) => b.symbol)).toEqual(['SPX', 'NDX']);
      expect(panel[1].time).toEqual(panel[0].time);
      expect(panel[0].time[0]).toBe(Date.UTC(2010, 5, 7)); // the Monday after
      for (const bars of panel) expect(ohlcViolation(bars)).toBeUndefined();
    }
    expect(out[0][0].close).not.toEqual(out[1][0].close);
  });

  it('rejects unusable params (E_CONFIG) and has optional, described overrides', () => {
    const one = (over: Partial<MertonAssetParams>): MertonParams => ({ assets: [asset(over)] });
    for (const bad of [{ lambda: 1.5 }, { lambda: -0.1 }, { sigma: -1 }, { sigmaJ: -1 }, { muJ: NaN }, { overnightShare: 2 }]) {
      expectCode(() => merton.sample(one(bad), Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    }
    expectCode(() => merton.sample({ assets: [] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expect(mertonConfigSchema.parse({})).toEqual({});
    expect(mertonConfigSchema.safeParse({ lambda: 2 }).success).toBe(false);
    expect(mertonConfigSchema.safeParse({ sigma: 0 }).success).toBe(false);
    expect(mertonConfigSchema.safeParse({ lamda: 0.1 }).success).toBe(false);
    for (const key of ['m', 'sigma', 'lambda', 'muJ', 'sigmaJ', 'initialPrice'] as const) {
      expect(mertonConfigSchema.shape[key].description).toMatch(/\w/);
    }
    expect(merton.id).toBe('merton');
    expect(merton.version).toBe(1);
  });
});
