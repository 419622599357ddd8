#!/bin/bash
# nci-init against Debian's s6-svscan (+ s6-supervise), runit's runsvdir and tini, each
# as PID 1 of its own PID namespace (unshare --pid --fork --mount-proc), same machine,
# same run. Targets are issue "nci-init"'s:
# - boot: from the exec of the init (bench/stamp marks it) to N longruns running
#   (N = 10, 100, 1000), each service bench/started, which appends one byte to a FIFO
#   that this script reads N bytes from. nci: N units Type=simple ExecStart=started,
#   converted by nci-convert, so each runs as users get it (nci-supervise, the run
#   script, nci-exec); s6 and runit: N service dirs whose run is started itself; the
#   floor: bench/launch forking and execing the N programs. Targets: nci/s6 <= 0.3,
#   nci/plain <= 2.
# - shutdown: with those N services up, from SIGTERM to the init until the namespace
#   is gone (unshare returns). s6-svscan 2.11 on SIGTERM stops every s6-supervise, waits
#   for them and exits. Target: nci/s6 <= 0.3.
# - orphan reaping: the init's main command (nci-init TREE -- CMD, tini -- CMD) makes M
#   orphans, children of PID 1, and kills them all at once (bench/orphans); the time
#   until the last is reaped. Target: nci-init's rate at least tini's, measured with
#   the M zombies already there (the init stopped while they die, then continued):
#   the init's own part. From the SIGKILL on, as users see it, is printed too, but
#   that is mostly the kernel ending M processes, and varies by 4x from run to run.
# Also printed: the CPU the init itself uses while idle with N services up (an init
# with an event loop uses none).
set -eu
b=$(cd "$1" && pwd)
sizes=${NCI_BENCH_INIT_SIZES:-10 100 1000}
m=${NCI_BENCH_ORPHANS:-10000}
orphan_runs=${NCI_BENCH_ORPHAN_RUNS:-5}
tmp=${TMPDIR:-/tmp}
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm

# Repetitions per size: the large boots take longest and vary least.
runs_for() {
  [ -n "${NCI_BENCH_INIT_RUNS:-}" ] && { echo "$NCI_BENCH_INIT_RUNS"; return; }
  if [ "$1" -le 10 ]; then echo 7; elif [ "$1" -le 100 ]; then echo 5; else echo 3; fi
}

for p in s6-svscan runsvdir tini unshare; do
  command -v "$p" > /dev/null || { echo "init: $p not installed (Debian packages s6, runit, tini, util-linux)"; exit 1; }
done
unshare --pid --fork --mount-proc true 2> /dev/null || { echo "init: cannot make a PID namespace (needs root)"; exit 1; }
for p in started stamp launch orphans; do
  [ -x "$b/bench/$p" ] || { echo "init: $b/bench/$p is not built (make $b/bench/$p)"; exit 1; }
done

work=$(mktemp -d "$tmp/nci-bench-init.XXXXXX")
up=''   # the unshare running the current init, and that init (PID 1 inside)
init=''
cleanup() {
  exec 3>&- 4>&- 5>&- 6<&-
  if [ -n "$up" ]; then kill_all; fi
  rm -rf "$work"
}
trap cleanup EXIT

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
fail() { echo "init: $*" >&2; [ -s "$work/log" ] && tail -n 20 "$work/log" >&2; exit 1; }

# spawn CMD...: CMD as PID 1 of a new PID namespace, its output in $work/log. Only
# unshare is given the FIFO $work/alive to write, and the script reads it on fd 6:
# end of file there is unshare's exit, i.e. the namespace gone.
spawn() {
  rm -f "$work/alive"; mkfifo "$work/alive"
  BENCH_FIFO=$work/fifo unshare --pid --fork --mount-proc "$@" \
    > "$work/log" 2>&1 < /dev/null 3>&- 4>&- 5>&- 7> "$work/alive" &
  up=$!
  exec 6< "$work/alive"
}

# start KIND N: the init of KIND on N services, its exec stamped in $work/stamp.
start() {
  local kind=$1 n=$2 cmd
  case $kind in
    nci) rm -rf "$work/state"; cmd=("$b/nci-init" --state-dir "$work/state" "$work/tree$n") ;;
    s6) rm -rf "$work/scan"; cp -r "$work/svc$n" "$work/scan"  # -c: s6-svscan takes 500 by default
      cmd=(s6-svscan -c "$((n > 500 ? n : 500))" "$work/scan") ;;
    runit) rm -rf "$work/scan"; cp -r "$work/svc$n" "$work/scan"; cmd=(runsvdir "$work/scan") ;;
    plain) cmd=("$b/bench/launch" "$n" "$b/bench/started" "$work/fifo") ;;
  esac
  spawn "$b/bench/stamp" "$work/stamp" "${cmd[@]}"
}

