import { basename } from 'node:path';
import { DataError } from '../core/errors.js';
import { calendarEventSchema, eventId, sortEvents } from '../data/calendar.js';
import type { CalendarEvent, Importance } from '../data/calendar.js';
import { readText, utcDay } from './calendar-files.js';

/**
 * A small iCalendar (RFC 5545) reader for economic calendars, and the title → event-type keyword map the
 * schedule builders share.
 *
 * Read: content lines are unfolded (a line starting with a space or tab continues the previous one); every
 * `VEVENT` (not its nested `VALARM`s) becomes one event from `DTSTART`, `SUMMARY`, `DESCRIPTION`, `CATEGORIES`,
 * `PRIORITY`, `UID` and, as an extension, `X-SCOPE` (symbols separated by `,` or `;`; default `market`).
 * - `DTSTART` as a DATE (`20171213`, or `VALUE=DATE`) is UTC midnight of that day. A DATE-TIME ending in `Z`
 *   is UTC; with `TZID=America/New_York` (also `US/Eastern`, `EST5EDT`, `Eastern Standard Time`) it is
 *   converted by the fixed US daylight-saving rules ({@link newYorkToUtc}); other IANA TZIDs go through
 *   `Intl` (the runtime's time-zone data); a floating DATE-TIME (no `Z`, no TZID) is read as UTC.
 * - type: the first `CATEGORIES` value the keyword map recognises, else the keyword map on `SUMMARY`, else a
 *   slug of the first category, else a slug of the summary ({@link eventTypeFromTitle}, {@link slugType}).
 * - importance from `PRIORITY`: 1–4 high, 5 medium, 6–9 low; 0 or absent medium.
 * - `text` is the summary, then the description on a new line. No outcomes (`actual`, …) are read.
 * - `scheduled: true`; `source.ref` is the file's basename, plus `#UID` when the event has one.
 * - `STATUS:CANCELLED` events are skipped. Recurring events (`RRULE`/`RDATE`) are refused rather than read
 *   as their first occurrence only: expand them before import.
 */

const HOUR_MS = 3_600_000;

/**
 * Ordered keyword rules for event titles; the first match wins. The carve-outs before the Fed rule keep FOMC
 * minutes, speeches, testimony and press conferences (which follow the statement by 30 minutes), and
 * nominations from being read as rate decisions.
 */
export const EVENT_TYPE_KEYWORDS: readonly { readonly type: string; readonly pattern: RegExp }[] = [
  { type: 'fomc-minutes', pattern: /\b(FOMC|Fed)\b.*\bminutes\b|\bminutes\b.*\b(FOMC|Fed)\b/i },
  { type: 'speech', pattern: /\b(speech|speaks|testifies|testify|testimony|press conference|news conference|hearing|remarks)\b/i },
  { type: 'nomination', pattern: /\bnominat(e|ed|ion)\b|\bnominee\b/i },
  { type: 'fomc', pattern: /\bFOMC\b|\bFed\b|Federal Reserve|federal funds|rate decision/i },
  { type: 'payrolls', pattern: /non-?farm|payrolls?\b|\bNFP\b|employment situation|unemployment rate|average hourly earnings|average weekly hours|labor force participation/i },
  { type: 'cpi', pattern: /\bCPI\b|consumer price/i },
  { type: 'gdp', pattern: /\bGDP\b|gross domestic product/i },
  { type: 'earnings', pattern: /\bearnings\b|\bEPS\b/i },
];

/**
 * The event type a title names by {@link EVENT_TYPE_KEYWORDS}, or undefined when no keyword matches.
 * @example
 * eventTypeFromTitle('Fed Interest Rate Decision'); // 'fomc'
 * eventTypeFromTitle('Nonfarm Payrolls');           // 'payrolls'
 * eventTypeFromTitle('FOMC Minutes');               // 'fomc-minutes'
 * eventTypeFromTitle('ISM Manufacturing PMI');      // undefined
 */
export function eventTypeFromTitle(title: string): string | undefined {
  return EVENT_TYPE_KEYWORDS.find((k) => k.pattern.test(title))?.type;
}

/**
 * A valid event type from free text: lower case, parenthesised parts dropped, `&` → `and`, other runs of
 * non-alphanumerics → `-`, at most 48 characters (cut at a `-`), prefixed `event-` if it would start with a
 * digit; `event` if nothing is left.
 * @example
 * slugType('Core PCE - Price Index (YoY)'); // 'core-pce-price-index'
 */
