import { z } from 'zod';
import { BUILTIN_EVENT_TYPES, importanceSchema } from '../../data/calendar.js';
import type { NewsItem } from '../../data/calendar.js';
import { RlError } from '../../core/errors.js';
import type { ParsedNews } from './news-event.js';

/**
 * The prompt and answer contract shared by the model-backed parsers (`openai`, `llama`): what is asked, the
 * JSON schema the answer is constrained to, and the zod schema it is validated with. Bump
 * {@link PROMPT_VERSION} whenever the prompt or the schema changes: it is part of every cache key.
 */
export const PROMPT_VERSION = 'news-events-v1';

/** Longest symbol list the model may return (a grammar-constrained model: 4 symbols of at most 8 characters). */
const MAX_SYMBOLS = 8;
const GBNF_MAX_SYMBOLS = 4;
const GBNF_MAX_SYMBOL_CHARS = 8;
/** Sentiment levels offered to grammar-constrained models (a grammar cannot bound a free number). */
export const SENTIMENT_LEVELS = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1] as const;

export const SYSTEM_PROMPT = [
  'You read financial news and turn each numbered item into a structured market event.',
  'For every item return an object with:',
  '- index: the number of the item;',
  '- type: "fomc" for central-bank rate decisions and monetary policy, "cpi" for inflation and price indices, "payrolls" for jobs reports and unemployment, "gdp" for economic output, "earnings" for company results, guidance and earnings per share, "news" for anything else;',
  '- importance: "high" for rate decisions, inflation and jobs reports, and for shocks that move the whole market; "medium" for earnings and GDP; "low" for other news;',
  '- sentiment: from -1 to 1, the effect on the company named or, for economic news, on stock markets as a whole (lower rates, lower inflation, more jobs and stronger growth are positive); 0 when neutral;',
  '- magnitude: the main number stated, signed by the direction of the change it describes ("cut rates by 50 basis points" gives -50, "CPI rose 0.4%" gives 0.4, "EPS beat by $0.12" gives 0.12), or null (empty text where a string is required) when there is none;',
  '- symbols: the stock ticker symbols named in the text, in upper case, or an empty list.',
  'Return exactly one object per item, in the order given, as JSON.',
].join('\n');

/**
 * The user message for a batch: one numbered line per item, whitespace collapsed and each text cut to
 * `maxChars` characters.
 *
 * @example
 * userPrompt(['Fed cuts rates', 'Acme beats estimates'], 500); // 'Items:\n1. Fed cuts rates\n2. Acme beats estimates'
 */
export function userPrompt(texts: readonly string[], maxChars: number): string {
  return ['Items:', ...texts.map((t, i) => `${i + 1}. ${clip(t, maxChars)}`)].join('\n');
}

/** The text of an item as it is sent (and cached): whitespace collapsed, cut to `maxChars`. */
export function clip(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? flat.slice(0, maxChars) : flat;
}

/**
 * The JSON schema of an answer for `n` items. `openai` is the structured-output dialect of OpenAI-compatible
 * servers (numbers bounded by minimum/maximum, `magnitude` a number or null); `gbnf` is for grammar-constrained
 * local models, where every string has a maximum length (an unbounded string may never close), sentiment is
 * one of {@link SENTIMENT_LEVELS} and `magnitude` a short string.
 */
export function answerJsonSchema(n: number, dialect: 'openai' | 'gbnf'): Record<string, unknown> {
  const gbnf = dialect === 'gbnf';
  const item = {
    type: 'object',
    properties: {
      index: gbnf ? { enum: Array.from({ length: n }, (_, i) => i + 1) } : { type: 'integer', minimum: 1, maximum: n },
      type: { enum: [...BUILTIN_EVENT_TYPES] },
      importance: { enum: [...importanceSchema.options] },
      sentiment: gbnf ? { enum: [...SENTIMENT_LEVELS] } : { type: 'number', minimum: -1, maximum: 1 },
      magnitude: gbnf ? { type: 'string', maxLength: 12 } : { type: ['number', 'null'] },
      symbols: gbnf ? { type: 'array', items: { type: 'string', maxLength: GBNF_MAX_SYMBOL_CHARS }, maxItems: GBNF_MAX_SYMBOLS } : { type: 'array', items: { type: 'string' }, maxItems: MAX_SYMBOLS },
    },
    required: ['index', 'type', 'importance', 'sentiment', 'magnitude', 'symbols'],
    additionalProperties: false,
  };
  return {
    type: 'object',
    properties: { events: { type: 'array', items: item, minItems: n, maxItems: n } },
    required: ['events'],
    additionalProperties: false,
  };
}

