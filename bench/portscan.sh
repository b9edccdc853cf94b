#!/usr/bin/env bash
# netlab portscan side by side with nmap -sT: all 65,535 TCP ports of 127.0.0.1, in
# interleaved rounds (the order alternates), with three listeners of the script's own.
# Prints the median wall time of each and their ratio, checks that both found the same
# open ports every round, and reports peak RSS and the TIME_WAIT sockets each run left.
# Usage: bench/portscan.sh [path/to/netlab] [rounds] (default: the release build, 5).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ -n "${1:-}" ]; then
    ensure_packages nmap time python3 iproute2
    NETLAB=$1
else
    build_release nmap time python3 iproute2
fi
ROUNDS=${2:-5}

# Three listeners that accept and close, so repeated scans never fill a backlog.
python3 -u - >"$WORK/listeners" <<'PY' &
import selectors, socket
sel = selectors.DefaultSelector()
for _ in range(3):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1024); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ); print(s.getsockname()[1])
while True:
    for key, _ in sel.select():
        try: key.fileobj.accept()[0].close()
        except OSError: pass
PY
PIDS+=($!)
for _ in $(seq 1 50); do [ "$(wc -l <"$WORK/listeners")" -ge 3 ] && break; sleep 0.1; done
echo "netlab:    $NETLAB"
echo "nmap:      $(nmap --version | head -1)"
echo "listeners: $(tr '\n' ' ' <"$WORK/listeners")"
echo "rounds:    $ROUNDS (interleaved, order alternating)"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo

# TIME_WAIT sockets of connections to the script's listeners (the scans' only completed
# connections; a refused connect leaves none), and of the whole machine for reference.
LISTENER_FILTER="( $(awk '{printf "%ssport = :%s or dport = :%s", (NR > 1 ? " or " : ""), $1, $1}' "$WORK/listeners") )"
time_wait() { ss -Htan state time-wait "$LISTENER_FILTER" | wc -l; }
now_ns() { date +%s%N; }
# run NAME OUTFILE CMD...: wall microseconds, peak RSS (KiB), TIME_WAIT sockets left on the
# listeners' ports, CPU milliseconds (user + system), appended to $WORK/NAME.txt
run() {
    local name=$1 out=$2; shift 2
    local t0 t1
    t0=$(now_ns)
    /usr/bin/time -f "%M %U %S" -o "$WORK/usage" "$@" >"$out"
    t1=$(now_ns)
    sleep 0.2  # let any TIME_WAIT appear
    read -r rss user sys <"$WORK/usage"
    echo "$(( (t1 - t0) / 1000 )) $rss $(time_wait) $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%d", (u + s) * 1000}')" >>"$WORK/$name.txt"
}
open_nmap() { grep -o '[0-9]*/open/tcp' "$1" | cut -d/ -f1 | sort -n | tr '\n' ' '; }
open_netlab() { python3 -c 'import json,sys; print(" ".join(str(p) for p in sorted(j["port"] for j in map(json.loads, open(sys.argv[1])) if j["event"] == "port" and j["state"] == "open")))' "$1"; }

# Ports listening at 127.0.0.1 (or any address) now, as the OS reports them.
listening() { ss -Htln | awk '{n = split($4, a, ":"); addr = substr($4, 1, length($4) - length(a[n]) - 1);
    if (addr == "0.0.0.0" || addr == "127.0.0.1" || addr == "*" || addr == "[::]") print a[n]}' | sort -n | tr '\n' ' '; }
# The ports in which two lists differ, and whether that is explained by another program's
# listener coming or going during the round: a difference is real when the port listened
# all through the round (before, during and after) or was never seen listening at all.
diff_ports() {
    python3 -c 'import sys; a, b, before, after, seen = (set(x.split()) for x in sys.argv[1:6])
d = sorted(a ^ b, key=int); real = [p for p in d if (p in before and p in after) or p not in seen]
print("real" if real else "changed" if d else "none", " ".join(d))' "$@"
}

mismatches=0
for round in $(seq 1 "$ROUNDS"); do
    before=$(listening)
    # Polled gently (every 20 ms, lowest priority): a busy loop here would take one of
    # the two cores from whichever scanner uses both.
    (while :; do listening; echo; sleep 0.02; done >"$WORK/seen") &
    poller=$!
    renice -n 19 -p "$poller" >/dev/null
    if [ $((round % 2)) -eq 1 ]; then
        run nmap "$WORK/nmap.gnmap" nmap -sT -p- -n -Pn -oG - 127.0.0.1
        run netlab "$WORK/netlab.json" "$NETLAB" --json portscan 127.0.0.1 -p- --open
    else
        run netlab "$WORK/netlab.json" "$NETLAB" --json portscan 127.0.0.1 -p- --open
        run nmap "$WORK/nmap.gnmap" nmap -sT -p- -n -Pn -oG - 127.0.0.1
    fi
    kill "$poller"; wait "$poller" 2>/dev/null || true
    after=$(listening)
    a=$(open_nmap "$WORK/nmap.gnmap")
    b=$(open_netlab "$WORK/netlab.json")
    seen=$(echo "$before $after $(cat "$WORK/seen")" | tr ' ' '\n' | sort -un | tr '\n' ' ')
    read -r kind ports < <(diff_ports "$a" "$b" "$before" "$after" "$seen")
    case $kind in
        none) same=identical ;;
        changed) same="identical but for ports other programs opened or closed meanwhile ($ports)" ;;
        *) same="DIFFERENT in $ports"; mismatches=$((mismatches + 1)) ;;
    esac
    printf 'round %d: nmap %s s, netlab %s s, open sets %s (%d open)\n' "$round" \
        "$(tail -1 "$WORK/nmap.txt" | awk '{printf "%.3f", $1/1e6}')" \
        "$(tail -1 "$WORK/netlab.txt" | awk '{printf "%.3f", $1/1e6}')" "$same" "$(wc -w <<<"$b")"
    [ "$kind" = real ] && printf '  nmap:   %s\n  netlab: %s\n' "$a" "$b" >&2
done

median() {  # column N of a file
    awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}
nmap_us=$(median "$WORK/nmap.txt" 1)
netlab_us=$(median "$WORK/netlab.txt" 1)
echo
printf 'median wall time: nmap %s s, netlab %s s, netlab is %sx faster (target >= 3.5)\n' \
    "$(awk -v u="$nmap_us" 'BEGIN {printf "%.3f", u / 1e6}')" "$(awk -v u="$netlab_us" 'BEGIN {printf "%.3f", u / 1e6}')" \
    "$(ratio "$nmap_us" "$netlab_us")"
nmap_cpu=$(median "$WORK/nmap.txt" 4)
netlab_cpu=$(median "$WORK/netlab.txt" 4)
printf 'median CPU time (user + system): nmap %d ms, netlab %d ms, ratio %s (the figure a busy machine moves least)\n' \
    "$nmap_cpu" "$netlab_cpu" "$(ratio "$nmap_cpu" "$netlab_cpu")"
printf 'median peak RSS: nmap %d KiB, netlab %d KiB\n' "$(median "$WORK/nmap.txt" 2)" "$(median "$WORK/netlab.txt" 2)"
printf 'TIME_WAIT sockets left on the listeners'"'"' ports after a run (median): nmap %d, netlab %d\n' \
    "$(median "$WORK/nmap.txt" 3)" "$(median "$WORK/netlab.txt" 3)"
echo "open sets: $((ROUNDS - mismatches)) of $ROUNDS rounds agree (differences only in ports that changed during the round do not count)"
