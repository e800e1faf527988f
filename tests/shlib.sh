# Helpers shared by the umws-server test scripts (srv_peers.sh,
# srv_hostile.sh). Sourced from the top of the tree, not run. It sets
# B (build dir), PYTHON, SERVER, FIX (the fixtures) and NS (the messages
# namespace) from the environment or their defaults, and offers:
#   srv_init NAME       checks $SERVER, makes $tmp with the test PKI of
#                       tests/mkcerts.sh (ca.pem, server.pem, server.key),
#                       and at exit stops the servers in $pids and removes
#                       $tmp; NAME starts its error lines
#   start_server NAME OPTIONS...
#                       a TLS + NTLM server for $tmp/users with its log in
#                       $tmp/NAME.log; sets $port, adds its pid to $pids
#   pass NAME, fail NAME EXPECTED GOT
#                       an "ok" or a "FAIL" line; fail counts in $failures
#   expect NAME EXPECTED GOT, expect_in NAME NEEDLE FILE
#                       GOT is EXPECTED; FILE holds NEEDLE (grep pattern)

B=${B:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
SERVER=$B/umws-server
FIX=tests/fixtures/um
NS=http://schemas.microsoft.com/exchange/services/2006/messages
NS_ERRORS=http://schemas.microsoft.com/exchange/services/2006/errors
failures=0
pids=()

srv_cleanup() {
	local p

	for p in "${pids[@]}"; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			wait "$p" 2>/dev/null
		fi
	done
	rm -rf "$tmp"
}

srv_init() {
	# The environment's CA bundle would override --cacert and verify=.
	unset CURL_CA_BUNDLE REQUESTS_CA_BUNDLE SSL_CERT_FILE
	if [ ! -x "$SERVER" ]; then
		echo "$1: $SERVER is missing: run make $SERVER" >&2
		exit 1
	fi
	tmp=$(mktemp -d)
	trap srv_cleanup EXIT
	if ! bash tests/mkcerts.sh "$tmp"; then
		echo "$1: openssl could not make the test certificates" >&2
		exit 1
	fi
}

start_server() {
	local name=$1

	shift
	"$SERVER" --listen 127.0.0.1:0 --port-file "$tmp/$name.port" \
		--cert "$tmp/server.pem" --key "$tmp/server.key" \
		--users "$tmp/users" --max-seconds 120 "$@" \
		2>"$tmp/$name.log" &
	pids+=($!)
	for _ in $(seq 50); do
		[ -s "$tmp/$name.port" ] && break
		sleep 0.1
	done
	port=$(cat "$tmp/$name.port" 2>/dev/null)
	[ -n "$port" ]
}

pass() { echo "ok   $1"; }
fail() {
	echo "FAIL $1: expected $2, got $3"
	failures=$((failures + 1))
}
expect() {	# name expected got
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "$2" "$3"; fi
}
expect_in() {	# name needle file
	if grep -q -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "'$2'" "$(head -c 400 "$3")"
	fi
}
