;; C[i, j] (+)= Σ_q A[i, q] · B[j, q] on float64, with WebAssembly SIMD (v128 as f64x2).
;;
;; The WebAssembly twin of gemmABtJs in ../gemm.ts, same operands (row-major A [m × k], B [n × k],
;; C [m × n]) given as byte addresses in the imported memory, and the accumulate flag (0 or 1).
;;
;; Bit-identical to gemmABtJs and to the textbook triple loop, by construction: each C[i, j] is one
;; sum that starts at +0 and adds A[i, q] · B[j, q] for q = 0, 1, …, k − 1 in that order, with a
;; separate rounded multiply and add (WebAssembly has no fused multiply-add outside relaxed-simd), and
;; accumulate adds that finished sum to the old C[i, j]. The two lanes of a vector hold two different
;; outputs (adjacent columns j, j + 1), never two terms of one sum, so vectorising changes no rounding.
;; Vectorising along k instead (lanes = even and odd q, 2 × 4 blocks, a horizontal add at the end)
;; was tried: 18.4 µs instead of 21.0 at 64 × 64 × 64 and 0.42 instead of 0.75 at 1 × 64 × 64, but
;; 2.6 instead of 1.7 at 64 × 64 × 3, and it changes the last bits of the results.
;;
;; Blocking: 4 rows of A × 4 rows of B per step (8 f64x2 accumulators; per q: two 2-lane gathers of B
;; via load64_zero + load64_lane, four splats of A), then a 4 × 2 and a 4 × 1 edge for n mod 4, then
;; the m mod 4 leftover rows one at a time as 1 × 4 blocks and a scalar 1 × 1 edge.
;;
;; Assemble with scripts/build-kernels.mjs, which writes gemm-wasm.ts; do not edit that file by hand.
(module
  (import "env" "memory" (memory 1))
  (func (export "gemmABt")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32) (param $acc i32)
    (local $kb i32) (local $nb i32) (local $i i32) (local $j i32) (local $jb i32) (local $q i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $x v128) (local $wl v128) (local $wh v128)
    (local $s0l v128) (local $s0h v128) (local $s1l v128) (local $s1h v128)
    (local $s2l v128) (local $s2h v128) (local $s3l v128) (local $s3h v128)
    (local $w f64) (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64)
    (local.set $kb (i32.shl (local.get $k) (i32.const 3)))
    (local.set $nb (i32.shl (local.get $n) (i32.const 3)))
    ;; ---- panels of 4 rows of A (and C)
    (block $rows4_end
      (loop $rows4
        (br_if $rows4_end (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kb))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $kb)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $kb)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $kb)))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $nb))))
        (local.set $c1 (i32.add (local.get $c0) (local.get $nb)))
        (local.set $c2 (i32.add (local.get $c1) (local.get $nb)))
        (local.set $c3 (i32.add (local.get $c2) (local.get $nb)))
        (local.set $j (i32.const 0))
        ;; 4 × 4 blocks: lanes hold columns (j, j+1) and (j+2, j+3)
        (block $cols4_end
          (loop $cols4
            (br_if $cols4_end (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $kb)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $kb)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $kb)))
            (local.set $s0l (v128.const i64x2 0 0)) (local.set $s0h (v128.const i64x2 0 0))
            (local.set $s1l (v128.const i64x2 0 0)) (local.set $s1h (v128.const i64x2 0 0))
            (local.set $s2l (v128.const i64x2 0 0)) (local.set $s2h (v128.const i64x2 0 0))
            (local.set $s3l (v128.const i64x2 0 0)) (local.set $s3h (v128.const i64x2 0 0))
            (local.set $q (i32.const 0))
            (block $q_end
              (loop $q_loop
                (br_if $q_end (i32.ge_u (local.get $q) (local.get $kb)))
                (local.set $wl (v128.load64_lane 1 (i32.add (local.get $b1) (local.get $q))
                  (v128.load64_zero (i32.add (local.get $b0) (local.get $q)))))
                (local.set $wh (v128.load64_lane 1 (i32.add (local.get $b3) (local.get $q))
                  (v128.load64_zero (i32.add (local.get $b2) (local.get $q)))))
                (local.set $x (v128.load64_splat (i32.add (local.get $a0) (local.get $q))))
                (local.set $s0l (f64x2.add (local.get $s0l) (f64x2.mul (local.get $x) (local.get $wl))))
                (local.set $s0h (f64x2.add (local.get $s0h) (f64x2.mul (local.get $x) (local.get $wh))))
                (local.set $x (v128.load64_splat (i32.add (local.get $a1) (local.get $q))))
                (local.set $s1l (f64x2.add (local.get $s1l) (f64x2.mul (local.get $x) (local.get $wl))))
                (local.set $s1h (f64x2.add (local.get $s1h) (f64x2.mul (local.get $x) (local.get $wh))))
                (local.set $x (v128.load64_splat (i32.add (local.get $a2) (local.get $q))))
                (local.set $s2l (f64x2.add (local.get $s2l) (f64x2.mul (local.get $x) (local.get $wl))))
                (local.set $s2h (f64x2.add (local.get $s2h) (f64x2.mul (local.get $x) (local.get $wh))))
                (local.set $x (v128.load64_splat (i32.add (local.get $a3) (local.get $q))))
                (local.set $s3l (f64x2.add (local.get $s3l) (f64x2.mul (local.get $x) (local.get $wl))))
                (local.set $s3h (f64x2.add (local.get $s3h) (f64x2.mul (local.get $x) (local.get $wh))))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (br $q_loop)))
            (local.set $jb (i32.shl (local.get $j) (i32.const 3)))
            (if (local.get $acc)
              (then
                (local.set $s0l (f64x2.add (v128.load (i32.add (local.get $c0) (local.get $jb))) (local.get $s0l)))
                (local.set $s0h (f64x2.add (v128.load offset=16 (i32.add (local.get $c0) (local.get $jb))) (local.get $s0h)))
                (local.set $s1l (f64x2.add (v128.load (i32.add (local.get $c1) (local.get $jb))) (local.get $s1l)))
                (local.set $s1h (f64x2.add (v128.load offset=16 (i32.add (local.get $c1) (local.get $jb))) (local.get $s1h)))
                (local.set $s2l (f64x2.add (v128.load (i32.add (local.get $c2) (local.get $jb))) (local.get $s2l)))
                (local.set $s2h (f64x2.add (v128.load offset=16 (i32.add (local.get $c2) (local.get $jb))) (local.get $s2h)))
                (local.set $s3l (f64x2.add (v128.load (i32.add (local.get $c3) (local.get $jb))) (local.get $s3l)))
                (local.set $s3h (f64x2.add (v128.load offset=16 (i32.add (local.get $c3) (local.get $jb))) (local.get $s3h)))))
            (v128.store (i32.add (local.get $c0) (local.get $jb)) (local.get $s0l))
            (v128.store offset=16 (i32.add (local.get $c0) (local.get $jb)) (local.get $s0h))
            (v128.store (i32.add (local.get $c1) (local.get $jb)) (local.get $s1l))
            (v128.store offset=16 (i32.add (local.get $c1) (local.get $jb)) (local.get $s1h))
            (v128.store (i32.add (local.get $c2) (local.get $jb)) (local.get $s2l))
            (v128.store offset=16 (i32.add (local.get $c2) (local.get $jb)) (local.get $s2h))
            (v128.store (i32.add (local.get $c3) (local.get $jb)) (local.get $s3l))
            (v128.store offset=16 (i32.add (local.get $c3) (local.get $jb)) (local.get $s3h))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        ;; 4 × 2 block: lanes hold columns (j, j+1)
        (if (i32.le_s (i32.add (local.get $j) (i32.const 2)) (local.get $n))
          (then
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $kb)))
            (local.set $s0l (v128.const i64x2 0 0)) (local.set $s1l (v128.const i64x2 0 0))
            (local.set $s2l (v128.const i64x2 0 0)) (local.set $s3l (v128.const i64x2 0 0))
            (local.set $q (i32.const 0))
            (block $q_end
              (loop $q_loop
                (br_if $q_end (i32.ge_u (local.get $q) (local.get $kb)))
                (local.set $wl (v128.load64_lane 1 (i32.add (local.get $b1) (local.get $q))
                  (v128.load64_zero (i32.add (local.get $b0) (local.get $q)))))
                (local.set $s0l (f64x2.add (local.get $s0l)
                  (f64x2.mul (v128.load64_splat (i32.add (local.get $a0) (local.get $q))) (local.get $wl))))
                (local.set $s1l (f64x2.add (local.get $s1l)
                  (f64x2.mul (v128.load64_splat (i32.add (local.get $a1) (local.get $q))) (local.get $wl))))
                (local.set $s2l (f64x2.add (local.get $s2l)
                  (f64x2.mul (v128.load64_splat (i32.add (local.get $a2) (local.get $q))) (local.get $wl))))
                (local.set $s3l (f64x2.add (local.get $s3l)
                  (f64x2.mul (v128.load64_splat (i32.add (local.get $a3) (local.get $q))) (local.get $wl))))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (br $q_loop)))
            (local.set $jb (i32.shl (local.get $j) (i32.const 3)))
            (if (local.get $acc)
              (then
                (local.set $s0l (f64x2.add (v128.load (i32.add (local.get $c0) (local.get $jb))) (local.get $s0l)))
                (local.set $s1l (f64x2.add (v128.load (i32.add (local.get $c1) (local.get $jb))) (local.get $s1l)))
                (local.set $s2l (f64x2.add (v128.load (i32.add (local.get $c2) (local.get $jb))) (local.get $s2l)))
                (local.set $s3l (f64x2.add (v128.load (i32.add (local.get $c3) (local.get $jb))) (local.get $s3l)))))
            (v128.store (i32.add (local.get $c0) (local.get $jb)) (local.get $s0l))
            (v128.store (i32.add (local.get $c1) (local.get $jb)) (local.get $s1l))
            (v128.store (i32.add (local.get $c2) (local.get $jb)) (local.get $s2l))
            (v128.store (i32.add (local.get $c3) (local.get $jb)) (local.get $s3l))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))))
        ;; 4 × 1 column (scalar)
        (if (i32.lt_s (local.get $j) (local.get $n))
          (then
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
            (local.set $t0 (f64.const 0)) (local.set $t1 (f64.const 0))
            (local.set $t2 (f64.const 0)) (local.set $t3 (f64.const 0))
            (local.set $q (i32.const 0))
            (block $q_end
              (loop $q_loop
                (br_if $q_end (i32.ge_u (local.get $q) (local.get $kb)))
                (local.set $w (f64.load (i32.add (local.get $b0) (local.get $q))))
                (local.set $t0 (f64.add (local.get $t0) (f64.mul (f64.load (i32.add (local.get $a0) (local.get $q))) (local.get $w))))
                (local.set $t1 (f64.add (local.get $t1) (f64.mul (f64.load (i32.add (local.get $a1) (local.get $q))) (local.get $w))))
                (local.set $t2 (f64.add (local.get $t2) (f64.mul (f64.load (i32.add (local.get $a2) (local.get $q))) (local.get $w))))
                (local.set $t3 (f64.add (local.get $t3) (f64.mul (f64.load (i32.add (local.get $a3) (local.get $q))) (local.get $w))))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (br $q_loop)))
            (local.set $jb (i32.shl (local.get $j) (i32.const 3)))
            (if (local.get $acc)
              (then
                (local.set $t0 (f64.add (f64.load (i32.add (local.get $c0) (local.get $jb))) (local.get $t0)))
                (local.set $t1 (f64.add (f64.load (i32.add (local.get $c1) (local.get $jb))) (local.get $t1)))
                (local.set $t2 (f64.add (f64.load (i32.add (local.get $c2) (local.get $jb))) (local.get $t2)))
                (local.set $t3 (f64.add (f64.load (i32.add (local.get $c3) (local.get $jb))) (local.get $t3)))))
            (f64.store (i32.add (local.get $c0) (local.get $jb)) (local.get $t0))
            (f64.store (i32.add (local.get $c1) (local.get $jb)) (local.get $t1))
            (f64.store (i32.add (local.get $c2) (local.get $jb)) (local.get $t2))
            (f64.store (i32.add (local.get $c3) (local.get $jb)) (local.get $t3))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    ;; ---- remaining rows, one at a time
    (block $rows1_end
      (loop $rows1
        (br_if $rows1_end (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kb))))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $nb))))
        (local.set $j (i32.const 0))
        ;; 1 × 4 blocks
        (block $cols4_end
          (loop $cols4
            (br_if $cols4_end (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $kb)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $kb)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $kb)))
            (local.set $s0l (v128.const i64x2 0 0)) (local.set $s0h (v128.const i64x2 0 0))
            (local.set $q (i32.const 0))
            (block $q_end
              (loop $q_loop
                (br_if $q_end (i32.ge_u (local.get $q) (local.get $kb)))
                (local.set $x (v128.load64_splat (i32.add (local.get $a0) (local.get $q))))
                (local.set $s0l (f64x2.add (local.get $s0l) (f64x2.mul (local.get $x)
                  (v128.load64_lane 1 (i32.add (local.get $b1) (local.get $q)) (v128.load64_zero (i32.add (local.get $b0) (local.get $q)))))))
                (local.set $s0h (f64x2.add (local.get $s0h) (f64x2.mul (local.get $x)
                  (v128.load64_lane 1 (i32.add (local.get $b3) (local.get $q)) (v128.load64_zero (i32.add (local.get $b2) (local.get $q)))))))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (br $q_loop)))
            (local.set $jb (i32.shl (local.get $j) (i32.const 3)))
            (if (local.get $acc)
              (then
                (local.set $s0l (f64x2.add (v128.load (i32.add (local.get $c0) (local.get $jb))) (local.get $s0l)))
                (local.set $s0h (f64x2.add (v128.load offset=16 (i32.add (local.get $c0) (local.get $jb))) (local.get $s0h)))))
            (v128.store (i32.add (local.get $c0) (local.get $jb)) (local.get $s0l))
            (v128.store offset=16 (i32.add (local.get $c0) (local.get $jb)) (local.get $s0h))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        ;; 1 × 1 (scalar)
        (block $cols1_end
          (loop $cols1
            (br_if $cols1_end (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
            (local.set $t0 (f64.const 0))
            (local.set $q (i32.const 0))
            (block $q_end
              (loop $q_loop
                (br_if $q_end (i32.ge_u (local.get $q) (local.get $kb)))
                (local.set $t0 (f64.add (local.get $t0)
                  (f64.mul (f64.load (i32.add (local.get $a0) (local.get $q))) (f64.load (i32.add (local.get $b0) (local.get $q))))))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (br $q_loop)))
            (local.set $jb (i32.add (local.get $c0) (i32.shl (local.get $j) (i32.const 3))))
            (if (local.get $acc)
              (then (local.set $t0 (f64.add (f64.load (local.get $jb)) (local.get $t0)))))
            (f64.store (local.get $jb) (local.get $t0))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1)))))
