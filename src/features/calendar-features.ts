import { ConfigError } from '../core/errors.js';
import type { Bars } from '../data/bars.js';
import { affects, eventBarIndex } from '../data/calendar.js';
import type { CalendarEvent, Importance } from '../data/calendar.js';
import { calendarFeaturesSchema } from './config.js';
import type { CalendarFeaturesConfig, CalendarFeaturesInput } from './config.js';
import type { FeatureSource } from './feature-source.js';

/**
 * Point-in-time calendar features: what an agent at the close of bar t can know about market events, built
 * from the series' own calendar `bars.events` — the real calendar attached to real bars, or the events a
 * generator drew for a synthetic path (its labels) — so real and synthetic episodes are described alike.
 *
 * Per configured event type k, in `config.types` order, columns (names `calendar/<k>/…`):
 * - `next` — proximity of the next **scheduled** event of type k on a bar strictly after t:
 *   `(horizon + 1 − d) / horizon` for d = its bar − t in 1..horizon (1 = on the next bar, 1/horizon = d is the
 *   horizon), 0 when there is none within the horizon. An event on bar t itself is already released at t's
 *   close, so it counts as an outcome, not as upcoming.
 * - `importance` (when `config.importance`) — that event's importance: low 0, medium 0.5, high 1 (the
 *   highest when several share its bar); 0 when none within the horizon (read with `next` to tell a low event
 *   from none).
 * - `surprise` — the outcome of the last released event of type k (scheduled or not) on a bar b ≤ t:
 *   its `surprise`, else its `sentiment`, else 0, clipped to ±{@link SURPRISE_CLIP}, times
 *   0.5^((t − b)/halfLife); 0 before the first such event. When several share the latest bar, the last by
 *   (time, id) counts.
 *
 * Visibility (src/data/calendar.ts, DESIGN.md §5): an event belongs to bar {@link eventBarIndex}; its outcome
 * is visible from that bar's close on. A scheduled event's existence, bar and importance are visible in
 * advance (through `next`/`importance`, never its outcome); an unscheduled event (`scheduled: false`, news)
 * only from its bar, through `surprise`. Row t therefore reads the outcomes of events on bars ≤ t and the
 * schedule of later scheduled events only.
 *
 * Which events count: those of a configured type that concern the series (`affects(e, bars.symbol)`: scope
 * `market` or the symbol) and fall on a bar of `bars` (events after the last bar are unknown to it; events
 * before the first bar belong to bar 0). A `Bars` without `events` gives all zeros — the same as a calendar
 * with no events of these types. A slice (`sliceBars`) keeps only its own events, so near a slice's end a
 * scheduled event beyond it is not shown, and near its start an earlier surprise is not carried in.
 *
 * Scale: every column is in [0, 1] or [−5, 5] by construction, so the pipeline never normalises them.
 *
 * @example
 * const cal = calendarFeatures({ types: ['fomc', 'cpi'], horizon: 20 });
 * cal.names;            // ['calendar/fomc/next', 'calendar/fomc/importance', 'calendar/fomc/surprise', 'calendar/cpi/…']
 * const m = cal.rows(bars);  // Float32Array [bars.length × 6], cached per Bars object
 */
export interface CalendarFeatureSource extends FeatureSource {
  readonly config: CalendarFeaturesConfig;
  /** Calendar columns need no warm-up: all 0. */
  readonly warmup: readonly number[];
}

/** Surprises (and sentiments) are clipped to ± this many typical dispersions. */
export const SURPRISE_CLIP = 5;

/** The value of each importance in the `importance` column. */
export const IMPORTANCE_VALUE: Readonly<Record<Importance, number>> = Object.freeze({ low: 0, medium: 0.5, high: 1 });

/**
 * Validates a calendar-features config and applies its defaults.
 *
 * @throws ConfigError with the key path (`features.calendar.types`) of the first invalid value.
 * @example
 * parseCalendarFeaturesConfig({}).types; // ['fomc', 'cpi', 'payrolls', 'gdp', 'earnings', 'news']
 */
export function parseCalendarFeaturesConfig(input: unknown, key = 'features.calendar'): CalendarFeaturesConfig {
  const parsed = calendarFeaturesSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError([key, ...issue.path.map(String)].join('.'), issue.message);
}

/**
 * Column names, in column order: per type, `calendar/<type>/next`, `calendar/<type>/importance` (when
 * `config.importance`), `calendar/<type>/surprise`.
 *
 * @example
 * calendarFeatureNames({ types: ['cpi'], horizon: 20, halfLife: 5, importance: false }); // ['calendar/cpi/next', 'calendar/cpi/surprise']
 */
export function calendarFeatureNames(config: CalendarFeaturesConfig): string[] {
  return config.types.flatMap((k) =>
    config.importance ? [`calendar/${k}/next`, `calendar/${k}/importance`, `calendar/${k}/surprise`] : [`calendar/${k}/next`, `calendar/${k}/surprise`],
  );
}

