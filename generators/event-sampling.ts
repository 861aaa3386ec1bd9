import { z } from 'zod';
import { parseConfig } from '../src/core/config.js';
import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { eventId, importanceSchema } from '../src/data/calendar.js';
import type { CalendarEvent, Importance } from '../src/data/calendar.js';
import { lookupGroup, shockLags } from './event-study.js';
import type { EventAssetParams, EventResponse, EventTerms, MeasuredEvent, StudySettings } from './event-study.js';
import { checkGarchAssetParams, standardT, unconditionalVariance } from './garch-sampling.js';
import { writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Sampling of the `event` generator (model in ./event.ts): the event schedule of a path (which events, at
 * which bars, with which surprises), the per-bar effects it has on one asset, the OHLCV path and the
 * returns-only stream, and the checks applied to params loaded from JSON.
 *
 * A path's schedule draws from its own stream, `rng.fork('events-<u>')` with u one 32-bit draw of the path's
 * rng taken before the path's first bar (only when the params have events to place), so the schedule's draws
 * never shift the bars' draws. The schedule is built a cycle at a time, as far ahead as the bars need it, so a
 * return stream of any length holds only the events near its current bar.
 */

/** Event types, as in the calendar schema. */
const typeSchema = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case id such as fomc, cpi, earnings');

/** A user event of a scenario, placed relative to the path start. */
export const scenarioEventSchema = z.strictObject({
  offset: z.number().int().min(0).describe('bar index of the event, counted from the first bar of the path (0 = the first bar)'),
  type: typeSchema.describe('event type (fomc, cpi, payrolls, …); its fitted response is that of the type, or of all events for a type the fit never saw'),
  importance: importanceSchema.default('high').describe('low | medium | high; picks the fitted type:importance group when there is one'),
  surprise: z.number().finite().optional().describe("standardised surprise (negative = bad for risk assets); omitted = drawn from the type's fitted surprise law"),
  scope: z.array(z.string().min(1)).min(1).default(['market']).describe("symbols the event affects, or ['market'] for every asset"),
});
export type ScenarioEvent = z.infer<typeof scenarioEventSchema>;

/** The sample-time settings, fixed at fit time into `params.sampling` (edit them there to sample differently). */
export const eventSamplingSchema = z.strictObject({
  calendar: z
    .enum(['historical', 'resampled', 'none'])
    .default('historical')
    .describe(
      "which events a path has: 'historical' = the training calendar's events at their bar offsets from the training start, repeated every training-window length when the path is longer; 'resampled' = a new event set per path (see bootstrap); 'none' = no calendar events (scenario events only)",
    ),
  bootstrap: z
    .enum(['year', 'frequency'])
    .default('year')
    .describe(
      "how calendar 'resampled' draws the event set: 'year' = each blockLength-bar block of the path copies the events of a uniformly drawn full block of the training calendar (with replacement), at the same offsets in the block; 'frequency' = per type:importance, a Poisson number of events per block with the training frequency, at uniform bars, each copying a uniformly drawn training event of that group",
    ),
  blockLength: z.number().int().min(5).default(252).describe("bars per block of the 'resampled' calendar (252 = a trading year)"),
  randomize: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe(
      "outcome randomisation: each calendar event independently gets a surprise drawn from its type's fitted law with this probability, else keeps its historical surprise (a mixture, not a blend, so every outcome is a real or a fitted one); 0 = historical outcomes, 1 = all drawn; events without a historical surprise are always drawn",
    ),
  surpriseLaw: z
    .enum(['empirical', 'normal'])
    .default('empirical')
    .describe("the fitted surprise law of a type: 'empirical' = a uniformly drawn training surprise of the type; 'normal' = N(mean, sd²) of them"),
  jitter: z.number().int().min(0).max(63).default(0).describe('timing jitter of calendar events: each moves by a uniform whole number of bars in [−jitter, jitter] (scenario events never move); events moved before the first bar are dropped'),
  scenario: z
    .array(scenarioEventSchema)
    .default([])
    .describe('user events added to every path at fixed offsets, e.g. [{ offset: 120, type: "fomc", surprise: -2.5 }]; a given surprise is always kept'),
});
export type EventSampling = z.infer<typeof eventSamplingSchema>;

/** One training-calendar event, placed by its bar offset from the training start (plain JSON). */
export interface HistoricalEvent {
  /** Bar index in the training window (0 = first training bar). */
  readonly offset: number;
  readonly type: string;
  readonly importance: Importance;
  readonly scope: readonly string[];
  readonly scheduled: boolean;
  /** The historical surprise; null when the calendar had none. */
  readonly surprise: number | null;
}

/** A fitted surprise law: a type's training surprises (`type: '*'` pools every type's). */
export interface SurpriseLaw {
  readonly type: string;
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  readonly sd: number;
  /** The surprises, in calendar order. */
  readonly values: readonly number[];
}

/** What the samplers read from the `event` params. */
export interface EventSampleParams {
  readonly assets: readonly EventAssetParams[];
  readonly calendar: readonly HistoricalEvent[];
  readonly trainLength: number;
  readonly surprises: readonly SurpriseLaw[];
  /** The study's settings; the sampler reads `preWindow` (the bars before an event that get its pre-event drift and variance). */
  readonly study: StudySettings;
  readonly sampling: EventSampling;
}

const historicalSchema = z.object({
  offset: z.number().int().min(0),
  type: typeSchema,
  importance: importanceSchema,
  scope: z.array(z.string().min(1)).min(1),
  scheduled: z.boolean(),
  surprise: z.number().finite().nullable(),
});
const lawSchema = z.object({ type: z.string(), n: z.number().int().min(1), mean: z.number().finite(), sd: z.number().min(0).finite(), values: z.array(z.number().finite()).min(1) });
const responseSchema = z.object({
  intercept: z.number().finite(),
  slope: z.number().finite(),
  jumpSd: z.number().min(0).finite(),
  overnightShare: z.number().min(0).max(1),
  volKappa: z.number().min(0).finite(),
  halfLife: z.number().positive().finite(),
  preDrift: z.number().finite(),
  preVarRatio: z.number().positive().finite(),
});

/**
 * Validates params (e.g. loaded from JSON) before sampling and returns the parsed sampling settings.
 *
 * @throws ConfigError naming the first bad field (`params.assets`, `params.assets[0].groups[1].response.volKappa`, `params.sampling.randomize`, …).
 * @example
 * const sampling = checkEventParams(params);
 */
export function checkEventParams(params: EventSampleParams): EventSampling {
  if (!(params.assets?.length > 0)) throw new ConfigError('params.assets', 'needs at least one asset');
  params.assets.forEach((a, i) => {
    checkGarchAssetParams(a.base, i);
    a.groups.forEach((g, k) => parseConfig(responseSchema, g.response, `params.assets[${i}].groups[${k}].response`));
  });
  const pre = params.study?.preWindow;
  if (!(Number.isInteger(pre) && pre >= 0)) throw new ConfigError('params.study.preWindow', `must be an integer ≥ 0, got ${pre}`);
  if (!(Number.isInteger(params.trainLength) && params.trainLength >= 1)) throw new ConfigError('params.trainLength', `must be an integer ≥ 1, got ${params.trainLength}`);
  params.calendar.forEach((e, i) => {
    parseConfig(historicalSchema, e, `params.calendar[${i}]`);
    if (e.offset >= params.trainLength) throw new ConfigError(`params.calendar[${i}].offset`, `must be below trainLength ${params.trainLength}, got ${e.offset}`);
  });
  params.surprises.forEach((l, i) => parseConfig(lawSchema, l, `params.surprises[${i}]`));
  return parseConfig(eventSamplingSchema, params.sampling, 'params.sampling');
}

/** Whether a path has events to place (else the samplers are the GARCH base's, draw for draw). */
export function hasEventSource(params: EventSampleParams, sampling: EventSampling): boolean {
  return (sampling.calendar !== 'none' && params.calendar.length > 0) || sampling.scenario.length > 0;
}

// ---------------------------------------------------------------------------------------------------
// The schedule

/** An event of a sampled path. `ord` numbers the path's events in the order they were drawn. */
export interface ScheduledEvent {
  readonly bar: number;
  readonly ord: number;
  readonly type: string;
  readonly importance: Importance;
  readonly scope: readonly string[];
  readonly scheduled: boolean;
  readonly surprise: number | undefined;
  readonly kind: 'calendar' | 'scenario';
}

/**
 * The events of one path, drawn a cycle at a time: `ensure(T)` makes every event with bar ≤ T known, in
 * `events` sorted by (bar, ord). A cycle is the training window ('historical') or one block ('resampled').
 * Per calendar event, in order: the jitter (one `int`, when jitter > 0), then the outcome (one `uniform` when
 * 0 < randomize < 1 and the event has a historical surprise, then one draw of the law when it is drawn).
 * Scenario events are placed first (ord 0, 1, …), drawing a surprise only when none is given.
 */
/** Where a cursor reads events: `events` sorted by (bar, ord), complete up to the last `ensure`d bar. */
export interface EventSource {
  readonly events: ScheduledEvent[];
  ensure(T: number): void;
}

export class EventSchedule implements EventSource {
  readonly events: ScheduledEvent[] = [];
  private pending: ScheduledEvent[] = [];
  private cycle = 0;
  private known = -1;
  private ord = 0;
  private readonly cycleLength: number;
  private readonly blocks: readonly (readonly HistoricalEvent[])[] = [];
  private readonly groups: readonly { readonly events: readonly HistoricalEvent[]; readonly perCycle: number }[] = [];
  private readonly laws = new Map<string, SurpriseLaw>();

  constructor(
    private readonly params: EventSampleParams,
    private readonly sampling: EventSampling,
    private readonly rng: Rng,
  ) {
    for (const law of params.surprises) this.laws.set(law.type, law);
    const { calendar, trainLength } = params;
    const B = sampling.blockLength;
    if (sampling.calendar === 'historical' || sampling.bootstrap === 'year') {
      const full = Math.floor(trainLength / B);
      this.cycleLength = sampling.calendar === 'historical' || full === 0 ? trainLength : B;
      if (sampling.calendar === 'resampled') {
        const n = full === 0 ? 1 : full;
        this.blocks = Array.from({ length: n }, (_, b) => calendar.filter((e) => e.offset >= b * this.cycleLength && e.offset < (b + 1) * this.cycleLength));
      }
    } else {
      this.cycleLength = B;
      const byKey = new Map<string, HistoricalEvent[]>();
      for (const e of calendar) byKey.set(`${e.type}:${e.importance}`, [...(byKey.get(`${e.type}:${e.importance}`) ?? []), e]);
      this.groups = [...byKey.keys()].sort().map((k) => ({ events: byKey.get(k)!, perCycle: (byKey.get(k)!.length * B) / trainLength }));
    }
    for (const s of sampling.scenario) {
      const surprise = s.surprise ?? this.draw(s.type);
      this.pending.push({ bar: s.offset, ord: this.ord++, type: s.type, importance: s.importance, scope: s.scope, scheduled: true, surprise, kind: 'scenario' });
    }
  }

  /** Makes every event with bar ≤ T known (appended to `events`). */
  ensure(T: number): void {
    if (T <= this.known) return;
    let horizon = Infinity;
    if (this.sampling.calendar !== 'none' && this.params.calendar.length > 0) {
      const C = this.cycleLength;
      const J = this.sampling.jitter;
      while (this.cycle * C - J <= T) this.generate(this.cycle++);
      horizon = this.cycle * C - J - 1; // the next cycle's events all land after this bar
    }
    this.pending.sort((a, b) => a.bar - b.bar || a.ord - b.ord);
    let i = 0;
    while (i < this.pending.length && this.pending[i].bar <= horizon) this.events.push(this.pending[i++]);
    this.pending = this.pending.slice(i);
    this.known = horizon;
  }

  private generate(c: number): void {
    const C = this.cycleLength;
    if (this.sampling.calendar === 'historical') {
      for (const e of this.params.calendar) this.place(c * C + e.offset, e);
    } else if (this.sampling.bootstrap === 'year') {
      const b = this.rng.int(this.blocks.length);
      for (const e of this.blocks[b]) this.place(c * C + e.offset - b * C, e);
    } else {
      for (const g of this.groups) {
        const count = poisson(this.rng, g.perCycle);
        for (let i = 0; i < count; i++) {
          const at = this.rng.int(C);
          this.place(c * C + at, g.events[this.rng.int(g.events.length)]);
        }
      }
    }
  }

  private place(at: number, e: HistoricalEvent): void {
    const J = this.sampling.jitter;
    const bar = J > 0 ? at + this.rng.int(2 * J + 1) - J : at;
    const surprise = this.outcome(e);
    if (bar < 0) return;
    this.pending.push({ bar, ord: this.ord++, type: e.type, importance: e.importance, scope: e.scope, scheduled: e.scheduled, surprise, kind: 'calendar' });
  }

  private outcome(e: HistoricalEvent): number | undefined {
    const r = this.sampling.randomize;
    if (e.surprise === null) return this.draw(e.type);
    if (r <= 0) return e.surprise;
    if (r >= 1 || this.rng.uniform() < r) return this.draw(e.type);
    return e.surprise;
  }

  /** A surprise from the type's law, else the pooled law; undefined when the fit saw no surprise at all. */
  private draw(type: string): number | undefined {
    const law = this.laws.get(type) ?? this.laws.get('*');
    if (!law) return undefined;
    if (this.sampling.surpriseLaw === 'normal') return law.mean + law.sd * this.rng.normal();
    return law.values[this.rng.int(law.values.length)];
  }
}

/** Poisson(λ) by Knuth's product of uniforms, in pieces of mean ≤ 30 (e^{−λ} stays far from underflow). */
function poisson(rng: Rng, lambda: number): number {
  let total = 0;
  const pieces = Math.max(1, Math.ceil(lambda / 30));
  const limit = Math.exp(-lambda / pieces);
  for (let i = 0; i < pieces; i++) {
    let p = rng.uniform();
    while (p > limit) {
      total++;
      p *= rng.uniform();
    }
  }
  return total;
}

/**
 * The labels of a sampled path: the schedule's events on bars [0, length), as CalendarEvents at the bars'
 * times, with the drawn surprise. id = eventId over type, time, scope and `event-generator/<ord>` (unique in
 * the path); source `{ kind: 'calendar' | 'scenario', ref: 'event-generator' }`.
 *
 * @example
 * const labels = scheduleLabels(schedule.events, bars.time);
 */
export function scheduleLabels(events: readonly ScheduledEvent[], time: Float64Array): CalendarEvent[] {
  const out: CalendarEvent[] = [];
  for (const ev of events) {
    if (ev.bar >= time.length) continue;
    const t = time[ev.bar];
    out.push({
      id: eventId({ type: ev.type, time: t, scope: ev.scope, source: { ref: `event-generator/${ev.ord}` } }),
      time: t,
      type: ev.type,
      scope: [...ev.scope],
      importance: ev.importance,
      scheduled: ev.scheduled,
      ...(ev.surprise === undefined ? {} : { surprise: ev.surprise }),
      source: { kind: ev.kind, ref: 'event-generator' },
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Per-bar effects on one asset

/** The variance multiplier never falls below this (several pre-event ratios < 1 could otherwise cancel it). */
const MIN_MULTIPLIER = 0.1;

interface Resolved {
  readonly r: EventResponse;
  readonly lags: number;
}

/**
 * Reads a schedule bar by bar for one asset: after `at(t)`, `drift` (percent added to the mean), `mult` (the
 * variance multiplier 1 + Σ excess, floored at 0.1) and the jumps of the events on bar t (mean, sd, overnight
 * share). Events outside the asset's scope, or with no fitted group, have no effect.
 */
export class EventCursor {
  drift = 0;
  mult = 1;
  jumps = 0;
  readonly jumpMean: number[] = [];
  readonly jumpSd: number[] = [];
  readonly jumpShare: number[] = [];
  private head = 0;
  private readonly pre: number;
  private readonly maxLag: number;
  private readonly cache = new Map<string, Resolved | null>();

  /** @param compact drop consumed events from the schedule (a stream's own schedule only). */
  constructor(
    private readonly schedule: EventSource,
    private readonly asset: Pick<EventAssetParams, 'symbol' | 'groups'>,
    preWindow: number,
    private readonly compact = false,
  ) {
    this.pre = preWindow;
    this.maxLag = Math.max(0, ...asset.groups.map((g) => shockLags(g.response)));
  }

  at(t: number): void {
    const { schedule } = this;
    schedule.ensure(t + this.pre);
    const events = schedule.events;
    while (this.head < events.length && events[this.head].bar + this.maxLag < t) this.head++;
    if (this.compact && this.head > 1024) {
      events.splice(0, this.head);
      this.head = 0;
    }
    let drift = 0;
    let excess = 0;
    this.jumps = 0;
    for (let i = this.head; i < events.length && events[i].bar <= t + this.pre; i++) {
      const ev = events[i];
      const res = this.resolve(ev);
      if (res === null) continue;
      const d = ev.bar - t;
      if (d > 0) {
        drift += res.r.preDrift;
        excess += res.r.preVarRatio - 1;
      } else if (d === 0) {
        this.jumpMean[this.jumps] = res.r.intercept + res.r.slope * (ev.surprise ?? 0);
        this.jumpSd[this.jumps] = res.r.jumpSd;
        this.jumpShare[this.jumps] = res.r.overnightShare;
        this.jumps++;
      } else if (-d <= res.lags) {
        excess += res.r.volKappa * Math.pow(2, (d + 1) / res.r.halfLife);
      }
    }
    this.drift = drift;
    this.mult = Math.max(MIN_MULTIPLIER, 1 + excess);
  }

  private resolve(ev: ScheduledEvent): Resolved | null {
    if (!(ev.scope.includes('market') || ev.scope.includes(this.asset.symbol))) return null;
    const key = `${ev.type}:${ev.importance}`;
    let res = this.cache.get(key);
    if (res === undefined) {
      const g = lookupGroup(this.asset.groups, ev.type, ev.importance);
      res = g ? { r: g.response, lags: shockLags(g.response) } : null;
      this.cache.set(key, res);
    }
    return res;
  }
}

/**
 * The sampler's event terms on the training bars, per bar t ≥ 1 (index = bar; bar 0 is left at c = 0, m = 1,
 * v = 0): the mean shift c_t (pre-event drift plus the jumps' means, percent), the variance multiplier m_t and
 * the jumps' variance v_t (percent²), from the asset's fitted groups, exactly as {@link EventCursor} applies
 * them to a sampled path. The GARCH base is fitted against these (./event.ts).
 *
 * @example
 * const { c, m, v } = eventTerms(bars.length, measured, { symbol: 'SPX', groups }, 3);
 */
export function eventTerms(n: number, events: readonly MeasuredEvent[], asset: Pick<EventAssetParams, 'symbol' | 'groups'>, preWindow: number): EventTerms {
  const sorted: ScheduledEvent[] = events
    .map((ev, ord) => ({ bar: ev.bar, ord, type: ev.type, importance: ev.importance, scope: ['market'], scheduled: true, surprise: ev.surprise, kind: 'calendar' as const }))
    .sort((a, b) => a.bar - b.bar || a.ord - b.ord);
  const cursor = new EventCursor({ events: sorted, ensure: () => undefined }, asset, preWindow);
  const c = new Float64Array(n);
  const m = new Float64Array(n).fill(1);
  const v = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    cursor.at(t);
    let jm = 0;
    let jv = 0;
    for (let k = 0; k < cursor.jumps; k++) {
      jm += cursor.jumpMean[k];
      jv += cursor.jumpSd[k] * cursor.jumpSd[k];
    }
    c[t] = cursor.drift + jm;
    m[t] = cursor.mult;
    v[t] = jv;
  }
  return { c, m, v };
}

// ---------------------------------------------------------------------------------------------------
// Paths

/**
 * Fills `out` (time column set) with one path of one asset. Per bar t, with h_t the GARCH variance, m_t and δ_t
 * the cursor's multiplier and drift and J = Σ (mean + sd·ε) the bar's event jumps (percent):
 *
 *     y_t = μ + δ_t + sqrt(h_t·m_t)·z_t + J,   ê_t = sqrt(h_t)·z_t,   h_{t+1} = ω + (α + γ·[ê_t < 0])·ê²_t + β·h_t
 *
 * so the base GARCH never sees the events (the fit's filter reads the same base innovations). The diffusion splits overnight and
 * intraday as in `garch` (the base's overnight share), each jump by its group's share; high and low are
 * Brownian extremes of the intraday leg, variance h·m·(1 − s) plus the jumps' intraday variance; volume is
 * the base's lognormal law at the effective variance h·m + Σ sd². Draws per bar: z (one normal, or one
 * Student-t draw), one normal u for the split, one normal ε per event on the bar, one normal for volume (when
 * the asset has volume), the high's and the low's uniforms.
 *
 * @example
 * sampleEventPath(params.assets[0], new EventCursor(schedule, params.assets[0], 3), rng, allocBars('SPX', 252));
 */
export function sampleEventPath(a: EventAssetParams, cursor: EventCursor, rng: Rng, out: Bars): void {
  const b = a.base;
  const s = b.overnightShare;
  const rs = Math.sqrt(s);
  const rc = Math.sqrt(1 - s);
  const { mu, omega, alpha, beta } = b;
  const alphaNeg = alpha + b.gamma;
  const hBar = unconditionalVariance(b);
  const nu = b.nu ?? 0;
  const tDist = b.innovations === 't';
  const vol = b.volume;
  let h = b.initialVariance === 'last' ? b.lastVariance : hBar;
  let prev = b.initialPrice;
  for (let t = 0; t < out.length; t++) {
    cursor.at(t);
    const z = tDist ? standardT(rng, nu) : rng.normal();
    const u = rng.normal();
    let jOn = 0;
    let jId = 0;
    let jVar = 0;
    let jVarId = 0;
    for (let k = 0; k < cursor.jumps; k++) {
      const j = cursor.jumpMean[k] + cursor.jumpSd[k] * rng.normal();
      const share = cursor.jumpShare[k];
      const v = cursor.jumpSd[k] * cursor.jumpSd[k];
      jOn += share * j;
      jId += (1 - share) * j;
      jVar += v;
      jVarId += (1 - share) * v;
    }
    const hm = h * cursor.mult;
    const sd = Math.sqrt(hm);
    const m = mu + cursor.drift;
    const rOn = 0.01 * (m * s + sd * rs * (rs * z + rc * u) + jOn);
    const rId = 0.01 * (m * (1 - s) + sd * rc * (rc * z - rs * u) + jId);
    const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.elasticity * 0.5 * Math.log((hm + jVar) / hBar) + vol.logStd * rng.normal());
    prev = writeBrownianBar(out, t, prev, rOn, rId, 1e-4 * (hm * (1 - s) + jVarId), volume, rng);
    const e = Math.sqrt(h) * z;
    h = omega + (e < 0 ? alphaNeg : alpha) * e * e + beta * h;
  }
}

/**
 * Asset 0's close-to-close log returns as a stream with the law of {@link sampleEventPath}'s closes: per bar,
 * z (one normal or one Student-t draw), then one normal ε per event on the bar. The path's schedule is
 * forked from `rng` at the first non-empty `next`, so opening a stream draws nothing.
 *
 * @example
 * const stream = eventReturnStream(params, checkEventParams(params), Rng.fromSeed(1)); stream.next(chunk);
 */
export function eventReturnStream(params: EventSampleParams, sampling: EventSampling, rng: Rng): RangeReturnStream {
  return new EventReturnStream(params, sampling, rng);
}

class EventReturnStream implements RangeReturnStream {
  private cursor: EventCursor | null = null;
  private t = 0;
  private h: number;
  private readonly a: EventAssetParams;

  constructor(
    private readonly params: EventSampleParams,
    private readonly sampling: EventSampling,
    private readonly rng: Rng,
  ) {
    this.a = params.assets[0];
    const b = this.a.base;
    this.h = b.initialVariance === 'last' ? b.lastVariance : unconditionalVariance(b);
  }

  next(out: Float64Array): void {
    this.nextInto(out, 0, out.length);
  }

  nextInto(out: Float64Array, from: number, to: number): void {
    if (from >= to) return;
    const { rng } = this;
    this.cursor ??= new EventCursor(new EventSchedule(this.params, this.sampling, rng.fork(`events-${rng.nextUint32()}`)), this.a, this.params.study.preWindow, true);
    const cursor = this.cursor;
    const b = this.a.base;
    const { mu, omega, alpha, beta } = b;
    const alphaNeg = alpha + b.gamma;
    const nu = b.innovations === 't' ? (b.nu ?? 0) : 0;
    let h = this.h;
    let t = this.t;
    for (let i = from; i < to; i++, t++) {
      cursor.at(t);
      const z = nu > 0 ? standardT(rng, nu) : rng.normal();
      let jump = 0;
      for (let k = 0; k < cursor.jumps; k++) jump += cursor.jumpMean[k] + cursor.jumpSd[k] * rng.normal();
      const e = Math.sqrt(h) * z;
      out[i] = 0.01 * (mu + cursor.drift + Math.sqrt(h * cursor.mult) * z + jump);
      h = omega + (e < 0 ? alphaNeg : alpha) * e * e + beta * h;
    }
    this.h = h;
    this.t = t;
  }
}
