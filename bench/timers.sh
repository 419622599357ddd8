#!/bin/bash
# nci-init with N timers (N = 100), as PID 1 of its own PID namespace: how often it wakes
# and how much memory it takes. Target (issue "Socket activation and timers"): an idle
# container with 100 timers does not wake nci-init more often than its timers elapse.
# - idle: 100 timers whose elapses are hours away (OnBootSec=1h, OnCalendar=daily at
#   staggered minutes), each with its on-demand oneshot; the wake-ups of nci-init (its
#   voluntary context switches, /proc/PID/status) over a window after the boot.
# - busy: the same 100 timers with OnBootSec=1s and OnUnitActiveSec=1s; the elapses in
#   the window (the services stamp a file) and nci-init's wake-ups per elapse (an elapse
#   costs its deadline, the script's start, its output and its exit).
# - memory: nci-init's PSS with the 100 timers, and with none (the same 100 oneshots
#   started by hand only), the difference per timer.
# There is nothing to compare with: s6, runit and tini have no timers.
set -eu
b=$(cd "$1" && pwd)
n=${NCI_BENCH_TIMERS:-100}
window=${NCI_BENCH_TIMER_WINDOW:-10}
tmp=${TMPDIR:-/tmp}
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
unshare --pid --fork --mount-proc true 2> /dev/null || { echo "timers: cannot make a PID namespace (needs root)"; exit 1; }

work=$(mktemp -d "$tmp/nci-bench-timers.XXXXXX")
up=''
cleanup() {
  # the namespace's PID 1 ends, and every process in it with it
  if [ -n "$up" ]; then kill -KILL "$up" 2> /dev/null || true; wait "$up" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# tree NAME KIND: N oneshots and, for KIND idle or busy, a timer each
tree() {
  local name=$1 kind=$2 i sep=""
  {
    echo "{"
    for i in $(seq "$n"); do
      printf '%s"job%s": {"serviceConfig": {"Type": "oneshot", "ExecStart": "/bin/sh -c '"'"'echo >> %s/stamps'"'"'"}}' "$sep" "$i" "$work"
      sep=","
      case $kind in
        idle) printf ', "job%s.timer": {"wantedBy": ["timers.target"], "timerConfig": {"OnBootSec": "1h", "OnCalendar": "*-*-* 03:%02d:00"}}' "$i" $((i % 60)) ;;
        busy) printf ', "job%s.timer": {"wantedBy": ["timers.target"], "timerConfig": {"OnBootSec": "1s", "OnUnitActiveSec": "1s"}}' "$i" ;;
      esac
    done
    echo "}"
  } > "$work/$name.json"
  "$b/nci-convert" "$work/$name.json" "$work/$name.tree" > /dev/null 2>&1
}

# boot NAME: nci-init on tree NAME in a new PID namespace; sets up and init (its pid here)
boot() {
  rm -rf "$work/state" "$work/stamps"
  unshare --pid --fork --mount-proc "$b/nci-init" --state-dir "$work/state" "$work/$1.tree" > "$work/log" 2>&1 < /dev/null &
  up=$!
  init=""
  for _ in $(seq 500); do
    init=$(cat "/proc/$up/task/$up/children" 2> /dev/null || true)
    init=${init% }
    [ -n "$init" ] && [ "$(head -n 1 "$work/state/.nci-init/state" 2> /dev/null)" = "state up" ] && return 0
    sleep 0.01
  done
  echo "timers: nci-init did not boot $1: $(tail -n 5 "$work/log")" >&2
  exit 1
}
stop() { kill -TERM "$init"; wait "$up" || true; up=''; }
switches() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$init/status"; }
pss() { awk '/^Pss:/ { print $2 }' "/proc/$init/smaps_rollup"; }
stamps() { [ -f "$work/stamps" ] && wc -l < "$work/stamps" || echo 0; }

tree none none
tree idle idle
tree busy busy

boot none
mem_none=$(pss)
stop

boot idle
mem_idle=$(pss)
s0=$(switches)
sleep "$window"
s1=$(switches)
idle_wakes=$((s1 - s0))
idle_runs=$(stamps)
stop

boot busy
s0=$(switches); r0=$(stamps)
sleep "$window"
s1=$(switches); r1=$(stamps)
stop
busy_runs=$((r1 - r0))
busy_wakes=$((s1 - s0))

echo "timers: $n timers, nci-init as PID 1, a ${window} s window after the boot"
echo "  idle (elapses hours away): $idle_wakes wake-ups, $idle_runs elapses (target: wake-ups <= elapses)"
awk -v r="$busy_runs" -v w="$busy_wakes" 'BEGIN { printf "  busy (each every 1 s): %d elapses, %d wake-ups, %.1f wake-ups per elapse\n", r, w, r ? w / r : 0 }'
awk -v a="$mem_idle" -v z="$mem_none" -v n="$n" 'BEGIN { printf "  memory: nci-init PSS %d kB with the timers, %d kB without: %.2f kB per timer (the zone data, read once, included)\n", a, z, (a - z) / n }'
