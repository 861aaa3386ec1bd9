import { parseNewsFile } from '../news/file-source.js';
import { newsItemId } from '../news/source.js';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { newsItemSchema } from '../../data/calendar.js';
import type { CalendarEvent, NewsItem } from '../../data/calendar.js';
import { DataError } from '../../core/errors.js';

/**
 * Reading the input of `rl events parse` (news items, JSONL or CSV) and writing its output (events, JSONL; read
 * back with `loadCalendar`).
 */

/** Column choices for a news CSV; each defaults to the first candidate column the header has. */
export interface NewsCsvColumns {
  /** Default: time, datetime, created_at_utc, published, date. */
  readonly time?: string;
  /** Default: text, title, headline, sentence, body. */
  readonly text?: string;
  /** Default: symbols, tickers, ticker, symbol (none is fine). Several symbols are separated by `,` `;` `|` or spaces. */
  readonly symbols?: string;
  /** Default: id, tweet_id, guid (none is fine: ids are then a hash of source, time and text). */
  readonly id?: string;
}

const CANDIDATES = {
  time: ['time', 'datetime', 'created_at_utc', 'published', 'date'],
  text: ['text', 'title', 'headline', 'sentence', 'body'],
  symbols: ['symbols', 'tickers', 'ticker', 'symbol'],
  id: ['id', 'tweet_id', 'guid'],
} as const;

/**
 * A time as epoch ms (UTC): an integer (epoch ms), `YYYY-MM-DD` (midnight UTC), or an ISO date-time with `T`
 * or a space, with `Z` or an offset (`2009-04-29 08:48:00-04:00`); a date-time without a zone is read as UTC.
 * Anything else (locale formats such as `04/29/2009`) is undefined: it would be a guess.
 */
export function parseNewsTime(value: string): number | undefined {
  const v = value.trim();
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const t = Date.parse(`${v}T00:00:00Z`);
    return Number.isFinite(t) ? t : undefined;
  }
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(v);
  if (m === null) return undefined;
  const zone = m[3] === undefined ? 'Z' : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
  const t = Date.parse(`${m[1]}T${m[2]}${zone.toUpperCase()}`);
  return Number.isFinite(t) ? t : undefined;
}

/** A stable id for an item that has none: the news sources' id (16 hex digits of SHA-256 over source, time and text). */
export const generatedNewsId = newsItemId;

/**
 * News items from a `.jsonl` file (one {@link NewsItem} per line; blank lines skipped) or a `.csv` file (a
 * header row; columns chosen by `columns`). `source` names the feed in CSV items (default: the file's base name).
 *
 * @example
 * readNewsFile('news/benzinga.csv', { columns: { time: 'datetime', text: 'title' } });
 * @throws DataError naming the file, line and field of the first bad item.
 */
export function readNewsFile(file: string, opts: { columns?: NewsCsvColumns; source?: string } = {}): NewsItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot read: ${(e as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return readJsonl(file, text, newsItemSchema);
  if (ext === '.csv') return readNewsCsv(file, text, opts.columns ?? {}, opts.source ?? basename(file, extname(file)));
  throw new DataError(file, undefined, undefined, 'expected a .jsonl file of news items or a .csv file');
}

/** Events as JSONL, one per line, in the given order (the calendar JSONL format `loadCalendar` reads). */
export function formatEventsJsonl(events: readonly CalendarEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('');
}

function readJsonl<T>(file: string, text: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): T[] {
  const out: T[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        throw new DataError(file, i + 1, undefined, `not JSON: ${(e as Error).message}`);
      }
      const r = schema.safeParse(raw);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new DataError(file, i + 1, issue.path.map(String).join('.') || undefined, issue.message);
      }
      out.push(r.data);
    });
  return out;
}

/** Picks the columns (named, or the first candidate present), then reads rows with the news file reader. */
function readNewsCsv(file: string, text: string, columns: NewsCsvColumns, source: string): NewsItem[] {
  const header = ((parse(text, { to_line: 1, bom: true, skip_empty_lines: true }) as string[][])[0] ?? []).map((c) => c.trim());
  const pick = (kind: keyof typeof CANDIDATES, chosen: string | undefined, required: boolean): string | undefined => {
    if (chosen !== undefined) {
      if (!header.includes(chosen)) throw new DataError(file, 1, chosen, `no such column (columns: ${header.join(', ')})`);
      return chosen;
    }
    const found = CANDIDATES[kind].find((c) => header.includes(c));
    if (found === undefined && required) throw new DataError(file, 1, undefined, `no ${kind} column: name one with --${kind}-col (columns: ${header.join(', ')})`);
    return found;
  };
  const picked = { time: pick('time', columns.time, true) as string, text: pick('text', columns.text, true) as string };
  const symbols = pick('symbols', columns.symbols, false);
  const id = pick('id', columns.id, false);
  return parseNewsFile(text, { file, format: 'csv', columns: { ...picked, ...(symbols !== undefined ? { symbols } : {}), ...(id !== undefined ? { id } : {}) }, source });
}

/**
 * Items with the same id merged: the same text under one id (a tweet listed once per ticker) becomes one item
 * with the union of the symbols; a different text under an id already seen is dropped and counted.
 */
export function mergeNewsItems(items: readonly NewsItem[]): { items: NewsItem[]; merged: number; dropped: number } {
  const byId = new Map<string, NewsItem>();
  let merged = 0;
  let dropped = 0;
  for (const item of items) {
    const seen = byId.get(item.id);
    if (seen === undefined) byId.set(item.id, item);
    else if (seen.text === item.text) {
      byId.set(item.id, { ...seen, symbols: [...new Set([...seen.symbols, ...item.symbols])] });
      merged++;
    } else dropped++;
  }
  return { items: [...byId.values()], merged, dropped };
}
