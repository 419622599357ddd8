#!/bin/bash
# shellcheck disable=SC2119 # the libs' wait_booted, stop_init: optional arguments
# nci-init as PID 1 of a PID namespace: failure propagation along Requisite= and BindsTo=,
# and the units' FailureAction= and SuccessAction= (exit, poweroff) on longruns and
# oneshots. Trees are converted from JSON in the fixtures' shape; the services are testsvc.
# (Requires=, Wants=, a BindsTo= unit going down cleanly, FailureAction=exit and a
# oneshot's SuccessAction=exit: init.sh.)
# shellcheck source=tests/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/init/lib.sh
. "$TESTS_DIR/init/lib.sh"

S=$TMP/stamps
wait_stamps() { local w; for w in "$@"; do wait_for 5 has_stamp "$S" "$w" || fail "no stamp $w"; done; }
# svc_pid TEXT: the pid, here (outside the namespace), of the process below nci-init whose
# command line holds TEXT (a file name only one service's command line has)
svc_pid() {
  local p
  for p in $(descendants_named testsvc); do
    tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$1" && { echo "$p"; return; }
  done
}
# init_has LINE: STATEDIR/.nci-init/state has LINE, whole
init_has() { has_line "$SD/.nci-init/state" "$1"; }
# init_failed: the "failed ..." lines of STATEDIR/.nci-init/state, sorted
init_failed() { grep '^failed ' "$SD/.nci-init/state" 2>/dev/null | LC_ALL=C sort; }
logged() { grep -qF -- "$1" "$ERR"; }
# nci-init's log lines are buffered until its loop waits again, its state files are written at
# once: what is logged with a state change is waited for, not read once
wait_logged() { wait_for 5 logged "$1"; }
# unit_settled UNIT: its nci-state says it is no longer running (down or failed)
unit_settled() { case $(nci_state "$1" state) in down|failed) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- Requisite=

reqtree() {
  rm -f "$S"
  mktree requisite \
    "$(unit x Type=oneshot "ExecStart=$SVC stamp $S x exit 3")" \
    "$(unit needy requisite=x after=x "ExecStart=$SVC stamp $S needy pause")" \
    "$(unit needy1 Type=oneshot RemainAfterExit=true requisite=x after=x "ExecStart=$SVC stamp $S needy1")" \
    "$(unit keep "ExecStart=$SVC stamp $S keep pause")"
}

t "requisite: the units whose Requisite= oneshot failed never start, fail, and say why (--on-failure continue)"
reqtree
boot requisite --on-failure continue "$TREE"
wait_booted
wait_stamps keep
assert_eq "x ran" 1 "$(count_stamps "$S" x)"
assert_eq "needy never started" "" "$(st "$S" needy)"
assert_eq "needy1 never started" "" "$(st "$S" needy1)"
assert_eq "init state: the failed units" "failed needy1: dependency failed: x
failed needy: dependency failed: x
failed x: exited 3" "$(init_failed)"
assert_eq "needy state" failed "$(nci_state needy state)"
assert_eq "needy1 state" failed "$(nci_state needy1 state)"
assert_eq "x state" failed "$(nci_state x state)"
assert_eq "keep state" up "$(nci_state keep state)"
status=$("$CTL" -s "$SD" status)
assert_match "status: needy failed, why" '^needy +longrun +failed .*dependency failed: x' "$status"
assert_match "status: needy1 failed, why" '^needy1 +oneshot +failed .*dependency failed: x' "$status"
assert_match "status: keep up" '^keep +longrun +up ' "$status"
wait_logged 'nci-init: info: unit needy failed: dependency failed: x' || fail "needy's failure not logged: $(cat "$ERR")"
wait_logged 'nci-init: info: unit needy1 failed: dependency failed: x' || fail "needy1's failure not logged: $(cat "$ERR")"
has_line "$ERR" 'nci-init: info: starting needy' && fail "needy was started: $(cat "$ERR")"
alive "$P" || fail "the container ended"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "requisite: --on-failure exit (default): the container exits with the failed requisite's code"
reqtree
boot requisite2 "$TREE"
reap_init
assert_eq "exit code: x's" 3 "$rc"
assert_eq "needy never started" "" "$(st "$S" needy)"
init_has "failed x: exited 3" || fail "x not recorded: $(cat "$SD/.nci-init/state")"
init_has "failed needy: dependency failed: x" || fail "needy not recorded: $(cat "$SD/.nci-init/state")"
logged 'nci-init: info: exiting with code 3' || fail "exit not logged: $(cat "$ERR")"

