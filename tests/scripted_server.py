"""A loopback HTTP(S) server that answers as a test asks: the first path
segment of the URL names the behaviour, the SOAPAction picks the fixture
response. It listens on 127.0.0.1 only, serves for --seconds at most and
then stops by itself.

usage: scripted_server.py --port-file F [--cert F --key F] [--seconds N]
"""
import argparse
import base64
import gzip
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(TOP, "tests", "fixtures", "um")
NS = "http://schemas.microsoft.com/exchange/services/2006/messages/"
STATS = {"connections": 0}


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
        STATS["connections"] += 1
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
            body = ("connections %d\n" % STATS["connections"]).encode()
            self.send(200, body, "text/plain")
        else:
            self.send(404, b"not found", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        mode = self.path.strip("/").split("/")[0]
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
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(a.cert, a.key)
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
