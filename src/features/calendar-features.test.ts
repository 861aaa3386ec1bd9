import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { allocBars, DAY_MS } from '../data/bars.js';
import type { Bars } from '../data/bars.js';
import { BUILTIN_EVENT_TYPES, eventId, sortEvents } from '../data/calendar.js';
import type { CalendarEvent, Importance } from '../data/calendar.js';
import { calendarFeatureNames, calendarFeatures, parseCalendarFeaturesConfig, SURPRISE_CLIP } from './calendar-features.js';
import { featuresSchema } from './config.js';
import { featureSourceFromStats, fitFeatures } from './pipeline.js';

/** 2024-01-01 (a Monday), 00:00 UTC. */
const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** `n` daily bars on consecutive days (or on the given day offsets), a gentle walk with valid OHLCV. */
function dailyBars(n: number, days?: readonly number[], symbol = 'SPX'): Bars {
  const bars = allocBars(symbol, n);
  for (let i = 0; i < n; i++) {
    bars.time[i] = T0 + (days?.[i] ?? i) * DAY_MS + 21 * HOUR; // stamped at the close
    bars.close[i] = 100 * Math.exp(0.01 * Math.sin(i));
    bars.open[i] = i === 0 ? 100 : bars.close[i - 1];
    bars.high[i] = Math.max(bars.open[i], bars.close[i]) * 1.005;
    bars.low[i] = Math.min(bars.open[i], bars.close[i]) * 0.995;
    bars.volume[i] = 1e6;
  }
  return bars;
}

interface EventSpec {
  type: string;
  /** Day offset from T0; the event is released at `hour` (default 14:00) UTC that day. */
  day: number;
  scheduled?: boolean;
  importance?: Importance;
  surprise?: number;
  sentiment?: number;
  scope?: string[];
  hour?: number;
}

function event(s: EventSpec): CalendarEvent {
  const time = T0 + s.day * DAY_MS + (s.hour ?? 14) * HOUR;
  const scope = s.scope ?? ['market'];
  const scheduled = s.scheduled ?? s.type !== 'news';
  const source = { kind: scheduled ? ('calendar' as const) : ('news' as const), ref: 'test' };
  return {
    id: eventId({ type: s.type, time, scope, source }),
    time,
    type: s.type,
    scope,
    importance: s.importance ?? 'medium',
    scheduled,
    ...(s.surprise === undefined ? {} : { surprise: s.surprise }),
    ...(s.sentiment === undefined ? {} : { sentiment: s.sentiment }),
    source,
  };
}

const withEvents = (bars: Bars, specs: readonly EventSpec[]): Bars => ({ ...bars, events: sortEvents(specs.map(event)) });

/** Column `name` of a calendar source's matrix, as numbers, one per bar. */
function column(source: ReturnType<typeof calendarFeatures>, bars: Bars, name: string): number[] {
  const j = source.names.indexOf(name);
  expect(j, name).toBeGreaterThanOrEqual(0);
  const m = source.rows(bars);
  return Array.from({ length: bars.length }, (_, t) => m[t * source.dim + j]);
}

