import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CalendarEvent, EventParser } from '../../data/calendar.js';
import { createBuiltinParser } from './builtin.js';
import { evaluateSentiment, readLabeledCsv, scoreSentiment, splitOf } from './evaluate.js';

const dir = mkdtempSync(join(tmpdir(), 'rl-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scoreSentiment', () => {
  it('computes accuracy, per-class precision/recall/F1, macro-F1 and the majority baseline', () => {
    const gold = ['positive', 'positive', 'negative', 'neutral', 'neutral', 'neutral'] as const;
    const pred = ['positive', 'neutral', 'negative', 'neutral', 'neutral', 'positive'] as const;
    const s = scoreSentiment(gold, pred);
    expect(s.n).toBe(6);
    expect(s.accuracy).toBeCloseTo(4 / 6, 12);
    expect(s.perClass.positive).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(s.perClass.negative).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
    expect(s.perClass.neutral.precision).toBeCloseTo(2 / 3, 12);
    expect(s.perClass.neutral.recall).toBeCloseTo(2 / 3, 12);
    expect(s.macroF1).toBeCloseTo((0.5 + 1 + 2 / 3) / 3, 12);
    expect(s.majorityClass).toBe('neutral');
    expect(s.majorityBaseline).toBe(0.5);
    expect(s.confusion.neutral.positive).toBe(1);
  });

  it('a class never predicted has precision 0, not NaN', () => {
    const s = scoreSentiment(['positive', 'negative'], ['positive', 'positive']);
    expect(s.perClass.negative).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(Number.isNaN(s.macroF1)).toBe(false);
  });
});

describe('splitOf', () => {
  it('is a fixed function of the text that splits roughly in half', () => {
    expect(splitOf('Operating profit rose to EUR 5mn .')).toBe(splitOf('Operating profit rose to EUR 5mn .'));
    const halves = Array.from({ length: 2000 }, (_, i) => splitOf(`sentence ${i}`));
    const dev = halves.filter((h) => h === 'dev').length;
    expect(dev).toBeGreaterThan(900);
    expect(dev).toBeLessThan(1100);
  });
});

describe('readLabeledCsv', () => {
  it('reads label,sentence rows with their line numbers', () => {
    const f = join(dir, 'ok.csv');
    writeFileSync(f, 'label,sentence\nPositive,"Sales rose , strongly ."\nneutral,The firm has 10 staff .\n');
    expect(readLabeledCsv(f)).toEqual([
      { label: 'positive', text: 'Sales rose , strongly .', line: 2 },
      { label: 'neutral', text: 'The firm has 10 staff .', line: 3 },
    ]);
  });

  it('names the file, line and field of a bad label', () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'label,sentence\nneutral,ok\nhappy,bad label\n');
    expect(() => readLabeledCsv(f)).toThrow(expect.objectContaining({ code: 'E_DATA', line: 3, field: 'label' }));
  });
});

describe('evaluateSentiment', () => {
  it('runs the parser in batches and reports dev, test and all', async () => {
    const f = join(dir, 'small.csv');
    const rows = ['label,sentence'];
    for (let i = 0; i < 30; i++) rows.push(`positive,Net sales increased by ${i + 1} % .`, `negative,Operating loss widened to EUR ${i + 1} mn .`, `neutral,The company has ${i + 10} offices .`);
    writeFileSync(f, `${rows.join('\n')}\n`);
    const progress: number[] = [];
    const report = await evaluateSentiment(createBuiltinParser(), readLabeledCsv(f), { file: f, batch: 25, onProgress: (d) => progress.push(d) });
    expect(progress).toEqual([25, 50, 75, 90]);
    expect(report.all.n).toBe(90);
    expect(report.dev.n + report.test.n).toBe(90);
    expect(report.all.accuracy).toBe(1);
  });

  it('rejects a parser that drops items', async () => {
    const f = join(dir, 'two.csv');
    writeFileSync(f, 'label,sentence\nneutral,a\nneutral,b\n');
    const lossy: EventParser = { id: 'lossy', parse: (): Promise<CalendarEvent[]> => Promise.resolve([]) };
    await expect(evaluateSentiment(lossy, readLabeledCsv(f), { file: f })).rejects.toThrow(/returned 0 events for 2 items/);
  });
});
