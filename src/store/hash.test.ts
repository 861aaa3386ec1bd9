import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256, sha256File } from './hash.js';

const work = mkdtempSync(join(tmpdir(), 'rl-hash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('hash', () => {
  it('canonicalJson sorts keys recursively', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  it.each([0, 10, (1 << 20) + 3, 3 << 20])('sha256File of %i bytes equals sha256 of the bytes (read in 1 MiB pieces)', (size) => {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 255;
    const file = join(work, `f-${size}`);
    writeFileSync(file, bytes);
    expect(sha256File(file)).toBe(sha256(bytes));
  });
});
