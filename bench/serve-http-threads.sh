#!/usr/bin/env bash
# serve-http at its default thread count (one worker per core) against nginx with as many
# workers, and both at one worker: 1 KiB file, keep-alive, wrk -t1 -c64 --latency, access
# logs off in both, interleaved rounds, medians. For each server it also reports how the
# CPU it used was shared among its threads (netlab) or worker processes (nginx), and their
# context switches. With wrk on the same cores, netlab's balancer should keep one worker
# busy ("100"); the last part gives it a load that leaves a core free, where it should
# spread.
# Usage: bench/serve-http-threads.sh [ROUNDS] [SECONDS]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS=${1:-5}
SECONDS_PER_RUN=${2:-4}
build_release nginx-light wrk curl python3
CORES=$(nproc)

mkdir -p "$WORK/site"
head -c 1024 /dev/urandom >"$WORK/site/1k.bin"

# The threads that do a server's work, one "tid" per line: netlab's own threads, nginx's
# worker processes (its master only supervises).
server_tasks() {
    local pid=$1 kind=$2
    if [ "$kind" = nginx ]; then pgrep -P "$pid"; else ls "/proc/$pid/task"; fi
}
task_stat_path() {
    local pid=$1 kind=$2 tid=$3
    if [ "$kind" = nginx ]; then echo "/proc/$tid"; else echo "/proc/$pid/task/$tid"; fi
}
# "tid ticks voluntary involuntary" for each task.
task_sample() {
    local pid=$1 kind=$2 tid p
    for tid in $(server_tasks "$pid" "$kind"); do
        p=$(task_stat_path "$pid" "$kind" "$tid")
        [ -r "$p/stat" ] || continue
        echo "$tid $(awk '{print $14 + $15}' "$p/stat") $(awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print v, n}' "$p/status")"
    done
}

