;; The scanner's byte kernel, in WebAssembly with 128-bit SIMD (Node 20 runs it on every platform it supports).
;; Two searches over a chunk of log bytes that JavaScript copies into this module's memory:
;;   newlines: the offset of every '\n' (the line ends) and of the first byte of every run of NUL bytes (what
;;             logrotate's copytruncate or a crash leaves; the scanner treats a run as a line break and skips it),
;;             16 bytes compared at a time;
;;   find:     every start of a needle, by the "generic SIMD" method (W. Mula, "SIMD-friendly algorithms for
;;             substring searching"): compare two of the needle's bytes (the caller picks its rarest; Mula uses
;;             the first and last) at 16 positions at once (64 per round, one test when none agree), and compare
;;             the whole needle only where both agree.
;; Both write absolute memory offsets (i32) to `out`, at most `cap` of them, and return how many they wrote; a
;; caller that gets `cap` back calls again from just after the last one. Both read up to 16 bytes (find: 64 plus
;; the needle's length) past `end`, which the caller keeps inside memory; nothing past `end` is reported.
;; Rebuilt into kernel-bytes.ts by `node packages/log-analyzer/scripts/build-wasm.mjs` (wabt's wat2wasm).
(module
  (memory (export "memory") 1)

  (func (export "newlines") (param $start i32) (param $end i32) (param $out i32) (param $cap i32) (param $prevNul i32)
        (result i32)
    (local $i i32) (local $mask i32) (local $n i32) (local $pos i32) (local $nl v128) (local $v v128)
    (local $nul i32)
    ;; $prevNul: 1 when the byte before $start is a NUL (a run that began before it is not reported again).
    (local.set $nl (i8x16.splat (i32.const 10)))
    (local.set $i (local.get $start))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $mask (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $nl))))
        ;; NUL bytes whose byte before is not NUL: the starts of NUL runs (almost always none: one test).
        (local.set $nul (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i64x2 0 0))))
        (if (i32.or (local.get $nul) (local.get $prevNul))
          (then
            (local.set $mask (i32.or (local.get $mask)
              (i32.and (local.get $nul)
                (i32.xor (i32.or (i32.shl (local.get $nul) (i32.const 1)) (local.get $prevNul)) (i32.const -1)))))
            (local.set $prevNul (i32.and (i32.shr_u (local.get $nul) (i32.const 15)) (i32.const 1)))))
        (block $bits_done
          (loop $bits
            (br_if $bits_done (i32.eqz (local.get $mask)))
            (local.set $pos (i32.add (local.get $i) (i32.ctz (local.get $mask))))
            (br_if $done (i32.ge_u (local.get $pos) (local.get $end)))
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $pos))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br_if $done (i32.ge_u (local.get $n) (local.get $cap)))
            (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
            (br $bits)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (local.get $n))

  (func (export "find") (param $start i32) (param $end i32) (param $needle i32) (param $len i32)
        (param $out i32) (param $cap i32) (param $a i32) (param $z i32) (result i32)
    (local $i i32) (local $mask i32) (local $n i32) (local $pos i32) (local $k i32) (local $m i32) (local $b i32) (local $j i32)
    (local $first v128) (local $lastb v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    ;; $a and $z: the two needle positions compared first (the caller picks its rarest bytes).
    (local.set $first (i8x16.splat (i32.load8_u (i32.add (local.get $needle) (local.get $a)))))
    (local.set $lastb (i8x16.splat (i32.load8_u (i32.add (local.get $needle) (local.get $z)))))
    (local.set $i (local.get $start))
    (block $done
      (loop $blocks
        ;; A match needs len bytes before end.
        (br_if $done (i32.gt_u (i32.add (local.get $i) (local.get $len)) (local.get $end)))
        ;; 64 bytes per round; most rounds have no candidate at all and cost one test. The two positions' bytes
        ;; are read at $j (for $a) and $k (for $z).
        (local.set $j (i32.add (local.get $i) (local.get $a)))
        (local.set $k (i32.add (local.get $i) (local.get $z)))
        (local.set $c0 (v128.and
            (i8x16.eq (v128.load offset=0 (local.get $j)) (local.get $first))
            (i8x16.eq (v128.load offset=0 (local.get $k)) (local.get $lastb))))
        (local.set $c1 (v128.and
            (i8x16.eq (v128.load offset=16 (local.get $j)) (local.get $first))
            (i8x16.eq (v128.load offset=16 (local.get $k)) (local.get $lastb))))
        (local.set $c2 (v128.and
            (i8x16.eq (v128.load offset=32 (local.get $j)) (local.get $first))
            (i8x16.eq (v128.load offset=32 (local.get $k)) (local.get $lastb))))
        (local.set $c3 (v128.and
            (i8x16.eq (v128.load offset=48 (local.get $j)) (local.get $first))
            (i8x16.eq (v128.load offset=48 (local.get $k)) (local.get $lastb))))
        (if (v128.any_true (v128.or (v128.or (local.get $c0) (local.get $c1)) (v128.or (local.get $c2) (local.get $c3))))
          (then
            (local.set $mask
              (i32.or (i8x16.bitmask (local.get $c0)) (i32.shl (i8x16.bitmask (local.get $c1)) (i32.const 16))))
            (local.set $b (i32.const 0))
            ;; Two halves of 32 positions each (an i32 mask each).
            (loop $halves
              (block $bits_done
                (loop $bits
                  (br_if $bits_done (i32.eqz (local.get $mask)))
                  (local.set $pos (i32.add (i32.add (local.get $i) (local.get $b)) (i32.ctz (local.get $mask))))
                  (br_if $done (i32.gt_u (i32.add (local.get $pos) (local.get $len)) (local.get $end)))
                  ;; Compare the whole needle (two of its bytes already agree).
                  (local.set $m (i32.const 0))
                  (block $differs
                    (block $same
                      (loop $cmp
                        (br_if $same (i32.ge_s (local.get $m) (local.get $len)))
                        (br_if $differs
                          (i32.ne (i32.load8_u (i32.add (local.get $pos) (local.get $m)))
                                  (i32.load8_u (i32.add (local.get $needle) (local.get $m)))))
                        (local.set $m (i32.add (local.get $m) (i32.const 1)))
                        (br $cmp)))
                    (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $pos))
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))
                    (br_if $done (i32.ge_u (local.get $n) (local.get $cap))))
                  (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
                  (br $bits)))
              (if (i32.eqz (local.get $b))
                (then
                  (local.set $b (i32.const 32))
                  (local.set $mask
                    (i32.or (i8x16.bitmask (local.get $c2)) (i32.shl (i8x16.bitmask (local.get $c3)) (i32.const 16))))
                  (br $halves))))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $blocks)))
    (local.get $n)))
