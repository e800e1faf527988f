"""What a script writer would use: python3-zeep with requests-ntlm, one
session (so one kept-alive NTLM connection), the service described by
wsdl/um.wsdl. Prints the same "key value" lines as umws_bench.

usage: zeep_bench.py WSDL URL CA_FILE USER CALL_ID N
       (password in UMWS_BENCH_PASSWORD)
"""
import os
import sys
import time

import requests
import zeep
from requests_ntlm import HttpNtlmAuth
from zeep.transports import Transport

NS = "{http://schemas.microsoft.com/exchange/services/2006/messages}"


def main():
    wsdl, url, ca, user, call_id, n = sys.argv[1:7]
    n = int(n)
    session = requests.Session()
    session.trust_env = False
    session.verify = ca
    session.auth = HttpNtlmAuth(user, os.environ["UMWS_BENCH_PASSWORD"])
    client = zeep.Client(wsdl, transport=Transport(session=session))
    svc = client.create_service(NS + "UMServiceSoap", url)
    # The first call authenticates the connection, as in umws_bench.
    svc.GetCallInfo(CallId=call_id)
    start = time.monotonic()
    for _ in range(n):
        info = svc.GetCallInfo(CallId=call_id)
        if not info.CallState:
            sys.exit("zeep_bench: no CallState in the answer")
    secs = time.monotonic() - start
    print("calls %d\nseconds %.6f" % (n, secs))


if __name__ == "__main__":
    main()