# One wrk run against PORT (PATH, CONNS connections; /1k.bin and 64 unless given) while
# sampling the server's tasks; prints "requests/s p99_ms cpu_shares ctx_switches_per_request",
# cpu_shares like "51/49" (busy tasks only, largest first).
measure() {
    local port=$1 pid=$2 kind=$3 path=${4:-/1k.bin} conns=${5:-64} before after out
    before=$(task_sample "$pid" "$kind")
    out=$(wrk -t1 -c"$conns" -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$port$path")
    after=$(task_sample "$pid" "$kind")
    python3 - "$before" "$after" "$out" <<'PY'
import re, sys
def parse(text):
    d = {}
    for line in text.splitlines():
        tid, ticks, vol, invol = line.split()
        d[tid] = (int(ticks), int(vol), int(invol))
    return d
b, a, out = parse(sys.argv[1]), parse(sys.argv[2]), sys.argv[3]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
requests = int(re.search(r"(\d+) requests in", out).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
ticks = {t: a[t][0] - b[t][0] for t in a if t in b}
switches = sum((a[t][1] - b[t][1]) + (a[t][2] - b[t][2]) for t in a if t in b)
total = sum(ticks.values()) or 1
busy = sorted((v for v in ticks.values() if v * 20 >= total), reverse=True)  # >= 5 % of the CPU
shares = "/".join(str(round(100 * v / total)) for v in busy)
print(f"{rps:.0f} {p99:.3f} {shares} {switches / max(requests, 1):.3f}")
PY
}

median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

compare() {
    local workers=$1 label=$2 netlab_args=()
    [ "$workers" = default ] && workers=$CORES || netlab_args=(--threads "$workers")
    start_nginx "$WORK/site" "$workers"
    NETLAB_PORT=$(free_port)
    "$NETLAB" -q serve-http "$WORK/site" --bind 127.0.0.1 --port "$NETLAB_PORT" "${netlab_args[@]}" >/dev/null &
    PIDS+=($!)
    NETLAB_PID=$!
    wait_for_port "$NETLAB_PORT"
    check_serves "$NGINX_PORT" /1k.bin
    check_serves "$NETLAB_PORT" /1k.bin
    echo "== $label: nginx worker_processes $workers vs netlab serve-http ${netlab_args[*]:-(default threads)}; wrk -t1 -c64 -d${SECONDS_PER_RUN}s --latency, $ROUNDS interleaved rounds"
    wrk -t1 -c64 -d1s "http://127.0.0.1:$NGINX_PORT/1k.bin" >/dev/null   # warm-up
    wrk -t1 -c64 -d1s "http://127.0.0.1:$NETLAB_PORT/1k.bin" >/dev/null
    local n_rps=() n_p99=() l_rps=() l_p99=() round rps p99 shares sw
    for round in $(seq 1 "$ROUNDS"); do
        read -r rps p99 shares sw < <(measure "$NGINX_PORT" "$NGINX_PID" nginx)
        n_rps+=("$rps") n_p99+=("$p99")
        echo "  round $round nginx : $rps req/s, p99 $p99 ms, CPU split ${shares:-?} %, $sw context switches/request"
        read -r rps p99 shares sw < <(measure "$NETLAB_PORT" "$NETLAB_PID" netlab)
        l_rps+=("$rps") l_p99+=("$p99")
        echo "  round $round netlab: $rps req/s, p99 $p99 ms, CPU split ${shares:-?} %, $sw context switches/request"
    done
    local mn mp ln lp
    mn=$(median "${n_rps[@]}") mp=$(median "${n_p99[@]}") ln=$(median "${l_rps[@]}") lp=$(median "${l_p99[@]}")
    echo "  median: nginx $mn req/s p99 $mp ms; netlab $ln req/s p99 $lp ms"
    echo "  ratio netlab/nginx: requests/s $(ratio "$ln" "$mn"), p99 $(ratio "$lp" "$mp")"
    kill "$NETLAB_PID" "$NGINX_PID"
    wait "$NETLAB_PID" "$NGINX_PID" 2>/dev/null || true
}

# The other side of the balancer: a load that costs the server far more than the client
# (a listing of 3,000 entries, 8 connections) leaves a core free of other work, so the
# default thread count should use it. netlab at its default against netlab at one worker;
# the balancer's decisions come from -v --json.
spread() {
    mkdir -p "$WORK/site/big"
    local i
    for i in $(seq 1 3000); do : >"$WORK/site/big/file-$i.txt"; done
    local p_default p_one pid_default pid_one log="$WORK/spread-events.jsonl"
    p_default=$(free_port)
    "$NETLAB" -v --json serve-http "$WORK/site" --bind 127.0.0.1 --port "$p_default" >"$log" &
    PIDS+=($!) pid_default=$!
    start_netlab "$WORK/site" 1
    p_one=$NETLAB_PORT pid_one=$NETLAB_PID
    wait_for_port "$p_default"
    check_serves "$p_default" /big/
    echo "== server-bound load: a listing of 3,000 entries, wrk -t1 -c8 -d${SECONDS_PER_RUN}s; netlab default ($CORES threads) vs --threads 1, $ROUNDS interleaved rounds"
    local d_rps=() o_rps=() round rps p99 shares sw
    for round in $(seq 1 "$ROUNDS"); do
        read -r rps p99 shares sw < <(measure "$p_one" "$pid_one" netlab /big/ 8)
        o_rps+=("$rps")
        echo "  round $round netlab --threads 1: $rps req/s, p99 $p99 ms, CPU split ${shares:-?} %"
        read -r rps p99 shares sw < <(measure "$p_default" "$pid_default" netlab /big/ 8)
        d_rps+=("$rps")
        echo "  round $round netlab default    : $rps req/s, p99 $p99 ms, CPU split ${shares:-?} %"
    done
    local md mo
    md=$(median "${d_rps[@]}") mo=$(median "${o_rps[@]}")
    echo "  median: default $md req/s, one worker $mo req/s; ratio $(ratio "$md" "$mo")"
    echo "  the balancer's decisions (default):"
    grep '"event":"workers"' "$log" | sed 's/^/    /' | head -20
    kill "$pid_default" "$pid_one"
    wait "$pid_default" "$pid_one" 2>/dev/null || true
}

echo "netlab vs nginx $(nginx -v 2>&1 | sed 's/.*\///'), $CORES cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
compare default "default thread count ($CORES)"
compare 1 "one worker"
spread
