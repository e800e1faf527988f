#!/usr/bin/env bash
# Makes throwaway test PKI in DIR: a CA, a server certificate for
# localhost and 127.0.0.1 signed by it, one for another name, a second
# unrelated CA, an expired and a self-signed certificate, a client
# certificate, the CA as a hashed directory, and the server key's pin. Nothing here is ever trusted elsewhere.
#
# usage: mkcerts.sh DIR
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "mkcerts: $* failed" >&2; exit 1; }; }

quiet openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	-subj "/CN=umws test CA" -keyout ca.key -out ca.pem
quiet openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	-subj "/CN=umws other CA" -keyout other-ca.key -out other-ca.pem
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	-keyout server.key -out server.csr
printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	"extendedKeyUsage=serverAuth" > server.ext
quiet openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	-CAcreateserial -days 2 -extfile server.ext -out server.pem
# signed by the right CA but for another name: a host-name mismatch
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=wrong.example" \
	-keyout wrong.key -out wrong.csr
echo "subjectAltName=DNS:wrong.example" > wrong.ext
quiet openssl x509 -req -in wrong.csr -CA ca.pem -CAkey ca.key \
	-CAcreateserial -days 2 -extfile wrong.ext -out wrong.pem
# signed by the right CA but expired long ago; openssl x509 cannot set
# past dates, openssl ca can
mkdir -p db
: > db/index.txt
echo 1000 > db/serial
printf '%s\n' '[ca]' 'default_ca = test' '[test]' 'database = db/index.txt' \
	'serial = db/serial' 'new_certs_dir = db' 'default_md = sha256' \
	'policy = any' 'copy_extensions = copy' '[any]' \
	'commonName = supplied' > ca.cnf
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	-keyout expired.key -out expired.csr
quiet openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
	-startdate 20200101000000Z -enddate 20200201000000Z \
	-in expired.csr -out expired.pem
# right name, but signed by itself
quiet openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	-subj "/CN=localhost" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	-keyout selfsigned.key -out selfsigned.pem
# a client certificate for mutual TLS, and the CA as a hashed directory
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=umws test client" \
	-keyout client.key -out client.csr
echo "extendedKeyUsage=clientAuth" > client.ext
quiet openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
	-CAcreateserial -days 2 -extfile client.ext -out client.pem
mkdir -p cadir
cp ca.pem cadir/
quiet openssl rehash cadir
# libcurl's pin form: sha256// and the base64 SHA-256 of the public key
pin=$(openssl pkey -in server.key -pubout -outform DER 2>/dev/null |
	openssl dgst -sha256 -binary | openssl base64 -A)
echo "sha256//$pin" > server.pin
