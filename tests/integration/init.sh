#!/bin/bash
# nci-init as PID 1 of a PID namespace: boot order, readiness, failure propagation and
# actions, exit codes, command mode. Trees are converted from JSON in the fixtures' shape;
# the services are testsvc. (Daemons, reaping, shutdown, bad input: init-*.sh.)
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"

S=$TMP/stamps
# wait_stamps WORD...: until each WORD is stamped (a simple longrun is ready at fork: the boot
# can be complete before its program runs)
wait_stamps() { local w; for w in "$@"; do wait_for 5 has_stamp "$S" "$w" || fail "no stamp $w"; done; }

# ---------------------------------------------------------------- order

t "order: a chain oneshot > notify longrun > oneshot > notify longrun > oneshot"
rm -f "$S"
mktree chain \
  "$(unit o1 Type=oneshot "ExecStart=$SVC stamp $S o1 sleep 50 stamp $S o1.done")" \
  "$(unit l1 Type=notify after=o1 requires=o1 "ExecStart=$SVC stamp $S l1 sleep 150 stamp $S l1.ready notify READY=1 pause")" \
  "$(unit o2 Type=oneshot after=l1 requires=l1 "ExecStart=$SVC stamp $S o2 sleep 50 stamp $S o2.done")" \
  "$(unit l2 Type=notify after=o2 wants=o2 "ExecStart=$SVC stamp $S l2 sleep 150 stamp $S l2.ready notify READY=1 pause")" \
  "$(unit o3 Type=oneshot RemainAfterExit=true after=l2 "ExecStart=$SVC stamp $S o3")" \
  "$(unit free "ExecStart=$SVC stamp $S free pause")"
boot chain "$TREE"
wait_booted
wait_stamps free
for pair in "o1.done l1" "l1.ready o2" "o2.done l2" "l2.ready o3"; do
  # shellcheck disable=SC2086
  assert_before "$S" $pair
done
assert_before "$S" l1 l1.ready
# a longrun waits for the oneshots that are ordered after no longrun, not for the others
assert_before "$S" o1.done free
assert_before "$S" free o2.done
# nci-init's log lines are buffered until its loop waits again, its state file is written at
# once: the boot can be complete before "boot complete" is in $ERR
wait_for 5 grep -q 'boot complete' "$ERR"
o3_line=$(grep -n 'unit o3 finished' "$ERR" | cut -d: -f1)
complete_line=$(grep -n 'boot complete' "$ERR" | cut -d: -f1)
[ -n "$o3_line" ] && [ -n "$complete_line" ] && [ "$o3_line" -lt "$complete_line" ] \
  || fail "boot complete (line $complete_line) not after o3 finished (line $o3_line)"
assert_eq "o3 remains up" up "$(nci_state o3 state)"
"$CTL" -s "$SD" check --ready > "$TMP/check" \
  || bug "nci-ctl check --ready fails on a complete boot: $(cat "$TMP/check") (supervise/nci-state of o3, written by nci-init, says: $(nci_state o3 state), ready $(nci_state o3 ready))"
assert_eq "o1 done" down "$(nci_state o1 state)"
stop_init
assert_eq "exit code" 0 "$rc"
assert_eq "o3 (RemainAfterExit, no ExecStop) down once stopped" down "$(nci_state o3 state)"
assert_eq "the boot as a whole, once nci-init exited" "state down" "$(boot_state)"

t "order: a diamond (longrun on top, a longrun and an after-longrun oneshot in parallel, a longrun below)"
rm -f "$S"
mktree diamond \
  "$(unit top Type=notify "ExecStart=$SVC stamp $S top sleep 100 stamp $S top.ready notify READY=1 pause")" \
  "$(unit left Type=notify after=top requires=top "ExecStart=$SVC stamp $S left wait-file $TMP/go-lr 20000 stamp $S left.ready notify READY=1 pause")" \
  "$(unit right Type=oneshot after=top requires=top "ExecStart=$SVC stamp $S right wait-file $TMP/go-lr 20000 stamp $S right.done")" \
  "$(unit bottom after=left,right requires=left,right "ExecStart=$SVC stamp $S bottom pause")"
rm -f "$TMP/go-lr"
boot diamond "$TREE"
# left and right do not wait for each other: both run before either may finish
wait_for 10 eval 'has_stamp "$S" left && has_stamp "$S" right' || fail "left and right not running together: $(cat "$S" 2>&1)"
assert_eq "bottom before left and right are done" "" "$(grep '^bottom' "$S" 2>&1)"
touch "$TMP/go-lr"
wait_booted
wait_stamps bottom
assert_before "$S" top.ready left
assert_before "$S" top.ready right
assert_before "$S" left.ready bottom
assert_before "$S" right.done bottom
stop_init
assert_eq "exit code" 0 "$rc"

t "order: independent oneshots start in parallel, then independent longruns in parallel"
rm -f "$S"
members=()
rm -f "$TMP/go-p" "$TMP/go-q"
# each waits for a file the test writes only once all six of its kind have started: a
# boot that started them one after another never gets there
for i in 1 2 3 4 5 6; do
  members+=("$(unit "p$i" Type=oneshot "ExecStart=$SVC stamp $S p$i wait-file $TMP/go-p 20000 stamp $S p$i.done")")
  members+=("$(unit "q$i" Type=notify "ExecStart=$SVC stamp $S q$i wait-file $TMP/go-q 20000 stamp $S q$i.ready notify READY=1 pause")")
