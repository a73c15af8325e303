#!/usr/bin/env bash
# Checks b3range against b3sum on lengths around every BLAKE3 boundary (block, chunk, 8-chunk
# SIMD batch, segment), at odd offsets, with SIMD and without, on one thread and several.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
make -s -C "$HERE" >/dev/null || { echo "b3range/test.sh: build failed" >&2; exit 1; }
B3="$HERE/build/b3range"
command -v b3sum >/dev/null || { echo "b3range/test.sh: b3sum is needed (apt-get install b3sum)" >&2; exit 2; }
T="$(mktemp -d /tmp/b3range-test.XXXXXX)"
trap 'rm -rf "$T"' EXIT
head -c $((40 * 1024 * 1024 + 777)) /dev/urandom >"$T/data"
PASS=0 FAIL=0
check() { # offset length
  local want got
  want="$(tail -c +$(($1 + 1)) "$T/data" | head -c "$2" | b3sum --no-names)"
  for mode in simd portable; do
    for threads in 1 3; do
      if [ "$mode" = portable ]; then got="$(B3RANGE_NO_SIMD=1 "$B3" -t "$threads" "$T/data" "$1" "$2")"
      else got="$("$B3" -t "$threads" "$T/data" "$1" "$2")"; fi
      if [ "${got%% *}" = "$want" ]; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "FAIL - $mode x$threads offset $1 length $2" >&2; fi
    done
  done
}
for len in 0 1 63 64 65 1023 1024 1025 2047 2048 8191 8192 8193 9216 16383 16384 16385 \
  65535 65536 1048575 1048576 1048577 16777216 16777217 $((16777216 * 2 + 5000)); do
  check 0 "$len"
  check 4097 "$len"
done
check 0 $((40 * 1024 * 1024 + 777))
# whole file, no range
[ "$("$B3" "$T/data" | cut -d' ' -f1)" = "$(b3sum --no-names "$T/data")" ] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL - whole file" >&2; }
# bad input: a clear message and exit 1, nothing printed on stdout
out="$("$B3" "$T/data" 10 $((40 * 1024 * 1024 + 777)) 2>"$T/err")"; rc=$?
[ $rc = 1 ] && [ -z "$out" ] && grep -q 'extend past the end' "$T/err" && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL - range past the end" >&2; }
"$B3" "$T/missing" 2>"$T/err" >/dev/null; rc=$?
[ $rc = 1 ] && grep -q 'cannot open' "$T/err" && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL - missing file" >&2; }
"$B3" "$T/data" 1 2>/dev/null; [ $? = 2 ] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL - usage" >&2; }
echo "b3range: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
