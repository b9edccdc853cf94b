# Shared by scripts/run and scripts/test: the packages each needs, installed only when
# missing (so a second run is quick), and the Windows/wine environment.
# shellcheck shell=bash

NETLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

BUILD_PACKAGES=(cmake ninja-build g++ ccache pkg-config libasio-dev libcli11-dev libfmt-dev)
TEST_PACKAGES=(doctest-dev nlohmann-json3-dev curl python3 nginx-light socat netcat-openbsd nmap iperf3 procps)
WINDOWS_PACKAGES=(g++-mingw-w64-x86-64-posix wine wine64)

# ensure_packages PKG...: apt-get install whatever is not installed yet.
ensure_packages() {
    local missing=()
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    echo "netlab: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A wine prefix of the build's own, created once; no Mono/Gecko prompts, no debug noise.
setup_wine() {
    export WINEPREFIX="$NETLAB_ROOT/build/wine-prefix"
    export WINEDEBUG=-all
    export WINEDLLOVERRIDES="mscoree,mshtml="
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        mkdir -p "$WINEPREFIX"
        wineboot --init >/dev/null 2>&1 || true
    fi
    # One wineserver for the whole run: every wine start otherwise pays for a new one, and
    # two tests starting at once could race to create it. Stopped by stop_wine.
    wineserver -p >/dev/null 2>&1 || true
    # The first wine process of a server session starts wine's own services (services.exe,
    # winedevice.exe, ...), which inherit that process's stdout and stderr and keep them
    # open: a test's pipes would never close. Start them here, on /dev/null.
    wineboot >/dev/null 2>&1 </dev/null || true
}

# Stops the wineserver of our own prefix (started by setup_wine).
stop_wine() {
    [ -n "${WINEPREFIX:-}" ] && wineserver -k >/dev/null 2>&1 || true
}
