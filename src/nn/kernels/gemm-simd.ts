import { RlError } from '../../core/errors.js';
import { GEMM_WASM_BASE64 } from './gemm-wasm.js';

/** A WebAssembly linear memory, as far as this code uses it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the WebAssembly JS API used here (the project compiles without the DOM lib that types it). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** The kernel's export: byte addresses of A, B, C in its memory, the shape, and accumulate as 0 or 1. */
export type KernelFn = (a: number, b: number, c: number, m: number, n: number, k: number, accumulate: number) => void;

export const PAGE_BYTES = 65536;

/**
 * The compiled kernel of `gemm.wat`, from which instances on any number of memories are made (the
 * {@link WasmGemm} scratch and the chunks of a `GemmArena`).
 */
export class GemmModule {
  private constructor(
    private readonly api: WasmApi,
    private readonly module: object,
  ) {}

  /**
   * Compiles the kernel, or returns undefined when this runtime has no WebAssembly or does not validate
   * its SIMD instructions (e.g. `node --jitless`, old engines). `api` defaults to the global
   * `WebAssembly` (null: there is none); tests pass stand-ins.
   *
   * @example
   * const mod = GemmModule.load(); // undefined → use gemmABtJs
   */
  static load(api: WasmApi | null = (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null): GemmModule | undefined {
    if (api === null) return undefined;
    try {
      const bytes = Uint8Array.from(atob(GEMM_WASM_BASE64), (ch) => ch.charCodeAt(0));
      if (!api.validate(bytes)) return undefined;
      return new GemmModule(api, new api.Module(bytes));
    } catch {
      return undefined;
    }
  }

  /** A new memory of `pages` × 64 KiB; `fixed` ones can never grow, so views on them never detach. */
  memory(pages: number, fixed: boolean): WasmMemory {
    return new this.api.Memory(fixed ? { initial: pages, maximum: pages } : { initial: pages });
  }

  /** The kernel instantiated on `memory`. */
  instantiate(memory: WasmMemory): KernelFn {
    return new this.api.Instance(this.module, { env: { memory } }).exports.gemmABt as KernelFn;
  }
}

/** Throws unless A [m × k] from aOff, B [n × k] from bOff and C [m × n] from cOff lie inside their arrays. */
export function checkOperands(
  aLength: number,
  aOff: number,
  bLength: number,
  bOff: number,
  cLength: number,
  cOff: number,
  m: number,
  n: number,
  k: number,
): void {
  if (aOff >= 0 && aOff + m * k <= aLength && bOff >= 0 && bOff + n * k <= bLength && cOff >= 0 && cOff + m * n <= cLength) return;
  throw new RlError(
    `gemm operands out of range: A ${aLength} from ${aOff} needs ${m}×${k}, B ${bLength} from ${bOff} needs ${n}×${k}, C ${cLength} from ${cOff} needs ${m}×${n}`,
    'E_SHAPE',
  );
}

/** Operands above this many bytes go to the JS kernel: wasm32 addresses are 32-bit and the kernel compares them signed. */
const MAX_BYTES = 2 ** 31 - PAGE_BYTES;
/** Below this many values a plain loop copies faster than `subarray` + `set` (measured: 32 values ≈ 32 ns either way). */
const LOOP_COPY_BELOW = 32;

/**
 * The kernel on operands that live anywhere: each call copies A, B (and C when accumulating) into a
 * private scratch memory, runs the kernel and copies C back. `gemmABt` uses it when the operands are not
 * all in one chunk of the `GemmArena`. The scratch grows to the largest product seen and never shrinks;
 * growing it detaches only this class's own view.
 */
export class WasmGemm {
  private readonly memory: WasmMemory;
  private readonly kernel: KernelFn;
  private heap: Float64Array;

  constructor(module: GemmModule) {
    this.memory = module.memory(1, false);
    this.kernel = module.instantiate(this.memory);
    this.heap = new Float64Array(this.memory.buffer);
  }

  /**
   * `C[i, j] (+)= Σ_q A[i, q] · B[j, q]` as `gemmABt` defines it. Returns false, having done nothing,
   * when the operands are too large for a 32-bit memory; the caller then uses the JS kernel.
   *
   * @throws RlError (E_SHAPE) when an operand's offset and shape reach outside its array.
   */
  run(
    a: Float64Array,
    aOff: number,
    b: Float64Array,
    bOff: number,
    c: Float64Array,
    cOff: number,
    m: number,
    n: number,
    k: number,
    accumulate: boolean,
  ): boolean {
    checkOperands(a.length, aOff, b.length, bOff, c.length, cOff, m, n, k);
    const [aLen, bLen, cLen] = [m * k, n * k, m * n];
    if (cLen === 0) return true;
    if (!this.reserve((aLen + bLen + cLen) * 8)) return false;
    const h = this.heap;
    const pc = aLen + bLen;
    copy(a, aOff, h, 0, aLen);
    copy(b, bOff, h, aLen, bLen);
    if (accumulate) copy(c, cOff, h, pc, cLen);
    this.kernel(0, aLen * 8, pc * 8, m, n, k, accumulate ? 1 : 0);
    copy(h, pc, c, cOff, cLen);
    return true;
  }

  /** Bytes of scratch memory held now (its high-water mark). */
  get scratchBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows the scratch memory to at least `bytes`; false when that is over the limit or the engine refuses. */
  private reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    if (bytes > MAX_BYTES) return false;
    try {
      // Grow at least geometrically so a slowly rising batch size does not grow on every call.
      const want = Math.min(MAX_BYTES, Math.max(bytes, 2 * have));
      this.memory.grow(Math.ceil((want - have) / PAGE_BYTES));
    } catch {
      return false;
    }
    this.heap = new Float64Array(this.memory.buffer); // growing detached the old view
    return true;
  }
}

function copy(src: Float64Array, from: number, dst: Float64Array, to: number, len: number): void {
  if (len < LOOP_COPY_BELOW) {
    for (let q = 0; q < len; q++) dst[to + q] = src[from + q];
  } else {
    dst.set(from === 0 && len === src.length ? src : src.subarray(from, from + len), to);
  }
}
