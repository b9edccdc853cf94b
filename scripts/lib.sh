# Shared by scripts/run and scripts/test: the packages each needs, installed only when
# missing (so a second run is quick), and the Windows/wine environment.
# shellcheck shell=bash

NETLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

BUILD_PACKAGES=(cmake ninja-build g++ ccache pkg-config libasio-dev libcli11-dev libfmt-dev libssl-dev help2man)
TEST_PACKAGES=(doctest-dev nlohmann-json3-dev curl python3 nginx-light socat netcat-openbsd nmap iperf3 procps iproute2 iptables util-linux openssl bash-completion zsh fish dpkg-dev man-db bsdextrautils)
CLANG_PACKAGES=(clang libc++-dev libc++abi-dev clang-tidy libclang-rt-dev)
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

# run_logged LOG COMMAND...: runs COMMAND with its output in LOG, quiet when it works; when
# it fails, the end of LOG (the compiler's own errors) is shown and the status returned.
run_logged() {
    local log=$1
    shift
    mkdir -p "$(dirname "$log")"
    if "$@" >"$log" 2>&1; then return 0; else
        local status=$?
        tail -n 60 "$log" >&2
        echo "netlab: '$*' failed; the lines above are the end of $log" >&2
        return "$status"
    fi
}

# Every wine start goes through wine-run.sh: wine without address-space randomisation,
# which otherwise makes about one start in a few thousand end at once, silently (exit 1).
WINE_RUN=$NETLAB_ROOT/cmake/toolchains/wine-run.sh

# A wine prefix of the build's own, created once; no Mono/Gecko prompts, no debug noise.
setup_wine() {
    export WINEPREFIX="$NETLAB_ROOT/build/wine-prefix"
    export WINEDEBUG=-all
    export WINEDLLOVERRIDES="mscoree,mshtml="
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        mkdir -p "$WINEPREFIX"
        echo "netlab: creating the wine prefix (once)" >&2
        "$WINE_RUN" wineboot.exe --init >/dev/null 2>&1 </dev/null || true
        # wineboot returns while the new prefix is still being set up under a server that
        # exits when idle: let it finish (bounded).
        timeout 300 wineserver -w </dev/null >/dev/null 2>&1 || true
    fi
    # One persistent wineserver for the whole run, on /dev/null. Without it every wine
    # start pays for a server of its own, and that server's stderr is the test's pipe:
    # its debug dumps ("Async thread=...", "Process id=...") land in what the test reads.
    # A server still running for this prefix (one an interrupted run left behind) is
    # ended first: `wineserver -p` cannot start beside it, and waiting for a persistent
    # one to exit would wait for ever.
    local started=""
    for _ in 1 2 3; do
        wineserver -k </dev/null >/dev/null 2>&1 || true
        timeout 30 wineserver -w </dev/null >/dev/null 2>&1 || true
        if wineserver -p </dev/null >/dev/null 2>&1; then
            started=yes
            break
        fi
    done
    if [ -z "$started" ]; then
        echo "netlab: could not start a persistent wineserver for $WINEPREFIX" >&2
        return 1
    fi
    # The first wine process of a server session starts wine's own services (services.exe,
    # winedevice.exe, ...), which inherit that process's stdout and stderr and keep them
    # open: a test's pipes would never close. Start them here, on /dev/null.
    "$WINE_RUN" wineboot.exe </dev/null >/dev/null 2>&1 || true
}

# End-to-end tests that also run against the Windows build under wine. Left out, for
# wine's sake rather than Windows': file names Windows forbids (<>"), Unix symlinks (wine
# follows them as if they were plain files) and SIGTERM (wine delivers only SIGINT, as
# a console Ctrl-C event), and a reply's source address (wine ignores IP_PKTINFO given to
# WSASendMsg; Windows honours it).
WINE_E2E_TESTS='^e2e_(cli|trace|serve_[a-z]+|get_[a-z]+|portscan[a-z_]*|udp_[a-z]+|demux_demo):'
WINE_E2E_SKIP='listing escapes names|symlink|SIGTERM|signal sent as soon|too slow for the grace|comes back from the address it was sent to'

# run_wine_e2e [CTEST-ARGS...]: the Linux build's end-to-end tests against netlab.exe of
# the MinGW build, under wine (after setup_wine).
run_wine_e2e() {
    NETLAB_EMULATOR=${NETLAB_EMULATOR:-$WINE_RUN} NETLAB_BIN="$NETLAB_ROOT/build/mingw/src/netlab.exe" \
        ctest --preset ci -L e2e -R "$WINE_E2E_TESTS" -E "$WINE_E2E_SKIP" "$@"
}

# Stops the wineserver of our own prefix (started by setup_wine).
stop_wine() {
    [ -n "${WINEPREFIX:-}" ] && wineserver -k >/dev/null 2>&1 || true
}
