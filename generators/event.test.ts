import { describe, expect, it } from 'vitest';
import { RlError } from '../src/core/errors.js';
import type { ConfigError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { DAY_MS, sliceBars } from '../src/data/bars.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { eventId } from '../src/data/calendar.js';
import type { CalendarEvent, Importance } from '../src/data/calendar.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { archLm } from '../src/stats/arch-lm.js';
import { excessKurtosis, mean, variance } from '../src/stats/descriptive.js';
import { ols } from '../src/stats/ols.js';
import { event, eventConfigSchema, responseTable } from './event.js';
import type { EventConfig, EventParams, EventResponse, ScenarioEvent } from './event.js';
import { garch } from './garch.js';
import type { ReturnStream } from './generator.js';
import { ohlcViolation } from './ohlc.js';

const config = (over: Partial<EventConfig> = {}): EventConfig => eventConfigSchema.parse(over);

function calEvent(time: number, type: string, importance: Importance, surprise?: number, scope: string[] = ['market']): CalendarEvent {
  const key = { type, time, scope, source: { kind: 'calendar' as const, ref: 'test' } };
  return { ...key, id: eventId(key), importance, scheduled: true, ...(surprise === undefined ? {} : { surprise }) };
}

/** Payrolls on the first Friday of each month and 8 'fomc' meetings a year (high in Jan, Jul, Oct), inside the bars' span. */
function syntheticCalendar(bars: Bars, surprise: (i: number) => number | undefined): CalendarEvent[] {
  const out: CalendarEvent[] = [];
  const first = new Date(bars.time[0]);
  const last = bars.time[bars.length - 1];
  for (let y = first.getUTCFullYear(), mo = first.getUTCMonth(); Date.UTC(y, mo, 1) <= last; mo === 11 ? ((mo = 0), y++) : mo++) {
    let day = Date.UTC(y, mo, 1);
    while (new Date(day).getUTCDay() !== 5) day += DAY_MS;
    out.push(calEvent(day + 12.5 * 3_600_000, 'payrolls', 'high', surprise(out.length)));
    if ([0, 2, 4, 5, 6, 8, 9, 11].includes(mo)) {
      let wed = Date.UTC(y, mo, 15);
      while (new Date(wed).getUTCDay() !== 3) wed += DAY_MS;
      out.push(calEvent(wed + 18 * 3_600_000, 'fomc', mo % 3 === 0 ? 'high' : 'medium', surprise(out.length)));
    }
  }
  return out.filter((e) => e.time >= bars.time[0] && e.time <= last);
}

/** The params with every group's sampled response replaced by `r` (to make a known response visible). */
function withResponse(params: EventParams, r: Partial<EventResponse>, sampling: Partial<EventParams['sampling']> = {}): EventParams {
  return {
    ...params,
    assets: params.assets.map((a) => ({ ...a, groups: a.groups.map((g) => ({ ...g, response: { ...g.response, ...r } })) })),
    sampling: { ...params.sampling, ...sampling },
  };
}

/** Percent abnormal return of bar t of a path: 100·ln(close_t/close_{t−1}) − μ (bar 0 from the initial price). */
function abnormal(bars: Bars, t: number, params: EventParams): number {
  const base = params.assets[0].base;
  const prev = t === 0 ? base.initialPrice : bars.close[t - 1];
  return 100 * Math.log(bars.close[t] / prev) - base.mu;
}

const bytes = (panels: Panel[]): Buffer =>
  Buffer.concat(panels.flatMap((p) => p.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume])).map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

function expectCode(run: () => unknown, code: string, path?: string): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RlError);
  expect((error as RlError).code).toBe(code);
  if (path !== undefined) expect((error as ConfigError).path).toBe(path);
}

// Fitted on 2000–2007 of the built-in S&P 500 with a synthetic calendar whose surprises are seeded N(0, 1).
const sp = sliceBars(loadBuiltinSp500(), 0, 2000);
const rng0 = Rng.fromSeed('calendar');
const calendar = syntheticCalendar(sp, () => rng0.normal());
const params = event.fit([sp], config(), { calendar });

