import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { loadBars } from '../data/builtin.js';
import { createRegistries } from '../training/registries.js';
import { generateDataset, readDatasetPaths, readManifest, regenerateDataset } from './dataset.js';
import { generateReturnsDataset, regenerateReturnsDataset } from './returns-dataset.js';
import type { ReturnsProgress } from './returns-dataset.js';

const work = mkdtempSync(join(tmpdir(), 'rl-returns-dataset-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const registries = createRegistries();
const spec = { generator: 'garch', config: {}, data: 'builtin', seed: 3, paths: 2, length: 1000 };

/** The CSV of `sampleReturns` for path k of `spec`, built independently of the writer: header, then String(x) per line. */
function expectedCsv(s: typeof spec, k: number): string {
  const generator = registries.generators.get(s.generator);
  const params = generator.fit([loadBars(s.data)], generator.configSchema.parse(s.config), {});
  const r = generator.sampleReturns!(params, Rng.fromSeed(s.seed).fork(`path-${k}`), { paths: 1, length: s.length });
  return `log_return\n${Array.from(r, String).join('\n')}\n`;
}

describe('returns-only datasets', () => {
  it('stream each path chunk by chunk to exactly the CSV of sampleReturns, whatever the chunk size', async () => {
    const progress: ReturnsProgress[] = [];
    const a = await generateReturnsDataset(spec, registries, join(work, 'a'), { chunk: 7, onChunk: (p) => progress.push(p) });
    expect(readdirSync(a.dir).sort()).toEqual(['manifest.json', 'params.json', 'path-00000.returns.csv', 'path-00001.returns.csv']);
    expect(a.manifest).toMatchObject({ id: a.id, kind: 'dataset', spec: { returnsOnly: true, length: 1000 }, files: ['path-00000.returns.csv', 'path-00001.returns.csv'] });
    for (const k of [0, 1]) expect(readFileSync(join(a.dir, `path-0000${k}.returns.csv`), 'utf8')).toBe(expectedCsv(spec, k));
    expect(progress).toHaveLength(2 * Math.ceil(1000 / 7));
    expect(progress.at(-1)).toEqual({ path: 1, written: 1000, length: 1000 });

    const b = await generateReturnsDataset(spec, registries, join(work, 'b'), { chunk: 1_000_000 });
    expect(b.id).toBe(a.id);
    expect(b.manifest.outputs).toEqual(a.manifest.outputs);
  });

  it('regenerates byte for byte from its manifest, and reads back as a dataset manifest', async () => {
    const a = await generateReturnsDataset(spec, registries, join(work, 'c'), { chunk: 333 });
    const again = await regenerateReturnsDataset(a.dir, registries, join(work, 'c2'), { chunk: 50 });
    expect(again.id).toBe(a.id);
    for (const f of readdirSync(a.dir)) expect(readFileSync(join(again.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
    expect(readManifest(a.dir).spec.returnsOnly).toBe(true);
  });

  it('has an id of its own, and the OHLCV functions refuse it (and it refuses them)', async () => {
    const returns = await generateReturnsDataset({ ...spec, paths: 1, length: 50 }, registries, join(work, 'd'));
    const bars = generateDataset({ ...spec, paths: 1, length: 50 }, registries, join(work, 'd'));
    expect(returns.id).not.toBe(bars.id);
    expect(bars.manifest.spec.returnsOnly).toBeUndefined();
    expect(() => readDatasetPaths(returns.dir)).toThrow(expect.objectContaining({ code: 'E_DATA' }));
    expect(() => regenerateDataset(returns.dir, registries, join(work, 'd2'))).toThrow(expect.objectContaining({ code: 'E_DATA' }));
    await expect(regenerateReturnsDataset(bars.dir, registries, join(work, 'd2'))).rejects.toMatchObject({ code: 'E_DATA' });
    expect(() => generateDataset({ ...spec, returnsOnly: true }, registries, join(work, 'd2'))).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'returnsOnly' }));
  });

  it('names the key of bad options and leaves nothing behind', async () => {
    const out = join(work, 'e');
    await expect(generateReturnsDataset(spec, registries, out, { chunk: 0 })).rejects.toMatchObject({ code: 'E_CONFIG', path: 'chunk' });
    await expect(generateReturnsDataset({ ...spec, start: '2020-01-02' }, registries, out)).rejects.toMatchObject({ code: 'E_CONFIG', path: 'start' });
    await expect(generateReturnsDataset({ ...spec, paths: 0 }, registries, out)).rejects.toMatchObject({ code: 'E_CONFIG', path: 'paths' });
    const noStream = { ...registries.generators.get('gbm'), id: 'gbm-bars-only', returnStream: undefined };
    registries.generators.register(noStream);
    await expect(generateReturnsDataset({ ...spec, generator: 'gbm-bars-only' }, registries, out)).rejects.toMatchObject({ code: 'E_CONFIG', path: 'generator' });
    expect(existsSync(out)).toBe(false);
  });
});
