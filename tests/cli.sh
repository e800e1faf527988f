#!/usr/bin/env bash
# The umws CLI against umws-server over TLS and NTLMv2: results, JSON,
# exit codes, the lifecycle across processes, signals, secrets.
#
# usage: cli.sh UMWS URL CA_FILE WRONG_HOST_URL
# The user is EXAMPLE\alice; the password comes from UMWS_TEST_PASSWORD.
set -u
umws=$1
url=$2
ca=$3
wrong_url=$4
tmp=$(mktemp -d /tmp/umws-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
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
expect hangup-again 0 u hangup "$id"
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
dl_id=$(echo "$out" | head -n 1)
expect deadline-hung-up 0 u status "$dl_id"
has deadline-hung-up "$out" '^Disconnected'

# Faults, with the server's exception in JSON.
expect refused 7 u --json play AAAA --dial 009999
has refused "$out" '"exception":"DialingRulesException"'
expect bad-number 7 u play AAAA --dial 'call <me>'
has bad-number "$err" 'InvalidPhoneNumberException'
expect bad-entry 7 u play 'not base64!' --dial 4200
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
expect bad-auth 2 u --auth kerberos enabled
expect bad-state 2 u wait "$id" --until Ringing
expect no-password-flag 2 u --password secret enabled
expect http-refused 2 u --url "${url/https:/http:}" enabled
expect upn 0 env UMWS_USER=alice@EXAMPLE "$umws" --cacert "$ca" enabled

# Secrets: -vv shows the exchange but never the password or NTLM tokens.
printf '%s\n' "$UMWS_TEST_PASSWORD" >"$tmp/pw"
expect verbose 0 env -u UMWS_PASSWORD "$umws" --cacert "$ca" \
	--password-file "$tmp/pw" -vv enabled
has verbose "$err" 'Authorization: NTLM \[redacted\]'
hasnt verbose "$err" "$UMWS_TEST_PASSWORD"
hasnt verbose "$err" 'TlRMTVNTUAA[BD]'

echo "cli: $checks checks, $failed failed"
[ $failed -eq 0 ]
