import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rng } from '../core/rng.js';
import { allocGemmArray, freeGemmArray, gemmABt, gemmABtJs, gemmKernel, setGemmKernel, wasmGemmAvailable } from './gemm.js';
import { GemmArena } from './kernels/gemm-arena.js';
import { GemmModule, WasmGemm, type WasmApi } from './kernels/gemm-simd.js';

type Gemm = typeof gemmABt;
/** Makes an operand of n doubles (`near`: the first operand of the same product); `release` frees them all. */
interface Make {
  (n: number, near?: Float64Array): Float64Array;
  release?(): void;
}

/** C[i, j] (+)= Σ_q A[i, q]·B[j, q] by the textbook triple loop, q in increasing order. */
function naiveABt(a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number, m: number, n: number, k: number, accumulate: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[aOff + i * k + q] * b[bOff + j * k + q];
      c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + s : s;
    }
  }
}

/** Index of the first element where `x` and `y` differ under Object.is (so −0 ≠ +0, NaN = NaN), or −1. */
function firstDifference(x: Float64Array, y: Float64Array): number {
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let q = 0; q < x.length; q++) if (!Object.is(x[q], y[q])) return q;
  return -1;
}

const plain: Make = (n) => new Float64Array(n);

/**
 * Runs `gemm` and the triple loop on the same random operands at non-zero offsets, with guard values
 * on both sides of C, and returns the first difference in C's whole array (−1: bit-identical).
 */
function compare(gemm: Gemm, make: Make, rng: Rng, m: number, n: number, k: number, accumulate: boolean): number {
  const [aOff, bOff, cOff] = [3, 5, 7];
  const a = make(aOff + m * k + 2);
  const b = make(bOff + n * k + 2, a);
  const got = make(cOff + m * n + 4, a);
  for (const x of [a, b, got]) rng.fillNormal(x);
  const want = Float64Array.from(got);
  gemm(a, aOff, b, bOff, got, cOff, m, n, k, accumulate);
  naiveABt(a, aOff, b, bOff, want, cOff, m, n, k, accumulate);
  const at = firstDifference(got, want);
  make.release?.();
  return at;
}

const module = GemmModule.load();

afterEach(() => {
  setGemmKernel('auto');
  vi.restoreAllMocks();
});

