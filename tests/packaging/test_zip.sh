#!/usr/bin/env bash
# The Windows .zip as a user gets it: cpack makes it from the MinGW-w64 build; netlab.exe
# imports only Windows' own DLLs (libstdc++, libgcc and winpthread are linked in); unpacked
# into an empty folder it runs under wine: --version, and `get --fail` of a file that
# python's http.server serves on a free loopback port.
# Usage: test_zip.sh BUILD_DIR VERSION WINE OBJDUMP   (wine set up: scripts/lib.sh setup_wine)
set -uo pipefail
build=$1 version=$2 wine=$3 objdump=$4
# shellcheck source=tests/packaging/package_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/package_lib.sh"

make_packages "$build" ZIP
zip=$(echo "$scratch"/out/netlab-"$version"-windows-*.zip)
[ -f "$zip" ] || { echo "FAIL: no netlab-${version}-windows-*.zip made: $(ls "$scratch/out")"; exit 1; }
mkdir "$scratch/empty"
(cd "$scratch/empty" && cmake -E tar xf "$zip") || { echo "FAIL: the .zip does not unpack"; exit 1; }
exe=$(echo "$scratch"/empty/*/bin/netlab.exe)
[ -f "$exe" ] || { echo "FAIL: no bin/netlab.exe in the .zip: $(find "$scratch/empty" | head)"; exit 1; }
extra=$(find "$scratch/empty" -iname '*.dll')
[ -z "$extra" ] || fail "the .zip ships DLLs: $extra"

# Only Windows' own DLLs: MinGW's runtime DLLs are all named lib*.dll.
dlls=$("$objdump" -p "$exe" | awk '/DLL Name:/ { print $3 }' | sort -u)
echo "netlab.exe imports: $(tr '\n' ' ' <<<"$dlls")"
[ -n "$dlls" ] || fail "objdump found no imported DLLs in netlab.exe (not a PE file?)"
runtime=$(grep -i '^lib' <<<"$dlls")
[ -z "$runtime" ] && echo "ok: only Windows system DLLs" || fail "netlab.exe needs MinGW runtime DLLs: $runtime"

# Run from the empty folder, with nothing on wine's path that could supply a DLL.
cd "$(dirname "$exe")" || exit 1
first=$(env -u WINEPATH "$wine" ./netlab.exe --version 2>"$scratch/version.err" | tr -d '\r' | head -n 1)
[[ $first == "netlab $version ("* ]] && echo "ok: $first" ||
    fail "the unpacked netlab.exe --version said '$first' $(cat "$scratch/version.err")"

mkdir "$scratch/site" && echo "netlab.exe from the zip fetched this" >"$scratch/site/hello.txt"
python3 -u -m http.server --bind 127.0.0.1 --directory "$scratch/site" 0 >"$scratch/http.out" 2>&1 &
server_pid=$!
port=$(port_from "$scratch/http.out" 'port [0-9]+')
if [ -z "$port" ]; then
    fail "python's http.server did not start: $(cat "$scratch/http.out")"
else
    body=$(env -u WINEPATH timeout 120 "$wine" ./netlab.exe get --fail --max-time 30 "http://127.0.0.1:$port/hello.txt" 2>"$scratch/get.err" | tr -d '\r')
    [ "$body" = "netlab.exe from the zip fetched this" ] && echo "ok: the unpacked netlab.exe get --fail fetched a file from python's http.server" ||
        fail "netlab.exe get gave '$body': $(cat "$scratch/get.err")"
fi

[ "$failures" -eq 0 ] && echo "zip: all checks passed"
exit "$failures"
