"""A loopback HTTP(S) server that answers as a test asks: the first path
segment of the URL names the behaviour, the SOAPAction picks the fixture
response. It listens on 127.0.0.1 only, serves for --seconds at most and
then stops by itself.

usage: scripted_server.py --port-file F [--cert F --key F] [--seconds N]
"""
import argparse
import base64
import collections
import gzip
import http.server
import json
import os
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(TOP, "tests", "fixtures", "um")
NS = "http://schemas.microsoft.com/exchange/services/2006/messages/"
HOSTILE = os.path.join(TOP, "tests", "hostile")
STATS = collections.Counter()
LOCK = threading.Lock()
# A syntactically valid NTLM CHALLENGE (type 2) with target info: enough
# for a client to answer with its AUTHENTICATE, which is never checked.
CHALLENGE = ("TlRMTVNTUAACAAAADgAOADgAAAAFgomiZn6EG5ZoXNsAAAAAAAAAAEgASABG"
             "AAAACgB8TwAAAA9FAFgAQQBNAFAATABFAAIADgBFAFgAQQBNAFAATABFAAEA"
             "BABWAE0ABAASAGwAbwBjAGEAbABoAG8AcwB0AAMABAB2AG0ABwAIAP+xNFxB"
             "g90BAAAAAA==")


def count(key):
    with LOCK:
        STATS[key] += 1


