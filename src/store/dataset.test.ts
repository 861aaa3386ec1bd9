import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceBars } from '../data/bars.js';
import { loadBuiltinSp500 } from '../data/builtin.js';
import { formatBarsCsv } from '../data/csv.js';
import { createRegistries } from '../training/registries.js';
import { generateDataset, latestDataset, readDatasetPaths, readManifest, regenerateDataset } from './dataset.js';

const work = mkdtempSync(join(tmpdir(), 'rl-dataset-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const registries = createRegistries();
const spec = { generator: 'gbm', config: {}, data: 'builtin', seed: 5, paths: 3, length: 300 };

describe('dataset store', () => {
  it('persists paths, params and a manifest with output hashes, and a latest pointer', () => {
    const { id, dir, manifest } = generateDataset(spec, registries, join(work, 'a'));
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'params.json', 'path-00000.csv', 'path-00001.csv', 'path-00002.csv']);
    expect(manifest).toMatchObject({ id, kind: 'dataset', generator: { id: 'gbm', version: 1 }, input: { source: 'builtin', symbol: 'SPX', bars: 5105 } });
    expect(manifest.spec.config).toEqual({}); // gbm's resolved config has no defaults to add
    expect(Object.keys(manifest.outputs ?? {})).toContain('path-00000.csv');
    expect(latestDataset(join(work, 'a'), 'gbm')).toBe(dir);
    const paths = readDatasetPaths(dir);
    expect(paths).toHaveLength(3);
    expect(paths[0][0].length).toBe(300);
  });

  it('is byte-identical when generated again, and when regenerated from its manifest', () => {
    const a = generateDataset(spec, registries, join(work, 'b1'));
    const b = generateDataset(spec, registries, join(work, 'b2'));
    const c = regenerateDataset(a.dir, registries, join(work, 'b3'));
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    for (const f of readdirSync(a.dir)) {
      expect(readFileSync(join(b.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
      expect(readFileSync(join(c.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
    }
  });

  it('keeps path k the same whatever the number of paths; another seed changes the id and data', () => {
    const few = generateDataset({ ...spec, paths: 2 }, registries, join(work, 'c'));
    const many = generateDataset(spec, registries, join(work, 'c'));
    expect(readFileSync(join(few.dir, 'path-00001.csv'), 'utf8')).toBe(readFileSync(join(many.dir, 'path-00001.csv'), 'utf8'));
    const other = generateDataset({ ...spec, seed: 6 }, registries, join(work, 'c'));
    expect(other.id).not.toBe(many.id);
    expect(readFileSync(join(other.dir, 'path-00000.csv'), 'utf8')).not.toBe(readFileSync(join(many.dir, 'path-00000.csv'), 'utf8'));
  });

  it('refuses to regenerate when the input data changed', () => {
    const csv = join(work, 'input.csv');
    writeFileSync(csv, formatBarsCsv(sliceBars(loadBuiltinSp500(), 0, 400)));
    const d = generateDataset({ ...spec, data: csv }, registries, join(work, 'd'));
    writeFileSync(csv, formatBarsCsv(sliceBars(loadBuiltinSp500(), 0, 401)));
    expect(() => regenerateDataset(d.dir, registries, join(work, 'd2'))).toThrow(expect.objectContaining({ code: 'E_DATA' }));
  });

  it('names the key of bad options and leaves nothing behind', () => {
    expect(() => generateDataset({ ...spec, paths: 0 }, registries, join(work, 'e'))).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'paths' }));
    expect(() => generateDataset({ ...spec, config: { sigma: -1 } }, registries, join(work, 'e'))).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => generateDataset({ ...spec, start: '2021-02-30' }, registries, join(work, 'e'))).toThrow(expect.objectContaining({ path: 'start' }));
    expect(existsSync(join(work, 'e'))).toBe(false);
    expect(() => readManifest(work)).toThrow(expect.objectContaining({ code: 'E_DATA' }));
  });
});
