import { ConfigError, DataError } from '../../core/errors.js';
import { eventId, sortEvents } from '../../data/calendar.js';
import type { CalendarEvent } from '../../data/calendar.js';
import { dayCell, defined, optionalNumber, parseCsvTable, parseIsoDay, readText } from '../calendar-files.js';

/**
 * Earnings announcements with EPS estimate and actual (`calendar/earnings_eps_to_2017.csv` layout:
 * `date,eps_estimate,eps_actual,ticker`; `eps_pct_diff`, `country`, `category` are ignored).
 *
 * Events (`type: 'earnings'`, `importance: 'medium'`, `scope: [ticker]`, `scheduled: true`,
 * `source.ref: 'builder:earnings'`): `actual` = reported EPS, `consensus` = the estimate (per share, the
 * file's currency), no `previous`. Time: 00:00 UTC of the announcement day (the file has no time of day, so
 * whether the report came before the open or after the close is unknown; the event belongs to that day's bar).
 * A missing estimate or actual leaves that field, and the surprise, absent.
 *
 * Surprise: the relative surprise r = (actual − estimate) / |estimate| divided by its cross-sectional
 * dispersion, a robust scale over every row of the file with a non-zero estimate (all tickers and dates,
 * before any filter, so one ticker's surprises do not depend on which others are selected):
 * 1.4826 · median |r − median r| (the MAD, scaled to equal σ for normal data; r is far too heavy-tailed for
 * the standard deviation, since estimates near zero give huge ratios). The result is clipped to ±`clip`
 * (default 10). An estimate of 0 gives no surprise. Positive = beat = good for the stock.
 */
export interface EarningsOptions {
  /** Keep only these tickers (case-insensitive). */
  tickers?: readonly string[];
  /** First announcement day `YYYY-MM-DD` inclusive. */
  from?: string;
  /** Last announcement day `YYYY-MM-DD` inclusive. */
  to?: string;
  /** Bound on |surprise| (default 10). */
  clip?: number;
}

const REF = 'builder:earnings';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Earnings events from the EPS file (rules: {@link EarningsOptions}).
 *
 * @throws DataError naming the file, line and column of a bad date, number or empty ticker, or a ticker
 *   reported twice on one day; ConfigError for a malformed `from`/`to`
 * @example
 * buildEarningsCalendar('../shared/data/calendar/earnings_eps_to_2017.csv', { tickers: ['AAPL'] });
 * // AAPL's quarterly reports: { type: 'earnings', scope: ['AAPL'], actual: 0.77, consensus: 0.66, surprise: … }
 */
export function buildEarningsCalendar(file: string, opts: EarningsOptions = {}): CalendarEvent[] {
  const clip = opts.clip ?? 10;
  const tickers = opts.tickers === undefined ? undefined : new Set(opts.tickers.map((t) => t.toUpperCase()));
  const bound = (raw: string | undefined, name: string, dflt: number) => {
    if (raw === undefined) return dflt;
    const t = parseIsoDay(raw);
    if (t === undefined) throw new ConfigError(`earnings.${name}`, `${JSON.stringify(raw)} is not YYYY-MM-DD`);
    return t;
  };
  const from = bound(opts.from, 'from', -Infinity);
  const to = bound(opts.to, 'to', Infinity);

  const rows = parseCsvTable(readText(file), file, ['date', 'eps_estimate', 'eps_actual', 'ticker']).map((row) => {
    const ticker = row.get('ticker');
    if (ticker === '') throw new DataError(file, row.line, 'ticker', 'empty ticker');
    const estimate = optionalNumber(row.get('eps_estimate'), file, row.line, 'eps_estimate');
    const actual = optionalNumber(row.get('eps_actual'), file, row.line, 'eps_actual');
    const rel = estimate !== undefined && actual !== undefined && estimate !== 0 ? (actual - estimate) / Math.abs(estimate) : undefined;
    return { line: row.line, day: dayCell(row, 'date', file), ticker, estimate, actual, rel };
  });
  const rels = rows.flatMap((r) => (r.rel === undefined ? [] : [r.rel]));
  const center = median(rels);
  const scale = 1.4826 * median(rels.map((r) => Math.abs(r - center)));

  const seen = new Map<string, number>();
  const events: CalendarEvent[] = [];
  for (const r of rows) {
    if (tickers !== undefined && !tickers.has(r.ticker.toUpperCase())) continue;
    if (r.day < from || r.day > to) continue;
    const surprise = r.rel !== undefined && scale > 0 ? Math.max(-clip, Math.min(clip, r.rel / scale)) : undefined;
    const e = {
      time: r.day,
      type: 'earnings',
      scope: [r.ticker],
      importance: 'medium' as const,
      scheduled: true,
      ...defined({ actual: r.actual, consensus: r.estimate, surprise }),
      source: { kind: 'calendar' as const, ref: REF },
    };
    const id = eventId(e);
    const other = seen.get(id);
    if (other !== undefined) throw new DataError(file, r.line, 'ticker', `${r.ticker} reports twice on this day (also line ${other})`);
    seen.set(id, r.line);
    events.push({ ...e, id });
  }
  return sortEvents(events);
}
