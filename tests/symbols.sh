#!/usr/bin/env bash
# The shared library's ABI surface: its dynamic symbols are exactly the
# functions src/umws.h declares, and the one version in umws.h reaches
# every place that shows it (soname, umws_version(), umws --version,
# umws.pc). gSOAP or libcurl symbols leaking out would let a program's
# own copy of them bind to ours.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAILED: $*"
	failed=$((failed + 1))
}

# Preprocessed first, as a compiler sees it: comments name functions
# too. A function pointer typedef reads "(*umws_x)(", which the "name("
# pattern skips.
"$CC" -E -P src/umws.h >"$tmp/header.i" ||
	{ echo "symbols: cannot read src/umws.h"; exit 1; }
grep -oE '\bumws_[a-z0-9_]+[[:space:]]*\(' "$tmp/header.i" |
	sed 's/[[:space:]]*($//' | sort -u >"$tmp/declared"
nm -D --defined-only "$B/libumws.so" | awk '{ print $NF }' |
	sed 's/@.*//' | sort -u >"$tmp/exported"

echo "== $(wc -l <"$tmp/declared") functions declared," \
	"$(wc -l <"$tmp/exported") symbols exported"
[ -s "$tmp/declared" ] || fail "no function found in src/umws.h"
missing=$(comm -23 "$tmp/declared" "$tmp/exported" | tr "\n" " ")
extra=$(comm -13 "$tmp/declared" "$tmp/exported" | tr "\n" " ")
[ -z "$missing" ] || fail "declared but not exported: $missing"
[ -z "$extra" ] || fail "exported but not declared: $extra"

echo "== one version everywhere"
h() { sed -n "s/^#define UMWS_VERSION$1 \"\{0,1\}\([0-9.]*\)\"\{0,1\}$/\1/p" \
	src/umws.h; }
version=$(h "")
triple="$(h _MAJOR).$(h _MINOR).$(h _PATCH)"
[ -n "$version" ] || fail "no UMWS_VERSION in src/umws.h"
[ "$triple" = "$version" ] ||
	fail "UMWS_VERSION $version, but the numbers say $triple"

soname=$(readelf -d "$B/libumws.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libumws.so.$(h _MAJOR)" ] ||
	fail "soname: expected libumws.so.$(h _MAJOR), got '$soname'"
[ -f "$B/libumws.so.$version" ] ||
	fail "expected the file $B/libumws.so.$version"

# umws_version() of the shared library, not of the static one the CLI has
printf '%s\n' '#include <stdio.h>' '#include "umws.h"' \
	'int main(void) { puts(umws_version()); return 0; }' >"$tmp/v.c"
if "$CC" -Isrc -o "$tmp/v" "$tmp/v.c" -L"$B" -lumws; then
	got=$(LD_LIBRARY_PATH=$B "$tmp/v")
	[ "$got" = "$version" ] ||
		fail "umws_version(): expected $version, got '$got'"
else
	fail "cannot link a program against $B/libumws.so"
fi

got=$("$B/umws" --version)
[ "$got" = "umws $version (libumws $version)" ] ||
	fail "umws --version: expected the version $version, got '$got'"

got=$(sed -n 's/^Version: //p' "$B/umws.pc")
[ "$got" = "$version" ] ||
	fail "umws.pc: expected Version: $version, got '$got'"

if [ $failed -ne 0 ]; then
	echo "symbols: $failed check(s) failed"
	exit 1
fi
echo "symbols: exports match src/umws.h; version $version everywhere"
