import { describe, expect, it } from 'vitest';
import {
  chi2Cdf,
  chi2Sf,
  erf,
  erfc,
  fCdf,
  fSf,
  logGamma,
  normalCdf,
  normalPdf,
  normalPpf,
  normalSf,
  regularizedBeta,
  regularizedBetaTails,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTSf,
} from './distributions.js';

/** Relative error |a − e|/|e|. */
const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

// Expected values are 30-digit mpmath evaluations (or scipy 1.10 where stated), rounded to doubles.

describe('normal distribution', () => {
  it('matches high-precision values from the centre to the far tail', () => {
    expect(rel(normalCdf(-37.5), 4.605353009581955e-308)).toBeLessThan(1e-13);
    expect(rel(normalCdf(-8), 6.220960574271784e-16)).toBeLessThan(1e-14);
    expect(rel(normalCdf(-1), 0.15865525393145705)).toBeLessThan(1e-15);
    expect(rel(normalCdf(0.3), 0.6179114221889526)).toBeLessThan(1e-15);
    expect(normalCdf(0)).toBe(0.5);
    expect(rel(normalCdf(1.96), 0.9750021048517795)).toBeLessThan(1e-15);
    expect(normalCdf(-39)).toBe(0); // below the smallest subnormal
    expect(normalSf(40)).toBe(0);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 16);
  });

  it('is symmetric and its two tails add to 1', () => {
    for (const x of [0.01, 0.3, 0.66, 1, 2.5, 5, 12, 30]) {
      expect(normalSf(x)).toBe(normalCdf(-x));
      expect(normalCdf(x) + normalSf(x)).toBeCloseTo(1, 15);
    }
  });

  it('erf and erfc are consistent across Cody’s interval boundaries', () => {
    for (const x of [0.46875 - 1e-12, 0.46875, 0.46875 + 1e-12, 4 - 1e-12, 4, 4 + 1e-12]) {
      expect(erf(x) + erfc(x)).toBeCloseTo(1, 15);
      expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
    }
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 16);
    expect(rel(erfc(5), 1.5374597944280349e-12)).toBeLessThan(1e-15);
  });

  it('normalPpf gives textbook quantiles and inverts normalCdf', () => {
    expect(normalPpf(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalPpf(0.95)).toBeCloseTo(1.6448536269514722, 14);
    expect(normalPpf(0.995)).toBeCloseTo(2.5758293035489004, 14);
    expect(rel(normalPpf(1e-10), -6.361340902404056)).toBeLessThan(1e-15);
    expect(rel(normalPpf(1e-300), -37.0470962993612)).toBeLessThan(1e-15);
    expect(normalPpf(0.5)).toBe(0);
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(1)).toBe(Infinity);
    expect(normalPpf(1.5)).toBeNaN();
    // Invert through the tail that is stored accurately: Φ(x) for x < 0, 1 − Φ(x) for x > 0.
    for (const x of [-30, -8, -3, -1, -0.2]) {
      expect(rel(normalPpf(normalCdf(x)), x)).toBeLessThan(1e-13);
      expect(rel(-normalPpf(normalSf(-x)), -x)).toBeLessThan(1e-13);
    }
  });
});

