import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InterruptedError, RlError } from '../src/core/errors.js';
import { createRegistries } from '../src/training/registries.js';
import { trainRun } from '../src/training/train-run.js';

/**
 * `rl train --resume`: a run interrupted mid-fold (after a checkpoint, with metric lines logged past it)
 * or between folds, then resumed, must leave exactly the bytes of an uninterrupted run.
 */
const config = {
  seed: 11,
  generator: { id: 'gbm' },
  ratio: 2,
  agent: { id: 'ppo', config: { nSteps: 128, batchSize: 64, nEpochs: 2 } },
  train: { steps: 2048, numEnvs: 2, checkpointEvery: 512 },
  walkForward: { folds: 2, testSize: 250 },
};

const roots: string[] = [];
const tempRoot = () => {
  const d = mkdtempSync(join(tmpdir(), 'rl-resume-'));
  roots.push(d);
  return d;
};
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

function files(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const name = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) Object.assign(out, files(dir, name));
    else out[name] = readFileSync(join(dir, name)).toString('base64');
  }
  return out;
}

describe('resuming an interrupted training run', () => {
  let reference: { id: string; files: Record<string, string> } | undefined;
  const uninterrupted = async () => {
    if (reference === undefined) {
      const root = tempRoot();
      const r = await trainRun(config, { registries: createRegistries(), outDir: root });
      reference = { id: r.id, files: files(r.dir) };
    }
    return reference;
  };

  for (const [label, stopAt] of [
    ['mid-fold, after a checkpoint', { fold: 1, step: 1280 }],
    ['between folds', { fold: 1, step: 0 }],
  ] as const) {
    it(`ends byte-identical when interrupted ${label}`, async () => {
      const ref = await uninterrupted();
      const root = tempRoot();
      const interrupted = trainRun(config, {
        registries: createRegistries(),
        outDir: root,
        onProgress: (p) => {
          if (p.phase === 'train' && p.fold === stopAt.fold && (p.step ?? 0) >= stopAt.step) throw new InterruptedError();
        },
      });
      await expect(interrupted).rejects.toThrow(new InterruptedError(ref.id).message);
      const staging = readdirSync(root).find((n) => n.startsWith(`.${ref.id}.staging-`));
      expect(staging).toBeDefined();
      expect(readdirSync(root)).not.toContain(ref.id);
      // What the resume will use: fold 0's kept results and, mid-fold, fold 1's last agent checkpoint.
      const kept = readdirSync(join(root, staging!, 'checkpoints')).sort();
      expect(kept).toEqual(stopAt.step > 0 ? ['fold-0.done', 'fold-1'] : ['fold-0.done']);

      const resumed = await trainRun(undefined, { registries: createRegistries(), outDir: root, resume: ref.id });
      expect(resumed.id).toBe(ref.id);
      expect(files(resumed.dir)).toEqual(ref.files);
      expect(Object.keys(ref.files)).toEqual(expect.arrayContaining(['agent-fold-0/agent.json', 'agent-fold-1/arrays.bin', 'metrics.jsonl', 'report.json']));
      expect(readdirSync(root).filter((n) => n.includes('staging'))).toEqual([]);
    });
  }

  it('refuses to resume a run that does not exist or already completed', async () => {
    const ref = await uninterrupted();
    const root = tempRoot();
    await expect(trainRun(undefined, { registries: createRegistries(), outDir: root, resume: ref.id })).rejects.toThrow(/no interrupted run/);
    const done = await trainRun(config, { registries: createRegistries(), outDir: root });
    const err = await trainRun(undefined, { registries: createRegistries(), outDir: root, resume: done.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RlError);
    expect((err as RlError).code).toBe('E_RESUME');
    expect((err as RlError).message).toMatch(/already completed/);
  });
});