describe('randomize: 0 with the historical calendar', () => {
  const historical = { ...params, sampling: { ...params.sampling, randomize: 0 } };

  it("labels each path with the training events' surprises, in order, at their bar offsets, cycled past the window", () => {
    const length = 2 * params.trainLength + 300;
    const [path] = event.sample(historical, Rng.fromSeed(1), { length, paths: 1 });
    const labels = path[0].events!;
    const cycles = [0, 1, 2].flatMap((c) => params.calendar.map((e) => ({ ...e, bar: e.offset + c * params.trainLength })).filter((e) => e.bar < length));
    expect(labels.map((e) => e.surprise)).toEqual(cycles.map((e) => e.surprise));
    expect(labels.map((e) => e.time)).toEqual(cycles.map((e) => path[0].time[e.bar]));
    expect(labels.map((e) => e.type)).toEqual(cycles.map((e) => e.type));
    expect(params.calendar.map((e) => e.surprise)).toEqual(calendar.map((e) => e.surprise)); // the training calendar, in order
    expect(new Set(labels.map((e) => e.id)).size).toBe(labels.length);
    for (const e of labels) expect(e.source).toEqual({ kind: 'calendar', ref: 'event-generator' });
  });

  it('puts intercept + slope·surprise on the event bars: pooled OLS over 300 paths within 4 SE of the response', () => {
    const known = withResponse(historical, { intercept: -0.3, slope: 0.8, jumpSd: 0.5 });
    const paths = event.sample(known, Rng.fromSeed(2), { length: 500, paths: 300 });
    const ar: number[] = [];
    const s: number[] = [];
    for (const [bars] of paths) {
      for (const e of bars.events!) {
        ar.push(abnormal(bars, bars.time.indexOf(e.time), known));
        s.push(e.surprise!);
      }
    }
    const fit = ols(ar, new Float64Array(s.flatMap((x) => [1, x])), 2);
    expect(Math.abs(fit.params[0] + 0.3) / fit.bse[0]).toBeLessThan(4);
    expect(Math.abs(fit.params[1] - 0.8) / fit.bse[1]).toBeLessThan(4);
    expect(fit.bse[1]).toBeLessThan(0.05); // sharp enough that a missing or doubled slope fails
  });
});

describe('different seeds: different but realistic series', () => {
  const paths = event.sample(params, Rng.fromSeed('realism'), { length: 2000, paths: 40 });
  const returns = (c: Float64Array): number[] => Array.from({ length: c.length - 1 }, (_, t) => Math.log(c[t + 1] / c[t]));
  const train = returns(sp.close);

  it('differ from seed to seed, with valid bars', () => {
    expect(bytes([paths[0]]).equals(bytes([paths[1]]))).toBe(false);
    for (const [bars] of paths) expect(ohlcViolation(bars)).toBeUndefined();
  });

  it('cluster volatility (ARCH-LM(12) p < 0.01 on every path, as on the training window)', () => {
    const lmP = (r: number[]): number => archLm(r.map((x) => x - mean(r)), 12).lmPvalue;
    expect(lmP(train)).toBeLessThan(0.01);
    for (const [bars] of paths) expect(lmP(returns(bars.close))).toBeLessThan(0.01);
  });

  it('have fat tails (kurtosis > 3 on every path) and a mean |return| the training window could have produced', () => {
    const mabs = (r: number[]): number => mean(r.map(Math.abs));
    const sim = paths.map(([bars]) => returns(bars.close));
    for (const r of sim) expect(excessKurtosis(r)).toBeGreaterThan(0);
    // The training value lies inside the range of 40 paths of its length (a 95% predictive interval when
    // model and data agree), and the paths' average is within 4 standard errors of it across paths plus 10%.
    const values = sim.map(mabs).sort((a, b) => a - b);
    expect(mabs(train)).toBeGreaterThan(values[0]);
    expect(mabs(train)).toBeLessThan(values[values.length - 1]);
    const se = Math.sqrt(variance(values, 1) / values.length);
    expect(Math.abs(mean(values) - mabs(train))).toBeLessThan(4 * se + 0.1 * mabs(train));
  });
});

