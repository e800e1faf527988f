#!/usr/bin/env bash
# make demo: a throwaway CA and users file, umws-server on a free
# loopback port with TLS and NTLMv2, then the umws CLI places a call,
# follows it until answered, hangs up, and places one to a busy number.
# Each command is shown as a "$ ..." line that can be copied (the
# password excepted). The server is stopped by its PID and would stop by
# itself anyway.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
tmp=$(mktemp -d)
server=
start=$(date +%s.%N)

cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server"
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null) dim=$(tput dim 2>/dev/null)
	off=$(tput sgr0 2>/dev/null)
else
	bold= dim= off=
fi
step() { printf '\n%s%s%s\n' "$bold" "$*" "$off"; }
note() { printf '  %s%s%s\n' "$dim" "$*" "$off"; }
die() { echo "demo: $*" >&2; exit 1; }

# quote WORD: WORD as a shell would need it typed
quote() {
	case $1 in
	'' | *[!A-Za-z0-9_+=/.:,@%-]*)
		printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf '%s' "$1" ;;
	esac
}

# show CMD...: the command line, dimmed, on fd 3 (the terminal or the
# demo's stdout), so that it shows even when the output is captured
exec 3>&1
show_line() { printf '  %s$ %s%s\n' "$dim" "$*" "$off" >&3; }
show() {
	local line=$1 arg
	shift
	for arg in "$@"; do
		line+=" $(quote "$arg")"
	done
	show_line "$line"
}

step "Setting up"
show bash tests/mkcerts.sh "$tmp/pki"
bash tests/mkcerts.sh "$tmp/pki" || die "cannot make certificates"
note "a throwaway CA and a certificate for localhost"
password=$(openssl rand -hex 12)
echo "EXAMPLE:alice:$password" >"$tmp/users"
note "a users file with EXAMPLE\\alice and a random password" \
	"(lines DOMAIN:user:password)"
server_args=(--listen 127.0.0.1:0 --port-file "$tmp/port"
	--cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key"
	--users "$tmp/users" --time-scale 0.5 --max-seconds 120)
show umws-server "${server_args[@]}"
"$B/umws-server" "${server_args[@]}" 2>"$tmp/server.log" &
server=$!
for _ in $(seq 100); do
	[ -s "$tmp/port" ] && break
	sleep 0.1
done
[ -s "$tmp/port" ] || die "umws-server did not start: $(cat "$tmp/server.log")"
port=$(cat "$tmp/port")
note "umws-server listening on https://localhost:$port (TLS + NTLMv2)"

export UMWS_URL="https://localhost:$port/EWS/UM2007Legacy.asmx"
export UMWS_USER='EXAMPLE\alice' UMWS_PASSWORD=$password
export UMWS_CACERT="$tmp/pki/ca.pem"
show_line "export UMWS_URL=$(quote "$UMWS_URL")"
show_line "export UMWS_USER=$(quote "$UMWS_USER")" \
	"UMWS_CACERT=$(quote "$UMWS_CACERT")"
show_line "export UMWS_PASSWORD=...   # not shown"
note "(the umws commands below run $B/umws; put $B on PATH to type them)"
umws() {
	show umws "$@"
	"$B/umws" "$@"
}
entry=AAAAAJx2S1rL0QxNp3vFj2yq8EYHAKb4lZ0x9m1Hn3rQ2x7pT1wAAA==

step "Is EXAMPLE\\alice enabled for Unified Messaging?"
enabled=$(umws enabled) || die "IsUMEnabled failed"
note "IsUMEnabled: $enabled"

step "Playing a voice mail on +1 425 555 0142"
id=$(umws play "$entry" --dial '+1 425 555 0142') || die "PlayOnPhone failed"
note "PlayOnPhone returned the CallId $id"
umws wait "$id" --until Connected --timeout 30 | sed 's/^/  /'
[ "${PIPESTATUS[0]}" -eq 0 ] || die "the call was not answered"

step "Hanging up"
umws hangup "$id" || die "hang-up failed"
read -r state cause <<<"$(umws status "$id")"
note "final state: $state (event cause: $cause)"

step "Calling a busy number, +1 425 555 0001"
busy=$(umws play "$entry" --dial '+1 425 555 0001') || die "PlayOnPhone failed"
note "PlayOnPhone returned the CallId $busy"
umws wait "$busy" --timeout 30 2>/dev/null | sed 's/^/  /'
rc=${PIPESTATUS[0]}
[ "$rc" -eq 9 ] || die "expected the busy call to end unanswered (9), got $rc"
note "umws wait exited with 9: the call ended unanswered"
read -r state cause <<<"$(umws status "$busy")"
note "the call ended $state because of $cause: the line was busy"

kill "$server" 2>/dev/null && wait "$server"
server=
step "Done"
note "$(awk -v s="$start" -v e="$(date +%s.%N)" \
	'BEGIN { printf "%.1f s; the server has stopped", e - s }')"
