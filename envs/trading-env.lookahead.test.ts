import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import type { FeatureSource } from '../src/features/feature-source.js';
import { ContinuousTradingEnv, TradingEnv } from './trading-env.js';
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

/**
 * A causal FeatureSource for the probe: row t = [close[t]/mean(close[t−4..t]) − 1, ln(volume[t]/volume[t−1]),
 * high[t]/low[t] − 1], computed from the Bars object it is given and cached per object. A perturbed copy is
 * a new object, so its rows are recomputed from the perturbed bars.
 */
function probeFeatures(): FeatureSource {
  const cache = new WeakMap<Bars, Float32Array>();
  return {
    dim: 3,
    names: ['ma5_ratio', 'dlog_volume', 'range'],
    rows(bars: Bars): Float32Array {
      let m = cache.get(bars);
      if (m === undefined) {
        m = new Float32Array(bars.length * 3);
        let sum = 0;
        for (let t = 0; t < bars.length; t++) {
          sum += bars.close[t];
          if (t >= 5) sum -= bars.close[t - 5];
          if (t >= 4) m[3 * t] = bars.close[t] / (sum / 5) - 1;
          if (t >= 1) m[3 * t + 1] = Math.log(bars.volume[t] / bars.volume[t - 1]);
          m[3 * t + 2] = bars.high[t] / bars.low[t] - 1;
        }
        cache.set(bars, m);
      }
      return m;
    },
  };
}

type Kind = 'discrete' | 'continuous';

interface Trace {
  /** Observation bytes keyed by the bar index they were taken at. */
  obs: Map<number, Uint8Array>;
  /** Reward of the transition that ended at the bar index. */
  reward: Map<number, number>;
}

function run(bars: Bars, config: TradingEnvInput, seed: number, actions: Int32Array, kind: Kind = 'discrete', features?: FeatureSource): Trace {
  const source = fixedEpisode(bars, 10);
  const opts = features === undefined ? {} : { features };
  // The continuous env acts with the same target weights as the discrete one: −1, 0, 1.
  const env = kind === 'discrete' ? new TradingEnv(config, source, opts) : new ContinuousTradingEnv(config, source, opts);
  const weight = new Float32Array(1);
  const act = (a: number) => {
    if (env instanceof TradingEnv) return env.step(a);
    weight[0] = a - 1;
    return env.step(weight);
  };
  const first = env.reset({ seed });
  const trace: Trace = { obs: new Map(), reward: new Map() };
  trace.obs.set(first.info.t, new Uint8Array(first.obs.slice().buffer));
  for (let k = 0; k < actions.length; k++) {
    const r = act(actions[k]);
    trace.obs.set(r.info.t, new Uint8Array(r.obs.slice().buffer));
    trace.reward.set(r.info.t, r.reward);
    if (r.terminated || r.truncated) break;
  }
  return trace;
}

const costs = { spreadBps: 3, spreadVolScale: 1.5, impactK: 0.5, commissionBps: 1, commissionMin: 5, advWindow: 7, volWindow: 9, borrowBpsPerYear: 200 };

const cases: { name: string; fill: 'next-open' | 'next-close'; withSpread: boolean; episodeLength: number | null; kind?: Kind; features?: boolean; reward?: TradingEnvInput['reward'] }[] = [
  { name: 'next-open, modelled spread', fill: 'next-open', withSpread: false, episodeLength: null },
  { name: 'next-close, spread column', fill: 'next-close', withSpread: true, episodeLength: null },
  { name: 'next-open, sampled fixed-length episode', fill: 'next-open', withSpread: true, episodeLength: 80 },
  { name: 'next-open, indicator features, drawdown reward', fill: 'next-open', withSpread: false, episodeLength: null, features: true, reward: { kind: 'drawdown-penalised', lambda: 2 } },
  { name: 'continuous, next-close, features, differential Sharpe', fill: 'next-close', withSpread: true, episodeLength: 80, kind: 'continuous', features: true, reward: { kind: 'differential-sharpe', eta: 0.05 } },
];

describe.each(cases)('trading envs have no lookahead ($name)', ({ fill, withSpread, episodeLength, kind, features, reward }) => {
  const config: TradingEnvInput = { window: 10, fill, episodeLength, costs, ruinFloor: 0, ...(reward ? { reward } : {}) };
  const bars = randomBars(Rng.fromSeed('bars'), withSpread);
  const actions = new Int32Array(N);
  const actionRng = Rng.fromSeed('actions');
  for (let i = 0; i < N; i++) actions[i] = actionRng.int(3);
  // One FeatureSource for every run, as a fitted pipeline is shared: its per-Bars cache must not leak rows of
  // the original bars into a perturbed copy (or back).
  const shared = features ? probeFeatures() : undefined;
  const featuresFor = () => shared;
  const base = run(bars, config, 11, actions, kind, featuresFor());
  const seen = [...base.obs.keys()];
  const first = seen[0];
  const last = seen[seen.length - 1];

  it.each([0, 1, 9, 23, 47, -2])('everything observed up to start+%i is byte-identical when later bars change', (offset) => {
    const t = offset >= 0 ? first + offset : last + offset + 1; // -2 → the bar before the last observation
    const other = run(perturbAfter(bars, t, Rng.fromSeed(`noise-${t}`)), config, 11, actions, kind, featuresFor());
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
