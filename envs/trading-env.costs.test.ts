import { describe, expect, it } from 'vitest';
import type { Bars } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { TradingEnv } from './trading-env.js';
import type { TradingEnvInput } from './trading-env.js';

const N = 40;
const START = 25;
const E0 = 1_000_000;
const LONG = 2;
const FLAT = 1;
const SHORT = 0;

/** 40 hand-made bars: close[i] = 100 + (3i mod 7), open[i] = close[i−1] + 0.5, volume 100,000 + 5,000·i. */
function handBars(withSpread = false): Bars {
  const close = new Float64Array(N);
  const open = new Float64Array(N);
  const volume = new Float64Array(N);
  const spread = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    close[i] = 100 + ((3 * i) % 7);
    open[i] = i === 0 ? close[0] : close[i - 1] + 0.5;
    volume[i] = 100_000 + 5_000 * i;
    spread[i] = 0.001 + 0.0001 * i;
  }
  return {
    symbol: 'HAND',
    time: new Float64Array(N).map((_, i) => i * 86_400_000),
    open,
    high: open.map((o, i) => Math.max(o, close[i]) + 1),
    low: open.map((o, i) => Math.min(o, close[i]) - 1),
    close,
    volume,
    ...(withSpread ? { spread } : {}),
    length: N,
  };
}

function makeEnv(costs: TradingEnvInput['costs'], extra: TradingEnvInput = {}, bars = handBars()): { env: TradingEnv; bars: Bars } {
  const env = new TradingEnv({ window: 5, episodeLength: null, initialEquity: E0, costs, ...extra }, fixedEpisode(bars, START, N));
  env.reset({ seed: 0 });
  return { env, bars };
}

const NO_COSTS = { spreadBps: 0, impactK: 0, commissionBps: 0, commissionMin: 0, borrowBpsPerYear: 0 };

