import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { TradingEnv } from './trading-env.js';
import type { TradingEnvInput } from './trading-env.js';

const N = 120;

/** A random OHLCV walk (valid OHLC), optionally with a quoted-spread column. */
function randomBars(rng: Rng, withSpread: boolean): Bars {
  const open = new Float64Array(N);
  const high = new Float64Array(N);
  const low = new Float64Array(N);
  const close = new Float64Array(N);
  const volume = new Float64Array(N);
  const spread = new Float64Array(N);
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
  const time = new Float64Array(N).map((_, i) => i * 86_400_000);
  return { symbol: 'LA', time, open, high, low, close, volume, ...(withSpread ? { spread } : {}), length: N };
}

/** A copy whose every bar after `t` gets multiplicative noise on all of OHLCV (and spread), OHLC kept valid. */
function perturbAfter(bars: Bars, t: number, rng: Rng): Bars {
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
}

interface Trace {
  /** Observation bytes keyed by the bar index they were taken at. */
  obs: Map<number, Uint8Array>;
  /** Reward of the transition that ended at the bar index. */
  reward: Map<number, number>;
}

function run(bars: Bars, config: TradingEnvInput, seed: number, actions: Int32Array): Trace {
  const env = new TradingEnv(config, fixedEpisode(bars, 10));
  const first = env.reset({ seed });
  const trace: Trace = { obs: new Map(), reward: new Map() };
  trace.obs.set(first.info.t, new Uint8Array(first.obs.slice().buffer));
  for (let k = 0; k < actions.length; k++) {
    const r = env.step(actions[k]);
    trace.obs.set(r.info.t, new Uint8Array(r.obs.slice().buffer));
    trace.reward.set(r.info.t, r.reward);
    if (r.terminated || r.truncated) break;
  }
  return trace;
}

const costs = { spreadBps: 3, spreadVolScale: 1.5, impactK: 0.5, commissionBps: 1, commissionMin: 5, advWindow: 7, volWindow: 9 };

describe.each([
  { name: 'next-open, modelled spread', fill: 'next-open' as const, withSpread: false, episodeLength: null },
  { name: 'next-close, spread column', fill: 'next-close' as const, withSpread: true, episodeLength: null },
  { name: 'next-open, sampled fixed-length episode', fill: 'next-open' as const, withSpread: true, episodeLength: 80 },
])('trading-v0 has no lookahead ($name)', ({ fill, withSpread, episodeLength }) => {
  const config: TradingEnvInput = { window: 10, fill, episodeLength, costs, ruinFloor: 0 };
  const bars = randomBars(Rng.fromSeed('bars'), withSpread);
  const actions = new Int32Array(N);
  const actionRng = Rng.fromSeed('actions');
  for (let i = 0; i < N; i++) actions[i] = actionRng.int(3);
  const base = run(bars, config, 11, actions);
  const seen = [...base.obs.keys()];
  const first = seen[0];
  const last = seen[seen.length - 1];

  it.each([0, 1, 9, 23, 47, -2])('everything observed up to start+%i is byte-identical when later bars change', (offset) => {
    const t = offset >= 0 ? first + offset : last + offset + 1; // -2 → the bar before the last observation
    const other = run(perturbAfter(bars, t, Rng.fromSeed(`noise-${t}`)), config, 11, actions);
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
