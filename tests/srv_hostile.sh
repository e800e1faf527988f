#!/bin/bash
# umws-server against hostile and careless peers: startup mistakes, idle
# and slow connections, malformed and oversized XML, wrong paths, a
# forged NTLM MIC. Peers are curl and tests/srv_hostile.py.
# Usage: B=build PYTHON=/usr/bin/python3 bash tests/srv_hostile.sh
set -u

. tests/shlib.sh
HOSTILE=tests/srv_hostile.py
ALICE='EXAMPLE\alice:Secret1'
srv_init srv_hostile

# name low high value: low <= value <= high, decimals allowed
expect_between() {
	if awk -v a="$2" -v b="$3" -v v="$4" \
		'BEGIN { exit !(v != "" && v + 0 >= a && v + 0 <= b) }'; then
		pass "$1 ($4)"
	else
		fail "$1" "between $2 and $3" "$4"
	fi
}

# post PORT PATH BODYFILE: POST like a UM client with NTLM; prints
# "STATUS SECONDS", the body lands in $tmp/body.
post() {
	curl -s -o "$tmp/body" -w '%{http_code} %{time_total}' \
		--max-time 10 --cacert "$tmp/ca.pem" --ntlm -u "$ALICE" \
		-H 'Content-Type: text/xml; charset=utf-8' \
		-H "SOAPAction: \"$NS/IsUMEnabled\"" \
		--data-binary @"$3" "https://127.0.0.1:$1$2"
}

status() { post "$@" | cut -d' ' -f1; }

# ---- 5. startup mistakes stop the server with one clear line --------

# refuse NAME NEEDLE OPTIONS...: exit 2, one line on stderr with NEEDLE
refuse() {
	local name=$1 needle=$2 rc

	shift 2
	"$SERVER" --listen 127.0.0.1:0 --max-seconds 5 "$@" \
		2>"$tmp/start.err" >/dev/null
	rc=$?
	expect "startup, $name: exit status" 2 "$rc"
	expect "startup, $name: lines on stderr" 1 \
		"$(wc -l <"$tmp/start.err")"
	expect_in "startup, $name: says why" "$needle" "$tmp/start.err"
	if grep -q stopping "$tmp/start.err"; then
		fail "startup, $name: log" "no 'stopping'" \
			"$(cat "$tmp/start.err")"
	fi
}

test_startup() {
	: >"$tmp/empty"
	printf '# nobody yet\n\n' >"$tmp/comments"
	printf 'EXAMPLE:alice:a\nexample:ALICE:b\n' >"$tmp/twice"
	printf 'EXAMPLE:alice:a\nEXAMPLE-bob\n' >"$tmp/badline"
	refuse "--users is a directory" "not a regular file" \
		--users /tmp
	refuse "empty users file" "lists no user" --users "$tmp/empty"
	refuse "users file of comments" "lists no user" \
		--users "$tmp/comments"
	refuse "a user listed twice" "line 2: user listed twice" \
		--users "$tmp/twice"
	refuse "a malformed line" "line 2: expected DOMAIN:user:password" \
		--users "$tmp/badline"
	refuse "unwritable --port-file" \
		"cannot write port file $tmp/no/port: No such file" \
		--users "$tmp/users" --port-file "$tmp/no/port"
	refuse "unwritable --stats-file" "cannot write stats file" \
		--users "$tmp/users" --stats-file "$tmp/no/stats"
	refuse "missing certificate" "cannot use certificate" \
		--users "$tmp/users" --cert "$tmp/none.pem" \
		--key "$tmp/server.key"
	refuse "--max-connections 0" "not a valid number" \
		--users "$tmp/users" --max-connections 0
}

# ---- 6. only the service paths ----------------------------------------

