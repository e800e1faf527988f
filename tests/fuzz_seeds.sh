#!/usr/bin/env bash
# Seed corpus for tests/fuzz_response.c: every fixture and hostile body,
# prefixed with the operation byte and the status byte the target reads.
# usage: fuzz_seeds.sh OUTDIR
set -eu
cd "$(dirname "$0")/.."
out=$1
mkdir -p "$out"
seed() {	# seed OP STATUS FILE
	{ printf "\\x$1\\x$2"; cat "$3"; } >"$out/$(basename "$3" .xml)-$1$2"
}
for f in tests/fixtures/um/*.response.xml tests/hostile/*.xml; do
	case $(basename "$f") in
	PlayOnPhone*|*callid*) op=01 ;;
	IsUMEnabled*) op=02 ;;
	GetUMProperties*) op=03 ;;
	Disconnect*|Set*|ResetPIN*) op=04 ;;
	*) op=00 ;;
	esac
	case $(basename "$f") in
	fault*) seed "$op" 01 "$f" ;;
	*) seed "$op" 00 "$f" ;;
	esac
done
