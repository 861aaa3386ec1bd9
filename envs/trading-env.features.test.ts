import { describe, expect, it } from 'vitest';
import type { Bars } from '../src/data/bars.js';
import { eventId } from '../src/data/calendar.js';
import type { CalendarEvent } from '../src/data/calendar.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { calendarFeatures } from '../src/features/calendar-features.js';
import { featuresSchema } from '../src/features/config.js';
import type { FeatureSource } from '../src/features/feature-source.js';
import { fitFeatures } from '../src/features/pipeline.js';
import { ContinuousTradingEnv, createTradingEnv, TradingEnv, tradingEnvSpec } from './trading-env.js';

/**
 * A tiny causal feature source: row t = [close[t]/mean(close[t−k+1..t]) − 1, volume[t]/1e6], the first
 * column 0 during its warm-up. Cached per Bars object, as the contract asks; `computed` counts cache misses
 * and `calls` every `rows` call.
 */
function movingAverageFeatures(k: number): FeatureSource & { computed: number; calls: number } {
  const cache = new WeakMap<Bars, Float32Array>();
  const source = {
    dim: 2,
    names: [`ma${k}_ratio`, 'volume_m'],
    computed: 0,
    calls: 0,
    rows(bars: Bars): Float32Array {
      source.calls++;
      let m = cache.get(bars);
      if (m === undefined) {
        source.computed++;
        m = new Float32Array(bars.length * 2);
        let sum = 0;
        for (let t = 0; t < bars.length; t++) {
          sum += bars.close[t];
          if (t >= k) sum -= bars.close[t - k];
          if (t >= k - 1) m[2 * t] = bars.close[t] / (sum / k) - 1;
          m[2 * t + 1] = bars.volume[t] / 1e6;
        }
        cache.set(bars, m);
      }
      return m;
    },
  };
  return source;
}

function walkBars(n: number): Bars {
  const close = new Float64Array(n).map((_, i) => 100 * Math.exp(0.01 * Math.sin(i * 1.3) + 0.001 * i));
  const open = close.map((c, i) => (i === 0 ? c : close[i - 1]));
  return {
    symbol: 'F',
    time: new Float64Array(n).map((_, i) => i * 86_400_000),
    open,
    high: open.map((o, i) => Math.max(o, close[i]) * 1.01),
    low: open.map((o, i) => Math.min(o, close[i]) * 0.99),
    close,
    volume: new Float64Array(n).map((_, i) => 1e6 + 1000 * i),
    length: n,
  };
}

describe('trading-v0 observations with features', () => {
  it('lays the observation out as [window returns × returnScale, feature row t, position]', () => {
    const bars = walkBars(80);
    const features = movingAverageFeatures(5);
    const e = new TradingEnv({ window: 6, episodeLength: null, returnScale: 100 }, fixedEpisode(bars, 10), { features });
    expect(e.observationSpace.size).toBe(6 + 2 + 1);
    const rows = features.rows(bars);
    const check = (obs: Float32Array, t: number, position: number): void => {
      expect(obs.length).toBe(9);
      for (let k = 0; k < 6; k++) expect(obs[k]).toBe(Math.fround(Math.log(bars.close[t - 5 + k] / bars.close[t - 6 + k]) * 100));
      expect(obs[6]).toBe(rows[2 * t]);
      expect(obs[7]).toBe(rows[2 * t + 1]);
      expect(obs[8]).toBe(Math.fround(position));
    };
    const first = e.reset();
    check(first.obs, 10, 0);
    expect(first.obs[6]).not.toBe(0); // past the warm-up: a real value
    for (let k = 0; k < 5; k++) {
      const r = e.step(k % 3);
      check(r.obs, r.info.t, r.info.position);
      expect(e.observationSpace.contains(r.obs)).toBe(true);
    }
  });

  it('fetches the feature matrix once per episode at most, never per step', () => {
    const bars = walkBars(80);
    const features = movingAverageFeatures(5);
    const e = new TradingEnv({ window: 6, episodeLength: 20 }, fixedEpisode(bars, 10), { features });
    for (let ep = 0; ep < 3; ep++) {
      e.reset({ seed: ep });
      for (let k = 0; k < 20; k++) e.step(1);
    }
    expect(features.calls).toBeLessThanOrEqual(3);
    expect(features.computed).toBe(1);
  });

  it('needs a FeatureSource when the config lists indicators', () => {
    const source = fixedEpisode(walkBars(80), 10);
    const config = { window: 6, features: { indicators: [{ kind: 'rsi' as const, period: 14 }] } };
    expect(() => createTradingEnv(config, source)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', path: 'env.features', message: expect.stringMatching(/fitFeatures\(config\.features, trainBars\)/) }),
    );
    expect(() => new ContinuousTradingEnv(config, source)).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'env.features' }));
    expect(() => tradingEnvSpec.create(config, { source })).toThrow(expect.objectContaining({ path: 'env.features' }));
    const e = tradingEnvSpec.create(config, { source, features: movingAverageFeatures(3) });
    expect(e.observationSpace.contains(e.reset().obs)).toBe(true);
    expect(e.reset().obs.length).toBe(6 + 2 + 1);
    expect(() => createTradingEnv({ features: { indicators: [{ kind: 'nope' }] } }, source)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', path: expect.stringMatching(/^env\.features\.indicators/) }),
    );
  });

  it('rejects a feature matrix that does not match the bars', () => {
    const bad: FeatureSource = { dim: 2, names: ['a', 'b'], rows: (bars) => new Float32Array(bars.length) };
    const e = new TradingEnv({ window: 6 }, fixedEpisode(walkBars(80), 10), { features: bad });
    expect(() => e.reset()).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'features' }));
  });
});

