import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import type { EventParser, NewsItem } from '../../data/calendar.js';
import { DataError } from '../../core/errors.js';
import { NEUTRAL_BAND, sentimentClass } from './news-event.js';
import type { SentimentClass } from './news-event.js';

/**
 * Sentiment evaluation of a parser on labelled sentences (e.g. FinancialPhraseBank: `label,sentence` with
 * labels positive / negative / neutral). A parser's sentiment becomes a class through the neutral band
 * ({@link sentimentClass}); the figures are accuracy, macro-F1 (the unweighted mean of the three classes' F1)
 * and the majority-class baseline, on two fixed halves of the data:
 *
 * - **dev**: the half the lexicon was developed on;
 * - **test**: the other half, used only to report and to assert that the parser beats the baseline.
 *
 * A sentence's half is decided by a hash of its text ({@link splitOf}), so the split is the same on every
 * machine, independent of row order, and puts duplicate sentences in the same half.
 */

export const SENTIMENT_CLASSES: readonly SentimentClass[] = ['positive', 'negative', 'neutral'];

/** One labelled sentence. `line` is its 1-based line in the file. */
export interface LabeledText {
  readonly label: SentimentClass;
  readonly text: string;
  readonly line: number;
}

/** Salt of the dev/test split: changing it would re-deal the halves (and invalidate reported figures). */
export const SPLIT_SALT = 'phrasebank-split-v1';

/**
 * The half a sentence belongs to: `dev` when the first byte of SHA-256(`SPLIT_SALT\ntext`) is below 128.
 *
 * @example
 * splitOf('Operating profit rose to EUR 5mn .'); // 'dev' or 'test', the same on every run
 */
export function splitOf(text: string): 'dev' | 'test' {
  return createHash('sha256').update(`${SPLIT_SALT}\n${text}`).digest()[0] < 128 ? 'dev' : 'test';
}

/**
 * Reads a labelled CSV: a header with `label` and `sentence` (or `text`) columns, labels positive, negative
 * or neutral (case-insensitive).
 *
 * @throws DataError naming the file, line and field of the first bad row.
 */
