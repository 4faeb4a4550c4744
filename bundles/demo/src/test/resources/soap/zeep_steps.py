"""SOAP calls with Python zeep (Debian python3-zeep) on ONE keep-alive connection, one per
line of stdin, so that a test can act between (or during) calls.

Usage: zeep_steps.py WSDL_URL DATA_DIR
stdin lines: "range NAME OFFSET LENGTH", "doc NAME", "list", "version", "quit".
Each answer is checked against DATA_DIR (the files the nodes serve) and reported as
"OK <op> <bytes> <sha256>" or "WRONG <op> <why>" (exit 1). The first line printed is
"READY <local port>" once the WSDL was read; the last is "DONE <connections opened>".
"""
import hashlib
import os
import sys

import requests
import urllib3
import zeep
from zeep.transports import Transport

wsdl, data_dir = sys.argv[1], sys.argv[2]
opened = []
_new_conn = urllib3.connection.HTTPConnection._new_conn


def counting_new_conn(self):
    sock = _new_conn(self)
    opened.append(sock.getsockname()[1])
    return sock


urllib3.connection.HTTPConnection._new_conn = counting_new_conn
session = requests.Session()
session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0))
client = zeep.Client(wsdl, transport=Transport(session=session, timeout=60, operation_timeout=60),
                     settings=zeep.Settings(xml_huge_tree=True))
svc = client.service
print("READY %d" % opened[-1], flush=True)


def content(name):
    with open(os.path.join(data_dir, name), "rb") as f:
        return f.read()


for line in sys.stdin:
    w = line.split()
    if not w:
        continue
    op = w[0]
    if op == "quit":
        break
    try:
        if op == "range":
            got = svc.getRange(name=w[1], offset=int(w[2]), length=int(w[3]))
            want = content(w[1])[int(w[2]):int(w[2]) + int(w[3])]
        elif op == "doc":
            got, want = svc.getDocument(name=w[1]), content(w[1])
        elif op == "list":
            names = sorted(n for n in os.listdir(data_dir) if os.path.isfile(os.path.join(data_dir, n)))
            got = repr(sorted((d.name, d.size) for d in svc.listDocuments())).encode()
            want = repr([(n, os.path.getsize(os.path.join(data_dir, n))) for n in names]).encode()
        elif op == "version":
            got = svc.getServiceVersion().encode()
            want = got if got else b"<non-empty>"
        else:
            print("WRONG %s unknown step" % op, flush=True)
            sys.exit(1)
    except Exception as e:  # a transport or SOAP error is a wrong answer here
        print("WRONG %s %s: %s" % (op, type(e).__name__, str(e).replace("\n", " ")), flush=True)
        sys.exit(1)
    if got != want:
        print("WRONG %s %d bytes, expected %d" % (op, len(got or b""), len(want)), flush=True)
        sys.exit(1)
    print("OK %s %d %s" % (op, len(got), hashlib.sha256(got).hexdigest()), flush=True)

print("DONE %d" % len(opened), flush=True)