t "requisite: a running longrun whose Requisite= longrun fails (Restart=no, after READY) is failed and stopped (--on-failure continue)"
rm -f "$S" "$TMP/base-go" "$TMP/needy.sig"
mktree reqlong \
  "$(unit base Type=notify "ExecStart=$SVC stamp $S base notify READY=1 wait-file $TMP/base-go 20000 exit 3")" \
  "$(unit needy requisite=base after=base "ExecStart=$SVC onsig TERM $TMP/needy.sig exit 0 stamp $S needy pause")" \
  "$(unit keep "ExecStart=$SVC stamp $S keep pause")"
boot reqlong --on-failure continue "$TREE"
wait_booted
wait_stamps needy keep
wait_for 5 unit_is needy up || fail "needy: $(nci_state needy state)"
needy_pid=$(svc_pid "$TMP/needy.sig")
[ -n "$needy_pid" ] || fail "needy's process not found below nci-init"
touch "$TMP/base-go"
wait_for 10 init_has "failed needy: dependency failed: base" || fail "needy not failed: $(cat "$SD/.nci-init/state")"
[ -z "$needy_pid" ] || wait_for 10 gone "$needy_pid" || fail "needy's process still runs after base failed"
wait_for 5 test -s "$TMP/needy.sig" || fail "needy got no SIGTERM"
assert_match "needy stopped by SIGTERM" '^SIGTERM ' "$(cat "$TMP/needy.sig" 2>&1)"
assert_eq "init state: the failed units" "failed base: result exit-code
failed needy: dependency failed: base" "$(init_failed)"
assert_eq "base state" failed "$(nci_state base state)"
assert_eq "base last exit" "exited 3" "$(nci_state base last-exit)"
wait_logged 'nci-init: info: unit needy failed: dependency failed: base' || fail "needy's failure not logged: $(cat "$ERR")"
wait_for 5 unit_settled needy || fail "needy still running: $(nci_state needy state)"
# its nci-supervise only knows it was told to stop (s6's tools see it down); nci-ctl says why
assert_match "nci-ctl status" '^needy +longrun +failed .* dependency failed: base$' "$("$CTL" -s "$SD" status needy)"
assert_match "nci-ctl check" '^needy: failed \(dependency failed: base\)$' "$("$CTL" -s "$SD" check)"
assert_eq "keep untouched" up "$(nci_state keep state)"
assert_eq "the boot" "state up" "$(boot_state)"
alive "$P" || fail "the container ended"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "requisite: on a unit nothing starts (Requisite= does not pull it in): the unit fails at boot, exit 1"
rm -f "$S"
mktree reqidle \
  "$(unit idle wantedBy= "ExecStart=$SVC stamp $S idle pause")" \
  "$(unit needy requisite=idle after=idle "ExecStart=$SVC stamp $S needy pause")" \
  "$(unit keep "ExecStart=$SVC stamp $S keep pause")"
assert_match "convert reports it" 'needy.*requisite.*idle.*not started by anything' "$(cat "$TMP/reqidle.convert")"
boot reqidle "$TREE"
reap_init
assert_eq "exit code" 1 "$rc"
assert_eq "needy never started" "" "$(st "$S" needy)"
assert_eq "idle never started" "" "$(st "$S" idle)"
init_has "failed needy: requires a unit that does not run: idle" || fail "needy not recorded: $(cat "$SD/.nci-init/state")"

# ---------------------------------------------------------------- BindsTo=

