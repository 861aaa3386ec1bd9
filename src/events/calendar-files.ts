import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import type { InfoRecord } from 'csv-parse/sync';
import { writeFileAtomic } from '../core/atomic.js';
import { DataError } from '../core/errors.js';
import { calendarEventSchema, eventId, sortEvents } from '../data/calendar.js';
import type { CalendarEvent } from '../data/calendar.js';

/**
 * Calendars on disk: JSONL (one {@link CalendarEvent} per line, lossless) and CSV (a hand-editable subset),
 * plus the small helpers the builders share (strict dates, CSV tables with line numbers, surprise scaling).
 *
 * CSV calendar columns, matched by name in any order (header = line 1):
 * `date,type,importance,actual,consensus,previous` are required, `time,scope,surprise,text` optional.
 * - `date` `YYYY-MM-DD`; `time` `HH:MM[:SS[.sss]]` in UTC (default `00:00`).
 * - `type` a lower-case id (`fomc`, `cpi`, …); `importance` `low | medium | high`.
 * - `actual`, `consensus`, `previous`, `surprise` plain decimals or empty (absent).
 * - `scope` symbols separated by `;` (default `market`); `text` free text.
 * Events from CSV are `scheduled: true` with `source { kind: 'calendar', ref: <file basename> }`.
 *
 * Surprise in CSV: when a row has no `surprise` but has `actual` and `consensus`, it is
 * `sign(type) · (actual − consensus) / σ_type`, where σ_type is the sample standard deviation (n − 1) of
 * (actual − consensus) over every event of that type in the same file that has both values. Sign: + when a
 * higher-than-expected value is good for risk assets, − when bad ({@link SURPRISE_SIGNS}: fomc and cpi are −,
 * every other type + unless overridden). With fewer than two such events, or σ_type = 0, it stays absent.
 * σ_type uses the whole file, so the scale (never the sign) carries information from later events.
 */

const DAY_MS = 86_400_000;

/**
 * Direction of "good for risk assets" per type: −1 where a higher-than-expected value is bad (a rate above
 * expectations, inflation above expectations), +1 where good. Types not listed are +1.
 */
export const SURPRISE_SIGNS: Readonly<Record<string, 1 | -1>> = { fomc: -1, cpi: -1, payrolls: 1, gdp: 1, earnings: 1 };

/**
 * The surprise sign of a type: `overrides`, then {@link SURPRISE_SIGNS}, then +1.
 * @example
 * surpriseSign('cpi');                 // -1
 * surpriseSign('ism', { ism: -1 });    // -1
 * surpriseSign('retail-sales');        // 1
 */
export function surpriseSign(type: string, overrides: Readonly<Record<string, 1 | -1>> = {}): 1 | -1 {
  return overrides[type] ?? SURPRISE_SIGNS[type] ?? 1;
}

/**
 * Sample standard deviation (n − 1 denominator); NaN for fewer than two values.
 * @example
 * sampleStd([1, 2, 3, 4]); // √(5/3) ≈ 1.29
 */
export function sampleStd(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (const x of xs) mean += x / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  return Math.sqrt(ss / (n - 1));
}

/**
 * Fills `surprise = sign(type) · (actual − consensus) / σ_type` on events that lack one (see the module doc),
 * σ_type over all events of the type with both values. Same order; events given a surprise are copies, the
 * others are returned as they are.
 *
 * @example
 * standardiseSurprises([{ type: 'cpi', actual: 0.3, consensus: 0.2 }, { type: 'cpi', actual: 0.1, consensus: 0.2 }]);
 * // surprises −0.7071…, +0.7071… (σ = 0.1414…, cpi sign −1)
 */