describe('calendar feature config', () => {
  it('defaults to every built-in type, horizon 20, half-life 5, with importance', () => {
    const c = parseCalendarFeaturesConfig({});
    expect(c).toEqual({ types: [...BUILTIN_EVENT_TYPES], horizon: 20, halfLife: 5, importance: true });
    expect(calendarFeatures({}).dim).toBe(3 * BUILTIN_EVENT_TYPES.length);
  });

  it('names columns calendar/<type>/{next,importance,surprise}, in type order', () => {
    expect(calendarFeatures({ types: ['fomc', 'cpi'] }).names).toEqual([
      'calendar/fomc/next',
      'calendar/fomc/importance',
      'calendar/fomc/surprise',
      'calendar/cpi/next',
      'calendar/cpi/importance',
      'calendar/cpi/surprise',
    ]);
    const lean = parseCalendarFeaturesConfig({ types: ['payrolls', 'ecb'], importance: false });
    expect(calendarFeatureNames(lean)).toEqual(['calendar/payrolls/next', 'calendar/payrolls/surprise', 'calendar/ecb/next', 'calendar/ecb/surprise']);
    expect(calendarFeatures(lean).warmup).toEqual([0, 0, 0, 0]);
  });

  it('rejects invalid settings with the key path', () => {
    const path = (input: unknown) => {
      try {
        parseCalendarFeaturesConfig(input);
      } catch (e) {
        return (e as { code: string; path: string }).code + ' ' + (e as { path: string }).path;
      }
      return 'ok';
    };
    expect(path({ types: ['fomc', 'fomc'] })).toBe('E_CONFIG features.calendar.types');
    expect(path({ types: [] })).toBe('E_CONFIG features.calendar.types');
    expect(path({ types: ['FOMC'] })).toBe('E_CONFIG features.calendar.types.0');
    expect(path({ horizon: 0 })).toBe('E_CONFIG features.calendar.horizon');
    expect(path({ horizon: 2.5 })).toBe('E_CONFIG features.calendar.horizon');
    expect(path({ halfLife: 0 })).toBe('E_CONFIG features.calendar.halfLife');
    expect(path({ lookahead: true })).toBe('E_CONFIG features.calendar');
    expect(() => fitFeatures(featuresSchema.parse({}), dailyBars(5))).not.toThrow();
    expect(() => fitFeatures({ indicators: [], normalize: true, calendar: { types: ['cpi'], horizon: -1, halfLife: 5, importance: true } }, dailyBars(5))).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', path: 'features.calendar.horizon' }),
    );
  });

  it('leaves configs without `calendar` as they were', () => {
    expect(featuresSchema.parse({})).toEqual({ indicators: [], normalize: true });
    expect(fitFeatures(featuresSchema.parse({ indicators: [{ kind: 'rsi' }] }), dailyBars(40)).names).toEqual(['rsi14']);
  });
});

describe('calendar feature values', () => {
  // horizon 4, half-life 2: fomc high at bar 10 (+2), fomc low at bar 20 (−8, clipped), cpi medium at bar 12
  // (sentiment only), news (unscheduled) at bar 5.
  const config = { types: ['fomc', 'cpi', 'news'], horizon: 4, halfLife: 2 };
  const bars = withEvents(dailyBars(30), [
    { type: 'fomc', day: 10, importance: 'high', surprise: 2, sentiment: -1 },
    { type: 'fomc', day: 20, importance: 'low', surprise: -8 },
    { type: 'cpi', day: 12, importance: 'medium', sentiment: 0.4 },
    { type: 'news', day: 5, scheduled: false, importance: 'high', sentiment: -0.6 },
  ]);
  const cal = calendarFeatures(config);

  it('shows the next scheduled event within the horizon as (horizon + 1 − bars to it)/horizon', () => {
    const next = column(cal, bars, 'calendar/fomc/next');
    expect(next.slice(4, 12)).toEqual([0, 0, 0.25, 0.5, 0.75, 1, 0, 0]); // bar 10 itself is released, not upcoming
    expect(next.slice(15, 21)).toEqual([0, 0.25, 0.5, 0.75, 1, 0]);
    expect(next.slice(21)).toEqual(new Array(9).fill(0));
    expect(column(cal, bars, 'calendar/cpi/next').slice(7, 13)).toEqual([0, 0.25, 0.5, 0.75, 1, 0]);
  });

  it('gives the importance of that event (low 0, medium 0.5, high 1), 0 when none is within the horizon', () => {
    const imp = column(cal, bars, 'calendar/fomc/importance');
    expect(imp.slice(5, 11)).toEqual([0, 1, 1, 1, 1, 0]);
    expect(imp.slice(15, 21)).toEqual([0, 0, 0, 0, 0, 0]); // low
    expect(column(cal, bars, 'calendar/cpi/importance').slice(7, 13)).toEqual([0, 0.5, 0.5, 0.5, 0.5, 0]);
  });

  it('carries the last released surprise from its bar on, halving every halfLife bars, clipped to ±5', () => {
    const s = column(cal, bars, 'calendar/fomc/surprise');
    expect(s.slice(0, 10)).toEqual(new Array(10).fill(0));
    expect([s[10], s[12], s[14], s[16]]).toEqual([2, 1, 0.5, 0.25]); // surprise wins over sentiment
    expect(s[11]).toBe(Math.fround(2 * 0.5 ** 0.5));
    expect([s[19], s[20], s[22]]).toEqual([Math.fround(2 * 0.5 ** 4.5), -SURPRISE_CLIP, -SURPRISE_CLIP / 2]);
    const cpi = column(cal, bars, 'calendar/cpi/surprise');
    expect([cpi[11], cpi[12], cpi[14]]).toEqual([0, Math.fround(0.4), Math.fround(0.2)]); // sentiment when no surprise
  });

  it('shows unscheduled events only from their bar, through the surprise column', () => {
    expect(column(cal, bars, 'calendar/news/next')).toEqual(new Array(30).fill(0));
    expect(column(cal, bars, 'calendar/news/importance')).toEqual(new Array(30).fill(0));
    const s = column(cal, bars, 'calendar/news/surprise');
    expect(s.slice(3, 8)).toEqual([0, 0, Math.fround(-0.6), Math.fround(-0.6 * 0.5 ** 0.5), Math.fround(-0.3)]);
  });

  it('keeps the matrix per Bars object', () => {
    expect(cal.rows(bars)).toBe(cal.rows(bars));
    expect(cal.rows({ ...bars })).not.toBe(cal.rows(bars));
    expect(cal.rows({ ...bars })).toEqual(cal.rows(bars));
  });
});

