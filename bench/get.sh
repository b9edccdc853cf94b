#!/usr/bin/env bash
# netlab get side by side with curl against a local nginx: a one-shot GET of a 1 KiB file
# (hyperfine, whole process) and a 1 GiB download (throughput, and peak RSS from
# /usr/bin/time -v). Usage: bench/get.sh [path/to/netlab] (default: the release build).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ -n "${1:-}" ]; then
    ensure_packages nginx-light curl hyperfine time python3
    NETLAB=$1
else
    build_release nginx-light curl hyperfine time python3
fi

mkdir -p "$WORK/www"
head -c 1024 /dev/urandom >"$WORK/www/1k.bin"
truncate -s 1G "$WORK/www/1g.bin"   # sparse: the page cache serves it, the disk is not the limit
start_nginx "$WORK/www" 1
check_serves "$NGINX_PORT" /1k.bin
base=http://127.0.0.1:$NGINX_PORT

echo "netlab: $NETLAB"
echo "curl:   $(curl --version | head -1)"
echo "nginx:  $(nginx -v 2>&1)"
echo

# 1. One-shot GET of 1 KiB, whole process.
hyperfine -N --warmup 50 --runs 1000 --export-json "$WORK/small.json" \
  -n netlab "$NETLAB get -s -o /dev/null $base/1k.bin" \
  -n curl "curl -s -o /dev/null $base/1k.bin"
read -r netlab_ms curl_ms < <(python3 - "$WORK/small.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print(f'{r["netlab"]["mean"]*1e3:.3f} {r["curl"]["mean"]*1e3:.3f}')
PY
)

# 2. 1 GiB download: throughput from hyperfine's mean, peak RSS from /usr/bin/time -v.
hyperfine -N --warmup 1 --runs 5 --export-json "$WORK/big.json" \
  -n netlab "$NETLAB get -s -o /dev/null $base/1g.bin" \
  -n curl "curl -s -o /dev/null $base/1g.bin"
read -r netlab_mibs curl_mibs < <(python3 - "$WORK/big.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print(f'{1024 / r["netlab"]["mean"]:.0f} {1024 / r["curl"]["mean"]:.0f}')
PY
)
peak_rss() {  # KiB
  /usr/bin/time -v -o "$WORK/rss.txt" "$@" >/dev/null
  awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/rss.txt"
}
netlab_rss=$(peak_rss "$NETLAB" get -s -o /dev/null "$base/1g.bin")
curl_rss=$(peak_rss curl -s -o /dev/null "$base/1g.bin")
echo
echo "one-shot GET 1 KiB (mean of 1000): netlab ${netlab_ms} ms, curl ${curl_ms} ms," \
     "ratio netlab/curl $(ratio "$netlab_ms" "$curl_ms")  (target <= 0.50)"
echo "1 GiB download (mean of 5): netlab ${netlab_mibs} MiB/s, curl ${curl_mibs} MiB/s," \
     "ratio $(ratio "$netlab_mibs" "$curl_mibs")  (target >= 1.00)"
echo "peak RSS during 1 GiB: netlab $((netlab_rss / 1024)) MiB (${netlab_rss} KiB), curl $((curl_rss / 1024)) MiB (${curl_rss} KiB)"