done
all_started() { local i; for i in 1 2 3 4 5 6; do has_stamp "$S" "$1$i" || return 1; done; }
mktree parallel "${members[@]}"
boot parallel "$TREE"
wait_for 10 all_started p || fail "the oneshots did not all start together: $(cat "$S" 2>&1)"
# the promise: a oneshot ordered after no longrun finishes before any longrun starts
assert_eq "longruns started while the oneshots run" "" "$(grep '^q' "$S" 2>&1)"
touch "$TMP/go-p"
wait_for 10 all_started q || fail "the longruns did not all start together: $(cat "$S" 2>&1)"
touch "$TMP/go-q"
wait_booted
for i in 1 2 3 4 5 6; do for k in 1 2 3 4 5 6; do
  assert_before "$S" "p$i.done" "q$k"
done; done
stop_init
assert_eq "exit code" 0 "$rc"

t "order: oneshots before longruns, through a chain of oneshots"
rm -f "$S"
mktree early \
  "$(unit e1 Type=oneshot "ExecStart=$SVC sleep 100 stamp $S e1.done")" \
  "$(unit e2 Type=oneshot after=e1 "ExecStart=$SVC sleep 100 stamp $S e2.done")" \
  "$(unit e3 Type=oneshot RemainAfterExit=true after=e2 "ExecStart=$SVC sleep 100 stamp $S e3.done")" \
  "$(unit lr "ExecStart=$SVC stamp $S lr pause")" \
  "$(unit lr2 Type=notify "ExecStart=$SVC stamp $S lr2 notify READY=1 pause")"
boot early "$TREE"
wait_booted
wait_stamps lr lr2
assert_before "$S" e3.done lr
assert_before "$S" e3.done lr2
stop_init
assert_eq "exit code" 0 "$rc"

t "order: from the first start on, nci-ctl lists every unit, those still waiting too"
# the state directory's contents are made as units start; every unit's directory is there
# before the first one does
rm -f "$S"
units=("$(unit first Type=oneshot "ExecStart=/bin/sh -c '$CTL -s $TMP/listing.state status > $TMP/first-status 2>&1; $SVC stamp $S first'")")
for i in $(seq 1 100); do
  if [ $((i % 2)) = 0 ]; then units+=("$(unit "w$i" after=first "ExecStart=$SVC pause")")
  else units+=("$(unit "w$i" Type=oneshot after=first "ExecStart=$SVC stamp $S w$i")"); fi
done
mktree listing "${units[@]}"
boot listing "$TREE"
wait_booted
missing=''
for i in $(seq 1 100); do grep -q "^w$i " "$TMP/first-status" || missing="$missing w$i"; done
[ -z "$missing" ] || fail "nci-ctl status, run by the first unit to start, did not list:$missing ($(head -n 5 "$TMP/first-status" | tr "\n" "|"))"
grep -q "^first " "$TMP/first-status" || fail "nci-ctl status did not list the unit running it: $(head -n 3 "$TMP/first-status")"
stop_init
assert_eq "exit code" 0 "$rc"

t "order: Type=notify gates its dependent until READY=1"
rm -f "$S" "$TMP/go"
mktree notify \
  "$(unit waiter Type=notify "ExecStart=$SVC stamp $S waiter wait-file $TMP/go 20000 stamp $S waiter.ready notify READY=1 pause")" \
  "$(unit dep Type=oneshot after=waiter requires=waiter "ExecStart=$SVC stamp $S dep")"
boot notify "$TREE"
wait_for 5 has_stamp "$S" waiter || fail "waiter did not start"
wait_for 5 unit_is waiter starting || fail "waiter: $(nci_state waiter state)"
# the dependent waits as long as the service is not ready, whatever the time
assert_eq "dep not started" "" "$(st "$S" dep)"
assert_eq "boot still booting" "state booting" "$(boot_state)"
"$CTL" -s "$SD" check --ready > /dev/null && fail "check --ready succeeded before READY=1"
touch "$TMP/go"
wait_booted
assert_before "$S" waiter.ready dep
assert_eq "waiter ready" yes "$(nci_state waiter ready)"
stop_init
assert_eq "exit code" 0 "$rc"

# ---------------------------------------------------------------- failure

failtree() {
  rm -f "$S"
  mktree failure \
    "$(unit bad Type=oneshot "ExecStart=$SVC stamp $S bad exit 3")" \
    "$(unit needer after=bad requires=bad "ExecStart=$SVC stamp $S needer pause")" \
    "$(unit needer2 Type=oneshot after=needer requires=needer "ExecStart=$SVC stamp $S needer2")" \
    "$(unit wanter after=bad wants=bad "ExecStart=$SVC stamp $S wanter pause")"
}

t "failure: requires fails the dependents (never started, status says why), wants does not (--on-failure continue)"
failtree
boot failure --on-failure continue "$TREE"
wait_booted
wait_for 5 has_stamp "$S" wanter || fail "the wanting unit did not start"
assert_eq "needer never started" "" "$(st "$S" needer)"
assert_eq "needer2 never started" "" "$(st "$S" needer2)"
assert_eq "init state" "state up
failed bad: exited 3
failed needer: dependency failed: bad
failed needer2: dependency failed: needer" "$(cat "$SD/.nci-init/state")"
assert_eq "needer state" failed "$(nci_state needer state)"
assert_eq "needer2 state" failed "$(nci_state needer2 state)"
assert_eq "wanter state" up "$(nci_state wanter state)"
status=$("$CTL" -s "$SD" status)
assert_match "status: bad failed" '^bad +oneshot +failed .*exited 3' "$status"
assert_match "status: needer failed, why" '^needer +longrun +failed .*dependency failed: bad' "$status"
assert_match "status: needer2 failed, why" '^needer2 +oneshot +failed .*dependency failed: needer' "$status"
assert_match "status: wanter up" '^wanter +longrun +up ' "$status"
wait_for 5 grep -q 'nci-init: info: unit needer failed: dependency failed: bad' "$ERR"
assert_match "logged" 'nci-init: info: unit needer failed: dependency failed: bad' "$(cat "$ERR")"
stop_init
assert_eq "exit code after a requested stop" 0 "$rc"

