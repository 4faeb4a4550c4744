#!/usr/bin/env python3
"""Medians of the handoff path's pieces from the node logs of a debug run of the local bench.

Usage: local-breakdown.py <out>/runs/local/logs
The run must have the debug loggers on (see ../README.md, "Where the local work goes"); lines of
the start-up warm-ups and rehearsals (threads vanycast-tcp-warmup, vanycast-channel-warmup-*,
vanycast-rehearsal-*, vanycast-handoff-rehearsal-*) are left out.
"""
import glob
import re
import statistics
import sys

PATTERNS = [
    (r'closing its earlier frozen copy (\d+) us, restore (\d+) us', ['re-create: close earlier copy', 're-create: kernel restore']),
    (r'translation (\d+) us, build (\d+) us, send (\d+) us', ['BU: translation', 'BU: build', 'BU: send']),
    (r'live (\d+) us after the Init arrived \(checks (\d+), re-create (\d+), binding sent (\d+), activate (\d+)',
     ['acceptor: Init -> live', 'acceptor: checks', 'acceptor: re-create', 'acceptor: BU', 'acceptor: activate']),
    (r'sent Init to \S+: \d+ bytes, encode (\d+) us, tls write (\d+) us, from (\d+) to (\d+)',
     ['Init: encode', 'Init: TLS write', None, None]),
    (r'received Init from \S+: \d+ bytes, body read \d+ us, decode (\d+) us, header at (\d+) to (\d+)',
     ['Init: decode', None, None]),
]
SEEN = r'received Init from .* header at (\d+) to \d+ us monotonic, seen by a hot wait at (\d+)'


def main(logs):
    values, sent, received, written, seen = {}, [], [], [], []
    for f in glob.glob(logs + '/node*.log'):
        for line in open(f, encoding='utf-8', errors='replace'):
            if 'warmup' in line or 'rehearsal-' in line:
                continue
            for pattern, names in PATTERNS:
                m = re.search(pattern, line)
                if not m:
                    continue
                for name, v in zip(names, m.groups()):
                    if name:
                        values.setdefault(name, []).append(int(v))
                if pattern.startswith('sent Init'):
                    sent.append(int(m.group(3)))
                    written.append(int(m.group(4)))
                elif pattern.startswith('received Init'):
                    received.append(int(m.group(2)))
            m = re.search(SEEN, line)
            if m:
                seen.append((int(m.group(2)), int(m.group(1))))
    # each Init write (monotonic start, us) to the first reader header at most 100 ms later
    received.sort()
    for start in sorted(sent):
        later = [r for r in received if 0 <= r - start < 100_000]
        if later:
            values.setdefault('Init: write start -> acceptor reader', []).append(later[0] - start)
    # the reader's side (PeerLink since 2026-12-07): when its hot wait saw the Init's bytes, and
    # when the Init's first TLS record was read and opened
    seen.sort()
    for end in sorted(written):
        later = [s for s in seen if 0 <= s[0] - end < 100_000]
        if later:
            values.setdefault('Init: write end -> seen by hot wait', []).append(later[0][0] - end)
            values.setdefault('Init: seen -> header read (TLS)', []).append(later[0][1] - later[0][0])
    for name in sorted(values):
        v = sorted(values[name])
        print(f'{name:40s} n={len(v):4d}  median {statistics.median(v):7.0f} us  p90 {v[int(len(v) * 0.9)]:7.0f} us')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
