# Shared by test_deb.sh and test_zip.sh: a scratch folder, a server of the test's own
# stopped on exit, failures counted, packages made by cpack, a port read from a log.
# shellcheck shell=bash
scratch=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# make_packages BUILD_DIR GENERATORS: cpack's packages of BUILD_DIR in $scratch/out, or exit.
make_packages() {
    if ! cpack --config "$1/CPackConfig.cmake" -G "$2" -B "$scratch/out" >"$scratch/cpack.log" 2>&1; then
        tail -n 30 "$scratch/cpack.log"
        echo "FAIL: cpack could not make the $2 package"
        exit 1
    fi
}

# port_from FILE REGEX: the number ending the first match of REGEX in FILE, waiting up to
# 20 s for the server that writes FILE to print it; empty if it never does.
port_from() {
    local port
    for _ in $(seq 200); do
        port=$(grep -s -m1 -oE "$2" "$1" | grep -oE '[0-9]+$')
        [ -n "$port" ] && break
        sleep 0.1
    done
    echo "$port"
}
