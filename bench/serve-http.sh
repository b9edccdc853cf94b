#!/usr/bin/env bash
# serve-http side by side with nginx (same folder, same worker count), on loopback:
#   1. 1 KiB file, keep-alive, wrk -t1 -c64: requests/s and p99 latency, runs interleaved
#   2. a 100 MiB download with curl to /dev/null
#   3. idle RSS, and RSS with 10,000 idle keep-alive connections
#   4. what the access log costs: netlab -q against netlab logging (human, then --json)
#      to a file, same wrk load, interleaved rounds, median ratios (target >= 0.90)
# Usage: bench/serve-http.sh [THREADS] [SECONDS] [LOG_ROUNDS]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
THREADS=${1:-1}
SECONDS_PER_RUN=${2:-5}
LOG_ROUNDS=${3:-5}
build_release nginx-light wrk curl python3

mkdir -p "$WORK/site"
head -c 1024 /dev/urandom >"$WORK/site/1k.bin"
head -c $((100 * 1024 * 1024)) /dev/urandom >"$WORK/site/100m.bin"
start_nginx "$WORK/site" "$THREADS"
start_netlab "$WORK/site" "$THREADS"

check_serves "$NGINX_PORT" /1k.bin
check_serves "$NETLAB_PORT" /1k.bin
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') (pid $NGINX_PID, port $NGINX_PORT) vs netlab (pid $NETLAB_PID, port $NETLAB_PORT), $THREADS worker(s)"

# wrk_run PORT -> "requests_per_s p99_ms"
wrk_run() {
    local out
    out=$(wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$1/1k.bin")
    local rps p99
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
    echo "$rps $p99"
}

echo "== 1 KiB keep-alive (wrk -t1 -c64 -d${SECONDS_PER_RUN}s), interleaved"
wrk -t1 -c64 -d1s "http://127.0.0.1:$NGINX_PORT/1k.bin" >/dev/null   # warm-up
wrk -t1 -c64 -d1s "http://127.0.0.1:$NETLAB_PORT/1k.bin" >/dev/null
best_n=0 best_l=0 p99_n=0 p99_l=0
for round in 1 2; do
    read -r rps p99 < <(wrk_run "$NGINX_PORT")
    echo "  round $round nginx : $rps req/s, p99 ${p99} ms"
    if python3 -c "import sys; sys.exit(0 if float('$rps') > float('$best_n') else 1)"; then best_n=$rps p99_n=$p99; fi
    read -r rps p99 < <(wrk_run "$NETLAB_PORT")
    echo "  round $round netlab: $rps req/s, p99 ${p99} ms"
    if python3 -c "import sys; sys.exit(0 if float('$rps') > float('$best_l') else 1)"; then best_l=$rps p99_l=$p99; fi
done
echo "  best: nginx $best_n req/s (p99 $p99_n ms), netlab $best_l req/s (p99 $p99_l ms)"
echo "  ratio netlab/nginx requests/s: $(ratio "$best_l" "$best_n")  (target >= 1.25)"
echo "  ratio netlab/nginx p99 latency: $(ratio "$p99_l" "$p99_n")  (target <= 1.00)"

echo "== 100 MiB download (curl -o /dev/null), best of 3"
dl() {
    local best=0 s i
    for i in 1 2 3; do
        s=$(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$1/100m.bin")
        best=$(python3 -c "print(max(float('$best'), float('$s')))")
    done
    echo "$best"
}
dn=$(dl "$NGINX_PORT"); dl_=$(dl "$NETLAB_PORT")
echo "  nginx $(python3 -c "print(f'{$dn/2**20:.0f}')") MiB/s, netlab $(python3 -c "print(f'{$dl_/2**20:.0f}')") MiB/s, ratio $(ratio "$dl_" "$dn")  (target >= 1.00)"

echo "== memory"
kill "$NETLAB_PID"; wait "$NETLAB_PID" 2>/dev/null || true
start_netlab "$WORK/site" "$THREADS"
sleep 0.3
idle=$(rss_kib "$NETLAB_PID")
echo "  idle RSS: $((idle / 1024)).$(( (idle % 1024) * 10 / 1024 )) MiB  (target <= 8 MiB)"
python3 "$BENCH_ROOT/bench/idle_connections.py" 127.0.0.1 "$NETLAB_PORT" 10000 "$NETLAB_PID" || true

echo "== access log cost: -q vs the log to a file, human and --json (wrk -t1 -c64 -d${SECONDS_PER_RUN}s), $LOG_ROUNDS interleaved rounds"
kill "$NETLAB_PID"; wait "$NETLAB_PID" 2>/dev/null || true
declare -A LOG_PORT LOG_PID
for mode in quiet human json; do
    port=$(free_port)
    case $mode in
        quiet) args=(-q) ;;
        human) args=() ;;
        json) args=(--json) ;;
    esac
    # Appending, so the file can be emptied between rounds.
    "$NETLAB" "${args[@]}" serve-http "$WORK/site" --bind 127.0.0.1 --port "$port" --threads "$THREADS" \
        >>"$WORK/$mode.log" &
    PIDS+=($!)
    LOG_PID[$mode]=$!
    LOG_PORT[$mode]=$port
    wait_for_port "$port"
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A RPS CPU
for round in $(seq 1 "$LOG_ROUNDS"); do
    for mode in quiet human json; do
        : >"$WORK/$mode.log"
        before=$(cpu_ticks "${LOG_PID[$mode]}")
        out=$(wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" "http://127.0.0.1:${LOG_PORT[$mode]}/1k.bin")
        after=$(cpu_ticks "${LOG_PID[$mode]}")
        rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
        requests=$(awk '/requests in/ {print $1}' <<<"$out")
        # Server CPU time per request, in microseconds: steadier than requests/s on a busy machine.
        us=$(python3 -c "import os,sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf(\"SC_CLK_TCK\") * 1e6 / int(sys.argv[3]):.2f}')" "$before" "$after" "$requests")
        RPS[$mode]+="$rps "
        CPU[$mode]+="$us "
        echo "  round $round $mode: $rps req/s, $us us CPU/request, log $(stat -c %s "$WORK/$mode.log") bytes"
    done
done
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
q_rps=$(median ${RPS[quiet]}); q_cpu=$(median ${CPU[quiet]})
for mode in human json; do
    m_rps=$(median ${RPS[$mode]}); m_cpu=$(median ${CPU[$mode]})
    echo "  $mode log: median $m_rps req/s vs -q $q_rps: ratio $(ratio "$m_rps" "$q_rps") (target >= 0.90); CPU/request $m_cpu vs $q_cpu us: ratio $(ratio "$m_cpu" "$q_cpu")"
done
