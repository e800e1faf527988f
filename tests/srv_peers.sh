#!/bin/bash
# umws-server against real peers: libcurl (curl --ntlm) and python3-zeep
# with requests_ntlm, over TLS with the throwaway CA of tests/mkcerts.sh.
# Usage: B=build PYTHON=/usr/bin/python3 bash tests/srv_peers.sh
set -u

. tests/shlib.sh
srv_init srv_peers

# soap OP BODYFILE CREDENTIALS: POST like a UM client; prints the status.
soap() {
	curl -s -o "$tmp/body" -w '%{http_code}' --cacert "$tmp/ca.pem" \
		--ntlm -u "$3" -H 'Content-Type: text/xml; charset=utf-8' \
		-H "SOAPAction: \"$NS/$1\"" --data-binary @"$2" "$URL"
}

stats() {
	curl -s --cacert "$tmp/ca.pem" "https://127.0.0.1:$port/stats" |
		sed -n 's/^ntlm_handshakes //p'
}

# call_body OP CALLID: a GetCallInfo/Disconnect request for CALLID.
call_body() {
	sed "s|<CallId>[^<]*</CallId>|<CallId>$2</CallId>|" \
		"$FIX/$1.request.xml" >"$tmp/$1.xml"
	echo "$tmp/$1.xml"
}

dial_body() {
	sed "s|<DialString>[^<]*</DialString>|<DialString>$1</DialString>|" \
		"$FIX/PlayOnPhone.request.xml" >"$tmp/dial.xml"
	echo "$tmp/dial.xml"
}

ALICE='EXAMPLE\alice:Secret1'

test_curl_ntlm() {
	local code cid

	code=$(soap IsUMEnabled "$FIX/IsUMEnabled.request.xml" "$ALICE")
	expect "curl ntlm DOMAIN\\user: IsUMEnabled status" 200 "$code"
	expect_in "curl ntlm: IsUMEnabled says true" '>true<' "$tmp/body"
	code=$(soap GetUMProperties "$FIX/GetUMProperties.request.xml" \
		'alice@example.test:Secret1')
	expect "curl ntlm user@domain (UPN): GetUMProperties status" 200 \
		"$code"
	expect_in "GetUMProperties has the access numbers" \
		'+14255550100, +14255550101' "$tmp/body"
	code=$(soap PlayOnPhone "$FIX/PlayOnPhone.request.xml" "$ALICE")
	expect "curl ntlm: PlayOnPhone status" 200 "$code"
	cid=$(sed -n 's|.*<um:PlayOnPhoneResponse>\([^<]*\)<.*|\1|p' \
		"$tmp/body")
	expect "CallId decodes to SESSION|FQDN" "um01.example.test" \
		"$(echo "$cid" | base64 -d 2>/dev/null | cut -d'|' -f2)"
	code=$(soap GetCallInfo "$(call_body GetCallInfo "$cid")" "$ALICE")
	expect "curl ntlm: GetCallInfo status" 200 "$code"
	expect_in "GetCallInfo has a CallState" '<um:CallState>' "$tmp/body"
	# The benchmark's client cost depends on it: a response declares
	# only the two namespaces it uses, not the server's whole table.
	expect "GetCallInfo response declares two namespaces" 2 \
		"$(grep -o 'xmlns:[A-Za-z-]*=' "$tmp/body" | wc -l)"
	code=$(soap Disconnect "$(call_body Disconnect "$cid")" "$ALICE")
	expect "curl ntlm: Disconnect status" 200 "$code"
}

test_curl_refusals() {
	local code

	code=$(soap IsUMEnabled "$FIX/IsUMEnabled.request.xml" \
		'EXAMPLE\alice:wrong')
	expect "curl ntlm with a wrong password gets" 401 "$code"
	code=$(soap IsUMEnabled "$FIX/IsUMEnabled.request.xml" \
		'EXAMPLE\bob:Bob-pw2')
	expect_in "disabled user: IsUMEnabled says false" '>false<' \
		"$tmp/body"
	code=$(soap PlayOnPhone "$FIX/PlayOnPhone.request.xml" \
		'EXAMPLE\bob:Bob-pw2')
	expect "disabled user: PlayOnPhone status" 500 "$code"
	expect_in "disabled user: UserNotUmEnabledException" \
		'UserNotUmEnabledException' "$tmp/body"
}

test_curl_faults() {
	local code prefix

	code=$(soap GetCallInfo "$(call_body GetCallInfo '!!')" "$ALICE")
	expect "non-base64 CallId status" 500 "$code"
	expect_in "non-base64 CallId fault" \
		'faultcode>[a-z]*:InvalidCallIdException<' "$tmp/body"
	# A faultcode is a QName: its prefix must be declared.
	prefix=$(sed -n 's|.*<faultcode>\([^:<]*\):.*|\1|p' "$tmp/body")
	expect_in "the faultcode's prefix is declared" \
		"xmlns:$prefix=\"$NS_ERRORS\"" "$tmp/body"
	code=$(soap PlayOnPhone "$(dial_body 0049301234)" "$ALICE")
	expect_in "dial string 00...: DialingRulesException" \
		'DialingRulesException' "$tmp/body"
	code=$(soap PlayOnPhone "$(dial_body 'call me')" "$ALICE")
	expect_in "dial string with letters: InvalidPhoneNumberException" \
		'InvalidPhoneNumberException' "$tmp/body"
	printf '<soap:Envelope xmlns:soap="nonsense"><broken>' \
		>"$tmp/bad.xml"
	code=$(soap GetCallInfo "$tmp/bad.xml" "$ALICE")
	expect "unparsable request status" 500 "$code"
	expect_in "unparsable request: ErrorInvalidRequest" \
		'ErrorInvalidRequest' "$tmp/body"
}

