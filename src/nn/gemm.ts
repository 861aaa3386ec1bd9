import { RlError } from '../core/errors.js';
import { GemmArena } from './kernels/gemm-arena.js';
import { checkOperands, GemmModule, WasmGemm } from './kernels/gemm-simd.js';

/** Which implementation {@link gemmABt} runs: the WebAssembly SIMD kernel or the plain-JS one. */
export type GemmKernel = 'js' | 'wasm';

/** The WebAssembly side: in place on arena arrays, by copy on any others. */
interface Wasm {
  readonly arena: GemmArena;
  readonly copy: WasmGemm;
}

/** The WebAssembly kernel once loaded (undefined: not tried yet; null: unavailable in this runtime). */
let loaded: Wasm | null | undefined;
/** What {@link gemmABt} runs: undefined until first use (then the default), null for JS. */
let selected: Wasm | null | undefined;

function loadWasm(): Wasm | null {
  if (loaded === undefined) {
    const module = GemmModule.load();
    loaded = module === undefined ? null : { arena: new GemmArena(module), copy: new WasmGemm(module) };
  }
  return loaded;
}

/**
 * `C[i, j] (+)= Σ_k A[i, k] · B[j, k]` — a product with B transposed, all row-major Float64Arrays at
 * offsets: A is [m × k], B is [n × k], C is [m × n]; `accumulate` adds the product to C instead of
 * overwriting it. Every product the networks need (forward, weight gradient, input gradient) is written
 * in this one form. C must not overlap A or B.
 *
 * Runs the kernel {@link gemmKernel} reports: by default the WebAssembly SIMD one (`kernels/gemm.wat`,
 * several times faster at the 64-wide shapes of PPO, see `benchmarks/gemm.ts`) where the runtime
 * validates it, else {@link gemmABtJs}. Both compute each C[i, j] as one float64 sum over k in the order
 * 0, 1, …, k − 1 starting from +0, with separately rounded products, so their results are bit-identical
 * to each other and to the textbook triple loop: the choice changes speed, never a value, and a run is
 * byte-reproducible whichever kernel it used.
 *
 * The WebAssembly kernel works in place when A, B and C were all allocated by {@link allocGemmArray}
 * (in one arena chunk, which `near` arranges); otherwise it copies the operands into its own memory and
 * C back, which costs a few per cent at 64 × 64 × 64 and more on small products.
 *
 * @example
 * // y [batch × out] = x [batch × in] · Wᵀ, with W [out × in] at offset wOff in the parameters
 * gemmABt(x, 0, params, wOff, y, 0, batch, out, inSize, false);
 * @throws RlError (E_SHAPE) from the WebAssembly kernel when an operand reaches outside its array.
 */
export function gemmABt(
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
): void {
  if (selected === undefined) selected = loadWasm();
  if (selected !== null) {
    const buffer = c.buffer;
    const inPlace = a.buffer === buffer && b.buffer === buffer ? selected.arena.kernelFor(buffer) : undefined;
    if (inPlace !== undefined) {
      // Out of range here would read or overwrite a neighbouring block of the arena, not fail.
      checkOperands(a.length, aOff, b.length, bOff, c.length, cOff, m, n, k);
      inPlace(a.byteOffset + 8 * aOff, b.byteOffset + 8 * bOff, c.byteOffset + 8 * cOff, m, n, k, accumulate ? 1 : 0);
      return;
    }
    if (selected.copy.run(a, aOff, b, bOff, c, cOff, m, n, k, accumulate)) return;
  }
  gemmABtJs(a, aOff, b, bOff, c, cOff, m, n, k, accumulate);
}

/**
 * A zeroed Float64Array of `length` that the WebAssembly kernel reads and writes in place, with no copy:
 * a view into a fixed-size WebAssembly memory (never grown, so never detached). Pass an existing array
 * as `near` to place the new one in the same chunk, as in-place products need: a network allocates its
 * buffers near its parameters. Arrays that end up in different chunks still work (the kernel copies
 * them, with the same results). Where WebAssembly is unavailable this is `new Float64Array(length)`.
 *
 * The view's `buffer` is a whole chunk (16 MiB of address space, shared with other arrays): use
 * `byteOffset`/`byteLength` with it, and `slice()` rather than `structuredClone` or transfer to copy it.
 * A chunk is freed when no array in it is reachable, so a long-lived array keeps up to 16 MiB alive.
 *
 * @example
 * const params = allocGemmArray(n);
 * const grads = allocGemmArray(n, params);
 * @throws RlError (E_SHAPE) when `length` is not a non-negative integer.
 */
export function allocGemmArray(length: number, near?: Float64Array): Float64Array<ArrayBuffer> {
  if (!(Number.isInteger(length) && length >= 0)) throw new RlError(`array length must be a non-negative integer, got ${length}`, 'E_SHAPE');
  const wasm = length > 0 ? loadWasm() : null;
  return wasm?.arena.alloc(length, near) ?? new Float64Array(length);
}