test_paths() {
	local f=$FIX/IsUMEnabled.request.xml

	expect "POST /EWS/UM2007Legacy.asmx" 200 \
		"$(status "$A" /EWS/UM2007Legacy.asmx "$f")"
	expect "POST /ews/um2007legacy.asmx (case as IIS ignores it)" 200 \
		"$(status "$A" /ews/um2007legacy.asmx "$f")"
	expect "POST /UnifiedMessaging/Service.asmx (Exchange 2007)" 200 \
		"$(status "$A" /UnifiedMessaging/Service.asmx "$f")"
	expect "POST /EWS/UM2007Legacy.asmx?x=1 (query ignored)" 200 \
		"$(status "$A" '/EWS/UM2007Legacy.asmx?x=1' "$f")"
	expect "POST /anything-else" 404 "$(status "$A" /anything-else "$f")"
	expect "POST /EWS/UM2007Legacy.asmx/extra" 404 \
		"$(status "$A" /EWS/UM2007Legacy.asmx/extra "$f")"
	expect "GET /nothing-here" 404 "$(curl -s -o /dev/null \
		-w '%{http_code}' --cacert "$tmp/ca.pem" \
		"https://127.0.0.1:$A/nothing-here")"
	expect "GET /stats still served" 200 "$(curl -s -o /dev/null \
		-w '%{http_code}' --cacert "$tmp/ca.pem" \
		"https://127.0.0.1:$A/stats")"
}

# ---- 2. bodies gSOAP would misread are refused -------------------------

# dial_body FILE DIAL-STRING [PROLOGUE]: SetPlayOnPhoneDialString
dial_body() {
	local env=http://schemas.xmlsoap.org/soap/envelope/
	local op=SetPlayOnPhoneDialString

	{
		printf '%s' "${3-<?xml version=\"1.0\" encoding=\"utf-8\"?>}"
		printf '<soap:Envelope xmlns:soap="%s"><soap:Body>' "$env"
		printf '<%s xmlns="%s"><dialString>%s</dialString></%s>' \
			"$op" "$NS" "$2" "$op"
		printf '</soap:Body></soap:Envelope>'
	} >"$1"
}

# invalid NAME FILE: 500 with ErrorInvalidRequest
invalid() {
	expect "$1: status" 500 "$(status "$A" /EWS/UM2007Legacy.asmx "$2")"
	expect_in "$1: ErrorInvalidRequest" ErrorInvalidRequest "$tmp/body"
}

test_xml() {
	local u=/EWS/UM2007Legacy.asmx

	dial_body "$tmp/good.xml" '+14255550142'
	expect "dial string +14255550142 stored" 200 \
		"$(status "$A" $u "$tmp/good.xml")"
	dial_body "$tmp/nul.xml" '1&#0;2'
	invalid "dial string 1&#0;2 (gSOAP would store 1)" "$tmp/nul.xml"
	dial_body "$tmp/empty-ref.xml" '1&#;2'
	invalid "empty character reference &#;" "$tmp/empty-ref.xml"
	dial_body "$tmp/entity.xml" '1&nothing;2'
	invalid "undefined entity (gSOAP would drop it)" "$tmp/entity.xml"
	dial_body "$tmp/utf8.xml" "$(printf '1\xff\xfe2')"
	invalid "invalid UTF-8" "$tmp/utf8.xml"
	dial_body "$tmp/surrogate.xml" '1&#xD800;2'
	invalid "a surrogate code point" "$tmp/surrogate.xml"
	dial_body "$tmp/latin1.xml" "$(printf '1\xe92')" \
		'<?xml version="1.0" encoding="ISO-8859-1"?>'
	invalid "a body declared ISO-8859-1" "$tmp/latin1.xml"
	dial_body "$tmp/doctype.xml" '&d;' \
		'<!DOCTYPE soap:Envelope [<!ENTITY d "5550100">]>'
	invalid "a DOCTYPE (SOAP forbids it)" "$tmp/doctype.xml"
	: >"$tmp/nothing.xml"
	invalid "an empty body" "$tmp/nothing.xml"
	post "$A" $u "$FIX/GetUMProperties.request.xml" >/dev/null
	expect_in "the refused dial strings changed nothing" \
		'PlayOnPhoneDialString>+14255550142<' "$tmp/body"
	if grep -Eq 'parser error|encoding error|Entity: line|I/O error' \
		"$tmp/A.log"; then
		fail "libxml2 prints nothing" "a quiet log" \
			"$(grep -E 'parser error|encoding error' "$tmp/A.log")"
	else
		pass "libxml2 prints nothing in the server's log"
	fi
}

