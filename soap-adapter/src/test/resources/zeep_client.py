"""A SOAP client no one here wrote (zeep, Debian's python3-zeep), driven line by line by the test.

stdin:  "calls START N"  -> N calls of whoAmI(caller=i), one "answer i TEXT" line each
        "stats"          -> "connects N": TCP connections urllib3 opened so far
        "quit"
"""
import sys

import requests
import urllib3.connection
import zeep
from zeep.transports import Transport

connects = 0
_connect = urllib3.connection.HTTPConnection.connect


def counting_connect(self):
    global connects
    connects += 1
    return _connect(self)


urllib3.connection.HTTPConnection.connect = counting_connect

session = requests.Session()
client = zeep.Client(sys.argv[1], transport=Transport(session=session))
print("ready", flush=True)
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "calls":
        start, count = int(words[1]), int(words[2])
        for i in range(start, start + count):
            answer = client.service.whoAmI(caller=str(i))
            print("answer", i, answer, flush=True)
    elif words[0] == "stats":
        print("connects", connects, flush=True)
    elif words[0] == "quit":
        break
