"""Runs the wire test, then compares each request the client built with
the fixture of the same name: XML-equivalent means the same elements,
namespaces, order and text; prefixes and whitespace between elements may
differ."""
import os
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
    print("wire requests: %d compared, %d failed" % (len(wanted), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
