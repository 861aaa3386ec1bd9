/**
 * Dates as news data writes them, read without `new Date(string)` (which guesses at formats and time
 * zones). Every function returns epoch ms (UTC) or a sentence saying what was wrong, for the caller to
 * put in a DataError with its file, line and field.
 */

/** `YYYY-MM-DD`, optionally `[T ]HH:mm[:ss[.fraction]]` and a zone `Z`, `±HH:MM`, `±HHMM` or `±HH`. */
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Epoch ms before this (1973-03-03) are refused: such numbers are nearly always epoch seconds or YYYYMMDD. */
export const MIN_EPOCH_MS = 1e11;
/** Epoch ms from this on (year 5138) are refused: such numbers are epoch microseconds or nanoseconds. */
export const MAX_EPOCH_MS = 1e14;

/**
 * A news time: `YYYY-MM-DD` (UTC midnight), an ISO 8601 date-time (`2024-12-18T19:00:00Z`, with a space
 * instead of `T`, with an offset `-05:00`; without a zone it is read as UTC), or epoch milliseconds (a
 * number, or a string of digits). Fractions of a millisecond are truncated.
 *
 * @returns epoch ms (UTC), or `{ error }` describing the problem
 *
 * @example
 * parseNewsTime('2009-04-29 08:48:00-04:00'); // 1241009280000 (12:48 UTC)
 * parseNewsTime(1734548400000);               // 1734548400000
 * parseNewsTime('04/29/2009');                // { error: 'date "04/29/2009" is not YYYY-MM-DD, …' }
 */
export function parseNewsTime(raw: unknown): number | { error: string } {
  if (typeof raw === 'number') return epochMs(raw, String(raw));
  if (typeof raw !== 'string') return { error: `expected a date string or epoch ms, got ${raw === null ? 'null' : typeof raw}` };
  const s = raw.trim();
  if (/^-?\d+$/.test(s)) return epochMs(Number(s), s);
  const m = ISO_RE.exec(s);
  if (m === null) {
    return { error: `date ${JSON.stringify(raw)} is not YYYY-MM-DD, an ISO 8601 date-time (UTC unless it names an offset) or epoch ms` };
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x)));
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const offset = zoneOffsetMinutes(m[8]);
  if (offset === undefined) return { error: `date ${JSON.stringify(raw)} has an invalid UTC offset` };
  return utc(year, month, day, hour, minute, second, ms, offset, raw);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 822 zone names (US zones per RFC 822 §5.1); military single letters other than Z are refused. */
const ZONES: Record<string, number> = { ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };
const RFC822_RE = /^(?:[a-z]{3,9},?\s+)?(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,5})?$/i;

/**
 * An RSS `pubDate`: RFC 822/2822 (`Wed, 18 Dec 2024 19:00:00 GMT`, `18 Dec 2024 14:00:00 -0500`; a
 * two-digit year is 19xx from 50, else 20xx; no zone means UTC). Feeds that write ISO 8601 instead are
 * accepted too ({@link parseNewsTime}).
 *
 * @example
 * parseFeedDate('Wed, 18 Dec 2024 19:00:00 GMT'); // 1734548400000
 */
export function parseFeedDate(raw: string): number | { error: string } {
  const s = raw.trim().replace(/\s+/g, ' ');
  const m = RFC822_RE.exec(s);
  if (m === null) {
    const iso = parseNewsTime(s);
    return typeof iso === 'number' && /\D/.test(s) ? iso : { error: `date ${JSON.stringify(raw)} is neither RFC 822 (Wed, 18 Dec 2024 19:00:00 GMT) nor ISO 8601` };
  }
  const monthIndex = MONTHS.indexOf(m[2].slice(0, 3).toLowerCase());
  if (monthIndex < 0) return { error: `date ${JSON.stringify(raw)} has an unknown month "${m[2]}"` };
  let year = Number(m[3]);
  if (m[3].length === 2) year += year >= 50 ? 1900 : 2000;
  const zone = m[7];
  let offset = 0;
  if (zone !== undefined) {
    if (/^[+-]/.test(zone)) offset = zoneOffsetMinutes(zone) ?? NaN;
    else offset = ZONES[zone.toLowerCase()] ?? NaN;
    if (Number.isNaN(offset)) return { error: `date ${JSON.stringify(raw)} has an unknown time zone "${zone}"` };
  }
  return utc(year, monthIndex + 1, Number(m[1]), Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6]), 0, offset, raw);
}

/** `Z` → 0; `±HH`, `±HHMM`, `±HH:MM` → minutes east of UTC; absent → 0; out of range → undefined. */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (m === null) return undefined;
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 18 || min > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

function epochMs(n: number, shown: string): number | { error: string } {
  if (!Number.isFinite(n)) return { error: `time ${shown} is not a finite number` };
  if (Math.abs(n) < MIN_EPOCH_MS || Math.abs(n) >= MAX_EPOCH_MS) {
    return { error: `time ${shown} is not epoch milliseconds between 1973 and 5138 (epoch seconds? YYYYMMDD? write YYYY-MM-DD or multiply by 1000)` };
  }
  return Math.trunc(n);
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offsetMin: number, raw: string): number | { error: string } {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  // Date rolls 2021-02-30 over to 2021-03-02 and 25:00 to the next day; a real date reads back unchanged.
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { error: `date ${JSON.stringify(raw)} does not exist` };
  }
  return d.getTime() - offsetMin * 60_000;
}