export function standardiseSurprises<E extends { type: string; actual?: number; consensus?: number; surprise?: number }>(
  events: readonly E[],
  signs: Readonly<Record<string, 1 | -1>> = {},
): E[] {
  const diffs = new Map<string, number[]>();
  for (const e of events) {
    if (e.actual === undefined || e.consensus === undefined) continue;
    const list = diffs.get(e.type) ?? [];
    list.push(e.actual - e.consensus);
    diffs.set(e.type, list);
  }
  const sigma = new Map([...diffs].map(([type, d]) => [type, sampleStd(d)]));
  return events.map((e) => {
    if (e.surprise !== undefined || e.actual === undefined || e.consensus === undefined) return e;
    const s = sigma.get(e.type) ?? NaN;
    if (!(s > 0)) return e;
    // `+ 0` turns −0 (an exact expectation with a negative sign) into 0.
    return { ...e, surprise: (surpriseSign(e.type, signs) * (e.actual - e.consensus)) / s + 0 };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Dates, numbers, CSV tables: shared by the builders (internal: not re-exported from src/events/index.ts)

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * Epoch ms of UTC midnight of a real `YYYY-MM-DD` date, or undefined.
 * @example
 * parseIsoDay('2017-12-13'); // 1513123200000
 * parseIsoDay('2017-02-30'); // undefined
 */
export function parseIsoDay(raw: string): number | undefined {
  const m = DAY_RE.exec(raw);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = utcDay(y, mo, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : undefined;
}

/**
 * Milliseconds after midnight of `HH:MM[:SS[.sss]]` (00:00–23:59:59.999), or undefined.
 * @example
 * parseClock('13:30');    // 48600000
 * parseClock('24:00');    // undefined
 */
export function parseClock(raw: string): number | undefined {
  const m = CLOCK_RE.exec(raw);
  if (m === null) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ((h * 60 + mi) * 60 + s) * 1000 + (m[4] === undefined ? 0 : Number(m[4].padEnd(3, '0')));
}

/**
 * Epoch ms of UTC midnight of year-month-day (month 1–12; out-of-range days roll over like Date.UTC).
 * @example
 * utcDay(2018, 1, 0); // 2017-12-31T00:00Z: day 0 is the last day of the month before
 */
export function utcDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, years 0–99 stay as given
  return d.getTime();
}

/**
 * `YYYY-MM-DD` of the UTC day containing `t`.
 * @example
 * formatIsoDay(Date.UTC(2017, 11, 13, 19)); // '2017-12-13'
 */
export function formatIsoDay(t: number): string {
  return new Date(Math.floor(t / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * `HH:MM:SS` (or `HH:MM:SS.sss` when there are milliseconds) of `t` in UTC.
 * @example
 * formatClock(Date.UTC(2017, 11, 13, 19)); // '19:00:00'
 */
export function formatClock(t: number): string {
  const iso = new Date(t).toISOString();
  return t % 1000 === 0 ? iso.slice(11, 19) : iso.slice(11, 23);
}

// Plain decimals only: Number() would also accept '0x1A', 'Infinity' and whitespace.
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A plain decimal, or undefined for an empty cell.
 * @throws DataError naming file, line and field for anything else (`0x1A`, `Infinity`, `1,5`)
 * @example
 * optionalNumber('-0.25', 'f.csv', 2, 'actual'); // -0.25
 * optionalNumber('', 'f.csv', 2, 'actual');      // undefined
 */
export function optionalNumber(raw: string, file: string, line: number, field: string): number | undefined {
  if (raw === '') return undefined;
  const x = NUMBER_RE.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(x)) throw new DataError(file, line, field, `${field} ${JSON.stringify(raw)} is not a finite number`);
  return x;
}

/**
 * A whole file as UTF-8 text (BOM dropped).
 * @throws DataError when it cannot be read
 * @example
 * readText('calendars/fomc.csv');
 */
export function readText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(file, undefined, undefined, `cannot read file: ${(err as Error).message}`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** One CSV data row: its cells by (lower-case) column name and the 1-based line it starts on. */
export interface CsvRow {
  readonly line: number;
  get(column: string): string;
}

/**
 * A CSV table with a header row: every data row as a {@link CsvRow}. Columns are matched by trimmed,
 * lower-cased name; `required` must all be present; with `known`, any other column is an error (a typo never
 * silently drops data), otherwise extra columns are ignored. A missing optional column reads as ''.
 *
 * @throws DataError naming the file, line and column of malformed CSV, a missing column, or a row with the
 *   wrong number of fields
 * @example
 * const rows = parseCsvTable('date,cpi_index\n2017-01-01,242.8\n', 'cpi.csv', ['date', 'cpi_index']);
 * rows[0].line;             // 2
 * rows[0].get('cpi_index'); // '242.8'
 */
export function parseCsvTable(text: string, file: string, required: readonly string[], known?: readonly string[]): CsvRow[] {
  // LF only, so csv-parse's line counter matches physical lines (it counts a quoted CRLF twice).
  const src = text.replace(/\r\n/g, '\n');
  let records: { record: string[]; info: InfoRecord }[];
  try {
    records = parse(src, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw new DataError(file, (err as CsvError & { lines?: number }).lines, undefined, `malformed CSV (${err.code}): ${err.message}`);
    throw err;
  }
  if (records.length === 0) throw new DataError(file, 1, undefined, 'empty file: expected a header row');
  const header = records[0].record.map((h) => h.trim().toLowerCase());
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    if (index.has(name)) throw new DataError(file, 1, name, `duplicate column "${name}"`);
    if (known !== undefined && !known.includes(name)) throw new DataError(file, 1, name, `unknown column "${name}" (expected ${known.join(', ')})`);
    index.set(name, i);
  });
  for (const name of required) {
    if (!index.has(name)) throw new DataError(file, 1, name, `missing required column (header: ${header.join(',')})`);
  }
  return records.slice(1).map(({ record, info }) => {
    // info.lines is the line the record ends on; a quoted field may span lines.
    let inner = 0;
    for (const cell of record) for (let k = cell.indexOf('\n'); k >= 0; k = cell.indexOf('\n', k + 1)) inner++;
    const line = info.lines - inner;
    if (record.length !== header.length) throw new DataError(file, line, undefined, `expected ${header.length} fields (${header.join(',')}), got ${record.length}`);
    return { line, get: (column: string) => (index.has(column) ? record[index.get(column) as number] : '') };
  });
}

/**
 * A `YYYY-MM-DD` cell as epoch ms.
 * @throws DataError naming the file, the row's line and the field
 * @example
 * dayCell(rows[0], 'date', 'cpi.csv'); // 1483228800000
 */
export function dayCell(row: CsvRow, field: string, file: string): number {
  const raw = row.get(field);
  const t = parseIsoDay(raw);
  if (t === undefined) throw new DataError(file, row.line, field, `${field} ${JSON.stringify(raw)} is not a real YYYY-MM-DD date`);
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// JSONL and JSON

const KEY_ORDER = Object.keys(calendarEventSchema.shape);

/** The event with keys in schema order and absent fields dropped: the JSONL line's object. */
function ordered(e: CalendarEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rec = e as unknown as Record<string, unknown>;
  for (const k of KEY_ORDER) if (rec[k] !== undefined) out[k] = rec[k];
  const { kind, ref, parser } = e.source;
  out.source = parser === undefined ? { kind, ref } : { kind, ref, parser };
  return out;
}

/** One event validated against the schema, or a DataError naming `field` as the event's dotted key. */
function validate(raw: unknown, file: string, line: number | undefined, prefix: string): CalendarEvent {
  const r = calendarEventSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const keys = 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
  const path = [...issue.path.map(String), ...keys.slice(0, 1)].join('.');
  throw new DataError(file, line, `${prefix}${path}` || undefined, issue.message);
}

/** Rejects a repeated id, naming both places. */
function checkUnique(events: readonly CalendarEvent[], where: readonly (number | undefined)[], file: string, what: string): void {
  const seen = new Map<string, number>();
  events.forEach((e, i) => {
    const j = seen.get(e.id);
    if (j !== undefined) throw new DataError(file, where[i], 'id', `duplicate event id ${e.id} (also ${what} ${where[j] ?? j})`);
    seen.set(e.id, i);
  });
}

/**
 * Events from JSONL text: one JSON object per line, blank lines skipped, each validated with
 * `calendarEventSchema`. Returned sorted by time, then id.
 *
 * @throws DataError with the file, the 1-based line and the event's field (`importance`, `source.kind`, …)
 * @example
 * parseCalendarJsonl(formatCalendarJsonl(events), { file: 'x.jsonl' }); // deep-equals sorted events
 */
export function parseCalendarJsonl(text: string, opts: { file: string }): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s === '') return;
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch (err) {
      throw new DataError(opts.file, i + 1, undefined, `invalid JSON: ${(err as Error).message}`);
    }
    events.push(validate(value, opts.file, i + 1, ''));
    lines.push(i + 1);
  });
  checkUnique(events, lines, opts.file, 'on line');
  return sortEvents(events);
}

/**
 * Events from a JSON array of event objects (e.g. `JSON.stringify(events)`), sorted by time, then id.
 * @throws DataError naming the file and `[i].field` of the first invalid event
 * @example
 * parseCalendarJsonArray(JSON.stringify(events), { file: 'cal.json' });
 */
export function parseCalendarJsonArray(text: string, opts: { file: string }): CalendarEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataError(opts.file, undefined, undefined, `invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new DataError(opts.file, undefined, undefined, 'expected a JSON array of events');
  const events = value.map((raw, i) => validate(raw, opts.file, undefined, `[${i}].`));
  checkUnique(
    events,
    events.map(() => undefined),
    opts.file,
    'at index',
  );
  return sortEvents(events);
}

/**
 * JSONL text: events sorted by time then id, one per line with keys in schema order, LF, trailing newline.
 * @example
 * formatCalendarJsonl([event]); // '{"id":"…","time":…,"type":"cpi",…}\n'
 */
export function formatCalendarJsonl(events: readonly CalendarEvent[]): string {
  return sortEvents(events)
    .map((e) => `${JSON.stringify(ordered(e))}\n`)
    .join('');
}

/**
 * Reads a JSONL calendar file; see {@link parseCalendarJsonl}.
 * @throws DataError
 * @example
 * readCalendarJsonl('calendars/my.jsonl');
 */
export function readCalendarJsonl(file: string): CalendarEvent[] {
  return parseCalendarJsonl(readText(file), { file });
}

/**
 * Writes events as JSONL ({@link formatCalendarJsonl}), atomically (temporary file, then rename).
 * @example
 * writeCalendarJsonl('calendars/fomc.jsonl', buildFomcCalendar(ratesFile, meetingsFile));
 */
export function writeCalendarJsonl(file: string, events: readonly CalendarEvent[]): void {
  writeFileAtomic(file, formatCalendarJsonl(events));
}

// ---------------------------------------------------------------------------------------------------------
// CSV calendars

/** Header written by {@link formatCalendarCsv}; the first six columns are required when reading. */
export const CALENDAR_CSV_COLUMNS = ['date', 'type', 'importance', 'actual', 'consensus', 'previous', 'time', 'scope', 'surprise', 'text'] as const;
const REQUIRED_CSV = CALENDAR_CSV_COLUMNS.slice(0, 6);

/**
 * Events from a CSV calendar (format and surprise rule: module doc), sorted by time, then id.
 *
 * @param opts.file - the name used in errors and as `source.ref` (its basename)
 * @param opts.signs - surprise signs per type, overriding {@link SURPRISE_SIGNS}
 * @throws DataError naming the file, line and column of the first bad value or a duplicate event
 *
 * @example
 * parseCalendarCsv('date,type,importance,actual,consensus,previous\n2017-12-13,fomc,high,1.5,1.5,1.25\n', { file: 'c.csv' });
 * // [{ type: 'fomc', time: 1513123200000, scope: ['market'], actual: 1.5, … }]
 */
export function parseCalendarCsv(text: string, opts: { file: string; signs?: Readonly<Record<string, 1 | -1>> }): CalendarEvent[] {
  const { file } = opts;
  const ref = basename(file);
  const rows = parseCsvTable(text, file, REQUIRED_CSV, CALENDAR_CSV_COLUMNS);
  const raw = rows.map((row) => {
    const day = dayCell(row, 'date', file);
    const clockRaw = row.get('time');
    const clock = clockRaw === '' ? 0 : parseClock(clockRaw);
    if (clock === undefined) throw new DataError(file, row.line, 'time', `time ${JSON.stringify(clockRaw)} is not HH:MM[:SS] (UTC)`);
    const num = (field: string) => optionalNumber(row.get(field), file, row.line, field);
    const scope = row
      .get('scope')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const text = row.get('text');
    const candidate = {
      id: 'pending',
      time: day + clock,
      type: row.get('type'),
      scope: scope.length > 0 ? scope : ['market'],
      importance: row.get('importance'),
      scheduled: true,
      ...defined({ actual: num('actual'), consensus: num('consensus'), previous: num('previous'), surprise: num('surprise') }),
      ...(text !== '' ? { text } : {}),
      source: { kind: 'calendar' as const, ref },
    };
    const event = validate(candidate, file, row.line, '');
    return { ...event, id: eventId(event) };
  });
  const events = standardiseSurprises(raw, opts.signs);
  checkUnique(
    events,
    rows.map((r) => r.line),
    file,
    'on line',
  );
  return sortEvents(events);
}

/**
 * CSV text with {@link CALENDAR_CSV_COLUMNS}, events sorted by time then id. Lossy by design: `id`,
 * `scheduled`, `source`, `sentiment` and `magnitude` are not written (use JSONL to keep everything).
 * Numbers use the shortest round-trip form, so values and surprises read back exactly.
 * @example
 * formatCalendarCsv(events); // 'date,type,importance,actual,consensus,previous,time,scope,surprise,text\n2017-12-13,fomc,…'
 */
export function formatCalendarCsv(events: readonly CalendarEvent[]): string {
  const out = [CALENDAR_CSV_COLUMNS.join(',')];
  for (const e of sortEvents(events)) {
    const num = (x: number | undefined) => (x === undefined ? '' : String(x));
    const cells = [formatIsoDay(e.time), e.type, e.importance, num(e.actual), num(e.consensus), num(e.previous), formatClock(e.time), e.scope.join(';'), num(e.surprise), e.text ?? ''];
    out.push(cells.map(csvCell).join(','));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Reads a CSV calendar file; see {@link parseCalendarCsv}.
 * @throws DataError
 * @example
 * readCalendarCsv('calendars/ecb.csv', { signs: { ecb: -1 } });
 */
export function readCalendarCsv(file: string, opts: { signs?: Readonly<Record<string, 1 | -1>> } = {}): CalendarEvent[] {
  return parseCalendarCsv(readText(file), { file, ...opts });
}

/**
 * Writes events as a CSV calendar ({@link formatCalendarCsv}), atomically (temporary file, then rename).
 * @example
 * writeCalendarCsv('calendars/cpi.csv', buildCpiCalendar(cpiFile, { from: '2000-01' }));
 */
export function writeCalendarCsv(file: string, events: readonly CalendarEvent[]): void {
  writeFileAtomic(file, formatCalendarCsv(events));
}

function csvCell(s: string): string {
  return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The entries whose value is not undefined (so absent optional fields stay absent, not `undefined`).
 * @example
 * defined({ actual: 1, consensus: undefined }); // { actual: 1 }
 */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