t "failure: --on-failure exit (default): the container exits with the failing process's code"
failtree
boot failure2 "$TREE"
reap_init
assert_eq "exit code" 3 "$rc"
assert_eq "needer never started" "" "$(st "$S" needer)"
assert_match "bad recorded" '^failed bad: exited 3$' "$(cat "$SD/.nci-init/state")"
assert_match "needer recorded" '^failed needer: dependency failed: bad$' "$(cat "$SD/.nci-init/state")"
assert_match "exit logged" 'nci-init: info: exiting with code 3' "$(cat "$ERR")"

t "failure: a longrun hitting its start limit (3 starts, then failed; container exits 1)"
rm -f "$S"
mktree limit \
  "$(unit flap Restart=always RestartSec=20ms StartLimitBurst=3 StartLimitIntervalSec=10s "ExecStart=$SVC stamp $S flap exit 5")" \
  "$(unit other "ExecStart=$SVC pause")"
boot limit "$TREE"
reap_init
assert_eq "exit code (start limit: 1, not the service's 5)" 1 "$rc"
assert_eq "starts" 3 "$(count_stamps "$S" flap)"
assert_eq "result" start-limit-hit "$(nci_state flap result)"
assert_match "nci-init logged it" 'unit flap failed: result start-limit-hit' "$(cat "$ERR")"
grep -q '^failed flap: result start-limit-hit$' "$SD/.nci-init/state" \
  || bug "after the exit, .nci-init/state does not name the failed longrun that ended the container: [$(cat "$SD/.nci-init/state")]"

t "failure: start limit with --on-failure continue: the others stay up"
rm -f "$S"
boot limit2 --on-failure continue "$TREE"
wait_for 10 unit_is flap failed || fail "flap: $(nci_state flap state)"
assert_eq "starts" 3 "$(count_stamps "$S" flap)"
assert_eq "other still up" up "$(nci_state other state)"
assert_match "status" '^flap +longrun +failed ' "$("$CTL" -s "$SD" status)"
# flap's nci-state is nci-supervise's, written before nci-init reads its F and writes its own
wait_for 5 grep -q 'failed flap: result start-limit-hit' "$SD/.nci-init/state"
assert_match "init state while running" 'failed flap: result start-limit-hit' "$(cat "$SD/.nci-init/state")"
alive "$P" || fail "the container ended"
stop_init
assert_eq "exit code" 0 "$rc"
grep -q '^failed flap: ' "$SD/.nci-init/state" \
  || bug "after a stop, .nci-init/state no longer lists the failed longrun flap: [$(cat "$SD/.nci-init/state")]"

t "failure: FailureAction=exit ends the container even with --on-failure continue"
rm -f "$S"
mktree faction \
  "$(unit quiet Type=oneshot "ExecStart=$SVC exit 2")" \
  "$(unit fa Type=notify unit.FailureAction=exit after=quiet "ExecStart=$SVC notify READY=1 sleep 200 exit 4")" \
  "$(unit keep "ExecStart=$SVC pause")"
boot faction --on-failure continue "$TREE"
reap_init
assert_eq "exit code: fa's" 4 "$rc"
assert_match "quiet failed" '^failed quiet: exited 2$' "$(cat "$SD/.nci-init/state")"
assert_match "fa failed" '^failed fa: ' "$(cat "$SD/.nci-init/state")"

t "failure: SuccessAction=exit ends the container with 0 when the unit finishes"
mktree saction \
  "$(unit keep "ExecStart=$SVC pause")" \
  "$(unit job Type=oneshot unit.SuccessAction=exit after=keep "ExecStart=$SVC sleep 100")"
boot saction "$TREE"
reap_init
assert_eq "exit code" 0 "$rc"
assert_match "job finished" 'unit job finished' "$(cat "$ERR")"

t "failure: an early oneshot failed by its requirement while it runs still lets the longruns start (--on-failure continue)"
# b requires a without being ordered after it: both start at once; a fails, which fails (and
# stops) b. The longrun l waits for the oneshots ordered after no longrun: a and b are done.
rm -f "$S"
mktree earlyfail \
  "$(unit a Type=oneshot "ExecStart=$SVC sleep 100 exit 1")" \
  "$(unit b Type=oneshot requires=a "ExecStart=$SVC stamp $S b sleep 3000")" \
  "$(unit l "ExecStart=$SVC stamp $S l pause")"
boot earlyfail --on-failure continue "$TREE"
wait_for 5 grep -q '^failed b: dependency failed: a$' "$SD/.nci-init/state" 2>/dev/null || fail "b not failed: $(cat "$SD/.nci-init/state")"
if ! wait_for 3 is_booted; then
  bug "the boot never completes and l never starts once b, an early oneshot, was stopped by a's failure while it ran ($(tr '\n' ';' < "$SD/.nci-init/state"))"
fi
wait_for 2 has_stamp "$S" l || fail "l did not start"
stop_init
assert_eq "exit code" 0 "$rc"

