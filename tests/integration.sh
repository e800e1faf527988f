#!/usr/bin/env bash
# Integration tests: the library and the CLI as real processes on
# loopback, over real TLS with certificates made here. Every server
# started here listens on 127.0.0.1, stops by itself after a bounded
# time, and is also ended by its PID when the tests finish.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
# RUN wraps every client program (make check-valgrind sets it)
read -r -a RUN <<<"${RUN:-}"
[ ${#RUN[@]} -gt 0 ] && export UMWS_TEST_SLOW=1
tmp=$(mktemp -d)
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
# servers with an expired, a self-signed certificate, TLS 1.1 at most,
# and one that requires a client certificate
tls_server() {
	"$PYTHON" -W ignore tests/scripted_server.py --port-file "$tmp/$1.port" \
		--seconds 300 "${@:2}" &
	pids+=($!)
}
tls_server expired --cert "$tmp/pki/expired.pem" --key "$tmp/pki/expired.key"
tls_server selfsigned --cert "$tmp/pki/selfsigned.pem" \
	--key "$tmp/pki/selfsigned.key"
tls_server oldtls --cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key" \
	--max-tls 1.1
tls_server mtls --cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key" \
	--client-ca "$tmp/pki/ca.pem"
p1=$(wait_port "$tmp/s1.port") || exit 1
p2=$(wait_port "$tmp/s2.port") || exit 1

run "${RUN[@]}" "$B/tests/transport" "$tmp/pki" "$p1" "$p2"
run env PORT="$p1" EXPIRED_PORT="$(wait_port "$tmp/expired.port")" \
	SELFSIGNED_PORT="$(wait_port "$tmp/selfsigned.port")" \
	OLDTLS_PORT="$(wait_port "$tmp/oldtls.port")" \
	MTLS_PORT="$(wait_port "$tmp/mtls.port")" \
	"${RUN[@]}" "$B/tests/hostile" "$tmp/pki"

# umws-server with TLS and NTLMv2, calls simulated twenty times faster
# (slower under valgrind, where each CLI run takes a second)
export UMWS_TEST_PASSWORD=Secr3t-pass
printf '%s\n' "EXAMPLE:alice:$UMWS_TEST_PASSWORD" \
	"EXAMPLE:bob:bob-pass:disabled" >"$tmp/users"
printf 'EXAMPLE:latin:p\xc3\xa4ssw\xc3\xb6rd\n' >>"$tmp/users"
for i in 0 1 2 3 4 5 6 7; do
	echo "EXAMPLE:worker$i:$UMWS_TEST_PASSWORD" >>"$tmp/users"
done
"$B/umws-server" --listen 127.0.0.1:0 --port-file "$tmp/um.port" \
	--cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key" \
	--users "$tmp/users" --time-scale "${TIME_SCALE:-0.05}" \
	--max-seconds 600 \
	2>"$tmp/um.log" &
pids+=($!)
"$B/umws-server" --listen 127.0.0.1:0 --port-file "$tmp/wrong.port" \
	--cert "$tmp/pki/wrong.pem" --key "$tmp/pki/wrong.key" \
	--users "$tmp/users" --max-seconds 600 2>/dev/null &
pids+=($!)
um=$(wait_port "$tmp/um.port") || exit 1
wrong=$(wait_port "$tmp/wrong.port") || exit 1
url="https://localhost:$um/EWS/UM2007Legacy.asmx"

handshakes() {
	curl -s --cacert "$tmp/pki/ca.pem" "https://localhost:$um/stats" |
		sed -n 's/^ntlm_handshakes //p'
}

run "${RUN[@]}" "$B/tests/lifecycle" "$url" "$tmp/pki/ca.pem" 'EXAMPLE\alice' \
	alice@EXAMPLE

# keep-alive: 100 operations on one client cost one NTLM handshake
keepalive() {
	local before after
	before=$(handshakes)
	"${RUN[@]}" "$B/tests/keepalive" "$url" "$tmp/pki/ca.pem" 'EXAMPLE\alice' 50 ||
		return 1
	after=$(handshakes)
	echo "ntlm handshakes for 100 operations: $((after - before))"
	[ "$((after - before))" -eq 1 ]
}
run keepalive

cli=$B/umws
if [ ${#RUN[@]} -gt 0 ]; then
	printf '#!/bin/sh\nexec %s %s "$@"\n' "${RUN[*]}" "$PWD/$B/umws" \
		>"$tmp/umws"
	chmod +x "$tmp/umws"
	cli=$tmp/umws
fi
run "${RUN[@]}" "$B/tests/threads" "$url" "$tmp/pki/ca.pem" \
	'EXAMPLE\worker' 4

# An ended call is forgotten after --retention: InvalidCallIdException,
# and hanging it up still succeeds (the call is gone).
retention() {
	local port id rc
	"$B/umws-server" --listen 127.0.0.1:0 --port-file "$tmp/ret.port" \
		--cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key" \
		--users "$tmp/users" --time-scale 0.01 --retention 1 \
		--max-seconds 60 2>/dev/null &
	pids+=($!)
	port=$(wait_port "$tmp/ret.port") || return 1
	um() {
		UMWS_URL="https://localhost:$port/EWS/UM2007Legacy.asmx" \
		UMWS_USER='EXAMPLE\alice' UMWS_PASSWORD=$UMWS_TEST_PASSWORD \
			"$B/umws" --cacert "$tmp/pki/ca.pem" "$@"
	}
	id=$(um play AAAA --dial 5550003) || return 1
	sleep 1.5
	um --json status "$id" >"$tmp/ret.out"
	rc=$?
	echo "status after retention: exit $rc, $(cat "$tmp/ret.out")"
	[ $rc -eq 7 ] && grep -q InvalidCallIdException "$tmp/ret.out" &&
		um hangup "$id"
}
run retention

run bash tests/cli.sh "$cli" "$url" "$tmp/pki/ca.pem" \
	"https://127.0.0.1:$wrong/EWS/UM2007Legacy.asmx"

# The servers stop cleanly on SIGTERM; a sanitizer build reports there.
for p in "${pids[@]}"; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
pids=()
if grep -Eq 'Sanitizer|runtime error' "$tmp/um.log"; then
	echo "FAILED: umws-server reported memory errors:"
	grep -E -A20 'Sanitizer|runtime error' "$tmp/um.log" | head -60
	failed=$((failed + 1))
fi

if [ $failed -ne 0 ]; then
	echo "integration: $failed suite(s) failed"
	exit 1
fi
echo "integration: all suites passed"
