import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/core/errors.js';
import { checkpointArray, readCheckpoint, writeCheckpoint, type CheckpointContent } from './checkpoint.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'checkpoint-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Raw bytes of a typed array, to compare bit patterns (NaN payloads and −0 included). */
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function content(): CheckpointContent {
  // A view into the middle of a larger buffer, at an offset that is not a multiple of 8.
  const backing = new Float32Array([9, 9, 9, 1.5, -0, Number.NaN, Infinity, 9]);
  const f64 = new Float64Array([Math.PI, -0, Number.MIN_VALUE, -Infinity, 1e308, 0]);
  new DataView(f64.buffer).setBigUint64(40, 0x7ff8000000000001n, true); // a NaN with a payload
  return {
    id: 'ppo',
    version: 2,
    config: { nSteps: 64, netArch: { pi: [5], vf: [4] }, targetKl: null },
    state: { step: 4096, rng: { key: '0/rollout', s: [1, -2, 3, -4] } },
    arrays: {
      params: f64,
      odd: new Uint8Array([1, 2, 3]), // 3 bytes: the next array starts after padding
      view: backing.subarray(3, 7),
      ints: new Int32Array([-1, 0, 2147483647, -2147483648, 7]),
      empty: new Float64Array(0),
    },
  };
}

describe('writeCheckpoint → readCheckpoint', () => {
  it('round-trips id, version, config, state and every array bit for bit, with its type', async () => {
    const dir = join(root, 'a');
    const c = content();
    await writeCheckpoint(dir, c);
    const back = await readCheckpoint(dir);
    expect([back.id, back.version]).toEqual(['ppo', 2]);
    expect(back.config).toEqual(c.config);
    expect(back.state).toEqual(c.state);
    expect(Object.keys(back.arrays)).toEqual(Object.keys(c.arrays));
    for (const [name, arr] of Object.entries(c.arrays)) {
      const got = back.arrays[name];
      expect(got.constructor, name).toBe(arr.constructor);
      expect(got.length, name).toBe(arr.length);
      expect(bytes(got).equals(bytes(arr)), name).toBe(true);
    }
    // The view kept its own four values, not its backing buffer's.
    expect(Array.from(back.arrays.view)).toEqual([1.5, -0, Number.NaN, Infinity]);
    expect(Object.is(back.arrays.params[1], -0)).toBe(true);
    // Float64 arrays come back 8-byte aligned and independent of one another.
    back.arrays.params[0] = 0;
    expect((await readCheckpoint(dir)).arrays.params[0]).toBe(c.arrays.params[0]);
  });

  it('overwrites an existing checkpoint', async () => {
    const dir = join(root, 'b');
    await writeCheckpoint(dir, content());
    await writeCheckpoint(dir, { ...content(), version: 3, arrays: { x: new Float64Array([42]) } });
    const back = await readCheckpoint(dir);
    expect(back.version).toBe(3);
    expect(Object.keys(back.arrays)).toEqual(['x']);
  });

  it('is deterministic: the same content gives the same bytes', async () => {
    await writeCheckpoint(join(root, 'd1'), content());
    await writeCheckpoint(join(root, 'd2'), content());
    for (const f of ['agent.json', 'arrays.bin']) expect(readFileSync(join(root, 'd2', f)).equals(readFileSync(join(root, 'd1', f)))).toBe(true);
  });
});

describe('readCheckpoint errors (DataError naming the file)', () => {
  it('a corrupted arrays.bin fails its checksum', async () => {
    const dir = join(root, 'corrupt');
    await writeCheckpoint(dir, content());
    const blob = readFileSync(join(dir, 'arrays.bin'));
    blob[5] ^= 0x01; // one flipped bit
    writeFileSync(join(dir, 'arrays.bin'), blob);
    const err = await readCheckpoint(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ code: 'E_DATA', file: join(dir, 'arrays.bin') });
  });

  it('a truncated arrays.bin fails its checksum', async () => {
    const dir = join(root, 'short');
    await writeCheckpoint(dir, content());
    writeFileSync(join(dir, 'arrays.bin'), readFileSync(join(dir, 'arrays.bin')).subarray(0, 16));
    await expect(readCheckpoint(dir)).rejects.toMatchObject({ code: 'E_DATA', file: join(dir, 'arrays.bin') });
  });

  it('a missing directory, a missing blob, malformed JSON and a non-checkpoint JSON', async () => {
    await expect(readCheckpoint(join(root, 'nowhere'))).rejects.toMatchObject({ code: 'E_DATA', file: join(root, 'nowhere', 'agent.json') });
    const dir = join(root, 'broken');
    await writeCheckpoint(dir, content());
    rmSync(join(dir, 'arrays.bin'));
    await expect(readCheckpoint(dir)).rejects.toMatchObject({ code: 'E_DATA', file: join(dir, 'arrays.bin') });
    writeFileSync(join(dir, 'agent.json'), '{"format": 1, "id": ');
    await expect(readCheckpoint(dir)).rejects.toMatchObject({ code: 'E_DATA', file: join(dir, 'agent.json') });
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ id: 'ppo', version: 1, config: {} })); // the previous (tfjs) format
    await expect(readCheckpoint(dir)).rejects.toMatchObject({ code: 'E_DATA', file: join(dir, 'agent.json') });
  });

  it('an index entry reaching past the end of the blob', async () => {
    const dir = join(root, 'index');
    await writeCheckpoint(dir, { ...content(), arrays: { a: new Float64Array(2) } });
    const meta = JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8'));
    meta.arrays[0].length = 3;
    writeFileSync(join(dir, 'agent.json'), JSON.stringify(meta));
    await expect(readCheckpoint(dir)).rejects.toMatchObject({ code: 'E_DATA', field: 'a' });
  });
});

describe('checkpointArray', () => {
  it('returns the named array of the expected type and length, else a DataError naming it', async () => {
    const c = content();
    expect(checkpointArray('d', c, 'ints', Int32Array, 5)).toBe(c.arrays.ints);
    expect(checkpointArray('d', c, 'ints', Int32Array)).toBe(c.arrays.ints);
    expect(() => checkpointArray('d', c, 'ints', Float64Array)).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'ints' }));
    expect(() => checkpointArray('d', c, 'ints', Int32Array, 4)).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'ints' }));
    expect(() => checkpointArray('d', c, 'absent', Float64Array)).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'absent' }));
  });
});
