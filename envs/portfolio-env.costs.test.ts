import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { fixedPanelEpisode } from '../src/data/panel-episode-source.js';
import { computeTradeCosts, costModelSchema, createTradeCosts } from '../src/market/cost-model.js';
import { PortfolioEnv } from './portfolio-env.js';

const E0 = 1_000_000;
const NO_COSTS = { spreadBps: 0, impactK: 0, commissionBps: 0, commissionMin: 0 };
const DAY = 86_400_000;

/** Weekday epoch-ms times from Monday 2024-01-01 (a fresh array per call). */
function weekdayTimes(n: number): Float64Array {
  const out = new Float64Array(n);
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    while (new Date(t).getUTCDay() % 6 === 0) t += DAY;
    out[i] = t;
    t += DAY;
  }
  return out;
}

/** Seeded random walks with valid OHLCV and shared weekday times; assets in `quoted` get a spread column. */
function randomPanel(seed: string, assets: number, n: number, quoted: readonly number[] = []): Panel {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: assets }, (_, k): Bars => {
    const [open, high, low, close, volume, spread] = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(n));
    let prev = 50 + 50 * rng.uniform();
    for (let i = 0; i < n; i++) {
      open[i] = prev * Math.exp(0.004 * rng.normal());
      close[i] = open[i] * Math.exp(0.012 * rng.normal());
      high[i] = Math.max(open[i], close[i]) * (1 + 0.004 * rng.uniform());
      low[i] = Math.min(open[i], close[i]) * (1 - 0.004 * rng.uniform());
      volume[i] = 2e4 * Math.exp(0.4 * rng.normal());
      spread[i] = 0.0008 * Math.exp(0.3 * rng.normal());
      prev = close[i];
    }
    const bars = { symbol: `S${k}`, time: weekdayTimes(n), open, high, low, close, volume, length: n };
    return quoted.includes(k) ? { ...bars, spread } : bars;
  });
}

