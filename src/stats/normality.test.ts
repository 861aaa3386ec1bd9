import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { jarqueBera, ksNormal, ksOneSample } from './normality.js';

describe('jarqueBera (scipy.stats.jarque_bera)', () => {
  it('matches scipy on a small sample', () => {
    const jb = jarqueBera([1, 2, 10, 3, 7, -4, 0.5, 2.2]);
    expect(jb.stat).toBeCloseTo(0.15518683921072274, 14);
    expect(jb.pvalue).toBeCloseTo(0.9253405754073051, 14);
  });

  it('p-value is exp(−JB/2) and underflows to 0 for huge statistics, like scipy', () => {
    const rng = Rng.fromSeed('jb');
    const x = new Float64Array(5000).map(() => rng.normal() ** 3); // heavy tails
    const jb = jarqueBera(x);
    expect(jb.stat).toBeGreaterThan(1500);
    expect(jb.pvalue).toBe(0);
    const y = rng.fillNormal(new Float64Array(2000));
    const g = jarqueBera(y);
    expect(g.pvalue).toBeCloseTo(Math.exp(-g.stat / 2), 15);
  });

  it('gives NaN for constant input', () => {
    expect(jarqueBera([1, 1, 1]).stat).toBeNaN();
    expect(jarqueBera([1, 1, 1]).pvalue).toBeNaN();
  });
});

describe('ksOneSample and ksNormal (scipy.stats.kstest)', () => {
  it('match scipy on small samples', () => {
    const u = ksOneSample([0.1, 0.4, 0.7, 0.75, 0.95], (v) => Math.min(1, Math.max(0, v)));
    expect(u.stat).toBeCloseTo(0.3, 14);
    expect(u.pvalue).toBeCloseTo(0.6640000000000001, 13);
    expect(u.pvalueAsymp).toBeCloseTo(0.759097838420395, 13);
    const n = ksNormal([1, 2, 10, 3, 7, -4, 0.5, 2.2]);
    expect(n.stat).toBeCloseTo(0.22290366288001584, 14);
    expect(n.pvalue).toBeCloseTo(0.7453818249749933, 13);
    expect(n.pvalueAsymp).toBeCloseTo(0.8215607070173939, 13);
  });

  it('are location-scale invariant and detect a heavy-tailed sample', () => {
    const rng = Rng.fromSeed('ks');
    const x = rng.fillNormal(new Float64Array(1000));
    const a = ksNormal(x);
    const b = ksNormal(x.map((v) => 0.001 + 0.02 * v));
    expect(b.stat).toBeCloseTo(a.stat, 13);
    expect(a.pvalue).toBeGreaterThan(0.001);
    const t = new Float64Array(3000).map(() => rng.normal() / Math.sqrt(-2 * Math.log(1 - rng.uniform()) / 2)); // Student-t(2)
    expect(ksNormal(t).pvalue).toBeLessThan(1e-6);
  });

  it('give NaN for too little or constant data', () => {
    expect(ksNormal([1]).stat).toBeNaN();
    expect(ksNormal([2, 2, 2]).pvalue).toBeNaN();
    expect(ksOneSample([], (v) => v).stat).toBeNaN();
  });
});
