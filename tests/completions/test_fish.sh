#!/usr/bin/env bash
# completions/netlab.fish in a real fish: `complete -C LINE` lists what fish would offer.
# Usage: test_fish.sh SOURCE_DIR
set -uo pipefail
src=$1
command -v fish >/dev/null || { echo "fish is not installed"; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/site"
touch "$scratch/site.txt"
failures=0
# expect LINE CANDIDATES: exactly these are offered (names only, any order)
expect() {
    local got want
    got=$(fish --no-config -c "source '$src/completions/netlab.fish'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' ' | sed 's/ $//')
    want=$(tr ' ' '\n' <<<"$2" | sort | tr '\n' ' ' | sed 's/ $//')
    if [[ $got != "$want" ]]; then
        echo "FAIL: '$1' offered [$got], expected [$want]"
        failures=$((failures + 1))
    else
        echo "ok: '$1' -> [$got]"
    fi
}
expect "netlab serve-h" "serve-http"
expect "netlab udp-" "udp-send udp-listen"
expect "netlab --color " "auto always never"
expect "netlab get --outp" "--output"
expect "netlab portscan -p ss" "ssh"
expect "netlab completions " "bash zsh fish powershell"
expect "netlab serve-http $scratch/si" "$scratch/site/"
expect "netlab get -o $scratch/site." "$scratch/site.txt"
expect "netlab --json udp-listen --hea" "--headers"
exit $((failures > 0))