/** One item of an answer, as validated. */
export const llmItemSchema = z.strictObject({
  index: z.int().min(1),
  type: z.enum(BUILTIN_EVENT_TYPES),
  importance: importanceSchema,
  sentiment: z.number().min(-1).max(1),
  magnitude: z.union([z.number().finite(), z.string().max(32), z.null()]),
  symbols: z.array(z.string().max(32)).max(MAX_SYMBOLS),
});
export type LlmItemAnswer = z.infer<typeof llmItemSchema>;

const answerSchema = z.strictObject({ events: z.array(z.unknown()) });

/** What is cached per text: the model's fields, normalised. */
export const cachedParseSchema = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  importance: importanceSchema,
  sentiment: z.number().min(-1).max(1),
  magnitude: z.number().finite().optional(),
  symbols: z.array(z.string()),
});

/**
 * Validates a model's answer for a batch and returns one {@link ParsedNews} per item, in item order. `content`
 * is the raw text the model produced.
 *
 * Normalisation: a string magnitude must read as a plain decimal number (else there is none); symbols are
 * upper-cased, stripped of a leading `$`, and kept only when they look like tickers (`A`..`BRK.B`).
 *
 * @throws RlError (E_PARSER_OUTPUT) naming the item (its id) whose answer is missing or invalid, or every
 *   item of the batch when the answer is not JSON of the expected shape.
 */
export function validateAnswer(content: string, items: readonly NewsItem[], parserId: string): ParsedNews[] {
  const ids = items.map((i) => `"${i.id}"`).join(', ');
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new RlError(`parser ${parserId}: the answer for news item(s) ${ids} is not JSON: ${JSON.stringify(content.slice(0, 120))}`, 'E_PARSER_OUTPUT');
  }
  const top = answerSchema.safeParse(json);
  if (!top.success) throw new RlError(`parser ${parserId}: the answer for news item(s) ${ids} is not {"events": [...]}`, 'E_PARSER_OUTPUT');
  const byIndex = new Map<number, LlmItemAnswer>();
  top.data.events.forEach((raw, k) => {
    const r = llmItemSchema.safeParse(raw);
    const where = typeof (raw as { index?: unknown } | null)?.index === 'number' ? (raw as { index: number }).index : k + 1;
    const item = items[where - 1] ?? items[k];
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new RlError(`parser ${parserId}: invalid answer for news item "${item?.id ?? where}": ${issue.path.join('.') || 'item'}: ${issue.message}`, 'E_PARSER_OUTPUT');
    }
    byIndex.set(r.data.index, r.data);
  });
  return items.map((item, i) => {
    const a = byIndex.get(i + 1);
    if (a === undefined) throw new RlError(`parser ${parserId}: the answer has no event for news item "${item.id}" (index ${i + 1})`, 'E_PARSER_OUTPUT');
    return normalise(a);
  });
}

function normalise(a: LlmItemAnswer): ParsedNews {
  const magnitude = typeof a.magnitude === 'number' ? a.magnitude : typeof a.magnitude === 'string' && /^[+-]?\d+(\.\d+)?$/.test(a.magnitude.trim()) ? Number(a.magnitude.trim()) : undefined;
  const symbols = [...new Set(a.symbols.map((s) => s.trim().replace(/^\$/, '').toUpperCase()).filter((s) => /^[A-Z][A-Z0-9]{0,9}(\.[A-Z]{1,2})?$/.test(s)))];
  return { type: a.type, importance: a.importance, sentiment: a.sentiment, ...(magnitude !== undefined ? { magnitude } : {}), symbols };
}
