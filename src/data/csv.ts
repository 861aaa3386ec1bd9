import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import type { InfoRecord } from 'csv-parse/sync';
import { DataError } from '../core/errors.js';
import { DAY_MS } from './bars.js';
import type { Bars } from './bars.js';

/**
 * Daily bars from CSV text.
 *
 * The header (line 1) is matched case-insensitively after trimming. Required: `date`, `open`, `high`, `low`,
 * `close`, `volume`; optional: `spread` (quoted bid-ask spread as a fraction of price) and `adj_close`
 * (also spelled `adjclose`, `adj close`, `Adj Close`). Other columns are ignored.
 *
 * `adj_close` is accepted but ignored for now: prices stay raw, so the env trades the prices that were
 * quoted on each day. (In the built-in S&P 500 file `adjclose` equals `close` on every row, so nothing is
 * lost there; an index has no dividends or splits to adjust for.)
 *
 * Dates are `YYYY-MM-DD` or a full UTC date-time `YYYY-MM-DDTHH:mm:ss(.sss)Z`, stored as epoch ms (UTC).
 * Nothing else is accepted: locale formats such as `01/02/2020` are ambiguous, and `new Date(str)` guesses.
 *
 * Every row is validated: numbers are plain decimals and finite; prices > 0; high ≥ low;
 * high ≥ max(open, close); low ≤ min(open, close); volume ≥ 0; spread ≥ 0; dates strictly increasing;
 * the same number of fields as the header. The first problem throws a {@link DataError} whose `line` is the
 * 1-based physical line in the file (header = line 1), correct across blank lines, CRLF line endings and
 * quoted fields that span lines.
 *
 * @param text - the whole file's contents (a leading UTF-8 BOM is ignored)
 * @param opts.file - the name used in error messages and, by default, for the symbol
 * @param opts.symbol - defaults to the file's basename without extension, upper-cased (`spy.csv` → `SPY`)
 * @returns bars with `Float64Array` columns; prices in the file's currency, volume in shares
 * @throws DataError (code `E_DATA`) naming the file, line and field of the first invalid value
 *
 * @example
 * const bars = parseBarsCsv('date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,1000\n', { file: 'x.csv' });
 * bars.symbol;   // 'X'
 * bars.close[0]; // 10.5
 */
export function parseBarsCsv(text: string, opts: { file: string; symbol?: string }): Bars {
  const { file } = opts;
  const { records, lines } = parseCsvRecords(text, file);
  if (records.length === 0) throw new DataError(file, 1, undefined, 'empty file: expected a header row');

  const header = records[0].record;
  const col = resolveColumns(header, file);
  const n = records.length - 1;
  if (n === 0) throw new DataError(file, undefined, undefined, 'no data rows after the header');

  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const spread = col.spread !== undefined ? new Float64Array(n) : undefined;

  let prevEnd = records[0].info.bytes;
  let prevLine = 1;
  for (let i = 0; i < n; i++) {
    const { record, info } = records[i + 1];
    // The record starts at the first non-blank byte after the previous record: csv-parse's own line
    // counter counts a CRLF inside a quoted field twice, so lines are derived from byte offsets instead.
    const line = lines.lineAt(lines.skipBlank(prevEnd));
    prevEnd = info.bytes;
    if (record.length !== header.length) {
      throw new DataError(file, line, undefined, `expected ${header.length} fields (${header.join(',')}), got ${record.length}`);
    }
    const cell = (name: string, index: number): number => parseNumber(record[index], file, line, name);

    const t = parseDate(record[col.date], file, line);
    if (i > 0 && t <= time[i - 1]) {
      const prev = formatDate(time[i - 1]);
      const detail =
        t === time[i - 1]
          ? `duplicate date ${record[col.date]} (also on line ${prevLine})`
          : `date ${record[col.date]} is before ${prev} on line ${prevLine}: rows must be sorted by date, strictly increasing`;
      throw new DataError(file, line, 'date', detail);
    }
    prevLine = line;

    const o = cell('open', col.open);
    const h = cell('high', col.high);
    const l = cell('low', col.low);
    const c = cell('close', col.close);
    const v = cell('volume', col.volume);
    for (const [name, x] of [['open', o], ['high', h], ['low', l], ['close', c]] as const) {
      if (!(x > 0)) throw new DataError(file, line, name, `${name} ${x} must be > 0`);
    }
    if (h < l) throw new DataError(file, line, 'high', `high ${h} < low ${l}`);
    if (h < Math.max(o, c)) throw new DataError(file, line, 'high', `high ${h} < max(open, close) ${Math.max(o, c)}`);
    if (l > Math.min(o, c)) throw new DataError(file, line, 'low', `low ${l} > min(open, close) ${Math.min(o, c)}`);
    if (!(v >= 0)) throw new DataError(file, line, 'volume', `volume ${v} must be ≥ 0`);
    if (spread !== undefined && col.spread !== undefined) {
      const s = cell('spread', col.spread);
      if (!(s >= 0)) throw new DataError(file, line, 'spread', `spread ${s} must be ≥ 0`);
      spread[i] = s;
    }

    time[i] = t;
    open[i] = o;
    high[i] = h;
    low[i] = l;
    close[i] = c;
    volume[i] = v;
  }

  const symbol = opts.symbol ?? symbolFromFile(file);
  return { symbol, time, open, high, low, close, volume, ...(spread ? { spread } : {}), length: n };
}

