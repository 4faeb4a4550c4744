"""SOAP calls with Python zeep (Debian python3-zeep) on ONE keep-alive connection.

Usage: zeep_calls.py WSDL_URL DATA_DIR CALLS EVERY
Cycles getRange / getDocument / listDocuments / getServiceVersion over the documents of
DATA_DIR (the same files the nodes serve) and checks every answer against the files.
After every EVERY calls it prints "PAUSE <calls done> <local port>" and waits for a line on
stdin (the test hands the connection to another node meanwhile). Prints "DONE <calls>
<connections opened>" at the end; exits 1 on the first wrong answer.
"""
import os
import sys

import requests
import urllib3
import zeep
from zeep.transports import Transport

wsdl, data_dir, calls, every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

opened = []
_new_conn = urllib3.connection.HTTPConnection._new_conn


def counting_new_conn(self):
    sock = _new_conn(self)
    opened.append(sock.getsockname()[1])
    return sock


urllib3.connection.HTTPConnection._new_conn = counting_new_conn

session = requests.Session()
# one pooled connection per host: every call (and the WSDL) goes over the same socket
session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0))
client = zeep.Client(wsdl, transport=Transport(session=session, timeout=30, operation_timeout=30))
svc = client.service

docs = sorted(n for n in os.listdir(data_dir) if os.path.isfile(os.path.join(data_dir, n)))
content = {n: open(os.path.join(data_dir, n), "rb").read() for n in docs}
small = [n for n in docs if len(content[n]) <= 256 * 1024]


def fail(i, what):
    print("WRONG call %d: %s" % (i, what), flush=True)
    sys.exit(1)


for i in range(calls):
    kind = i % 4
    if kind == 0:
        name = docs[i % len(docs)]
        size = len(content[name])
        offset = (i * 7919) % max(1, size - 4096)
        got = svc.getRange(name=name, offset=offset, length=4096)
        if got != content[name][offset:offset + 4096]:
            fail(i, "getRange(%s, %d) differs" % (name, offset))
    elif kind == 1:
        name = small[i % len(small)]
        if svc.getDocument(name=name) != content[name]:
            fail(i, "getDocument(%s) differs" % name)
    elif kind == 2:
        got = {d.name: d.size for d in svc.listDocuments()}
        want = {n: len(content[n]) for n in docs}
        if got != want:
            fail(i, "listDocuments %r != %r" % (got, want))
    else:
        if not svc.getServiceVersion():
            fail(i, "empty service version")
    if (i + 1) % every == 0 and i + 1 < calls:
        print("PAUSE %d %d" % (i + 1, opened[-1] if opened else -1), flush=True)
        if not sys.stdin.readline():
            fail(i, "test went away")

print("DONE %d %d" % (calls, len(opened)), flush=True)
