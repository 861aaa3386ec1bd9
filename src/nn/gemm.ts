/**
 * `C[i, j] (+)= Σ_k A[i, k] · B[j, k]` — a product with B transposed, all row-major Float64Arrays at
 * offsets: A is [m × k], B is [n × k], C is [m × n]. The loop is register-blocked 2 rows × 4 columns so
 * each loaded value feeds several multiply-adds; every product the networks need (forward, weight
 * gradient, input gradient) is written in this one form.
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