export function slugType(text: string): string {
  let s = text
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length > 48) s = s.slice(0, 48).replace(/-[^-]*$/, '');
  if (s === '') return 'event';
  return /^[0-9]/.test(s) ? `event-${s}` : s;
}

/**
 * RFC 5545 PRIORITY → importance: 1–4 high, 5 medium, 6–9 low, 0 or absent medium.
 * @example
 * importanceFromPriority(1); // 'high'
 */
export function importanceFromPriority(priority: number | undefined): Importance {
  if (priority === undefined || priority === 0) return 'medium';
  return priority <= 4 ? 'high' : priority === 5 ? 'medium' : 'low';
}

// ---------------------------------------------------------------------------------------------------------
// Time zones

/** Local ms (the wall clock read as if it were UTC) of the `n`-th Sunday of a month, or the last when n = -1. */
function sunday(year: number, month: number, n: number): number {
  if (n > 0) {
    const first = new Date(utcDay(year, month, 1)).getUTCDay();
    return utcDay(year, month, 1 + ((7 - first) % 7) + 7 * (n - 1));
  }
  const last = utcDay(year, month + 1, 0);
  return last - new Date(last).getUTCDay() * 86_400_000;
}

/** Start and end days (local midnight, as ms) of US Eastern daylight time in `year` (1967 on). */
function easternDstDays(year: number): [number, number] {
  if (year >= 2007) return [sunday(year, 3, 2), sunday(year, 11, 1)]; // Energy Policy Act of 2005
  if (year >= 1987) return [sunday(year, 4, 1), sunday(year, 10, -1)];
  if (year === 1974) return [utcDay(1974, 1, 6), sunday(1974, 10, -1)]; // Emergency Daylight Saving Time
  if (year === 1975) return [utcDay(1975, 2, 23), sunday(1975, 10, -1)];
  return [sunday(year, 4, -1), sunday(year, 10, -1)]; // Uniform Time Act of 1966
}

/**
 * Epoch ms (UTC) of a wall-clock time in New York. From 1967 on by the US rules written out here (EST = UTC−5,
 * EDT = UTC−4; daylight time from 02:00 on: the last Sunday of April 1967–1986 (1974: Jan 6, 1975: Feb 23), the
 * first Sunday of April 1987–2006, the second Sunday of March since 2007; until 02:00 daylight time on the
 * last Sunday of October until 2006, the first Sunday of November since), so results do not depend on the
 * runtime's time-zone data. A time skipped by the spring change (02:00–02:59) is read with the offset before
 * it (EST), a repeated one in the autumn (01:00–01:59) as its first occurrence (EDT), as RFC 5545 says.
 * Before 1967 the runtime's `Intl` data is used.
 *
 * @example
 * newYorkToUtc(2017, 12, 13, 14, 0); // Date.UTC(2017, 11, 13, 19, 0): EST
 * newYorkToUtc(2017, 6, 14, 14, 0);  // Date.UTC(2017, 5, 14, 18, 0): EDT
 */
export function newYorkToUtc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const local = utcDay(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000;
  if (year < 1967) return intlZonedToUtc(local, 'America/New_York');
  const [start, end] = easternDstDays(year);
  const dst = local >= start + 3 * HOUR_MS && local < end + 2 * HOUR_MS;
  return local + (dst ? 4 : 5) * HOUR_MS;
}

const NEW_YORK = new Set(['america/new_york', 'us/eastern', 'est5edt', 'eastern standard time', 'us-eastern']);
const UTC_NAMES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'z', 'zulu', 'universal']);

/**
 * Epoch ms of a wall-clock time in `timeZone`: UTC names directly, New York by {@link newYorkToUtc}, any
 * other IANA zone through `Intl`.
 * @throws RangeError for a zone the runtime does not know
 * @example
 * zonedTimeToUtc(2017, 6, 1, 9, 0, 0, 'Europe/London'); // Date.UTC(2017, 5, 1, 8): BST
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): number {
  const tz = timeZone.replace(/^\//, '').trim();
  const key = tz.toLowerCase();
  if (UTC_NAMES.has(key)) return utcDay(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000;
  if (NEW_YORK.has(key)) return newYorkToUtc(year, month, day, hour, minute, second);
  return intlZonedToUtc(utcDay(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000, tz);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in `tz` at instant `t`, as ms read as UTC. */
