import { calendarEventSchema, eventId } from '../../data/calendar.js';
import type { CalendarEvent, Importance, NewsItem } from '../../data/calendar.js';
import { RlError } from '../../core/errors.js';
import { MACRO_TYPES } from './lexicon.js';

/**
 * What every parser reads from one news item, before it becomes a {@link CalendarEvent}. Parsers differ in
 * how they get these fields (a lexicon, a remote model, a local model); the event is built the same way.
 */
export interface ParsedNews {
  /** Event type: `fomc`, `cpi`, `payrolls`, `gdp`, `earnings` or `news`. */
  readonly type: string;
  /** −1 (bad for the affected asset or for risk assets) .. 1 (good). */
  readonly sentiment: number;
  readonly importance: Importance;
  /**
   * A size stated in the text, signed by the direction of the change it describes, in the text's own unit:
   * basis points for rates (`cut by 50 basis points` → −50), percent for growth and prices (`CPI rose 0.4%` →
   * 0.4), currency for per-share surprises (`EPS beat by $0.12` → 0.12).
   */
  readonly magnitude?: number;
  /** Ticker symbols named in the text (upper case), beside the item's own `symbols`. */
  readonly symbols: readonly string[];
}

/** |sentiment| below this is read as neutral when a class is needed (evaluation, summaries). */
export const NEUTRAL_BAND = 0.2;

export type SentimentClass = 'positive' | 'negative' | 'neutral';

/**
 * The class of a sentiment: neutral inside (−band, band), else its sign.
 *
 * @example
 * sentimentClass(0.6); // 'positive'
 * sentimentClass(-0.1); // 'neutral'
 */
export function sentimentClass(sentiment: number, band = NEUTRAL_BAND): SentimentClass {
  if (sentiment >= band) return 'positive';
  if (sentiment <= -band) return 'negative';
  return 'neutral';
}

/**
 * The event of one news item.
 *
 * - `scope`: the item's symbols and those named in the text; macro types (`fomc`, `cpi`, `payrolls`, `gdp`)
 *   always include `market`, and an event naming no symbol is `['market']`.
 * - `surprise` equals `sentiment`: news has no consensus to differ from, so the tone of the text stands in
 *   for the standardised surprise (same sign convention: + good for risk assets). The event study that fits
 *   responses to surprise scales it per type.
 * - `id`: {@link eventId} of type, time, scope and `source.ref#item.id` — the item id keeps two items from the
 *   same source at the same instant apart. `source.ref` itself is the item's source.
 *
 * @example
 * toNewsEvent({ id: 'n1', time: 0, text: 'Fed cuts rates', symbols: [], source: 'wire' },
 *   { type: 'fomc', sentiment: 0.5, importance: 'high', symbols: [] }, 'builtin').scope; // ['market']
 * @throws RlError (E_PARSER_OUTPUT) naming the item when the fields do not make a valid event.
 */
export function toNewsEvent(item: NewsItem, parsed: ParsedNews, parserId: string): CalendarEvent {
  const symbols = unique([...item.symbols.map((s) => s.trim()).filter((s) => s !== ''), ...parsed.symbols]);
  const scope = MACRO_TYPES.has(parsed.type) ? unique(['market', ...symbols]) : symbols.length > 0 ? symbols : ['market'];
  const source = { kind: 'news' as const, ref: item.source, parser: parserId };
  const event = {
    id: eventId({ type: parsed.type, time: item.time, scope, source: { ref: `${item.source}#${item.id}` } }),
    time: item.time,
    type: parsed.type,
    scope,
    importance: parsed.importance,
    scheduled: false,
    surprise: parsed.sentiment,
    sentiment: parsed.sentiment,
    ...(parsed.magnitude !== undefined ? { magnitude: parsed.magnitude } : {}),
    text: item.text,
    source,
  };
  const result = calendarEventSchema.safeParse(event);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RlError(`parser ${parserId}: news item "${item.id}" gives an invalid event: ${issue.path.join('.')}: ${issue.message}`, 'E_PARSER_OUTPUT');
  }
  return result.data;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
