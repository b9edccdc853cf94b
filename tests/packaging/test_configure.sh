#!/usr/bin/env bash
# What a packager's configure step meets: with BUILD_TESTING=OFF nothing looks for the
# test-only packages (doctest, nlohmann-json); with tests on, it does (the control that
# shows the check can fail). A build user whose HOME cannot be written still compiles
# through ccache (forcing ccache on such a HOME fails: the control), and NETLAB_CCACHE=OFF
# compiles without it.
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

# first_object BUILD_DIR: the first object file of the platform library (one small compile).
first_object() {
    ninja -C "$1" -t targets all >"$1/targets.txt" &&
        grep -m1 -oE '^platform/CMakeFiles/netlab_platform\.dir/[^:]+\.o' "$1/targets.txt"
}
# The cache folder ccache would use under this HOME is /dev/null/.cache/ccache: never writable.
unusable_home=(env -u CCACHE_DIR -u XDG_CACHE_HOME HOME=/dev/null)
if command -v ccache >/dev/null; then
    if "${unusable_home[@]}" cmake -S "$src" -B "$scratch/home" -G Ninja -DBUILD_TESTING=OFF >"$scratch/home.log" 2>&1 &&
        grep -q "ccache: cannot write its cache" "$scratch/home.log" &&
        obj=$(first_object "$scratch/home") &&
        "${unusable_home[@]}" cmake --build "$scratch/home" --target "$obj" >>"$scratch/home.log" 2>&1 &&
        [ -d "$scratch/home/ccache" ]; then
        echo "ok: with HOME=/dev/null the build compiles through ccache, its cache in the build tree"
    else
        fail "with HOME=/dev/null configure + build must work, the cache in the build tree:"
        tail -n 20 "$scratch/home.log"
    fi
    if "${unusable_home[@]}" cmake -S "$src" -B "$scratch/forced" -G Ninja -DBUILD_TESTING=OFF \
        -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >"$scratch/forced.log" 2>&1 &&
        obj=$(first_object "$scratch/forced") &&
        "${unusable_home[@]}" cmake --build "$scratch/forced" --target "$obj" >>"$scratch/forced.log" 2>&1; then
        fail "ccache itself compiled with HOME=/dev/null: the check above proves nothing"
    else
        echo "ok: ccache used as it is fails with HOME=/dev/null (what the build tree cache avoids)"
    fi
fi
if configure no-launcher -DBUILD_TESTING=OFF -DNETLAB_CCACHE=OFF && ! grep -rqs ccache "$scratch/no-launcher"/*.ninja; then
    echo "ok: NETLAB_CCACHE=OFF compiles without ccache"
else
    fail "NETLAB_CCACHE=OFF must configure and leave ccache out of the build rules:"
    tail -n 20 "$scratch/no-launcher.log"
fi

[ "$failures" -eq 0 ] && echo "configure: all checks passed"
exit "$failures"