bindtree() {
  rm -f "$S" "$TMP/a-go" "$TMP/b.sig"
  mktree bindfail \
    "$(unit a Type=notify "ExecStart=$SVC stamp $S a notify READY=1 wait-file $TMP/a-go 20000 exit 5")" \
    "$(unit b bindsTo=a after=a "ExecStart=$SVC onsig TERM $TMP/b.sig exit 0 stamp $S b pause")" \
    "$(unit keep "ExecStart=$SVC stamp $S keep pause")"
}

t "bindsTo: a longrun bound to a longrun that fails (exit 5 after READY, Restart=no) is failed and stopped (--on-failure continue)"
bindtree
boot bindfail --on-failure continue "$TREE"
wait_booted
wait_stamps b keep
wait_for 5 unit_is b up || fail "b: $(nci_state b state)"
assert_before "$S" a b
b_pid=$(svc_pid "$TMP/b.sig")
[ -n "$b_pid" ] || fail "b's process not found below nci-init"
touch "$TMP/a-go"
wait_for 10 init_has "failed b: dependency failed: a" || fail "b not failed: $(cat "$SD/.nci-init/state")"
[ -z "$b_pid" ] || wait_for 10 gone "$b_pid" || fail "b's process still runs after a failed"
wait_for 5 test -s "$TMP/b.sig" || fail "b got no SIGTERM"
assert_match "b stopped by SIGTERM" '^SIGTERM ' "$(cat "$TMP/b.sig" 2>&1)"
assert_eq "init state: the failed units" "failed a: result exit-code
failed b: dependency failed: a" "$(init_failed)"
assert_eq "a state" failed "$(nci_state a state)"
assert_eq "a last exit" "exited 5" "$(nci_state a last-exit)"
wait_logged 'nci-init: info: unit a failed: result exit-code' || fail "a's failure not logged: $(cat "$ERR")"
wait_logged 'nci-init: info: unit b failed: dependency failed: a' || fail "b's failure not logged: $(cat "$ERR")"
wait_for 5 unit_settled b || fail "b still running: $(nci_state b state)"
assert_match "nci-ctl status" '^b +longrun +failed .* dependency failed: a$' "$("$CTL" -s "$SD" status b)"
assert_match "nci-ctl check" '^b: failed \(dependency failed: a\)$' "$("$CTL" -s "$SD" check)"
assert_eq "b not restarted" 1 "$(count_stamps "$S" b)"
assert_eq "keep untouched" up "$(nci_state keep state)"
alive "$P" || fail "the container ended"
# started again by hand it is failed no more, and once stopped it is down, not failed
"$CTL" -s "$SD" start b || fail "nci-ctl start b: exit $?"
wait_for 5 stamps_are "$S" b 2 || fail "b not started again"
wait_for 5 eval '[ "$(init_failed)" = "failed a: result exit-code" ]' || fail "b still listed failed: $(cat "$SD/.nci-init/state")"
wait_logged 'nci-init: info: unit b started again' || fail "b's new start not logged: $(cat "$ERR")"
"$CTL" -s "$SD" stop b || fail "nci-ctl stop b: exit $?"
wait_for 5 unit_settled b || fail "b still running: $(nci_state b state)"
assert_match "nci-ctl status after a start and a stop" '^b +longrun +down ' "$("$CTL" -s "$SD" status b)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "bindsTo: --on-failure exit (default): the container exits with the failed unit's code (5), the bound unit stopped"
bindtree
boot bindfail2 "$TREE"
wait_booted
wait_stamps b
wait_for 5 unit_is b up || fail "b: $(nci_state b state)"
touch "$TMP/a-go"
reap_init
assert_eq "exit code: a's" 5 "$rc"
assert_match "b stopped by SIGTERM" '^SIGTERM ' "$(cat "$TMP/b.sig" 2>&1)"
init_has "failed a: result exit-code" || fail "a not recorded: $(cat "$SD/.nci-init/state")"
init_has "failed b: dependency failed: a" || fail "b not recorded: $(cat "$SD/.nci-init/state")"
logged 'nci-init: info: exiting with code 5' || fail "exit not logged: $(cat "$ERR")"

