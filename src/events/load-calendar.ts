import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { canonicalJson } from '../core/canonical-json.js';
import { ConfigError, DataError } from '../core/errors.js';
import { sortEvents } from '../data/calendar.js';
import type { CalendarEvent } from '../data/calendar.js';
import { builtinCalendar } from './builtin-calendar.js';
import { buildRawCalendars } from './raw-calendars.js';
import { parseCalendarCsv, parseCalendarJsonArray, parseCalendarJsonl, readText } from './calendar-files.js';
import { parseIcs } from './ics.js';

/** `'builtin'`, one calendar file, or several (each may also be `'builtin'`). */
export type CalendarSpec = 'builtin' | string | readonly string[];

/** Extensions {@link readCalendarFile} understands. */
export const CALENDAR_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.csv', '.ics'] as const;

/**
 * One calendar file, its format chosen by extension: `.jsonl`/`.ndjson` JSONL, `.json` a JSON array of events,
 * `.csv` the CSV calendar format, `.ics` iCalendar. Sorted by time, then id.
 *
 * @throws DataError when the file cannot be read, its extension is unknown, or any event is invalid (file,
 *   line and field)
 * @example
 * readCalendarFile('calendars/fomc.csv');
 */
export function readCalendarFile(file: string): CalendarEvent[] {
  const ext = extname(file).toLowerCase();
  const known = (CALENDAR_EXTENSIONS as readonly string[]).includes(ext);
  if (!known) throw new DataError(file, undefined, undefined, `unknown calendar format "${ext || '(none)'}": expected ${CALENDAR_EXTENSIONS.join(', ')}`);
  const text = readText(file);
  if (ext === '.csv') return parseCalendarCsv(text, { file });
  if (ext === '.ics') return parseIcs(text, { file });
  if (ext === '.json') return parseCalendarJsonArray(text, { file });
  return parseCalendarJsonl(text, { file });
}

/**
 * The calendar a run uses: `'builtin'` ({@link builtinCalendar}), one file, or several files merged. Events are
 * sorted by time, then id. An event found in several sources (same id, same content) is kept once; the same id
 * with different content is an error, since one of the two would be silently lost.
 *
 * @throws ConfigError for an empty list; DataError for an unreadable or invalid file, or conflicting duplicates
 * @example
 * loadCalendar('builtin');
 * loadCalendar(['builtin', 'calendars/earnings.csv']);
 */
export function loadCalendar(spec: CalendarSpec): CalendarEvent[] {
  const sources = typeof spec === 'string' ? [spec] : [...spec];
  if (sources.length === 0) throw new ConfigError('calendar', 'no calendar given: use "builtin" or one or more files');
  const byId = new Map<string, { event: CalendarEvent; json: string; from: string }>();
  // Raw series (FRED rates + FOMC meetings, CPI, earnings, release schedules) are built into calendars first.
  const raw = buildRawCalendars(sources.filter((s) => s !== 'builtin' && existsSync(s)));
  const rawFiles = new Set(sources.filter((s) => s !== 'builtin' && existsSync(s) && !raw.rest.includes(s)));
  const parts: [string, readonly CalendarEvent[]][] = raw.events.length > 0 ? [[[...rawFiles].join(' + '), raw.events]] : [];
  for (const source of sources) {
    if (rawFiles.has(source)) continue;
    parts.push([source, source === 'builtin' ? builtinCalendar() : readCalendarFile(source)]);
  }
  for (const [source, events] of parts) {
    for (const event of events) {
      const json = canonicalJson(event);
      const seen = byId.get(event.id);
      if (seen === undefined) byId.set(event.id, { event, json, from: source });
      else if (seen.json !== json) {
        throw new DataError(source, undefined, 'id', `event ${event.id} differs from the event with the same id in ${seen.from}`);
      }
    }
  }
  return sortEvents([...byId.values()].map((v) => v.event));
}

/**
 * SHA-256 (hex) of a calendar's canonical JSON: events sorted by time then id, object keys sorted, absent
 * fields omitted. Equal calendars hash equally whatever their order or key order; for run manifests.
 *
 * @example
 * calendarHash(loadCalendar('builtin')); // 64 hex digits, the same on every machine
 */
export function calendarHash(events: readonly CalendarEvent[]): string {
  const sorted = [...events].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return createHash('sha256').update(`[${sorted.map((e) => canonicalJson(e)).join(',')}]`).digest('hex');
}