describe.runIf(module !== undefined)('WebAssembly SIMD gemm kernel', () => {
  // describe.runIf still collects this body where WebAssembly is missing, so build nothing from `module` here.
  const copy = module === undefined ? undefined : new WasmGemm(module);
  const byCopy: Gemm = (a, aOff, b, bOff, c, cOff, m, n, k, accumulate) => {
    if (!copy!.run(a, aOff, b, bOff, c, cOff, m, n, k, accumulate)) throw new Error('operands too large');
  };
  const arena = module === undefined ? undefined : new GemmArena(module);
  const live: Float64Array[] = [];
  const inArena: Make = Object.assign((n: number, near?: Float64Array) => live[live.push(arena!.alloc(n, near)!) - 1], {
    release: () => live.splice(0).forEach((x) => arena!.free(x)),
  });
  const inPlace: Gemm = (a, aOff, b, bOff, c, cOff, m, n, k, accumulate) => {
    expect(a.buffer === c.buffer && b.buffer === c.buffer).toBe(true);
    arena!.kernelFor(c.buffer)!(a.byteOffset + 8 * aOff, b.byteOffset + 8 * bOff, c.byteOffset + 8 * cOff, m, n, k, accumulate ? 1 : 0);
  };
  const paths: [string, Gemm, Make][] = [
    ['copied operands', byCopy, plain],
    ['operands in the arena', inPlace, inArena],
  ];
  // Every block path of gemm.wat (4×4, 4×2, 4×1, 1×4, 1×1) and its edges: m and n across 1–9 and
  // around 32 and 64, k odd and even, up to 70.
  const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 33, 64, 70];

  describe.each(paths)('on %s', (_, gemm, make) => {
    it.each([false, true])('equals the triple loop bit for bit for m, n, k ∈ {1…9, 31, 33, 64, 70} (accumulate = %s)', (accumulate) => {
      const rng = Rng.fromSeed(`gemm-wasm-grid-${accumulate}`);
      const failures: string[] = [];
      for (const m of sizes) for (const n of sizes) for (const k of sizes) {
        const at = compare(gemm, make, rng, m, n, k, accumulate);
        if (at >= 0) failures.push(`${m}×${n}×${k} at ${at}`);
      }
      expect(failures).toEqual([]);
    });

    it('equals the triple loop, and so the JS kernel, bit for bit on 300 random shapes in 1…70', () => {
      const rng = Rng.fromSeed('gemm-wasm-random');
      for (let t = 0; t < 300; t++) {
        const [m, n, k] = [1 + rng.int(70), 1 + rng.int(70), 1 + rng.int(70)];
        const accumulate = rng.uniform() < 0.5;
        expect(compare(gemm, make, rng, m, n, k, accumulate), `${m}×${n}×${k}`).toBe(-1);
        expect(compare(gemmABtJs, plain, rng, m, n, k, accumulate), `${m}×${n}×${k} (js)`).toBe(-1);
      }
    });

    it('propagates ±0, ±∞, NaN and subnormals exactly as the JS kernel does', () => {
      const special = [0, -0, Infinity, -Infinity, NaN, 5e-324, -2.5e-310, 1e308, -1e308, 1, -1];
      const rng = Rng.fromSeed('gemm-wasm-special');
      const pick = (n: number, near?: Float64Array) => {
        const x = make(n, near);
        for (let q = 0; q < n; q++) x[q] = special[rng.int(special.length)];
        return x;
      };
      for (const [m, n, k] of [[5, 7, 3], [8, 8, 8], [1, 9, 2], [9, 1, 5]] as const) {
        for (const accumulate of [false, true]) {
          const a = pick(m * k);
          const [b, got] = [pick(n * k, a), pick(m * n, a)];
          const want = Float64Array.from(got);
          gemm(a, 0, b, 0, got, 0, m, n, k, accumulate);
          gemmABtJs(a, 0, b, 0, want, 0, m, n, k, accumulate);
          expect(firstDifference(got, want), `${m}×${n}×${k}`).toBe(-1);
          make.release?.();
        }
      }
    });

    it('k = 0 writes zeros (or leaves C + 0), and m = 0 or n = 0 touch nothing', () => {
      const c = make(4);
      c.set([1.5, -2, 3, 4]);
      gemm(make(0, c), 0, make(0, c), 0, c, 0, 2, 2, 0, true);
      expect(Array.from(c)).toEqual([1.5, -2, 3, 4]);
      gemm(make(0, c), 0, make(0, c), 0, c, 0, 2, 2, 0, false);
      expect(Array.from(c)).toEqual([0, 0, 0, 0]);
      c.set([7, 8, 9, 10]);
      gemm(make(4, c), 0, make(0, c), 0, c, 0, 2, 0, 2, false);
      gemm(make(0, c), 0, make(4, c), 0, c, 0, 0, 2, 2, false);
      expect(Array.from(c)).toEqual([7, 8, 9, 10]);
      make.release?.();
    });
  });

  it('is deterministic: the same call gives the same bits, also after the copy scratch grew', () => {
    const rng = Rng.fromSeed('gemm-wasm-determinism');
    const [m, n, k] = [64, 64, 31];
    const [a, b] = [rng.fillNormal(new Float64Array(m * k)) as Float64Array, rng.fillNormal(new Float64Array(n * k)) as Float64Array];
    const [first, second] = [new Float64Array(m * n), new Float64Array(m * n)];
    byCopy(a, 0, b, 0, first, 0, m, n, k, false);
    const before = copy!.scratchBytes;
    // 300×200×100 needs (3·10⁴ + 2·10⁴ + 6·10⁴)·8 bytes, more than the scratch has held so far.
    expect(compare(byCopy, plain, rng, 300, 200, 100, true)).toBe(-1);
    expect(copy!.scratchBytes).toBeGreaterThan(before);
    byCopy(a, 0, b, 0, second, 0, m, n, k, false);
    expect(firstDifference(first, second)).toBe(-1);
  });

  it('rejects operands that reach outside their arrays with E_SHAPE, in place or copied, before writing', () => {
    setGemmKernel('wasm');
    // A [2 × 3], B [4 × 3], C [2 × 4] in the arena, with C's block followed directly by another array.
    const a = allocGemmArray(6);
    const [b, c, neighbour] = [allocGemmArray(12, a), allocGemmArray(8, a), allocGemmArray(8, a)];
    expect(neighbour.byteOffset).toBe(c.byteOffset + c.byteLength);
    neighbour.fill(5);
    const shape = expect.objectContaining({ code: 'E_SHAPE' });
    expect(() => gemmABt(a, 0, b, 0, c, 4, 2, 4, 3, false)).toThrow(shape); // would write into `neighbour`
    expect(() => gemmABt(a, 1, b, 0, c, 0, 2, 4, 3, false)).toThrow(shape);
    expect(() => gemmABt(a, 0, b, -1, c, 0, 2, 4, 3, false)).toThrow(shape);
    expect(() => gemmABt(new Float64Array(6), 0, b, 0, c, 1, 2, 4, 3, false)).toThrow(shape); // copied
    expect(Array.from(neighbour)).toEqual(new Array(8).fill(5));
  });
});

