#!/usr/bin/env python3
"""Reads what handoff-trace.sh recorded: for the last HANDOFFS handoffs (default 3) a timeline in
microseconds since the donor's freeze of the handoff and channel threads' syscalls (with their
kernel time) and the Java time between them, and of their scheduling; then, over all traced
handoffs, the median kernel time per syscall of those threads between freeze and live (waits left out).
    usage: handoff-trace.py OUT [HANDOFFS]"""
import bisect, csv, glob, re, statistics, sys

out = sys.argv[1]
show = int(sys.argv[2]) if len(sys.argv) > 2 else 3
NR = {0: 'read', 1: 'write', 3: 'close', 7: 'poll', 16: 'ioctl', 41: 'socket', 42: 'connect', 44: 'sendto',
      49: 'bind', 51: 'getsockname', 54: 'setsockopt', 55: 'getsockopt', 202: 'futex', 271: 'ppoll'}
names = {}
for f in glob.glob(out + '/jstack.*'):
    for line in open(f, errors='replace'):
        m = re.match(r'"([^"]+)".* nid=(0x[0-9a-f]+)', line)
        if m:
            names[int(m.group(2), 16)] = m.group(1)
pat = re.compile(r'^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+): (.*)$')
ev = []
for line in open(out + '/trace.txt', errors='replace'):
    m = pat.match(line)
    if m:
        ev.append((float(m.group(4)) * 1e6, int(m.group(3)), int(m.group(2)), m.group(5), m.group(6)))
ev.sort()
ts = [e[0] for e in ev]
rows = {}
for f in glob.glob(out + '/b/runs/local/logs/*-handoffs.csv'):
    for r in csv.DictReader(open(f)):
        d = rows.setdefault(r['handoff'], {})
        for k in ('freeze_at_mono_us', 'live_at_mono_us'):
            if r.get(k) not in (None, '', '-1'):
                d[k] = float(r[k])
hs = sorted((d['freeze_at_mono_us'], d['live_at_mono_us'], h) for h, d in rows.items()
            if len(d) == 2 and ts and d['freeze_at_mono_us'] >= ts[0])
if not hs:
    sys.exit('no traced handoff')
print('%d traced handoffs, freeze->live median %.0f us' % (len(hs), statistics.median(b - a for a, b, _ in hs)))


def walk(a, b, printing):
    pend, last, kernel = {}, {}, {}
    for t, cpu, pid, kind, rest in ev[bisect.bisect_left(ts, a - 30):bisect.bisect_right(ts, b + 10)]:
        n = names.get(pid, str(pid))[:30]
        if kind == 'sys_enter':
            nr = int(re.search(r'NR (\d+)', rest).group(1))
            pend[pid] = (t, nr)
            if printing:
                print('%7.0f cpu%d %-30s java %5.0f  %s' % (t - a, cpu, n, t - last.get(pid, t), NR.get(nr, nr)))
        elif kind == 'sys_exit' and pid in pend:
            t0, nr = pend.pop(pid)
            last[pid] = t
            if a <= t0 <= b:
                kernel.setdefault(NR.get(nr, nr), []).append(t - t0)
            if printing:
                print('%7.0f cpu%d %-30s            %s: %.0f us in the kernel' % (t - a, cpu, n, NR.get(nr, nr), t - t0))
        elif kind == 'sched_switch' and printing:
            m = re.search(r'prev_pid=(\d+) .*prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+)', rest)
            p, q = int(m.group(1)), int(m.group(4))
            if p in names or q in names:
                print('%7.0f cpu%d switch %s (%s) -> %s' % (t - a, cpu, names.get(p, p), m.group(2),
                                                           names.get(q, m.group(3))))
    return kernel


for a, b, h in hs[-show:]:
    print('=== handoff %s: freeze->live %.0f us' % (h, b - a))
    walk(a, b, True)
per = {}
for a, b, h in hs:
    for call, ds in walk(a, b, False).items():
        per.setdefault(call, []).append(sum(ds))
WAITS = {'futex', 'ppoll', 'poll'}  # sleeping, not kernel work
print('kernel time per handoff between freeze and live, medians (us; waits in futex/ppoll left out):')
for call, ds in sorted(((c, d) for c, d in per.items() if c not in WAITS), key=lambda kv: -statistics.median(kv[1])):
    print('  %-12s %6.1f  (%d handoffs)' % (call, statistics.median(ds), len(ds)))