describe('scenario: three surprise hikes', () => {
  const hikes: ScenarioEvent[] = [60, 120, 180].map((offset) => ({ offset, type: 'fomc', importance: 'high', surprise: -2.5, scope: ['market'] }));
  const scenario = withResponse(params, { intercept: -0.1, slope: 0.8, jumpSd: 0.5 }, { calendar: 'none', scenario: hikes });

  it('appear as labelled scenario events at their offsets, with their surprise, on every path', () => {
    for (const [bars] of event.sample(scenario, Rng.fromSeed(3), { length: 250, paths: 5 })) {
      expect(bars.events!.map((e) => [e.time, e.type, e.importance, e.surprise, e.source.kind])).toEqual(
        [60, 120, 180].map((k) => [bars.time[k], 'fomc', 'high', -2.5, 'scenario']),
      );
    }
  });

  it('move the event bars by intercept + slope·(−2.5): mean over 400 paths within 4 SE', () => {
    const ar = event.sample(scenario, Rng.fromSeed(4), { length: 200, paths: 400 }).flatMap(([bars]) => [60, 120, 180].map((k) => abnormal(bars, k, scenario)));
    const expected = -0.1 + 0.8 * -2.5;
    expect(Math.abs(mean(ar) - expected)).toBeLessThan(4 * Math.sqrt(variance(ar, 1) / ar.length));
  });

  it("come on top of the historical calendar; one without a surprise draws it from the type's training surprises", () => {
    const both = { ...params, sampling: { ...params.sampling, scenario: [{ offset: 10, type: 'fomc', importance: 'high' as const, scope: ['market'] }] } };
    const fomc = new Set(calendar.filter((e) => e.type === 'fomc').map((e) => e.surprise));
    const [[bars]] = event.sample(both, Rng.fromSeed(5), { length: 300, paths: 1 });
    const mine = bars.events!.filter((e) => e.source.kind === 'scenario');
    expect(mine).toHaveLength(1);
    expect(fomc.has(mine[0].surprise)).toBe(true);
    expect(bars.events!.length).toBe(1 + params.calendar.filter((e) => e.offset < 300).length);
  });
});

describe('timing jitter, resampled calendars and randomised outcomes', () => {
  it('jitter moves each calendar event by at most ±jitter bars', () => {
    const jittered = { ...params, sampling: { ...params.sampling, randomize: 0, jitter: 2 } };
    const [[bars]] = event.sample(jittered, Rng.fromSeed(6), { length: params.trainLength, paths: 1 });
    const bar = (e: CalendarEvent): number => bars.time.indexOf(e.time);
    // With randomize 0 each label keeps its event's historical surprise, which identifies the event.
    const offset = new Map(params.calendar.map((e) => [e.surprise, e.offset]));
    const moves = bars.events!.map((e) => bar(e) - offset.get(e.surprise!)!);
    for (const d of moves) expect(Math.abs(d)).toBeLessThanOrEqual(2);
    // Only events within 2 bars of the start can be moved before it (and dropped).
    expect(bars.events!.length).toBeGreaterThanOrEqual(params.calendar.filter((e) => e.offset >= 2).length);
    expect(new Set(moves).size).toBe(5); // every move in −2..2 occurs
  });

  it("'year' bootstrap: every block of a path copies one full training block's events at the same offsets", () => {
    const B = 252;
    const resampled = { ...params, sampling: { ...params.sampling, calendar: 'resampled' as const, bootstrap: 'year' as const, blockLength: B, randomize: 0 } };
    const signature = (events: { bar: number; type: string; surprise: number | null | undefined }[], b: number): string =>
      JSON.stringify(events.filter((e) => e.bar >= b * B && e.bar < (b + 1) * B).map((e) => [e.bar - b * B, e.type, e.surprise]));
    const blocks = new Set(Array.from({ length: Math.floor(params.trainLength / B) }, (_, b) => signature(params.calendar.map((e) => ({ ...e, bar: e.offset })), b)));
    const [[bars]] = event.sample(resampled, Rng.fromSeed(7), { length: 5 * B, paths: 1 });
    const events = bars.events!.map((e) => ({ bar: bars.time.indexOf(e.time), type: e.type, surprise: e.surprise }));
    const seen = Array.from({ length: 5 }, (_, b) => signature(events, b));
    for (const s of seen) expect(blocks.has(s)).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(1);
  });

  it("'frequency' bootstrap: events per path are Poisson with the training frequency (mean within 4 SE)", () => {
    const resampled = { ...params, sampling: { ...params.sampling, calendar: 'resampled' as const, bootstrap: 'frequency' as const } };
    const length = 1000;
    const counts = event.sample(resampled, Rng.fromSeed(8), { length, paths: 200 }).map(([bars]) => bars.events!.filter((e) => e.type === 'payrolls').length);
    const rate = params.calendar.filter((e) => e.type === 'payrolls').length / params.trainLength;
    // The last block is cut at the path's end: 1000 bars = 3 full blocks of 252 and 244 bars of the fourth.
    const expected = rate * length;
    expect(Math.abs(mean(counts) - expected)).toBeLessThan(4 * Math.sqrt(expected / counts.length));
  });

  it('randomize p keeps a historical surprise with probability (1 − p) + p/n (n = the law’s size), draws the rest from the law', () => {
    const half = { ...params, sampling: { ...params.sampling, randomize: 0.5 } };
    const laws = new Map(params.surprises.map((l) => [l.type, l.values]));
    let kept = 0;
    let total = 0;
    let pKeep = 0;
    for (const [bars] of event.sample(half, Rng.fromSeed(9), { length: params.trainLength, paths: 20 })) {
      bars.events!.forEach((e, i) => {
        const values = laws.get(e.type)!;
        expect(values).toContain(e.surprise);
        kept += e.surprise === params.calendar[i].surprise ? 1 : 0;
        pKeep += 0.5 + 0.5 / values.length;
        total++;
      });
    }
    const p = pKeep / total;
    expect(Math.abs(kept / total - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / total));
    // The normal law draws values that are not in the training set.
    const normal = { ...params, sampling: { ...params.sampling, randomize: 1, surpriseLaw: 'normal' as const } };
    const [[bars]] = event.sample(normal, Rng.fromSeed(10), { length: 500, paths: 1 });
    for (const e of bars.events!) expect(laws.get(e.type)).not.toContain(e.surprise);
  });
});

