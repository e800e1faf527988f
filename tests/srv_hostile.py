#!/usr/bin/env python3
"""Hostile peers for umws-server, driven by tests/srv_hostile.sh.

flood HOST PORT CA IDLE SLOW INTERVAL HOLD
    IDLE plain TCP sockets that never send, and SLOW TLS connections that
    start a POST and send one header line every INTERVAL seconds, for
    HOLD seconds. Prints "connected A/B" and, per slow connection, how
    long after its first byte the server closed it ("open" if it did not).
idle-close HOST PORT CA
    A TLS connection that never sends a request: seconds until the
    server closes it.
ntlm HOST PORT CA DOMAIN USER PASSWORD keep|flip-mic
    The NTLM handshake as python's ntlm-auth does it (with a MIC), the
    MIC left alone or with one bit flipped. Prints "mic=yes|no STATUS".
"""
import base64
import socket
import ssl
import struct
import sys
import threading
import time

PATH = "/EWS/UM2007Legacy.asmx"
BODY = (b'<?xml version="1.0" encoding="utf-8"?>'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
        b'envelope/"><soap:Body><IsUMEnabled xmlns="http://schemas.'
        b'microsoft.com/exchange/services/2006/messages"/></soap:Body>'
        b'</soap:Envelope>')


def tls(host, port, ca, timeout=10):
    ctx = ssl.create_default_context(cafile=ca)
    raw = socket.create_connection((host, port), timeout=timeout)
    return ctx.wrap_socket(raw, server_hostname=host)


def closed_by_peer(sock):
    """True when the server has closed (or reset) the connection."""
    try:
        return sock.recv(1) == b""
    except (socket.timeout, ssl.SSLWantReadError, BlockingIOError):
        return False
    except OSError:
        return True


def slow_client(host, port, ca, interval, hold, result, i):
    try:
        s = tls(host, port, ca)
    except OSError:
        result[i] = "no-connect"
        return
    s.settimeout(0.05)
    lines = [b"POST %s HTTP/1.1\r\n" % PATH.encode(), b"Host: x\r\n"]
    first = time.monotonic()
    n = 0
    try:
        while time.monotonic() - first < hold:
            s.sendall(lines[0] if n == 0 else b"X-Slow-%d: 1\r\n" % n)
            n += 1
            until = time.monotonic() + interval
            while time.monotonic() < until:
                if closed_by_peer(s):
                    result[i] = "%.1f" % (time.monotonic() - first)
                    return
    except OSError:
        result[i] = "%.1f" % (time.monotonic() - first)
        return
    finally:
        s.close()
    result[i] = "open"


def flood(host, port, ca, idle, slow, interval, hold):
    idle, slow = int(idle), int(slow)
    interval, hold = float(interval), float(hold)
    start = time.monotonic()
    socks = []
    for _ in range(idle):
        try:
            socks.append(socket.create_connection((host, port), 5))
        except OSError:
            pass
    result = [None] * slow
    threads = [threading.Thread(target=slow_client,
                                args=(host, port, ca, interval, hold,
                                      result, i))
               for i in range(slow)]
    for t in threads:
        t.start()
    print("connected %d/%d" % (len(socks), idle), flush=True)
    for t in threads:
        t.join()
    time.sleep(max(0.0, hold - (time.monotonic() - start)))
    for s in socks:
        s.close()
    print("slow " + " ".join(result), flush=True)


def idle_close(host, port, ca):
    s = tls(host, port, ca)
    s.settimeout(0.05)
    start = time.monotonic()
    while time.monotonic() - start < 30 and not closed_by_peer(s):
        pass
    print("%.1f" % (time.monotonic() - start))


def http(sock, auth):
    req = ("POST %s HTTP/1.1\r\nHost: localhost\r\n"
           "Content-Type: text/xml; charset=utf-8\r\n"
           "Authorization: NTLM %s\r\nContent-Length: %d\r\n\r\n"
           % (PATH, base64.b64encode(auth).decode(), len(BODY)))
    sock.sendall(req.encode() + BODY)
    f = sock.makefile("rb")
    status = int(f.readline().split()[1])
    headers = {}
    for line in iter(f.readline, b"\r\n"):
        k, _, v = line.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    f.read(int(headers.get("content-length", "0")))
    return status, headers


def has_mic(msg):
    """MsvAvFlags with the MIC bit in the NTLMv2 blob's AV pairs."""
    n, off = struct.unpack("<H2xI", msg[20:28])
    av, end = off + 16 + 28, off + n
    while av + 4 <= end:
        av_id, av_len = struct.unpack("<HH", msg[av:av + 4])
        if av_id == 0:
            break
        if av_id == 6 and struct.unpack("<I", msg[av + 4:av + 8])[0] & 2:
            return True
        av += 4 + av_len
    return False


def ntlm(host, port, ca, domain, user, password, how):
    # ntlm-auth needs MD4 from hashlib: cryptography's backend loads
    # OpenSSL's legacy provider, as it does under requests_ntlm.
    from cryptography.hazmat.backends import default_backend
    from ntlm_auth.ntlm import NtlmContext

    default_backend()

    ctx = NtlmContext(user, password, domain, None, ntlm_compatibility=3)
    s = tls(host, port, ca)
    status, headers = http(s, ctx.step())
    offer = headers.get("www-authenticate", "")
    if status != 401 or not offer.startswith("NTLM "):
        print("mic=no no-challenge %d" % status)
        return
    msg = bytearray(ctx.step(base64.b64decode(offer[5:])))
    if how == "flip-mic":
        msg[72] ^= 0x01
    status, _ = http(s, bytes(msg))
    print("mic=%s %d" % ("yes" if has_mic(msg) else "no", status))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    args[1] = int(args[1])
    {"flood": flood, "idle-close": idle_close, "ntlm": ntlm}[cmd](*args)


if __name__ == "__main__":
    main()