function wallClock(t: number, tz: string): number {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return utcDay(p.year, p.month, p.day) + ((p.hour * 60 + p.minute) * 60 + p.second) * 1000;
}

function intlZonedToUtc(local: number, tz: string): number {
  const guess = local - (wallClock(local, tz) - local);
  const offset = wallClock(guess, tz) - guess;
  return local - offset;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

interface Prop {
  name: string;
  params: Record<string, string>;
  value: string;
  line: number;
}

/** Unfolded content lines with the physical line each starts on. */
function contentLines(text: string, file: string): Prop[] {
  const out: Prop[] = [];
  const logical: { text: string; line: number }[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && logical.length > 0) logical[logical.length - 1].text += raw.slice(1);
    else if (raw.trim() !== '') logical.push({ text: raw, line: i + 1 });
  });
  for (const { text: s, line } of logical) {
    // name *(";" param) ":" value — parameter values may be quoted and contain ':' and ';'.
    let i = 0;
    while (i < s.length && s[i] !== ';' && s[i] !== ':') i++;
    const name = s.slice(0, i).toUpperCase();
    const params: Record<string, string> = {};
    while (s[i] === ';') {
      const eq = s.indexOf('=', i);
      if (eq < 0) throw new DataError(file, line, name, 'malformed parameter (expected NAME=value)');
      const key = s.slice(i + 1, eq).toUpperCase();
      let j = eq + 1;
      let value = '';
      while (j < s.length && s[j] !== ';' && s[j] !== ':') {
        if (s[j] === '"') {
          const close = s.indexOf('"', j + 1);
          if (close < 0) throw new DataError(file, line, name, `unterminated quoted value of parameter ${key}`);
          value += s.slice(j + 1, close);
          j = close + 1;
        } else value += s[j++];
      }
      params[key] = value;
      i = j;
    }
    if (s[i] !== ':' || name === '') throw new DataError(file, line, undefined, 'malformed content line (expected NAME[;PARAM=…]:value)');
    out.push({ name, params, value: s.slice(i + 1), line });
  }
  return out;
}