# init_pid: the init's PID (unshare's one child) in $init; 1 if there is none.
init_pid() {
  local i=0
  until [ -n "$init" ]; do
    init=$(cat "/proc/$up/task/$up/children" 2> /dev/null) || true
    init=${init% }
    [ -n "$init" ] && break
    i=$((i + 1)); [ $i -lt 1000 ] || return 1
    case $(awk '{ print $3 }' "/proc/$up/stat" 2> /dev/null) in Z | '') return 1 ;; esac
    sleep 0.01
  done
}

# finish SECONDS: waits for the namespace to be gone, at most SECONDS, then kills it
# (kill_all). Returns 1 if it had to.
finish() {
  local st=0
  read -r -t "$1" -u 6 _ || st=$?
  [ "$st" -gt 128 ] && { kill_all; return 1; }
  wait "$up" || true
  exec 6<&-
  up='' init=''
}

# kill_all: SIGKILL to the init, which ends its whole namespace.
kill_all() {
  if init_pid; then kill -KILL "$init" 2> /dev/null || true; fi
  wait "$up" || true
  exec 6<&-
  up='' init=''
}

# cpu_ticks PID: user + system clock ticks used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run KIND N: boots, records the boot time (and the init's idle CPU and the shutdown
# time with SIGTERM), in $work/KIND.N.{boot,idle,stop}.
run() {
  local kind=$1 n=$2 got t0 tf t1 c0 c1 settle limit=$((10 + $2 / 20))
  rm -f "$work/fifo" "$work/stamp"; mkfifo "$work/fifo"
  exec 3<> "$work/fifo"  # held open: writers never block, nothing is lost between them
  start "$kind" "$n"
  # the first service up: what the init does before it starts anything (load, state dir)
  if ! read -r -N 1 -t "$limit" -u 3 got; then
    kill_all
    fail "$kind: no service started within $limit s"
  fi
  tf=$(now_us)
  if [ "$n" -gt 1 ] && ! read -r -N "$((n - 1))" -t "$limit" -u 3 got; then
    kill_all
    fail "$kind: only $((${#got} + 1)) of $n services started within $limit s"
  fi
  t1=$(now_us)
  read -r t0 < "$work/stamp"
  echo $((t1 - t0)) >> "$work/$kind.$n.boot"
  echo $((tf - t0)) >> "$work/$kind.$n.first"
  init_pid || fail "$kind: no init running after the boot"
  # idle: the init with every service up, doing nothing
  if [ "$n" -ge 1000 ]; then settle=1; else settle=0.3; fi
  sleep 0.1
  c0=$(cpu_ticks "$init"); sleep "$settle"; c1=$(cpu_ticks "$init")
  awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v s="$settle" 'BEGIN { printf "%d\n", 100 * t / hz / s }' >> "$work/$kind.$n.idle"
  if [ "$kind" = runit ]; then  # runsvdir exits on SIGTERM without stopping anything
    kill_all
  else
    t0=$(now_us)
    kill -TERM "$init"
    finish 30 || fail "$kind: still running 30 s after SIGTERM with $n services"
    t1=$(now_us)
    echo $((t1 - t0)) >> "$work/$kind.$n.stop"
  fi
  exec 3>&-
}

# The services, for each size: nci units, and service dirs for s6 and runit.
for n in $sizes; do
  {
    printf '{'
    for i in $(seq "$n"); do
      [ "$i" -gt 1 ] && printf ','
      printf '"s%d": {"wantedBy": ["multi-user.target"], "serviceConfig": {"ExecStart": "%s %s"}}\n' \
        "$i" "$b/bench/started" "$work/fifo"
    done
    printf '}\n'
  } > "$work/units$n.json"
  "$b/nci-convert" --nci-bindir "$b" "$work/units$n.json" "$work/tree$n" > "$work/log" 2>&1 \
    || fail "nci-convert failed on $n units"
  for i in $(seq "$n"); do
    mkdir -p "$work/svc$n/s$i"
    ln -s "$b/bench/started" "$work/svc$n/s$i/run"
  done
done

field() { median < "$work/$1"; }
list() { tr '\n' ' ' < "$work/$1" | awk '{ for (i = 1; i <= NF; i++) printf "%s%.1f", (i > 1 ? " " : ""), $i / 1000 }'; }