def fixture_for(action):
    op = action.strip('"')[len(NS):]
    path = os.path.join(FIX, op + ".response.xml")
    if not op or not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        count("connections")
        self.requests_here = 0
        self.authed = False
        self.rechallenged = False
        super().setup()

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="text/xml; charset=utf-8",
             extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                body = json.dumps(STATS).encode()
            self.send(200, body, "application/json")
        else:
            self.send(404, b"not found", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        parts = self.path.strip("/").split("/")
        mode = parts[0]
        self.arg = parts[1] if len(parts) > 1 else ""
        self.action = self.headers.get("SOAPAction", "").strip('"')
        self.action = self.action.rsplit("/", 1)[-1]
        self.requests_here += 1
        count("%s:%s" % (mode, self.action))
        body = fixture_for(self.headers.get("SOAPAction", ""))
        handler = getattr(self, "mode_" + mode, None)
        if self.headers.get("Expect"):
            self.send(417, b"expect header sent", "text/plain")
        elif handler:
            handler(body)
        elif body is None:
            self.send(400, b"unknown soapaction", "text/plain")
        else:
            self.send(200, body)

    def mode_redirect(self, body):
        self.send(302, b"", "text/plain",
                  [("Location", "https://elsewhere.example/owa")])

    def mode_html500(self, body):
        self.send(500, b"<html><body>Server Error</body></html>",
                  "text/html")

    def mode_busy503(self, body):
        self.send(503, b"<html>busy</html>", "text/html",
                  [("Retry-After", "30")])

    def mode_empty200(self, body):
        self.send(200, b"")

    def mode_notxml(self, body):
        self.send(200, b"this is not xml at all", "text/plain")

    def mode_big(self, body):
        pad = b"<!--" + b"x" * (9 * 1024 * 1024) + b"-->"
        self.send(200, pad + body)

    def mode_gzip(self, body):
        self.send(200, gzip.compress(body), extra=[("Content-Encoding",
                                                    "gzip")])

    def mode_bom(self, body):
        self.send(200, b"\xef\xbb\xbf" + body)

    def mode_slow(self, body):
        time.sleep(5)
        self.send(200, body)

    def mode_body(self, body):
        name = os.path.basename(self.arg)
        with open(os.path.join(HOSTILE, name + ".xml"), "rb") as f:
            data = f.read()
        self.send(500 if name.startswith("fault") else 200, data)

    def mode_deep(self, body):
        depth = int(self.arg or "100000")
        inner = b"<a>" * depth + b"</a>" * depth
        self.send(200, body.replace(b"<CallState>", inner + b"<CallState>"))

    def mode_attrs(self, body):
        attrs = b" ".join(b'a%d="1"' % i for i in range(int(self.arg)))
        self.send(200, body.replace(b"<CallState>",
                                    b"<CallState " + attrs + b">"))

    def mode_nsflood(self, body):
        decls = b"".join(b'<q%d:e xmlns:q%d="urn:x%d"/>' % (i, i, i)
                         for i in range(int(self.arg)))
        self.send(200, body.replace(b"<CallState>", decls + b"<CallState>"))

    def mode_hugetext(self, body):
        size = int(self.arg or "5000000")
        self.send(200, body.replace(b"Alerted", b"A" * size))

    def mode_chunked(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i in range(0, len(body), 7):
            piece = body[i:i + 7]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def mode_longcl(self, body):
        # promises more than it sends, then hangs up
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body) + 500))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def mode_shortcl(self, body):
        # promises less than it sends: the XML is cut where it says
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body) // 2))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def mode_drip(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for b in body[:20]:
            self.wfile.write(bytes([b]))
            self.wfile.flush()
            time.sleep(1)
        self.close_connection = True

    def mode_hang(self, body):
        time.sleep(30)
        self.close_connection = True

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.close_connection = True

    def mode_reset(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:len(body) // 2])
        self.wfile.flush()
        self.reset()

    def mode_dropfirst(self, body):
        # on a kept-alive connection, the first request of each action
        # is read and then the connection dies without an answer
        key = "dropped:" + self.action
        with LOCK:
            first = STATS[key] == 0 and self.requests_here > 1
            if first:
                STATS[key] += 1
        if first:
            self.reset()
            return
        self.send(200, body)

    def ntlm_challenge(self, close=False):
        extra = [("WWW-Authenticate", "NTLM " + CHALLENGE)]
        if close:
            extra.append(("Connection", "close"))
            self.close_connection = True
        self.send(401, b"", "text/plain", extra)

    def auth_stage(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("NTLM "):
            return 0
        return base64.b64decode(auth[5:])[8]

    def mode_ntlmdeny(self, body):
        # challenges, then refuses every AUTHENTICATE: a wrong password
        stage = self.auth_stage()
        if stage == 1:
            self.ntlm_challenge()
        else:
            count("ntlmdeny:refused")
            self.send(401, b"", "text/plain",
                      [("WWW-Authenticate", "NTLM")])

    def mode_ntlmclose(self, body):
        # the challenge comes with Connection: close, so the handshake
        # can never finish on one connection
        if self.auth_stage() == 0:
            self.send(401, b"", "text/plain",
                      [("WWW-Authenticate", "NTLM"), ("Connection",
                                                      "close")])
            self.close_connection = True
        else:
            self.ntlm_challenge(close=True)

    def mode_bare401(self, body):
        # an unresolvable mailbox: 401, no challenge, connection closed
        self.send(401, b"", "text/plain", [("Connection", "close")])
        self.close_connection = True

    def mode_rechallenge(self, body):
        # a live, authenticated connection is challenged again once
        stage = self.auth_stage()
        if stage == 1:
            self.ntlm_challenge()
        elif stage == 3:
            self.authed = True
            count("rechallenge:run:" + self.action)
            self.send(200, body)
        elif not self.authed:
            self.send(401, b"", "text/plain",
                      [("WWW-Authenticate", "NTLM")])
        elif self.requests_here > 3 and not self.rechallenged:
            self.rechallenged = True
            self.authed = False
            extra = [("WWW-Authenticate", "NTLM")]
            if self.arg == "close":
                extra.append(("Connection", "close"))
                self.close_connection = True
            self.send(401, b"", "text/plain", extra)
        else:
            count("rechallenge:run:" + self.action)
            self.send(200, body)

    def mode_basic(self, body):
        want = "Basic " + base64.b64encode(b"EXAMPLE\\alice:s3cret").decode()
        if self.headers.get("Authorization") != want:
            self.send(401, b"", "text/plain",
                      [("WWW-Authenticate", 'Basic realm="um"')])
        else:
            self.send(200, body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # a client hanging up on purpose (size cap, timeout) is expected
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--client-ca",
                    help="require a client certificate signed by this CA")
    ap.add_argument("--max-tls", choices=["1.1"],
                    help="offer nothing newer than this TLS version")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if a.max_tls:
            ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.load_cert_chain(a.cert, a.key)
        if a.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(a.client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    threading.Timer(a.seconds, srv.shutdown).start()
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