t "failure: a longrun that fails once and is restarted by its Restart= is no failure of the container"
rm -f "$S" "$TMP/flaky-once"
mktree flaky \
  "$(unit flaky Restart=on-failure RestartSec=50ms \
     "ExecStart=/bin/sh -c 'if [ -e $TMP/flaky-once ]; then exec $SVC stamp $S flaky pause; fi; touch $TMP/flaky-once; exit 3'")" \
  "$(unit after-flaky after=flaky requires=flaky "ExecStart=$SVC stamp $S after-flaky pause")"
boot flaky "$TREE"
wait_booted
# flaky is ready at fork (Type=simple): its first run shows up, and lets after-flaky
# start, before it exits 3. Only its second run stamps.
wait_for 5 has_stamp "$S" flaky || fail "flaky did not run a second time: $(nci_state flaky state)"
wait_for 5 has_stamp "$S" after-flaky || fail "after-flaky did not start"
wait_for 5 restarts_are flaky 1 || fail "restarts: expected 1, got $(nci_state flaky restarts)"
assert_eq "state" up "$(nci_state flaky state)"
assert_eq "runs" 1 "$(count_stamps "$S" flaky)"
assert_eq "init state" "state up" "$(cat "$SD/.nci-init/state")"
alive "$P" || fail "the container ended"
stop_init
assert_eq "exit code" 0 "$rc"

t "failure: requiring a unit that is not defined fails the unit (exit 1), as systemd"
mktree undefined \
  "$(unit lonely requires=not-defined after=not-defined "ExecStart=$SVC stamp $S lonely pause")" \
  "$(unit keep "ExecStart=$SVC pause")"
rm -f "$S"
boot undefined "$TREE"
reap_init
assert_eq "exit code" 1 "$rc"
assert_eq "never started" "" "$(st "$S" lonely)"
assert_match "why" '^failed lonely: requires a unit that does not run: not-defined' "$(cat "$SD/.nci-init/state")"

# ---------------------------------------------------------------- exit codes

t "exit codes: SIGTERM, SIGINT, SIGPWR, SIGRTMIN+3 are a clean stop: 0"
mktree clean "$(unit svc "ExecStart=$SVC pause")" "$(unit once Type=oneshot RemainAfterExit=true "ExecStart=$SVC")"
for sig in TERM INT PWR RTMIN+3; do
  boot "clean-$sig" "$TREE"
  wait_booted
  stop_init "$sig"
  assert_eq "exit code after SIG$sig" 0 "$rc"
done

t "exit codes: a failing oneshot: its exit status, or 128+signal"
mktree crash1 "$(unit c Type=oneshot "ExecStart=$SVC crash SEGV")"
boot crash1 "$TREE"
reap_init
assert_eq "killed by SIGSEGV" 139 "$rc"
assert_match "why" 'failed c: killed by SIGSEGV' "$(cat "$SD/.nci-init/state")"

t "exit codes: a failing longrun (Restart=no): its exit status, or 128+signal"
mktree lfail "$(unit l "ExecStart=$SVC exit 4")"
boot lfail "$TREE"
reap_init
assert_eq "exited 4" 4 "$rc"
mktree lcrash "$(unit l "ExecStart=$SVC sleep 50 crash ABRT")"
boot lcrash "$TREE"
reap_init
assert_eq "killed by SIGABRT" 134 "$rc"

t "exit codes: timeouts are 1 (a oneshot's TimeoutStartSec, a notify longrun never ready)"
mktree otime "$(unit slow Type=oneshot TimeoutStartSec=200ms "ExecStart=$SVC sleep 20000")"
boot otime "$TREE"
reap_init
assert_eq "oneshot timeout" 1 "$rc"
assert_eq "oneshot result" timeout "$(nci_state slow result)"
assert_match "why" 'failed slow: timed out' "$(cat "$SD/.nci-init/state")"
mktree ltime "$(unit never Type=notify TimeoutStartSec=300ms "ExecStart=$SVC pause")"
boot ltime "$TREE"
reap_init
assert_eq "notify timeout" 1 "$rc"
assert_eq "longrun result" timeout "$(nci_state never result)"

# ---------------------------------------------------------------- command mode

t "command mode: the command runs after the boot, its exit code is the container's"
rm -f "$S"
mktree cmd \
  "$(unit slowready Type=notify "ExecStart=$SVC stamp $S svc sleep 200 stamp $S svc.ready notify READY=1 pause")" \
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $S prep")"
boot cmd "$TREE" -- "$SVC" stamp "$S" cmd exit 7
reap_init
assert_eq "exit code" 7 "$rc"
assert_before "$S" svc.ready cmd
assert_before "$S" prep cmd
boot cmd2 "$TREE" -- "$CTL" -s "$TMP/cmd2.state" check --ready
reap_init
[ "$rc" = 0 ] || bug "nci-ctl check --ready run as the command after the boot exits $rc: $(head -n 3 "$OUT")"

t "command mode: SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGQUIT are forwarded"
rm -f "$TMP/sig" "$TMP/cmd.pid"
boot cmdsig "$TREE" -- "$SVC" onsig HUP "$TMP/sig" ignore onsig USR1 "$TMP/sig" ignore \
  onsig WINCH "$TMP/sig" ignore onsig QUIT "$TMP/sig" ignore onsig USR2 "$TMP/sig" exit 9 \
  pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" || fail "the command did not start"
cmdpid=$(cat "$TMP/cmd.pid" 2>/dev/null)
lines=""
for sig in HUP USR1 WINCH QUIT USR2; do
  kill -"$sig" "$P"
  lines+="SIG$sig $cmdpid"$'\n'
  wait_for 5 has_line "$TMP/sig" "SIG$sig $cmdpid" || fail "SIG$sig not forwarded"
