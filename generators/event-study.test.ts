import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS, sliceBars } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { eventId } from '../src/data/calendar.js';
import type { CalendarEvent, Importance } from '../src/data/calendar.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { eventsInSpan, lookupGroup, shockLags } from './event-study.js';
import { event, eventConfigSchema, responseTable } from './event.js';
import type { EventConfig, EventParams, ResponseRow } from './event.js';
import { garch, garchConfigSchema } from './garch.js';
import { weekdayTimes } from './ohlc.js';

const config = (over: Partial<EventConfig> = {}): EventConfig => eventConfigSchema.parse(over);

/** A calendar event at `time` (14:00 UTC on the bar's day by default), as a calendar file would give it. */
function calEvent(time: number, type: string, importance: Importance, surprise?: number, scope: string[] = ['market']): CalendarEvent {
  const key = { type, time, scope, source: { kind: 'calendar' as const, ref: 'test' } };
  return { ...key, id: eventId(key), importance, scheduled: true, ...(surprise === undefined ? {} : { surprise }) };
}

/** The known responses injected by {@link simulate} (percent units, as the fit reports them). */
const TRUTH = { intercept: -0.2, slope: 0.6, jumpSd: 1.0, volKappa: 1.5, halfLife: 3, preDrift: 0.1, preVarRatio: 1.3 };
const BASE = { mu: 0.03, omega: 0.02, alpha: 0.08, beta: 0.9 };

/**
 * An independent simulation of the model (not the generator's sampler): GARCH(1,1) percent returns, and at
 * known bars 'fomc' events with N(0, 1) surprises: on the 3 bars before an event the mean shifts by
 * TRUTH.preDrift and the variance is ×TRUTH.preVarRatio, the event bar jumps by a + b·s + σ_J·ε, and lag j
 * after it has its variance ×(1 + κ·2^{−(j−1)/H}). The GARCH recursion is fed the base innovation sqrt(h)·z
 * only. Events are 40–79 bars apart, so their windows do not overlap.
 */
function simulate(seed: number, n: number): { bars: Bars; calendar: CalendarEvent[] } {
  const rng = Rng.fromSeed(seed);
  const times = weekdayTimes(Date.UTC(2000, 0, 3), n);
  const ks: number[] = [];
  for (let k = 30 + rng.int(40); k < n - 20; k += 40 + rng.int(40)) ks.push(k);
  const surprise = ks.map(() => rng.normal());
  const bars = allocBars('SYN', n);
  bars.time.set(times);
  let h = BASE.omega / (1 - BASE.alpha - BASE.beta);
  let price = 100;
  let first = 0;
  for (let t = 0; t < n; t++) {
    while (first < ks.length && ks[first] + 60 < t) first++;
    let m = 1;
    let drift = 0;
    let jump = 0;
    let hasJump = false;
    for (let i = first; i < ks.length && ks[i] <= t + 3; i++) {
      const d = ks[i] - t;
      if (d > 0) {
        m += TRUTH.preVarRatio - 1;
        drift += TRUTH.preDrift;
      } else if (d === 0) {
        jump = TRUTH.intercept + TRUTH.slope * surprise[i];
        hasJump = true;
      } else {
        m += TRUTH.volKappa * Math.pow(2, -(-d - 1) / TRUTH.halfLife);
      }
    }
    const z = rng.normal();
    const eps = rng.normal();
    const e = Math.sqrt(h * m) * z + drift + (hasJump ? jump + TRUTH.jumpSd * eps : 0);
    const close = price * Math.exp(0.01 * (BASE.mu + e));
    [bars.open[t], bars.close[t], bars.high[t], bars.low[t], bars.volume[t]] = [price, close, Math.max(price, close), Math.min(price, close), 1e6];
    price = close;
    const base = Math.sqrt(h) * z;
    h = BASE.omega + BASE.alpha * base * base + BASE.beta * h;
  }
  return { bars, calendar: ks.map((k, i) => calEvent(times[k] + 14 * 3_600_000, 'fomc', 'high', surprise[i])) };
}

