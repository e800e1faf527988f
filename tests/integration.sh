#!/usr/bin/env bash
# Integration tests: the library and the CLI as real processes on
# loopback, over real TLS with certificates made here. Every server
# started here listens on 127.0.0.1, stops by itself after a bounded
# time, and is also ended by its PID when the tests finish.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d /tmp/umws-it.XXXXXX)
pids=()
failed=0

cleanup() {
	for p in "${pids[@]+"${pids[@]}"}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# wait_port FILE: the port a server wrote, within 10 seconds
wait_port() {
	for _ in $(seq 100); do
		[ -s "$1" ] && { cat "$1"; return 0; }
		sleep 0.1
	done
	echo "integration: no port in $1" >&2
	return 1
}

run() {
	echo "== $*"
	"$@" || { echo "FAILED: $*"; failed=$((failed + 1)); }
}

bash tests/mkcerts.sh "$tmp/pki" || exit 1

"$PYTHON" tests/scripted_server.py --port-file "$tmp/s1.port" \
	--cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key" \
	--seconds 300 &
pids+=($!)
"$PYTHON" tests/scripted_server.py --port-file "$tmp/s2.port" \
	--cert "$tmp/pki/wrong.pem" --key "$tmp/pki/wrong.key" \
	--seconds 300 &
pids+=($!)
p1=$(wait_port "$tmp/s1.port") || exit 1
p2=$(wait_port "$tmp/s2.port") || exit 1

run "$B/tests/transport" "$tmp/pki" "$p1" "$p2"

if [ $failed -ne 0 ]; then
	echo "integration: $failed suite(s) failed"
	exit 1
fi
echo "integration: all suites passed"