t "bindsTo: a longrun bound to a oneshot that fails never starts (--on-failure continue)"
rm -f "$S"
mktree bindone \
  "$(unit setup Type=oneshot "ExecStart=$SVC stamp $S setup exit 4")" \
  "$(unit b bindsTo=setup after=setup "ExecStart=$SVC stamp $S b pause")" \
  "$(unit keep "ExecStart=$SVC stamp $S keep pause")"
boot bindone --on-failure continue "$TREE"
wait_booted
wait_stamps keep
assert_eq "b never started" "" "$(st "$S" b)"
assert_eq "init state: the failed units" "failed b: dependency failed: setup
failed setup: exited 4" "$(init_failed)"
assert_eq "b state" failed "$(nci_state b state)"
assert_match "status: b failed, why" '^b +longrun +failed .*dependency failed: setup' "$("$CTL" -s "$SD" status)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

# ---------------------------------------------------------------- FailureAction=

t "FailureAction=poweroff (unitConfig) on a longrun ends the container with its code even with --on-failure continue"
rm -f "$S" "$TMP/fa-go" "$TMP/keep.sig"
mktree fapower \
  "$(unit fa Type=notify unit.FailureAction=poweroff "ExecStart=$SVC notify READY=1 wait-file $TMP/fa-go 20000 exit 6")" \
  "$(unit keep "ExecStart=$SVC onsig TERM $TMP/keep.sig exit 0 stamp $S keep pause")"
assert_eq "the tree's failure-action" poweroff "$(cat "$TREE/units/fa/failure-action" 2>&1)"
boot fapower --on-failure continue "$TREE"
wait_booted
wait_stamps keep
alive "$P" || fail "the container ended before fa failed"
touch "$TMP/fa-go"
reap_init
assert_eq "exit code: fa's" 6 "$rc"
init_has "failed fa: result exit-code" || fail "fa not recorded: $(cat "$SD/.nci-init/state")"
assert_match "keep stopped by SIGTERM" '^SIGTERM ' "$(cat "$TMP/keep.sig" 2>&1)"
logged 'nci-init: info: exiting with code 6' || fail "exit not logged: $(cat "$ERR")"

t "FailureAction=poweroff-force on a oneshot, killed by a signal: 128+signal with --on-failure continue"
rm -f "$S"
mktree fapower1 \
  "$(unit fo Type=oneshot unit.FailureAction=poweroff-force "ExecStart=$SVC crash TERM")" \
  "$(unit after-fo after=fo wants=fo "ExecStart=$SVC stamp $S after-fo pause")"
boot fapower1 --on-failure continue "$TREE"
reap_init
assert_eq "exit code: SIGTERM" 143 "$rc"
init_has "failed fo: killed by SIGTERM" || fail "fo not recorded: $(cat "$SD/.nci-init/state")"
assert_eq "nothing after fo started" "" "$(st "$S" after-fo)"

t "FailureAction=none on a failing longrun with --on-failure continue: the container keeps running"
rm -f "$TMP/fn-go"
mktree fanone \
  "$(unit fn Type=notify unit.FailureAction=none "ExecStart=$SVC notify READY=1 wait-file $TMP/fn-go 20000 exit 6")" \
  "$(unit keep "ExecStart=$SVC pause")"
boot fanone --on-failure continue "$TREE"
wait_booted
touch "$TMP/fn-go"
wait_for 10 init_has "failed fn: result exit-code" || fail "fn not failed: $(cat "$SD/.nci-init/state")"
assert_eq "the boot" "state up" "$(boot_state)"
alive "$P" || fail "the container ended"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

# ---------------------------------------------------------------- SuccessAction=

# satree NAME ACTION EXIT: a simple longrun "job" with SuccessAction=ACTION that exits EXIT once
# $TMP/NAME-go exists, and a longrun "keep" that would run for ever
satree() {
  rm -f "$S" "$TMP/$1-go" "$TMP/$1.sig"
  mktree "$1" \
    "$(unit job Type=simple unit.SuccessAction="$2" "ExecStart=$SVC stamp $S job wait-file $TMP/$1-go 20000 exit $3")" \
    "$(unit keep "ExecStart=$SVC onsig TERM $TMP/$1.sig exit 0 stamp $S keep pause")"
}