/** |estimate − truth| in standard errors. */
function z(row: ResponseRow, key: keyof typeof TRUTH, truth: number = TRUTH[key]): number {
  const se = row[`${key}Se` as keyof ResponseRow] as number | null;
  expect(se, `${key}Se`).not.toBeNull();
  return Math.abs((row[key] as number) - truth) / se!;
}

describe('event study: recovery of injected responses', () => {
  // 20,000 bars, 335 events: the SEs are small enough that a wrong estimator misses by many of them.
  const { bars, calendar } = simulate(1, 20_000);
  const params = event.fit([bars], config(), { calendar });
  const [row] = responseTable(params);

  it('fits one group per level (type:importance, type, all) with every event', () => {
    expect(responseTable(params).map((r) => r.group)).toEqual(['fomc:high', 'fomc:*', '*']);
    expect(row.n).toBe(calendar.length);
    expect(row.nSurprise).toBe(calendar.length);
  });

  it('recovers slope, intercept and jump dispersion within 4 standard errors', () => {
    expect(z(row, 'slope')).toBeLessThan(4);
    expect(z(row, 'intercept')).toBeLessThan(4);
    expect(z(row, 'jumpSd')).toBeLessThan(4);
    // The slope is well identified: its SE is a fraction of it (335 events, residual sd ≈ 2%).
    expect(row.slopeSe!).toBeLessThan(0.25 * TRUTH.slope);
  });

  it('recovers the volatility shock and its half-life within 4 standard errors', () => {
    expect(z(row, 'volKappa')).toBeLessThan(4);
    expect(z(row, 'halfLife')).toBeLessThan(4);
    expect(row.volKappaSe!).toBeLessThan(0.25 * TRUTH.volKappa);
  });

  it('recovers the pre-event drift and variance ratio within 4 standard errors', () => {
    expect(z(row, 'preDrift')).toBeLessThan(4);
    expect(z(row, 'preVarRatio')).toBeLessThan(4);
  });

  it('fits a base that is calibrated between events: quiet e²/h within 4 SE of 1', () => {
    // Outside the windows e²/h = z² with Var(z²) = 2 (normal z); at least half the bars are quiet here.
    const quiet = params.assets[0].quietRatio;
    expect(Math.abs(quiet - 1)).toBeLessThan(4 * Math.sqrt(2 / 10_000));
    // The plain GARCH fit absorbs the events into its dynamics (α inflated); the joint fit does not.
    const plain = garch.fit([bars], garchConfigSchema.parse({}), {}).assets[0];
    expect(Math.abs(params.assets[0].base.alpha - BASE.alpha)).toBeLessThan(Math.abs(plain.alpha - BASE.alpha));
  });

  it('the sampler draws from the model the fit estimates: refitting a sampled path recovers the fitted responses', () => {
    // One path of the historical calendar (same event bars) with the historical surprises; fit it back.
    const resample = { ...params, sampling: { ...params.sampling, randomize: 0 } };
    const [path] = event.sample(resample, Rng.fromSeed('refit'), { length: bars.length, paths: 1, start: bars.time[0] });
    const refit = event.fit(path, config(), { calendar: [...path[0].events!] });
    const [again] = responseTable(refit);
    for (const key of ['slope', 'intercept', 'jumpSd', 'volKappa', 'halfLife', 'preDrift', 'preVarRatio'] as const) {
      expect(z(again, key, row[key]), key).toBeLessThan(4);
    }
  });

  it('three −2.5σ scenario hikes move their bars by the fitted intercept + slope·(−2.5) (mean over 400 paths within 4 SE)', () => {
    const offsets = [60, 120, 180];
    const scenario = offsets.map((offset) => ({ offset, type: 'fomc', importance: 'high' as const, surprise: -2.5, scope: ['market'] }));
    const hikes = { ...params, sampling: { ...params.sampling, calendar: 'none' as const, scenario } };
    const { response } = params.assets[0].groups[0];
    const ar: number[] = [];
    for (const [path] of event.sample(hikes, Rng.fromSeed('hikes'), { length: 200, paths: 400 })) {
      expect(path.events!.map((e) => [e.time, e.surprise, e.source.kind])).toEqual(offsets.map((k) => [path.time[k], -2.5, 'scenario']));
      for (const k of offsets) ar.push(100 * Math.log(path.close[k] / path.close[k - 1]) - params.assets[0].base.mu);
    }
    const expected = response.intercept + response.slope * -2.5; // ≈ −1.7%
    const m = ar.reduce((a, b) => a + b, 0) / ar.length;
    const sd = Math.sqrt(ar.reduce((a, b) => a + (b - m) ** 2, 0) / (ar.length - 1));
    expect(Math.abs(m - expected)).toBeLessThan((4 * sd) / Math.sqrt(ar.length));
    expect(expected).toBeLessThan(-1); // and the fitted response is the injected one's size
  });

  it("'all' keeps the plain GARCH fit as the base", () => {
    const all = event.fit([bars], config({ baseFit: 'all' }), { calendar }).assets[0].base;
    const plain = garch.fit([bars], garchConfigSchema.parse({}), {}).assets[0];
    expect([all.mu, all.omega, all.alpha, all.beta, all.fit.loglik]).toEqual([plain.mu, plain.omega, plain.alpha, plain.beta, plain.fit.loglik]);
  });
});