/**
 * Returns an array from {@link allocGemmArray} for reuse; neither it nor any subarray of it may be used
 * afterwards. Ordinary arrays are ignored. Arrays that are never freed are reclaimed with their whole
 * chunk, once no array in that chunk is reachable.
 *
 * @example
 * freeGemmArray(this.scratch);
 * this.scratch = allocGemmArray(2 * n, this.params);
 * @throws RlError (E_ASSERT) when given a subarray of an arena array, or an array freed before.
 */
export function freeGemmArray(array: Float64Array): void {
  loaded?.arena.free(array);
}

/**
 * The kernel {@link gemmABt} runs now: `'wasm'` by default when WebAssembly SIMD validates, else
 * `'js'`, unless {@link setGemmKernel} chose. Record it in run manifests (it affects speed only).
 *
 * @example
 * manifest.gemmKernel = gemmKernel(); // 'wasm' on Node ≥ 16.4
 */
export function gemmKernel(): GemmKernel {
  if (selected === undefined) selected = loadWasm();
  return selected === null ? 'js' : 'wasm';
}

/** Whether this runtime can run the WebAssembly SIMD kernel (compiles it on the first call). */
export function wasmGemmAvailable(): boolean {
  return loadWasm() !== null;
}

/**
 * Chooses the kernel behind {@link gemmABt} for the whole process: `'js'`, `'wasm'`, or `'auto'` (the
 * default: WebAssembly when available). Returns the kernel now active. Arrays from
 * {@link allocGemmArray} work with either kernel.
 *
 * @example
 * setGemmKernel('js');   // e.g. to time the plain-JS kernel
 * setGemmKernel('auto'); // back to the default
 * @throws RlError (E_GEMM_KERNEL) for `'wasm'` when this runtime cannot run WebAssembly SIMD;
 *   (E_CONFIG) for any other name.
 */
export function setGemmKernel(kind: GemmKernel | 'auto'): GemmKernel {
  if (kind === 'js') {
    selected = null;
  } else if (kind === 'wasm') {
    const wasm = loadWasm();
    if (wasm === null) throw new RlError('the WebAssembly SIMD gemm kernel is not available in this runtime', 'E_GEMM_KERNEL');
    selected = wasm;
  } else if (kind === 'auto') {
    selected = loadWasm();
  } else {
    throw new RlError(`unknown gemm kernel "${String(kind)}"; expected "js", "wasm" or "auto"`, 'E_CONFIG', 2);
  }
  return gemmKernel();
}

/**
 * The plain-JS kernel: register-blocked 2 rows × 4 columns so each loaded value feeds several
 * multiply-adds. Same contract and bit-identical results as {@link gemmABt}; it does not check bounds
 * (reads outside A or B give NaN).
 *
 * @example
 * gemmABtJs(a, 0, b, 0, c, 0, m, n, k, false);
 */
export function gemmABtJs(
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
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    const c0 = cOff + i * n;
    const c1 = c0 + n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = bOff + j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      for (let q = 0; q < k; q++) {
        const x0 = a[a0 + q];
        const x1 = a[a1 + q];
        const w0 = b[b0 + q];
        const w1 = b[b1 + q];
        const w2 = b[b2 + q];
        const w3 = b[b3 + q];
        s00 += x0 * w0;
        s01 += x0 * w1;
        s02 += x0 * w2;
        s03 += x0 * w3;
        s10 += x1 * w0;
        s11 += x1 * w1;
        s12 += x1 * w2;
        s13 += x1 * w3;
      }
      if (accumulate) {
        c[c0 + j] += s00;
        c[c0 + j + 1] += s01;
        c[c0 + j + 2] += s02;
        c[c0 + j + 3] += s03;
        c[c1 + j] += s10;
        c[c1 + j + 1] += s11;
        c[c1 + j + 2] += s12;
        c[c1 + j + 3] += s13;
      } else {
        c[c0 + j] = s00;
        c[c0 + j + 1] = s01;
        c[c0 + j + 2] = s02;
        c[c0 + j + 3] = s03;
        c[c1 + j] = s10;
        c[c1 + j + 1] = s11;
        c[c1 + j + 2] = s12;
        c[c1 + j + 3] = s13;
      }
    }
    for (; j < n; j++) {
      const b0 = bOff + j * k;
      let s0 = 0;
      let s1 = 0;
      for (let q = 0; q < k; q++) {
        const w = b[b0 + q];
        s0 += a[a0 + q] * w;
        s1 += a[a1 + q] * w;
      }
      c[c0 + j] = accumulate ? c[c0 + j] + s0 : s0;
      c[c1 + j] = accumulate ? c[c1 + j] + s1 : s1;
    }
  }
  for (; i < m; i++) {
    const a0 = aOff + i * k;
    const c0 = cOff + i * n;
    for (let j = 0; j < n; j++) {
      const b0 = bOff + j * k;
      let s = 0;
      for (let q = 0; q < k; q++) s += a[a0 + q] * b[b0 + q];
      c[c0 + j] = accumulate ? c[c0 + j] + s : s;
    }
  }
}

/** `dst[c, r] = src[r, c]` for a [rows × cols] row-major block at `srcOff`. */
export function transpose(src: Float64Array, srcOff: number, rows: number, cols: number, dst: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const s = srcOff + r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[s + c];
  }
}