describe('which events count', () => {
  it('gives zeros for bars without events, or with none of the configured types', () => {
    const cal = calendarFeatures({ types: ['fomc', 'cpi'] });
    const plain = dailyBars(25);
    expect(plain.events).toBeUndefined();
    expect(cal.rows(plain).every((x) => x === 0)).toBe(true);
    expect(cal.rows(plain).length).toBe(25 * 6);
    expect(cal.rows(withEvents(plain, [{ type: 'gdp', day: 3, surprise: 1 }, { type: 'earnings', day: 5, surprise: 1 }])).every((x) => x === 0)).toBe(true);
    expect(cal.rows({ ...plain, events: [] }).every((x) => x === 0)).toBe(true);
  });

  it('counts market-wide events and those scoped to the series, not other symbols', () => {
    const cal = calendarFeatures({ types: ['earnings'], horizon: 3 });
    const bars = withEvents(dailyBars(10, undefined, 'AAPL'), [
      { type: 'earnings', day: 2, scope: ['MSFT'], surprise: 3 },
      { type: 'earnings', day: 4, scope: ['AAPL', 'MSFT'], surprise: 1 },
      { type: 'earnings', day: 7, scope: ['market'], surprise: -1 },
    ]);
    const s = column(cal, bars, 'calendar/earnings/surprise');
    expect([s[2], s[3], s[4], s[7]]).toEqual([0, 0, 1, -1]);
    expect(column(cal, bars, 'calendar/earnings/next').slice(0, 5)).toEqual([0, 1 / 3, 2 / 3, 1, 1 / 3].map(Math.fround));
  });

  it('places an event on the first bar of its day or after (weekends → Monday), dropping events after the last bar', () => {
    // Bars Mon–Fri, then Mon–Fri: days 0–4, 7–11.
    const bars = withEvents(dailyBars(10, [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]), [
      { type: 'cpi', day: 5, surprise: 1 }, // Saturday → Monday, bar 5
      { type: 'cpi', day: 12, surprise: 4 }, // after the last bar
      { type: 'cpi', day: 4, hour: 23, surprise: 2, scheduled: false }, // Friday night, after the close stamp: still Friday's bar
    ]);
    const cal = calendarFeatures({ types: ['cpi'], horizon: 2, halfLife: 1 });
    expect(column(cal, bars, 'calendar/cpi/surprise')).toEqual([0, 0, 0, 0, 2, 1, 0.5, 0.25, 0.125, 0.0625]);
    expect(column(cal, bars, 'calendar/cpi/next')).toEqual([0, 0, 0, 0.5, 1, 0, 0, 0, 0, 0]);
  });

  it('takes the highest importance and the last outcome (by time, then id) among events on one bar', () => {
    const bars = withEvents(dailyBars(8), [
      { type: 'earnings', day: 5, hour: 12, importance: 'low', surprise: 3, scope: ['SPX'] },
      { type: 'earnings', day: 5, hour: 20, importance: 'medium', surprise: -1 },
      { type: 'earnings', day: 5, hour: 13, importance: 'high', scheduled: false, surprise: 4 },
    ]);
    const cal = calendarFeatures({ types: ['earnings'], horizon: 5 });
    expect(column(cal, bars, 'calendar/earnings/importance')[4]).toBe(0.5); // the unscheduled high one is not known ahead
    expect(column(cal, bars, 'calendar/earnings/surprise')[5]).toBe(-1);
  });

  it('counts an event with neither surprise nor sentiment as an outcome of 0', () => {
    const bars = withEvents(dailyBars(8), [
      { type: 'gdp', day: 1, surprise: 2 },
      { type: 'gdp', day: 3 },
    ]);
    expect(column(calendarFeatures({ types: ['gdp'], halfLife: 1 }), bars, 'calendar/gdp/surprise')).toEqual([0, 2, 1, 0, 0, 0, 0, 0]);
  });
});