/** An event of `type` released at 14:00 UTC on the day of bar `bar` (walkBars' bars are at midnight). */
function eventAt(bars: Bars, type: string, bar: number, scheduled: boolean, surprise: number): CalendarEvent {
  const time = bars.time[bar] + 14 * 3_600_000;
  const source = { kind: scheduled ? ('calendar' as const) : ('news' as const), ref: 'features-test' };
  return { id: eventId({ type, time, scope: ['market'], source }), time, type, scope: ['market'], importance: 'high', scheduled, surprise, source };
}

describe('trading-v0 observations with calendar features', () => {
  const calendar = { types: ['fomc', 'cpi'], horizon: 5, halfLife: 3 };
  const plain = walkBars(80);
  const bars: Bars = {
    ...plain,
    events: [eventAt(plain, 'cpi', 14, true, -1.5), eventAt(plain, 'fomc', 18, true, 2), eventAt(plain, 'cpi', 21, false, 0.7), eventAt(plain, 'fomc', 40, true, -3)],
  };

  it('appends [next, importance, surprise] per type after the returns, built from the episode\'s events without a FeatureSource', () => {
    const e = new TradingEnv({ window: 6, episodeLength: null, features: { calendar } }, fixedEpisode(bars, 10));
    expect(e.observationSpace.size).toBe(6 + 6 + 1);
    const expected = calendarFeatures(calendar).rows(bars);
    let r = e.reset();
    const seen = new Set<number>();
    for (;;) {
      const t = r.info.t;
      for (let j = 0; j < 6; j++) expect(r.obs[6 + j], `bar ${t}, column ${j}`).toBe(expected[t * 6 + j]);
      expect(r.obs[12]).toBe(Math.fround(r.info.position));
      r.obs.slice(6, 12).forEach((x, j) => x !== 0 && seen.add(j));
      const next = e.step(t % 3);
      if (next.truncated || next.terminated) break;
      r = next;
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]); // every column was live at some bar
  });

  it('gives zero calendar columns for bars without events, and an unchanged observation without the option', () => {
    const e = new TradingEnv({ window: 6, features: { calendar } }, fixedEpisode(plain, 10));
    const obs = e.reset({ seed: 1 }).obs;
    expect(Array.from(obs.slice(6, 12))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(new TradingEnv({ window: 6 }, fixedEpisode(bars, 10)).observationSpace.size).toBe(7);
    expect(new ContinuousTradingEnv({ window: 6, features: { calendar: { ...calendar, importance: false } } }, fixedEpisode(bars, 10)).observationSpace.size).toBe(6 + 4 + 1);
  });

  it('takes indicator and calendar columns together from a fitted pipeline', () => {
    const config = { window: 6, episodeLength: null, features: { indicators: [{ kind: 'rsi' as const, period: 5 }], calendar } };
    const features = fitFeatures(featuresSchema.parse(config.features), plain);
    expect(features.names).toEqual(['rsi5', 'calendar/fomc/next', 'calendar/fomc/importance', 'calendar/fomc/surprise', 'calendar/cpi/next', 'calendar/cpi/importance', 'calendar/cpi/surprise']);
    const e = tradingEnvSpec.create(config, { source: fixedEpisode(bars, 10), features });
    const rows = features.rows(bars);
    const obs = e.reset().obs;
    expect(obs.length).toBe(6 + 7 + 1);
    expect(Array.from(obs.slice(6, 13))).toEqual(Array.from(rows.slice(10 * 7, 11 * 7)));
  });

  it('refuses a FeatureSource that lacks a configured calendar column', () => {
    const source = fixedEpisode(bars, 10);
    const config = { window: 6, features: { calendar } };
    const expected = expect.objectContaining({ code: 'E_CONFIG', path: 'env.features.calendar', message: expect.stringMatching(/calendar\/fomc\/next/) });
    expect(() => createTradingEnv(config, source, { features: movingAverageFeatures(3) })).toThrow(expected);
    expect(() => new ContinuousTradingEnv(config, source, { features: movingAverageFeatures(3) })).toThrow(expected);
    expect(() => tradingEnvSpec.create({ ...config, features: { calendar: { types: ['payrolls'] } } }, { source, features: calendarFeatures(calendar) })).toThrow(
      expect.objectContaining({ path: 'env.features.calendar' }),
    );
    expect(() => createTradingEnv({ features: { calendar: { horizon: 0 } } }, source)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', path: 'env.features.calendar.horizon' }),
    );
  });
});
