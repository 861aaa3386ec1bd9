import { RlError } from '../../core/errors.js';
import { type GemmModule, type KernelFn, PAGE_BYTES } from './gemm-simd.js';

/**
 * Bytes of one arena chunk: address space reserved up front, pages committed by the OS only when touched.
 * Room for a few agents with their minibatch buffers; also the most a long-lived array can keep alive
 * around it (a chunk is freed only as a whole).
 */
export const CHUNK_BYTES = 16 * 2 ** 20;
/** Blocks start on cache-line boundaries. */
const ALIGN = 64;
/** Largest block: wasm32 addresses are 32-bit and the kernel compares them signed. */
const MAX_BLOCK_BYTES = 2 ** 31 - PAGE_BYTES;

/**
 * One fixed-size WebAssembly memory with its own kernel instance and a first-fit free list. It never
 * grows, so the Float64Array views handed out on it are never detached.
 */
class Chunk {
  readonly buffer: ArrayBuffer;
  readonly kernel: KernelFn;
  /** Free byte ranges as flat [start, end) pairs, sorted by start and coalesced. */
  private readonly free: number[];
  /** byteOffset → byteLength of each live block. */
  private readonly live = new Map<number, number>();

  constructor(module: GemmModule, bytes: number) {
    const memory = module.memory(bytes / PAGE_BYTES, true);
    this.buffer = memory.buffer;
    this.kernel = module.instantiate(memory);
    this.free = [0, bytes];
  }

  /** Byte offset of a new block of at least `bytes`, or −1 when no free range is large enough. */
  allocate(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const free = this.free;
    for (let r = 0; r < free.length; r += 2) {
      const start = free[r];
      const room = free[r + 1] - start;
      if (room < size) continue;
      if (room === size) free.splice(r, 2);
      else free[r] = start + size;
      this.live.set(start, size);
      return start;
    }
    return -1;
  }

  /** Returns the block at `offset` to the free list; false when no live block starts there. */
  release(offset: number): boolean {
    const size = this.live.get(offset);
    if (size === undefined) return false;
    this.live.delete(offset);
    const free = this.free;
    let r = 0;
    while (r < free.length && free[r] < offset) r += 2;
    const joinsPrev = r > 0 && free[r - 1] === offset;
    const joinsNext = r < free.length && free[r] === offset + size;
    if (joinsPrev && joinsNext) {
      free[r - 1] = free[r + 1];
      free.splice(r, 2);
    } else if (joinsPrev) {
      free[r - 1] = offset + size;
    } else if (joinsNext) {
      free[r] = offset;
    } else {
      free.splice(r, 0, offset, offset + size);
    }
    return true;
  }
}

/**
 * Float64Arrays that the WebAssembly kernel reads and writes in place. WebAssembly computes only on its
 * own linear memory, so networks that allocate their parameters, gradients and activations here skip
 * the per-call copies of {@link WasmGemm}.
 *
 * A memory that grows detaches every view on it, and the networks hold their arrays (public
 * `ParamSet.params` included) for their whole life. So the arena is made of fixed-size chunks that
 * never grow ({@link CHUNK_BYTES} each; a larger request gets a chunk of its own). Arrays go to the
 * chunk of `near` when it has room, else to the current chunk, else to a new one that becomes current.
 * The kernel runs in place only when A, B and C lie in one chunk: a network allocates near its
 * parameters, and frees and reallocates there when its batch grows.
 *
 * Blocks are returned by {@link free}; blocks of dropped objects are not (a finaliser could free a block
 * while a `subarray` of it is still in use). Instead a whole chunk is garbage-collected once no view on
 * it remains: apart from the current chunk the arena holds chunks only through a WeakMap keyed by their
 * buffer (no WeakRef, whose targets would stay alive until the end of the current job).
 */
export class GemmArena {
  /** Every chunk, by its buffer: an entry lives exactly as long as some view on that chunk does. */
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Chunk>();
  /** The chunk new arrays go to; the only one held strongly. */
  private current: Chunk | undefined;

  constructor(
    private readonly module: GemmModule,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {}

  /**
   * A zeroed view of `length` doubles in the arena, in `near`'s chunk when it has room; undefined when
   * the engine refuses a new chunk (the caller then allocates an ordinary array).
   *
   * @example
   * const grads = arena.alloc(params.length, params); // in the same chunk as params when it fits
   */
  alloc(length: number, near?: Float64Array): Float64Array<ArrayBuffer> | undefined {
    const bytes = length * 8;
    if (bytes > MAX_BLOCK_BYTES) return undefined;
    let chunk = near === undefined ? undefined : this.byBuffer.get(near.buffer);
    let offset = chunk === undefined ? -1 : chunk.allocate(bytes);
    if (offset < 0 && this.current !== undefined) {
      chunk = this.current;
      offset = chunk.allocate(bytes);
    }
    if (offset < 0) {
      try {
        chunk = new Chunk(this.module, Math.max(this.chunkBytes, Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES));
      } catch {
        return undefined;
      }
      this.byBuffer.set(chunk.buffer, chunk);
      offset = chunk.allocate(bytes);
      // An oversized request keeps its own chunk without displacing the current one.
      if (this.current === undefined || bytes <= this.chunkBytes) this.current = chunk;
    }
    const view = new Float64Array(chunk!.buffer, offset, length);
    view.fill(0); // a reused block holds its previous owner's values
    return view;
  }

  /**
   * Returns an array from {@link alloc} to the arena; arrays from elsewhere are ignored. Neither the
   * array nor any subarray of it may be used afterwards.
   *
   * @throws RlError (E_ASSERT) for a view into the arena that is not a live block (a subarray, or freed twice).
   */
  free(array: Float64Array): void {
    const chunk = this.byBuffer.get(array.buffer);
    if (chunk === undefined) return;
    if (!chunk.release(array.byteOffset)) {
      throw new RlError(`array at byte ${array.byteOffset} is not a live block of the gemm arena (freed twice, or a subarray?)`, 'E_ASSERT');
    }
  }

  /** The kernel instance that computes in place on arrays whose buffer is `buffer`, if it is an arena chunk. */
  kernelFor(buffer: ArrayBufferLike): KernelFn | undefined {
    return this.byBuffer.get(buffer)?.kernel;
  }
}
