/**
 * The builtin parser's sentiment on FinancialPhraseBank (../shared/data/news/financial_phrasebank_all_data.csv,
 * 4,840 sentences labelled positive / negative / neutral). The lexicon was developed on the `dev` half only;
 * the requirement — accuracy at least 10 points above the majority-class baseline — is asserted on the `test`
 * half, which was scored only to report. Both halves' figures are printed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBuiltinParser } from './builtin.js';
import { evaluateSentiment, readLabeledCsv } from './evaluate.js';

const FILE = fileURLToPath(new URL('../../../../shared/data/news/financial_phrasebank_all_data.csv', import.meta.url));
const present = existsSync(FILE);

describe.skipIf(!present)(`builtin sentiment on FinancialPhraseBank${present ? '' : ' (skipped: ../shared/data/news/financial_phrasebank_all_data.csv not found)'}`, () => {
  it('beats the majority-class baseline by ≥ 10 accuracy points on the held-out half', async () => {
    const rows = readLabeledCsv(FILE);
    expect(rows).toHaveLength(4840);
    const report = await evaluateSentiment(createBuiltinParser(), rows, { file: FILE });
    const line = (h: 'dev' | 'test') =>
      `${h}: n=${report[h].n} accuracy=${report[h].accuracy.toFixed(4)} macroF1=${report[h].macroF1.toFixed(4)} majority=${report[h].majorityBaseline.toFixed(4)} (${report[h].majorityClass})`;
    process.stderr.write(`[phrasebank] builtin, neutral band ${report.band}\n[phrasebank] ${line('dev')}\n[phrasebank] ${line('test')}\n`);
    expect(report.dev.n + report.test.n).toBe(4840);
    expect(report.test.majorityClass).toBe('neutral');
    expect(report.test.accuracy - report.test.majorityBaseline, line('test')).toBeGreaterThanOrEqual(0.1);
    expect(report.dev.accuracy - report.dev.majorityBaseline, line('dev')).toBeGreaterThanOrEqual(0.1);
    // Every class is found, not only the majority one.
    for (const c of ['positive', 'negative', 'neutral'] as const) expect(report.test.perClass[c].f1, `${c} F1`).toBeGreaterThan(0.5);
  });
});
