import { parseCsvRecords } from '../../data/csv.js';
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import { newsItemSchema } from '../../data/calendar.js';
import type { NewsItem } from '../../data/calendar.js';
import { defineNewsSource, newsItemId } from './source.js';
import { parseNewsTime } from './time.js';

export const NEWS_FILE_FORMATS = ['csv', 'json', 'jsonl'] as const;
export type NewsFileFormat = (typeof NEWS_FILE_FORMATS)[number];

/** Which column (CSV header, or JSON key) holds what. */
export const newsColumnsSchema = z.strictObject({
  time: z.string().min(1).default('date').describe('the date column: YYYY-MM-DD, ISO 8601 date-time (UTC unless it names an offset) or epoch ms'),
  text: z.string().min(1).default('text').describe('the headline or text column'),
  symbols: z.string().min(1).optional().describe('tickers: one per row, or several separated by "," ";" "|" or spaces (JSON: also an array)'),
  id: z.string().min(1).optional().describe('a stable item id; when absent (or empty) the id is a hash of source, time and text'),
});
export type NewsColumns = z.infer<typeof newsColumnsSchema>;

/** `{ kind: 'file', path, format?, columns }` as stored in the project config. */
export const fileSourceConfigSchema = z.strictObject({
  kind: z.literal('file'),
  path: z.string().min(1).describe('the file; a relative path resolves against the project directory'),
  format: z.enum(NEWS_FILE_FORMATS).optional().describe('csv | json (an array of objects) | jsonl; default: from the extension'),
  columns: newsColumnsSchema.prefault({}),
});
export type FileSourceConfig = z.infer<typeof fileSourceConfigSchema>;

/** Options of {@link parseNewsFile}. */
export interface NewsFileOptions {
  /** Named in errors. */
  readonly file: string;
  readonly format: NewsFileFormat;
  readonly columns: NewsColumns;
  /** Written to each item's `source` and mixed into generated ids. */
  readonly source: string;
}

/**
 * News items from the text of a CSV, JSON (an array of objects) or JSONL file, one item per row, in file
 * order. CSV headers match the column names exactly, else case-insensitively after trimming; JSON keys
 * match exactly. Every row is validated, and the first problem throws.
 *
 * @throws DataError naming the file, the 1-based line (header = line 1; for a JSON array, the line where
 *   the element starts) and the field (the file's own column name)
 *
 * @example
 * parseNewsFile('date,headline\n2023-02-01,Fed raises rates\n', { file: 'h.csv', format: 'csv', columns: { time: 'date', text: 'headline' }, source: 'h' });
 * // [{ id: '…', time: 1675209600000, text: 'Fed raises rates', symbols: [], source: 'h' }]
 */
export function parseNewsFile(text: string, opts: NewsFileOptions): NewsItem[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (opts.format === 'csv') return parseCsv(body, opts);
  const rows = opts.format === 'json' ? jsonRows(body, opts.file) : jsonlRows(body, opts.file);
  return rows.map(({ value, line }) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DataError(opts.file, line, undefined, 'expected an object');
    const row = value as Record<string, unknown>;
    return toItem((col) => row[col], line, opts);
  });
}

/**
 * Reads a news file; the format defaults to the extension (`.csv`, `.json`, `.jsonl` or `.ndjson`).
 *
 * @throws DataError when the file cannot be read, its format is unknown, or a row is invalid
 *
 * @example
 * const items = readNewsFile('data/headlines.csv', { columns: { time: 'date', text: 'title', symbols: 'ticker' }, source: 'benzinga' });
 */
