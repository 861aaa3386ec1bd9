import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { sliceBars } from '../src/data/bars.js';
import { eventBarIndex, eventId, sortEvents } from '../src/data/calendar.js';
import type { CalendarEvent, Importance } from '../src/data/calendar.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { featuresSchema } from '../src/features/config.js';
import type { FeatureSource } from '../src/features/feature-source.js';
import { fitFeatures } from '../src/features/pipeline.js';
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

// ---------------------------------------------------------------------------------------------- calendar

const HOUR = 3_600_000;
const CALENDAR = { types: ['fomc', 'cpi', 'payrolls', 'news'], horizon: 10, halfLife: 4 };

/** An event of `type` on the day of bar `bar` (randomBars' bars are at midnight UTC), at `hour` UTC. */
function eventOn(bars: Bars, type: string, bar: number, o: { scheduled: boolean; importance?: Importance; surprise?: number; sentiment?: number; hour?: number }): CalendarEvent {
  const time = bars.time[bar] + (o.hour ?? 14) * HOUR;
  const source = { kind: o.scheduled ? ('calendar' as const) : ('news' as const), ref: 'lookahead-probe' };
  return {
    id: eventId({ type, time, scope: ['market'], source }),
    time,
    type,
    scope: ['market'],
    importance: o.importance ?? 'medium',
    scheduled: o.scheduled,
    ...(o.surprise === undefined ? {} : { surprise: o.surprise }),
    ...(o.sentiment === undefined ? {} : { sentiment: o.sentiment }),
    source,
  };
}

/** Scheduled fomc / cpi / payrolls releases every few bars with surprises, and unscheduled news on ~15% of bars. */
function randomCalendar(bars: Bars, rng: Rng): CalendarEvent[] {
  const levels: Importance[] = ['low', 'medium', 'high'];
  const out: CalendarEvent[] = [];
  const every = (type: string, first: number, gap: number) => {
    for (let b = first; b < bars.length; b += gap + rng.int(gap)) out.push(eventOn(bars, type, b, { scheduled: true, importance: levels[rng.int(3)], surprise: 2 * rng.normal() }));
  };
  every('fomc', 4, 8);
  every('cpi', 2, 6);
  every('payrolls', 7, 5);
  for (let b = 0; b < bars.length; b++) if (rng.uniform() < 0.15) out.push(eventOn(bars, 'news', b, { scheduled: false, sentiment: 2 * rng.uniform() - 1, hour: rng.int(24) }));
  return sortEvents(out);
}

/**
 * The calendar as seen by someone who knows only bars ≤ t: every outcome after t is redrawn (scheduled events
 * keep their time, type and importance), unscheduled events after t are dropped or kept at random, and new
 * news is added after t — always on bar t+1, so the change is visible as soon as the env reaches it.
 */
function perturbEventsAfter(bars: Bars, events: readonly CalendarEvent[], t: number, rng: Rng): CalendarEvent[] {
  const out: CalendarEvent[] = [];
  for (const e of events) {
    if (eventBarIndex(bars.time, e.time) <= t) out.push(e);
    else if (e.scheduled) out.push({ ...e, surprise: 3 * rng.normal(), sentiment: 2 * rng.uniform() - 1 });
    else if (rng.uniform() < 0.5) out.push({ ...e, sentiment: 2 * rng.uniform() - 1 });
  }
  for (let b = t + 1; b < bars.length; b++) {
    if (b === t + 1 || rng.uniform() < 0.2) out.push(eventOn(bars, 'news', b, { scheduled: false, surprise: 4.5, hour: 23.5 }));
  }
  return sortEvents(out);
}

const bytesEqual = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => a !== undefined && b !== undefined && a.length === b.length && a.every((v, j) => v === b[j]);

const calendarCases: { name: string; kind: Kind; fill: 'next-open' | 'next-close'; pipeline: boolean; prices: boolean }[] = [
  { name: 'calendar columns alone, outcomes after t redrawn', kind: 'discrete', fill: 'next-open', pipeline: false, prices: false },
  { name: 'calendar columns alone, outcomes and bars after t changed', kind: 'discrete', fill: 'next-close', pipeline: false, prices: true },
  { name: 'fitted pipeline (indicators + calendar), continuous, outcomes after t redrawn', kind: 'continuous', fill: 'next-open', pipeline: true, prices: false },
  { name: 'fitted pipeline (indicators + calendar), outcomes and bars after t changed', kind: 'discrete', fill: 'next-open', pipeline: true, prices: true },
];

