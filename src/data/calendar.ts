import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/**
 * Structured market events: what the event-driven generator is fitted on and samples from, and what
 * event-aware observations are built from (series carry their calendar as `Bars.events`, so it lives with
 * the data layer). One schema for every origin — calendars (FOMC decisions,
 * CPI, payrolls, earnings; CSV or ICS), news parsed by an {@link EventParser}, and user scenarios.
 *
 * Time: `time` is the release instant in epoch ms (UTC). On daily bars an event belongs to the first bar
 * whose date (UTC day) is on or after the event's day ({@link eventBarIndex}); its outcome (`actual`,
 * `surprise`, `sentiment`) is known from that bar's close on, never before. A scheduled event's existence
 * and importance are known in advance (`scheduled: true`); a news event's only at release.
 */

/** Built-in event types; any other lower-case id (e.g. `ecb`, `opec`) is allowed for user calendars. */
export const BUILTIN_EVENT_TYPES = ['fomc', 'cpi', 'payrolls', 'gdp', 'earnings', 'news'] as const;
export type EventType = string;

export const importanceSchema = z.enum(['low', 'medium', 'high']);
export type Importance = z.infer<typeof importanceSchema>;

export const calendarEventSchema = z.strictObject({
  id: z.string().min(1).describe('stable id: a hash of type, time, scope and source ref (see eventId)'),
  time: z.number().int().describe('release instant, epoch ms UTC'),
  type: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case id such as fomc, cpi, earnings').describe('event type'),
  scope: z.array(z.string().min(1)).min(1).describe("affected symbols, or ['market'] for market-wide events"),
  importance: importanceSchema.describe('low | medium | high'),
  scheduled: z.boolean().describe('known in advance (calendar releases) rather than only at release (news)'),
  actual: z.number().finite().optional().describe('released value, in the units of the series'),
  consensus: z.number().finite().optional().describe('expected value (consensus, or the documented expectation model)'),
  previous: z.number().finite().optional().describe('previous release'),
  surprise: z
    .number()
    .finite()
    .optional()
    .describe('standardised (actual − consensus) / typical dispersion; sign = good (+) or bad (−) for risk assets'),
  sentiment: z.number().min(-1).max(1).optional().describe('−1..1 when parsed from text'),
  magnitude: z.number().finite().optional().describe('a size parsed from text, e.g. 50 for "50 basis points"'),
  text: z.string().optional().describe('the headline or description the event came from'),
  source: z.strictObject({
    kind: z.enum(['calendar', 'news', 'scenario']),
    ref: z.string().describe('file, URL or builder the event came from'),
    parser: z.string().optional().describe('parser id (news)'),
  }),
});
export type CalendarEvent = z.infer<typeof calendarEventSchema>;

/** A dated piece of text from a news source. */
export const newsItemSchema = z.strictObject({
  id: z.string().min(1),
  time: z.number().int(),
  text: z.string().min(1),
  symbols: z.array(z.string()).default([]),
  source: z.string(),
});
export type NewsItem = z.infer<typeof newsItemSchema>;

/** Turns news into events. Deterministic parsers need no network; LLM parsers cache every answer. */
export interface EventParser {
  readonly id: string;
  parse(items: readonly NewsItem[]): Promise<CalendarEvent[]>;
}

/** A stable id from what identifies an event (not its outcome), so re-imports give the same ids. */
export function eventId(e: { type: string; time: number; scope: readonly string[]; source: { ref: string } }): string {
  return createHash('sha256').update(JSON.stringify([e.type, e.time, [...e.scope].sort(), e.source.ref])).digest('hex').slice(0, 16);
}

/**
 * Validates events (e.g. read from a file), sorts them by time then id, and rejects duplicate ids.
 * @throws ConfigError naming `key[i].field` for the first invalid event.
 */
export function parseCalendar(input: unknown, key = 'calendar'): CalendarEvent[] {
  if (!Array.isArray(input)) throw new ConfigError(key, 'must be an array of events');
  const out: CalendarEvent[] = [];
  input.forEach((raw, i) => {
    const r = calendarEventSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new ConfigError(`${key}[${i}]${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}`, issue.message);
    }
    out.push(r.data);
  });
  return sortEvents(out, key);
}

/** Sorted by time, then id; duplicate ids are an error. */
export function sortEvents(events: readonly CalendarEvent[], key = 'calendar'): CalendarEvent[] {
  const sorted = [...events].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].id === sorted[i - 1].id) throw new ConfigError(key, `duplicate event id ${sorted[i].id}`);
  }
  return sorted;
}

const DAY_MS = 86_400_000;

/**
 * The index of the bar an event belongs to: the first bar whose UTC day is on or after the event's UTC day,
 * or -1 when the event falls after the last bar. `barTimes` is strictly increasing epoch ms.
 */
export function eventBarIndex(barTimes: ArrayLike<number>, eventTime: number): number {
  const day = Math.floor(eventTime / DAY_MS);
  let [lo, hi] = [0, barTimes.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.floor(barTimes[mid] / DAY_MS) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo < barTimes.length ? lo : -1;
}

/** Events whose bar falls inside [start, end) of these bars (e.g. a fold's training window). */
export function eventsWithin(events: readonly CalendarEvent[], barTimes: ArrayLike<number>, start: number, end: number): CalendarEvent[] {
  return events.filter((e) => {
    const k = eventBarIndex(barTimes, e.time);
    return k >= start && k < end;
  });
}

/** Whether an event concerns `symbol` (its scope names it, or it is market-wide). */
export function affects(e: CalendarEvent, symbol: string): boolean {
  return e.scope.includes('market') || e.scope.includes(symbol);
}