for action in exit poweroff; do
  t "SuccessAction=$action on a longrun that exits 0 by itself: the container stops, exit 0"
  satree "sa-$action" "$action" 0
  boot "sa-$action" "$TREE"
  wait_booted
  wait_stamps job keep
  alive "$P" || fail "the container ended before job exited"
  touch "$TMP/sa-$action-go"
  reap_init
  assert_eq "exit code" 0 "$rc"
  logged 'nci-init: info: unit job is down' || fail "job's end not logged: $(cat "$ERR")"
  logged 'nci-init: info: stopping' || fail "the stop not logged: $(cat "$ERR")"
  assert_match "keep stopped by SIGTERM" '^SIGTERM ' "$(cat "$TMP/sa-$action.sig" 2>&1)"
  assert_eq "no failure recorded" "state down" "$(cat "$SD/.nci-init/state")"
done

t "SuccessAction=exit on a longrun that exits non-zero is a failure, not a success: --on-failure continue keeps the container"
satree sa-fail exit 3
boot sa-fail --on-failure continue "$TREE"
wait_booted
wait_stamps job keep
touch "$TMP/sa-fail-go"
wait_for 10 init_has "failed job: result exit-code" || fail "job not failed: $(cat "$SD/.nci-init/state")"
assert_eq "job state" failed "$(nci_state job state)"
assert_eq "the boot: still up" "state up" "$(boot_state)"
logged 'nci-init: info: stopping' && fail "the container is stopping: $(cat "$ERR")"
alive "$P" || fail "the container ended"
assert_eq "keep untouched" up "$(nci_state keep state)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "SuccessAction=exit on a longrun that exits non-zero, --on-failure exit (default): its code, not 0"
satree sa-fail2 exit 3
boot sa-fail2 "$TREE"
wait_booted
wait_stamps job
touch "$TMP/sa-fail2-go"
reap_init
assert_eq "exit code: job's" 3 "$rc"
init_has "failed job: result exit-code" || fail "job not recorded: $(cat "$SD/.nci-init/state")"

# ---------------------------------------------------------------- failed stays failed

# sv_pid UNIT: the pid, here, of UNIT's nci-supervise
sv_pid() {
  local p
  for p in $(descendants_named nci-supervise); do
    tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$SD/$1 " && { echo "$p"; return; }
  done
}
sv_pid_not() { local q; q=$(sv_pid "$1"); [ -n "$q" ] && [ "$q" != "$2" ]; }
failtree() {
  rm -f "$S"
  mktree "$1" \
    "$(unit r "ExecStart=$SVC stamp $S r stamp $TMP/r-marker x pause")" \
    "$(unit l requires=r after=r "$2" "$3" "ExecStart=$SVC stamp $S l stamp $TMP/l-marker x pause")" \
    "$(unit keep "ExecStart=$SVC stamp $S keep pause")"
}

