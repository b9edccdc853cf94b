# Shared by the bench scripts: a release build, free loopback ports, nginx started with a
# config of our own, and cleanup of exactly the processes we started (by PID).
# shellcheck shell=bash
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$BENCH_ROOT/scripts/lib.sh"

PIDS=()
WORK=$(mktemp -d /tmp/netlab-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as an unprivileged user and must read the files
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

build_release() {
    ensure_packages "${BUILD_PACKAGES[@]}" "$@"
    (cd "$BENCH_ROOT" && cmake --workflow --preset release >/dev/null)
    NETLAB="$BENCH_ROOT/build/release/src/netlab"
}

# A port nothing listens on right now (bound and released by the kernel's choice).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() {
    local port=$1 i
    for i in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on $port" >&2
    return 1
}

# start_nginx DIR WORKERS [CERT KEY] -> sets NGINX_PORT; minimal config, access log off,
# sendfile on; with CERT and KEY (PEM) it speaks HTTPS.
start_nginx() {
    local dir=$1 workers=$2 listen tls=""
    NGINX_PORT=$(free_port)
    listen="127.0.0.1:$NGINX_PORT"
    if [ -n "${3:-}" ]; then
        listen+=" ssl"
        tls="ssl_certificate $3; ssl_certificate_key $4; ssl_protocols TLSv1.2 TLSv1.3;"
    fi
    mkdir -p "$WORK/nginx"
    cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 20000; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    types { text/html html; application/octet-stream bin; }
    server { listen $listen; root $dir; $tls }
}
CONF
    nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
    PIDS+=($!)
    NGINX_PID=$!
    wait_for_port "$NGINX_PORT"
}

# check_serves PORT PATH: fails unless the server answers 200 for PATH.
check_serves() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2")
    [ "$code" = 200 ] || { echo "server on port $1 answered $code for $2" >&2; exit 1; }
}

# start_netlab DIR THREADS [OPTION...] -> sets NETLAB_PORT, NETLAB_PID; access log off (-q).
start_netlab() {
    local dir=$1 threads=$2
    shift 2
    NETLAB_PORT=$(free_port)
    "$NETLAB" -q serve-http "$dir" --bind 127.0.0.1 --port "$NETLAB_PORT" --threads "$threads" "$@" >/dev/null &
    PIDS+=($!)
    NETLAB_PID=$!
    wait_for_port "$NETLAB_PORT"
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# make_test_pki DIR: a CA (ca.pem) and a server certificate for localhost and 127.0.0.1
# signed by it (server.pem, server.key), ECDSA P-256, valid two days.
make_test_pki() {
    local d=$1
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
        -days 2 -subj "/CN=netlab bench CA" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
        -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -out "$d/server.pem" \
        -days 2 -extfile "$d/ext" 2>/dev/null
    chmod 644 "$d"/*
}

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