/** Bars from explicit opens and closes (high/low bracket them by 1%). */
function explicitBars(symbol: string, open: number[], close: number[], volume: number[], spread?: number[]): Bars {
  const o = Float64Array.from(open);
  const c = Float64Array.from(close);
  return {
    symbol,
    time: weekdayTimes(open.length),
    open: o,
    high: o.map((v, i) => Math.max(v, c[i]) * 1.01),
    low: o.map((v, i) => Math.min(v, c[i]) * 0.99),
    close: c,
    volume: Float64Array.from(volume),
    ...(spread ? { spread: Float64Array.from(spread) } : {}),
    length: open.length,
  };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe('portfolio-v0 accounting identities (all costs on)', () => {
  const N = 4;
  const panel = randomPanel('ledger', N, 700, [1, 3]);
  const costs = { spreadBps: 4, spreadVolScale: 1, impactK: 0.3, advWindow: 10, volWindow: 15, commissionBps: 2, commissionMin: 3, borrowBpsPerYear: 50 };
  const resolved = costModelSchema.parse(costs);
  const config = { window: 10, episodeLength: null, allowShort: true, leverage: 1.5, rebalanceThreshold: 0.01, ruinFloor: 0, costs, initialEquity: E0 };

  it('holds after every step of a long random-action run', () => {
    const env = new PortfolioEnv(config, fixedPanelEpisode(panel, 10));
    const first = env.reset({ seed: 1 });
    expect(first.info.equity).toBe(E0);
    const rng = Rng.fromSeed('random-actions');
    const out = createTradeCosts();
    let prevShares = new Float64Array(N);
    let prevCash = E0;
    let prevEquity = E0;
    let totalCost = 0;
    let grossPnl = 0; // mark-to-market P&L before costs, from the share path alone
    let steps = 0;
    let projected = 0;
    let skipped = 0;
    let weekendShorts = 0;
    let action = new Float32Array(N);
    for (;;) {
      if (steps === 0 || rng.uniform() < 0.7) action = Float32Array.from({ length: N }, () => -1.5 + 3 * rng.uniform());
      const gross = action.reduce((s, a) => s + Math.abs(a), 0);
      if (gross > 1.5) projected++;
      const r = env.step(action);
      const { info } = r;
      const t = info.t;
      steps++;

      // equity = cash + Σ shares_i·close_i[t]
      let marked = info.cash;
      for (let i = 0; i < N; i++) marked += info.shares[i] * panel[i].close[t];
      expect(rel(info.equity, marked), `equity identity at bar ${t}`).toBeLessThan(1e-9);
      for (let i = 0; i < N; i++) expect(info.weights[i]).toBeCloseTo((info.shares[i] * panel[i].close[t]) / info.equity, 12);
      expect(Object.is(r.reward, Math.log(info.equity / prevEquity))).toBe(true);

      // cash moves by the traded value at the opens and the step's costs; each asset's cost uses its own bars.
      let traded = 0;
      let spread = 0;
      let impact = 0;
      let commission = 0;
      for (let i = 0; i < N; i++) {
        const dq = info.shares[i] - prevShares[i];
        if (dq === 0) {
          skipped++;
          continue;
        }
        traded += dq * panel[i].open[t];
        computeTradeCosts(resolved, panel[i], t, dq, panel[i].open[t], out);
        spread += out.spread;
        impact += out.impact;
        commission += out.commission;
      }
      // Shorts held over the bar pay 50 bps a year of their value at the close, per calendar day.
      const days = (panel[0].time[t] - panel[0].time[t - 1]) / DAY;
      let borrow = 0;
      for (let i = 0; i < N; i++) if (info.shares[i] < 0) borrow += (-info.shares[i] * panel[i].close[t] * 0.005 * days) / 365;
      if (borrow > 0 && days === 3) weekendShorts++;
      expect(Math.abs(info.cash - (prevCash - traded - info.cost)) / E0, `cash identity at bar ${t}`).toBeLessThan(1e-9);
      expect(rel(info.costSpread, spread)).toBeLessThan(1e-6);
      expect(rel(info.costImpact, impact)).toBeLessThan(1e-6);
      expect(info.costCommission).toBeCloseTo(commission, 6);
      expect(info.costBorrow).toBeCloseTo(borrow, 9);
      expect(info.cost).toBe(info.costSpread + info.costImpact + info.costCommission + info.costBorrow);

      for (let i = 0; i < N; i++) {
        const p = panel[i];
        grossPnl += prevShares[i] * (p.open[t] - p.close[t - 1]) + info.shares[i] * (p.close[t] - p.open[t]);
      }
      totalCost += info.cost;
      prevShares = info.shares.slice();
      prevCash = info.cash;
      prevEquity = info.equity;
      if (r.truncated || r.terminated) break;
    }
    expect(steps).toBe(689);
    // Total cost paid = Σ per-step costs: the final equity is the initial one plus P&L minus every cost.
    expect(rel(prevEquity, E0 + grossPnl - totalCost)).toBeLessThan(1e-9);
    expect(totalCost).toBeGreaterThan(0);
    expect(projected).toBeGreaterThan(100);
    expect(skipped).toBeGreaterThan(50); // repeated actions inside the 1% band do not trade
    expect(weekendShorts).toBeGreaterThan(50);
  });

  it('reproduces one asset’s close-to-close returns with a constant weight of 1 and no costs', () => {
    const env = new PortfolioEnv({ ...config, costs: NO_COSTS, rebalanceThreshold: 0 }, fixedPanelEpisode(panel, 10));
    env.reset();
    const c = panel[2].close;
    const o = panel[2].open;
    const action = Float32Array.of(0, 0, 1, 0);
    const r0 = env.step(action); // from cash: filled at open[11]
    expect(r0.reward).toBeCloseTo(Math.log(c[11] / o[11]), 12);
    for (let t = 12; t < 200; t++) {
      const r = env.step(action);
      expect(r.info.t).toBe(t);
      expect(r.reward).toBeCloseTo(Math.log(c[t] / c[t - 1]), 12);
    }
  });
});

describe('portfolio-v0 costs, hand-computed for a 2-asset rebalance', () => {
  // A: no spread column (modelled spread); B: quoted spread column. window = 2, decisions from bar 2.
  const A = explicitBars('A', [100, 101, 102.5, 101.5, 103.5, 103], [100, 102, 101, 103, 104, 102], [1000, 2000, 3000, 4000, 5000, 6000]);
  const B = explicitBars(
    'B',
    [50, 49.5, 49, 50.2, 51.3, 50],
    [50, 49, 50.5, 51, 50, 52],
    [800, 600, 1000, 1400, 900, 700],
    [0.001, 0.001, 0.002, 0.003, 0.004, 0.005],
  );
  const costs = { spreadBps: 10, spreadVolScale: 0, impactK: 0.5, volWindow: 2, advWindow: 2, commissionBps: 5, commissionMin: 20 };
  const equity0 = 100_000;

  it('charges half-spread, square-root impact and commission per asset with its own bars', () => {
    const env = new PortfolioEnv({ window: 2, episodeLength: null, costs, initialEquity: equity0 }, fixedPanelEpisode([A, B], 2));
    env.reset();

    // Step 1 (t = 2, fill bar 3) from all cash to [0.5, 0.25] (exact in float32).
    let r = env.step(Float32Array.of(0.5, 0.25));
    const qA = (0.5 * 100_000) / 101.5; // shares bought at open_A[3]
    const qB = (0.25 * 100_000) / 50.2;
    // σ at fill bar 3: sample std of the two returns ln(c1/c0), ln(c2/c1) = |r1 − r2|/√2; ADV = mean volume of bars 1, 2.
    const sigA3 = Math.abs(Math.log(102 / 100) - Math.log(101 / 102)) / Math.SQRT2;
    const sigB3 = Math.abs(Math.log(49 / 50) - Math.log(50.5 / 49)) / Math.SQRT2;
    const advA3 = (2000 + 3000) / 2;
    const advB3 = (600 + 1000) / 2;
    const spreadA1 = (50_000 * 0.001) / 2; // modelled 10 bps
    const spreadB1 = (25_000 * 0.003) / 2; // quoted spread of bar 3
    const impactA1 = 50_000 * 0.5 * sigA3 * Math.sqrt(qA / advA3);
    const impactB1 = 25_000 * 0.5 * sigB3 * Math.sqrt(qB / advB3);
    const commA1 = Math.max(20, (50_000 * 5) / 1e4); // 25
    const commB1 = Math.max(20, (25_000 * 5) / 1e4); // 12.5 → the minimum, 20
    const cost1 = spreadA1 + spreadB1 + impactA1 + impactB1 + commA1 + commB1;
    const cash1 = 25_000 - cost1;
    const eq1 = cash1 + qA * 103 + qB * 51;
    expect(r.info.costSpread).toBeCloseTo(spreadA1 + spreadB1, 9);
    expect(r.info.costImpact).toBeCloseTo(impactA1 + impactB1, 9);
    expect(r.info.costCommission).toBeCloseTo(45, 9);
    expect(r.info.cost).toBeCloseTo(cost1, 9);
    expect(r.info.tradedNotional).toBeCloseTo(75_000, 9);
    expect(r.info.cash).toBeCloseTo(cash1, 9);
    expect(r.info.equity).toBeCloseTo(eq1, 9);
    expect(r.reward).toBeCloseTo(Math.log(eq1 / 100_000), 12);
    // Costs come out of cash after sizing: the post-trade weights miss the targets by about cost/equity.
    const valueA = r.info.shares[0] * 101.5;
    const weightAfterFill = valueA / (r.info.cash + valueA + r.info.shares[1] * 50.2);
    expect(weightAfterFill - 0.5).toBeCloseTo((0.5 * cost1) / (100_000 - cost1), 12);

    // Step 2 (t = 3, fill bar 4): rebalance to [0.25, 0.5], both sized from the equity at the opens of bar 4.
    r = env.step(Float32Array.of(0.25, 0.5));
    const eOpen = cash1 + qA * 103.5 + qB * 51.3;
    const dA = (0.25 * eOpen) / 103.5 - qA; // a sale
    const dB = (0.5 * eOpen) / 51.3 - qB; // a purchase
    const nA = Math.abs(dA) * 103.5;
    const nB = Math.abs(dB) * 51.3;
    const sigA4 = Math.abs(Math.log(101 / 102) - Math.log(103 / 101)) / Math.SQRT2;
    const sigB4 = Math.abs(Math.log(50.5 / 49) - Math.log(51 / 50.5)) / Math.SQRT2;
    const advA4 = (3000 + 4000) / 2;
    const advB4 = (1000 + 1400) / 2;
    const spread2 = (nA * 0.001) / 2 + (nB * 0.004) / 2;
    const impact2 = nA * 0.5 * sigA4 * Math.sqrt(Math.abs(dA) / advA4) + nB * 0.5 * sigB4 * Math.sqrt(Math.abs(dB) / advB4);
    const comm2 = Math.max(20, (nA * 5) / 1e4) + Math.max(20, (nB * 5) / 1e4);
    const cash2 = cash1 - dA * 103.5 - dB * 51.3 - (spread2 + impact2 + comm2);
    const eq2 = cash2 + (qA + dA) * 104 + (qB + dB) * 50;
    expect(dA).toBeLessThan(0);
    expect(dB).toBeGreaterThan(0);
    expect(r.info.costSpread).toBeCloseTo(spread2, 9);
    expect(r.info.costImpact).toBeCloseTo(impact2, 9);
    expect(r.info.costCommission).toBeCloseTo(comm2, 9);
    expect(r.info.tradedNotional).toBeCloseTo(nA + nB, 9);
    expect(r.info.shares[0]).toBeCloseTo(qA + dA, 9);
    expect(r.info.shares[1]).toBeCloseTo(qB + dB, 9);
    expect(r.info.cash).toBeCloseTo(cash2, 9);
    expect(r.info.equity).toBeCloseTo(eq2, 9);
    expect(r.reward).toBeCloseTo(Math.log(eq2 / eq1), 12);
  });
});

describe('portfolio-v0 borrow fee', () => {
  it('charges shorts per calendar day held, at the close, weekends included; longs pay nothing', () => {
    const panel = randomPanel('borrow', 2, 40); // bar 3 = Thursday 2024-01-04, bar 4 = Friday, bar 5 = Monday
    const costs = { ...NO_COSTS, borrowBpsPerYear: 365 }; // 1e-4 of the short's value per day
    const env = new PortfolioEnv({ window: 2, episodeLength: null, allowShort: true, costs }, fixedPanelEpisode(panel, 3));
    env.reset();
    let r = env.step(Float32Array.of(-0.5, 0.5)); // filled Friday's open, held to Friday's close: 1 day
    const s4 = (-0.5 * E0) / panel[0].open[4];
    expect(r.info.shares[0]).toBeCloseTo(s4, 9);
    expect(r.info.costBorrow).toBeCloseTo(-s4 * panel[0].close[4] * 1e-4 * 1, 9);
    expect(r.info.cost).toBe(r.info.costBorrow);
    r = env.step(Float32Array.of(-0.5, 0.5)); // held from Friday to Monday: 3 days
    expect(r.info.costBorrow).toBeCloseTo(-r.info.shares[0] * panel[0].close[5] * 1e-4 * 3, 9);
    r = env.step(Float32Array.of(0, 0.5)); // decided Monday, covered at Tuesday's open: flat over the bar
    expect(r.info.shares[0]).toBe(0);
    expect(r.info.costBorrow).toBe(0);
  });
});

describe('portfolio-v0 rebalanceThreshold', () => {
  const panel = randomPanel('threshold', 2, 60);
  const o = (i: number, t: number): number => panel[i].open[t];

  it('skips assets whose weight is within the threshold of the target', () => {
    const env = new PortfolioEnv({ window: 5, costs: NO_COSTS, rebalanceThreshold: 0.05 }, fixedPanelEpisode(panel, 10));
    env.reset();
    let r = env.step(Float32Array.of(0.375, 0.375));
    expect(r.info.tradedNotional).toBeCloseTo(0.75 * E0, 6);
    const held = r.info.shares.slice();

    r = env.step(Float32Array.of(0.375, 0.375)); // drift of ~1% returns is far inside 5%: no trade
    expect(r.info.tradedNotional).toBe(0);
    expect(r.info.cost).toBe(0);
    expect(Array.from(r.info.shares)).toEqual(Array.from(held));

    r = env.step(Float32Array.of(0.40625, 0.5)); // +3 points on asset 0 (skipped), +12.5 on asset 1 (traded)
    const t = r.info.t;
    const eOpen = r.info.cash + (held[0] * o(0, t) + r.info.shares[1] * o(1, t)); // no costs: equity is conserved by the fill
    expect(r.info.shares[0]).toBe(held[0]);
    expect((r.info.shares[1] * o(1, t)) / eOpen).toBeCloseTo(0.5, 12);
  });

  it('with the default 0, rebalances drifted weights back to target at every step', () => {
    const env = new PortfolioEnv({ window: 5, costs: NO_COSTS }, fixedPanelEpisode(panel, 10));
    env.reset();
    env.step(Float32Array.of(0.375, 0.375));
    for (let k = 0; k < 5; k++) {
      const r = env.step(Float32Array.of(0.375, 0.375));
      const t = r.info.t;
      const eOpen = r.info.cash + r.info.shares[0] * o(0, t) + r.info.shares[1] * o(1, t);
      expect(r.info.tradedNotional).toBeGreaterThan(0);
      for (let i = 0; i < 2; i++) expect((r.info.shares[i] * o(i, t)) / eOpen).toBeCloseTo(0.375, 12);
    }
  });
});
