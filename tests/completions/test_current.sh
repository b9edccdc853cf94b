#!/usr/bin/env bash
# The checked-in scripts in completions/ are exactly what the binary generates, so they
# cannot drift from its options. After changing an option: scripts/update-completions.
# Usage: test_current.sh NETLAB SOURCE_DIR
set -uo pipefail
netlab=$1 src=$2
status=0
while read -r shell file; do
    if ! "$netlab" completions "$shell" | diff -u "$src/completions/$file" - >/dev/null; then
        echo "completions/$file differs from 'netlab completions $shell': run scripts/update-completions"
        "$netlab" completions "$shell" | diff -u "$src/completions/$file" - | head -20
        status=1
    fi
done <<'LIST'
bash netlab.bash
zsh _netlab
fish netlab.fish
powershell netlab.ps1
LIST
[ $status -eq 0 ] && echo "completions/: all four scripts are current"
exit $status