describe('trading-v0 costs (hand-computed)', () => {
  it('charges half the modelled spread on entry and exit, and nothing while holding', () => {
    const { env, bars } = makeEnv({ ...NO_COSTS, spreadBps: 2 });
    const p26 = bars.open[26];
    const q = E0 / p26;
    const entryCost = q * p26 * 0.0002 * 0.5; // 100
    let cash = E0 - q * p26 - entryCost;
    const eq1 = cash + q * bars.close[26];

    let r = env.step(LONG);
    expect(r.info.costSpread).toBeCloseTo(100, 9);
    expect(r.info.cost).toBeCloseTo(100, 9);
    expect(r.info.costImpact).toBe(0);
    expect(r.info.costCommission).toBe(0);
    expect(r.info.tradedNotional).toBeCloseTo(E0, 6);
    expect(r.info.shares).toBeCloseTo(q, 9);
    expect(r.info.equity).toBeCloseTo(eq1, 6);
    expect(r.reward).toBeCloseTo(Math.log(eq1 / E0), 12);

    // Same action: the position is held, no trade and no cost.
    const eq2 = cash + q * bars.close[27];
    r = env.step(LONG);
    expect(r.info.cost).toBe(0);
    expect(r.info.tradedNotional).toBe(0);
    expect(r.reward).toBeCloseTo(Math.log(eq2 / eq1), 12);

    // Exit at open[28]: sell q shares, pay half the spread on that notional.
    const exitCost = q * bars.open[28] * 0.0001;
    cash += q * bars.open[28] - exitCost;
    r = env.step(FLAT);
    expect(r.info.costSpread).toBeCloseTo(exitCost, 9);
    expect(r.info.shares).toBeCloseTo(0, 9);
    expect(r.info.equity).toBeCloseTo(cash, 6);
    expect(r.reward).toBeCloseTo(Math.log(cash / eq2), 12);
  });

  it('charges commission in bps of notional with the per-trade minimum', () => {
    const withMin = makeEnv({ ...NO_COSTS, commissionBps: 1, commissionMin: 250 });
    const r1 = withMin.env.step(LONG);
    expect(r1.info.costCommission).toBe(250); // bps part is 1e6·1e-4 = 100
    expect(r1.info.equity).toBeCloseTo(-250 + (E0 / withMin.bars.open[26]) * withMin.bars.close[26], 6);

    const bpsWins = makeEnv({ ...NO_COSTS, commissionBps: 1, commissionMin: 50 });
    const r2 = bpsWins.env.step(LONG);
    expect(r2.info.costCommission).toBeCloseTo(100, 9);
  });

  it('charges nothing when nothing trades, even with a commission minimum', () => {
    const { env } = makeEnv({ spreadBps: 5, impactK: 0.5, commissionBps: 1, commissionMin: 100 });
    for (let i = 0; i < 5; i++) {
      const r = env.step(FLAT);
      expect(r.info.cost).toBe(0);
      expect(r.info.equity).toBe(E0);
      expect(r.reward).toBe(0);
    }
  });

  it('charges square-root impact from σ_daily and ADV of the bars before the fill bar', () => {
    const { env, bars } = makeEnv({ ...NO_COSTS, impactK: 0.1 });
    // Fill bar 26: σ over returns ln(c[j]/c[j-1]), j = 6..25; ADV over volume[6..25].
    const rets: number[] = [];
    for (let j = 6; j <= 25; j++) rets.push(Math.log(bars.close[j] / bars.close[j - 1]));
    const mean = rets.reduce((a, b) => a + b, 0) / 20;
    const sigma = Math.sqrt(rets.reduce((a, b) => a + (b - mean) ** 2, 0) / 19);
    let volSum = 0;
    for (let j = 6; j <= 25; j++) volSum += 100_000 + 5_000 * j;
    const adv = volSum / 20;
    const p = bars.open[26];
    const q = E0 / p;
    const impact = q * p * 0.1 * sigma * Math.sqrt(q / adv);

    const r = env.step(LONG);
    expect(r.info.costImpact).toBeCloseTo(impact, 6);
    expect(impact).toBeGreaterThan(100); // a material number, not a rounding error
    expect(r.info.equity).toBeCloseTo(-impact + q * bars.close[26], 6);
  });

  it('uses the bars spread column at the fill bar instead of the model', () => {
    const { env } = makeEnv({ ...NO_COSTS, spreadBps: 50, spreadVolScale: 2 }, {}, handBars(true));
    const r = env.step(LONG);
    expect(r.info.costSpread).toBeCloseTo((E0 * (0.001 + 0.0001 * 26)) / 2, 6); // 1800
  });

  it('fills at close[t+1] with next-close, so equity is the pre-trade equity less costs', () => {
    const { env, bars } = makeEnv({ ...NO_COSTS, spreadBps: 2, commissionBps: 1 }, { fill: 'next-close' });
    const r = env.step(LONG);
    expect(r.info.shares).toBeCloseTo(E0 / bars.close[26], 9);
    expect(r.info.cost).toBeCloseTo(200, 9);
    expect(r.info.equity).toBeCloseTo(E0 - 200, 6);
    expect(r.reward).toBeCloseTo(Math.log((E0 - 200) / E0), 12);
  });

  it('sums all three fill components and keeps the short-side signs', () => {
    const { env, bars } = makeEnv({ spreadBps: 4, impactK: 0.2, commissionBps: 2, commissionMin: 0, borrowBpsPerYear: 0 });
    const p = bars.open[26];
    const q = E0 / p; // shares sold short
    const rets: number[] = [];
    for (let j = 6; j <= 25; j++) rets.push(Math.log(bars.close[j] / bars.close[j - 1]));
    const mean = rets.reduce((a, b) => a + b, 0) / 20;
    const sigma = Math.sqrt(rets.reduce((a, b) => a + (b - mean) ** 2, 0) / 19);
    let adv = 0;
    for (let j = 6; j <= 25; j++) adv += (100_000 + 5_000 * j) / 20;
    const cost = E0 * 0.0002 + E0 * 0.2 * sigma * Math.sqrt(q / adv) + E0 * 0.0002;
    const cash = E0 + E0 - cost; // short proceeds land in cash
    const equity = cash - q * bars.close[26];

    const r = env.step(SHORT);
    expect(r.info.shares).toBeCloseTo(-q, 9);
    expect(r.info.cost).toBeCloseTo(cost, 6);
    expect(r.info.costSpread + r.info.costImpact + r.info.costCommission).toBeCloseTo(r.info.cost, 9);
    expect(r.info.equity).toBeCloseTo(equity, 6);
    expect(r.info.position).toBeCloseTo((-q * bars.close[26]) / equity, 12);
    expect(r.reward).toBeCloseTo(Math.log(equity / E0), 12);
  });

  it('charges the borrow fee of a short at each close, per calendar day since the previous bar', () => {
    // Bars 25, 26 are consecutive days; bar 27 comes 3 days after bar 26 (a weekend).
    const bars = handBars();
    for (let i = 27; i < N; i++) bars.time[i] += 2 * 86_400_000;
    const { env } = makeEnv({ ...NO_COSTS, borrowBpsPerYear: 100 }, {}, bars);
    const q = E0 / bars.open[26]; // shares sold short at open[26], proceeds in cash: 2·E0
    const borrow1 = (q * bars.close[26] * 0.01 * 1) / 365;
    let r = env.step(SHORT);
    expect(r.info.costBorrow).toBeCloseTo(borrow1, 9);
    expect(r.info.cost).toBeCloseTo(borrow1, 9);
    expect(r.info.costSpread + r.info.costImpact + r.info.costCommission).toBe(0);
    const eq1 = 2 * E0 - borrow1 - q * bars.close[26];
    expect(r.info.equity).toBeCloseTo(eq1, 6);
    expect(r.reward).toBeCloseTo(Math.log(eq1 / E0), 12);

    // Held over the weekend: three days at close[27]; no trade, so the fill costs are 0.
    const borrow2 = (q * bars.close[27] * 0.01 * 3) / 365;
    r = env.step(SHORT);
    expect(r.info.tradedNotional).toBe(0);
    expect(r.info.costBorrow).toBeCloseTo(borrow2, 9);
    const eq2 = 2 * E0 - borrow1 - borrow2 - q * bars.close[27];
    expect(r.info.equity).toBeCloseTo(eq2, 6);
    expect(r.reward).toBeCloseTo(Math.log(eq2 / eq1), 12);

    // Covered at open[28]: flat at the close, nothing more to pay.
    r = env.step(FLAT);
    expect(r.info.costBorrow).toBe(0);
    expect(r.info.equity).toBeCloseTo(2 * E0 - borrow1 - borrow2 - q * bars.open[28], 6);
  });

  it('charges no borrow fee on longs, and the default rate of 25 bps a year on shorts', () => {
    const long = makeEnv({ ...NO_COSTS, borrowBpsPerYear: 500 }).env;
    expect(long.step(LONG).info.costBorrow).toBe(0);
    const { env, bars } = makeEnv({ spreadBps: 0, impactK: 0, commissionBps: 0 });
    const r = env.step(SHORT);
    expect(r.info.costBorrow).toBeCloseTo(((E0 / bars.open[26]) * bars.close[26] * 0.0025) / 365, 9);
  });

  it('adds the borrow fee to the fill costs in info.cost', () => {
    const { env, bars } = makeEnv({ spreadBps: 4, impactK: 0, commissionBps: 2, commissionMin: 0, borrowBpsPerYear: 30 });
    const q = E0 / bars.open[26];
    const fill = E0 * 0.0002 + E0 * 0.0002;
    const borrow = (q * bars.close[26] * 0.003) / 365;
    const r = env.step(SHORT);
    expect(r.info.costBorrow).toBeCloseTo(borrow, 9);
    expect(r.info.cost).toBeCloseTo(fill + borrow, 9);
    expect(r.info.equity).toBeCloseTo(2 * E0 - fill - borrow - q * bars.close[26], 6);
  });
});
