#!/bin/bash
# nci-init as PID 1 of a PID namespace: reaping orphans, and the shutdown (reverse order, stop
# timeouts, what is left gets TERM then KILL, the end as soon as nothing is left).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"

S=$TMP/stamps
# holders of the fifos' write ends, ended by pid
holders=()
_kill_holders() { local h; for h in "${holders[@]}"; do kill "$h" 2> /dev/null; done; }
trap '_kill_holders; _init_cleanup; _close_case; _case=""; bug_summary; _finish' EXIT

# children_of_init: how many processes have nci-init as their parent
children_of_init() { cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$P" '{ l = $0; sub(/.*\) /, "", l); split(l, a, " "); if (a[2] == p) n++ } END { print n + 0 }'; }

# orphan_fifo NAME: a fifo the orphans each read one line from (opened read-write, so an
# orphan that opens it late never waits for a writer); release_orphans writes their 1000
# lines at once. Sets FIFO and HOLDER (keeps the fifo open between them).
orphan_fifo() {
  FIFO=$TMP/$1.fifo
  mkfifo "$FIFO"
  ( exec sleep 60 ) 9<> "$FIFO" &
  HOLDER=$!; holders+=("$HOLDER")
}
release_orphans() {
  printf '%.0s\n' {1..1000} 1<> "$FIFO"
  kill "$HOLDER"
}

# ---------------------------------------------------------------- reaping

t "reaping: 1000 orphans of a oneshot (children of nci-init) exit at once: no zombie remains"
orphan_fifo orph1
# 1000 processes blocked on the fifo; their parent exits at once: they are nci-init's now
printf 'for i in {1..1000}; do read -r _ <> %s & done\n' "$FIFO" > "$TMP/orphans.sh"
mktree orph1 \
  "$(unit orphans Type=oneshot "ExecStart=/bin/bash $TMP/orphans.sh")" \
  "$(unit svc after=orphans "ExecStart=$SVC pause")"
boot orph1 "$TREE"
wait_booted
# nci-init, svc's nci-supervise, svc, 1000 orphans
wait_for 10 procs_at_least 1003 || fail "the orphans are not there: $(census)"
n=$(children_of_init)
[ "$n" -ge 1001 ] || fail "only $n children of nci-init: the orphans were not reparented to it"
release_orphans
t0=$(now_ms)
# the reaping rate is make bench's; here: every one is reaped
if wait_for 20 census_is "3 0"; then
  took=$(( $(now_ms) - t0 ))
  echo "#   1000 orphans gone and reaped within $took ms (the count from /proc itself takes ~30 ms)"
else
  fail "left after 20 s (procs zombies): $(census)"
fi
stop_init
assert_eq "exit code" 0 "$rc"

t "reaping: 1000 orphans of a longrun (children of its nci-supervise) exit at once: no zombie remains"
orphan_fifo orph2
# a subshell forks them and exits: they are the orphans of the service, and the service goes on
printf '( for i in {1..1000}; do read -r _ <> %s & done )\nexec %s pause\n' "$FIFO" "$SVC" > "$TMP/orphans2.sh"
mktree orph2 "$(unit svc "ExecStart=/bin/bash $TMP/orphans2.sh")"
boot orph2 "$TREE"
wait_booted
wait_for 10 procs_at_least 1003 || fail "the orphans are not there: $(census)"
release_orphans
t0=$(now_ms)
if wait_for 5 census_is "3 0"; then
  echo "#   1000 orphans of a service reaped within $(( $(now_ms) - t0 )) ms"
else
  fail "left after 5 s (procs zombies): $(census)"
fi
assert_eq "the service is still up" up "$(nci_state svc state)"
stop_init
assert_eq "exit code" 0 "$rc"

t "reaping: orphans still running at shutdown get SIGTERM, then SIGKILL after --grace"
rm -f "$TMP/orph.sig" "$TMP/o1.pid" "$TMP/o2.pid"
mktree orph3 \
  "$(unit leaver Type=oneshot \
     "ExecStart=/bin/sh -c '$SVC onsig TERM $TMP/orph.sig exit 0 pidfile $TMP/o1.pid pause & $SVC ignore TERM pidfile $TMP/o2.pid pause &'")" \
  "$(unit svc "ExecStart=$SVC pause")"
boot orph3 --grace 700 "$TREE"
wait_booted
wait_for 5 test -s "$TMP/o1.pid" -a -s "$TMP/o2.pid" || fail "the orphans did not start"
stop_init TERM
assert_eq "exit code" 0 "$rc"
assert_eq "the orphan that handles SIGTERM got it" "SIGTERM $(cat "$TMP/o1.pid" 2>&1)" "$(cat "$TMP/orph.sig" 2>&1)"
[ "$took" -ge 650 ] || fail "ended after $took ms: the one ignoring SIGTERM was not given the grace (700 ms)"
[ "$took" -lt 5000 ] || fail "ended after $took ms, --grace is 700"
assert_match "TERM logged" 'nci-init: info: sending SIGTERM to the processes left' "$(cat "$ERR")"
assert_match "KILL logged" 'nci-init: info: sending SIGKILL to the processes left' "$(cat "$ERR")"

t "reaping: orphans that end on SIGTERM: nci-init ends at once, not after --grace"
rm -f "$TMP/orph.sig" "$TMP/o1.pid"
mktree orph4 \
  "$(unit leaver Type=oneshot "ExecStart=/bin/sh -c '$SVC onsig TERM $TMP/orph.sig exit 0 pidfile $TMP/o1.pid pause &'")" \
  "$(unit svc "ExecStart=$SVC pause")"
boot orph4 --grace 20000 "$TREE"
wait_booted
wait_for 5 test -s "$TMP/o1.pid" || fail "the orphan did not start"
stop_init TERM 15
assert_eq "exit code" 0 "$rc"
[ "$took" -lt 3000 ] || fail "ended after $took ms: it waited for the grace with nothing left"
assert_match "got SIGTERM" '^SIGTERM ' "$(cat "$TMP/orph.sig" 2>&1)"
grep -q 'SIGKILL' "$ERR" && fail "SIGKILL sent: $(grep SIGKILL "$ERR")"

# ---------------------------------------------------------------- shutdown

t "shutdown: 100 services stop promptly after SIGTERM"
members=()
for i in $(seq -w 1 100); do members+=("$(unit "s$i" "ExecStart=$SVC pause")"); done
mktree hundred "${members[@]}"
t0=$(now_ms)
boot hundred "$TREE"
wait_booted 30
booted=$(( $(now_ms) - t0 ))
wait_for 5 census_is "201 0"
assert_eq "processes: init, 100 supervise, 100 services" "201 0" "$(census)"
stop_init TERM 20
echo "#   100 services: booted in about $booted ms, stopped in $took ms"
assert_eq "exit code" 0 "$rc"
[ "$took" -lt 15000 ] || fail "stopping 100 services took $took ms"
assert_eq "each stopped by its nci-supervise" 100 "$(grep -c '^nci-init: info: stopping s[0-9]*$' "$ERR")"
grep -q 'processes left' "$ERR" && fail "processes were left for the final TERM: $(grep 'left' "$ERR")"

t "shutdown: a service ignoring SIGTERM bounds the stop by its TimeoutStopSec (a second SIGTERM changes nothing)"
mktree stubborn \
  "$(unit stubborn TimeoutStopSec=1s "ExecStart=$SVC ignore TERM stamp $S stubborn pause")" \
  "$(unit quick "ExecStart=$SVC pause")"
rm -f "$S"
boot stubborn --grace 20000 "$TREE"
wait_booted
# a simple longrun is up at fork: its SIGTERM is ignored once it stamped
wait_for 5 has_stamp "$S" stubborn || fail "stubborn did not start"
t0=$(now_ms)
kill -TERM "$P"
wait_for 5 grep -q '^state stopping' "$SD/.nci-init/state" || fail "not stopping"
kill -TERM "$P"
reap_init 15
took=$(( $(now_ms) - t0 ))
assert_eq "exit code" 0 "$rc"
[ "$took" -ge 950 ] || fail "ended after $took ms, before the TimeoutStopSec (1 s)"
[ "$took" -lt 10000 ] || fail "ended after $took ms: not bounded by TimeoutStopSec=1s (grace is 20 s)"
assert_eq "killed by its nci-supervise" "killed SIGKILL" "$(nci_state stubborn last-exit)"
grep -q 'processes left' "$ERR" && fail "processes were left for the final TERM: $(grep 'left' "$ERR")"

t "shutdown: reverse order (a unit stops once the units ordered after it have stopped), then the oneshots' ExecStop"
rm -f "$S"
mktree reverse \
  "$(unit base Type=oneshot RemainAfterExit=true "ExecStart=$SVC" "ExecStop=$SVC stamp $S base.stop")" \
  "$(unit a after=base "ExecStart=$SVC pause" "ExecStop=$SVC stamp $S a.stop")" \
  "$(unit b after=a "ExecStart=$SVC pause" "ExecStop=$SVC stamp $S b.stop wait-file $TMP/side.stopped 10000 sleep 200 stamp $S b.stopped")" \
  "$(unit c after=b "ExecStart=$SVC pause" "ExecStop=$SVC stamp $S c.stop")" \
  "$(unit side after=base "ExecStart=$SVC pause" "ExecStop=$SVC stamp $S side.stop touch $TMP/side.stopped")"
boot reverse "$TREE"
wait_booted
stop_init
assert_eq "exit code" 0 "$rc"
assert_before "$S" c.stop b.stop
assert_before "$S" b.stopped a.stop
assert_before "$S" a.stop base.stop
assert_before "$S" side.stop base.stop
# side is ordered after base only: it stops in parallel with the chain (b's ExecStop waits at
# most 10 s for side's to have run: a side stopped after b comes after b.stopped)
assert_before "$S" side.stop b.stopped

t "shutdown: a oneshot's ExecStop that hangs is bounded by its TimeoutStopSec"
rm -f "$S"
mktree hangstop \
  "$(unit o Type=oneshot RemainAfterExit=true TimeoutStopSec=500ms "ExecStart=$SVC" "ExecStop=$SVC stamp $S stop sleep 30000 stamp $S stopped")" \
  "$(unit keep "ExecStart=$SVC pause")"
boot hangstop --grace 1000 "$TREE"
wait_booted
stop_init TERM 15
assert_eq "exit code" 0 "$rc"
assert_eq "ExecStop started" 1 "$(count_stamps "$S" stop)"
[ "$took" -lt 10000 ] || bug "the stop took $took ms: the oneshot's ExecStop (sleeping 30 s) was not killed after its TimeoutStopSec=500ms"