/**
 * Reads and parses a daily-bars CSV file; see {@link parseBarsCsv} for the accepted format.
 *
 * @param file - path to the CSV file (UTF-8)
 * @param opts.symbol - defaults to the basename without extension, upper-cased (`data/spy.csv` → `SPY`)
 * @throws DataError (code `E_DATA`) if the file cannot be read or any row is invalid
 *
 * @example
 * const bars = loadBarsCsv('data/prices/SPY.csv'); // bars.symbol === 'SPY'
 */
export function loadBarsCsv(file: string, opts: { symbol?: string } = {}): Bars {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(file, undefined, undefined, `cannot read file: ${(err as Error).message}`);
  }
  return parseBarsCsv(text, { file, symbol: opts.symbol ?? symbolFromFile(file) });
}

/**
 * Writes bars as CSV: `date,open,high,low,close,volume[,spread]`, LF line endings, a trailing newline.
 * Dates at UTC midnight are written `YYYY-MM-DD`, other times as full ISO date-times (so intraday bars
 * survive too); numbers use the shortest round-trip form (`String(x)`), so
 * `parseBarsCsv(formatBarsCsv(bars))` reproduces every column exactly. The symbol is not written.
 *
 * @throws RangeError if a time is not finite or falls outside years 0000–9999
 *
 * @example
 * writeFileSync('spx.csv', formatBarsCsv(loadBuiltinSp500()));
 */
export function formatBarsCsv(bars: Bars): string {
  const out: string[] = [bars.spread ? 'date,open,high,low,close,volume,spread' : 'date,open,high,low,close,volume'];
  for (let i = 0; i < bars.length; i++) {
    const row = [formatDate(bars.time[i]), bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]].map(String);
    if (bars.spread) row.push(String(bars.spread[i]));
    out.push(row.join(','));
  }
  return out.join('\n') + '\n';
}

/** First line of a returns-only CSV (`rl generate --returns-only`): one column of natural-log returns. */
export const RETURNS_CSV_HEADER = 'log_return\n';

/** Most bytes one row of a returns-only CSV takes: the longest `String(x)` of a double, e.g. `-0.0000033333333333333333`, plus its LF. */
export const MAX_RETURN_ROW_BYTES = 26;

/**
 * The rows of a returns-only CSV as ASCII bytes: one value per line in the shortest form that round-trips
 * (`String(x)`, so `Number(line)` gives back the exact double), every line ending in LF. The bytes are written
 * straight into a Buffer, without an intermediate string of the whole chunk: this is the hot loop of writing
 * a long path.
 *
 * @param target where to write (reused across chunks by streaming writers); at least
 *   values.length × {@link MAX_RETURN_ROW_BYTES} bytes. Default: a new Buffer.
 * @returns the bytes written, a view of `target`.
 * @throws RangeError if `target` is too small.
 * @example
 * formatReturnsRows(Float64Array.of(0.01, -2.5e-7)).toString(); // '0.01\n-2.5e-7\n'
 */
export function formatReturnsRows(values: Float64Array, target: Buffer = Buffer.allocUnsafe(values.length * MAX_RETURN_ROW_BYTES)): Buffer {
  if (target.length < values.length * MAX_RETURN_ROW_BYTES) throw new RangeError(`target holds ${target.length} bytes, needs ${values.length * MAX_RETURN_ROW_BYTES}`);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const text = String(values[i]);
    for (let j = 0; j < text.length; j++) target[at++] = text.charCodeAt(j);
    target[at++] = 10;
  }
  return target.subarray(0, at);
}

/**
 * A whole returns-only CSV: {@link RETURNS_CSV_HEADER}, then {@link formatReturnsRows}. For arrays that fit in
 * memory; long paths are written chunk by chunk (see `generateReturnsDataset`).
 *
 * @example
 * formatReturnsCsv(Float64Array.of(0.01, -0.02)); // 'log_return\n0.01\n-0.02\n'
 */
export function formatReturnsCsv(values: Float64Array): string {
  return RETURNS_CSV_HEADER + formatReturnsRows(values).toString('latin1');
}