# Three requests on one curl connection must cost one handshake.
test_keep_alive() {
	local before after h='Content-Type: text/xml; charset=utf-8'

	before=$(stats)
	curl -s -o /dev/null --cacert "$tmp/ca.pem" --ntlm -u "$ALICE" \
		-H "$h" --data-binary @"$FIX/IsUMEnabled.request.xml" "$URL" \
		--next -s -o /dev/null --cacert "$tmp/ca.pem" --ntlm \
		-u "$ALICE" -H "$h" \
		--data-binary @"$FIX/GetUMProperties.request.xml" "$URL" \
		--next -s -o /dev/null --cacert "$tmp/ca.pem" --ntlm \
		-u "$ALICE" -H "$h" \
		--data-binary @"$FIX/IsUMEnabled.request.xml" "$URL"
	after=$(stats)
	expect "three requests on one connection: new handshakes" 1 \
		"$((after - before))"
	expect "stats file agrees with GET /stats" "ntlm_handshakes $after" \
		"$(cat "$tmp/stats")"
}

# zeep loads the WSDL; its address is replaced by the test server's.
ZEEP_CLIENT='
import sys, time, requests, zeep
from requests_ntlm import HttpNtlmAuth
from zeep.transports import Transport

wsdl, url, ca, user, password = sys.argv[1:6]
session = requests.Session()
session.trust_env = False
session.verify = ca
session.auth = HttpNtlmAuth(user, password)
client = zeep.Client(wsdl, transport=Transport(session=session))
binding = "{http://schemas.microsoft.com/exchange/services/2006/messages}"
svc = client.create_service(binding + "UMServiceSoap", url)
'

ZEEP_CALLS='
def check(name, want, got):
    print("%s %s" % ("ok  " if want == got else "FAIL", name) +
          ("" if want == got else ": expected %r, got %r" % (want, got)))
    return want == got

def final_state(cid):
    for _ in range(100):
        info = svc.GetCallInfo(CallId=cid)
        if info.CallState == "Disconnected":
            return info.CallState, info.EventCause
        time.sleep(0.05)
    return info.CallState, info.EventCause

ok = check("zeep IsUMEnabled", True, svc.IsUMEnabled())
svc.SetOofStatus(status=True)
svc.SetPlayOnPhoneDialString(dialString="+14255550142")
props = svc.GetUMProperties()
ok &= check("zeep SetOofStatus then GetUMProperties", True,
            props.OofStatus)
ok &= check("zeep dial string kept", "+14255550142",
            props.PlayOnPhoneDialString)
cid = svc.PlayOnPhone(entryId="AAAAAA==", DialString="+1 425 555 0001")
ok &= check("zeep busy number ends UserBusy",
            ("Disconnected", "UserBusy"), final_state(cid))
cid = svc.PlayOnPhoneGreeting(GreetingType="NormalCustom",
                              DialString="4200")
svc.Disconnect(CallId=cid)
ok &= check("zeep Disconnect ends the call with cause None",
            ("Disconnected", "None"), final_state(cid))
try:
    svc.GetCallInfo(CallId="bm90LWEtY2FsbA==")
    ok &= check("zeep unknown CallId faults", "fault", "no fault")
except zeep.exceptions.Fault as f:
    ok &= check("zeep unknown CallId fault code",
                "InvalidCallIdException", f.code.split(":")[-1])
sys.exit(0 if ok else 1)
'

ZEEP_WRONG='
try:
    svc.IsUMEnabled()
    print("FAIL zeep wrong password: expected HTTP 401, got an answer")
    sys.exit(1)
except zeep.exceptions.TransportError as e:
    code = e.status_code
    print(("ok   " if code == 401 else "FAIL ") +
          "zeep wrong password gets HTTP %d" % code)
    sys.exit(0 if code == 401 else 1)
'

test_zeep() {
	local args=(wsdl/um.wsdl "$URL" "$tmp/ca.pem")

	if ! "$PYTHON" -c "$ZEEP_CLIENT$ZEEP_CALLS" "${args[@]}" \
		'EXAMPLE\alice' Secret1; then
		fail "zeep with requests_ntlm" "all calls to pass" \
			"a failure (see above)"
	fi
	if ! "$PYTHON" -c "$ZEEP_CLIENT$ZEEP_WRONG" "${args[@]}" \
		'EXAMPLE\alice' wrong; then
		fail "zeep with a wrong password" "HTTP 401" \
			"something else (see above)"
	fi
}

test_stop() {
	local rc pid=${pids[0]}

	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pids=()
	expect "server exits cleanly on SIGTERM" 0 "$rc"
	expect_in "server logged operations with user names" \
		'user=EXAMPLE\\alice op=PlayOnPhone outcome=ok' \
		"$tmp/server.log"
	if grep -q 'Secret1' "$tmp/server.log"; then
		fail "log holds no password" "no 'Secret1'" "it was logged"
	else
		pass "log holds no password"
	fi
}

printf 'EXAMPLE:alice:Secret1\nEXAMPLE:bob:Bob-pw2:disabled\n' >"$tmp/users"
if ! start_server server --stats-file "$tmp/stats" \
	--fqdn um01.example.test --time-scale 0.05; then
	echo "srv_peers: server did not start:" >&2
	cat "$tmp/server.log" >&2
	exit 1
fi
URL=https://127.0.0.1:$port/EWS/UM2007Legacy.asmx
test_curl_ntlm
test_curl_refusals
test_curl_faults
test_keep_alive
test_zeep
test_stop
if [ "$failures" -ne 0 ]; then
	echo "srv_peers: $failures check(s) failed; server log:"
	cat "$tmp/server.log"
	exit 1
fi
echo "srv_peers: all checks passed"
