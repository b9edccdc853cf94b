#!/usr/bin/env bash
# serve-http --tls side by side with nginx's ssl, one worker each, same certificate (ECDSA
# P-256 from a test CA made here), same folder: a 1 KiB file over keep-alive connections,
# wrk -t1 -c64 --latency, access logs off in both, interleaved rounds (the order
# alternates), median requests/s and p99 and their ratios. Before timing it checks that
# both answer 200 with the file's bytes to a client that verifies the certificate, and
# prints the protocol and cipher each negotiates.
# Usage: bench/serve-https.sh [ROUNDS] [SECONDS]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS=${1:-5}
SECONDS_PER_RUN=${2:-5}
build_release nginx-light wrk curl python3 openssl

make_test_pki "$WORK/pki"
mkdir -p "$WORK/site"
head -c 1024 /dev/urandom >"$WORK/site/1k.bin"
start_nginx "$WORK/site" 1 "$WORK/pki/server.pem" "$WORK/pki/server.key"
start_netlab "$WORK/site" 1 --tls-cert "$WORK/pki/server.pem" --tls-key "$WORK/pki/server.key"

for port in "$NGINX_PORT" "$NETLAB_PORT"; do
    curl -s --cacert "$WORK/pki/ca.pem" -o "$WORK/got" "https://localhost:$port/1k.bin"
    cmp -s "$WORK/got" "$WORK/site/1k.bin" || { echo "port $port did not serve the file over TLS" >&2; exit 1; }
done
negotiated() { curl -sv --cacert "$WORK/pki/ca.pem" -o /dev/null "https://localhost:$1/1k.bin" 2>&1 | sed -n 's/^\* SSL connection using //p'; }
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') (pid $NGINX_PID, port $NGINX_PORT): $(negotiated "$NGINX_PORT")"
echo "netlab (pid $NETLAB_PID, port $NETLAB_PORT): $(negotiated "$NETLAB_PORT")"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# wrk_run PORT -> "requests_per_s p99_ms"
wrk_run() {
    local out rps p99
    out=$(wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" --latency "https://127.0.0.1:$1/1k.bin")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
    echo "$rps $p99"
}
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

echo "== 1 KiB over TLS, keep-alive (wrk -t1 -c64 -d${SECONDS_PER_RUN}s), $ROUNDS interleaved rounds"
wrk -t1 -c64 -d1s "https://127.0.0.1:$NGINX_PORT/1k.bin" >/dev/null   # warm-up
wrk -t1 -c64 -d1s "https://127.0.0.1:$NETLAB_PORT/1k.bin" >/dev/null
n_rps=() n_p99=() l_rps=() l_p99=()
for round in $(seq 1 "$ROUNDS"); do
    order=("$NGINX_PORT" "$NETLAB_PORT")
    [ $((round % 2)) -eq 0 ] && order=("$NETLAB_PORT" "$NGINX_PORT")
    for port in "${order[@]}"; do
        read -r rps p99 < <(wrk_run "$port")
        if [ "$port" = "$NGINX_PORT" ]; then n_rps+=("$rps") n_p99+=("$p99") name=nginx
        else l_rps+=("$rps") l_p99+=("$p99") name=netlab; fi
        echo "  round $round $name: $rps req/s, p99 $p99 ms"
    done
done
mn=$(median "${n_rps[@]}") mp=$(median "${n_p99[@]}") ln=$(median "${l_rps[@]}") lp=$(median "${l_p99[@]}")
echo "  median: nginx $mn req/s p99 $mp ms; netlab $ln req/s p99 $lp ms"
echo "  ratio netlab/nginx requests/s: $(ratio "$ln" "$mn")  (target >= 1.25)"
echo "  ratio netlab/nginx p99 latency: $(ratio "$lp" "$mp")"
