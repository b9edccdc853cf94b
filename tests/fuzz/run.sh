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

runs=30000   # per target: ~5 s each on one core with ASan + UBSan, the whole run well under 2 min
time_limit=30
merge=""
targets=()
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --time) runs=-1; time_limit=$2; shift 2 ;;
        --merge) merge=yes; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

export CCACHE_BASEDIR=/work
[ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz >/dev/null

if [ ${#targets[@]} -eq 0 ]; then
    for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

bin=build/fuzz/tests/fuzz
mkdir -p build/fuzz/artifacts
status=0
for t in "${targets[@]}"; do
    seeds=tests/fuzz/corpus/$t
    found=build/fuzz/corpus/$t
    [ -x "$bin/fuzz_$t" ] || { echo "run.sh: no fuzz target '$t' (expected $bin/fuzz_$t)" >&2; exit 2; }
    mkdir -p "$found"
    dict=()
    case $t in request_parser|response_parser|chunked|url|range|path) dict=(-dict=tests/fuzz/http.dict) ;; esac
    if [ -n "$merge" ]; then
        "$bin/fuzz_$t" -merge=1 "$seeds" "$found" 2>/dev/null
        echo "$t: $(ls "$seeds" | wc -l) seeds"
        continue
    fi
    start=$SECONDS
    log=build/fuzz/$t.log
    if "$bin/fuzz_$t" "${dict[@]}" -runs="$runs" -max_total_time="$time_limit" -timeout=10 -rss_limit_mb=1024 \
            -max_len=4096 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-" \
            "$found" "$seeds" >"$log" 2>&1; then
        execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
        echo "$t: ok, ${execs:-?} inputs in $((SECONDS - start)) s"
    else
        status=1
        echo "$t: FAILED; the end of $log:" >&2
        grep -E 'property failed|ERROR: |SUMMARY|runtime error|Test unit written' "$log" | head -8 >&2
        echo "  replay: $bin/fuzz_$t <the file named above>" >&2
    fi
done
exit $status