# ---- 3. 64 KiB cap; a body full of attributes is cheap ------------------

# fill FILE KIND SIZE: an IsUMEnabled request of SIZE bytes stuffed with
# one element's attributes (attrs), elements with attributes (elems),
# bare elements (bare) or spaces (spaces).
fill() {
	"$PYTHON" - "$@" <<-'EOF'
	import sys
	path, kind, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
	head = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:'
	        'soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
	        '<IsUMEnabled xmlns="http://schemas.microsoft.com/exchange/'
	        'services/2006/messages"')
	tail = '</IsUMEnabled></soap:Body></soap:Envelope>'
	unit = {"attrs": ' a%d=""', "elems": '<x b%d="" c%d=""/>',
	        "bare": "<x/>", "spaces": " "}[kind]
	parts, n = [], len(head) + 1 + len(tail)
	i = 0
	while True:
	    u = unit.replace("%d", str(i))
	    if n + len(u) > size:
	        break
	    parts.append(u)
	    n += len(u)
	    i += 1
	if kind == "attrs":
	    body = head + "".join(parts) + ">" + tail
	else:
	    body = head + ">" + "".join(parts) + tail
	body += " " * (size - len(body))
	open(path, "w").write(body)
	EOF
}

# costs NAME FILE STATUS: answered with STATUS in well under a second
costs() {
	local got

	got=$(post "$A" /EWS/UM2007Legacy.asmx "$2")
	expect "$1: status" "$3" "${got% *}"
	expect_between "$1: seconds" 0 0.9 "${got#* }"
}

test_size() {
	local max=65536

	fill "$tmp/attrs.xml" attrs $max
	costs "64 KiB, one element of ~9000 attributes" "$tmp/attrs.xml" 500
	expect_in "attributes: ErrorInvalidRequest" ErrorInvalidRequest \
		"$tmp/body"
	fill "$tmp/elems.xml" elems $max
	costs "64 KiB of elements with distinct attributes" \
		"$tmp/elems.xml" 500
	fill "$tmp/bare.xml" bare $max
	costs "64 KiB of bare elements" "$tmp/bare.xml" 200
	fill "$tmp/spaces.xml" spaces $max
	costs "a request of exactly 64 KiB" "$tmp/spaces.xml" 200
	fill "$tmp/over.xml" spaces $((max + 1))
	expect "a request of 64 KiB + 1 byte" 413 \
		"$(status "$A" /EWS/UM2007Legacy.asmx "$tmp/over.xml")"
}

# ---- 4. NTLM MIC as python's ntlm-auth sends it ------------------------

test_mic() {
	local got

	got=$("$PYTHON" "$HOSTILE" ntlm 127.0.0.1 "$A" "$tmp/ca.pem" \
		EXAMPLE alice Secret1 keep 2>&1)
	expect "ntlm-auth with its MIC (KEY_EXCH)" "mic=yes 200" "$got"
	got=$("$PYTHON" "$HOSTILE" ntlm 127.0.0.1 "$A" "$tmp/ca.pem" \
		EXAMPLE alice Secret1 flip-mic 2>&1)
	expect "ntlm-auth with one MIC bit flipped" "mic=yes 401" "$got"
}

# ---- 1. idle and slow peers do not shut clients out --------------------

