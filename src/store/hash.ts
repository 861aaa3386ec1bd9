import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { canonicalJson } from '../core/canonical-json.js';

export { canonicalJson };

/** Hex SHA-256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Hex SHA-256 of a file's bytes, read 1 MiB at a time: the memory used does not grow with the file (a
 * returns-only path of 1e8 values is a 2 GB file).
 *
 * @example
 * sha256File('datasets/gbm/0123abcd/path-00000.returns.csv'); // equals sha256(readFileSync(...)) for any size
 */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** A short content id: the first 16 hex digits of the SHA-256 of the value's canonical JSON. */
export function contentId(value: unknown): string {
  return sha256(canonicalJson(value)).slice(0, 16);
}