done
reap_init
assert_eq "signals received" "${lines%$'\n'}" "$(cat "$TMP/sig" 2>&1)"
assert_eq "exit code: the command's" 9 "$rc"

t "command mode: a command killed by a signal: 128+signal"
boot cmdkill "$TREE" -- "$SVC" crash KILL
reap_init
assert_eq "SIGKILL" 137 "$rc"
rm -f "$TMP/cmd.pid"
boot cmdusr2 "$TREE" -- "$SVC" pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" || fail "the command did not start"
kill -USR2 "$P"
reap_init
assert_eq "SIGUSR2 forwarded, default action" 140 "$rc"

t "command mode: SIGTERM to the container goes to the command first; its code is the container's"
rm -f "$TMP/cmd.pid" "$TMP/sig"
boot cmdterm "$TREE" -- "$SVC" onsig TERM "$TMP/sig" exit 0 pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" || fail "the command did not start"
stop_init TERM
assert_eq "exit code" 0 "$rc"
assert_eq "the command got SIGTERM" "SIGTERM $(cat "$TMP/cmd.pid")" "$(cat "$TMP/sig" 2>&1)"
rm -f "$TMP/cmd.pid"
boot cmdterm2 "$TREE" -- "$SVC" pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" || fail "the command did not start"
stop_init TERM
assert_eq "a command killed by the SIGTERM: 143" 143 "$rc"

t "command mode: the grace is waited once: a command ignoring SIGTERM gets SIGKILL after it, what is left then at once"
rm -f "$TMP/cmd.pid" "$TMP/o2.pid"
mktree cmdgrace \
  "$(unit leaver Type=oneshot "ExecStart=/bin/sh -c '$SVC ignore TERM pidfile $TMP/o2.pid pause &'")" \
  "$(unit svc "ExecStart=$SVC pause")"
boot cmdgrace --grace 1000 "$TREE" -- "$SVC" ignore TERM pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" -a -s "$TMP/o2.pid" || fail "the command or the orphan did not start"
stop_init TERM 15
assert_eq "exit code: the command's SIGKILL" 137 "$rc"
assert_match "the command killed after the grace" "nci-init: info: sending SIGKILL to $SVC: the grace is over" "$(cat "$ERR")"
assert_match "what is left: SIGTERM, and SIGKILL at once" 'nci-init: info: sending SIGTERM to the processes left, the grace ends in 0 ms' "$(cat "$ERR")"
assert_match "SIGKILL logged" 'nci-init: info: sending SIGKILL to the processes left$' "$(cat "$ERR")"

t "command mode: what the command takes of the grace is gone for what is left at the end"
rm -f "$TMP/cmd.pid" "$TMP/o2.pid"
# the command ends 1.5 s after its SIGTERM, within the grace of 4 s: what is left has the rest
printf '#!/bin/sh\ntrap "sleep 1.5; exit 0" TERM\necho $$ > %s.tmp && mv %s.tmp %s\nwhile :; do sleep 0.1; done\n' \
  "$TMP/cmd.pid" "$TMP/cmd.pid" "$TMP/cmd.pid" > "$TMP/slowcmd.sh"
chmod 755 "$TMP/slowcmd.sh"
boot cmdgrace2 --grace 4000 "$TREE" -- "$TMP/slowcmd.sh"
wait_for 10 test -s "$TMP/cmd.pid" -a -s "$TMP/o2.pid" || fail "the command or the orphan did not start"
stop_init TERM 15
assert_eq "exit code: the command's" 0 "$rc"
left=$(sed -n 's/^nci-init: info: sending SIGTERM to the processes left, the grace ends in \([0-9]*\) ms$/\1/p' "$ERR")
if [ -z "$left" ]; then fail "no final SIGTERM logged: $(grep 'processes left' "$ERR")"
elif [ "$left" -gt 2500 ]; then fail "what is left got $left ms: the grace began again (4000 ms, the command took 1500 of it)"
fi
grep -q "sending SIGKILL to $TMP/slowcmd.sh" "$ERR" && fail "the command was killed: $(grep SIGKILL "$ERR")"

t "command mode: a command that is not there: 127"
boot cmdmissing "$TREE" -- "$TMP/no-such-command"
reap_init
assert_eq "exit code" 127 "$rc"

t "command mode: a failed boot never runs the command; the unit's code is the container's"
rm -f "$S"
mktree cmdfail "$(unit bad Type=oneshot "ExecStart=$SVC exit 3")"
boot cmdfail "$TREE" -- "$SVC" stamp "$S" cmd
reap_init
assert_eq "exit code" 3 "$rc"
assert_eq "the command never ran" "" "$(st "$S" cmd)"

t "command mode: a unit failing while the command runs stops the container with the unit's code"
rm -f "$S" "$TMP/sig"
rm -f "$TMP/cmdlate.go"
# late fails once the command has its TERM handler (the command runs after the boot)
mktree cmdlate "$(unit late Type=notify "ExecStart=$SVC notify READY=1 wait-file $TMP/cmdlate.go 20000 exit 6")"
boot cmdlate "$TREE" -- "$SVC" onsig TERM "$TMP/sig" exit 0 touch "$TMP/cmdlate.go" pause
reap_init
assert_eq "exit code: the unit's" 6 "$rc"
assert_match "the command got SIGTERM" '^SIGTERM ' "$(cat "$TMP/sig" 2>&1)"

# ---------------------------------------------------------------- more

t "output: each line a service writes comes out prefixed with its name; --no-prefix"
mktree output \
  "$(unit once Type=oneshot "ExecStart=$SVC out one-out err one-err")" \
  "$(unit svc after=once "ExecStart=$SVC out svc-out err svc-err partial no-newline exit 0")" \
  "$(unit keep "ExecStart=$SVC pause")"
