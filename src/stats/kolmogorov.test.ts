import { describe, expect, it } from 'vitest';
import { kolmogorovCdf, kolmogorovSf, kstwoCdf, kstwoSf, smirnovSf } from './kolmogorov.js';

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('kstwo: every branch of scipy 1.10’s two-sided Dₙ distribution', () => {
  // [branch, n, d, scipy kstwo.sf(d, n), scipy kstwo.cdf(d, n)]
  const cases: [string, number, number, number, number][] = [
    ['Ruben-Gambino, d ≤ 1/n, n ≤ 140', 5, 0.15, 0.9988, 0.0012000000000000005],
    ['Ruben-Gambino, d ≤ 1/n, n > 140', 200, 0.004, 1, 2.0947856200911138e-130],
    ['Ruben-Gambino, d ≥ 1 − 1/n', 10, 0.95, 1.9531250000000172e-13, 0.9999999999998047],
    ['2·smirnov, d ≥ ½', 20, 0.6, 2.0483011649719853e-7, 0.9999997951698835],
    ['Durbin matrix, n ≤ 140', 50, 0.1, 0.6623112704658186, 0.3376887295341814],
    ['Pomeranz, n ≤ 140', 100, 0.15, 0.019839242125641813, 0.9801607578743582],
    ['2·smirnov, n ≤ 140, nd² > 4', 100, 0.3, 1.7719869892662917e-8, 0.9999999822801301],
    ['2·smirnov for the SF, n > 140', 1000, 0.06, 0.001428597887952891, 0.998571401884381],
    ['Durbin matrix, n > 140', 1000, 0.01, 0.9999496745370611, 5.032546293896392e-5],
    ['Pelz-Good', 2520, 0.0105, 0.9411494458591706, 0.058850554140829396],
    ['CDF rounds to 1 for nd² ≥ 18', 1000, 0.15, 4.16424802243078e-20, 1],
  ];
  it.each(cases)('%s (n = %i, d = %d)', (_branch, n, d, sf, cdf) => {
    expect(rel(kstwoSf(d, n), sf)).toBeLessThan(1e-11);
    expect(rel(kstwoCdf(d, n), cdf)).toBeLessThan(1e-11);
  });

  it('reproduces the S&P 500 exact KS p-value (2·smirnov at n = 5104)', () => {
    expect(rel(kstwoSf(0.10083081408779837, 5104), 1.2555710167861222e-45)).toBeLessThan(1e-12);
  });

  it('handles the ends of the support and invalid n', () => {
    expect(kstwoSf(0.28, 5000)).toBe(0); // nd² ≥ 370, as scipy
    expect(kstwoSf(0, 10)).toBe(1);
    expect(kstwoSf(0.04, 10)).toBe(1); // d ≤ 1/(2n)
    expect(kstwoSf(1, 10)).toBe(0);
    expect(kstwoCdf(1.5, 10)).toBe(1);
    expect(kstwoSf(0.1, 0)).toBeNaN();
    expect(kstwoSf(0.1, 2.5)).toBeNaN();
  });

  it('is a distribution: monotone in d, and tends to the Kolmogorov limit', () => {
    let prev = 1;
    for (let d = 0.01; d < 0.5; d += 0.01) {
      const sf = kstwoSf(d, 60);
      expect(sf).toBeLessThanOrEqual(prev + 1e-15);
      prev = sf;
    }
    // √n·Dₙ → K: at n = 100 000 the exact and limiting tails agree to O(1/√n).
    expect(Math.abs(kstwoSf(1 / Math.sqrt(1e5), 1e5) - kolmogorovSf(1))).toBeLessThan(5e-3);
  });
});

describe('kolmogorovSf (scipy kstwobign.sf)', () => {
  it('matches scipy on both sides of the series cut-over', () => {
    const cases: [number, number][] = [
      [0.3, 0.9999906941986655],
      [0.6, 0.8642827790506042],
      [0.82, 0.5119717052984973],
      [0.83, 0.4961909953505036],
      [1, 0.26999967167735456],
      [1.5, 0.022217962616525127],
      [3, 3.045995948942526e-8],
    ];
    for (const [x, want] of cases) {
      expect(rel(kolmogorovSf(x), want)).toBeLessThan(1e-13);
      expect(kolmogorovCdf(x) + kolmogorovSf(x)).toBeCloseTo(1, 15);
    }
    expect(kolmogorovSf(1.3580986393225505)).toBeCloseTo(0.05, 14); // the 5% critical value
    expect(kolmogorovSf(0)).toBe(1);
    expect(kolmogorovSf(30)).toBe(0);
  });
});

describe('smirnovSf (scipy special.smirnov)', () => {
  it('matches scipy and the closed forms at the ends', () => {
    const cases: [number, number, number][] = [
      [10, 0.3, 0.1354635556],
      [100, 0.05, 0.5871453380805337],
      [1000, 0.05, 0.006506037390545166],
      [5000, 0.001, 0.9893904799641151],
    ];
    for (const [n, d, want] of cases) expect(rel(smirnovSf(n, d), want)).toBeLessThan(1e-12);
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15);
    expect(rel(smirnovSf(10, 0.95), 0.05 ** 10)).toBeLessThan(1e-12); // (1 − d)ⁿ for d ≥ 1 − 1/n
    expect(smirnovSf(10, 0)).toBe(1);
    expect(smirnovSf(10, 1.2)).toBeNaN();
  });
});
