#!/usr/bin/env bash
# netlab get https:// side by side with curl against a local nginx with TLS (1 worker, an
# ECDSA P-256 certificate for localhost and 127.0.0.1 from a test CA made here):
#   1. one-shot GET of a 1 KiB file, whole process (hyperfine), each tool trusting the
#      system's CA store as it does when given no CA option: the measurements run in a
#      private mount namespace whose /etc/ssl/certs is the system's folder plus the test CA
#      (its hashed link, and a line in the bundle), so the machine's own store is untouched
#      and curl reads the bundle it always reads (about 140 certificates);
#   2. the same with --cacert for both (one certificate to read);
#   3. a 1 GiB download: throughput (median of 7 interleaved rounds) and peak RSS
#      (/usr/bin/time -v).
# Both tools must verify the certificate: each is checked to succeed inside the namespace
# and to fail with exit 60 outside it before anything is timed.
# Usage: bench/get-https.sh [path/to/netlab] (default: the release build).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PACKAGES=(nginx-light curl hyperfine time python3 openssl util-linux)
if [ -n "${1:-}" ]; then
    ensure_packages "${PACKAGES[@]}"
    NETLAB=$1
else
    build_release "${PACKAGES[@]}"
fi

# Each tool's own default store, as on a fresh machine: some images (CI runners, this
# development machine) set these, which points both tools at the whole bundle.
unset SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE

make_test_pki "$WORK/pki"
mkdir -p "$WORK/www"
head -c 1024 /dev/urandom >"$WORK/www/1k.bin"
truncate -s 1G "$WORK/www/1g.bin"   # sparse: the page cache serves it, the disk is not the limit
start_nginx "$WORK/www" 1 "$WORK/pki/server.pem" "$WORK/pki/server.key"
base=https://localhost:$NGINX_PORT

# The system's CA folder plus the test CA, mounted over /etc/ssl/certs in the namespace.
cp -a /etc/ssl/certs "$WORK/certs"
rm -f "$WORK/certs/ca-certificates.crt"
cat /etc/ssl/certs/ca-certificates.crt "$WORK/pki/ca.pem" >"$WORK/certs/ca-certificates.crt"
cp "$WORK/pki/ca.pem" "$WORK/certs/netlab-bench-ca.pem"
ln -s netlab-bench-ca.pem "$WORK/certs/$(openssl x509 -hash -noout -in "$WORK/pki/ca.pem").0"
in_store() {  # runs "$@" with the test CA in the system store
    unshare -m --propagation private -- sh -c 'mount --bind "$0" /etc/ssl/certs && exec "$@"' "$WORK/certs" "$@"
}

echo "netlab: $NETLAB"
echo "curl:   $(curl --version | head -1)"
echo "nginx:  $(nginx -v 2>&1), TLS $(openssl version)"
echo "store:  $(grep -c 'BEGIN CERTIFICATE' "$WORK/certs/ca-certificates.crt") certificates in the bundle"
echo

# Both verify: a success with the CA in the store, exit 60 without it.
check_exit() {  # EXPECTED CMD...
    local want=$1 got=0
    shift
    "$@" >/dev/null 2>&1 || got=$?
    [ "$got" = "$want" ] || { echo "expected exit $want, got $got: $*" >&2; exit 1; }
}
check_exit 0 in_store "$NETLAB" get -s -o /dev/null "$base/1k.bin"
check_exit 0 in_store curl -s -o /dev/null "$base/1k.bin"
check_exit 60 "$NETLAB" get -s -o /dev/null "$base/1k.bin"
check_exit 60 curl -s -o /dev/null "$base/1k.bin"
echo "negotiated: $(in_store "$NETLAB" -v get -s -o /dev/null "$base/1k.bin" 2>&1 | grep -m1 -i 'TLSv1' | sed 's/^[^A-Za-z]*//')"

mean_ms() {  # hyperfine JSON, command name
    python3 -c 'import json, sys; r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}; print("%.3f" % (r[sys.argv[2]]["mean"] * 1e3))' "$1" "$2"
}

# 1 and 2: one-shot GET of 1 KiB, whole process, the system store then --cacert.
in_store hyperfine -N --warmup 30 --runs 500 --export-json "$WORK/store.json" \
  -n netlab "$NETLAB get -s -o /dev/null $base/1k.bin" \
  -n curl "curl -s -o /dev/null $base/1k.bin"
hyperfine -N --warmup 30 --runs 500 --export-json "$WORK/cacert.json" \
  -n netlab "$NETLAB get -s -o /dev/null --cacert $WORK/pki/ca.pem $base/1k.bin" \
  -n curl "curl -s -o /dev/null --cacert $WORK/pki/ca.pem $base/1k.bin"

# 3: 1 GiB download, interleaved rounds (the order alternates), median wall time.
big_ms() {
    local t0
    t0=$(date +%s%N)
    in_store "$@" >/dev/null
    echo $((($(date +%s%N) - t0) / 1000000))
}
big_ms "$NETLAB" get -s -o /dev/null "$base/1g.bin" >/dev/null   # warm-up: the first read of the file is slower
big_ms curl -s -o /dev/null "$base/1g.bin" >/dev/null
big_n=() big_c=()
for round in 1 2 3 4 5 6 7; do
    if [ $((round % 2)) -eq 1 ]; then
        big_n+=("$(big_ms "$NETLAB" get -s -o /dev/null "$base/1g.bin")")
        big_c+=("$(big_ms curl -s -o /dev/null "$base/1g.bin")")
    else
        big_c+=("$(big_ms curl -s -o /dev/null "$base/1g.bin")")
        big_n+=("$(big_ms "$NETLAB" get -s -o /dev/null "$base/1g.bin")")
    fi
    echo "1 GiB round $round: netlab ${big_n[-1]} ms, curl ${big_c[-1]} ms"
done
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
peak_rss() {  # KiB
  in_store /usr/bin/time -v -o "$WORK/rss.txt" "$@" >/dev/null
  awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/rss.txt"
}
netlab_rss=$(peak_rss "$NETLAB" get -s -o /dev/null "$base/1g.bin")
curl_rss=$(peak_rss curl -s -o /dev/null "$base/1g.bin")

s_n=$(mean_ms "$WORK/store.json" netlab) s_c=$(mean_ms "$WORK/store.json" curl)
c_n=$(mean_ms "$WORK/cacert.json" netlab) c_c=$(mean_ms "$WORK/cacert.json" curl)
b_n=$(median "${big_n[@]}") b_c=$(median "${big_c[@]}")
mibs() { awk -v ms="$1" 'BEGIN {printf "%.0f", 1024 / (ms / 1000)}'; }
echo
echo "one-shot GET https 1 KiB, system store (mean of 500): netlab ${s_n} ms, curl ${s_c} ms," \
     "ratio netlab/curl $(ratio "$s_n" "$s_c")  (target <= 0.50)"
echo "one-shot GET https 1 KiB, --cacert (mean of 500): netlab ${c_n} ms, curl ${c_c} ms, ratio $(ratio "$c_n" "$c_c")"
echo "1 GiB download over TLS (median of 7 interleaved rounds): netlab $(mibs "$b_n") MiB/s, curl $(mibs "$b_c") MiB/s," \
     "ratio $(ratio "$b_c" "$b_n")  (target >= 1.00)"
echo "peak RSS during 1 GiB: netlab $((netlab_rss / 1024)) MiB (${netlab_rss} KiB), curl $((curl_rss / 1024)) MiB (${curl_rss} KiB)"
