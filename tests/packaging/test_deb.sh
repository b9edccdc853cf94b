#!/usr/bin/env bash
# The Linux packages as a user gets them: cpack makes the .deb and the .tar.gz from this
# build; the .deb's control names its run-time dependencies; unpacked into an empty root
# (dpkg -x, no root rights needed) its netlab runs, serves a file that curl fetches, has
# its man page, and bash-completion finds its completion where bash looks.
# Usage: test_deb.sh BUILD_DIR VERSION
set -uo pipefail
build=$1 version=$2
# shellcheck source=tests/packaging/package_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/package_lib.sh"

make_packages "$build" "DEB;TGZ"
deb=$(echo "$scratch"/out/netlab_"$version"_*.deb)
tgz=$(echo "$scratch"/out/netlab-"$version"-*.tar.gz)
[ -f "$deb" ] || { echo "FAIL: no netlab_${version}_*.deb made: $(ls "$scratch/out")"; exit 1; }
[ -f "$tgz" ] || fail "no netlab-${version}-*.tar.gz made: $(ls "$scratch/out")"

# The control file: what dpkg-shlibdeps found for the libraries the binary links.
dpkg-deb -I "$deb" >"$scratch/control"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q "libc6 (>= " <<<"$depends" || fail "Depends must name libc6 with a version, is: '$depends'"
dpkg-deb -x "$deb" "$scratch/root"
root=$scratch/root
bin=$root/usr/bin/netlab
needed=$(objdump -p "$bin" | awk '/NEEDED/ { print $2 }')
for pair in libssl.so.3:libssl3 libstdc++.so.6:libstdc++6 libfmt.so:libfmt; do
    soname=${pair%%:*} package=${pair#*:}
    if grep -q "^$soname" <<<"$needed" && ! grep -q "$package" <<<"$depends"; then
        fail "netlab links $soname but Depends lacks $package: '$depends'"
    fi
done
for field in "Section: net" "Maintainer: " "Version: $version" "Description: "; do
    grep -q "^ $field" "$scratch/control" || fail "the control file lacks '$field'"
done
echo "ok: dpkg-deb -I: Depends: $depends"

# The installed binary runs and says its version.
first=$("$bin" --version | head -n 1)
[[ $first == "netlab $version ("* ]] && echo "ok: $first" || fail "installed netlab --version said '$first'"

# A real command: serve a folder on a free loopback port, fetch a file with curl.
mkdir "$scratch/site" && echo "packaged netlab serves this" >"$scratch/site/hello.txt"
"$bin" --json serve-http "$scratch/site" -p 0 -b 127.0.0.1 >"$scratch/serve.out" 2>"$scratch/serve.err" &
server_pid=$!
port=$(port_from "$scratch/serve.out" '"event":"listening".*"port":[0-9]+')
if [ -z "$port" ]; then
    fail "serve-http printed no listening event in 20 s: $(cat "$scratch/serve.out" "$scratch/serve.err")"
else
    body=$(curl -s --max-time 20 "http://127.0.0.1:$port/hello.txt")
    [ "$body" = "packaged netlab serves this" ] && echo "ok: serve-http -p 0 served the file to curl on port $port" ||
        fail "curl got '$body' from the installed serve-http"
fi

# The man page is where man looks, and renders.
page=$root/usr/share/man/man1/netlab.1
if [ -s "$page" ]; then
    if command -v man >/dev/null; then
        rendered=$(LC_ALL=C man -l "$page" 2>/dev/null | col -bx)
        grep -q "netlab serve-http" <<<"$rendered" &&
            echo "ok: man page installed and renders" || fail "the installed man page does not render"
    else
        echo "ok: man page installed (no man here to render it)"
    fi
else
    fail "no man page at /usr/share/man/man1/netlab.1 in the package"
fi

# Bash completion, found by bash-completion's own loader where XDG_DATA_DIRS points (the
# package's /usr/share), then driven as bash does for `netlab ser<TAB>`.
complete_ser() {
    XDG_DATA_DIRS=$1 BASH_COMPLETION_USER_DIR=$scratch/none bash -c '
        source /usr/share/bash-completion/bash_completion || exit 3
        __load_completion netlab || exit 4
        COMP_WORDS=(netlab ser) COMP_CWORD=1 COMP_LINE="netlab ser" COMP_POINT=10 COMPREPLY=()
        $(complete -p netlab | sed -E "s/.* -F ([^ ]+) .*/\1/") netlab ser netlab
        printf "%s\n" "${COMPREPLY[@]}"'
}
got=$(complete_ser "$root/usr/share")
[ "$got" = "serve-http" ] && echo "ok: bash completes 'netlab ser' to serve-http from the package" ||
    fail "bash completion from the package offered '$got' for 'netlab ser'"
got=$(complete_ser "$scratch/none" 2>&1)
[ "$got" != "serve-http" ] || fail "bash completed netlab without the package: the check above proves nothing"

# zsh: where Debian's zsh looks for packaged completions (its fpath has no
# /usr/share/zsh/site-functions).
[ -f "$root/usr/share/zsh/vendor-completions/_netlab" ] && echo "ok: zsh completion in /usr/share/zsh/vendor-completions" ||
    fail "the zsh completion is not in /usr/share/zsh/vendor-completions: $(dpkg-deb -c "$deb" | grep _netlab)"

# The .tar.gz holds the same tree.
mkdir "$scratch/tgz" && tar -xzf "$tgz" -C "$scratch/tgz"
tar_bin=$(echo "$scratch"/tgz/*/bin/netlab)
[ -x "$tar_bin" ] && "$tar_bin" --version >/dev/null && echo "ok: the .tar.gz's bin/netlab runs" ||
    fail "the .tar.gz has no bin/netlab that runs: $(tar -tzf "$tgz" | head)"

[ "$failures" -eq 0 ] && echo "packages: all checks passed"
exit "$failures"
