#!/usr/bin/env bash
# The man pages render without a warning from groff or man, and lexgrog
# (what mandb and whatis use) can read their NAME line.
#
# usage: man.sh PAGE...
set -u
cd "$(dirname "$0")/.."
failed=0
for tool in groff man lexgrog; do
	command -v $tool >/dev/null || { echo "man: $tool not found; on" \
		"Debian run apt-get install groff-base man-db"; exit 1; }
done
for page in "$@"; do
	out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	out+=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings "$page" 2>&1 \
		>/dev/null)
	lexgrog "$page" >/dev/null 2>&1 || out+="lexgrog cannot parse NAME"
	if [ -n "$out" ]; then
		echo "FAILED: $page: $out"
		failed=$((failed + 1))
	fi
done
[ $failed -eq 0 ] || exit 1
echo "man: $# pages render cleanly"
