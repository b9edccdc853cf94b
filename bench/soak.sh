#!/usr/bin/env bash
# Load and soak for serve-http, on loopback (not in the default run; about two minutes):
#   wrk -t1 -c1000 for SECONDS on a 1 KiB file, and at the same time
#   2,000 slow clients holding half-sent request heads, 20 clients that ask for a 20 MiB
#   file and never read (both come back when cut off), and a probe that asks for a small
#   file on a new connection every 100 ms and times it (bench/soak.py).
# The server runs as a person runs it: access log on, to a file.
# It passes when the server keeps serving (no probe fails), the probe's p99 stays under
# P99_BOUND_MS, the anonymous part of RSS (the heap: what the load could leave behind;
# code pages the load touched stay resident, as they should) comes back to within 4 MiB of
# its baseline (from a peak of some 30 MiB: what stays is the allocator's fragmentation,
# which malloc_trim cannot return), and the open descriptors come back to theirs. The baseline is taken after
# a short warm-up, so it counts what a server that has served anything holds.
# Usage: bench/soak.sh [SECONDS] [THREADS] [P99_BOUND_MS]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SOAK_SECONDS=${1:-60}
THREADS=${2:-2}
P99_BOUND_MS=${3:-500}
build_release wrk curl python3
ulimit -n "$(ulimit -Hn)"  # wrk's 1,000 connections and the clients' 2,020

mkdir -p "$WORK/site"
head -c 1024 /dev/urandom >"$WORK/site/1k.bin"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$WORK/site/20m.bin"
echo probe >"$WORK/site/probe.txt"

PORT=$(free_port)
"$NETLAB" serve-http "$WORK/site" --bind 127.0.0.1 --port "$PORT" --threads "$THREADS" >"$WORK/access.log" 2>"$WORK/stderr.log" &
PIDS+=($!)
PID=$!
wait_for_port "$PORT"
check_serves "$PORT" /1k.bin
fds() { find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
anon_kib() { awk '/^RssAnon/ {print $2}' "/proc/$1/status"; }
mib() { echo "$(($1 / 1024)).$((($1 % 1024) * 10 / 1024)) MiB"; }
# Warm-up: every kind of client once, briefly.
wrk -t1 -c10 -d1s "http://127.0.0.1:$PORT/1k.bin" >/dev/null
python3 "$BENCH_ROOT/bench/soak.py" 127.0.0.1 "$PORT" 2 10 2 >/dev/null
sleep 2
base_rss=$(rss_kib "$PID")
base_anon=$(anon_kib "$PID")
base_fds=$(fds)
echo "netlab (pid $PID, port $PORT, $THREADS worker threads), $SOAK_SECONDS s: baseline RSS $(mib "$base_rss") (anonymous $(mib "$base_anon")), $base_fds open descriptors"

# Peak RSS and descriptors, sampled each second while the load runs.
(
    peak_rss=0 peak_anon=0 peak_fds=0
    while kill -0 "$PID" 2>/dev/null && [ ! -e "$WORK/load.done" ]; do
        r=$(rss_kib "$PID") a=$(anon_kib "$PID") f=$(fds)
        [ "$r" -gt "$peak_rss" ] && peak_rss=$r
        [ "$a" -gt "$peak_anon" ] && peak_anon=$a
        [ "$f" -gt "$peak_fds" ] && peak_fds=$f
        echo "$peak_rss $peak_anon $peak_fds" >"$WORK/peak"
        sleep 1
    done
) &
PIDS+=($!)

python3 "$BENCH_ROOT/bench/soak.py" 127.0.0.1 "$PORT" "$SOAK_SECONDS" 2000 20 >"$WORK/soak.json" &
SOAK_PY=$!
PIDS+=($SOAK_PY)
sleep 2  # the slow clients ramp up first
wrk -t1 -c1000 -d"$((SOAK_SECONDS - 4))s" --timeout 10s --latency "http://127.0.0.1:$PORT/1k.bin" >"$WORK/wrk.txt"
wait "$SOAK_PY"
touch "$WORK/load.done"
read -r peak_rss peak_anon peak_fds <"$WORK/peak"

# Everything has closed on the clients' side; give the server a moment to see it.
sleep 3
after_rss=$(rss_kib "$PID")
after_anon=$(anon_kib "$PID")
after_fds=$(fds)
check_serves "$PORT" /1k.bin

echo "== wrk (1,000 connections)"
grep -E "Requests/sec|Latency|Socket errors|Non-2xx|requests in" "$WORK/wrk.txt" | sed 's/^/  /'
grep -E "^ +(50|99)%" "$WORK/wrk.txt" | sed 's/^/  latency /'
echo "== hostile clients and the probe (bench/soak.py)"
python3 - "$WORK/soak.json" "$P99_BOUND_MS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bound = float(sys.argv[2])
print(f"  slow clients: {r['slow_connections']} connections opened ({r['slow_cut_off']} cut off while trickling), "
      f"{r['slow_connect_failures']} failed to connect")
print(f"  stalled readers: {r['stalled_connections']} connections opened")
print(f"  probe: {r['probes']} requests, {r['probe_failures']} failed; latency p50 {r['probe_p50_ms']} ms, "
      f"p99 {r['probe_p99_ms']} ms (bound {bound:g} ms), max {r['probe_max_ms']} ms")
PY
echo "== resources"
echo "  RSS: baseline $(mib "$base_rss"), peak $(mib "$peak_rss"), after $(mib "$after_rss")"
echo "  anonymous RSS (the heap): baseline $(mib "$base_anon"), peak $(mib "$peak_anon"), after $(mib "$after_anon")"
echo "  open descriptors: baseline $base_fds, peak $peak_fds, after $after_fds"
echo "  access log: $(wc -l <"$WORK/access.log") lines; stderr: $(wc -l <"$WORK/stderr.log") lines"

verdict=pass
probe_ok=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(int(r['probe_failures'] == 0 and r['probe_p99_ms'] <= float(sys.argv[2])))" "$WORK/soak.json" "$P99_BOUND_MS")
[ "$probe_ok" = 1 ] || { echo "  FAIL: the probe failed or its p99 is over the bound"; verdict=fail; }
[ "$after_anon" -le $((base_anon + 4096)) ] || { echo "  FAIL: the heap did not come back to its baseline"; verdict=fail; }
[ "$after_fds" -le "$base_fds" ] || { echo "  FAIL: descriptors left open"; verdict=fail; }
echo "soak: $verdict"
[ "$verdict" = pass ]