t "failed stays failed: a Restart= start of the unit racing nci-init's stop does not undo the failure"
failtree racefail Restart=always RestartSec=0
boot racefail --on-failure continue "$TREE"
wait_booted
wait_stamps r l keep
lsv=$(sv_pid l); lp=$(svc_pid l-marker); rp=$(svc_pid r-marker)
[ -n "$lsv" ] && [ -n "$lp" ] && [ -n "$rp" ] || fail "processes not found: supervise $lsv, l $lp, r $rp"
# l's nci-supervise, stopped, finds at once l dead (a restart to make) and nci-init's stop
kill -STOP "$lsv"
kill -KILL "$lp"
kill -KILL "$rp"
wait_for 10 init_has "failed l: dependency failed: r" || fail "l not failed: $(cat "$SD/.nci-init/state")"
kill -CONT "$lsv"
wait_for 10 unit_is l failed || fail "l: $(nci_state l state)"
init_has "failed l: dependency failed: r" || fail "l no longer listed failed: $(cat "$SD/.nci-init/state")"
assert_match "nci-ctl status" '^l +longrun +failed .* dependency failed: r$' "$("$CTL" -s "$SD" status l)"
logged 'unit l started again' && fail "a Restart= start taken for a start by hand: $(grep 'unit l' "$ERR")"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "failed stays failed: a unit waiting out its RestartSec= when what it requires fails is failed at once; nci-ctl start makes it run again"
failtree restartfail Restart=always RestartSec=30
boot restartfail --on-failure continue "$TREE"
wait_booted
wait_stamps r l keep
kill -KILL "$(svc_pid l-marker)"
wait_for 10 unit_is l restarting || fail "l: $(nci_state l state)"
kill -KILL "$(svc_pid r-marker)"
wait_for 10 unit_is l failed || fail "l not failed: $(nci_state l state); $(cat "$SD/.nci-init/state")"
# nci-init writes why in .nci-init/state before it tells l's nci-supervise (F): once l's
# nci-state says failed, nci-ctl finds why
init_has "failed l: dependency failed: r" || fail "l not listed failed: $(cat "$SD/.nci-init/state")"
"$CTL" -s "$SD" start l || fail "nci-ctl start l: exit $?"
wait_for 10 stamps_are "$S" l 2 || fail "l not started again"
wait_for 10 eval '! init_has "failed l: dependency failed: r"' || fail "l still listed failed: $(cat "$SD/.nci-init/state")"
"$CTL" -s "$SD" stop l || fail "nci-ctl stop l: exit $?"
wait_for 10 unit_is l down || fail "l after the stop: $(nci_state l state)"
assert_match "nci-ctl status after a start and a stop" '^l +longrun +down ' "$("$CTL" -s "$SD" status l)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "failed stays failed: the nci-supervise that replaces a failed unit's one does not start it"
failtree svdie Restart=no RestartSec=0
boot svdie --on-failure continue "$TREE"
wait_booted
wait_stamps r l keep
kill -KILL "$(svc_pid r-marker)"
wait_for 10 unit_is l failed || fail "l not failed: $(nci_state l state)"
# nci-init writes why in .nci-init/state before it tells l's nci-supervise (F)
init_has "failed l: dependency failed: r" || fail "l not listed failed: $(cat "$SD/.nci-init/state")"
lsv=$(sv_pid l)
kill -KILL "$lsv"
wait_for 10 sv_pid_not l "$lsv" || fail "no new nci-supervise for l"
wait_for 10 logged 'l: stays down: it had failed' || fail "the new nci-supervise did not keep l down: $(tail -n 5 "$ERR")"
assert_eq "l started once" 1 "$(count_stamps "$S" l)"
assert_match "nci-ctl status" '^l +longrun +failed .* dependency failed: r$' "$("$CTL" -s "$SD" status l)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "failed stays failed: a start by hand while the failed unit is still stopping runs it once the failure is recorded"
rm -f "$S"
# l takes a second to stop: the start comes during its stop
printf '#!/bin/sh\ntrap "%s stamp %s l.term; sleep 1; exit 0" TERM\n%s stamp %s l\nwhile :; do sleep 0.1; done\n' "$SVC" "$S" "$SVC" "$S" > "$TMP/slowstop.sh"
chmod 755 "$TMP/slowstop.sh"
mktree slowfail \
  "$(unit r "ExecStart=$SVC stamp $S r stamp $TMP/r-marker x pause")" \
  "$(unit l requires=r after=r "ExecStart=$TMP/slowstop.sh")" \
  "$(unit keep "ExecStart=$SVC stamp $S keep pause")"
boot slowfail --on-failure continue "$TREE"
wait_booted
wait_stamps r l keep
kill -KILL "$(svc_pid r-marker)"
wait_stamps l.term
"$CTL" -s "$SD" start l || fail "nci-ctl start l: exit $?"
wait_for 10 stamps_are "$S" l 2 || fail "l not started again: $(nci_state l state)"
wait_for 10 unit_is l up || fail "l: $(nci_state l state)"
wait_for 10 eval '! init_has "failed l: dependency failed: r"' || fail "l still listed failed: $(cat "$SD/.nci-init/state")"
wait_logged 'nci-init: info: unit l failed: dependency failed: r' || fail "l's failure not logged"
wait_logged 'nci-init: info: unit l started again' || fail "l's start not logged: $(grep 'unit l' "$ERR")"
stop_init TERM 15
assert_eq "exit code after a requested stop" 0 "$rc"

