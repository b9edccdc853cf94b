#!/usr/bin/env bash
# scripts/lib.sh's helpers, tested on their own: a failing build shows its errors, a
# working one stays quiet.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

out=$(run_logged "$tmp/ok.log" bash -c 'echo "[1/2] compiling"; echo "[2/2] linking"' 2>&1)
[ $? -eq 0 ] || fail "a working command must succeed"
[ -z "$out" ] || fail "a working command must be quiet, printed: $out"
grep -q "linking" "$tmp/ok.log" || fail "the log must keep the output"

out=$(run_logged "$tmp/bad.log" bash -c 'echo "[1/2] compiling"; echo "x.cpp:3:5: error: expected ;" >&2; exit 3' 2>&1)
status=$?
[ "$status" -eq 3 ] || fail "the command's status must be returned, got $status"
grep -q "x.cpp:3:5: error: expected ;" <<<"$out" || fail "the compiler's error must be shown, printed: $out"
grep -q "$tmp/bad.log" <<<"$out" || fail "the log's path must be named"

[ "$failures" -eq 0 ] && echo "scripts/lib.sh: all checks passed"
exit "$failures"
