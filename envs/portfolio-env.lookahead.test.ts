import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { fixedPanelEpisode } from '../src/data/panel-episode-source.js';
import { PortfolioEnv } from './portfolio-env.js';
import type { PortfolioEnvInput } from './portfolio-env.js';

const N = 140;
const ASSETS = 3;
const DAY = 86_400_000;

/** Weekday epoch-ms times from Monday 2024-01-01. */
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

/** Seeded random OHLCV walks (valid OHLC) on shared weekday times; asset 1 carries a quoted-spread column. */
function randomPanel(rng: Rng): Panel {
  return Array.from({ length: ASSETS }, (_, k): Bars => {
    const [open, high, low, close, volume, spread] = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(N));
    let prev = 100;
    for (let i = 0; i < N; i++) {
      open[i] = prev * Math.exp(0.005 * rng.normal());
      close[i] = open[i] * Math.exp(0.015 * rng.normal());
      high[i] = Math.max(open[i], close[i]) * (1 + 0.005 * rng.uniform());
      low[i] = Math.min(open[i], close[i]) * (1 - 0.005 * rng.uniform());
      volume[i] = 1e5 * Math.exp(0.5 * rng.normal());
      spread[i] = 0.0005 * Math.exp(0.3 * rng.normal());
      prev = close[i];
    }
    const bars = { symbol: `LA${k}`, time: weekdayTimes(N), open, high, low, close, volume, length: N };
    return k === 1 ? { ...bars, spread } : bars;
  });
}

/** A copy whose every bar after `t`, in every asset, gets multiplicative noise on OHLCV (and spread), OHLC kept valid. */
function perturbAfter(panel: Panel, t: number, rng: Rng): Panel {
  return panel.map((bars) => {
    const open = bars.open.slice();
    const high = bars.high.slice();
    const low = bars.low.slice();
    const close = bars.close.slice();
    const volume = bars.volume.slice();
    const spread = bars.spread?.slice();
    for (let i = t + 1; i < bars.length; i++) {
      open[i] *= Math.exp(0.05 * rng.normal());
      close[i] *= Math.exp(0.05 * rng.normal());
      high[i] = Math.max(high[i] * Math.exp(0.05 * rng.normal()), open[i], close[i]);
      low[i] = Math.min(low[i] * Math.exp(0.05 * rng.normal()), open[i], close[i]);
      volume[i] *= Math.exp(0.5 * rng.normal());
      if (spread) spread[i] *= Math.exp(0.5 * rng.normal());
    }
    return { symbol: bars.symbol, time: bars.time.slice(), open, high, low, close, volume, ...(spread ? { spread } : {}), length: bars.length };
  });
}

interface Trace {
  /** Observation bytes keyed by the bar index they were taken at. */
  obs: Map<number, Uint8Array>;
  /** Reward of the transition that ended at the bar index. */
  reward: Map<number, number>;
}

function run(panel: Panel, config: PortfolioEnvInput, seed: number, actions: Float32Array[]): Trace {
  const env = new PortfolioEnv(config, fixedPanelEpisode(panel, 10));
  const first = env.reset({ seed });
  const trace: Trace = { obs: new Map(), reward: new Map() };
  trace.obs.set(first.info.t, new Uint8Array(first.obs.slice().buffer));
  for (const action of actions) {
    const r = env.step(action);
    trace.obs.set(r.info.t, new Uint8Array(r.obs.slice().buffer));
    trace.reward.set(r.info.t, r.reward);
    if (r.terminated || r.truncated) break;
  }
  return trace;
}

const costs = { spreadBps: 3, spreadVolScale: 1.5, impactK: 0.5, commissionBps: 1, commissionMin: 5, advWindow: 7, volWindow: 9 };

describe.each([
  { name: 'long-only, whole window', allowShort: false, leverage: 1, episodeLength: null, rebalanceThreshold: 0 },
  { name: 'long-short with leverage and a threshold', allowShort: true, leverage: 2, episodeLength: null, rebalanceThreshold: 0.02 },
  { name: 'sampled fixed-length episode', allowShort: true, leverage: 1, episodeLength: 100, rebalanceThreshold: 0 },
])('portfolio-v0 has no lookahead ($name)', ({ allowShort, leverage, episodeLength, rebalanceThreshold }) => {
  const config: PortfolioEnvInput = { window: 10, costs, ruinFloor: 0, allowShort, leverage, episodeLength, rebalanceThreshold };
  const panel = randomPanel(Rng.fromSeed('panel'));
  const actionRng = Rng.fromSeed('actions');
  const space = new PortfolioEnv(config, fixedPanelEpisode(panel, 10)).actionSpace;
  const actions = Array.from({ length: N }, () => space.sample(actionRng));
  const base = run(panel, config, 11, actions);
  const seen = [...base.obs.keys()];
  const first = seen[0];
  const last = seen[seen.length - 1];

  it.each([0, 1, 9, 23, 47, -2])('everything observed up to start+%i is byte-identical when later bars change', (offset) => {
    const t = offset >= 0 ? first + offset : last + offset + 1; // -2 → the bar before the last observation
    const other = run(perturbAfter(panel, t, Rng.fromSeed(`noise-${t}`)), config, 11, actions);
    expect(other.obs.size).toBe(base.obs.size);
    for (let i = first; i <= t; i++) {
      expect(other.obs.get(i), `observation at bar ${i}`).toEqual(base.obs.get(i));
      if (i > first) expect(Object.is(other.reward.get(i), base.reward.get(i)), `reward ending at bar ${i}`).toBe(true);
    }
    // Sanity: the perturbation is visible once the env reaches bars after t.
    let differs = false;
    for (let i = t + 1; i <= last; i++) {
      const a = base.obs.get(i) as Uint8Array;
      const b = other.obs.get(i) as Uint8Array;
      if (a.some((v, j) => v !== b[j])) differs = true;
    }
    expect(differs).toBe(true);
  });
});

describe('portfolio-v0 lookahead probe sensitivity', () => {
  it('perturbing a single asset after t changes that asset’s later returns block', () => {
    const config: PortfolioEnvInput = { window: 10, costs, ruinFloor: 0, episodeLength: null };
    const panel = randomPanel(Rng.fromSeed('panel'));
    const actions = Array.from({ length: N }, () => Float32Array.of(0.25, 0.25, 0.25));
    const base = run(panel, config, 3, actions);
    const t = 40;
    const changed = perturbAfter(panel, t, Rng.fromSeed('one'));
    const other = run([panel[0], changed[1], panel[2]], config, 3, actions);
    const view = (b: Uint8Array): Float32Array => new Float32Array(b.buffer);
    const next = [view(base.obs.get(t + 1) as Uint8Array), view(other.obs.get(t + 1) as Uint8Array)];
    expect(next[1].subarray(0, 10)).toEqual(next[0].subarray(0, 10)); // asset 0's block: same history
    expect(next[1][19]).not.toBe(next[0][19]); // asset 1's newest return, ln(close[t+1]/close[t])
    expect(next[1].subarray(20, 30)).toEqual(next[0].subarray(20, 30)); // asset 2 untouched
  });
});
