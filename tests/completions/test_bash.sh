#!/usr/bin/env bash
# Drives completions/netlab.bash the way bash does (COMP_WORDS, COMP_CWORD, then the
# function `complete` registered), with Debian's bash-completion loaded as users have it.
# Usage: test_bash.sh SOURCE_DIR
set -uo pipefail
src=$1
# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion || { echo "bash-completion is not installed"; exit 1; }
# shellcheck disable=SC1091
source "$src/completions/netlab.bash"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/site" "$scratch/logs"
touch "$scratch/body.json" "$scratch/site.txt"

failures=0
# complete_line WORD...: the candidates bash would offer for the last word, one a line.
complete_line() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    local spec
    spec=$(complete -p netlab)
    [[ $spec == *"-F _netlab "* ]] || { echo "netlab's completion is not registered: $spec"; exit 1; }
    _netlab netlab "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
# expect "WORDS" "CANDIDATES" (space-separated, any order; exactly these)
expect() {
    local -a words
    read -r -a words <<<"$1"
    [[ $1 == *" " ]] && words+=("")
    local got want
    got=$(complete_line "${words[@]}" | tr '\n' ' ' | sed 's/ $//')
    want=$(tr ' ' '\n' <<<"$2" | sort | tr '\n' ' ' | sed 's/ $//')
    if [[ $got != "$want" ]]; then
        echo "FAIL: '$1' offered [$got], expected [$want]"
        failures=$((failures + 1))
    else
        echo "ok: '$1' -> [$got]"
    fi
}
# expect_has "WORDS" "CANDIDATE...": these are among what is offered
expect_has() {
    local -a words
    read -r -a words <<<"$1"
    [[ $1 == *" " ]] && words+=("")
    local got c
    got=" $(complete_line "${words[@]}" | tr '\n' ' ')"
    for c in $2; do
        if [[ $got != *" $c "* ]]; then
            echo "FAIL: '$1' did not offer $c (offered:$got)"
            failures=$((failures + 1))
            return
        fi
    done
    echo "ok: '$1' offers $2"
}

expect "netlab serve-h" "serve-http"
expect "netlab ge" "get"
expect "netlab udp-" "udp-send udp-listen"
expect "netlab --col" "--color"
expect "netlab --color " "auto always never"
expect "netlab get --color=al" "always"
expect "netlab get --outp" "--output"
expect_has "netlab --json get -" "--json --color -o --output -L --max-filesize"
expect "netlab get -o $scratch/bo" "$scratch/body.json"
expect "netlab get -d @$scratch/bo" "@$scratch/body.json"
expect "netlab get -d not-a-file" ""
expect "netlab serve-http $scratch/si" "$scratch/site"
expect "netlab serve-http --threads 4 $scratch/lo" "$scratch/logs"
expect "netlab portscan -p ss" "ssh"
expect_has "netlab portscan -p " "http https ssh"
expect "netlab completions " "bash zsh fish powershell"
expect "netlab help udp-l" "udp-listen"
expect "netlab --trace demux-demo --cl" "--clients"
expect "netlab udp-listen --b" "--bind"
exit $((failures > 0))