// Fitted on 2000–2007 of the built-in S&P 500, as a fold's training window would be.
const sp = sliceBars(loadBuiltinSp500(), 0, 2000);

/** Payrolls on the first Friday of each month (the usual BLS rule) and 8 'fomc' meetings a year, inside the bars' span. */
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

describe('event study on the S&P 500', () => {
  it('finds no response to surprises that are independent of the market: every slope within 4 SE of 0', () => {
    const rng = Rng.fromSeed('null-surprises');
    const calendar = syntheticCalendar(sp, () => rng.normal());
    const params = event.fit([sp], config(), { calendar });
    const rows = responseTable(params);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) expect(Math.abs(r.slope) / r.slopeSe!, r.group).toBeLessThan(4);
  });

  it('without surprises fits intercept and dispersion only (slope 0, no SE); small groups pool into their type', () => {
    const calendar = syntheticCalendar(sp, () => undefined);
    const params = event.fit([sp], config(), { calendar });
    const groups = params.assets[0].groups;
    // 'fomc' splits into high (January, July, October: 24 over 8 years) and medium (the other five a year: 39).
    expect(groups.map((g) => g.key)).toEqual(['fomc:high', 'fomc:medium', 'payrolls:high', 'fomc:*', 'payrolls:*', '*']);
    for (const g of groups) {
      expect(g.slope).toBe(0);
      expect(g.slopeSe).toBeNull();
      expect(g.nSurprise).toBe(0);
    }
    expect(params.surprises).toEqual([]);
    // With minEvents 40 the fomc importances are too small: they use fomc:*, which a 'low' event also uses.
    const pooled = event.fit([sp], config({ minEvents: 40 }), { calendar }).assets[0].groups;
    expect(pooled.map((g) => g.key)).toEqual(['payrolls:high', 'fomc:*', 'payrolls:*', '*']);
    expect(lookupGroup(pooled, 'fomc', 'medium')?.key).toBe('fomc:*');
    expect(lookupGroup(pooled, 'cpi', 'high')?.key).toBe('*');
    // With more than there are events, no group is fitted: events have no effect.
    expect(event.fit([sp], config({ minEvents: 1000 }), { calendar }).assets[0].groups).toEqual([]);
  });

  it('minTStat replaces estimates below it by their null value in the sampled response', () => {
    const rng = Rng.fromSeed('null-surprises');
    const calendar = syntheticCalendar(sp, () => rng.normal());
    const params = event.fit([sp], config({ minTStat: 2 }), { calendar });
    for (const g of params.assets[0].groups) {
      const t = Math.abs(g.slope) / g.slopeSe!;
      expect(g.response.slope).toBe(t >= 2 ? g.slope : 0);
      expect(g.response.preVarRatio).toBe(Math.abs(g.preVarRatio - 1) / g.preVarRatioSe! >= 2 ? g.preVarRatio : 1);
    }
    const dropped = responseTable(params).flatMap((r) => r.dropped);
    expect(dropped.length).toBeGreaterThan(0);
    // minTStat 0 samples every estimate as fitted.
    for (const g of event.fit([sp], config({ minTStat: 0 }), { calendar }).assets[0].groups) {
      expect([g.response.intercept, g.response.slope, g.response.jumpSd, g.response.volKappa, g.response.preDrift, g.response.preVarRatio]).toEqual([
        g.intercept,
        g.slope,
        g.jumpSd,
        g.volKappa,
        g.preDrift,
        g.preVarRatio,
      ]);
    }
  });
});

