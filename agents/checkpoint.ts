import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../src/core/atomic.js';
import { DataError, RlError } from '../src/core/errors.js';

/** The typed arrays a checkpoint can hold, stored raw (little-endian) so every bit round-trips. */
export type CheckpointArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/**
 * What an agent persists: its identity and config (JSON), any JSON-able training state (counters, RNG
 * states, schedules) and named typed arrays (weights, optimizer moments, normaliser statistics, the
 * action log). Weights and moments are stored bit for bit, so a resumed run continues exactly.
 */
export interface CheckpointContent {
  readonly id: string;
  readonly version: number;
  readonly config: unknown;
  readonly state: Record<string, unknown>;
  readonly arrays: Readonly<Record<string, CheckpointArray>>;
}

const FORMAT = 1;
const dtypes = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array } as const;
type Dtype = keyof typeof dtypes;

const metaSchema = z.object({
  format: z.literal(FORMAT),
  id: z.string(),
  version: z.number().int(),
  config: z.unknown(),
  state: z.record(z.string(), z.unknown()),
  arrays: z.array(z.object({ name: z.string(), dtype: z.enum(['float64', 'float32', 'int32', 'uint8']), byteOffset: z.number().int().nonnegative(), length: z.number().int().nonnegative() })),
  arraysSha256: z.string(),
});

/**
 * Writes `arrays.bin` (the arrays back to back, 8-byte aligned), then `agent.json` (id, version, config,
 * state, the array index and the blob's SHA-256). Both are written atomically and `agent.json` last, so
 * its presence marks a complete checkpoint.
 *
 * @example
 * await writeCheckpoint('runs/x/checkpoints/step-8192', { id: 'ppo', version: 2, config, state: { step }, arrays: { params } });
 */
export async function writeCheckpoint(dir: string, content: CheckpointContent): Promise<void> {
  requireLittleEndian();
  mkdirSync(dir, { recursive: true });
  const index: z.infer<typeof metaSchema>['arrays'] = [];
  let size = 0;
  for (const [name, arr] of Object.entries(content.arrays)) {
    index.push({ name, dtype: dtypeOf(arr), byteOffset: size, length: arr.length });
    size += Math.ceil(arr.byteLength / 8) * 8;
  }
  const blob = new Uint8Array(size);
  index.forEach((entry, k) => {
    const arr = Object.values(content.arrays)[k];
    blob.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), entry.byteOffset);
  });
  writeFileAtomic(join(dir, 'arrays.bin'), blob);
  const meta = { format: FORMAT, id: content.id, version: content.version, config: content.config, state: content.state, arrays: index, arraysSha256: sha256(blob) };
  writeFileAtomic(join(dir, 'agent.json'), `${JSON.stringify(meta, null, 1)}\n`);
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}.
 * @throws DataError naming the file when it is missing, malformed, or the blob fails its checksum.
 */
export async function readCheckpoint(dir: string): Promise<CheckpointContent> {
  requireLittleEndian();
  const metaFile = join(dir, 'agent.json');
  const blobFile = join(dir, 'arrays.bin');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(metaFile, 'utf8'));
  } catch (e) {
    throw new DataError(metaFile, undefined, undefined, e instanceof Error ? e.message : String(e));
  }
  const meta = metaSchema.safeParse(raw);
  if (!meta.success) throw new DataError(metaFile, undefined, undefined, `not a checkpoint (format ${FORMAT}): ${z.prettifyError(meta.error)}`);
  let bytes: Buffer;
  try {
    bytes = await readFile(blobFile);
  } catch (e) {
    throw new DataError(blobFile, undefined, undefined, e instanceof Error ? e.message : String(e));
  }
  if (sha256(bytes) !== meta.data.arraysSha256) throw new DataError(blobFile, undefined, undefined, 'checksum mismatch: the checkpoint is corrupt or incomplete');
  // Copy into an 8-byte-aligned buffer so every typed view is valid.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  const arrays: Record<string, CheckpointArray> = {};
  for (const e of meta.data.arrays) {
    const Ctor = dtypes[e.dtype];
    if (e.byteOffset + e.length * Ctor.BYTES_PER_ELEMENT > aligned.length) throw new DataError(blobFile, undefined, e.name, 'array extends past the end of the file');
    arrays[e.name] = new Ctor(aligned.buffer, e.byteOffset, e.length).slice();
  }
  const { id, version, config, state } = meta.data;
  return { id, version, config, state, arrays };
}

/**
 * The array `name` of a checkpoint, of the expected type and (optionally) length.
 * @throws DataError naming the checkpoint and the array otherwise.
 */
export function checkpointArray<T extends CheckpointArray>(dir: string, content: CheckpointContent, name: string, ctor: { new (n: number): T; name: string }, length?: number): T {
  const arr = content.arrays[name];
  if (!(arr instanceof ctor) || (length !== undefined && arr.length !== length)) {
    throw new DataError(join(dir, 'arrays.bin'), undefined, name, `expected ${ctor.name}${length === undefined ? '' : ` of length ${length}`}, got ${arr === undefined ? 'nothing' : `${arr.constructor.name} of length ${arr.length}`}`);
  }
  return arr;
}

function dtypeOf(arr: CheckpointArray): Dtype {
  if (arr instanceof Float64Array) return 'float64';
  if (arr instanceof Float32Array) return 'float32';
  if (arr instanceof Int32Array) return 'int32';
  return 'uint8';
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function requireLittleEndian(): void {
  if (endianness() !== 'LE') throw new RlError('checkpoints are stored little-endian; this machine is big-endian', 'E_PLATFORM');
}
