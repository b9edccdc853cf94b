#!/usr/bin/env bash
# README.md and docs/*.md link only to files inside the repository, and those files exist:
# a reader of a clone or a tarball must never meet a dead or outside link.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
failures=0
for doc in "$root"/README.md "$root"/docs/*.md; do
    dir=$(dirname "$doc")
    # Inline links [text](target); images too.
    while IFS= read -r target; do
        target=${target%%#*}
        [ -z "$target" ] && continue   # a link to a heading of the same page
        case "$target" in
            *://*|mailto:*) echo "FAIL: $doc links outside the repository: $target"; failures=$((failures + 1)); continue ;;
        esac
        resolved=$(realpath -m "$dir/$target")
        case "$resolved" in
            "$root"/*) ;;
            *) echo "FAIL: $doc links outside the repository: $target"; failures=$((failures + 1)); continue ;;
        esac
        [ -e "$resolved" ] || { echo "FAIL: $doc links to a missing file: $target"; failures=$((failures + 1)); }
    done < <(grep -oE '\]\([^)]+\)' "$doc" | sed -E 's/^\]\((.*)\)$/\1/')
done
[ "$failures" -eq 0 ] && echo "doc links: all inside the repository and present"
exit "$failures"
