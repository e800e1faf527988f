"""Runs the wire test, then compares each request the client built with
the fixture of the same name: XML-equivalent means the same elements,
namespaces, order and text; prefixes and whitespace between elements may
differ. A request must also declare no namespace it does not use: gSOAP
writes every declaration of its table unless told otherwise, and each one
costs both ends of every call."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def canonical(path):
    """Element tree as (namespace-qualified tag, stripped text, children),
    attributes other than namespace declarations kept."""
    def walk(e):
        text = (e.text or "").strip()
        kids = [walk(k) for k in e]
        return (e.tag, tuple(sorted(e.attrib.items())), text, tuple(kids))
    return walk(ET.parse(path).getroot())


def unused_prefixes(path):
    """Prefixes declared in the request that no element or attribute
    uses."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    declared = re.findall(r'xmlns:([\w.-]+)=', text)
    return [p for p in declared
            if not re.search(r'(</?|\s)%s:[\w.-]+[\s/>=]' % re.escape(p),
                             text)]


def main():
    prog, fixtures, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    if subprocess.call(prog.split() + [fixtures, out]) != 0:
        return 1
    failed = 0
    wanted = sorted(f for f in os.listdir(fixtures)
                    if f.endswith(".request.xml"))
    for name in wanted:
        got_path = os.path.join(out, name)
        if not os.path.exists(got_path):
            print("FAIL %s: the client built no such request" % name)
            failed += 1
            continue
        want, got = canonical(os.path.join(fixtures, name)), \
            canonical(got_path)
        if want != got:
            print("FAIL %s: not XML-equivalent\n  expected %r\n  got      %r"
                  % (name, want, got))
            failed += 1
        unused = unused_prefixes(got_path)
        if unused:
            print("FAIL %s: declares unused namespaces %s"
                  % (name, ", ".join(unused)))
            failed += 1
    print("wire requests: %d compared, %d failed" % (len(wanted), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
