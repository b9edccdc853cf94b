#!/usr/bin/env bash
# netlab get side by side with curl against a local nginx: one-shot GET of a 1 KiB file
# (hyperfine, whole process) and a 1 GiB download (throughput and peak RSS from
# /usr/bin/time -v). nginx runs with its own config on a free loopback port and is
# stopped by its PID on exit. Usage: bench/get.sh [path/to/netlab] (default: the
# release build, build/release/src/netlab).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
netlab=${1:-$here/build/release/src/netlab}
[[ -x $netlab ]] || { echo "no netlab binary at $netlab (cmake --workflow --preset release)" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 ]]; }
missing=()
for p in hyperfine nginx curl; do need "$p" || missing+=("$p"); done
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
nginx_pid=
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www"
head -c 1024 /dev/urandom >"$work/www/1k.bin"
truncate -s 1G "$work/www/1g.bin"   # sparse: the page cache serves it, the disk is not the limit

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for attempt in 1 2 3 4 5; do
  port=$(free_port)
  cat >"$work/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fcgi;
  uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server { listen 127.0.0.1:$port; root $work/www; }
}
CONF
  "$nginx_bin" -e "$work/error.log" -p "$work" -c "$work/nginx.conf" &
  nginx_pid=$!
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/1k.bin" && break
    sleep 0.1
  done
  if curl -s -o /dev/null "http://127.0.0.1:$port/1k.bin"; then break; fi
  kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=
done
[[ -n $nginx_pid ]] || { echo "nginx did not start" >&2; exit 1; }
base=http://127.0.0.1:$port

echo "netlab: $netlab"
echo "curl:   $(curl --version | head -1)"
echo "nginx:  $("$nginx_bin" -v 2>&1)"
echo

# 1. One-shot GET of 1 KiB, whole process.
hyperfine -N --warmup 50 --runs 1000 --export-json "$work/small.json" \
  -n netlab "$netlab get -s -o /dev/null $base/1k.bin" \
  -n curl "curl -s -o /dev/null $base/1k.bin"
read -r netlab_ms curl_ms < <(python3 - "$work/small.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print(f'{r["netlab"]["mean"]*1e3:.3f} {r["curl"]["mean"]*1e3:.3f}')
PY
)

# 2. 1 GiB download: throughput from hyperfine's mean, peak RSS from /usr/bin/time -v.
hyperfine -N --warmup 1 --runs 5 --export-json "$work/big.json" \
  -n netlab "$netlab get -s -o /dev/null $base/1g.bin" \
  -n curl "curl -s -o /dev/null $base/1g.bin"
read -r netlab_mibs curl_mibs < <(python3 - "$work/big.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print(f'{1024 / r["netlab"]["mean"]:.0f} {1024 / r["curl"]["mean"]:.0f}')
PY
)
peak_rss() {  # KiB
  /usr/bin/time -v -o "$work/rss.txt" "$@" >/dev/null
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/rss.txt"
}
netlab_rss=$(peak_rss "$netlab" get -s -o /dev/null "$base/1g.bin")
curl_rss=$(peak_rss curl -s -o /dev/null "$base/1g.bin")
echo
echo "one-shot GET 1 KiB (mean of 1000): netlab ${netlab_ms} ms, curl ${curl_ms} ms," \
     "ratio netlab/curl $(python3 -c "print(f'{$netlab_ms/$curl_ms:.2f}')")"
echo "1 GiB download (mean of 5): netlab ${netlab_mibs} MiB/s, curl ${curl_mibs} MiB/s," \
     "ratio $(python3 -c "print(f'{$netlab_mibs/$curl_mibs:.2f}')")"
echo "peak RSS during 1 GiB: netlab $((netlab_rss / 1024)) MiB (${netlab_rss} KiB), curl $((curl_rss / 1024)) MiB (${curl_rss} KiB)"