describe('calendar features are point in time', () => {
  const N = 200;
  const types = ['fomc', 'cpi', 'news'];

  /** A random calendar: scheduled fomc/cpi every few bars, unscheduled news on random bars. */
  function randomCalendar(rng: Rng): EventSpec[] {
    const out: EventSpec[] = [];
    const importance: Importance[] = ['low', 'medium', 'high'];
    for (let day = 3; day < N; day += 5 + rng.int(10)) out.push({ type: 'fomc', day, importance: importance[rng.int(3)], surprise: 3 * rng.normal() });
    for (let day = 1; day < N; day += 7 + rng.int(6)) out.push({ type: 'cpi', day, importance: importance[rng.int(3)], sentiment: 2 * rng.uniform() - 1 });
    for (let day = 0; day < N; day++) if (rng.uniform() < 0.1) out.push({ type: 'news', day, scheduled: false, sentiment: 2 * rng.uniform() - 1, hour: rng.int(24) });
    return out;
  }

  /** Outcomes of events after bar t change; unscheduled events after t are added and removed; the schedule stays. */
  function perturbOutcomesAfter(specs: readonly EventSpec[], t: number, rng: Rng): EventSpec[] {
    const out: EventSpec[] = [];
    for (const s of specs) {
      if (s.day <= t) out.push(s);
      else if (!(s.scheduled === false && rng.uniform() < 0.5)) out.push({ ...s, surprise: 4 * rng.normal(), sentiment: undefined });
    }
    for (let day = t + 1; day < N; day++) if (rng.uniform() < 0.2) out.push({ type: 'news', day, scheduled: false, sentiment: 2 * rng.uniform() - 1, hour: 0.5 });
    return out;
  }

  const base = dailyBars(N);
  const calendar = randomCalendar(Rng.fromSeed('calendar'));
  const cal = calendarFeatures({ types, horizon: 10, halfLife: 3 });
  const dim = cal.dim;
  const rows = cal.rows(withEvents(base, calendar));

  it.each([0, 3, 50, 101, 180])('changing outcomes and news after bar %i leaves rows 0..t byte-identical', (t) => {
    const other = cal.rows(withEvents(base, perturbOutcomesAfter(calendar, t, Rng.fromSeed(`outcomes-${t}`))));
    expect(Buffer.from(other.buffer, 0, (t + 1) * dim * 4).equals(Buffer.from(rows.buffer, 0, (t + 1) * dim * 4))).toBe(true);
    expect(Buffer.from(other.buffer).equals(Buffer.from(rows.buffer))).toBe(false);
  });

  it('lets a change of schedule after t show before it (the point of scheduled events)', () => {
    const fomc = calendar.filter((s) => s.type === 'fomc');
    const moved = fomc[5];
    const earlier = calendar.map((s) => (s === moved ? { ...s, day: s.day - 2 } : s));
    const other = cal.rows(withEvents(base, earlier));
    const next = cal.names.indexOf('calendar/fomc/next');
    const t = moved.day - 3; // before both the old and the new bar
    expect(other[t * dim + next]).not.toBe(rows[t * dim + next]);
  });

  it('shows an outcome released at bar t in row t, not in row t − 1', () => {
    const t = 77;
    const s = cal.names.indexOf('calendar/news/surprise');
    const added = cal.rows(withEvents(base, [...calendar, { type: 'news', day: t, scheduled: false, sentiment: 0.9, hour: 23.5 }]));
    expect(Buffer.from(added.buffer, 0, t * dim * 4).equals(Buffer.from(rows.buffer, 0, t * dim * 4))).toBe(true);
    expect(added[t * dim + s]).toBe(Math.fround(0.9));
  });
});

