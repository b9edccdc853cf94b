#!/usr/bin/env bash
# What a packager's configure step meets: with BUILD_TESTING=OFF nothing looks for the
# test-only packages (doctest, nlohmann-json); with tests on, it does (the control that
# shows the check can fail).
# Usage: test_configure.sh SOURCE_DIR
set -uo pipefail
src=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# configure NAME ARGS...: configures SOURCE_DIR into $scratch/NAME; its output in NAME.log.
configure() {
    local name=$1
    shift
    cmake -S "$src" -B "$scratch/$name" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >"$scratch/$name.log" 2>&1
}
no_test_packages=(-DCMAKE_DISABLE_FIND_PACKAGE_doctest=ON -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON)

if configure tests-off -DBUILD_TESTING=OFF "${no_test_packages[@]}"; then
    echo "ok: BUILD_TESTING=OFF configures without doctest and nlohmann-json"
else
    fail "BUILD_TESTING=OFF must configure without doctest and nlohmann-json:"
    tail -n 20 "$scratch/tests-off.log"
fi
if configure tests-on -DBUILD_TESTING=ON "${no_test_packages[@]}"; then
    fail "BUILD_TESTING=ON configured although doctest and nlohmann-json were disabled"
else
    echo "ok: BUILD_TESTING=ON needs doctest and nlohmann-json"
fi

[ "$failures" -eq 0 ] && echo "configure: all checks passed"
exit "$failures"
