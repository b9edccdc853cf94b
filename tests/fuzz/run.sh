#!/usr/bin/env bash
# Builds the fuzz preset and runs every libFuzzer target over its seed corpus
# (tests/fuzz/corpus/<target>/). New inputs go to build/fuzz/corpus/<target>/, never into
# the checked-in seeds; a crash or a broken property stops the run, names the input saved
# in build/fuzz/artifacts/ and how to replay it, and exits 1.
#
#   tests/fuzz/run.sh                  bounded: each target for --runs inputs (the test command)
#   tests/fuzz/run.sh --time 600       the long run: each target for 10 minutes
#   tests/fuzz/run.sh --time 60 url    one target
#   tests/fuzz/run.sh --merge          add what the last runs found to the seed corpora (minimised)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

runs=50000      # per target; the slowest (listing) takes ~20 s of one core with ASan + UBSan
time_limit=30   # and no target runs longer than this, whatever the machine
merge=""
targets=()
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --time) runs=-1; time_limit=$2; shift 2 ;;
        --merge) merge=yes; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}  # ccache shared between worktrees
[ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz >/dev/null

if [ ${#targets[@]} -eq 0 ]; then
    for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

bin=build/fuzz/tests/fuzz
mkdir -p build/fuzz/artifacts

# One target: its own log, a one-line verdict; 1 when it found a crash or a broken property.
fuzz_one() {
    local t=$1 seeds=tests/fuzz/corpus/$1 found=build/fuzz/corpus/$1 log=build/fuzz/$1.log start=$SECONDS
    local dict=()
    case $t in request_parser|response_parser|chunked|url|range|path) dict=(-dict=tests/fuzz/http.dict) ;; esac
    mkdir -p "$found"
    if [ -n "$merge" ]; then
        "$bin/fuzz_$t" -merge=1 "$seeds" "$found" >"$log" 2>&1
        echo "$t: $(find "$seeds" -type f | wc -l) seeds"
        return 0
    fi
    if "$bin/fuzz_$t" "${dict[@]}" -runs="$runs" -max_total_time="$time_limit" -timeout=10 -rss_limit_mb=1024 \
            -max_len=4096 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-" \
            "$found" "$seeds" >"$log" 2>&1; then
        echo "$t: ok, $(awk '/stat::number_of_executed_units/ {print $2}' "$log") inputs in $((SECONDS - start)) s"
        return 0
    fi
    {
        echo "$t: FAILED; from $log:"
        grep -E 'property failed|ERROR: |SUMMARY|runtime error|Test unit written' "$log" | head -8
        echo "  replay: $bin/fuzz_$t <the input named above>"
    } >&2
    return 1
}

for t in "${targets[@]}"; do
    [ -x "$bin/fuzz_$t" ] || { echo "run.sh: no fuzz target '$t' (expected $bin/fuzz_$t)" >&2; exit 2; }
done
# As many targets at once as there are cores (2 here), each on one.
jobs=$(nproc 2>/dev/null || echo 2)
status=0
running=0
for t in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || status=1
        running=$((running - 1))
    fi
    fuzz_one "$t" &
    running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
done
exit $status