/** TEXT value escapes: `\n`/`\N` newline, `\,` `\;` `\\`. */
function unescapeText(v: string): string {
  return v.replace(/\\([nN,;\\])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Splits a list value on commas that are not escaped. */
function splitList(v: string): string[] {
  return v
    .split(/(?<!\\),/)
    .map((s) => unescapeText(s).trim())
    .filter((s) => s !== '');
}

const DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

function dtstart(p: Prop, file: string): number {
  const v = p.value.trim();
  const d = DATE_RE.exec(v);
  const dt = d === null ? DATE_TIME_RE.exec(v) : null;
  if (d === null && dt === null) throw new DataError(file, p.line, 'DTSTART', `${JSON.stringify(v)} is neither a DATE (YYYYMMDD) nor a DATE-TIME (YYYYMMDDTHHMMSS[Z])`);
  const m = (d ?? dt) as RegExpExecArray;
  const [y, mo, day, h, mi, s] = [1, 2, 3, 4, 5, 6].map((k) => (m[k] === undefined ? 0 : Number(m[k])));
  const midnight = utcDay(y, mo, day);
  const back = new Date(midnight);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== day || h > 23 || mi > 59 || s > 60) {
    throw new DataError(file, p.line, 'DTSTART', `${JSON.stringify(v)} is not a real date and time`);
  }
  if (d !== null || dt?.[7] === 'Z' || p.params.TZID === undefined) return midnight + ((h * 60 + mi) * 60 + Math.min(s, 59)) * 1000;
  try {
    return zonedTimeToUtc(y, mo, day, h, mi, Math.min(s, 59), p.params.TZID);
  } catch {
    throw new DataError(file, p.line, 'DTSTART', `unknown time zone TZID=${p.params.TZID}`);
  }
}

function eventFromProps(props: Prop[], begin: number, file: string): CalendarEvent | undefined {
  const one = (name: string) => props.find((p) => p.name === name);
  const recurring = props.find((p) => p.name === 'RRULE' || p.name === 'RDATE');
  if (recurring !== undefined) throw new DataError(file, recurring.line, recurring.name, 'recurring events are not supported: expand them into single events first');
  if (one('STATUS')?.value.trim().toUpperCase() === 'CANCELLED') return undefined;
  const start = one('DTSTART');
  if (start === undefined) throw new DataError(file, begin, 'DTSTART', 'VEVENT without DTSTART');
  const time = dtstart(start, file);
  const summary = unescapeText(one('SUMMARY')?.value ?? '').trim();
  const description = unescapeText(one('DESCRIPTION')?.value ?? '').trim();
  const categories = props.filter((p) => p.name === 'CATEGORIES').flatMap((p) => splitList(p.value));
  const type =
    categories.map(eventTypeFromTitle).find((t) => t !== undefined) ??
    eventTypeFromTitle(summary) ??
    (categories.length > 0 ? slugType(categories[0]) : slugType(summary));
  const priorityProp = one('PRIORITY');
  let priority: number | undefined;
  if (priorityProp !== undefined) {
    priority = /^\d$/.test(priorityProp.value.trim()) ? Number(priorityProp.value.trim()) : NaN;
    if (Number.isNaN(priority)) throw new DataError(file, priorityProp.line, 'PRIORITY', `${JSON.stringify(priorityProp.value)} is not an integer 0–9`);
  }
  const scopeProp = one('X-SCOPE');
  const scope = scopeProp === undefined ? [] : scopeProp.value.split(/[,;]/).map((s) => s.trim()).filter((s) => s !== '');
  const uid = one('UID')?.value.trim();
  const text = [summary, description].filter((s) => s !== '').join('\n');
  const event = {
    time,
    type,
    scope: scope.length > 0 ? scope : ['market'],
    importance: importanceFromPriority(priority),
    scheduled: true,
    ...(text !== '' ? { text } : {}),
    source: { kind: 'calendar' as const, ref: uid ? `${basename(file)}#${uid}` : basename(file) },
  };
  const r = calendarEventSchema.safeParse({ id: eventId(event), ...event });
  if (!r.success) throw new DataError(file, begin, r.error.issues[0].path.join('.') || undefined, r.error.issues[0].message);
  return r.data;
}

/**
 * Events from iCalendar text (rules: module doc), sorted by time, then id.
 *
 * @param opts.file - the name used in errors and in `source.ref`
 * @throws DataError naming the file, the line and the property (`DTSTART`, `PRIORITY`, …) of the first problem,
 *   unbalanced `BEGIN`/`END`, a recurring event, or two events with the same id
 *
 * @example
 * parseIcs('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20171213T190000Z\r\nSUMMARY:FOMC Rate Decision\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', { file: 'fed.ics' });
 * // [{ type: 'fomc', time: Date.UTC(2017, 11, 13, 19), importance: 'medium', text: 'FOMC Rate Decision', … }]
 */
export function parseIcs(text: string, opts: { file: string }): CalendarEvent[] {
  const { file } = opts;
  const stack: { name: string; line: number }[] = [];
  const events: CalendarEvent[] = [];
  const lineOf = new Map<string, number>();
  let props: Prop[] = [];
  for (const p of contentLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file)) {
    if (p.name === 'BEGIN') {
      stack.push({ name: p.value.trim().toUpperCase(), line: p.line });
      if (stack[stack.length - 1].name === 'VEVENT') props = [];
    } else if (p.name === 'END') {
      const name = p.value.trim().toUpperCase();
      const top = stack.pop();
      if (top === undefined || top.name !== name) throw new DataError(file, p.line, 'END', `END:${name} does not close ${top === undefined ? 'anything' : `BEGIN:${top.name} (line ${top.line})`}`);
      if (name === 'VEVENT') {
        const e = eventFromProps(props, top.line, file);
        if (e !== undefined) {
          const other = lineOf.get(e.id);
          if (other !== undefined) throw new DataError(file, top.line, 'id', `duplicate event (same type, time, scope and UID as the VEVENT on line ${other})`);
          events.push(e);
          lineOf.set(e.id, top.line);
        }
      }
    } else if (stack.length > 0 && stack[stack.length - 1].name === 'VEVENT') props.push(p);
  }
  if (stack.length > 0) throw new DataError(file, stack[stack.length - 1].line, 'BEGIN', `BEGIN:${stack[stack.length - 1].name} is never closed`);
  return sortEvents(events);
}

/**
 * Reads an `.ics` file; see {@link parseIcs}.
 * @throws DataError
 * @example
 * readIcs('calendars/fomc.ics');
 */
export function readIcs(file: string): CalendarEvent[] {
  return parseIcs(readText(file), { file });
}
