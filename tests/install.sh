#!/usr/bin/env bash
# make install into a staging DESTDIR, as a Debian package build does;
# the examples built with nothing but pkg-config against the staged
# library and run against umws-server on loopback (TLS + NTLMv2); then
# make uninstall must leave no file behind.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
MAKE=${MAKE:-make}
CC=${CC:-cc}
tmp=$(mktemp -d)
root=$tmp/root
server=
failed=0

cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server"
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAILED: $*"
	failed=$((failed + 1))
}

# expect NAME PATTERN CMD...: CMD succeeds and prints a PATTERN line
expect() {
	local name=$1 pattern=$2 out
	shift 2
	echo "== $name"
	out=$("$@" 2>&1)
	status=$?
	if [ $status -ne 0 ]; then
		fail "$name: exit status $status: $out"
	elif ! grep -qE "$pattern" <<<"$out"; then
		fail "$name: expected a line matching '$pattern', got: $out"
	fi
	printf '%s\n' "$out" | sed 's/^/   /'
	last=$out
}

echo "== make install DESTDIR=\$tmp PREFIX=/usr"
$MAKE -s install B="$B" DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" \
	2>&1 || { cat "$tmp/install.log"; echo "install: make install failed"
	exit 1; }
(cd "$root" && find . \( -type f -o -type l \) | sort) >"$tmp/files"
for f in usr/bin/umws usr/bin/umws-server usr/lib/libumws.a \
	usr/lib/libumws.so usr/lib/libumws.so.0 usr/include/umws.h \
	usr/lib/pkgconfig/umws.pc usr/share/man/man1/umws.1 \
	usr/share/man/man1/umws-server.1 usr/share/man/man3/umws.3; do
	grep -qx "./$f" "$tmp/files" || fail "not installed: /$f"
done
[ "$(readlink "$root/usr/lib/libumws.so.0")" = \
	"$(basename "$B"/libumws.so.0.*)" ] ||
	fail "libumws.so.0 does not point at the versioned library"

# pkg-config finds the staged umws.pc and puts the DESTDIR in front of
# its paths; pkgconf would drop -I/usr/include as a system directory.
export PKG_CONFIG_PATH=$root/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
export LD_LIBRARY_PATH=$root/usr/lib
flags=$(pkg-config --cflags --libs umws) || fail "pkg-config umws"
echo "== pkg-config --cflags --libs umws: $flags"
for ex in place_call resume_call properties; do
	"$CC" -Wall -Wextra -Werror -o "$tmp/$ex" "examples/$ex.c" $flags ||
		fail "examples/$ex.c does not build"
done
readelf -d "$tmp/place_call" | grep -q 'NEEDED.*\[libumws\.so\.0\]' ||
	fail "place_call is not linked against libumws.so.0"

# The static library needs gSOAP and libcurl, which --static adds. A
# full --static link would also want static archives of everything
# libcurl was built with; so libumws.a is linked with a shared libcurl:
# what umws.pc adds for --static, less libcurl's own private libraries.
static=$(pkg-config --static --libs umws)
curl_private=$(comm -23 \
	<(pkg-config --static --libs libcurl | tr ' ' '\n' | sort -u) \
	<(pkg-config --libs libcurl | tr ' ' '\n' | sort -u))
static=$(tr ' ' '\n' <<<"$static" | grep -vxF -- "$curl_private" |
	sed 's/^-lumws$/-l:libumws.a/' | tr '\n' ' ')
echo "== static: $static"
"$CC" -o "$tmp/static" examples/properties.c $(pkg-config --cflags umws) \
	$static || fail "examples/properties.c does not link statically"
! readelf -d "$tmp/static" 2>/dev/null | grep -q 'NEEDED.*libumws' ||
	fail "the static build still needs libumws.so"

bash tests/mkcerts.sh "$tmp/pki" || exit 1
export UMWS_PASSWORD=Inst4ll-pass
echo "EXAMPLE:alice:$UMWS_PASSWORD" >"$tmp/users"
"$root/usr/bin/umws-server" --listen 127.0.0.1:0 --port-file "$tmp/port" \
	--cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key" \
	--users "$tmp/users" --time-scale 0.05 --max-seconds 120 \
	2>"$tmp/server.log" &
server=$!
for _ in $(seq 100); do
	[ -s "$tmp/port" ] && break
	sleep 0.1
done
[ -s "$tmp/port" ] || { cat "$tmp/server.log"; echo "no server"; exit 1; }
url="https://localhost:$(cat "$tmp/port")/EWS/UM2007Legacy.asmx"
ca=$tmp/pki/ca.pem
user='EXAMPLE\alice'
entry=AAAAAJx2S1rL0QxNp3vFj2yq8EYHAKb4lZ0x9m1Hn3rQ2x7pT1wAAA==

expect "place_call follows a call to its end" \
	'^ended Disconnected, cause None$' \
	"$tmp/place_call" "$url" "$ca" "$user" "$entry" '+1 425 555 0142'
expect "place_call sees a busy line" '\(not answered\)$' \
	"$tmp/place_call" "$url" "$ca" "$user" "$entry" '+1 425 555 0001'

# A call placed by the installed CLI, resumed and hung up by the example
umws() { "$root/usr/bin/umws" --url "$url" --cacert "$ca" --user "$user" \
	"$@"; }
id=$(umws play "$entry" --dial '+1 425 555 0142') || fail "umws play"
expect "resume_call hangs up a stored CallId" \
	'^after hanging up: Disconnected' \
	"$tmp/resume_call" "$url" "$ca" "$user" "$id"
expect "umws status after the hang-up" '^Disconnected' umws status "$id"

expect "properties reads the settings" '^default dial string: ' \
	"$tmp/properties" "$url" "$ca" "$user"
oof=$(sed -n 's/^out of office: *//p' <<<"$last")
expect "properties changes them" '^default dial string: +\+1 425 555 0199$' \
	"$tmp/properties" "$url" "$ca" "$user" '+1 425 555 0199'
[ "$(sed -n 's/^out of office: *//p' <<<"$last" | tail -1)" != "$oof" ] ||
	fail "properties did not flip out of office"
expect "static properties" '^default dial string: ' \
	"$tmp/static" "$url" "$ca" "$user"

if UMWS_PASSWORD=wrong "$tmp/properties" "$url" "$ca" "$user" \
	>/dev/null 2>"$tmp/err"; then
	fail "a wrong password was accepted"
fi
grep -q '^properties: IsUMEnabled: ' "$tmp/err" ||
	fail "no error message for a wrong password: $(cat "$tmp/err")"

echo "== make uninstall DESTDIR=\$tmp PREFIX=/usr"
$MAKE -s uninstall B="$B" DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" \
	2>&1 || { cat "$tmp/install.log"; fail "make uninstall"; }
left=$(cd "$root" && find . \( -type f -o -type l \))
[ -z "$left" ] || fail "left behind by uninstall: $left"

if [ $failed -ne 0 ]; then
	echo "install: $failed check(s) failed"
	exit 1
fi
echo "install: installed, linked, ran and uninstalled cleanly"
