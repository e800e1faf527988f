#!/usr/bin/env bash
# The umws CLI against umws-server over TLS and NTLMv2: results, JSON,
# exit codes, the lifecycle across processes, signals, secrets.
#
# usage: cli.sh UMWS URL CA_FILE WRONG_HOST_URL
# The user is EXAMPLE\alice; the password comes from UMWS_TEST_PASSWORD.
# Cases that stop a server or need slow calls start their own
# umws-server ($B/umws-server) with the certificate beside CA_FILE.
set -u
umws=$1
url=$2
ca=$3
wrong_url=$4
tmp=$(mktemp -d)
slow_pid=
cleanup() {
	if [ -n "$slow_pid" ]; then
		kill -CONT "$slow_pid" 2>/dev/null
		kill "$slow_pid" 2>/dev/null
		wait "$slow_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
checks=0

export UMWS_URL=$url UMWS_USER='EXAMPLE\alice'
export UMWS_PASSWORD=$UMWS_TEST_PASSWORD
unset UMWS_AUTH UMWS_CACERT

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

# expect NAME CODE CMD...: runs CMD, keeps stdout in $out, stderr in $err
expect() {
	local name=$1 want=$2
	shift 2
	checks=$((checks + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	[ "$got" -eq "$want" ] || fail "$name: expected exit $want, got" \
		"$got; stdout: $out; stderr: $err"
}

# has NAME TEXT PATTERN: TEXT matches the extended regex PATTERN
has() {
	checks=$((checks + 1))
	echo "$2" | grep -Eq -- "$3" || fail "$1: expected /$3/ in: $2"
}

hasnt() {
	checks=$((checks + 1))
	echo "$2" | grep -Eq -- "$3" && fail "$1: did not expect /$3/ in: $2"
}

u() { "$umws" --cacert "$ca" "$@"; }

expect enabled 0 u enabled
has enabled "$out" '^true$'
expect enabled-json 0 u --json enabled
has enabled-json "$out" '^\{"enabled":true\}$'

expect set-oof 0 u set-oof on
expect set-dial 0 u set-dial-string '+1 425 555 0142'
expect set-folder 0 u set-folder AAAAAQ==
expect set-missed 0 u set-missed-call-notify off
expect reset-pin 0 u reset-pin
expect props 0 u --json props
has props "$out" '"dial_string":"\+1 425 555 0142"'
has props "$out" '"oof":true'
expect set-oof-off 0 u set-oof off

# One process places the call, others follow it and hang it up.
expect play 0 u play AAAA --dial '+1 425 555 0142'
id=$out
has play-id "$id" '^[A-Za-z0-9+/=]{16,}$'
expect status 0 u status "$id"
has status "$out" '^(Connecting|Alerted|Connected) None$'
expect wait-until 0 u wait "$id" --until Connected --timeout 20
has wait-until "$out" 'Connected'
expect hangup 0 u hangup "$id"
hasnt hangup "$err" 'note:'
expect hangup-again 0 u hangup "$id"
hasnt hangup-again "$err" 'note:'
expect status-after 0 u --json status "$id"
has status-after "$out" '"state":"Disconnected","event_cause":"None"'

expect wait-answered 0 u play AAAA --dial 4200 --wait --timeout 30
has wait-answered "$out" 's  Connected'
has wait-answered "$out" 'Disconnected \(None\)'
expect wait-busy 9 u --json play AAAA --dial '+1 425 555 0001' --wait
has wait-busy "$out" '"event_cause":"UserBusy"'
expect wait-noanswer 9 u play AAAA --dial 5550002 --wait
has wait-noanswer "$out" 'NoAnswer'
expect wait-unavailable 9 u greeting oof --dial 5550003 --wait
has wait-unavailable "$out" 'Unavailable'

# Ctrl-C during --wait hangs the call up before exiting.
"$umws" --cacert "$ca" play AAAA --dial 4200 --wait --timeout 60 \
	>"$tmp/sig.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
	grep -q 'Connected' "$tmp/sig.out" && break
	sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
checks=$((checks + 1))
[ "$rc" -eq 130 ] || fail "sigint: expected exit 130, got $rc"
sig_id=$(head -n 1 "$tmp/sig.out")
expect sigint-hung-up 0 u status "$sig_id"
has sigint-hung-up "$out" '^Disconnected'

# The wait deadline also hangs up.
expect deadline 5 u play AAAA --dial 4200 --wait --timeout 0.3
has deadline "$err" 'did not end within the wait deadline of 0.3 s; hung up'
dl_id=$(echo "$out" | head -n 1)
expect deadline-hung-up 0 u status "$dl_id"
has deadline-hung-up "$out" '^Disconnected'
expect deadline-json 5 u --json play AAAA --dial 4200 --wait --timeout 0.3
has deadline-json "$out" '"kind":"timeout","message":"the call did not end'

# A CallId the server does not know: wait fails, hangup succeeds (the
# call is gone) but says so.
expect wait-unknown 7 u --json wait bm8gc3VjaCBjYWxs
has wait-unknown "$out" '"exception":"InvalidCallIdException"'
has wait-unknown "$out" '"call_id":"bm8gc3VjaCBjYWxs"'
expect wait-unknown-text 7 u wait bm8gc3VjaCBjYWxs
has wait-unknown-text "$err" 'does not know that CallId'
expect hangup-unknown 0 u hangup bm8gc3VjaCBjYWxs
has hangup-unknown "$err" '^umws: note: the server does not know that CallId'
expect hangup-unknown-json 0 u --json hangup bm8gc3VjaCBjYWxs
has hangup-unknown-json "$out" '"hung_up":true'

# Faults, with the server's exception in JSON.
expect refused 7 u --json play AAAA --dial 009999
has refused "$out" '"exception":"DialingRulesException"'
expect bad-number 7 u play AAAA --dial 'call <me>'
has bad-number "$err" 'InvalidPhoneNumberException'
has bad-number "$err" 'check the --dial number'
expect bad-entry 7 u play 'not base64!' --dial 4200
has bad-entry "$err" 'check ENTRY_ID'

# Hints name what the command was given, not another command's argument.
expect folder-hint 7 u set-folder BADID
has folder-hint "$err" 'check FOLDER_ID'
hasnt folder-hint "$err" 'ENTRY_ID'
expect dial-string-hint 7 u set-dial-string '<x/>'
has dial-string-hint "$err" 'check NUMBER'
hasnt dial-string-hint "$err" '--dial'
expect cert-no-key 4 u --cert "$(dirname "$ca")/server.pem" enabled
has cert-no-key "$err" 'pass --key FILE'
hasnt cert-no-key "$err" "server's CA"
for scheme in none basic; do
	expect "auth-$scheme" 3 u --auth "$scheme" enabled
	has "auth-$scheme" "$err" 'another --auth, e.g. ntlm'
	hasnt "auth-$scheme" "$err" 'user format'
done
expect unknown-call 7 u --json status bm8gc3VjaCBjYWxs
has unknown-call "$out" '"exception":"InvalidCallIdException"'

# Authentication, TLS, network and usage errors.
expect wrong-password 3 env UMWS_PASSWORD=wrong-pass "$umws" \
	--cacert "$ca" enabled
has wrong-password "$err" 'DOMAIN\\user or user@domain'
expect wrong-password-json 3 env UMWS_PASSWORD=wrong-pass "$umws" \
	--cacert "$ca" --json enabled
has wrong-password-json "$out" '"kind":"auth"'
expect unknown-ca 4 "$umws" enabled
has unknown-ca "$err" '--cacert'
expect wrong-host 4 "$umws" --cacert "$ca" --url "$wrong_url" enabled
expect refused-port 5 u --url https://127.0.0.1:1/EWS/x enabled
expect no-command 2 u
has no-command "$err" "^umws: try 'umws --help'$"
hasnt no-command "$err" '^try'
expect bad-auth 2 u --auth kerberos enabled
expect bad-state 2 u wait "$id" --until Ringing
expect no-password-flag 2 u --password secret enabled
expect http-refused 2 u --url "${url/https:/http:}" enabled
expect upn 0 env UMWS_USER=alice@EXAMPLE "$umws" --cacert "$ca" enabled
expect long-user 2 u --user "$(head -c 100000 /dev/zero | tr '\0' a)" enabled
has long-user "$err" 'user is longer than 1024 bytes'
expect help 0 u --help
has help "$out" 'before the command: the limit of each request'
has help "$out" "After 'play --wait'"
has help "$out" 'by SIGHUP exits 129, by SIGINT or SIGTERM 130'

# Text reaches the terminal without C0, C1 or bidi controls or invalid
# UTF-8 (here through an error message); JSON escapes them instead.
weird=$'\x01a\xc2\x85b\xe2\x80\xaec\xe2\x81\xa6d\xffe\xc3\xa9'
expect control-text 2 u "$weird"
has control-text "$err" "unknown command '\?a\?b\?c\?d\?e"$'\xc3\xa9'"'"
expect control-json 2 u --json "$weird"
has control-json "$out" '\\u0001a\\u0085b\\u202ec\\u2066d\\ufffde'

# A reader that leaves early: exit 141 quietly, as SIGPIPE would.
u props 2>"$tmp/pipe0.err" | true
rc=${PIPESTATUS[0]}
checks=$((checks + 1))
[ "$rc" -eq 141 ] || fail "closed-stdout: expected exit 141, got $rc"
hasnt closed-stdout "$(cat "$tmp/pipe0.err")" .

# Secrets: -vv shows the exchange but never the password or NTLM tokens.
printf '%s\n' "$UMWS_TEST_PASSWORD" >"$tmp/pw"
expect verbose 0 env -u UMWS_PASSWORD "$umws" --cacert "$ca" \
	--password-file "$tmp/pw" -vv enabled
has verbose "$err" 'Authorization: NTLM \[redacted\]'
hasnt verbose "$err" "$UMWS_TEST_PASSWORD"
hasnt verbose "$err" 'TlRMTVNTUAA[BD]'

# Password edge cases: refused before anything is sent, since a failed
# login counts toward the account's lockout.
pw() { env -u UMWS_PASSWORD "$umws" --cacert "$ca" --password-file "$@"; }
: >"$tmp/pw-empty"
printf '\n' >"$tmp/pw-newline"
printf '%s\0x\n' "$UMWS_TEST_PASSWORD" >"$tmp/pw-nul"
printf '\xef\xbb\xbf%s\r\n' "$UMWS_TEST_PASSWORD" >"$tmp/pw-bom"
expect pw-empty 2 pw "$tmp/pw-empty" enabled
has pw-empty "$err" 'is empty'
expect pw-newline 2 pw "$tmp/pw-newline" enabled
has pw-newline "$err" 'is empty'
expect pw-nul 2 pw "$tmp/pw-nul" enabled
has pw-nul "$err" 'NUL byte'
expect pw-bom 0 pw "$tmp/pw-bom" enabled
expect pw-env-empty 2 env UMWS_PASSWORD= "$umws" --cacert "$ca" enabled \
	</dev/null
has pw-env-empty "$err" 'no password'

# A server of our own: calls ring 5 s and play 60 s, and it can be
# stopped (SIGSTOP) to make requests time out.
pki=$(dirname "$ca")
printf 'EXAMPLE:alice:%s\n' "$UMWS_TEST_PASSWORD" >"$tmp/slow.users"
"${B:-build}/umws-server" --listen 127.0.0.1:0 --port-file "$tmp/slow.port" \
	--cert "$pki/server.pem" --key "$pki/server.key" \
	--users "$tmp/slow.users" --ring-seconds 5 --message-seconds 60 \
	--max-seconds 300 2>"$tmp/slow.log" &
slow_pid=$!
for _ in $(seq 100); do
	[ -s "$tmp/slow.port" ] && break
	sleep 0.1
done
slow_url="https://localhost:$(cat "$tmp/slow.port")/EWS/UM2007Legacy.asmx"
# (run in the background without it: a function would be a subshell,
# and a signal sent to $! would not reach umws)
s() { env UMWS_URL="$slow_url" "$umws" --cacert "$ca" "$@"; }

# wait_line FILE: until FILE has a progress line (the call is followed)
wait_line() {
	for _ in $(seq 200); do
		grep -q 's  ' "$1" && return 0
		sleep 0.1
	done
	return 1
}

expect in-progress-first 0 s play AAAA --dial 4200
first=$out
expect in-progress 7 s play AAAA --dial 4200
has in-progress "$err" "still active: end it with 'umws hangup CALL_ID'"
expect in-progress-hangup 0 s hangup "$first"

# --wait | head -1: the first write after head left fails; hang up, 141.
s play AAAA --dial 4200 --wait --timeout 60 2>"$tmp/pipe.err" |
	head -n 1 >"$tmp/pipe.id"
rc=${PIPESTATUS[0]}
checks=$((checks + 1))
[ "$rc" -eq 141 ] || fail "sigpipe: expected exit 141, got $rc"
has sigpipe "$(cat "$tmp/pipe.err")" 'standard output was closed; hung up'
expect sigpipe-hung-up 0 s status "$(cat "$tmp/pipe.id")"
has sigpipe-hung-up "$out" '^Disconnected None$'

# SIGHUP (the terminal closed) hangs up too, exit 129.
UMWS_URL=$slow_url "$umws" --cacert "$ca" play AAAA --dial 4200 --wait \
	--timeout 60 >"$tmp/hup.out" 2>"$tmp/hup.err" &
pid=$!
wait_line "$tmp/hup.out"
kill -HUP "$pid"
wait "$pid"
rc=$?
checks=$((checks + 1))
[ "$rc" -eq 129 ] || fail "sighup: expected exit 129, got $rc"
has sighup "$(cat "$tmp/hup.err")" 'SIGHUP\); hung up the call'
expect sighup-hung-up 0 s status "$(head -n 1 "$tmp/hup.out")"
has sighup-hung-up "$out" '^Disconnected None$'

# A request that times out during a wait is reported as that, not as the
# wait deadline, and the hang-up is still tried (here it times out too,
# so the CLI says how to end the call by hand).
UMWS_URL=$slow_url "$umws" --cacert "$ca" --timeout 3 play AAAA \
	--dial 4200 --wait --timeout 60 >"$tmp/stall.out" 2>"$tmp/stall.err" &
pid=$!
wait_line "$tmp/stall.out"
kill -STOP "$slow_pid"
wait "$pid"
rc=$?
kill -CONT "$slow_pid"
checks=$((checks + 1))
[ "$rc" -eq 5 ] || fail "request-timeout: expected exit 5, got $rc"
stall_id=$(head -n 1 "$tmp/stall.out")
stall_err=$(cat "$tmp/stall.err")
has request-timeout "$stall_err" '^umws: .*time.*; hang-up failed'
hasnt request-timeout "$stall_err" 'deadline'
has request-timeout "$stall_err" "end it with 'umws hangup [^']+'"
expect request-timeout-hangup 0 s hangup "$stall_id"

echo "cli: $checks checks, $failed failed"
[ $failed -eq 0 ]