describe('calendar columns in the feature pipeline', () => {
  const bars = withEvents(dailyBars(120), [
    { type: 'fomc', day: 30, importance: 'high', surprise: 1.5 },
    { type: 'cpi', day: 50, importance: 'medium', surprise: -4 },
    { type: 'news', day: 60, scheduled: false, sentiment: 0.5 },
  ]);
  const train = { ...bars, events: bars.events };
  const config = featuresSchema.parse({ indicators: [{ kind: 'rsi' }, { kind: 'volatility', period: 10 }], calendar: { types: ['fomc', 'cpi', 'news'] } });
  const cal = calendarFeatures(config.calendar ?? {});

  it('appends the calendar columns after the indicators, unnormalised, with no warm-up', () => {
    const features = fitFeatures(config, train);
    expect(features.names).toEqual(['rsi14', 'vol10', ...cal.names]);
    expect(features.warmup).toEqual([14, 10, ...cal.names.map(() => 0)]);
    expect(features.stats()?.names).toEqual(['rsi14', 'vol10']);
    // Both the cached training rows and rows computed for another object carry the raw calendar values.
    for (const b of [train, { ...bars }]) {
      const m = features.rows(b);
      const c = cal.rows(b);
      for (let t = 0; t < b.length; t++) {
        for (let j = 0; j < cal.dim; j++) expect(m[t * features.dim + 2 + j]).toBe(c[t * cal.dim + j]);
      }
    }
    const rowsOf = (b: Bars) => Array.from(features.rows(b));
    expect(rowsOf(train)).toEqual(rowsOf({ ...bars }));
    const withoutCalendar = fitFeatures({ ...config, calendar: undefined }, train);
    const a = features.rows(bars);
    const b = withoutCalendar.rows(bars);
    for (let t = 0; t < bars.length; t++) expect([a[t * features.dim], a[t * features.dim + 1]]).toEqual([b[t * 2], b[t * 2 + 1]]);
  });

  it('rebuilds byte-identical rows from saved statistics, and without normalisation', () => {
    const features = fitFeatures(config, train);
    const rebuilt = featureSourceFromStats(config, JSON.parse(JSON.stringify(features.stats())));
    expect(rebuilt.names).toEqual(features.names);
    expect(Buffer.from(rebuilt.rows(bars).buffer).equals(Buffer.from(features.rows({ ...bars }).buffer))).toBe(true);
    const raw = fitFeatures({ ...config, normalize: false }, train);
    expect(raw.names).toEqual(features.names);
    expect(raw.stats()).toBeNull();
    const calendarOnly = fitFeatures(featuresSchema.parse({ calendar: { types: ['fomc', 'cpi', 'news'] } }), train);
    expect(calendarOnly.names).toEqual(cal.names);
    expect(Array.from(calendarOnly.rows(bars))).toEqual(Array.from(cal.rows(bars)));
  });
});
