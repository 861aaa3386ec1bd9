import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceBars } from '../src/data/bars.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { walkForwardFolds } from '../src/data/walk-forward.js';
import { featuresSchema } from '../src/features/config.js';
import { fitFeatures } from '../src/features/pipeline.js';
import { foldSpecOf } from '../src/training/experiment.js';
import { experimentSchema } from '../src/training/experiment-config.js';
import { createRegistries } from '../src/training/registries.js';
import { trainRun } from '../src/training/train-run.js';

const work = mkdtempSync(join(tmpdir(), 'rl-feat-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('experiment with indicator features', () => {
  it('fits feature normalisation on each fold’s training bars only and records it', async () => {
    const features = { indicators: [{ kind: 'rsi' }, { kind: 'macd' }, { kind: 'volatility', period: 10 }] };
    const input = {
      seed: 3,
      ratio: 1,
      env: { config: { features } },
      agent: { config: { nSteps: 64, batchSize: 64, nEpochs: 1 } },
      train: { steps: 128, numEnvs: 2 },
      walkForward: { folds: 2 },
    };
    const run = await trainRun(input, { registries: createRegistries(), outDir: work });
    const bars = loadBuiltinSp500();
    const folds = walkForwardFolds(bars.length, foldSpecOf(experimentSchema.parse(input), bars.length));
    for (const fold of folds) {
      const recorded = JSON.parse(readFileSync(join(run.dir, `features-fold-${fold.index}.json`), 'utf8'));
      const expected = fitFeatures(featuresSchema.parse(features), sliceBars(bars, fold.train.start, fold.train.end)).stats();
      expect(recorded).toEqual(JSON.parse(JSON.stringify(expected)));
    }
    // Folds train on different (expanding) windows, so their statistics differ.
    const [a, b] = [0, 1].map((k) => JSON.parse(readFileSync(join(run.dir, `features-fold-${k}.json`), 'utf8')));
    expect(a.mean).not.toEqual(b.mean);
    expect(run.report.folds).toHaveLength(2);
    expect(Number.isFinite(run.report.pooled.agent.sharpe)).toBe(true);
  });
});
