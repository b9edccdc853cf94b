#!/usr/bin/env bash
# No coroutine in src/ is started with asio::detached: it drops the exception that ends the
# coroutine (udp-listen went deaf that way). net::spawn (src/net/spawn.hpp) rethrows it into
# the run loop instead. Comments may name it; code may not.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
found=$(find "$root/src" "$root/platform" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print0 |
    xargs -0 awk '{ code = $0; sub(/\/\/.*/, "", code) }
                  code ~ /asio::detached|asio\/detached\.hpp|detached_t/ { print FILENAME ":" FNR ": " $0 }')
if [ -n "$found" ]; then
    echo "FAIL: asio::detached in the product (start coroutines with net::spawn):"
    echo "$found"
    exit 1
fi
echo "ok: no asio::detached in src/ or platform/"
