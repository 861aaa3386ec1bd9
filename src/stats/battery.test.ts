import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { allocBars } from '../data/bars.js';
import { loadBuiltinSp500 } from '../data/builtin.js';
import { batteryRows, statsBattery } from './battery.js';

function iidBars(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const b = allocBars('IID', n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= Math.exp(0.01 * rng.normal());
    b.time[i] = i * 86_400_000;
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = p;
    b.volume[i] = 1;
  }
  return b;
}

describe('statsBattery', () => {
  it('shows the S&P 500’s stylised facts', () => {
    const b = statsBattery(loadBuiltinSp500());
    expect(b.n).toBe(5104);
    expect(b.excessKurtosis).toBeGreaterThan(5); // fat tails
    expect(b.archLm12.pvalue).toBeLessThan(1e-10); // volatility clustering
    expect(b.ljungBoxSquared.lag10.pvalue).toBeLessThan(1e-10);
    expect(b.acfAbsReturns.lag1).toBeGreaterThan(0.2);
    expect(b.adfReturns.pvalue).toBeLessThan(0.01); // returns stationary
    expect(b.adfLogPrice.pvalue).toBeGreaterThan(0.1); // prices have a unit root
    expect(b.leverage[0]).toBeLessThan(0); // leverage effect
    expect(b.hillAlpha.abs).toBeGreaterThan(2);
    expect(b.hillAlpha.abs).toBeLessThan(5);
  });

  it('does not see clustering or fat tails in iid normal returns (fixed seed, 1% level)', () => {
    const b = statsBattery(iidBars(4000, 1));
    expect(b.archLm12.pvalue).toBeGreaterThan(0.01);
    expect(b.jarqueBera.pvalue).toBeGreaterThan(0.01);
    expect(Math.abs(b.excessKurtosis)).toBeLessThan(4 * Math.sqrt(24 / 4000));
  });

  it('flattens to named rows and refuses short series', () => {
    const rows = batteryRows(statsBattery(iidBars(500, 2)));
    expect(rows.map(([k]) => k)).toContain('ljungBoxSquared.lag10.pvalue');
    expect(rows.map(([k]) => k)).toContain('leverage.lag5');
    expect(() => statsBattery(iidBars(50, 3))).toThrow(expect.objectContaining({ code: 'E_TOO_SHORT' }));
  });
});
