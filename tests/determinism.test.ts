import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistries } from '../src/training/registries.js';
import { trainRun } from '../src/training/train-run.js';

const work = mkdtempSync(join(tmpdir(), 'rl-det-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const config = {
  seed: 7,
  generator: { id: 'gbm' },
  ratio: 2,
  agent: { id: 'ppo', config: { nSteps: 128, batchSize: 64, nEpochs: 2 } },
  train: { steps: 512, numEnvs: 2 },
  walkForward: { folds: 2 },
};

describe('determinism', () => {
  it('the same run twice gives byte-identical report.json, metrics.jsonl and config.json', async () => {
    const a = await trainRun(config, { registries: createRegistries(), outDir: join(work, 'a') });
    const b = await trainRun(config, { registries: createRegistries(), outDir: join(work, 'b') });
    expect(b.id).toBe(a.id);
    for (const f of ['report.json', 'metrics.jsonl', 'config.json', 'params-fold-0.json', 'report.md']) {
      expect(readFileSync(join(b.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
    }
    const metrics = readFileSync(join(a.dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(metrics.length).toBeGreaterThan(0);
    expect(JSON.parse(metrics[0])).toHaveProperty('losses/value_loss');
  });

  it('a different seed gives a different run id and different results', async () => {
    const a = await trainRun({ ...config, seed: 8 }, { registries: createRegistries(), outDir: join(work, 'c') });
    const b = await trainRun(config, { registries: createRegistries(), outDir: join(work, 'c') });
    expect(a.id).not.toBe(b.id);
    expect(readFileSync(join(a.dir, 'metrics.jsonl'), 'utf8')).not.toBe(readFileSync(join(b.dir, 'metrics.jsonl'), 'utf8'));
  });
});