describe.runIf(module !== undefined)('gemm arena', () => {
  it('hands out zeroed, 64-byte-aligned views; near places them in the same chunk', () => {
    const arena = new GemmArena(module!);
    const p = arena.alloc(10)!;
    const q = arena.alloc(3, p)!;
    expect(q.buffer).toBe(p.buffer);
    expect([p.byteOffset % 64, q.byteOffset % 64]).toEqual([0, 0]);
    expect(q.byteOffset).toBeGreaterThanOrEqual(p.byteOffset + p.byteLength);
    expect(Array.from(q)).toEqual([0, 0, 0]);
  });

  it('reuses freed blocks, zero-filled, and coalesces neighbouring free blocks', () => {
    const arena = new GemmArena(module!);
    const [x, y, z] = [arena.alloc(8)!, arena.alloc(8)!, arena.alloc(8)!];
    y.fill(3);
    arena.free(y);
    const y2 = arena.alloc(8)!;
    expect(y2.byteOffset).toBe(y.byteOffset);
    expect(Array.from(y2)).toEqual(new Array(8).fill(0));
    arena.free(x);
    arena.free(y2); // x and y2 merge into one 128-byte range, before z
    const both = arena.alloc(16)!;
    expect(both.byteOffset).toBe(x.byteOffset);
    expect(both.byteOffset + both.byteLength).toBe(z.byteOffset);
  });

  it('adds chunks when full, gives an oversized request a chunk of its own, and falls back to another chunk when near is full', () => {
    const arena = new GemmArena(module!, 65536); // one page per chunk
    const first = arena.alloc(8000)!; // 64 000 of 65 536 bytes
    const spill = arena.alloc(1000, first)!; // does not fit beside `first`
    expect(spill.buffer).not.toBe(first.buffer);
    const huge = arena.alloc(20000)!; // 160 000 bytes > one chunk
    expect(huge.length).toBe(20000);
    expect(huge.buffer.byteLength).toBeGreaterThanOrEqual(160000);
    expect(arena.kernelFor(huge.buffer)).toBeTypeOf('function');
    expect(arena.kernelFor(new ArrayBuffer(8))).toBeUndefined();
  });

  it('free ignores ordinary arrays and rejects subarrays and double frees with E_ASSERT', () => {
    const arena = new GemmArena(module!);
    arena.free(new Float64Array(4));
    const x = arena.alloc(8)!;
    const bad = expect.objectContaining({ code: 'E_ASSERT' });
    expect(() => arena.free(x.subarray(2))).toThrow(bad);
    arena.free(x);
    expect(() => arena.free(x)).toThrow(bad);
  });
});

