import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { Portfolio } from './portfolio.js';

/** |actual − expected| ≤ rel·max(|expected|, scale): relative, with money near 0 judged against the book's size. */
function expectRelClose(actual: number, expected: number, rel: number, scale = 1_000_000): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(scale, Math.abs(expected)));
}

describe('Portfolio', () => {
  it('buys with cash, pays costs from cash, and marks equity at a price', () => {
    const pf = new Portfolio(1_000_000);
    const dq = pf.rebalanceTo(1, 100, (q, p) => Math.abs(q) * p * 1e-4);
    expect(dq).toBe(10000);
    expect(pf.cash).toBeCloseTo(-100, 9);
    expect(pf.equityAt(101)).toBeCloseTo(1_009_900, 6);
  });

  it('holds a short as negative shares with the proceeds in cash', () => {
    const pf = new Portfolio(1_000_000);
    pf.rebalanceTo(-1, 100, () => 0);
    expect(pf.shares).toBe(-10000);
    expect(pf.cash).toBe(2_000_000);
    expect(pf.equityAt(90)).toBe(1_100_000); // the short gains when the price falls
    expect(pf.weightAt(100)).toBe(-1);
  });

  it('deltaTo + trade is rebalanceTo, and deltaTo changes nothing', () => {
    const a = new Portfolio(1_000_000);
    const b = new Portfolio(1_000_000);
    const cost = (q: number, p: number): number => Math.abs(q) * p * 3e-4;
    a.rebalanceTo(0.6, 50, cost);
    b.rebalanceTo(0.6, 50, cost);
    const dq = b.deltaTo(-0.4, 55);
    expect(b.shares).toBe(a.shares);
    expect(dq).toBe((-0.4 * b.equityAt(55)) / 55 - b.shares);
    b.trade(dq, 55, cost(dq, 55));
    expect(a.rebalanceTo(-0.4, 55, cost)).toBe(dq);
    expect([b.cash, b.shares, b.lastDeltaShares, b.lastCost]).toEqual([a.cash, a.shares, a.lastDeltaShares, a.lastCost]);
  });

  it('charges holding costs from cash only', () => {
    const pf = new Portfolio(1_000_000);
    pf.rebalanceTo(-1, 100, () => 0);
    pf.charge(6.85);
    expect(pf.cash).toBe(2_000_000 - 6.85);
    expect(pf.shares).toBe(-10000);
    expect(pf.equityAt(100)).toBeCloseTo(1_000_000 - 6.85, 9);
    expect(pf.lastCost).toBe(0); // not a trade
  });

  it('refuses to size a trade with non-positive equity', () => {
    const pf = new Portfolio(1_000_000);
    pf.rebalanceTo(-1, 100, () => 0);
    expect(() => pf.deltaTo(1, 250)).toThrow(expect.objectContaining({ code: 'E_ASSERT' })); // equity 2e6 − 2.5e6 < 0
    expect(() => pf.rebalanceTo(0, 200, () => 0)).toThrow(expect.objectContaining({ code: 'E_ASSERT' })); // equity exactly 0
  });

  it('keeps equity = cash + shares × price and an independent cash ledger over 10,000 random operations', () => {
    const rng = Rng.fromSeed('ledger');
    const pf = new Portfolio(1_000_000);
    let ledgerCash = 1_000_000;
    let ledgerShares = 0;
    let price = 100;
    for (let k = 0; k < 10_000; k++) {
      price *= Math.exp(0.02 * rng.normal());
      const before = pf.equityAt(price);
      if (rng.uniform() < 0.2) {
        const fee = rng.uniform() * 10;
        pf.charge(fee);
        ledgerCash -= fee;
        expectRelClose(pf.equityAt(price), before - fee, 1e-12);
      } else if (before > 0) {
        const weight = 3 * rng.uniform() - 1.5;
        const rate = 5e-4 * rng.uniform();
        const dq = pf.rebalanceTo(weight, price, (q, p) => Math.abs(q) * p * rate);
        const cost = Math.abs(dq) * price * rate;
        ledgerCash -= dq * price + cost;
        ledgerShares += dq;
        // A trade at p moves value between cash and shares: equity at p falls by the cost only.
        expectRelClose(pf.equityAt(price), before - cost, 1e-9);
        // Before costs the new weight is the target.
        expectRelClose((pf.shares * price) / (pf.equityAt(price) + cost), weight, 1e-9, 1);
      }
      expect(pf.equityAt(price)).toBe(pf.cash + pf.shares * price);
      expectRelClose(pf.cash, ledgerCash, 1e-9);
      expectRelClose(pf.shares, ledgerShares, 1e-9, 10_000);
      if (pf.equityAt(price) < 1000) {
        pf.reset();
        ledgerCash = 1_000_000;
        ledgerShares = 0;
      }
    }
  });
});