describe.each(calendarCases)('calendar features have no lookahead ($name)', ({ kind, fill, pipeline, prices }) => {
  const features = { indicators: pipeline ? [{ kind: 'rsi' as const, period: 5 }, { kind: 'volatility' as const, period: 6 }] : [], calendar: CALENDAR };
  const config: TradingEnvInput = { window: 10, fill, episodeLength: null, costs, ruinFloor: 0, features };
  const plain = randomBars(Rng.fromSeed('calendar-bars'), true);
  const bars: Bars = { ...plain, events: randomCalendar(plain, Rng.fromSeed('calendar')) };
  const actions = new Int32Array(N);
  const actionRng = Rng.fromSeed('calendar-actions');
  for (let i = 0; i < N; i++) actions[i] = actionRng.int(3);
  // One fitted pipeline for every run (fitted on the first half), as an experiment shares it across episodes.
  const shared = pipeline ? fitFeatures(featuresSchema.parse(features), sliceBars(bars, 0, 60)) : undefined;
  const go = (b: Bars) => run(b, config, 5, actions, kind, shared);
  const base = go(bars);
  const seen = [...base.obs.keys()];
  const first = seen[0];
  const last = seen[seen.length - 1];

  it.each([0, 1, 9, 23, 47, -2])('everything observed up to start+%i is byte-identical when later events (and bars) change', (offset) => {
    const t = offset >= 0 ? first + offset : last + offset + 1;
    const rng = Rng.fromSeed(`calendar-noise-${t}`);
    const moved = prices ? perturbAfter(bars, t, rng) : bars;
    const other = go({ ...moved, events: perturbEventsAfter(bars, bars.events ?? [], t, rng) });
    expect(other.obs.size).toBe(base.obs.size);
    for (let i = first; i <= t; i++) {
      expect(other.obs.get(i), `observation at bar ${i}`).toEqual(base.obs.get(i));
      if (i > first) expect(Object.is(other.reward.get(i), base.reward.get(i)), `reward ending at bar ${i}`).toBe(true);
    }
    // Sanity: the new outcomes are seen from bar t+1 on (by events alone when prices are unchanged).
    expect(bytesEqual(other.obs.get(t + 1), base.obs.get(t + 1))).toBe(false);
  });
});

describe('calendar features: what is visible when', () => {
  const plain = randomBars(Rng.fromSeed('calendar-bars'), false);
  const events = randomCalendar(plain, Rng.fromSeed('calendar'));
  const config: TradingEnvInput = { window: 10, episodeLength: null, costs, ruinFloor: 0, features: { calendar: CALENDAR } };
  const actions = new Int32Array(N).fill(2);
  const go = (evs: readonly CalendarEvent[]) => run({ ...plain, events: sortEvents(evs) }, config, 3, actions);
  const base = go(events);
  /** Bars (from the episode's first observation) whose observations differ between two traces. */
  const differing = (a: Trace, b: Trace) => [...a.obs.keys()].filter((i) => !bytesEqual(a.obs.get(i), b.obs.get(i)));
  const barOf = (e: CalendarEvent) => eventBarIndex(plain.time, e.time);
  const scheduled = events.filter((e) => e.type === 'fomc' && barOf(e) > 40 && barOf(e) < 100);

  it('a change of a scheduled event\'s time shows before it (its schedule is known in advance)', () => {
    const e = scheduled[0];
    const b = barOf(e);
    const earlier = go(events.map((x) => (x === e ? { ...x, time: x.time - 2 * 86_400_000 } : x)));
    const changed = differing(base, earlier);
    expect(changed.length).toBeGreaterThan(0);
    expect(Math.min(...changed)).toBeLessThan(b - 2); // seen before both the old and the new release bar…
    expect(Math.min(...changed)).toBeGreaterThanOrEqual(b - 2 - CALENDAR.horizon); // …but no earlier than the horizon
  });

  it('a change of a scheduled event\'s outcome (or importance kept) never shows before its bar', () => {
    for (const e of scheduled.slice(0, 3)) {
      const b = barOf(e);
      const other = go(events.map((x) => (x === e ? { ...x, surprise: (x.surprise ?? 0) + 3 } : x)));
      expect(differing(base, other)[0]).toBe(b);
    }
  });

  it('a change of a scheduled event\'s importance shows before it, within the horizon', () => {
    const e = scheduled[1];
    const b = barOf(e);
    const other = go(events.map((x) => (x === e ? { ...x, importance: x.importance === 'high' ? ('low' as const) : ('high' as const) } : x)));
    const changed = differing(base, other);
    expect(changed.length).toBeGreaterThan(0);
    expect(Math.max(...changed)).toBeLessThan(b);
  });

  it('an event released at bar t changes the observation at t (after its close) but not at t − 1', () => {
    for (const t of [30, 61, 95]) {
      const news = eventOn(plain, 'news', t, { scheduled: false, surprise: -4, hour: 23.5 });
      expect(differing(base, go([...events, news]))[0], `news at bar ${t}`).toBe(t);
      const cpi = eventOn(plain, 'cpi', t, { scheduled: true, importance: 'high', surprise: 3, hour: 22.5 });
      const withCpi = go([...events, cpi]);
      const changed = differing(base, withCpi);
      // Scheduled: its existence shows up to `horizon` bars ahead; its outcome only from bar t.
      expect(Math.min(...changed)).toBeGreaterThanOrEqual(t - CALENDAR.horizon);
      const recast = go([...events, { ...cpi, surprise: -3 }]);
      expect(differing(withCpi, recast)[0], `cpi outcome at bar ${t}`).toBe(t);
    }
  });
});