describe('no leakage: the fit reads the training window only', () => {
  const inside = syntheticCalendar(sp, (i) => Math.sin(i));
  const lastDay = Math.floor(sp.time[sp.length - 1] / DAY_MS) * DAY_MS;
  const firstDay = Math.floor(sp.time[0] / DAY_MS) * DAY_MS;
  const outside = [
    calEvent(lastDay + DAY_MS + 14 * 3_600_000, 'fomc', 'high', -9), // the day after the last bar (a Saturday here)
    calEvent(lastDay + 10 * DAY_MS, 'payrolls', 'high', 9),
    calEvent(lastDay + 400 * DAY_MS, 'fomc', 'high', 5),
    calEvent(firstDay - DAY_MS, 'payrolls', 'high', 7), // before the first bar: it would map to bar 0
  ];

  it('events after the last training bar (or before the first) give byte-identical params', () => {
    const a = event.fit([sp], config(), { calendar: inside });
    const b = event.fit([sp], config(), { calendar: [...outside, ...inside] });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.calendar).toHaveLength(inside.length);
  });

  it('eventsInSpan keeps the events whose UTC day is inside the bars (weekend and holiday events map to the next bar)', () => {
    const times = weekdayTimes(Date.UTC(2000, 0, 3), 10); // Mon 3 … Fri 14 January 2000
    const at = (d: number, h = 14): CalendarEvent => calEvent(Date.UTC(2000, 0, d, h), 'cpi', 'high');
    const kept = eventsInSpan([at(2), at(3, 0), at(8), at(14, 23), at(15), at(17)], times);
    expect(kept.map((k) => k.bar)).toEqual([0, 5, 9]); // Sat 8 → Mon 10 (bar 5); 2 and 15/17 are outside
  });

  it('an event scoped to another symbol does not reach the asset', () => {
    const other = inside.map((e) => ({ ...e, scope: ['NDX'] }));
    const params = event.fit([sp], config(), { calendar: other });
    expect(params.calendar).toEqual([]);
    expect(params.assets[0].groups).toEqual([]);
  });
});

describe('no calendar', () => {
  it("is the GARCH base: the base params are garch's fit, byte for byte", () => {
    const base = garch.fit([sp], garchConfigSchema.parse({ innovations: 't' }), {}).assets[0];
    for (const ctx of [{}, { calendar: [] }]) {
      const params: EventParams = event.fit([sp], config({ garch: garchConfigSchema.parse({ innovations: 't' }) }), ctx);
      expect(JSON.stringify(params.assets[0].base)).toBe(JSON.stringify(base));
      expect(params.assets[0].groups).toEqual([]);
      expect(params.calendar).toEqual([]);
    }
  });
});

describe('shockLags', () => {
  it('counts the lags whose excess κ·2^{−(j−1)/H} is at least 1e-3', () => {
    expect(shockLags({ volKappa: 1, halfLife: 3 })).toBe(30);
    expect(1 * 2 ** (-29 / 3)).toBeGreaterThanOrEqual(1e-3);
    expect(1 * 2 ** (-30 / 3)).toBeLessThan(1e-3);
    expect(shockLags({ volKappa: 0, halfLife: 3 })).toBe(0);
    expect(shockLags({ volKappa: 5, halfLife: 1000 })).toBe(250);
  });
});
