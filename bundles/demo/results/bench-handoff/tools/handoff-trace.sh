#!/bin/bash
# Records where a local handoff's time goes, without logging on the critical path: runs
#   ./vanycast bench handoff --only local --warmup 100 --handoffs 60 --local-kbit 40000
# with ftrace's sched events and the syscalls of the nodes' handoff and group-channel threads
# (mono clock, comparable with the handoff CSVs' freeze_at_mono_us / live_at_mono_us), and
# jstack's thread names. Root; uses /sys/kernel/tracing (400 MB of ring buffer per CPU).
#   usage: handoff-trace.sh OUT   then: handoff-trace.py OUT [HANDOFFS]
set -euo pipefail
OUT=${1:?usage: handoff-trace.sh OUT}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)
T=/sys/kernel/tracing
EVENTS=(raw_syscalls/sys_enter raw_syscalls/sys_exit sched/sched_switch sched/sched_waking sched/sched_wakeup)
rm -rf "$OUT"; mkdir -p "$OUT"
restore() {
  echo 0 > $T/tracing_on
  for e in "${EVENTS[@]}"; do echo 0 > "$T/events/$e/enable"; done
  echo 0 > $T/events/raw_syscalls/sys_enter/filter; echo 0 > $T/events/raw_syscalls/sys_exit/filter
  echo 1408 > $T/buffer_size_kb; echo local > $T/trace_clock; echo > $T/trace
}
trap restore EXIT
echo 0 > $T/tracing_on; echo > $T/trace; echo mono > $T/trace_clock; echo 400000 > $T/buffer_size_kb
"$ROOT/vanycast" bench handoff --only local --warmup 100 --handoffs 60 --local-kbit 40000 --out "$OUT/b" > "$OUT/bench.log" 2>&1 &
bench=$!
until grep -q "local-warmup batch 0" "$OUT/bench.log" 2>/dev/null; do
  kill -0 $bench 2>/dev/null || { echo "bench ended early: $OUT/bench.log" >&2; exit 1; }
  sleep 0.5
done
filter=""
for p in $(pgrep -f org.vanycast.node.internal.launch.NodeMain); do
  jstack "$p" > "$OUT/jstack.$p"
  for nid in $(grep -E '^"vanycast-(handoff|channel-in|channel-out)' "$OUT/jstack.$p" | grep -oE 'nid=0x[0-9a-f]+' | cut -d= -f2); do
    filter="$filter${filter:+ || }common_pid == $((nid))"
  done
done
echo "$filter" > $T/events/raw_syscalls/sys_enter/filter
echo "$filter" > $T/events/raw_syscalls/sys_exit/filter
for e in "${EVENTS[@]}"; do echo 1 > "$T/events/$e/enable"; done
echo 1 > $T/tracing_on
wait $bench
echo 0 > $T/tracing_on
cat $T/trace > "$OUT/trace.txt"
rm -rf "$OUT/b/trials"
echo "trace: $OUT/trace.txt; handoffs: $OUT/b/runs/local/logs/node*-handoffs.csv"