# 40 idle sockets and 32 slowloris TLS connections on a server with the
# default limits: a normal client is served at once.
test_flood() {
	local got fpid

	"$PYTHON" "$HOSTILE" flood 127.0.0.1 "$A" "$tmp/ca.pem" 40 32 1 2 \
		>"$tmp/flood.out" 2>&1 &
	fpid=$!
	for _ in $(seq 40); do
		grep -q connected "$tmp/flood.out" && break
		sleep 0.1
	done
	expect_in "40 idle sockets opened" "connected 40/40" \
		"$tmp/flood.out"
	sleep 0.5
	got=$(post "$A" /EWS/UM2007Legacy.asmx \
		"$FIX/IsUMEnabled.request.xml")
	expect "under 40 idle + 32 slowloris: a normal client" 200 \
		"${got% *}"
	expect_between "under 40 idle + 32 slowloris: its seconds" 0 3 \
		"${got#* }"
	wait "$fpid"
}

# --max-connections 4 --idle-timeout 1 --request-timeout 2
test_limits() {
	local got fpid headers=$tmp/headers

	"$PYTHON" "$HOSTILE" flood 127.0.0.1 "$L" "$tmp/ca.pem" 4 0 1 1.8 \
		>"$tmp/full.out" 2>&1 &
	fpid=$!
	sleep 0.5
	got=$(curl -s -o /dev/null -D "$headers" --max-time 5 \
		-w '%{http_code} %{time_total}' --cacert "$tmp/ca.pem" \
		--ntlm -u "$ALICE" --data-binary \
		@"$FIX/IsUMEnabled.request.xml" \
		"https://127.0.0.1:$L/EWS/UM2007Legacy.asmx")
	expect "all 4 slots held by idle sockets: a client gets" 503 \
		"${got% *}"
	expect_between "the 503 comes at once: seconds" 0 1 "${got#* }"
	expect_in "the 503 says when to retry" "Retry-After: 1" "$headers"
	sleep 1.2
	expect "after --idle-timeout 1 the idle sockets are gone: status" \
		200 "$(status "$L" /EWS/UM2007Legacy.asmx \
		"$FIX/IsUMEnabled.request.xml")"
	wait "$fpid"
	"$PYTHON" "$HOSTILE" flood 127.0.0.1 "$L" "$tmp/ca.pem" 0 3 0.5 5 \
		>"$tmp/slow.out" 2>&1 &
	fpid=$!
	sleep 0.5
	expect "beside 3 slowloris connections: a client" 200 \
		"$(status "$L" /EWS/UM2007Legacy.asmx \
		"$FIX/IsUMEnabled.request.xml")"
	wait "$fpid"
	for got in $(sed -n 's/^slow //p' "$tmp/slow.out"); do
		expect_between "a header line every 0.5 s is cut off after" \
			1.5 3.5 "$got"
	done
	expect_in "cut requests are logged" "request cut off" \
		"$tmp/L.log"
	got=$("$PYTHON" "$HOSTILE" idle-close 127.0.0.1 "$L" \
		"$tmp/ca.pem" 2>&1)
	expect_between "a silent TLS connection is closed after" 0.5 2.5 \
		"$got"
}

test_stop() {
	local p rc

	for p in "${pids[@]}"; do
		kill -TERM "$p"
		wait "$p"
		rc=$?
		expect "server exits cleanly on SIGTERM" 0 "$rc"
	done
	pids=()
	if grep -Eq 'Sanitizer|runtime error' "$tmp"/*.log; then
		fail "sanitizers" "no report" \
			"$(grep -E -A5 'Sanitizer|runtime error' "$tmp"/*.log)"
	fi
}

printf 'EXAMPLE:alice:Secret1\n' >"$tmp/users"
test_startup
if ! start_server A || ! A=$port || ! start_server L \
	--max-connections 4 --idle-timeout 1 --request-timeout 2 ||
	! L=$port; then
	echo "srv_hostile: servers did not start:" >&2
	cat "$tmp"/*.log >&2
	exit 1
fi
test_paths
test_xml
test_size
test_mic
test_flood
test_limits
test_stop
if [ "$failures" -ne 0 ]; then
	echo "srv_hostile: $failures check(s) failed; server logs:"
	tail -n 40 "$tmp"/*.log
	exit 1
fi
echo "srv_hostile: all checks passed"