export function readLabeledCsv(file: string): LabeledText[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot read: ${(e as Error).message}`);
  }
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true, info: true, skip_empty_lines: true, relax_column_count: false });
  } catch (e) {
    const line = e instanceof CsvError ? (e as CsvError & { lines?: number }).lines : undefined;
    throw new DataError(file, line, undefined, (e as Error).message);
  }
  const out: LabeledText[] = [];
  for (const { record, info } of rows) {
    const label = (record.label ?? '').trim().toLowerCase();
    const sentence = record.sentence ?? record.text;
    if (sentence === undefined) throw new DataError(file, 1, 'sentence', 'expected a "sentence" or "text" column');
    if (!(SENTIMENT_CLASSES as readonly string[]).includes(label)) throw new DataError(file, info.lines, 'label', `expected positive, negative or neutral, got "${record.label}"`);
    if (sentence.trim() === '') throw new DataError(file, info.lines, 'sentence', 'empty');
    out.push({ label: label as SentimentClass, text: sentence, line: info.lines });
  }
  return out;
}

/** Precision, recall and F1 of one class (0 where undefined), and its number of gold examples. */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** Classification figures on one set of sentences; fractions in [0, 1]. */
export interface SentimentScores {
  readonly n: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly majorityClass: SentimentClass;
  /** Accuracy of always answering the majority class of this set. */
  readonly majorityBaseline: number;
  readonly perClass: Readonly<Record<SentimentClass, ClassScores>>;
  /** confusion[gold][predicted] = count. */
  readonly confusion: Readonly<Record<SentimentClass, Readonly<Record<SentimentClass, number>>>>;
}

/**
 * Accuracy, macro-F1, per-class scores and the majority baseline of predictions against gold labels.
 *
 * @example
 * scoreSentiment(['positive', 'neutral'], ['positive', 'negative']).accuracy; // 0.5
 */
export function scoreSentiment(gold: readonly SentimentClass[], predicted: readonly SentimentClass[]): SentimentScores {
  if (gold.length !== predicted.length) throw new RangeError(`gold has ${gold.length} labels, predictions ${predicted.length}`);
  const confusion = Object.fromEntries(SENTIMENT_CLASSES.map((g) => [g, Object.fromEntries(SENTIMENT_CLASSES.map((p) => [p, 0]))])) as Record<SentimentClass, Record<SentimentClass, number>>;
  gold.forEach((g, i) => confusion[g][predicted[i]]++);
  const n = gold.length;
  const perClass = {} as Record<SentimentClass, ClassScores>;
  let correct = 0;
  for (const c of SENTIMENT_CLASSES) {
    const tp = confusion[c][c];
    const support = SENTIMENT_CLASSES.reduce((s, p) => s + confusion[c][p], 0);
    const predictedAs = SENTIMENT_CLASSES.reduce((s, g) => s + confusion[g][c], 0);
    const precision = predictedAs > 0 ? tp / predictedAs : 0;
    const recall = support > 0 ? tp / support : 0;
    perClass[c] = { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, support };
    correct += tp;
  }
  const majorityClass = SENTIMENT_CLASSES.reduce((best, c) => (perClass[c].support > perClass[best].support ? c : best));
  return {
    n,
    accuracy: n > 0 ? correct / n : 0,
    macroF1: SENTIMENT_CLASSES.reduce((s, c) => s + perClass[c].f1, 0) / SENTIMENT_CLASSES.length,
    majorityClass,
    majorityBaseline: n > 0 ? perClass[majorityClass].support / n : 0,
    perClass,
    confusion,
  };
}

/** A parser's figures on both halves and on all sentences. */
export interface SentimentEvaluation {
  readonly parser: string;
  readonly file: string;
  /** The neutral band used to turn sentiment into a class. */
  readonly band: number;
  readonly dev: SentimentScores;
  readonly test: SentimentScores;
  readonly all: SentimentScores;
}

/**
 * Runs a parser on labelled sentences (as news items, in batches of `batch`) and scores its sentiment.
 *
 * @example
 * const report = await evaluateSentiment(createBuiltinParser(), readLabeledCsv('phrasebank.csv'), { file: 'phrasebank.csv' });
 * report.test.accuracy - report.test.majorityBaseline; // ≥ 0.10 for the builtin parser
 */
export async function evaluateSentiment(
  parser: EventParser,
  rows: readonly LabeledText[],
  opts: { file: string; band?: number; batch?: number; onProgress?: (done: number, total: number) => void },
): Promise<SentimentEvaluation> {
  const band = opts.band ?? NEUTRAL_BAND;
  const batch = opts.batch ?? 256;
  const source = basename(opts.file);
  const predicted: SentimentClass[] = [];
  for (let start = 0; start < rows.length; start += batch) {
    const items: NewsItem[] = rows.slice(start, start + batch).map((r) => ({ id: `line-${r.line}`, time: 0, text: r.text, symbols: [], source }));
    const events = await parser.parse(items);
    if (events.length !== items.length) throw new RangeError(`parser ${parser.id} returned ${events.length} events for ${items.length} items`);
    for (const e of events) predicted.push(sentimentClass(e.sentiment ?? 0, band));
    opts.onProgress?.(Math.min(start + batch, rows.length), rows.length);
  }
  const subset = (half?: 'dev' | 'test'): SentimentScores => {
    const idx = rows.map((r, i) => (half === undefined || splitOf(r.text) === half ? i : -1)).filter((i) => i >= 0);
    return scoreSentiment(
      idx.map((i) => rows[i].label),
      idx.map((i) => predicted[i]),
    );
  };
  return { parser: parser.id, file: opts.file, band, dev: subset('dev'), test: subset('test'), all: subset() };
}
