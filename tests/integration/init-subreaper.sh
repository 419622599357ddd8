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
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=/bin/sh -c '$SVC pidfile $TMP/orphan.pid ignore TERM pause > /dev/null 2>&1 &'")" \
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
mktree subearly "$(unit svc "ExecStart=$SVC pause")"
fifo_index
run subearly "$TREE"
wait_for 5 in_fifo_open "$P" || fail "nci-init did not block on its index"
kill -TERM "$P"
feed_index
reap_init 5
assert_eq "exit code" 0 "$rc"
assert_match "it stopped" 'nci-init: info: stopping' "$(cat "$ERR")"

t "subreaper: a failing unit ends it with the unit's code; nothing is left behind"
mktree subfail "$(unit bad Type=oneshot "ExecStart=$SVC exit 5")" "$(unit other "ExecStart=$SVC pidfile $TMP/other.pid pause")"
run subfail "$TREE"
reap_init 15
assert_eq "exit code" 5 "$rc"
if [ -s "$TMP/other.pid" ]; then
  o=$(cat "$TMP/other.pid")
  wait_for 5 gone "$o" || fail "a service of the stopped tree is still running"
fi
