import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { CalendarEvent } from '../data/calendar.js';
import { buildCpiCalendar } from './builders/cpi.js';
import { buildEarningsCalendar } from './builders/earnings.js';
import { buildFomcCalendar } from './builders/fomc.js';
import { buildReleaseCalendar } from './builders/releases.js';

/**
 * Raw series a calendar can be built from, recognised by their CSV header, so `--calendar` takes them as
 * they are: FRED's daily rates (with the FOMC meeting-dates file: FOMC decisions), monthly CPI (CPI
 * releases), earnings with EPS estimate vs actual, and a release schedule (date,time,event,impact,…).
 */
type RawKind = 'rates' | 'meetings' | 'cpi' | 'earnings' | 'releases';

const HEADERS: readonly (readonly [RawKind, (columns: readonly string[]) => boolean])[] = [
  ['rates', (c) => c[0] === 'date' && c.includes('dff') && (c.includes('dfedtar') || c.includes('dfedtaru'))],
  ['meetings', (c) => c.length === 1 && c[0] === 'date'],
  ['cpi', (c) => c[0] === 'date' && c.includes('cpi_index')],
  ['earnings', (c) => c[0] === 'date' && c.includes('eps_estimate') && c.includes('eps_actual')],
  ['releases', (c) => c[0] === 'date' && c.includes('event') && c.includes('impact')],
];

/** The raw kind of a CSV file, by its header; undefined for anything else (e.g. a calendar CSV). */
export function rawCalendarKind(file: string): RawKind | undefined {
  if (extname(file).toLowerCase() !== '.csv') return undefined;
  const columns = firstLine(file).split(',').map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  return HEADERS.find(([, test]) => test(columns))?.[0];
}

/**
 * Builds the calendars of the raw files among `files` and returns them with the files left to read as
 * calendars. The rates and meeting-dates files go together.
 * @throws ConfigError when only one of the FOMC pair is given.
 */
export function buildRawCalendars(files: readonly string[]): { events: CalendarEvent[]; rest: string[] } {
  const byKind = new Map<RawKind, string>();
  const rest: string[] = [];
  for (const f of files) {
    const kind = f === 'builtin' ? undefined : rawCalendarKind(f);
    if (kind === undefined) rest.push(f);
    else byKind.set(kind, f);
  }
  const events: CalendarEvent[] = [];
  const rates = byKind.get('rates');
  const meetings = byKind.get('meetings');
  if ((rates === undefined) !== (meetings === undefined)) {
    throw new ConfigError('calendar', 'FOMC decisions are built from FRED daily rates together with the meeting-dates file: give both');
  }
  if (rates !== undefined && meetings !== undefined) events.push(...buildFomcCalendar(rates, meetings));
  const cpi = byKind.get('cpi');
  if (cpi !== undefined) events.push(...buildCpiCalendar(cpi));
  const earnings = byKind.get('earnings');
  if (earnings !== undefined) events.push(...buildEarningsCalendar(earnings));
  const releases = byKind.get('releases');
  if (releases !== undefined) events.push(...buildReleaseCalendar(releases));
  return { events, rest };
}

function firstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    closeSync(fd);
  }
}
