#!/usr/bin/env bash
# netlab udp-send --probe / udp-listen side by side with iperf3 -u on loopback: 64-byte
# datagrams as fast as possible for 3 s, several interleaved rounds. Compares datagrams
# *received* per second (iperf3: packets - lost_packets from its server's report; netlab:
# the listener's exact count), checks netlab's accounting (sent = expected, lost =
# expected - received), and shows each sender's CPU time per datagram and the listener's
# peak RSS. Usage: bench/udp.sh [rounds] [path/to/netlab] (default 3, the release build).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS=${1:-3}
if [ -n "${2:-}" ]; then
    ensure_packages iperf3 python3 iproute2
    NETLAB=$2
else
    build_release iperf3 python3 iproute2
fi
SECONDS_PER_RUN=3
SIZE=64

echo "netlab: $NETLAB"
echo "iperf3: $(iperf3 --version | head -1)"
echo "kernel: $(uname -r), $(nproc) cores; $SIZE-byte datagrams, ${SECONDS_PER_RUN} s per run, $ROUNDS rounds"
echo

# iperf3 -s -1 serves one test; the client's JSON carries the server's loss count.
run_iperf3() {
    local port out
    port=$(free_port)
    iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    # Not wait_for_port: a probing connect would be the one test this server serves.
    for _ in $(seq 1 100); do
        [ -n "$(ss -Hltn "sport = :$port")" ] && break
        sleep 0.05
    done
    out="$WORK/iperf3.json"
    iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l "$SIZE" -t "$SECONDS_PER_RUN" --json >"$out"
    wait "$pid" 2>/dev/null || true
    python3 - "$out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
s = j["end"]["sum"]
received = s["packets"] - s["lost_packets"]
cpu = j["end"]["cpu_utilization_percent"]["host_total"] / 100 * s["seconds"]
print(f'{received / s["seconds"]:.0f} {s["packets"]} {s["lost_percent"]:.2f} {cpu * 1e9 / max(s["packets"], 1):.0f}')
PY
}

# netlab udp-listen (port 0, read from its listening event) and udp-send --probe --rate 0,
# both with the extra flags given (--no-offload).
run_netlab() {
    local listen_out="$WORK/listen.json" send_out="$WORK/send.json" port pid rss
    "$NETLAB" --json udp-listen 0 --bind 127.0.0.1 "$@" >"$listen_out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 100); do
        [ -s "$listen_out" ] && break
        sleep 0.05
    done
    port=$(head -1 "$listen_out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["port"])')
    "$NETLAB" --json udp-send 127.0.0.1 "$port" --probe --rate 0 --duration "$SECONDS_PER_RUN" --size "$SIZE" "$@" >"$send_out"
    rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    kill -INT "$pid"
    wait "$pid" 2>/dev/null || true
    python3 - "$send_out" "$rss" <<'PY'
import json, sys
events = {e["event"]: e for e in map(json.loads, open(sys.argv[1]))}
sent, rep = events["probe_sent"], events["probe_report"]
exact = rep["expected"] == sent["sent"] and rep["lost"] == rep["expected"] - rep["received"] and rep["duplicates"] == 0
print(f'{rep["datagrams_per_s"]:.0f} {sent["sent"]} {rep["lost_percent"]:.2f} {sent["cpu_ns_per_datagram"]:.0f} '
      f'{"exact" if exact else "INEXACT"} {sys.argv[2]} {int(sent["segmentation"])}')
PY
}

report_netlab() {  # label, then run_netlab's fields
    printf '         %-14s %9d received/s (sent %d, %s %% lost, sender %s ns CPU/datagram, GSO %s,' "$1" "$2" "$3" "$4" "$5" "$8"
    printf ' accounting %s, listener peak RSS %d KiB)\n' "$6" "$7"
    [ "$6" = exact ] || { echo "netlab's counts do not add up" >&2; exit 1; }
}

ip_rates=() nl_rates=() plain_rates=() ratios=() plain_ratios=()
for round in $(seq 1 "$ROUNDS"); do
    read -r ip_rate ip_sent ip_lost ip_cpu < <(run_iperf3)
    read -r nl_rate nl_sent nl_lost nl_cpu accounting rss gso < <(run_netlab)
    read -r pl_rate pl_sent pl_lost pl_cpu pl_accounting pl_rss pl_gso < <(run_netlab --no-offload)
    ip_rates+=("$ip_rate")
    nl_rates+=("$nl_rate")
    plain_rates+=("$pl_rate")
    ratios+=("$(ratio "$nl_rate" "$ip_rate")")
    plain_ratios+=("$(ratio "$pl_rate" "$ip_rate")")
    printf 'round %d: %-14s %9d received/s (sent %d, %s %% lost, sender %s ns CPU/datagram)\n' \
        "$round" iperf3 "$ip_rate" "$ip_sent" "$ip_lost" "$ip_cpu"
    report_netlab netlab "$nl_rate" "$nl_sent" "$nl_lost" "$nl_cpu" "$accounting" "$rss" "$gso"
    report_netlab "--no-offload" "$pl_rate" "$pl_sent" "$pl_lost" "$pl_cpu" "$pl_accounting" "$pl_rss" "$pl_gso"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo
echo "median received/s: iperf3 $(median "${ip_rates[@]}"), netlab $(median "${nl_rates[@]}")," \
     "netlab --no-offload $(median "${plain_rates[@]}")"
echo "median ratio netlab/iperf3 $(median "${ratios[@]}"), --no-offload $(median "${plain_ratios[@]}")" \
     "(target >= 1.5, aim >= 3)"