/** The default symbol for a file: basename without extension, upper-cased. */
function symbolFromFile(file: string): string {
  return basename(file, extname(file)).toUpperCase();
}

interface ColumnIndex {
  date: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  spread?: number;
  adj_close?: number;
}

const REQUIRED = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
const ALIASES: Readonly<Record<string, keyof ColumnIndex>> = {
  date: 'date',
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
  spread: 'spread',
  adj_close: 'adj_close',
  adjclose: 'adj_close',
  'adj close': 'adj_close',
};

function resolveColumns(header: readonly string[], file: string): ColumnIndex {
  const found: Partial<Record<keyof ColumnIndex, number>> = {};
  header.forEach((raw, index) => {
    const key = ALIASES[raw.trim().toLowerCase().replace(/\s+/g, ' ')];
    if (key === undefined) return; // extra columns are allowed and ignored
    if (found[key] !== undefined) throw new DataError(file, 1, key, `duplicate column "${raw}" (also column ${found[key] + 1})`);
    found[key] = index;
  });
  const missing = REQUIRED.filter((name) => found[name] === undefined);
  if (missing.length > 0) {
    const others = missing.length > 1 ? `; also missing: ${missing.slice(1).join(', ')}` : '';
    throw new DataError(file, 1, missing[0], `missing required column${others} (header: ${header.join(',')})`);
  }
  return found as ColumnIndex;
}

// Plain decimals only: Number() would also accept '', '0x1A', 'Infinity' and whitespace.
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(raw: string, file: string, line: number, field: string): number {
  const x = NUMBER_RE.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(x)) throw new DataError(file, line, field, `${field} ${JSON.stringify(raw)} is not a finite number`);
  return x;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z)?$/;

/** Epoch ms (UTC) of an ISO date or UTC date-time; rejects other formats and dates that do not exist. */
function parseDate(raw: string, file: string, line: number): number {
  const m = DATE_RE.exec(raw);
  if (m === null) {
    throw new DataError(file, line, 'date', `date ${JSON.stringify(raw)} is not YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss(.sss)Z`);
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((s) => (s === undefined ? 0 : Number(s)));
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  // Date rolls 2021-02-30 over to 2021-03-02 and 25:00 to the next day; a real date reads back unchanged.
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DataError(file, line, 'date', `date ${JSON.stringify(raw)} does not exist`);
  }
  return d.getTime();
}

/** `YYYY-MM-DD` for a UTC midnight, else the full ISO date-time (both accepted by {@link parseDate}). */
function formatDate(t: number): string {
  const iso = new Date(t).toISOString(); // throws RangeError for non-finite times
  if (!/^\d{4}-/.test(iso)) throw new RangeError(`time ${t} is outside years 0000–9999`);
  return t % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}

/** One parsed CSV row with csv-parse's position info. */
export interface CsvRecord {
  readonly record: string[];
  readonly info: InfoRecord;
}

/**
 * Parses CSV text into trimmed records (ragged rows allowed, blank lines skipped), with a {@link LineIndex}
 * to turn csv-parse's byte offsets into line numbers. A BOM is dropped.
 * @throws DataError naming the file and the line of malformed CSV.
 */
export function parseCsvRecords(text: string, file: string): { records: CsvRecord[]; lines: LineIndex } {
  // Offsets are byte offsets into this buffer, which csv-parse reports as `info.bytes`.
  const buf = Buffer.from(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 'utf8');
  const lines = new LineIndex(buf);
  try {
    // With `info: true` each record arrives as { record, info }; the typings only describe the plain form.
    // Column counts are checked by callers rather than by csv-parse so the error carries their line and context.
    const options = { info: true, relax_column_count: true, skip_empty_lines: true, trim: true };
    return { records: parse(buf, options) as unknown as CsvRecord[], lines };
  } catch (err) {
    if (err instanceof CsvError) {
      // `bytes` points at the end of the last field parsed before the error, within the offending record.
      const at = typeof err.bytes === 'number' ? lines.lineAt(lines.skipBlank(err.bytes)) : undefined;
      throw new DataError(file, at, undefined, `malformed CSV (${err.code}): ${err.message}`);
    }
    throw err;
  }
}

/** Maps byte offsets to 1-based physical line numbers; CRLF, LF and lone CR each end one line. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly buf: Buffer) {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (b === 0x0a || (b === 0x0d && buf[i + 1] !== 0x0a)) this.starts.push(i + 1);
    }
  }

  /** The first offset ≥ `offset` that is not whitespace (skips the blank lines csv-parse skips). */
  skipBlank(offset: number): number {
    let i = offset;
    while (i < this.buf.length && (this.buf[i] === 0x20 || (this.buf[i] >= 0x09 && this.buf[i] <= 0x0d))) i++;
    return i;
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
