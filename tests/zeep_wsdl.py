"""The WSDL must load in an independent SOAP stack: python3-zeep reads
wsdl/um.wsdl, finds all 11 operations with their SOAPActions, builds
requests XML-equivalent to the fixtures and parses the fixture
responses to their values."""
import os
import sys

from lxml import etree
import zeep

NS = "http://schemas.microsoft.com/exchange/services/2006/messages"
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(TOP, "tests", "fixtures", "um")
ENTRY = ("AAAAAJx2S1rL0QxNp3vFj2yq8EYHAKb4lZ0x9m1Hn3rQ2x7pT1wAAAAAAQwAAKb4"
         "lZ0x9m1Hn3rQ2x7pT1wAAAjkNfEAAA==")
CALLID = ("ZDNmMmE5YzQtNjE3Yi00YjBlLTg1ZDItMmM5MGE0ZTFmNzAzfHVtMDIuZmFicm"
          "lrYW0uZXhhbXBsZQ==")
FOLDER = "AAAAAJx2S1rL0QxNp3vFj2yq8EYBAKb4lZ0x9m1Hn3rQ2x7pT1wAAAAAAQwAAA=="

REQUESTS = {
    "PlayOnPhone": dict(entryId=ENTRY, DialString="+14255550142"),
    "PlayOnPhoneGreeting": dict(GreetingType="OofCustom", DialString="4200"),
    "GetCallInfo": dict(CallId=CALLID),
    "Disconnect": dict(CallId=CALLID),
    "IsUMEnabled": {},
    "GetUMProperties": {},
    "SetOofStatus": dict(status=False),
    "SetPlayOnPhoneDialString": dict(dialString="+14255550142"),
    "SetTelephoneAccessFolderEmail": dict(base64FolderId=FOLDER),
    "SetMissedCallNotificationEnabled": dict(status=True),
    "ResetPIN": {},
}

failed = 0


def fail(msg):
    global failed
    failed += 1
    print("FAIL " + msg)


def canonical(e):
    text = (e.text or "").strip()
    return (e.tag, text, tuple(canonical(k) for k in e
                               if isinstance(k.tag, str)))


def body_of(tree):
    return tree.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")


def check_requests(client, binding):
    for op, args in REQUESTS.items():
        action = binding.get(op).soapaction
        if action != NS + "/" + op:
            fail("%s: soapAction %r" % (op, action))
        got = client.create_message(client.service, op, **args)
        want = etree.parse(os.path.join(FIX, op + ".request.xml"))
        if canonical(body_of(got)) != canonical(body_of(want.getroot())):
            fail("%s: zeep's request differs from the fixture:\n%s" %
                 (op, etree.tostring(got).decode()))


class Reply:
    def __init__(self, path):
        self.status_code = 200
        self.headers = {"Content-Type": "text/xml; charset=utf-8"}
        with open(path, "rb") as f:
            self.content = f.read()


def parse(client, binding, op, name):
    operation = binding.get(op)
    return binding.process_reply(client, operation,
                                 Reply(os.path.join(FIX, name)))


def check_responses(client, binding):
    cid = parse(client, binding, "PlayOnPhone",
                "PlayOnPhone.response.xml")
    if cid != CALLID:
        fail("PlayOnPhone result %r" % (cid,))
    info = parse(client, binding, "GetCallInfo",
                 "GetCallInfo.disconnected-busy.response.xml")
    if (info.CallState, info.EventCause) != ("Disconnected", "UserBusy"):
        fail("GetCallInfo result %r" % (info,))
    props = parse(client, binding, "GetUMProperties",
                  "GetUMProperties.response.xml")
    if props.OofStatus is not True or props.PlayOnPhoneDialString != "4200":
        fail("GetUMProperties result %r" % (props,))
    enabled = parse(client, binding, "IsUMEnabled",
                    "IsUMEnabled.response.xml")
    if enabled is not False:
        fail("IsUMEnabled result is not False")


def main():
    client = zeep.Client(os.path.join(TOP, "wsdl", "um.wsdl"))
    binding = client.service._binding
    names = sorted(binding._operations)
    if names != sorted(REQUESTS):
        fail("operations %r" % (names,))
    check_requests(client, binding)
    check_responses(client, binding)
    print("zeep: %d operations, %d failed" % (len(names), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
