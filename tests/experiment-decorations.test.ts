import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistries } from '../src/training/registries.js';
import { trainRun } from '../src/training/train-run.js';

const work = mkdtempSync(join(tmpdir(), 'rl-decor-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const base = {
  ratio: 2,
  agent: { config: { nSteps: 64, nEpochs: 1 } },
  train: { steps: 128, numEnvs: 2 },
  walkForward: { folds: 1 },
};

describe('experiments with shocks and side channels', () => {
  it('trains on decorated synthetic paths and records the decorations in config.json', async () => {
    const generator = { id: 'gbm', shocks: [{ kind: 'gap', at: 'random', size: -0.1 }, { kind: 'volatility-spike', at: 'random', multiplier: 3 }], sideChannels: {} };
    const run = await trainRun({ ...base, generator }, { registries: createRegistries(), outDir: work });
    const config = JSON.parse(readFileSync(join(run.dir, 'config.json'), 'utf8'));
    expect(config.generator.shocks).toHaveLength(2);
    expect(config.generator.shocks[0]).toMatchObject({ kind: 'gap', size: -0.1, probability: 1 });
    expect(config.generator.sideChannels).toMatchObject({ baseSpreadBps: 2 });
    expect(run.report.folds[0].episodes.synthetic).toBeGreaterThan(0);
    // Decorations change the run's identity.
    const plain = await trainRun({ ...base, generator: { id: 'gbm' } }, { registries: createRegistries(), outDir: work });
    expect(plain.id).not.toBe(run.id);
  });

  it('names the key of a bad shock', async () => {
    await expect(trainRun({ ...base, generator: { id: 'gbm', shocks: [{ kind: 'flash-crash', at: 10, depth: 2 }] } }, { registries: createRegistries(), outDir: work })).rejects.toMatchObject({
      code: 'E_CONFIG',
      path: expect.stringMatching(/^generator\.shocks\.0\.depth$/),
    });
  });
});