export function readNewsFile(file: string, opts: { format?: NewsFileFormat; columns: NewsColumns; source: string }): NewsItem[] {
  const format = opts.format ?? formatFromExtension(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot read file: ${(e as Error).message}`);
  }
  return parseNewsFile(text, { file, format, columns: opts.columns, source: opts.source });
}

/** The format a file's extension implies. @throws DataError for any other extension. */
export function formatFromExtension(file: string): NewsFileFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new DataError(file, undefined, undefined, `cannot tell the format from the extension "${ext}": set format to csv, json or jsonl`);
}

/**
 * The `file` source kind: a CSV, JSON or JSONL file read whole on every `read()`.
 *
 * @example
 * openNewsSource(registry, { name: 'benzinga', kind: 'file', path: 'news/benzinga.csv', columns: { time: 'datetime', text: 'title', symbols: 'ticker' } }, { baseDir: '.' });
 */
export const fileSource = defineNewsSource({
  id: 'file',
  description: 'a CSV, JSON (array) or JSONL file with a date column and a text column',
  configSchema: fileSourceConfigSchema,
  create: (config, ctx) => {
    const file = isAbsolute(config.path) ? config.path : resolve(ctx.baseDir, config.path);
    return {
      name: ctx.name,
      kind: 'file',
      read: async () => ({ items: readNewsFile(file, { format: config.format, columns: config.columns, source: ctx.name }), notModified: false }),
    };
  },
});

function parseCsv(text: string, opts: NewsFileOptions): NewsItem[] {
  const { file } = opts;
  const { records, lines } = parseCsvRecords(text, file);
  if (records.length === 0) throw new DataError(file, 1, undefined, 'empty file: expected a header row');
  const header = records[0].record;
  const index = new Map<string, number>();
  for (const col of [opts.columns.time, opts.columns.text, opts.columns.symbols, opts.columns.id]) {
    if (col === undefined) continue;
    let i = header.indexOf(col);
    if (i < 0) i = header.findIndex((h) => h.trim().toLowerCase() === col.trim().toLowerCase());
    if (i < 0) throw new DataError(file, 1, col, `no column "${col}" in the header (columns: ${header.join(', ')})`);
    index.set(col, i);
  }
  const items: NewsItem[] = [];
  let prevEnd = records[0].info.bytes;
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    // Lines come from byte offsets: csv-parse counts a CRLF inside a quoted field twice (see data/csv.ts).
    const line = lines.lineAt(lines.skipBlank(prevEnd));
    prevEnd = info.bytes;
    if (record.length !== header.length) throw new DataError(file, line, undefined, `expected ${header.length} fields (${header.join(',')}), got ${record.length}`);
    items.push(toItem((col) => record[index.get(col) as number], line, opts));
  }
  return items;
}

/** One row → a validated item; `cell(column)` reads the row's value for a configured column name. */
function toItem(cell: (column: string) => unknown, line: number | undefined, opts: NewsFileOptions): NewsItem {
  const { file, columns } = opts;
  const rawTime = cell(columns.time);
  if (rawTime === undefined || rawTime === '') throw new DataError(file, line, columns.time, 'missing date');
  const time = parseNewsTime(rawTime);
  if (typeof time !== 'number') throw new DataError(file, line, columns.time, time.error);
  const rawText = cell(columns.text);
  if (typeof rawText !== 'string') throw new DataError(file, line, columns.text, rawText === undefined ? 'missing text' : `expected a string, got ${JSON.stringify(rawText)}`);
  const text = rawText.trim();
  if (text === '') throw new DataError(file, line, columns.text, 'empty text');
  const symbols = columns.symbols === undefined ? [] : readSymbols(cell(columns.symbols), file, line, columns.symbols);
  let id: string | undefined;
  if (columns.id !== undefined) {
    const raw = cell(columns.id);
    // Large numeric ids (tweet ids) lose digits as JSON numbers: write them as strings in JSON files.
    if (typeof raw === 'number' && Number.isSafeInteger(raw)) id = String(raw);
    else if (typeof raw === 'string') id = raw.trim() || undefined;
    else if (raw !== undefined && raw !== null) throw new DataError(file, line, columns.id, `expected a string or a safe integer, got ${JSON.stringify(raw)}`);
  }
  const result = newsItemSchema.safeParse({ id: id ?? newsItemId(opts.source, time, text), time, text, symbols, source: opts.source });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new DataError(file, line, issue.path.join('.') || undefined, issue.message);
  }
  return result.data;
}

function readSymbols(raw: unknown, file: string, line: number | undefined, col: string): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const parts = typeof raw === 'string' ? raw.split(/[,;|\s]+/) : Array.isArray(raw) ? raw : undefined;
  if (parts === undefined || parts.some((s) => typeof s !== 'string')) throw new DataError(file, line, col, `expected a string or an array of strings, got ${JSON.stringify(raw)}`);
  return [...new Set((parts as string[]).map((s) => s.trim()).filter((s) => s !== ''))];
}

function jsonRows(text: string, file: string): { value: unknown; line: number | undefined }[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    throw new DataError(file, at ? lineOfOffset(text, Number(at[1])) : undefined, undefined, `not valid JSON: ${message}`);
  }
  if (!Array.isArray(value)) throw new DataError(file, 1, undefined, 'expected a JSON array of objects');
  const offsets = arrayElementOffsets(text);
  return value.map((v, i) => ({ value: v, line: offsets[i] === undefined ? undefined : lineOfOffset(text, offsets[i]) }));
}

function jsonlRows(text: string, file: string): { value: unknown; line: number }[] {
  const rows: { value: unknown; line: number }[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      rows.push({ value: JSON.parse(raw), line: i + 1 });
    } catch (e) {
      throw new DataError(file, i + 1, undefined, `not valid JSON: ${(e as Error).message}`);
    }
  });
  return rows;
}

/** Offsets where each element of a (valid) top-level JSON array starts, for line numbers in errors. */
function arrayElementOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (depth === 1 && expectValue && c !== ']') {
      out.push(i);
      expectValue = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectValue = true;
  }
  return out;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) line++;
  }
  return line;
}