describe('allocGemmArray and gemmABt', () => {
  it('allocates zeroed arrays of the requested length; rejects a negative or fractional length', () => {
    expect(Array.from(allocGemmArray(5))).toEqual([0, 0, 0, 0, 0]);
    expect(allocGemmArray(0).length).toBe(0);
    for (const bad of [-1, 2.5, NaN]) expect(() => allocGemmArray(bad)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });

  it.runIf(wasmGemmAvailable())('computes in place on arena arrays and copies mixed operands, with the same bits', () => {
    const run = vi.spyOn(WasmGemm.prototype, 'run');
    const rng = Rng.fromSeed('gemm-alloc');
    const live: Float64Array[] = [];
    const arena: Make = Object.assign((n: number, near?: Float64Array) => live[live.push(allocGemmArray(n, near)) - 1], {
      release: () => live.splice(0).forEach(freeGemmArray),
    });
    expect(compare(gemmABt, arena, rng, 64, 64, 31, true)).toBe(-1);
    expect(run).not.toHaveBeenCalled();
    const mixed: Make = (n, near) => (near === undefined ? new Float64Array(n) : allocGemmArray(n));
    expect(compare(gemmABt, mixed, rng, 64, 64, 31, true)).toBe(-1);
    expect(run).toHaveBeenCalledTimes(1);
    const freed = allocGemmArray(16);
    freeGemmArray(freed);
    expect(() => freeGemmArray(freed)).toThrow(expect.objectContaining({ code: 'E_ASSERT' }));
    freeGemmArray(new Float64Array(3)); // ignored
  });
});

describe('gemm kernel selection', () => {
  it('defaults to wasm where WebAssembly SIMD validates, and gemmABt runs the selected kernel', () => {
    expect(gemmKernel()).toBe(wasmGemmAvailable() ? 'wasm' : 'js');
    const rng = Rng.fromSeed('gemm-select');
    for (const kind of ['js', 'wasm', 'auto'] as const) {
      if (kind === 'wasm' && !wasmGemmAvailable()) continue;
      expect(setGemmKernel(kind)).toBe(kind === 'auto' ? (wasmGemmAvailable() ? 'wasm' : 'js') : kind);
      expect(compare(gemmABt, plain, rng, 13, 10, 9, true)).toBe(-1);
      expect(compare(gemmABt, (n, near) => allocGemmArray(n, near), rng, 13, 10, 9, true)).toBe(-1);
    }
  });

  it('rejects an unknown kernel name with E_CONFIG and keeps the current one', () => {
    setGemmKernel('js');
    expect(() => setGemmKernel('gpu' as 'js')).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(gemmKernel()).toBe('js');
  });

  it('GemmModule.load returns undefined without WebAssembly, or when the SIMD module does not validate', () => {
    expect(GemmModule.load(null)).toBeUndefined();
    expect(GemmModule.load({ validate: () => false } as unknown as WasmApi)).toBeUndefined();
    const throwing = { validate: () => true, Module: class { constructor() { throw new Error('CompileError'); } } } as unknown as WasmApi;
    expect(GemmModule.load(throwing)).toBeUndefined();
  });

  it('falls back to JS when the runtime has no WebAssembly: default js, wasm refused with E_GEMM_KERNEL', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const fresh = await import('./gemm.js');
      expect(fresh.wasmGemmAvailable()).toBe(false);
      expect(fresh.gemmKernel()).toBe('js');
      expect(() => fresh.setGemmKernel('wasm')).toThrow(expect.objectContaining({ code: 'E_GEMM_KERNEL' }));
      expect(fresh.setGemmKernel('auto')).toBe('js');
      const x = fresh.allocGemmArray(4);
      expect(x.buffer.byteLength).toBe(32); // an ordinary array
      fresh.freeGemmArray(x);
      expect(compare(fresh.gemmABt, (n) => fresh.allocGemmArray(n), Rng.fromSeed('gemm-fallback'), 9, 7, 5, false)).toBe(-1);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