# restarting_sv_dies: l (up, 2 starts so far) is killed, and its nci-supervise while it waits out
# its RestartSec=: the new nci-supervise starts it (a third start)
restarting_sv_dies() {
  wait_for 10 unit_is l up || fail "l: $(nci_state l state)"
  kill -KILL "$(svc_pid l-marker)"
  wait_for 10 unit_is l restarting || fail "l: $(nci_state l state)"
  lsv=$(sv_pid l)
  kill -KILL "$lsv"
  wait_for 10 sv_pid_not l "$lsv" || fail "no new nci-supervise for l"
  wait_for 10 stamps_are "$S" l 3 || fail "the new nci-supervise did not start l: $(nci_state l state)"
}

t "a restarted unit whose nci-supervise dies while it waits out RestartSec= is started by the new one"
rm -f "$S"
mktree svdie2 "$(unit l Restart=always RestartSec=30 "ExecStart=$SVC stamp $S l stamp $TMP/l-marker x pause")"
boot svdie2 "$TREE"
wait_booted
wait_stamps l
"$CTL" -s "$SD" restart l || fail "nci-ctl restart l: exit $?"
wait_for 10 stamps_are "$S" l 2 || fail "l not restarted"
restarting_sv_dies
stop_init TERM 15
assert_eq "exit code after a requested stop" 0 "$rc"

t "a RemainAfterExit oneshot failed by what it binds to runs its ExecStop; one failed while it runs shows no stale pid"
rm -f "$S" "$TMP/db-go"
mktree onefail \
  "$(unit db Type=notify "ExecStart=$SVC notify READY=1 wait-file $TMP/db-go 20000 exit 5")" \
  "$(unit setup Type=oneshot RemainAfterExit=true bindsTo=db after=db "ExecStart=$SVC stamp $S setup" "ExecStop=$SVC stamp $S setup.stop")" \
  "$(unit slow Type=oneshot requires=db after=db "ExecStart=$SVC stamp $S slow pause")" \
  "$(unit keep "ExecStart=$SVC pause")"
boot onefail --on-failure continue "$TREE"
wait_stamps setup slow
# setup's script has stamped, and must have ended too: a oneshot failed while it starts
# is no oneshot up, and runs no ExecStop (systemd's too)
wait_for 10 unit_is setup up || fail "setup not up: $(nci_state setup state)"
touch "$TMP/db-go"
wait_for 10 init_has "failed setup: dependency failed: db" || fail "setup not failed: $(cat "$SD/.nci-init/state")"
wait_stamps setup.stop
wait_for 10 eval '[ "$(nci_state slow pid)" = 0 ]' || fail "slow's nci-state keeps a pid: $(tr '\n' ' ' < "$SD/slow/supervise/nci-state")"
assert_eq "slow" "failed killed SIGTERM" "$(nci_state slow state) $(nci_state slow last-exit)"
assert_eq "setup" failed "$(nci_state setup state)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"
assert_eq "setup's ExecStop ran once" 1 "$(count_stamps "$S" setup.stop)"

t "nci-ctl restart of a unit is no stop: its SuccessAction= does not fire, what is bound to it keeps running"
rm -f "$S"
mktree restartsa \
  "$(unit l SuccessAction=exit "ExecStart=$SVC stamp $S l pause")" \
  "$(unit b bindsTo=l after=l "ExecStart=$SVC stamp $S b pause")"
boot restartsa "$TREE"
wait_booted
wait_stamps l b
"$CTL" -s "$SD" restart l || fail "nci-ctl restart l: exit $?"
wait_for 10 stamps_are "$S" l 2 || fail "l not restarted"
wait_for 10 unit_is l up || fail "l: $(nci_state l state)"
alive "$P" || fail "the container ended: $(tail -n 5 "$ERR")"
assert_eq "b still up" up "$(nci_state b state)"
logged 'unit l is down' && fail "the restart taken for a stop: $(grep 'unit l' "$ERR")"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "a unit that is down keeps down when its nci-supervise dies; one started again by hand is started by the new one"
rm -f "$S"
mktree downsv \
  "$(unit once "ExecStart=$SVC stamp $S once")" \
  "$(unit l Restart=always RestartSec=30 "ExecStart=$SVC stamp $S l stamp $TMP/l-marker x pause")"
