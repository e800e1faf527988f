#!/usr/bin/env bash
# gsoap-source.sh [DIR] - fetch Debian's source package of the installed
# gSOAP into DIR (default: third_party/ of this repository) and print
# the absolute path of the directory that holds stdsoap2.c, for
# `make GSOAP_SRC=...`.
#
# apt checks the package against the signed index of the Debian mirror
# this machine already uses; only deb-src entries are added, in a private
# list beside the download, and the system's apt configuration is left
# alone. Needs apt-get and dpkg-source (package dpkg-dev).
set -euo pipefail

say() { echo "gsoap-source: $*" >&2; }
dest=${1:-$(dirname "$0")/../third_party}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# The version soapcpp2 and the headers come from: gen/ was written by it.
status=$(dpkg-query -W -f='${Status} ${Version}' gsoap 2>/dev/null) || :
case $status in
"install ok installed "*) version=${status##* } ;;
*)
	say "the gsoap package is not installed (apt-get install gsoap)"
	exit 1
	;;
esac
upstream=${version%-*}
top="$dest/gsoap-$upstream"
tree="$top/gsoap"
# A Debian revision (a security fix) unpacks into the same directory:
# the revision fetched is kept beside it.
if [ -e "$top" ]; then
	had=$(cat "$top/.debian-version" 2>/dev/null) || had=
	if [ "$had" = "$version" ] && [ -f "$tree/stdsoap2.c" ] &&
		[ -f "$tree/stdsoap2.h" ]; then
		echo "$tree"
		exit 0
	fi
	say "$top holds ${had:-an incomplete} gsoap source, not $version;" \
		"remove it and run again"
	exit 1
fi
command -v dpkg-source >/dev/null || {
	say "dpkg-source not found (apt-get install dpkg-dev)"
	exit 1
}

work=$(mktemp -d -p "$dest")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$work/cache"
: >"$work/sources.list"

# The deb entries this machine uses, as deb-src: one-line and deb822.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" \
		>>"$work/sources.list"
done
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	sed 's/^Types:.*/Types: deb-src/' "$f" \
		>"$work/parts/$(basename "$f")"
done

apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list"
	-o "Dir::Etc::SourceParts=$work/parts"
	-o "Dir::State::Lists=$work/lists"
	-o "Dir::Cache=$work/cache")
# As root apt would hand the download to its _apt user, who cannot
# write here.
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o "APT::Sandbox::User=root")
say "fetching gsoap $version source"
apt-get "${apt_opts[@]}" -q update >&2
(cd "$dest" && apt-get "${apt_opts[@]}" -q source "gsoap=$version" >&2)
if [ ! -f "$tree/stdsoap2.c" ] || [ ! -f "$tree/stdsoap2.h" ]; then
	say "no $tree/stdsoap2.c after the download"
	exit 1
fi
echo "$version" >"$top/.debian-version"
echo "$tree"