boot output --on-failure continue "$TREE"
wait_booted
wait_for 5 unit_is svc down || fail "svc: $(nci_state svc state)"
stop_init
assert_eq "stdout" "once: one-out
svc: svc-out
svc: no-newline" "$(cat "$OUT")"
assert_eq "stderr" "once: one-err
svc: svc-err" "$(grep -v '^nci-' "$ERR")"
boot output-raw --no-prefix --on-failure continue "$TREE"
wait_booted
wait_for 5 unit_is svc down || fail "svc: $(nci_state svc state)"
stop_init
assert_eq "stdout without prefix" "one-out
svc-out
no-newline" "$(cat "$OUT")"

t "many oneshots: 40 independent ones that each wait for all the others run at once; all their ExecStop"
rm -f "$S" "$TMP/go-m"
members=()
for i in $(seq -w 1 40); do
  members+=("$(unit "m$i" Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $S m$i.start wait-file $TMP/go-m 20000 stamp $S m$i" "ExecStop=$SVC stamp $S m$i.stop")")
done
members+=("$(unit keep "ExecStart=$SVC stamp $S keep pause")")
mktree many "${members[@]}"
boot many "$TREE"
all_m_started() { [ "$(grep -c '^m[0-9]*\.start ' "$S" 2>/dev/null)" = 40 ]; }
wait_for 20 all_m_started || fail "only $(grep -c '^m[0-9]*\.start ' "$S" 2>/dev/null) of the 40 oneshots started at once"
touch "$TMP/go-m"
wait_booted 20
wait_stamps keep
assert_eq "ran" 40 "$(grep -c '^m[0-9]* ' "$S")"
for i in 01 17 40; do assert_before "$S" "m$i" keep; done
stop_init TERM 20
assert_eq "exit code" 0 "$rc"
assert_eq "stopped" 40 "$(grep -c '^m[0-9]*\.stop ' "$S")"

t "stop during the boot: the running oneshot gets SIGTERM, nothing more starts, exit 0"
rm -f "$S" "$TMP/sig"
mktree midboot \
  "$(unit slow Type=oneshot "ExecStart=$SVC onsig TERM $TMP/sig exit 0 stamp $S slow sleep 20000")" \
  "$(unit after-slow after=slow "ExecStart=$SVC stamp $S after-slow pause")" \
  "$(unit longrun "ExecStart=$SVC stamp $S longrun pause")"
boot midboot "$TREE"
wait_for 5 has_stamp "$S" slow || fail "slow did not start"
stop_init TERM
assert_eq "exit code" 0 "$rc"
assert_match "slow got SIGTERM" '^SIGTERM ' "$(cat "$TMP/sig" 2>&1)"
assert_eq "nothing else started" "" "$(grep -v '^slow ' "$S")"

t "a oneshot ignoring the timeout's SIGTERM is killed after its TimeoutStopSec: exit 1"
# TimeoutStartSec long enough for testsvc to ignore SIGTERM first, even under load: its
# end by SIGKILL says the SIGTERM was ignored (the case would be empty otherwise)
mktree otime2 "$(unit stuck Type=oneshot TimeoutStartSec=2s TimeoutStopSec=300ms "ExecStart=$SVC ignore TERM sleep 20000")"
boot otime2 "$TREE"
reap_init 15
assert_eq "exit code" 1 "$rc"
[ "$took" -lt 15000 ] || fail "took $took ms"
assert_eq "result" timeout "$(nci_state stuck result)"
assert_eq "killed after the ignored SIGTERM" "killed SIGKILL" "$(nci_state stuck last-exit)"

t "a oneshot ignoring SIGTERM when the container stops, or when what it requires fails, is killed after its TimeoutStopSec"
rm -f "$S"
mktree ostop \
  "$(unit stuck Type=oneshot TimeoutStopSec=300ms "ExecStart=$SVC ignore TERM stamp $S stuck sleep 20000")" \
  "$(unit keep "ExecStart=$SVC pause")"
boot ostop --grace 60000 "$TREE"
wait_for 10 has_stamp "$S" stuck || fail "stuck did not start"
stop_init TERM 8
assert_eq "exit code" 0 "$rc"
[ "$took" -lt 7000 ] || fail "the stop took $took ms: stuck was not killed after 300 ms (the grace is 60 s)"
rm -f "$S"
mktree oreqfail \
  "$(unit base Type=oneshot "ExecStart=$SVC wait-file $TMP/base-fail 20000 exit 1")" \
  "$(unit dep Type=oneshot requires=base TimeoutStopSec=300ms "ExecStart=$SVC ignore TERM stamp $S dep sleep 20000")"
rm -f "$TMP/base-fail"
boot oreqfail --on-failure continue "$TREE"
wait_for 10 has_stamp "$S" dep || fail "dep did not start"
# its pid here, outside the namespace: the child of nci-init that ignores SIGTERM
dep_pid=$(for c in $(kids "$P"); do tr '\0' ' ' < "/proc/$c/cmdline" | grep -q ' ignore TERM' && echo "$c"; done)
[ -n "$dep_pid" ] || fail "dep's process not found among nci-init's children"
t0=$(now_ms)
: > "$TMP/base-fail"
wait_for 10 unit_is base failed || fail "base: $(nci_state base state)"
wait_for 5 gone "$dep_pid" || fail "dep still runs $(( $(now_ms) - t0 )) ms after base failed"
assert_eq "dep failed by its requirement" failed "$(nci_state dep state)"
stop_init

