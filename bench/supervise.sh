#!/bin/bash
# nci-supervise against Debian's s6-supervise, same machine, same run:
# - supervision memory: PSS per supervisor with N (100) services up.
#   Target (issue "nci-supervise"): at most 0.5x s6-supervise's.
# - crash-to-restart latency with RestartSec=0: a service that exits at once; the time
#   from its exit to the next start, median of CYCLES. Target: under 2 ms. s6-supervise
#   waits 1 s between restarts by design, so it is measured on 3 cycles only.
set -eu
b=$1
n=${NCI_BENCH_SERVICES:-100}
cycles=${NCI_BENCH_CYCLES:-200}
tmp=${TMPDIR:-/tmp}
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
work=$(mktemp -d "$tmp/nci-bench-sv.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# waitfile FILE: bounded wait (20 s) for a file to appear.
waitfile() {
  local i=0
  until [ -e "$1" ]; do
    i=$((i + 1)); [ $i -lt 2000 ] || { echo "bench: timed out waiting for $1" >&2; exit 1; }
    sleep 0.01
  done
}

# pss_kb PID...: total PSS in kB of the given processes.
pss_kb() {
  local t=0 p v
  for p in "$@"; do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
    t=$((t + v))
  done
  echo "$t"
}

# memory KIND PROGRAM: starts n supervisors of KIND, each on a service running
# `sleep`, waits for every service to be up, prints the PSS per supervisor.
memory() {
  local kind=$1 prog=$2 i d list=()
  mkdir "$work/$kind"
  for i in $(seq "$n"); do
    d=$work/$kind/s$i
    mkdir "$d"
    printf '#!/bin/sh\nexec sleep 100000\n' > "$d/run"
    chmod +x "$d/run"
    "$prog" "$d" > /dev/null 2>&1 &
    pids+=($!); list+=($!)
  done
  for i in $(seq "$n"); do waitfile "$work/$kind/s$i/supervise/status"; done
  for i in $(seq "$n"); do s6-svwait -u -t 20000 "$work/$kind/s$i"; done
  echo $(( $(pss_kb "${list[@]}") / n ))
  for p in "${list[@]}"; do kill -TERM "$p"; done
  for p in "${list[@]}"; do wait "$p" 2>/dev/null || true; done
}

# latency KIND PROGRAM CYCLES: median microseconds from an exit to the next start.
latency() {
  local kind=$1 prog=$2 count=$3 d=$work/lat-$1 p
  mkdir "$d"
  cp "$b/bench/crasher" "$d/run"
  echo "$count" > "$d/count"
  echo always > "$d/restart"; echo 0 > "$d/restart-sec"; echo 0 > "$d/start-limit-interval"
  "$prog" "$d" > /dev/null 2>&1 &
  p=$!; pids+=($p)
  waitfile "$d/done"
  kill -TERM "$p"; wait "$p" 2>/dev/null || true
  awk 'NR > 1 { print int(($1 - prev) / 1000) } { prev = $2 }' "$d/stamps" | sort -n \
    | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

command -v s6-supervise > /dev/null || { echo "supervise: s6-supervise not installed (Debian package s6)"; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
s6_pss=$(memory s6 s6-supervise)
nci_pss=$(memory nci "$b/nci-supervise")
echo "supervise: PSS per supervisor with $n services: s6-supervise ${s6_pss} kB;" \
  "nci-supervise (as built: static, musl) ${nci_pss} kB, ratio $(ratio "$nci_pss" "$s6_pss") (target <= 0.5)"
if [ -x "$b/glibc/nci-supervise" ]; then
  glibc_pss=$(memory glibc "$b/glibc/nci-supervise")
  echo "supervise: PSS per supervisor with $n services: nci-supervise (SERVICE_LIBC=system, static)" \
    "${glibc_pss} kB, ratio $(ratio "$glibc_pss" "$s6_pss")"
fi
nci_lat=$(latency nci "$b/nci-supervise" "$cycles")
s6_lat=$(latency s6 s6-supervise 3)
echo "supervise: crash-to-restart (RestartSec=0), median: nci-supervise ${nci_lat} us over $cycles cycles," \
  "s6-supervise ${s6_lat} us over 3 (waits 1 s by design), ratio" \
  "$(awk -v a="$nci_lat" -v b="$s6_lat" 'BEGIN { printf "%.4f", a / b }') (target: nci under 2000 us)"