describe('returns only', () => {
  const known = withResponse(params, { intercept: -0.3, slope: 0.8, jumpSd: 1, volKappa: 1, halfLife: 3, preDrift: 0.05, preVarRatio: 1.2 });
  const open = (seed: string): ReturnStream => event.returnStream!(known, Rng.fromSeed(seed));
  const read = (stream: ReturnStream, sizes: number[]): Float64Array => {
    const out = new Float64Array(sizes.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const n of sizes) {
      const chunk = new Float64Array(n);
      stream.next(chunk);
      out.set(chunk, at);
      at += n;
    }
    return out;
  };

  it('with events, chunks of any sizes give sampleReturns of one path byte for byte', () => {
    const whole = event.sampleReturns!(known, Rng.fromSeed('s'), { paths: 1, length: 5000 });
    expect(Buffer.from(read(open('s'), [1, 0, 7, 2500, 0, 2492]).buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });

  it("have the law of sample's closes: per-path mean and variance within 4 SE over 600 paths", () => {
    const length = 300;
    const r = event.sampleReturns!(known, Rng.fromSeed('law-r'), { paths: 600, length });
    const bars = event.sample(known, Rng.fromSeed('law-b'), { paths: 600, length });
    const moments = (row: (p: number) => number[]): { m: number[]; v: number[] } => {
      const rows = Array.from({ length: 600 }, (_, p) => row(p));
      return { m: rows.map((x) => mean(x)), v: rows.map((x) => variance(x, 0)) };
    };
    const fast = moments((p) => Array.from(r.subarray(p * length + 1, (p + 1) * length)));
    const full = moments((p) => Array.from({ length: length - 1 }, (_, t) => Math.log(bars[p][0].close[t + 1] / bars[p][0].close[t])));
    const zDiff = (a: number[], b: number[]): number => Math.abs(mean(a) - mean(b)) / Math.sqrt(variance(a, 1) / a.length + variance(b, 1) / b.length);
    expect(zDiff(fast.m, full.m)).toBeLessThan(4);
    expect(zDiff(fast.v, full.v)).toBeLessThan(4);
  });
});

describe('no calendar: the GARCH base', () => {
  const bare = event.fit([sp], config(), {});

  it("samples garch's bytes on the base params, with empty labels", () => {
    const base = { assets: bare.assets.map((a) => a.base) };
    const ours = event.sample(bare, Rng.fromSeed(11), { length: 300, paths: 2 });
    expect(bytes(ours).equals(bytes(garch.sample(base, Rng.fromSeed(11), { length: 300, paths: 2 })))).toBe(true);
    for (const [bars] of ours) expect(bars.events).toEqual([]);
    const r = event.sampleReturns!(bare, Rng.fromSeed(12), { length: 500, paths: 2 });
    expect(Buffer.from(r.buffer).equals(Buffer.from(garch.sampleReturns!(base, Rng.fromSeed(12), { length: 500, paths: 2 }).buffer))).toBe(true);
  });

  it("calendar 'none' without a scenario is the base too, whatever the fitted events", () => {
    const none = { ...params, sampling: { ...params.sampling, calendar: 'none' as const } };
    const base = { assets: params.assets.map((a) => a.base) };
    expect(bytes(event.sample(none, Rng.fromSeed(13), { length: 100, paths: 1 })).equals(bytes(garch.sample(base, Rng.fromSeed(13), { length: 100, paths: 1 })))).toBe(true);
  });
});

describe('params', () => {
  it('round-trip through JSON: same bytes and labels', () => {
    const a = event.sample(params, Rng.fromSeed(14), { length: 400, paths: 2 });
    const b = event.sample(JSON.parse(JSON.stringify(params)) as EventParams, Rng.fromSeed(14), { length: 400, paths: 2 });
    expect(bytes(b).equals(bytes(a))).toBe(true);
    expect(b.map((p) => p[0].events)).toEqual(a.map((p) => p[0].events));
  });

  it('a multi-asset panel shares one schedule; an event scoped to one symbol labels only that asset', () => {
    const ndx = { ...sp, symbol: 'NDX' };
    const two = event.fit([sp, ndx], config(), { calendar });
    const only: ScenarioEvent = { offset: 5, type: 'cpi', importance: 'high', surprise: 1, scope: ['NDX'] };
    const [panel] = event.sample({ ...two, sampling: { ...two.sampling, scenario: [only] } }, Rng.fromSeed(15), { length: 300, paths: 1 });
    const kinds = panel.map((bars) => bars.events!.filter((e) => e.source.kind === 'scenario').length);
    expect(kinds).toEqual([0, 1]);
    expect(panel[0].events!.filter((e) => e.source.kind === 'calendar')).toEqual(panel[1].events!.filter((e) => e.source.kind === 'calendar'));
  });

  it('invalid params are E_CONFIG naming the field', () => {
    const opts = { length: 10, paths: 1 };
    expectCode(() => event.sample({ ...params, sampling: { ...params.sampling, randomize: 2 } }, Rng.fromSeed(1), opts), 'E_CONFIG', 'params.sampling.randomize');
    expectCode(() => event.sample({ ...params, assets: [] }, Rng.fromSeed(1), opts), 'E_CONFIG', 'params.assets');
    expectCode(() => event.sample({ ...params, calendar: [{ ...params.calendar[0], offset: params.trainLength }] }, Rng.fromSeed(1), opts), 'E_CONFIG', 'params.calendar[0].offset');
    expectCode(() => event.sample(withResponse(params, { halfLife: 0 }), Rng.fromSeed(1), opts), 'E_CONFIG', 'params.assets[0].groups[0].response.halfLife');
    expect(eventConfigSchema.safeParse({ jitter: -1 }).success).toBe(false);
    expect(eventConfigSchema.safeParse({ randomise: 1 }).success).toBe(false); // unknown keys are rejected
  });

  it('the response table is plain JSON, one row per group', () => {
    const rows = responseTable(params);
    expect(rows.map((r) => r.group)).toEqual(params.assets[0].groups.map((g) => g.key));
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });
});

// The built-in calendar (FOMC decisions, CPI and payroll schedules), when that module is present.
const builtinModule = './../src/events/builtin-calendar.js';
const builtin = await import(builtinModule).then(
  (m: { builtinCalendar?: () => CalendarEvent[] }) => m.builtinCalendar,
  () => undefined,
);

describe.skipIf(builtin === undefined)('on the S&P 500 with the built-in calendar', () => {
  it('fits FOMC, CPI and payrolls groups on 2000–2015 and samples valid, labelled paths', () => {
    const train = sliceBars(loadBuiltinSp500(), 0, 4000);
    const fitted = event.fit([train], config(), { calendar: builtin!() });
    const rows = responseTable(fitted);
    expect(rows.map((r) => r.group)).toEqual(expect.arrayContaining(['fomc:high', 'cpi:high', 'payrolls:high', '*']));
    for (const r of rows) for (const v of [r.intercept, r.sigmaAR, r.jumpSd, r.volKappa, r.halfLife, r.preDrift, r.preVarRatio]) expect(Number.isFinite(v)).toBe(true);
    // Every event the fit kept lies inside the training window.
    expect(Math.max(...fitted.calendar.map((e) => e.offset))).toBeLessThan(train.length);
    for (const [bars] of event.sample(fitted, Rng.fromSeed(16), { length: 504, paths: 3 })) {
      expect(ohlcViolation(bars)).toBeUndefined();
      expect(bars.events!.length).toBeGreaterThan(30); // ~ 8 + 12 + 12 a year in the fit window, minus rate-unchanged meetings
    }
  });
});
