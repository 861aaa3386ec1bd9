/**
 * The only source of randomness in the framework.
 *
 * A xoshiro128** generator (Blackman & Vigna) with 32-bit integer state kept in four fields so the hot loop
 * stays monomorphic, uniform doubles with 53 random bits, and Marsaglia-Tsang Ziggurat normals (≈ 4× faster
 * than Box-Muller, and with no cached spare, so {@link Rng.state} captures everything).
 *
 * Streams are named: `fork(label)` derives a child from the parent's *name*, not its position, so an extra
 * draw in one component can never shift another component's draws. Forking the same label twice yields the
 * same stream: labels must be unique among siblings (use `fork(\`fold-${k}\`)`).
 *
 * @example
 * const root = Rng.fromSeed(42);
 * const envRng = root.fork('env');     // independent of root's draws
 * const x = envRng.normal();           // N(0, 1)
 * const saved = envRng.state();
 * Rng.fromState(saved).normal() === envRng.normal(); // true
 */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  /** The stream's name path: `"<seed>"`, `"<seed>/env"`, `"<seed>/env/0"`. */
  readonly key: string;
  readonly s: readonly [number, number, number, number];
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  private constructor(readonly key: string) {}

  /** A root stream from a seed (integer or string). Equal seeds give equal streams. */
  static fromSeed(seed: number | string): Rng {
    return Rng.fromKey(String(seed));
  }

  /** Restores a stream exactly where {@link state} was taken. */
  static fromState(state: RngState): Rng {
    const r = new Rng(state.key);
    [r.s0, r.s1, r.s2, r.s3] = state.s.map((v) => v | 0) as [number, number, number, number];
    return r;
  }

  private static fromKey(key: string): Rng {
    const r = new Rng(key);
    let h = hashString(key);
    const next = (): number => {
      h = (h + 0x9e3779b9) | 0; // splitmix32
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    r.s0 = next();
    r.s1 = next();
    r.s2 = next();
    r.s3 = next();
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) r.s0 = 1; // the all-zero state is a fixed point
    return r;
  }

  /** An independent child stream named `label`, derived from this stream's name (not its position). */
  fork(label: string): Rng {
    return Rng.fromKey(`${this.key}/${label}`);
  }

  /** A snapshot that {@link Rng.fromState} restores exactly (plain JSON). */
  state(): RngState {
    return { algorithm: 'xoshiro128**', key: this.key, s: [this.s0, this.s1, this.s2, this.s3] };
  }

  /** Next raw 32-bit value as a signed int32. */
  nextInt32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Next raw 32-bit value as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Standard normal N(0, 1) by the Ziggurat method (Marsaglia & Tsang 2000, 128 layers). */
  normal(): number {
    const hz = this.nextInt32();
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    return this.normalTail(hz, iz);
  }

  private normalTail(hz: number, iz: number): number {
    for (;;) {
      let x = hz * WN[iz];
      if (iz === 0) {
        let y: number;
        do {
          x = -Math.log(1 - this.uniform()) / ZIG_R;
          y = -Math.log(1 - this.uniform());
        } while (y + y < x * x);
        return hz > 0 ? ZIG_R + x : -ZIG_R - x;
      }
      if (FN[iz] + this.uniform() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.nextInt32();
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    }
  }

  /** Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). @throws RangeError unless 1 ≤ n ≤ 2^32. */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    const threshold = (TWO_POW_32 - n) % n; // 2^32 mod n
    if (n <= 2097152) {
      // n ≤ 2^21: x·n < 2^53 is exact in a double.
      for (;;) {
        const m = this.nextUint32() * n;
        if (m % TWO_POW_32 >= threshold) return Math.floor(m / TWO_POW_32);
      }
    }
    for (;;) {
      const x = this.nextUint32();
      // 64-bit product x·n split so every partial product is exact in a double (< 2^53).
      const a = (x >>> 16) * n;
      const b = (x & 0xffff) * n;
      const mid = (a % 65536) * 65536 + b;
      const low = mid % TWO_POW_32;
      if (low >= threshold) return Math.floor(a / 65536) + Math.floor(mid / TWO_POW_32);
    }
  }

  /** A uniformly random element of `items`. */
  choice<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Fills `out` with N(mean, sd²) draws and returns it. */
  fillNormal(out: Float64Array | Float32Array, mean = 0, sd = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = mean + sd * this.normal();
    return out;
  }
}

/** 32-bit string hash (murmur3 finaliser over FNV-1a) used only to derive seeds from stream names. */
function hashString(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= s.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

// Ziggurat tables (Marsaglia & Tsang 2000), 128 layers, for signed 32-bit draws.
const ZIG_R = 3.442619855899;
const KN = new Float64Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(function buildZigguratTables() {
  const m1 = 2147483648.0;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = (dn / q) * m1;
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = (dn / tn) * m1;
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
})();