boot downsv "$TREE"
wait_booted
wait_stamps once l
wait_for 10 unit_is once down || fail "once: $(nci_state once state)"
osv=$(sv_pid once)
kill -KILL "$osv"
wait_for 10 sv_pid_not once "$osv" || fail "no new nci-supervise for once"
"$CTL" -s "$SD" stop l || fail "nci-ctl stop l: exit $?"
wait_for 10 unit_is l down || fail "l: $(nci_state l state)"
"$CTL" -s "$SD" start l || fail "nci-ctl start l: exit $?"
wait_for 10 stamps_are "$S" l 2 || fail "l not started by hand"
restarting_sv_dies
assert_eq "once not started again" 1 "$(count_stamps "$S" once)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "a failure that stops the container runs a failed RemainAfterExit oneshot's ExecStop in the stop order (after the longruns)"
rm -f "$S" "$TMP/l-go"
printf '#!/bin/sh\ntrap "%s stamp %s m.stop1; sleep 0.5; %s stamp %s m.stop2; exit 0" TERM\n%s stamp %s m\nwhile :; do sleep 0.1; done\n' \
  "$SVC" "$S" "$SVC" "$S" "$SVC" "$S" > "$TMP/m.sh"
chmod 755 "$TMP/m.sh"
mktree failorder \
  "$(unit e Type=oneshot RemainAfterExit=true requires=l "ExecStart=$SVC stamp $S e" "ExecStop=$SVC stamp $S e.stop")" \
  "$(unit l "ExecStart=$SVC stamp $S l wait-file $TMP/l-go 20000 exit 3")" \
  "$(unit m "ExecStart=$TMP/m.sh")"
boot failorder "$TREE"
wait_booted
wait_stamps e l m
touch "$TMP/l-go"
reap_init 15
assert_eq "exit code: l's" 3 "$rc"
assert_before "$S" m.stop2 e.stop

t "a unit bound to one that goes down while it waits out RestartSec=, started again by hand, is tracked as running"
rm -f "$S" "$TMP/a-go" "$TMP/b-once"
printf '#!/bin/sh\n%s stamp %s b\n[ -e %s ] || { : > %s; exit 1; }\nexec %s stamp %s b-marker pause\n' \
  "$SVC" "$S" "$TMP/b-once" "$TMP/b-once" "$SVC" "$TMP/b-marker" > "$TMP/b.sh"
chmod 755 "$TMP/b.sh"
mktree boundrest \
  "$(unit a "ExecStart=$SVC stamp $S a wait-file $TMP/a-go 20000 exit 0")" \
  "$(unit b bindsTo=a after=a Restart=always RestartSec=30 "ExecStart=$TMP/b.sh")"
boot boundrest --on-failure continue "$TREE"
wait_booted
wait_for 10 unit_is b restarting || fail "b: $(nci_state b state)"
touch "$TMP/a-go"
wait_for 10 logged 'stopping b: it is bound to a' || fail "b not stopped with a: $(tail -n 5 "$ERR")"
wait_for 10 unit_is b down || fail "b: $(nci_state b state)"
"$CTL" -s "$SD" start b || fail "nci-ctl start b: exit $?"
wait_for 10 stamps_are "$S" b 2 || fail "b not started by hand"
wait_for 10 eval '[ "$(grep -c "unit b is ready" "$ERR")" = 2 ]' || fail "b's start by hand not tracked: $(grep 'unit b' "$ERR")"
bsv=$(sv_pid b)
kill -KILL "$bsv"
wait_for 10 sv_pid_not b "$bsv" || fail "no new nci-supervise for b"
wait_for 10 logged 'b: took over the running service' || fail "b's service not taken over: $(tail -n 5 "$ERR")"
assert_eq "b still up" up "$(nci_state b state)"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"
