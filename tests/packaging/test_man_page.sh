#!/usr/bin/env bash
# The generated man page covers the binary: every subcommand that `netlab --help` lists
# (and at least the six known ones) has a section, and every long option of its --help
# appears in that section; and man renders it.
# Usage: test_man_page.sh MAN_PAGE NETLAB_BINARY
set -uo pipefail
page=$1 netlab=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ -s "$page" ] || { echo "FAIL: no man page at $page"; exit 1; }

# The page's text: the roff with its escapes undone, each subcommand's .SS as its own line.
text=$(sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\f[BIRP]//g' -e 's/^\.SS "\(.*\)"$/   \1/' "$page")
# And as a reader sees it, where man is installed.
if command -v man >/dev/null; then
    rendered=$(LC_ALL=C MANWIDTH=200 man -l "$page" 2>&1 | col -bx)
    grep -q "^NAME" <<<"$rendered" && grep -qx "   netlab serve-http" <<<"$rendered" ||
        fail "man -l does not render the page with NAME and 'netlab serve-http': $(head -5 <<<"$rendered")"
fi

# section SUB: the text of the page's "netlab SUB" section.
section() {
    awk -v head="   netlab $1" '$0 == head { on = 1; next } /^   netlab [a-z]/ || /^\.SH / { on = 0 } on' <<<"$text"
}
subs=$(NO_COLOR=1 "$netlab" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on { exit }')
for known in serve-http get portscan udp-send udp-listen demux-demo; do
    grep -qx "$known" <<<"$subs" || fail "'netlab --help' does not list $known"
done
for sub in $subs; do
    body=$(section "$sub")
    if [ -z "$body" ]; then
        fail "no section 'netlab $sub' in the man page"
        continue
    fi
    options=$(NO_COLOR=1 "$netlab" "$sub" --help | grep -oE -- '--[a-z][a-z0-9.-]*[a-z0-9]' | sort -u)
    missing=()
    for option in $options; do
        grep -qF -- "$option" <<<"$body" || missing+=("$option")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        fail "the man page's 'netlab $sub' section lacks ${missing[*]}"
    else
        echo "ok: netlab $sub: its section has all $(wc -w <<<"$options") long options"
    fi
done
[ "$failures" -eq 0 ] && echo "man page: every subcommand and option present"
exit "$failures"