for n in $sizes; do
  runs=$(runs_for "$n")
  for _ in $(seq "$runs"); do
    for kind in plain nci s6 runit; do run "$kind" "$n"; done
  done
  pb=$(field "plain.$n.boot"); nb=$(field "nci.$n.boot"); sb=$(field "s6.$n.boot"); rb=$(field "runit.$n.boot")
  echo "init boot, $n longruns up, median of $runs (ms): nci-init $(ms "$nb"), s6-svscan $(ms "$sb")," \
    "runsvdir $(ms "$rb"), plain fork+exec $(ms "$pb");" \
    "nci/s6 $(ratio "$nb" "$sb") (target <= 0.3), nci/plain $(ratio "$nb" "$pb") (target <= 2), nci/runit $(ratio "$nb" "$rb")"
  echo "  runs (ms): nci-init $(list "nci.$n.boot"); s6 $(list "s6.$n.boot"); runit $(list "runit.$n.boot"); plain $(list "plain.$n.boot")"
  echo "init first service up of $n, median of $runs (ms; the init's load and state directory before its" \
    "first start): nci-init $(ms "$(field "nci.$n.first")"), s6-svscan $(ms "$(field "s6.$n.first")")," \
    "runsvdir $(ms "$(field "runit.$n.first")"), plain fork+exec $(ms "$(field "plain.$n.first")")"
  ns=$(field "nci.$n.stop"); ss=$(field "s6.$n.stop"); ps=$(field "plain.$n.stop")
  echo "init shutdown, SIGTERM to exit with $n services up, median of $runs (ms): nci-init $(ms "$ns")," \
    "s6-svscan $(ms "$ss"), plain kill+reap $(ms "$ps"); nci/s6 $(ratio "$ns" "$ss") (target <= 0.3)"
  echo "  runs (ms): nci-init $(list "nci.$n.stop"); s6 $(list "s6.$n.stop")"
  echo "init idle CPU of the init itself with $n services up, median (% of a CPU): nci-init $(field "nci.$n.idle")," \
    "s6-svscan $(field "s6.$n.idle"), runsvdir $(field "runit.$n.idle") (expected: 0)"
done

# Orphan reaping: nci-init in command mode needs a tree with a unit: a oneshot.
printf '{"noop": {"wantedBy": ["multi-user.target"], "serviceConfig": {"Type": "oneshot", "RemainAfterExit": true, "ExecStart": "/bin/true"}}}\n' \
  > "$work/noop.json"
"$b/nci-convert" --nci-bindir "$b" "$work/noop.json" "$work/noop" > "$work/log" 2>&1 || fail "nci-convert failed on the noop unit"

# reap KIND MODE: one run of bench/orphans under the init of KIND; MODE live: the
# time from the SIGKILL until none is left; paused: the init is stopped while the
# orphans die, the time from its SIGCONT until none is left. In $work/KIND.MODE.
reap() {
  local kind=$1 mode=$2 cmd t t0 i=0 st=''
  rm -rf "$work/state" "$work/orphans" "$work/ready" "$work/go"
  cmd=("$b/bench/orphans" "$m" "$work/orphans")
  if [ "$mode" = paused ]; then
    mkfifo "$work/ready" "$work/go"
    exec 4<> "$work/ready" 5<> "$work/go"
    cmd+=("$work/ready" "$work/go")
  fi
  case $kind in
    tini) cmd=(tini -- "${cmd[@]}") ;;
    nci) cmd=("$b/nci-init" --state-dir "$work/state" "$work/noop" -- "${cmd[@]}") ;;
  esac
  spawn "${cmd[@]}"
  if [ "$mode" = paused ]; then
    read -r -N 1 -t 60 -u 4 _ || { kill_all; fail "$kind: bench/orphans made no $m orphans within 60 s"; }
    init_pid || fail "$kind: no init running"
    kill -STOP "$init"
    until [ "$st" = T ]; do
      st=$(awk '{ print $3 }' "/proc/$init/stat")
      i=$((i + 1)); [ $i -lt 1000 ] || { kill_all; fail "$kind: the init did not stop"; }
      [ "$st" = T ] || sleep 0.01
    done
    printf x >&5
    read -r -N 1 -t 60 -u 4 _ || { kill_all; fail "$kind: the orphans did not die within 60 s"; }
    t0=$(now_us)
    kill -CONT "$init"
  fi
  finish 120 || fail "$kind: orphans of $m still running after 120 s"
  [ "$mode" = paused ] && exec 4>&- 5>&-
  [ -s "$work/orphans" ] || fail "$kind: no result from bench/orphans"
  read -r _ t < "$work/orphans"
  [ "$mode" = paused ] && t=$((t - t0))
  echo "$t" >> "$work/$kind.$mode"
}

for _ in $(seq "$orphan_runs"); do
  for kind in tini nci; do reap "$kind" live; reap "$kind" paused; done
done
rate() { awk -v m="$m" -v u="$1" 'BEGIN { printf "%d", m / (u / 1e6) }'; }
nr=$(field nci.paused); tr=$(field tini.paused)
echo "init orphan reaping, $m zombies waiting (the init stopped while its orphans died), from SIGCONT" \
  "until none is left, median of $orphan_runs: nci-init $(ms "$nr") ms ($(rate "$nr")/s), tini $(ms "$tr") ms" \
  "($(rate "$tr")/s); rate nci/tini $(ratio "$tr" "$nr") (target >= 1)"
echo "  runs (ms): nci-init $(list nci.paused); tini $(list tini.paused)"
nr=$(field nci.live); tr=$(field tini.live)
echo "init orphans, $m killed at once, from the SIGKILL until none is left (mostly the kernel ending them)," \
  "median of $orphan_runs: nci-init $(ms "$nr") ms ($(rate "$nr")/s), tini $(ms "$tr") ms ($(rate "$tr")/s);" \
  "rate nci/tini $(ratio "$tr" "$nr")"
echo "  runs (ms): nci-init $(list nci.live); tini $(list tini.live)"