t "BindsTo: a unit bound to a longrun that goes down goes down too (not failed)"
rm -f "$S"
mktree binds \
  "$(unit base Type=notify "ExecStart=$SVC notify READY=1 wait-file $TMP/base-go 20000 exit 0")" \
  "$(unit bound after=base bindsTo=base "ExecStart=$SVC stamp $S bound pause")" \
  "$(unit keep "ExecStart=$SVC pause")"
rm -f "$TMP/base-go"
boot binds "$TREE"
wait_booted
assert_eq "bound up" up "$(nci_state bound state)"
touch "$TMP/base-go"
wait_for 5 unit_is base down || fail "base: $(nci_state base state)"
wait_for 5 unit_is bound down || fail "bound: $(nci_state bound state)"
alive "$P" || fail "the container ended"
stop_init
assert_eq "exit code" 0 "$rc"

t "command mode: the command gets nci-init's stdin and environment; services get neither"
printf 'line-from-stdin\n' > "$TMP/stdin"
mktree cmdenv "$(unit svc Type=notify "ExecStart=$SVC env $TMP/svc.env notify READY=1 pause")"
NCI_TEST_MARK=from-outside STDIN=$TMP/stdin boot cmdenv "$TREE" -- /bin/sh -c "read -r x; echo \"got \$x\"; $SVC env $TMP/cmd.env"
reap_init
assert_eq "exit code" 0 "$rc"
assert_eq "stdin" "got line-from-stdin" "$(cat "$OUT")"
assert_match "the command's environment" '^NCI_TEST_MARK=from-outside$' "$(cat "$TMP/cmd.env" 2>&1)"
grep -q NCI_TEST_MARK "$TMP/svc.env" && fail "nci-init's environment leaked into a service: $(cat "$TMP/svc.env")"
assert_match "a service's environment: its own" '^NOTIFY_SOCKET=' "$(cat "$TMP/svc.env" 2>&1)"

t "shutdown: the stop order holds through a oneshot with nothing to stop (db < migrate < app: db stops after app)"
rm -f "$S"
printf '#!/bin/sh\ntrap "%s stamp %s app.term; sleep 0.3; %s stamp %s app.exit; exit 0" TERM\n%s stamp %s app\nwhile :; do sleep 0.1; done\n' \
  "$SVC" "$S" "$SVC" "$S" "$SVC" "$S" > "$TMP/app.sh"
chmod 755 "$TMP/app.sh"
mktree chain3 \
  "$(unit db "ExecStart=$SVC onsig TERM $S exit 0 stamp $S db pause")" \
  "$(unit migrate Type=oneshot RemainAfterExit=true after=db "ExecStart=$SVC stamp $S migrate")" \
  "$(unit app after=migrate "ExecStart=$TMP/app.sh")"
boot chain3 "$TREE"
wait_booted
wait_stamps db migrate app
stop_init TERM 15
assert_eq "exit code" 0 "$rc"
assert_eq "app got one SIGTERM (its process group's)" 1 "$(count_stamps "$S" app.term)"
# db's SIGTERM line comes after app's last one
assert_eq "app's stop, then db's" "app.exit SIGTERM" "$(awk '($1 == "app.exit" || $1 == "SIGTERM") && !seen[$1]++ { printf "%s%s", sep, $1; sep = " " }' "$S")"

t "shutdown: the ExecStop of a oneshot every longrun waited for runs once the longruns have stopped"
rm -f "$S" "$TMP/l-go"
mktree prepstop \
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $S prep" "ExecStop=$SVC stamp $S prep.stop")" \
  "$(unit l "ExecStart=$SVC pause" "ExecStop=$SVC stamp $S l.stop wait-file $TMP/l-go 20000 stamp $S l.stopped")"
boot prepstop "$TREE"
wait_booted
kill -TERM "$P"
wait_for 10 has_stamp "$S" l.stop || fail "l's ExecStop did not run"
assert_eq "prep stopped while l was stopping" "" "$(grep '^prep.stop' "$S" 2>&1)"
touch "$TMP/l-go"
reap_init
assert_eq "exit code" 0 "$rc"
assert_before "$S" l.stopped prep.stop

t "systemd: ExecStop runs when a started unit ended by itself (oneshot without RemainAfterExit, longrun that exited)"
# systemd.service(5), ExecStop=: "the stop operation is always performed if the service started
# successfully, even if the processes in the service terminated on their own or were killed";
# a oneshot without RemainAfterExit= goes from running straight to stop (service_enter_stop).
rm -f "$S"
mktree selfstop \
  "$(unit once Type=oneshot "ExecStart=$SVC stamp $S once" "ExecStop=$SVC stamp $S once.stop")" \
  "$(unit lr "ExecStart=$SVC stamp $S lr" "ExecStop=$SVC stamp $S lr.stop")" \
  "$(unit keep after=once,lr "ExecStart=$SVC pause")"
boot selfstop "$TREE"
wait_booted
wait_for 5 unit_is lr down || fail "lr: $(nci_state lr state)"
wait_for 2 has_stamp "$S" once.stop || bug "the ExecStop of oneshot 'once' (no RemainAfterExit) did not run after it finished"
wait_for 2 has_stamp "$S" lr.stop || bug "the ExecStop of longrun 'lr' did not run after it exited 0 by itself (nci-supervise)"
stop_init
assert_eq "exit code" 0 "$rc"

