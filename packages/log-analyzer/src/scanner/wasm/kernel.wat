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
    (local.get $n))

  ;; ---------------------------------------------------------------------------------------------------------------
  ;; scan: the whole scan of a chunk in one pass, for formats whose stamp sits at fixed offsets (Python logging,
  ;; Scrapy, ISO 8601) when every series is a literal (texts, levels). Per 16-byte block: the line breaks ('\n', NUL
  ;; run starts) and, per needle, the candidate starts (two of its bytes agree, as in `find`); a candidate is compared
  ;; whole, a match sets its series' bit for the line. At each line end the line is classified as the JavaScript line
  ;; scanner does (record start, continuation of the record above, blank, garbage), and the record's series that
  ;; matched are counted once per record in a window of per-series slot counters (slot = UTC ms / resolution), the
  ;; stamp parsed in here only for records that matched (and the first record, and the last of the chunk).
  ;; It returns 0 when done; else it stopped at a line start (CFG_RESUME) to ask JavaScript for something and is
  ;; called again from there: 2 = the zone offset of naive hour CFG_NEED_KEY, 3 = a window that holds slot
  ;; CFG_NEED_SLOT (the counters are handed over and the window moved), 4 = room in the list of counts older than
  ;; the window (the list is handed over). Everything up to that line start is done
  ;; and counted; the line is redone from its start, so nothing is counted twice.
  ;; Configuration and state live at fixed offsets (CFG_*, below; JavaScript reads and writes them by name in
  ;; record-kernel.ts); the needle table at CFG_NEEDLES (64 bytes per needle: address, length, the two compared
  ;; positions, the series index, then the two bytes splatted as v128 at +32 and +48).
  ;; CFG: 0 format (1 python-logging, 2 scrapy, 3 iso8601) | 4 needles | 8 needle table | 12 window address |
  ;; 16 window slots per series | 20 resolution ms | 24 fixed zone (1: offset at 28 always) | 28 offset ms of the
  ;; cached hour | 32 cached naive hour (i32, -2^31 none) | 36 need key | 40 resume at | 44 lines | 48 unparsed |
  ;; 52 NUL bytes | 56 window base slot (i64) | 64 need slot (i64) | 72 first time (f64) | 80 last time (f64) |
  ;; 88 record open | 92 record parsed | 96 record start | 100 record end | 104 record series counted (mask) |
  ;; 108 record time valid | 112 record slot (i64) | 120 physical line | 124 last garbage line

  (data (i32.const 1024) "Traceback (most recent call last)")
  (data (i32.const 1072) "During handling of the above exception")
  (data (i32.const 1120) "The above exception was")
  (data (i32.const 1152) "Error")
  (data (i32.const 1160) "Exception")
  (data (i32.const 1176) "Warning")
  (data (i32.const 1184) "Exit")
  (data (i32.const 1192) "Interrupt")
  (data (i32.const 1208) "Failure")

  ;; 0-9, or -1 for a byte that is not a digit.
  (func $digit (param $p i32) (result i32)
    (local $d i32)
    (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
    (select (local.get $d) (i32.const -1) (i32.lt_u (local.get $d) (i32.const 10))))

  ;; Two digits as a number, or -1.
  (func $two (param $p i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (call $digit (local.get $p)))
    (local.set $b (call $digit (i32.add (local.get $p) (i32.const 1))))
    (if (result i32) (i32.lt_s (i32.or (local.get $a) (local.get $b)) (i32.const 0))
      (then (i32.const -1))
      (else (i32.add (i32.mul (local.get $a) (i32.const 10)) (local.get $b)))))

  (func $isDigit (param $p i32) (result i32)
    (i32.lt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)) (i32.const 10)))

  ;; `YYYY-MM-DD?HH:MM:SS` at $p, `?` a space or `T` (the digits the JavaScript test checks, no more).
  (func $isDateTime (param $p i32) (result i32)
    (local $t i32)
    (local.set $t (i32.load8_u offset=10 (local.get $p)))
    (i32.and
      (i32.and
        (i32.and (i32.eq (i32.load8_u offset=4 (local.get $p)) (i32.const 0x2d))
                 (i32.eq (i32.load8_u offset=7 (local.get $p)) (i32.const 0x2d)))
        (i32.and (i32.or (i32.eq (local.get $t) (i32.const 0x20)) (i32.eq (local.get $t) (i32.const 0x54)))
                 (i32.and (i32.eq (i32.load8_u offset=13 (local.get $p)) (i32.const 0x3a))
                          (i32.eq (i32.load8_u offset=16 (local.get $p)) (i32.const 0x3a)))))
      (i32.and
        (i32.and (call $isDigit (local.get $p)) (call $isDigit (i32.add (local.get $p) (i32.const 3))))
        (i32.and
          (i32.and (call $isDigit (i32.add (local.get $p) (i32.const 5))) (call $isDigit (i32.add (local.get $p) (i32.const 9))))
          (i32.and (call $isDigit (i32.add (local.get $p) (i32.const 11))) (call $isDigit (i32.add (local.get $p) (i32.const 18))))))))

  ;; The line starts a record: its first 32 bytes against the format's layout, set by JavaScript at CFG 256: bytes
  ;; that must equal pattern A (mask at 320), bytes that must equal A or B (the `T` or space of ISO, the comma or dot
  ;; of Python logging; mask at 324), bytes that must be digits (mask at 328), and the shortest record (332). The
  ;; same bytes are checked as the formats' isRecordStart in JavaScript (formats/*.ts), no more.
  (func $isRecordStart (param $s i32) (param $e i32) (result i32)
    (local $v0 v128) (local $v1 v128) (local $eqA i32) (local $eqB i32) (local $dig i32) (local $len i32) (local $m i32)
    (local.set $len (i32.sub (local.get $e) (local.get $s)))
    (if (i32.lt_s (local.get $len) (i32.load (i32.const 332))) (then (return (i32.const 0))))
    (local.set $v0 (v128.load (local.get $s)))
    (local.set $v1 (v128.load offset=16 (local.get $s)))
    (local.set $eqA (i32.or
      (i8x16.bitmask (i8x16.eq (local.get $v0) (v128.load (i32.const 256))))
      (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (v128.load (i32.const 272)))) (i32.const 16))))
    (local.set $m (i32.load (i32.const 320)))
    (if (i32.ne (i32.and (local.get $eqA) (local.get $m)) (local.get $m)) (then (return (i32.const 0))))
    (local.set $eqB (i32.or (local.get $eqA) (i32.or
      (i8x16.bitmask (i8x16.eq (local.get $v0) (v128.load (i32.const 288))))
      (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (v128.load (i32.const 304)))) (i32.const 16)))))
    (local.set $m (i32.load (i32.const 324)))
    (if (i32.ne (i32.and (local.get $eqB) (local.get $m)) (local.get $m)) (then (return (i32.const 0))))
    (local.set $dig (i32.or
      (i8x16.bitmask (i8x16.lt_u (i8x16.sub (local.get $v0) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10))))
      (i32.shl (i8x16.bitmask (i8x16.lt_u (i8x16.sub (local.get $v1) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))) (i32.const 16))))
    (local.set $m (i32.load (i32.const 328)))
    (if (i32.ne (i32.and (local.get $dig) (local.get $m)) (local.get $m)) (then (return (i32.const 0))))
    ;; ISO 8601: the stamp must end after the seconds (no digit right after them).
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 3))
      (then (return (i32.or (i32.eq (local.get $len) (i32.const 19))
                            (i32.eqz (i32.and (local.get $dig) (i32.const 0x80000)))))))
    (i32.const 1))

  ;; buf[$s, $e) starts with the $n bytes at $str.
  (func $startsWith (param $s i32) (param $e i32) (param $str i32) (param $n i32) (result i32)
    (local $k i32)
    (if (i32.lt_s (i32.sub (local.get $e) (local.get $s)) (local.get $n)) (then (return (i32.const 0))))
    (block $no
      (loop $cmp
        (br_if $no (i32.ge_u (local.get $k) (local.get $n)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $s) (local.get $k))) (i32.load8_u (i32.add (local.get $str) (local.get $k))))
          (then (return (i32.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $cmp)))
    (i32.const 1))

  ;; The $n bytes before $at are those at $str, and they start at or after $min.
  (func $endsAt (param $at i32) (param $min i32) (param $str i32) (param $n i32) (result i32)
    (if (i32.lt_s (i32.sub (local.get $at) (local.get $n)) (local.get $min)) (then (return (i32.const 0))))
    (call $startsWith (i32.sub (local.get $at) (local.get $n)) (local.get $at) (local.get $str) (local.get $n)))

  (func $isWord (param $c i32) (result i32)
    (i32.or
      (i32.or (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
              (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 97)) (i32.const 26)))
      (i32.eq (local.get $c) (i32.const 0x5f))))

  ;; An exception class name ends at $at: /(Error|Exception|Warning|Exit|Interrupt|Failure)$/ after $min.
  (func $exceptionEndsAt (param $at i32) (param $min i32) (result i32)
    (i32.or
      (i32.or
        (call $endsAt (local.get $at) (local.get $min) (i32.const 1152) (i32.const 5))
        (i32.or (call $endsAt (local.get $at) (local.get $min) (i32.const 1160) (i32.const 9))
                (call $endsAt (local.get $at) (local.get $min) (i32.const 1176) (i32.const 7))))
      (i32.or
        (call $endsAt (local.get $at) (local.get $min) (i32.const 1184) (i32.const 4))
        (i32.or (call $endsAt (local.get $at) (local.get $min) (i32.const 1192) (i32.const 9))
                (call $endsAt (local.get $at) (local.get $min) (i32.const 1208) (i32.const 7))))))

  ;; The line continues the record above (the JavaScript rule, continuation.ts): indented; or a traceback's known
  ;; first words; or, in its first 120 bytes, /^[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Interrupt|Failure)\b/.
  (func $isContinuation (param $s i32) (param $e i32) (result i32)
    (local $c i32) (local $lim i32) (local $q i32) (local $r i32)
    (local.set $c (i32.load8_u (local.get $s)))
    (if (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x09))) (then (return (i32.const 1))))
    (local.set $lim (select (local.get $e) (i32.add (local.get $s) (i32.const 120))
      (i32.lt_u (local.get $e) (i32.add (local.get $s) (i32.const 120)))))
    (if (call $startsWith (local.get $s) (local.get $lim) (i32.const 1024) (i32.const 33)) (then (return (i32.const 1))))
    (if (call $startsWith (local.get $s) (local.get $lim) (i32.const 1072) (i32.const 38)) (then (return (i32.const 1))))
    (if (call $startsWith (local.get $s) (local.get $lim) (i32.const 1120) (i32.const 23)) (then (return (i32.const 1))))
    ;; [A-Za-z_] then the run of [\w.]; the name may end where a '.' is, or where the run ends.
    (if (i32.eqz (i32.and (call $isWord (local.get $c)) (i32.ge_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))))
      (then (return (i32.const 0))))
    (local.set $q (i32.add (local.get $s) (i32.const 1)))
    (block $end
      (loop $run
        (br_if $end (i32.ge_u (local.get $q) (local.get $lim)))
        (local.set $c (i32.load8_u (local.get $q)))
        (if (i32.eq (local.get $c) (i32.const 0x2e))
          (then (if (call $exceptionEndsAt (local.get $q) (i32.add (local.get $s) (i32.const 1))) (then (return (i32.const 1))))))
        (br_if $end (i32.and (i32.eqz (call $isWord (local.get $c))) (i32.ne (local.get $c) (i32.const 0x2e))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $run)))
    (call $exceptionEndsAt (local.get $q) (i32.add (local.get $s) (i32.const 1))))

  ;; Days since 1970-01-01 (days_from_civil, as formats/bytes.ts).
  (func $days (param $y i32) (param $m i32) (param $d i32) (result i32)
    (local $era i32) (local $yoe i32) (local $doy i32) (local $doe i32)
    (if (i32.le_s (local.get $m) (i32.const 2)) (then (local.set $y (i32.sub (local.get $y) (i32.const 1)))))
    (local.set $era (i32.div_s
      (select (local.get $y) (i32.sub (local.get $y) (i32.const 399)) (i32.ge_s (local.get $y) (i32.const 0)))
      (i32.const 400)))
    (local.set $yoe (i32.sub (local.get $y) (i32.mul (local.get $era) (i32.const 400))))
    (local.set $doy (i32.add
      (i32.div_s (i32.add (i32.mul (i32.const 153)
        (select (i32.sub (local.get $m) (i32.const 3)) (i32.add (local.get $m) (i32.const 9)) (i32.gt_s (local.get $m) (i32.const 2))))
        (i32.const 2)) (i32.const 5))
      (i32.sub (local.get $d) (i32.const 1))))
    (local.set $doe (i32.add (i32.sub (i32.add (i32.mul (local.get $yoe) (i32.const 365)) (i32.div_s (local.get $yoe) (i32.const 4)))
      (i32.div_s (local.get $yoe) (i32.const 100))) (local.get $doy)))
    (i32.sub (i32.add (i32.mul (local.get $era) (i32.const 146097)) (local.get $doe)) (i32.const 719468)))

  ;; floor(a / b) for b > 0.
  (func $floorDiv (param $a i64) (param $b i64) (result i64)
    (local $q i64)
    (local.set $q (i64.div_s (local.get $a) (local.get $b)))
    (if (result i64) (i32.and (i64.lt_s (local.get $a) (i64.const 0)) (i64.ne (i64.mul (local.get $q) (local.get $b)) (local.get $a)))
      (then (i64.sub (local.get $q) (i64.const 1)))
      (else (local.get $q))))

  ;; Zone offset (ms) of a naive hour, or -2^31 after asking JavaScript for it (CFG 36).
  (func $offsetOf (param $key i32) (result i32)
    (if (i32.or (i32.eq (local.get $key) (i32.load (i32.const 32))) (i32.load (i32.const 24)))
      (then (return (i32.load (i32.const 28)))))
    (i32.store (i32.const 36) (local.get $key))
    (i32.const -2147483648))

  ;; Naive ms to UTC ms through the offset of its hour; sets $ok to 2 when the offset is not known yet.
  (global $status (mut i32) (i32.const 0))
  (func $toUtc (param $naive i64) (result i64)
    (local $off i32)
    (local.set $off (call $offsetOf (i32.wrap_i64 (call $floorDiv (local.get $naive) (i64.const 3600000)))))
    (if (i32.eq (local.get $off) (i32.const -2147483648)) (then (global.set $status (i32.const 2)) (return (i64.const 0))))
    (i64.sub (local.get $naive) (i64.extend_i32_s (local.get $off))))

  (func $naive (param $days i32) (param $h i32) (param $mi i32) (param $s i32) (param $ms i32) (result i64)
    (i64.add
      (i64.add (i64.mul (i64.extend_i32_s (local.get $days)) (i64.const 86400000))
               (i64.mul (i64.extend_i32_s (local.get $h)) (i64.const 3600000)))
      (i64.extend_i32_s (i32.add (i32.add (i32.mul (local.get $mi) (i32.const 60000)) (i32.mul (local.get $s) (i32.const 1000))) (local.get $ms)))))

  ;; Remembers the hour of the stamp at $p (its 13 bytes), its naive start and its zone offset.
  (func $cacheHour (param $p i32) (param $naive i64) (param $off i32)
    (i64.store (i32.const 128) (i64.load (local.get $p)))
    (i64.store (i32.const 136) (i64.load offset=5 (local.get $p)))
    (i64.store (i32.const 144) (local.get $naive))
    (i64.store (i32.const 152) (i64.sub (local.get $naive) (i64.extend_i32_s (local.get $off))))
    (i32.store (i32.const 160) (i32.const 1)))

  ;; The record's UTC ms; $status 1 when its stamp does not parse, 2 when an hour's offset is needed.
  (func $recordTime (param $p i32) (param $e i32) (result i64)
    (local $f i32) (local $y i32) (local $mo i32) (local $d i32) (local $h i32) (local $mi i32) (local $s i32) (local $ms i32)
    (local $hi i32) (local $lo i32) (local $key i32) (local $off i32) (local $j i32) (local $scale i32) (local $c i32)
    (local $zone i32) (local $hh i32) (local $mm i32) (local $naive i64)
    (global.set $status (i32.const 0))
    (local.set $f (i32.load (i32.const 0)))
    ;; The same `YYYY-MM-DD HH` as the record before (nearly always): the hour's naive and UTC start are cached
    ;; (CFG 128: its 13 bytes, 144: naive start, 152: UTC start, 160: valid), so only minutes, seconds and ms are read.
    (if (i32.and (i32.load (i32.const 160))
          (i32.and (i64.eq (i64.load (local.get $p)) (i64.load (i32.const 128)))
                   (i64.eq (i64.load offset=5 (local.get $p)) (i64.load (i32.const 136)))))
      (then
        (local.set $mi (call $two (i32.add (local.get $p) (i32.const 14))))
        (local.set $s (call $two (i32.add (local.get $p) (i32.const 17))))
        (if (i32.lt_s (i32.or (local.get $mi) (local.get $s)) (i32.const 0))
          (then (global.set $status (i32.const 1)) (return (i64.const 0))))
        (if (i32.eq (local.get $f) (i32.const 1))
          (then
            (return (i64.add (i64.load (i32.const 152)) (i64.extend_i32_s (i32.add (i32.add
              (i32.mul (local.get $mi) (i32.const 60000)) (i32.mul (local.get $s) (i32.const 1000)))
              (i32.add (i32.add
                (i32.mul (i32.sub (i32.load8_u offset=20 (local.get $p)) (i32.const 48)) (i32.const 100))
                (i32.mul (i32.sub (i32.load8_u offset=21 (local.get $p)) (i32.const 48)) (i32.const 10)))
                (i32.sub (i32.load8_u offset=22 (local.get $p)) (i32.const 48)))))))))
        (if (i32.eq (local.get $f) (i32.const 2))
          (then
            ;; Still inside the hour (a leap second at :59:60 is not): its offset applies.
            (local.set $ms (i32.add (i32.mul (local.get $mi) (i32.const 60000)) (i32.mul (local.get $s) (i32.const 1000))))
            (if (i32.lt_s (local.get $ms) (i32.const 3600000))
              (then (return (i64.add (i64.load (i32.const 152)) (i64.extend_i32_s (local.get $ms))))))))))
    (local.set $hi (call $two (local.get $p)))
    (local.set $lo (call $two (i32.add (local.get $p) (i32.const 2))))
    (local.set $y (i32.add (i32.mul (local.get $hi) (i32.const 100)) (local.get $lo)))
    (local.set $mo (call $two (i32.add (local.get $p) (i32.const 5))))
    (local.set $d (call $two (i32.add (local.get $p) (i32.const 8))))
    (local.set $h (call $two (i32.add (local.get $p) (i32.const 11))))
    (local.set $mi (call $two (i32.add (local.get $p) (i32.const 14))))
    (local.set $s (call $two (i32.add (local.get $p) (i32.const 17))))
    (if (i32.lt_s (i32.or (i32.or (i32.or (local.get $hi) (local.get $lo)) (i32.or (local.get $mo) (local.get $d)))
                          (i32.or (local.get $h) (i32.or (local.get $mi) (local.get $s)))) (i32.const 0))
      (then (global.set $status (i32.const 1)) (return (i64.const 0))))
    (if (i32.eq (local.get $f) (i32.const 1))
      (then
        ;; Python logging: the hour's UTC start (its offset by the hour alone), then minutes, seconds and the three
        ;; millisecond bytes as they are.
        (local.set $key (i32.add (i32.mul (call $days (local.get $y) (local.get $mo) (local.get $d)) (i32.const 24)) (local.get $h)))
        (local.set $off (call $offsetOf (local.get $key)))
        (if (i32.eq (local.get $off) (i32.const -2147483648)) (then (global.set $status (i32.const 2)) (return (i64.const 0))))
        (call $cacheHour (local.get $p) (i64.mul (i64.extend_i32_s (local.get $key)) (i64.const 3600000)) (local.get $off))
        (local.set $ms (i32.add (i32.add
          (i32.mul (i32.sub (i32.load8_u offset=20 (local.get $p)) (i32.const 48)) (i32.const 100))
          (i32.mul (i32.sub (i32.load8_u offset=21 (local.get $p)) (i32.const 48)) (i32.const 10)))
          (i32.sub (i32.load8_u offset=22 (local.get $p)) (i32.const 48))))
        (return (i64.add
          (i64.sub (i64.mul (i64.extend_i32_s (local.get $key)) (i64.const 3600000)) (i64.extend_i32_s (local.get $off)))
          (i64.extend_i32_s (i32.add (i32.add (i32.mul (local.get $mi) (i32.const 60000)) (i32.mul (local.get $s) (i32.const 1000))) (local.get $ms)))))))
    (if (i32.eq (local.get $f) (i32.const 2))
      (then
        (local.set $key (i32.add (i32.mul (call $days (local.get $y) (local.get $mo) (local.get $d)) (i32.const 24)) (local.get $h)))
        (local.set $off (call $offsetOf (local.get $key)))
        (if (i32.eq (local.get $off) (i32.const -2147483648)) (then (global.set $status (i32.const 2)) (return (i64.const 0))))
        (call $cacheHour (local.get $p) (i64.mul (i64.extend_i32_s (local.get $key)) (i64.const 3600000)) (local.get $off))
        (return (call $toUtc (call $naive (call $days (local.get $y) (local.get $mo) (local.get $d)) (local.get $h) (local.get $mi) (local.get $s) (i32.const 0))))))
    ;; ISO 8601: fields in range, an optional fraction (its first three digits are the ms), an optional zone.
    (if (i32.or (i32.or (i32.or (i32.lt_s (local.get $mo) (i32.const 1)) (i32.gt_s (local.get $mo) (i32.const 12)))
                        (i32.or (i32.lt_s (local.get $d) (i32.const 1)) (i32.gt_s (local.get $d) (i32.const 31))))
                (i32.or (i32.gt_s (local.get $h) (i32.const 23)) (i32.or (i32.gt_s (local.get $mi) (i32.const 59)) (i32.gt_s (local.get $s) (i32.const 60)))))
      (then (global.set $status (i32.const 1)) (return (i64.const 0))))
    (local.set $j (i32.add (local.get $p) (i32.const 19)))
    (if (i32.lt_u (local.get $j) (local.get $e))
      (then
        (local.set $c (i32.load8_u (local.get $j)))
        (if (i32.and (i32.or (i32.eq (local.get $c) (i32.const 0x2e)) (i32.eq (local.get $c) (i32.const 0x2c)))
                     (call $isDigit (i32.add (local.get $j) (i32.const 1))))
          (then
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $scale (i32.const 100))
            (block $digits
              (loop $frac
                (br_if $digits (i32.ge_u (local.get $j) (local.get $e)))
                (br_if $digits (i32.eqz (call $isDigit (local.get $j))))
                (local.set $ms (i32.add (local.get $ms) (i32.mul (local.get $scale) (i32.sub (i32.load8_u (local.get $j)) (i32.const 48)))))
                (local.set $scale (i32.div_u (local.get $scale) (i32.const 10)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $frac)))))))
    (local.set $naive (call $naive (call $days (local.get $y) (local.get $mo) (local.get $d)) (local.get $h) (local.get $mi) (local.get $s) (local.get $ms)))
    ;; Zone: Z, +hh, +hhmm, +hh:mm (as zoneOffsetMinutes); anything else is a naive stamp.
    (local.set $zone (i32.const -2147483648))
    (if (i32.lt_u (local.get $j) (local.get $e))
      (then
        (local.set $c (i32.load8_u (local.get $j)))
        (if (i32.eq (local.get $c) (i32.const 0x5a))
          (then (local.set $zone (i32.const 0)))
          (else
            (if (i32.or (i32.eq (local.get $c) (i32.const 0x2b)) (i32.eq (local.get $c) (i32.const 0x2d)))
              (then
                (local.set $hh (call $two (i32.add (local.get $j) (i32.const 1))))
                (if (i32.and (i32.ge_s (local.get $hh) (i32.const 0)) (i32.le_u (i32.add (local.get $j) (i32.const 3)) (local.get $e)))
                  (then
                    (local.set $mm (i32.const 0))
                    (if (i32.and (i32.eq (i32.load8_u offset=3 (local.get $j)) (i32.const 0x3a)) (i32.le_u (i32.add (local.get $j) (i32.const 6)) (local.get $e)))
                      (then (local.set $mm (call $two (i32.add (local.get $j) (i32.const 4)))))
                      (else
                        (if (i32.and (i32.le_u (i32.add (local.get $j) (i32.const 5)) (local.get $e)) (call $isDigit (i32.add (local.get $j) (i32.const 3))))
                          (then (local.set $mm (call $two (i32.add (local.get $j) (i32.const 3))))))))
                    (if (i32.ge_s (local.get $mm) (i32.const 0))
                      (then
                        (local.set $zone (i32.add (i32.mul (local.get $hh) (i32.const 60)) (local.get $mm)))
                        (if (i32.eq (local.get $c) (i32.const 0x2d)) (then (local.set $zone (i32.sub (i32.const 0) (local.get $zone)))))))))))))))
    (if (i32.ne (local.get $zone) (i32.const -2147483648))
      (then (return (i64.sub (local.get $naive) (i64.mul (i64.extend_i32_s (local.get $zone)) (i64.const 60000))))))
    (call $toUtc (local.get $naive)))

  ;; Parses the open record's stamp (CFG 96/100): 0, or 2 to ask for an hour's offset (nothing changed then).
  (func $parseRecord (result i32)
    (local $t i64) (local $tf f64)
    (local.set $t (call $recordTime (i32.load (i32.const 96)) (i32.load (i32.const 100))))
    (if (i32.eq (global.get $status) (i32.const 2)) (then (return (i32.const 2))))
    (i32.store (i32.const 92) (i32.const 1))
    (if (i32.eq (global.get $status) (i32.const 1))
      (then
        ;; A record whose stamp does not parse is garbage.
        (i32.store (i32.const 108) (i32.const 0))
        (i32.store (i32.const 88) (i32.const 0))
        (i32.store (i32.const 48) (i32.add (i32.load (i32.const 48)) (i32.const 1)))
        (return (i32.const 0))))
    (i32.store (i32.const 108) (i32.const 1))
    (i64.store (i32.const 112) (call $floorDiv (local.get $t) (i64.extend_i32_u (i32.load (i32.const 20)))))
    (local.set $tf (f64.convert_i64_s (local.get $t)))
    (if (i32.eqz (f64.ge (local.get $tf) (f64.load (i32.const 72)))) (then (f64.store (i32.const 72) (local.get $tf))))
    (if (i32.eqz (f64.le (local.get $tf) (f64.load (i32.const 80)))) (then (f64.store (i32.const 80) (local.get $tf))))
    (i32.const 0))

  ;; Counts the series in $mask for the open record, each once per record: 0, 2 (an offset) or 3 (a window).
  (func $count (param $mask i32) (result i32)
    (local $code i32) (local $bits i32) (local $rel i64) (local $w i32) (local $at i32) (local $b i32)
    (if (i32.eqz (i32.load (i32.const 92)))
      (then
        (local.set $code (call $parseRecord))
        (if (local.get $code) (then (return (local.get $code))))))
    (if (i32.eqz (i32.and (i32.load (i32.const 88)) (i32.load (i32.const 108)))) (then (return (i32.const 0))))
    (local.set $bits (i32.and (local.get $mask) (i32.xor (i32.load (i32.const 104)) (i32.const -1))))
    (if (i32.eqz (local.get $bits)) (then (return (i32.const 0))))
    (local.set $w (i32.load (i32.const 16)))
    (local.set $rel (i64.sub (i64.load (i32.const 112)) (i64.load (i32.const 56))))
    ;; Before the window (a line older than the hour before the latest): kept aside for JavaScript (CFG 336: the
    ;; list, 340: entries in it, 344: room; 16 bytes each, the slot and the series mask). After it: the window moves.
    (if (i64.lt_s (local.get $rel) (i64.const 0))
      (then
        (local.set $at (i32.load (i32.const 340)))
        (if (i32.ge_u (local.get $at) (i32.load (i32.const 344))) (then (return (i32.const 4))))
        (i32.store (i32.const 340) (i32.add (local.get $at) (i32.const 1)))
        (local.set $at (i32.add (i32.load (i32.const 336)) (i32.shl (local.get $at) (i32.const 4))))
        (i64.store (local.get $at) (i64.load (i32.const 112)))
        (i32.store offset=8 (local.get $at) (local.get $bits))
        (i32.store (i32.const 104) (i32.or (i32.load (i32.const 104)) (local.get $bits)))
        (return (i32.const 0))))
    (if (i64.ge_s (local.get $rel) (i64.extend_i32_u (local.get $w)))
      (then
        (i64.store (i32.const 64) (i64.load (i32.const 112)))
        (return (i32.const 3))))
    (i32.store (i32.const 104) (i32.or (i32.load (i32.const 104)) (local.get $bits)))
    (block $done
      (loop $each
        (br_if $done (i32.eqz (local.get $bits)))
        (local.set $b (i32.ctz (local.get $bits)))
        (local.set $at (i32.add (i32.load (i32.const 12))
          (i32.shl (i32.add (i32.mul (local.get $b) (local.get $w)) (i32.wrap_i64 (local.get $rel))) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
        (br $each)))
    (i32.const 0))

  ;; One line (or a piece of one, cut by a NUL run), buf[$s, $e), with the series its bytes matched.
  (func $line (param $s i32) (param $e i32) (param $mask i32) (result i32)
    (local $code i32) (local $phys i32)
    (if (i32.eq (local.get $s) (local.get $e)) (then (return (i32.const 0)))) ;; blank
    (if (call $isRecordStart (local.get $s) (local.get $e))
      (then
        (i32.store (i32.const 88) (i32.const 1))
        (i32.store (i32.const 92) (i32.const 0))
        (i32.store (i32.const 96) (local.get $s))
        (i32.store (i32.const 100) (local.get $e))
        (i32.store (i32.const 104) (i32.const 0))
        ;; The first record's stamp is read at once: the input's time span starts there.
        (if (f64.ne (f64.load (i32.const 72)) (f64.load (i32.const 72)))
          (then
            (local.set $code (call $parseRecord))
            (if (local.get $code) (then (return (local.get $code))))))
        (if (local.get $mask) (then (return (call $count (local.get $mask)))))
        (return (i32.const 0))))
    (if (i32.load (i32.const 88))
      (then
        (if (call $isContinuation (local.get $s) (local.get $e))
          (then
            (if (local.get $mask) (then (return (call $count (local.get $mask)))))
            (return (i32.const 0))))))
    ;; Garbage: counted once per line however many NUL runs cut it.
    (local.set $phys (i32.load (i32.const 120)))
    (if (i32.ne (i32.load (i32.const 124)) (local.get $phys))
      (then
        (i32.store (i32.const 48) (i32.add (i32.load (i32.const 48)) (i32.const 1)))
        (i32.store (i32.const 124) (local.get $phys))))
    (i32.const 0))

  ;; First byte at or after $q that is not NUL, or $end.
  (func $skipNul (param $q i32) (param $end i32) (result i32)
    (local $m i32)
    (block $found
      (loop $blocks
        (br_if $found (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $m (i32.xor (i8x16.bitmask (i8x16.eq (v128.load (local.get $q)) (v128.const i64x2 0 0))) (i32.const 0xffff)))
        (if (local.get $m) (then (local.set $q (i32.add (local.get $q) (i32.ctz (local.get $m)))) (br $found)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $blocks)))
    (select (local.get $q) (local.get $end) (i32.lt_u (local.get $q) (local.get $end))))

  ;; Series bits of the needles that match at a candidate start: the candidates of block $i with bits in $upto.
  (func $verify (param $i i32) (param $upto i32) (param $end i32) (result i32)
    (local $k i32) (local $n i32) (local $t i32) (local $cm i32) (local $pos i32) (local $len i32) (local $na i32)
    (local $m i32) (local $found i32)
    (local.set $n (i32.load (i32.const 4)))
    (local.set $t (i32.load (i32.const 8)))
    (block $needles_done
      (loop $needles
        (br_if $needles_done (i32.ge_u (local.get $k) (local.get $n)))
        ;; The block's candidates of needle k are kept at +20 of its table entry.
        (local.set $cm (i32.and (i32.load offset=20 (local.get $t)) (local.get $upto)))
        (if (local.get $cm)
          (then
            (i32.store offset=20 (local.get $t) (i32.and (i32.load offset=20 (local.get $t)) (i32.xor (local.get $upto) (i32.const -1))))
            (local.set $na (i32.load (local.get $t)))
            (local.set $len (i32.load offset=4 (local.get $t)))
            (block $bits_done
              (loop $bits
                (br_if $bits_done (i32.eqz (local.get $cm)))
                (local.set $pos (i32.add (local.get $i) (i32.ctz (local.get $cm))))
                (local.set $cm (i32.and (local.get $cm) (i32.sub (local.get $cm) (i32.const 1))))
                (if (i32.le_u (i32.add (local.get $pos) (local.get $len)) (local.get $end))
                  (then
                    (local.set $m (i32.const 0))
                    (block $differs
                      (block $same
                        (loop $cmp16
                          (br_if $same (i32.ge_s (local.get $m) (local.get $len)))
                          (br_if $differs (i32.ne (i32.load8_u (i32.add (local.get $pos) (local.get $m)))
                                                  (i32.load8_u (i32.add (local.get $na) (local.get $m)))))
                          (local.set $m (i32.add (local.get $m) (i32.const 1)))
                          (br $cmp16)))
                      (local.set $found (i32.or (local.get $found) (i32.shl (i32.const 1) (i32.load offset=16 (local.get $t)))))
                      ;; One match of this needle on the line is enough.
                      (local.set $cm (i32.const 0)))))
                (br $bits)))))
        (local.set $t (i32.add (local.get $t) (i32.const 64)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $needles)))
    (local.get $found))

  (func (export "scan") (param $from i32) (param $end i32) (result i32)
    (local $i i32) (local $ls i32) (local $brk i32) (local $cand i32) (local $b i32) (local $at i32) (local $le i32)
    (local $mask i32) (local $code i32) (local $v v128) (local $nul i32) (local $prevNul i32) (local $k i32)
    (local $n i32) (local $t i32) (local $c i32) (local $valid i32) (local $q i32) (local $below i32) (local $nl v128)
    (local $few i32) (local $a0 i32) (local $z0 i32) (local $a1 i32) (local $z1 i32) (local $a2 i32) (local $z2 i32)
    (local $a3 i32) (local $z3 i32) (local $A0 v128) (local $Z0 v128) (local $A1 v128) (local $Z1 v128) (local $A2 v128)
    (local $Z2 v128) (local $A3 v128) (local $Z3 v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $nl (i8x16.splat (i32.const 10)))
    (local.set $n (i32.load (i32.const 4)))
    ;; Up to 4 needles are kept in locals; the table has 4 entries at least, the unused ones copies of the first.
    (local.set $few (i32.le_u (local.get $n) (i32.const 4)))
    (local.set $t (i32.load (i32.const 8)))
    (local.set $a0 (i32.load offset=8 (local.get $t))) (local.set $z0 (i32.load offset=12 (local.get $t)))
    (local.set $A0 (v128.load offset=32 (local.get $t))) (local.set $Z0 (v128.load offset=48 (local.get $t)))
    (local.set $a1 (i32.load offset=72 (local.get $t))) (local.set $z1 (i32.load offset=76 (local.get $t)))
    (local.set $A1 (v128.load offset=96 (local.get $t))) (local.set $Z1 (v128.load offset=112 (local.get $t)))
    (local.set $a2 (i32.load offset=136 (local.get $t))) (local.set $z2 (i32.load offset=140 (local.get $t)))
    (local.set $A2 (v128.load offset=160 (local.get $t))) (local.set $Z2 (v128.load offset=176 (local.get $t)))
    (local.set $a3 (i32.load offset=200 (local.get $t))) (local.set $z3 (i32.load offset=204 (local.get $t)))
    (local.set $A3 (v128.load offset=224 (local.get $t))) (local.set $Z3 (v128.load offset=240 (local.get $t)))
    (local.set $i (local.get $from))
    (local.set $ls (local.get $from))
    (block $chunk_done
      (loop $blocks
        (br_if $chunk_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $brk (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $nl))))
        (local.set $nul (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i64x2 0 0))))
        (if (i32.or (local.get $nul) (local.get $prevNul))
          (then
            (local.set $brk (i32.or (local.get $brk)
              (i32.and (local.get $nul)
                (i32.xor (i32.or (i32.shl (local.get $nul) (i32.const 1)) (local.get $prevNul)) (i32.const -1)))))
            (local.set $prevNul (i32.and (i32.shr_u (local.get $nul) (i32.const 15)) (i32.const 1)))))
        ;; Candidates of each needle in this block: up to 4 needles from locals (one test when none is here), more
        ;; from the table.
        (if (local.get $few)
          (then
            (local.set $c0 (v128.and (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $a0))) (local.get $A0))
                                     (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $z0))) (local.get $Z0))))
            ;; Needles 2-4 only when there are that many (the unused slots stay all-zero vectors).
            (if (i32.gt_u (local.get $n) (i32.const 1))
              (then
                (local.set $c1 (v128.and (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $a1))) (local.get $A1))
                                         (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $z1))) (local.get $Z1))))
                (if (i32.gt_u (local.get $n) (i32.const 2))
                  (then
                    (local.set $c2 (v128.and (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $a2))) (local.get $A2))
                                             (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $z2))) (local.get $Z2))))
                    (if (i32.gt_u (local.get $n) (i32.const 3))
                      (then
                        (local.set $c3 (v128.and (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $a3))) (local.get $A3))
                                                 (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $z3))) (local.get $Z3))))))))))
            (local.set $cand (i8x16.bitmask (v128.or (v128.or (local.get $c0) (local.get $c1)) (v128.or (local.get $c2) (local.get $c3)))))
            (if (local.get $cand)
              (then
                (local.set $t (i32.load (i32.const 8)))
                (i32.store offset=20 (local.get $t) (i8x16.bitmask (local.get $c0)))
                (i32.store offset=84 (local.get $t) (i8x16.bitmask (local.get $c1)))
                (i32.store offset=148 (local.get $t) (i8x16.bitmask (local.get $c2)))
                (i32.store offset=212 (local.get $t) (i8x16.bitmask (local.get $c3))))))
          (else
            (local.set $cand (i32.const 0))
            (local.set $k (i32.const 0))
            (local.set $t (i32.load (i32.const 8)))
            (block $cands_done
              (loop $cands
                (br_if $cands_done (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $c (i8x16.bitmask (v128.and
                  (i8x16.eq (v128.load (i32.add (local.get $i) (i32.load offset=8 (local.get $t)))) (v128.load offset=32 (local.get $t)))
                  (i8x16.eq (v128.load (i32.add (local.get $i) (i32.load offset=12 (local.get $t)))) (v128.load offset=48 (local.get $t))))))
                (i32.store offset=20 (local.get $t) (local.get $c))
                (local.set $cand (i32.or (local.get $cand) (local.get $c)))
                (local.set $t (i32.add (local.get $t) (i32.const 64)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $cands)))))
        (local.set $valid (i32.sub (local.get $end) (local.get $i)))
        (if (i32.lt_u (local.get $valid) (i32.const 16))
          (then (local.set $brk (i32.and (local.get $brk) (i32.sub (i32.shl (i32.const 1) (local.get $valid)) (i32.const 1))))))
        (if (i32.or (local.get $brk) (local.get $cand))
          (then
            (block $block_done
              (loop $events
                (local.set $b (select (i32.ctz (local.get $brk)) (i32.const 16) (local.get $brk)))
                (local.set $below (i32.sub (i32.shl (i32.const 1) (local.get $b)) (i32.const 1)))
                (if (i32.and (local.get $cand) (local.get $below))
                  (then
                    (local.set $mask (i32.or (local.get $mask) (call $verify (local.get $i) (local.get $below) (local.get $end))))
                    (local.set $cand (i32.and (local.get $cand) (i32.xor (local.get $below) (i32.const -1))))))
                (br_if $block_done (i32.eqz (local.get $brk)))
                (local.set $at (i32.add (local.get $i) (local.get $b)))
                (if (i32.eq (i32.load8_u (local.get $at)) (i32.const 10))
                  (then
                    (local.set $le (local.get $at))
                    (if (i32.and (i32.gt_u (local.get $le) (local.get $ls)) (i32.eq (i32.load8_u (i32.sub (local.get $le) (i32.const 1))) (i32.const 13)))
                      (then (local.set $le (i32.sub (local.get $le) (i32.const 1)))))
                    (local.set $code (call $line (local.get $ls) (local.get $le) (local.get $mask)))
                    (if (local.get $code) (then (i32.store (i32.const 40) (local.get $ls)) (return (local.get $code))))
                    (i32.store (i32.const 44) (i32.add (i32.load (i32.const 44)) (i32.const 1)))
                    (i32.store (i32.const 120) (i32.add (i32.load (i32.const 120)) (i32.const 1)))
                    (local.set $ls (i32.add (local.get $at) (i32.const 1))))
                  (else
                    ;; A NUL run: the piece before it is a line; the run is skipped and counted.
                    (local.set $q (call $skipNul (i32.add (local.get $at) (i32.const 1)) (local.get $end)))
                    (local.set $code (call $line (local.get $ls) (local.get $at) (local.get $mask)))
                    (if (local.get $code) (then (i32.store (i32.const 40) (local.get $ls)) (return (local.get $code))))
                    (i32.store (i32.const 52) (i32.add (i32.load (i32.const 52)) (i32.sub (local.get $q) (local.get $at))))
                    (local.set $ls (local.get $q))
                    (local.set $mask (i32.const 0))
                    (if (i32.ge_u (local.get $q) (i32.add (local.get $i) (i32.const 16)))
                      (then
                        ;; The run went past this block: go on from its end.
                        (local.set $i (local.get $q))
                        (local.set $prevNul (i32.const 0))
                        (br $blocks)))
                    (local.set $below (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $q) (local.get $i))) (i32.const 1)))
                    (local.set $brk (i32.and (local.get $brk) (i32.xor (local.get $below) (i32.const -1))))
                    (local.set $cand (i32.and (local.get $cand) (i32.xor (local.get $below) (i32.const -1))))
                    (drop (call $verify (local.get $i) (local.get $below) (local.get $end)))
                    (br $events)))
                (local.set $mask (i32.const 0))
                (local.set $brk (i32.and (local.get $brk) (i32.sub (local.get $brk) (i32.const 1))))
                (br $events)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    ;; A last line without its newline (the end of the input).
    (if (i32.lt_u (local.get $ls) (local.get $end))
      (then
        (local.set $le (local.get $end))
        (if (i32.eq (i32.load8_u (i32.sub (local.get $le) (i32.const 1))) (i32.const 13)) (then (local.set $le (i32.sub (local.get $le) (i32.const 1)))))
        (local.set $code (call $line (local.get $ls) (local.get $le) (local.get $mask)))
        (if (local.get $code) (then (i32.store (i32.const 40) (local.get $ls)) (return (local.get $code))))
        (i32.store (i32.const 44) (i32.add (i32.load (i32.const 44)) (i32.const 1)))))
    ;; The open record's bytes go away with the chunk: settle its time now (it is also the chunk's last record).
    (if (i32.and (i32.load (i32.const 88)) (i32.eqz (i32.load (i32.const 92))))
      (then
        (local.set $code (call $parseRecord))
        (if (local.get $code) (then (i32.store (i32.const 40) (local.get $end)) (return (local.get $code))))))
    (i32.const 0)))