/**
 * Writes the calendar columns of every bar into a row-major matrix: row t's columns go to
 * `out[t·stride + offset …]` (see {@link CalendarFeatureSource} for their definitions). O(events + bars·types).
 *
 * @example
 * const out = new Float32Array(bars.length * 9);
 * writeCalendarFeatures(config, bars, out, 9, 0);
 */
export function writeCalendarFeatures(config: CalendarFeaturesConfig, bars: Bars, out: Float32Array, stride: number, offset: number): void {
  const n = bars.length;
  const { types, horizon, halfLife, importance } = config;
  const perType = importance ? 3 : 2;
  const buckets = eventsByType(config, bars);
  const scheduled = new Float64Array(n); // highest importance of the scheduled events on each bar, −1 for none
  const outcome = new Float64Array(n); // the last outcome released on each bar
  const released = new Uint8Array(n); // 1 where an event of the type falls on the bar
  for (let k = 0; k < types.length; k++) {
    scheduled.fill(-1);
    released.fill(0);
    for (const { bar, event } of buckets[k]) {
      if (event.scheduled) scheduled[bar] = Math.max(scheduled[bar], IMPORTANCE_VALUE[event.importance] ?? 0);
      outcome[bar] = outcomeOf(event);
      released[bar] = 1;
    }
    const col = offset + k * perType;
    // Upcoming: walk backwards, so `next` is the nearest scheduled bar strictly after t.
    let next = -1;
    let nextImportance = 0;
    for (let t = n - 1; t >= 0; t--) {
      const d = next - t;
      const within = next >= 0 && d <= horizon;
      const row = t * stride + col;
      out[row] = within ? (horizon + 1 - d) / horizon : 0;
      if (importance) out[row + 1] = within ? nextImportance : 0;
      if (scheduled[t] >= 0) {
        next = t;
        nextImportance = scheduled[t];
      }
    }
    // Released: walk forwards, so the surprise at t comes from bars ≤ t only.
    const surpriseCol = col + perType - 1;
    let last = -1;
    let value = 0;
    for (let t = 0; t < n; t++) {
      if (released[t] === 1) {
        last = t;
        value = outcome[t];
      }
      out[t * stride + surpriseCol] = last < 0 ? 0 : value * Math.pow(0.5, (t - last) / halfLife);
    }
  }
}

/**
 * A {@link CalendarFeatureSource}: the calendar columns alone, needing no fitting (nothing is estimated from
 * data), with the matrix cached per `Bars` object (a Bars' `events` must not be mutated after its first use).
 *
 * @throws ConfigError (path `features.calendar…`) when `config` is invalid.
 * @example
 * const env = new TradingEnv({ features: { calendar: {} } }, source, { features: calendarFeatures({}) });
 */
export function calendarFeatures(config: CalendarFeaturesInput | CalendarFeaturesConfig): CalendarFeatureSource {
  return new CalendarColumns(parseCalendarFeaturesConfig(config));
}

class CalendarColumns implements CalendarFeatureSource {
  readonly dim: number;
  readonly names: readonly string[];
  readonly warmup: readonly number[];
  private readonly cache = new WeakMap<Bars, Float32Array>();

  constructor(readonly config: CalendarFeaturesConfig) {
    this.names = Object.freeze(calendarFeatureNames(config));
    this.dim = this.names.length;
    this.warmup = Object.freeze(this.names.map(() => 0));
  }

  rows(bars: Bars): Float32Array {
    let out = this.cache.get(bars);
    if (out === undefined) {
      out = new Float32Array(bars.length * this.dim);
      writeCalendarFeatures(this.config, bars, out, this.dim, 0);
      this.cache.set(bars, out);
    }
    return out;
  }
}

/** Per configured type, the events that count for `bars` with their bar index, sorted by (time, id). */
function eventsByType(config: CalendarFeaturesConfig, bars: Bars): { bar: number; event: CalendarEvent }[][] {
  const buckets: { bar: number; event: CalendarEvent }[][] = config.types.map(() => []);
  const events = bars.events;
  if (events === undefined || events.length === 0 || bars.length === 0) return buckets;
  const index = new Map(config.types.map((k, i) => [k, i]));
  for (const event of events) {
    const k = index.get(event.type);
    if (k === undefined || !affects(event, bars.symbol)) continue;
    const bar = eventBarIndex(bars.time, event.time);
    if (bar >= 0) buckets[k].push({ bar, event });
  }
  for (const b of buckets) b.sort((x, y) => x.event.time - y.event.time || (x.event.id < y.event.id ? -1 : x.event.id > y.event.id ? 1 : 0));
  return buckets;
}

/** Surprise, else sentiment, else 0; clipped to ±SURPRISE_CLIP (a non-finite value counts as missing). */
function outcomeOf(event: CalendarEvent): number {
  const x = Number.isFinite(event.surprise) ? (event.surprise as number) : Number.isFinite(event.sentiment) ? (event.sentiment as number) : 0;
  return x > SURPRISE_CLIP ? SURPRISE_CLIP : x < -SURPRISE_CLIP ? -SURPRISE_CLIP : x;
}