t "nci-ctl on oneshots: restart (ExecStop, then ExecStart), stop, start, start of a failed one, stop and kill of a running one"
rm -f "$S" "$TMP/flaky.ok" "$TMP/slow.sig"
mktree osctl \
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $S prep" "ExecStop=$SVC stamp $S prep.stop")" \
  "$(unit once Type=oneshot "ExecStart=$SVC stamp $S once")" \
  "$(unit flaky Type=oneshot RemainAfterExit=true "ExecStart=/bin/sh -c 'test -e $TMP/flaky.ok'")" \
  "$(unit slow Type=oneshot after=svc "ExecStart=$SVC onsig SIGUSR1 $TMP/slow.sig ignore stamp $S slow pause")" \
  "$(unit svc after=prep "ExecStart=$SVC pause")" \
  "$(unit sd Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $S sd" "ExecStop=$SVC stamp $S sd.stop sleep 500")"
boot osctl --on-failure continue "$TREE"
wait_for 10 unit_is prep up || fail "prep: $(nci_state prep state)"
wait_for 10 unit_is flaky failed || fail "flaky: $(nci_state flaky state)"
wait_for 10 has_stamp "$S" slow || fail "slow did not start"
wait_for 10 unit_is svc up || fail "svc: $(nci_state svc state)"
"$CTL" -s "$SD" restart prep; assert_eq "restart rc" 0 "$?"
wait_for 5 stamps_are "$S" prep 2 || fail "prep not started again: $(count_stamps "$S" prep) starts"
assert_eq "ExecStop ran before the new start" "prep prep.stop prep" "$(awk '$1 ~ /^prep/ { printf "%s%s", (n++ ? " " : ""), $1 }' "$S")"
wait_for 5 unit_is prep up || fail "prep after restart: $(nci_state prep state)"
"$CTL" -s "$SD" stop prep; assert_eq "stop rc" 0 "$?"
wait_for 5 unit_is prep down || fail "prep after stop: $(nci_state prep state)"
assert_eq "ExecStop on stop" 2 "$(count_stamps "$S" prep.stop)"
"$CTL" -s "$SD" start prep once; assert_eq "start rc" 0 "$?"
wait_for 5 stamps_are "$S" prep 3 || fail "prep not started: $(count_stamps "$S" prep) starts"
wait_for 5 stamps_are "$S" once 2 || fail "once not run again: $(count_stamps "$S" once) runs"
"$CTL" -s "$SD" wait -t 5000 prep; assert_eq "wait rc" 0 "$?"
: > "$TMP/flaky.ok"
"$CTL" -s "$SD" start flaky; assert_eq "start failed rc" 0 "$?"
wait_for 5 unit_is flaky up || fail "flaky after start: $(nci_state flaky state)"
grep -q '^failed flaky' "$SD/.nci-init/state" && fail "flaky still listed failed after its successful run: $(cat "$SD/.nci-init/state")"
assert_eq "flaky's status" "" "$(nci_state flaky status)"
assert_eq "slow is running" starting "$(nci_state slow state)"
"$CTL" -s "$SD" kill USR1 slow; assert_eq "kill rc" 0 "$?"
wait_for 5 test -s "$TMP/slow.sig" || fail "slow got no SIGUSR1"
assert_match "the signal" '^SIGUSR1 ' "$(cat "$TMP/slow.sig")"
"$CTL" -s "$SD" stop slow; assert_eq "stop running rc" 0 "$?"
wait_for 5 unit_is slow down || fail "slow after stop: $(nci_state slow state)"
wait_for 5 grep -q 'nci-init: info: unit slow stopped' "$ERR"
assert_match "stopped logged" 'nci-init: info: unit slow stopped' "$(cat "$ERR")"
"$CTL" -s "$SD" reload prep 2> /dev/null; assert_eq "reload of a oneshot rc" 3 "$?"
# commands while a stop's ExecStop still runs: no second ExecStop; a start waits for its end
wait_for 5 unit_is sd up || fail "sd: $(nci_state sd state)"
"$CTL" -s "$SD" stop sd; "$CTL" -s "$SD" stop sd; "$CTL" -s "$SD" restart sd
wait_for 5 stamps_are "$S" sd 2 || fail "sd not started again after its stop: $(count_stamps "$S" sd) starts"
assert_eq "one ExecStop for three commands" 1 "$(count_stamps "$S" sd.stop)"
wait_for 5 unit_is sd up || fail "sd at the end: $(nci_state sd state)"
assert_eq "svc untouched" up "$(nci_state svc state)"
stop_init
assert_eq "exit code" 0 "$rc"

t "output: a process a oneshot leaves running (a daemon it started) lives on and its lines still come out"
# Under systemd the daemon stays in the unit's cgroup, its stdout still the journal's stream.
rm -f "$TMP/daemon.pid" "$TMP/daemon-go"
mktree leftover \
  "$(unit starter Type=oneshot RemainAfterExit=true \
     "ExecStart=/bin/sh -c '$SVC out early-line wait-file $TMP/daemon-go 20000 out late-line pidfile $TMP/daemon.pid pause &'")" \
  "$(unit keep after=starter "ExecStart=$SVC pause")"
boot leftover "$TREE"
wait_booted
touch "$TMP/daemon-go"
if ! wait_for 3 test -s "$TMP/daemon.pid"; then
  bug "the daemon the oneshot started died before writing its pidfile (SIGPIPE on its output?); stdout: [$(cat "$OUT")]"
else
  wait_for 5 grep -q 'late-line' "$OUT" || bug "the daemon's later line is lost: [$(cat "$OUT")]"
  assert_eq "its lines, prefixed" "starter: early-line
starter: late-line" "$(cat "$OUT")"
fi
stop_init
assert_eq "exit code" 0 "$rc"
