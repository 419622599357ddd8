#!/bin/bash
# nci-init not PID 1 (as `./result STATE-DIR` runs a tree from a shell): it makes itself
# a child subreaper, reaps what its services leave, and at the end signals only its
# own descendants.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"

# run NAME ARGS...: nci-init as a plain child of this shell (no PID namespace).
run() {
  local name=$1
  shift
  SD=$TMP/$name.state
  spawn "$name" "$INIT" --state-dir "$SD" "$@"
}

t "subreaper: boots, an orphan of a oneshot is reaped by nci-init, SIGTERM stops all, exit 0"
mktree sub \
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=/bin/sh -c '$SVC ignore TERM pidfile $TMP/orphan.pid pause > /dev/null 2>&1 &'")" \
  "$(unit svc after=prep.service "ExecStart=$SVC stamp $TMP/sub.stamps up pause")"
run sub "$TREE"
wait_booted
wait_for 5 test -s "$TMP/orphan.pid" || fail "the oneshot's background process did not start"
orphan=$(cat "$TMP/orphan.pid" 2>/dev/null)
# the shell that started it is gone: the orphan is nci-init's child now, not PID 1's
ppid=$(awk '{ print $4 }' "/proc/$orphan/stat" 2>/dev/null)
assert_eq "the orphan's parent is nci-init" "$P" "$ppid"
assert_eq "state" "up" "$(nci_state svc state)"
stop_init TERM 15
assert_eq "exit code" 0 "$rc"
wait_for 5 gone "$orphan" || fail "the orphan ignoring SIGTERM is still there after --grace"
assert_match "the grace ended it" 'SIGKILL to the processes left' "$(cat "$ERR")"

t "subreaper: a SIGTERM while the tree loads does not kill nci-init: it stops cleanly once loaded"
term_while_loading run subearly

t "subreaper: a state dir left by an earlier run is taken over, but not the pids in it (another process may have them now)"
rm -f "$TMP/stale.stamps"
mktree stale \
  "$(unit svc "ExecStart=$SVC stamp $TMP/stale.stamps svc pause")" \
  "$(unit once Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $TMP/stale.stamps once")"
run stale "$TREE"
wait_booted
# a simple longrun is up at fork: its program may not have run yet (a loaded ASan run
# stopped it before it stamped, and the next run's one stamp looked like none)
wait_for 15 stamps_are "$TMP/stale.stamps" svc 1 || fail "svc did not start: $(tr '\n' '|' < "$ERR")"
stop_init
# as a run killed while svc was up leaves it; and a process of ours has that pid now
# (in a session of its own: taken over, its session would be signalled at the stop)
setsid "$SVC" pause & decoy=$!
sed -i "s/^pid .*/pid $decoy/; s/^state .*/state up/" "$SD/svc/supervise/nci-state"
run stale "$TREE"
wait_booted
# what svc's process is doing, should it not stamp (a loaded ASan run once saw it up, silent)
svc_proc() {
  local p
  p=$(nci_state svc pid)
  [ -n "$p" ] && [ -d "/proc/$p" ] || { echo "no process $p"; return; }
  echo "$p: $(tr '\0' ' ' < "/proc/$p/cmdline"), $(awk '{ print "state " $3 ", ppid " $4 }' "/proc/$p/stat"), wchan $(cat "/proc/$p/wchan")"
}
wait_for 15 stamps_are "$TMP/stale.stamps" svc 2 \
  || fail "svc not started again: $(count_stamps "$TMP/stale.stamps" svc) starts; state: $(tr '\n' ' ' < "$SD/svc/supervise/nci-state"); process $(svc_proc); stamps: $(tr '\n' '|' < "$TMP/stale.stamps"); log: $(tr '\n' '|' < "$ERR")"
assert_eq "once ran again" 2 "$(count_stamps "$TMP/stale.stamps" once)"
assert_eq "nothing taken over" "" "$(grep 'took over' "$ERR")"
stop_init
assert_eq "exit code" 0 "$rc"
alive "$decoy" || fail "the process that had the old pid was ended"
kill -KILL "$decoy"; wait "$decoy" 2>/dev/null

later_is() { [ "$(nci_state later state) $(nci_state later ready)" = "$1" ]; }
t "a oneshot not run yet shows as down, in a new state dir and in one taken over"
rm -f "$TMP/gate-go"
mktree waiting \
  "$(unit gate Type=notify "ExecStart=$SVC wait-file $TMP/gate-go 20000 notify READY=1 pause")" \
  "$(unit later Type=oneshot RemainAfterExit=true after=gate "ExecStart=$SVC")"
for round in new kept; do
  run waiting "$TREE"
  wait_for 5 unit_is gate starting || fail "$round: gate: $(nci_state gate state)"
  # a unit's state is written by the end of the boot's first pass, which gate's own
  # nci-supervise may report starting before
  wait_for 5 later_is "down no" || fail "$round: later before it runs: [$(nci_state later state) $(nci_state later ready)], expected [down no]"
  touch "$TMP/gate-go"
  wait_booted
  assert_eq "$round: later once run" up "$(nci_state later state)"
  stop_init
  rm -f "$TMP/gate-go"
done

t "subreaper: a failing unit ends it with the unit's code; nothing is left behind"
mktree subfail "$(unit bad Type=oneshot "ExecStart=$SVC exit 5")" "$(unit other "ExecStart=$SVC pidfile $TMP/other.pid pause")"
run subfail "$TREE"
reap_init 15
assert_eq "exit code" 5 "$rc"
if [ -s "$TMP/other.pid" ]; then
  o=$(cat "$TMP/other.pid")
  wait_for 5 gone "$o" || fail "a service of the stopped tree is still running"
fi
