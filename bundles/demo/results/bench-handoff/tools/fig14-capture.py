#!/usr/bin/env python3
"""Where a Figure 14 gap goes on the client's wire: for each trial, when the acceptor's Binding
Update and its first data segment arrive, in ms after the donor's last data segment.

Usage: fig14-capture.py '<out>/trials/fig14-lcs-bw0-lcs40-lss20-rrtrue-*'
Needs tshark. The Binding Update is the acceptor's packet with a Destination Options header
(the Home Address option) that arrives between the two data segments.
"""
import glob
import statistics
import subprocess
import sys


def trial(pcap):
    out = subprocess.run(['tshark', '-r', pcap, '-T', 'fields', '-e', 'frame.time_relative', '-e', 'ipv6.src',
                          '-e', 'ipv6.dst', '-e', 'tcp.len', '-e', 'ipv6.nxt', '-e', 'tcp.flags.syn', '-e', 'tcp.flags.ack'],
                         capture_output=True, text=True, check=True).stdout
    rows = [line.split('\t') for line in out.splitlines()]
    # the client opens the download's connection (a capture may begin with the end of an earlier one)
    client = next(r[1] for r in rows if len(r) > 6 and r[5] in ('1', 'True') and r[6] in ('0', 'False'))
    data = [(i, r) for i, r in enumerate(rows) if r[2] == client and r[3] and int(r[3]) > 0]
    donor = data[0][1][1]
    switch = next((i for i, r in data if r[1] != donor), None)
    if switch is None:
        return None
    acceptor = rows[switch][1]
    last = max(i for i, r in data if r[1] == donor and i < switch)
    t0 = float(rows[last][0])
    bu = next((float(r[0]) for r in rows[last:switch + 1] if r[1] == acceptor and r[4] == '60'), None)
    return (None if bu is None else (bu - t0) * 1000, (float(rows[switch][0]) - t0) * 1000)


def main(pattern):
    got = [t for t in (trial(d + '/client.pcap') for d in sorted(glob.glob(pattern))) if t and t[0] is not None]
    for bu, first in got:
        print(f'Binding Update {bu:8.3f} ms  first data {first:8.3f} ms  data - BU {first - bu:6.3f} ms')
    if got:
        print(f'median: Binding Update {statistics.median(b for b, _ in got):.3f} ms, first data '
              f'{statistics.median(f for _, f in got):.3f} ms, data - BU {statistics.median(f - b for b, f in got):.3f} ms')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