describe('log-gamma and the regularized incomplete gamma function', () => {
  it('logGamma matches factorials, ln √π and high-precision values', () => {
    let logFact = 0;
    for (let n = 1; n <= 30; n++) {
      expect(logGamma(n)).toBeCloseTo(logFact, 12); // ln (n−1)!
      logFact += Math.log(n);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    const cases: [number, number][] = [
      [0.1, 2.252712651734206],
      [3.5, 1.2009736023470743],
      [12.5, 18.734347511936445],
      [1000, 5905.220423209181],
      [1e-8, 18.42068073818021],
    ];
    for (const [x, want] of cases) expect(rel(logGamma(x), want)).toBeLessThan(1e-14);
    // Reflection: Γ(−0.5) = −2√π.
    expect(logGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 14);
    expect(logGamma(0)).toBe(Infinity);
  });

  it('P and Q match high-precision values, including tiny tails', () => {
    const p: [number, number, number][] = [
      [0.5, 0.1, 0.345279153981423],
      [3, 2.5, 0.45618688411667047],
      [50, 40, 0.07033506665939496],
      [2500, 2400, 0.02165968786536333],
    ];
    for (const [a, x, want] of p) expect(rel(regularizedGammaP(a, x), want)).toBeLessThan(1e-12);
    const q: [number, number, number][] = [
      [0.5, 30, 9.485737571073848e-15],
      [5, 600, 1.4408034326399303e-251],
      [10, 25, 0.00022147663824878357],
      [2500, 2700, 4.717635594693641e-5],
    ];
    for (const [a, x, want] of q) expect(rel(regularizedGammaQ(a, x), want)).toBeLessThan(1e-12);
  });

  it('P + Q = 1 and P(1, x) = 1 − e^−x', () => {
    for (const a of [0.3, 1, 4.5, 60]) {
      for (const x of [0.01, 1, a, 3 * a + 5]) expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
    for (const x of [0.001, 0.7, 3, 40]) expect(rel(regularizedGammaQ(1, x), Math.exp(-x))).toBeLessThan(1e-14);
    expect(regularizedGammaP(-1, 1)).toBeNaN();
    expect(regularizedGammaQ(2, 0)).toBe(1);
  });
});

describe('chi-squared', () => {
  it('reproduces the S&P 500 Ljung-Box p-value and table values', () => {
    // scipy 1.10 chi2.sf(95.87449502067213, 10), the reference lag-10 Ljung-Box p-value.
    expect(rel(chi2Sf(95.87449502067213, 10), 3.6356477604184304e-16)).toBeLessThan(1e-12);
    // Upper 5% and 1% points (scipy chi2.ppf).
    expect(chi2Sf(18.307038053275146, 10)).toBeCloseTo(0.05, 14);
    expect(chi2Sf(37.56623478662507, 20)).toBeCloseTo(0.01, 14);
    expect(chi2Sf(3.841458820694124, 1)).toBeCloseTo(0.05, 14);
  });

  it('satisfies χ²₂ = Exp(½) and χ²₁ = Z²', () => {
    for (const x of [0.01, 1, 7, 100, 1200]) {
      expect(rel(chi2Sf(x, 2), Math.exp(-x / 2))).toBeLessThan(1e-13);
      expect(rel(chi2Sf(x, 1), 2 * normalSf(Math.sqrt(x)))).toBeLessThan(1e-12);
      expect(chi2Cdf(x, 3) + chi2Sf(x, 3)).toBeCloseTo(1, 14);
    }
    expect(chi2Sf(0, 4)).toBe(1);
    expect(chi2Sf(-1, 4)).toBe(1);
    expect(chi2Sf(5219.74393253958, 10)).toBe(0); // e^(−2600): scipy also reports 0.0
    expect(chi2Sf(1, 0)).toBeNaN();
  });
});

describe('incomplete beta, F and Student-t', () => {
  it('regularizedBeta matches high-precision values and I_x(a, b) = 1 − I_(1−x)(b, a)', () => {
    const cases: [number, number, number, number][] = [
      [0.3, 2, 5, 0.5798249999999999],
      [0.9, 0.5, 0.5, 0.7951672353008665],
      [0.001, 6, 2500, 0.042272098253965294],
      [0.5, 250, 250, 0.5],
      [0.999, 50, 3, 0.9999786967828341],
    ];
    for (const [x, a, b, want] of cases) {
      expect(rel(regularizedBeta(x, a, b), want)).toBeLessThan(1e-12);
      expect(rel(regularizedBetaTails(1 - x, x, b, a).upper, want)).toBeLessThan(1e-12);
    }
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(0.5, -1, 3)).toBeNaN();
  });

  it('Student-t: table values, the Cauchy case and symmetry', () => {
    expect(studentTSf(2.228138851986274, 10)).toBeCloseTo(0.025, 14);
    expect(studentTSf(4.032142983555228, 5)).toBeCloseTo(0.005, 14);
    for (const t of [1e-8, 0.3, 1, 7, 1e4]) {
      expect(rel(studentTSf(t, 1), 0.5 - Math.atan(t) / Math.PI)).toBeLessThan(1e-11);
      expect(studentTCdf(-t, 6)).toBe(studentTSf(t, 6));
      expect(studentTSf(t, 6) + studentTSf(-t, 6)).toBeCloseTo(1, 15);
    }
    expect(studentTSf(0, 3)).toBe(0.5);
    expect(rel(studentTSf(2, Infinity), normalSf(2))).toBe(0);
    expect(rel(studentTSf(2, 1e7), normalSf(2))).toBeLessThan(1e-6);
  });

  it('F: table values, F(1, ν) = t²_ν, reciprocal symmetry and the χ² limit', () => {
    expect(fSf(4.964602743730711, 1, 10)).toBeCloseTo(0.05, 14);
    expect(fSf(2.188292478945051, 12, 5000)).toBeCloseTo(0.01, 14);
    expect(fSf(2.9222771906450373, 3, 30)).toBeCloseTo(0.05, 14);
    for (const t of [0.2, 1.5, 3, 12]) expect(rel(fSf(t * t, 1, 9), 2 * studentTSf(t, 9))).toBeLessThan(1e-12);
    for (const f of [0.1, 0.8, 2, 40]) {
      expect(rel(fSf(f, 4, 7), fCdf(1 / f, 7, 4))).toBeLessThan(1e-12);
      expect(fSf(f, 4, 7) + fCdf(f, 4, 7)).toBeCloseTo(1, 15);
    }
    // d₁·F(d₁, d₂) → χ²(d₁) as d₂ → ∞.
    expect(rel(fSf(2, 5, 1e9), chi2Sf(10, 5))).toBeLessThan(1e-6);
    expect(fSf(0, 3, 4)).toBe(1);
    expect(fSf(Infinity, 3, 4)).toBe(0);
  });
});
