#!/bin/bash
# nci-supervise on testsvc services: Restart= against each way of dying, RestartSec, the start
# limit, readiness kinds and their timeouts, stop timeout, KillMode, output, control, s6's tools,
# the control scripts, signals to supervise. Every wait is bounded; nothing sleeps hoping.
. "$(dirname "$0")/../lib.sh"
ulimit -c 0

SUP=$NCI_BUILD/nci-supervise
TESTSVC=$NCI_BUILD/tests/helpers/testsvc
NCIEXEC=$NCI_BUILD/nci-exec
declare -A SV=()   # service name -> pid of its nci-supervise
leftovers=()       # service processes a case leaves running on purpose, killed at the end


cleanup() {
  local n p left=() deadline
  for n in "${!SV[@]}"; do kill -TERM "${SV[$n]}" 2>/dev/null; done
  deadline=$(( $(date +%s%N) / 1000000 + 3000 ))
  for n in "${!SV[@]}"; do
    p=${SV[$n]}
    while alive "$p" && [ $(( $(date +%s%N) / 1000000 )) -lt $deadline ]; do sleep 0.02; done
    if alive "$p"; then
      left+=("$(sed -n 's/^pid //p' "$TMP/$n/supervise/nci-state" 2>/dev/null)")
      kill -KILL "$p" 2>/dev/null
    fi
  done
  for p in "${left[@]}" "${leftovers[@]}"; do
    [ -n "$p" ] && [ "$p" != 0 ] && kill -KILL "$p" 2>/dev/null
  done
  return 0
}
trap 'cleanup; _finish' EXIT

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
# sq WORD: WORD quoted for sh
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# mksvc NAME [FILE=VALUE...] [-- ACTION...]: the service dir $TMP/NAME with the policy files
# given and a run script that execs testsvc with the actions.
mksvc() {
  local d=$TMP/$1 a line
  shift
  mkdir -p "$d"
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    printf '%s\n' "${1#*=}" > "$d/${1%%=*}"
    shift
  done
  [ $# -gt 0 ] && shift
  line="exec $TESTSVC"
  for a in "$@"; do line+=" $(sq "$a")"; done
  script_in "$d" run "$line"
}
# script_in DIR FILE BODY: an executable sh script
script_in() { printf '#!/bin/sh\n%s\n' "$3" > "$1/$2" && chmod 755 "$1/$2"; }
script() { [ -d "$TMP/$1" ] || return 1; script_in "$TMP/$1" "$2" "$3"; }
# ts ACTION...: testsvc's command line for a script, quoted
ts() { local a line=$TESTSVC; for a in "$@"; do line+=" $(sq "$a")"; done; printf '%s' "$line"; }

# start NAME [OPTIONS...]: nci-supervise OPTIONS $TMP/NAME in the background, its output in
# $TMP/NAME.out and .err; returns once its supervise/ files are there.
start() {
  local n=$1 d=$TMP/$1
  shift
  "$SUP" "$@" "$d" > "$d.out" 2> "$d.err" &
  SV[$n]=$!
  wait_for 3 test -e "$d/supervise/nci-state" || fail "$n: nci-supervise did not start: $(cat "$d.err")"
}
# stop_sup NAME: SIGTERM to its nci-supervise, waits for it to exit; sets rc.
stop_sup() {
  local p=${SV[$1]}
  kill -TERM "$p" 2>/dev/null
  sup_exit "$1"
}
# sup_exit NAME: waits (bounded) for its nci-supervise to exit; sets rc (999: still running).
sup_exit() {
  local p=${SV[$1]}
  if wait_for 5 gone "$p"; then wait "$p" 2>/dev/null; rc=$?; unset "SV[$1]"; else rc=999; fi
}

# st NAME KEY: a value of its supervise/nci-state
st() { sed -n "s/^$2 //p" "$TMP/$1/supervise/nci-state" 2>/dev/null; }
# key_is NAME KEY VALUE, key_is_not NAME KEY VALUE: a value of its supervise/nci-state, read anew
# at each call (for wait_for)
key_is() { [ "$(st "$1" "$2")" = "$3" ]; }
key_is_not() { [ "$(st "$1" "$2")" != "$3" ]; }
state_in() { local s x; s=$(st "$1" state); for x in "${@:2}"; do [ "$s" = "$x" ] && return 0; done; return 1; }
# wait_state NAME SECONDS STATE...: waits for one of the states; fails the case if it does not come.
wait_state() {
  wait_for "$2" state_in "$1" "${@:3}" && return 0
  fail "$1: state $(st "$1" state), expected ${*:3} within $2 s"
  return 1
}
# count FILE WORD: lines of FILE that start with "WORD "
count() { local c; c=$(grep -c "^$2 " "$1" 2>/dev/null); echo "${c:-0}"; }
has_count() { [ "$(count "$1" "$2")" -ge "$3" ]; }
# field FILE WORD N: field N (1: the word) of the last line of FILE that starts with "WORD "
field() { grep "^$2 " "$1" 2>/dev/null | tail -n 1 | cut -d' ' -f"$3"; }
svstat() { s6-svstat -o "$2" "$TMP/$1" 2>&1; }

# ---------------------------------------------------------------------------------------------
# Restart= against each way of dying, systemd's table. All 42 services run at once; each dies
# only in its first run (the second one stays up), so a restart shows as a second start stamp.

restarts=(no always on-success on-failure on-abnormal on-abort on-watchdog)
deaths=(exit0 exit1 segv kill term timeout)
declare -A death_actions=([exit0]="exit 0" [exit1]="exit 1" [segv]="crash SIGSEGV" \
  [kill]="crash SIGKILL" [term]="crash SIGTERM" [timeout]="pause")
declare -A death_result=([exit0]=success [exit1]=exit-code [segv]=signal [kill]=signal \
  [term]=success [timeout]=timeout)
declare -A restart_row=([no]="0 0 0 0 0 0" [always]="1 1 1 1 1 1" [on-success]="1 0 0 0 1 0" \
  [on-failure]="0 1 1 1 0 1" [on-abnormal]="0 0 1 1 0 1" [on-abort]="0 0 1 1 0 0" \
  [on-watchdog]="0 0 0 0 0 0")
declare -A expect_restart=() seen_result=() done_case=()
for r in "${restarts[@]}"; do
  read -r -a row <<< "${restart_row[$r]}"
  for i in "${!deaths[@]}"; do
    k=${deaths[$i]}; n=m-$r-$k; d=$TMP/$n
    expect_restart[$n]=${row[$i]}
    if [ "$k" = timeout ]; then
      mksvc "$n" restart="$r" restart-sec=3000 readiness=notify timeout-start=200
      script "$n" run "if [ -e $d/ran ]; then exec $(ts stamp "$d/stamps" start notify READY=1 pause); fi
: > $d/ran
exec $(ts stamp "$d/stamps" start pause)"
    else
      mksvc "$n" restart="$r" restart-sec=3000
      script "$n" run "if [ -e $d/ran ]; then exec $(ts stamp "$d/stamps" start pause); fi
: > $d/ran
exec $(ts stamp "$d/stamps" start) ${death_actions[$k]}"
    fi
  done
done
for n in "${!expect_restart[@]}"; do start "$n"; done
# One pass reads every state file with builtins only, so a 3 s "restarting" is not missed even
# on a loaded machine (once, under the sanitizers with both CPUs busy, a 1 s one was missed).
deadline=$(( $(now_ms) + 12000 ))
while [ ${#done_case[@]} -lt ${#expect_restart[@]} ] && [ "$(now_ms)" -lt $deadline ]; do
  for n in "${!expect_restart[@]}"; do
    [ -n "${done_case[$n]-}" ] && continue
    s=""; res=""
    while read -r key val; do
      case $key in state) s=$val ;; result) res=$val ;; esac
    done < "$TMP/$n/supervise/nci-state"
    if [ "${expect_restart[$n]}" = 0 ]; then
      case $s in down|failed) seen_result[$n]=$res; done_case[$n]=$s ;; restarting) done_case[$n]=restarting ;; esac
    else
      [ "$s" = restarting ] && seen_result[$n]=$res
      [ "$s" = up ] && [ -n "${seen_result[$n]-}" ] && done_case[$n]=up
    fi
  done
  sleep 0.01
done
for r in "${restarts[@]}"; do
  for k in "${deaths[@]}"; do
    n=m-$r-$k
    t "Restart=$r, $k: $([ "${expect_restart[$n]}" = 1 ] && echo restarted || echo not restarted)"
    want=${death_result[$k]}
    if [ "$k" = segv ] && [ "$(st "$n" last-exit)" = "dumped SIGSEGV" ]; then want=core-dump; fi
    if [ "${expect_restart[$n]}" = 1 ]; then
      assert_eq "final state" up "${done_case[$n]-$(st "$n" state)}"
      assert_eq "starts" 2 "$(count "$TMP/$n/stamps" start)"
      assert_eq "restarts" 1 "$(st "$n" restarts)"
    else
      [ "$want" = success ] && s=down || s=failed
      assert_eq "final state" "$s" "${done_case[$n]-$(st "$n" state)}"
      assert_eq "starts" 1 "$(count "$TMP/$n/stamps" start)"
      assert_eq "restarts" 0 "$(st "$n" restarts)"
    fi
    assert_eq "result" "$want" "${seen_result[$n]-}"
    case $k in
      exit0) assert_eq last-exit "exited 0" "$(st "$n" last-exit)" ;;
      exit1) assert_eq last-exit "exited 1" "$(st "$n" last-exit)" ;;
      segv) assert_match last-exit "^(killed|dumped) SIGSEGV$" "$(st "$n" last-exit)" ;;
      kill) assert_eq last-exit "killed SIGKILL" "$(st "$n" last-exit)" ;;
      term|timeout) assert_eq last-exit "killed SIGTERM" "$(st "$n" last-exit)" ;;
    esac
  done
done
for n in "${!expect_restart[@]}"; do kill -TERM "${SV[$n]}" 2>/dev/null; done
for n in "${!expect_restart[@]}"; do sup_exit "$n"; done

# ---------------------------------------------------------------------------------------------
t "success-exit-status and ignore-failure count as success"
mksvc ses restart=on-failure success-exit-status=$'3\nSIGUSR1' -- stamp "$TMP/ses/stamps" start exit 3
mksvc ses2 restart=on-failure success-exit-status=$'3\nSIGUSR1' -- stamp "$TMP/ses2/stamps" start crash SIGUSR1
mksvc ign restart=on-failure ignore-failure=yes -- stamp "$TMP/ign/stamps" start exit 7
start ses; start ses2; start ign
for n in ses ses2 ign; do
  wait_state "$n" 3 down failed
  assert_eq "$n state" down "$(st "$n" state)"
  assert_eq "$n result" success "$(st "$n" result)"
  assert_eq "$n starts" 1 "$(count "$TMP/$n/stamps" start)"
  stop_sup "$n"
done

# timings are make bench's: a test bounds them only to tell a timer honoured from one that is not
t "RestartSec: the restart comes restart-sec after the death, not before"
d=$TMP/rsec
mksvc rsec restart=on-failure restart-sec=300
script rsec run "if [ -e $d/ran ]; then exec $(ts stamp "$d/stamps" start pause); fi
: > $d/ran
exec $(ts stamp "$d/stamps" start stamp "$d/stamps" last exit 1)"
start rsec
if wait_for 3 has_count "$d/stamps" start 2; then
  gap=$(( ($(grep '^start ' "$d/stamps" | tail -n 1 | cut -d' ' -f3) - $(field "$d/stamps" last 3)) / 1000 ))
  if [ "$gap" -lt 300000 ] || [ "$gap" -gt 2000000 ]; then fail "restart gap ${gap} us, expected 300000 (at most 2 s under load)"; fi
else fail "no restart: $(cat "$d/stamps")"; fi
stop_sup rsec

t "start limit: burst 3 -> 3 starts, failed, start-limit-hit; u starts it again"
d=$TMP/limit
mksvc limit restart=always restart-sec=0 start-limit-burst=3 start-limit-interval=10000 -- \
  stamp "$d/stamps" start exit 1
start limit
wait_state limit 3 failed
assert_eq starts 3 "$(count "$d/stamps" start)"
assert_eq result start-limit-hit "$(st limit result)"
assert_eq restarts 2 "$(st limit restarts)"
assert_eq "s6-svstat" "false false" "$(svstat limit up,wantedup)"
s6-svc -u "$d"
wait_for 3 has_count "$d/stamps" start 6 || fail "starts after u: $(count "$d/stamps" start)"
wait_state limit 3 failed
assert_eq "starts after u" 6 "$(count "$d/stamps" start)"
assert_eq "result after u" start-limit-hit "$(st limit result)"
stop_sup limit

# ---------------------------------------------------------------------------------------------
# Readiness

t "readiness simple: ready at fork"
mksvc rsimple -- stamp "$TMP/rsimple/stamps" start pause
start rsimple
s6-svwait -U -t 3000 "$TMP/rsimple" || fail "s6-svwait -U"
assert_eq state up "$(st rsimple state)"
assert_eq readiness simple "$(st rsimple readiness)"
assert_eq ready yes "$(st rsimple ready)"
wait_for 2 test -s "$TMP/rsimple/stamps"
assert_eq pid "$(field "$TMP/rsimple/stamps" start 2)" "$(st rsimple pid)"
stop_sup rsimple

t "readiness exec: not ready before nci-exec execs the program, ready after"
d=$TMP/rexec
mksvc rexec readiness=exec timeout-start=5000
script rexec run "$(ts touch "$d/waiting" wait-file "$d/go" 5000) || exit 1
exec $NCIEXEC -- $(ts stamp "$d/stamps" start pause)"
start rexec
wait_for 3 test -e "$d/waiting" || fail "run script did not start"
assert_eq "state before exec" starting "$(st rexec state)"
assert_eq "ready before exec" no "$(st rexec ready)"
assert_eq "s6-svstat before exec" "true false" "$(svstat rexec up,ready)"
touch "$d/go"
s6-svwait -U -t 3000 "$d" || fail "s6-svwait -U after exec"
assert_eq state up "$(st rexec state)"
assert_eq readiness exec "$(st rexec readiness)"
wait_for 2 test -s "$d/stamps"
assert_eq "main pid is the exec'ed program" "$(field "$d/stamps" start 2)" "$(st rexec pid)"
stop_sup rexec

t "readiness notify: READY=1, STATUS= in nci-state"
d=$TMP/rnotify
mksvc rnotify readiness=notify timeout-start=5000 -- notify STATUS=booting touch "$d/waiting" \
  wait-file "$d/go" 5000 notify 'READY=1\nSTATUS=serving' pause
start rnotify
wait_for 3 test -e "$d/waiting" || fail "service did not start"
wait_for 2 key_is rnotify status booting || fail "status: [$(st rnotify status)]"
assert_eq "state before READY=1" starting "$(st rnotify state)"
assert_eq "ready before READY=1" no "$(st rnotify ready)"
touch "$d/go"
s6-svwait -U -t 3000 "$d" || fail "s6-svwait -U"
assert_eq state up "$(st rnotify state)"
assert_eq readiness notify "$(st rnotify readiness)"
wait_for 2 key_is rnotify status serving || fail "status after READY: [$(st rnotify status)]"
stop_sup rnotify

t "readiness notify: EXTEND_TIMEOUT_USEC= extends the start timeout"
mksvc rextend readiness=notify timeout-start=200 -- notify EXTEND_TIMEOUT_USEC=2000000 sleep 500 \
  notify READY=1 pause
start rextend
wait_state rextend 3 up failed
assert_eq state up "$(st rextend state)"
stop_sup rextend

t "readiness notification-fd: a newline on the fd"
d=$TMP/rfd
mksvc rfd notification-fd=5 timeout-start=5000 -- touch "$d/waiting" wait-file "$d/go" 5000 notify-fd 5 pause
start rfd
wait_for 3 test -e "$d/waiting" || fail "service did not start"
assert_eq "state before" starting "$(st rfd state)"
assert_eq "s6-svstat before" "true false" "$(svstat rfd up,ready)"
touch "$d/go"
s6-svc -wU -T 3000 -u "$d" || fail "s6-svc -wU"
assert_eq state up "$(st rfd state)"
assert_eq readiness notification-fd "$(st rfd readiness)"
assert_eq "s6-svstat after" "true true" "$(svstat rfd up,ready)"
stop_sup rfd

t "readiness forking with pid-file: the daemon is the main process; a stop kills it"
d=$TMP/rfork
mksvc rfork readiness=forking pid-file="$d/daemon.pid" timeout-start=5000 -- \
  daemon "$d/daemon.pid" stamp "$d/stamps" daemon pause
start rfork
s6-svwait -U -t 3000 "$d" || fail "s6-svwait -U"
dpid=$(cat "$d/daemon.pid" 2>/dev/null)
assert_eq state up "$(st rfork state)"
assert_eq readiness forking "$(st rfork readiness)"
assert_eq "pid = the daemon's" "$dpid" "$(st rfork pid)"
assert_eq "s6-svstat pid" "$dpid" "$(svstat rfork pid)"
alive "$dpid" || fail "daemon $dpid is not running"
leftovers+=("$dpid")
s6-svc -wD -T 3000 -d "$d" || fail "s6-svc -wD"
wait_for 2 gone "$dpid" || fail "daemon $dpid still running after the stop"
assert_eq "state after d" down "$(st rfork state)"
stop_sup rfork

t "readiness forking without pid-file: the one process left is the main process"
d=$TMP/rfork2
mksvc rfork2 readiness=forking timeout-start=5000 -- daemon - stamp "$d/stamps" daemon pause
start rfork2
wait_state rfork2 3 up down failed
assert_eq state up "$(st rfork2 state)"
wait_for 2 test -s "$d/stamps"
dpid=$(field "$d/stamps" daemon 2)
leftovers+=("$dpid")
assert_eq "pid = the daemon's" "$dpid" "$(st rfork2 pid)"
stop_sup rfork2
wait_for 2 gone "$dpid" || fail "daemon $dpid still running after supervise stopped"

t "readiness timeout (exec, notify, notification-fd, forking): stopped, failed, result timeout"
d=$TMP/tmexec
mksvc tmexec readiness=exec timeout-start=200
script tmexec run "$(ts stamp "$d/stamps" start wait-file "$d/never" 10000)
exec $NCIEXEC -- $(ts pause)"
mksvc tmnotify readiness=notify timeout-start=200 -- stamp "$TMP/tmnotify/stamps" start pause
mksvc tmfd notification-fd=3 timeout-start=200 -- stamp "$TMP/tmfd/stamps" start pause
mksvc tmfork readiness=forking timeout-start=200 -- stamp "$TMP/tmfork/stamps" start pause
t0=$(now_ms)
for n in tmexec tmnotify tmfd tmfork; do start "$n"; done
for n in tmexec tmnotify tmfd tmfork; do
  wait_state "$n" 3 failed down
  assert_eq "$n state" failed "$(st "$n" state)"
  assert_eq "$n result" timeout "$(st "$n" result)"
  assert_eq "$n starts" 1 "$(count "$TMP/$n/stamps" start)"
  p=$(field "$TMP/$n/stamps" start 2)
  [ -n "$p" ] && { gone "$p" || fail "$n: service $p still running"; }
  # when it failed (since, ms): not before 200 ms after supervise was started, and not
  # much later than 200 ms after the service's first stamp
  since=$(st "$n" since); since=$(( ${since%.*} * 1000 + 10#${since#*.} ))
  [ $(( since - t0 )) -ge 200 ] || fail "$n: failed $(( since - t0 )) ms after supervise started"
  late=$(( since - $(field "$TMP/$n/stamps" start 4) / 1000000 ))
  [ "$late" -le 2000 ] || fail "$n: failed ${late} ms after the service started, expected about 200"
  stop_sup "$n"
done

# ---------------------------------------------------------------------------------------------
t "stop timeout: a service ignoring SIGTERM gets SIGKILL after timeout-kill (300 ms)"
d=$TMP/stubborn
mksvc stubborn timeout-kill=300 -- ignore SIGTERM stamp "$d/stamps" start pause
start stubborn
s6-svwait -U -t 3000 "$d"
wait_for 2 test -s "$d/stamps"
p=$(st stubborn pid)
t0=$(now_ms)
s6-svc -wD -T 3000 -d "$d" || fail "s6-svc -wD"
el=$(( $(now_ms) - t0 ))
if [ "$el" -lt 300 ] || [ "$el" -gt 2000 ]; then fail "down after ${el} ms, expected 300 (at most 2 s under load)"; fi
gone "$p" || fail "service $p still running"
assert_eq last-exit "killed SIGKILL" "$(st stubborn last-exit)"
assert_eq state down "$(st stubborn state)"
stop_sup stubborn

t "stop timeout: a service ignoring SIGTERM and writing without a pause still gets SIGKILL after timeout-kill"
d=$TMP/chatty
# lines of 4000 bytes, one write each: the pipe never empties, so nci-supervise's every
# wait returns with something to read; its output goes to /dev/null, not to a file
mksvc chatty timeout-kill=300 -- ignore SIGTERM stamp "$d/stamps" start lines 100000000 4000 chat
"$SUP" "$d" > /dev/null 2> "$d.err" &
SV[chatty]=$!
wait_for 3 test -e "$d/supervise/nci-state" || fail "chatty: nci-supervise did not start: $(cat "$d.err")"
wait_for 3 test -s "$d/stamps" || fail "chatty did not start"
p=$(st chatty pid)
t0=$(now_ms)
s6-svc -wD -T 5000 -d "$d" || fail "s6-svc -wD: still up after 5 s"
el=$(( $(now_ms) - t0 ))
# as for the quiet service above: killed at timeout-kill, not at s6-svc's -T
if [ "$el" -lt 300 ] || [ "$el" -gt 2000 ]; then fail "down after ${el} ms, expected 300 (at most 2 s under load)"; fi
gone "$p" || fail "service $p still running"
assert_eq last-exit "killed SIGKILL" "$(st chatty last-exit)"
stop_sup chatty

# ---------------------------------------------------------------------------------------------
# KillMode on a service with a child: main.sig and child.sig say who got which signal.

# killsvc NAME MODE [FILE=VALUE...]: main logs SIGTERM and exits, child logs and exits on SIGTERM
killsvc() {
  local n=$1 mode=$2 d=$TMP/$1
  shift 2
  mksvc "$n" kill-mode="$mode" "$@" -- onsig SIGTERM "$d/main.sig" exit 0 child "$d/child" \
    stamp "$d/stamps" start pause
  start "$n"
  wait_for 3 test -s "$d/child" || fail "no child pid"
  wait_for 2 test -s "$d/stamps"
  main=$(st "$n" pid); child=$(cat "$d/child")
  leftovers+=("$child")
}

t "KillMode=control-group: SIGTERM to main and child, both gone"
killsvc kcg control-group timeout-kill=3000
s6-svc -wD -T 3000 -d "$TMP/kcg" || fail "s6-svc -wD"
assert_eq main.sig "SIGTERM $main" "$(cat "$TMP/kcg/main.sig" 2>&1)"
assert_eq child.sig "SIGTERM $child" "$(cat "$TMP/kcg/child.sig" 2>&1)"
gone "$main" || fail "main $main left"
gone "$child" || fail "child $child left"
stop_sup kcg

t "KillMode=process: SIGTERM to main only, the child is left running"
killsvc kproc process timeout-kill=3000
s6-svc -wD -T 3000 -d "$TMP/kproc" || fail "s6-svc -wD"
assert_eq main.sig "SIGTERM $main" "$(cat "$TMP/kproc/main.sig" 2>&1)"
assert_no_file "$TMP/kproc/child.sig"
gone "$main" || fail "main $main left"
alive "$child" || fail "child $child is gone"
assert_eq state down "$(st kproc state)"
kill -KILL "$child" 2>/dev/null
stop_sup kproc

t "KillMode=mixed: SIGTERM to main, then SIGKILL to the rest once main is gone"
killsvc kmixed mixed timeout-kill=3000
t0=$(now_ms)
s6-svc -wD -T 5000 -d "$TMP/kmixed" || fail "s6-svc -wD"
el=$(( $(now_ms) - t0 ))
assert_eq main.sig "SIGTERM $main" "$(cat "$TMP/kmixed/main.sig" 2>&1)"
assert_no_file "$TMP/kmixed/child.sig"
gone "$main" || fail "main $main left"
gone "$child" || fail "child $child left"
# systemd sends the final SIGKILL as soon as the main process has exited, not after TimeoutStopSec
[ "$el" -lt 1000 ] || fail "down after ${el} ms: the child waited for timeout-kill (3000)"
stop_sup kmixed

t "KillMode=control-group, main dies on its own: what it left gets SIGTERM"
d=$TMP/kcg2
mksvc kcg2 -- child "$d/child" wait-file "$d/go" 5000 exit 1
start kcg2
wait_for 3 test -s "$d/child" || fail "no child pid"
child=$(cat "$d/child"); leftovers+=("$child")
touch "$d/go"
wait_state kcg2 3 failed
assert_eq child.sig "SIGTERM $child" "$(cat "$d/child.sig" 2>&1)"
gone "$child" || fail "child $child left"
stop_sup kcg2

t "KillMode=mixed, main dies on its own: what it left gets SIGKILL"
d=$TMP/kmixed2
mksvc kmixed2 kill-mode=mixed timeout-kill=3000 -- child "$d/child" wait-file "$d/go" 5000 exit 1
start kmixed2
wait_for 3 test -s "$d/child" || fail "no child pid"
child=$(cat "$d/child"); leftovers+=("$child")
touch "$d/go"
wait_state kmixed2 2 failed
assert_no_file "$d/child.sig"
gone "$child" || fail "child $child left"
stop_sup kmixed2

# ---------------------------------------------------------------------------------------------
# Output

t "output: every line of two runs whole and prefixed across a restart; stderr too"
d=$TMP/logs
mksvc logs restart=on-failure restart-sec=0
script logs run "if [ -e $d/ran ]; then exec $(ts lines 500 80 B err E2 touch "$d/done" pause); fi
: > $d/ran
exec $(ts lines 500 80 A err E1 exit 1)"
start logs
wait_for 3 test -e "$d/done" || fail "second run did not finish writing"
stop_sup logs
assert_eq "supervise exit" 0 "$rc"
assert_eq "lines" 1000 "$(wc -l < "$d.out")"
assert_eq "whole prefixed lines" 1000 "$(grep -Ecx 'logs: [AB]-[0-9]{6}-x{71}' "$d.out")"
assert_eq "run 1 in order" "$(seq -f 'A-%06g' 500)" "$(grep -o '^logs: A-[0-9]*' "$d.out" | cut -c7-)"
assert_eq "run 2 in order" "$(seq -f 'B-%06g' 500)" "$(grep -o '^logs: B-[0-9]*' "$d.out" | cut -c7-)"
has_line "$d.err" "logs: E1" || fail "stderr of run 1 missing"
has_line "$d.err" "logs: E2" || fail "stderr of run 2 missing"

t "output: a line longer than 4096 bytes is split, not lost"
d=$TMP/long
mksvc long -- big 20000 touch "$d/done" pause
start long
wait_for 3 test -e "$d/done" || fail "service did not write"
stop_sup long
o=abcdefghijklmnopqrstuvwxyz
while [ ${#o} -lt 20000 ]; do o+=$o; done
o=${o:0:20000}
assert_eq "prefixed lines" "$(wc -l < "$d.out")" "$(grep -c '^long: ' "$d.out")"
[ "$(wc -l < "$d.out")" -ge 5 ] || fail "not split: $(wc -l < "$d.out") lines"
assert_eq "longest line <= 4096" 1 "$(awk 'length($0) >= 4096 { bad = 1 } END { print bad ? 0 : 1 }' "$d.out")"
assert_eq "concatenation" "$o" "$(sed 's/^long: //' "$d.out" | tr -d '\n')"

t "output: a partial line is flushed when the service exits"
d=$TMP/partial
mksvc partial -- out first partial tail exit 0
start partial
wait_state partial 3 down failed
wait_for 2 has_line "$d.out" "partial: tail" || fail "partial line not flushed: [$(cat "$d.out")]"
assert_eq "output" "partial: first
partial: tail" "$(cat "$d.out")"
alive "${SV[partial]}" || fail "supervise exited"
stop_sup partial

t "output: --no-prefix"
d=$TMP/noprefix
mksvc noprefix -- out hello err world exit 0
start noprefix --no-prefix
wait_state noprefix 3 down failed
wait_for 2 has_line "$d.out" hello || fail "stdout: [$(cat "$d.out")]"
wait_for 2 has_line "$d.err" world || fail "stderr: [$(cat "$d.err")]"
assert_eq stdout hello "$(cat "$d.out")"
stop_sup noprefix

t "run of one command (as nci-convert writes it) runs without execlineb only where the kernel would run it"
# el_svc NAME INTERPRETER MODE: run is "#!INTERPRETER -P" and one command that touches NAME.ran
el_svc() {
  mkdir -p "$TMP/$1"
  printf '#!%s -P\n%s touch %s pause\n' "$2" "$TESTSVC" "$TMP/$1.ran" > "$TMP/$1/run"
  chmod "$3" "$TMP/$1/run"
}
el_svc el-ok "$EXECLINE_BINDIR/execlineb" 755
el_svc el-noexec "$EXECLINE_BINDIR/execlineb" 644
el_svc el-nointerp "$TMP/no-such-dir/execlineb" 755
for n in el-ok el-noexec el-nointerp; do start "$n"; done
wait_for 3 test -e "$TMP/el-ok.ran" || fail "el-ok: the command did not run: $(cat "$TMP/el-ok.err")"
assert_eq "el-ok state" up "$(st el-ok state)"
for n in el-noexec el-nointerp; do
  wait_for 3 grep -q "exec the run file of" "$TMP/$n.err" || fail "$n: no exec failure: [$(cat "$TMP/$n.err")]"
  assert_eq "$n: its command never ran" no "$(test -e "$TMP/$n.ran" && echo yes || echo no)"
done
for n in el-ok el-noexec el-nointerp; do stop_sup "$n"; done

# ---------------------------------------------------------------------------------------------
# Control and s6's tools

t "a SIGTERM while nci-supervise sets up is a stop, not its death by default action"
# its restart policy file is a FIFO: nci-supervise blocks opening it, before anything is set up
mksvc early -- stamp "$TMP/early/stamps" start pause
mkfifo "$TMP/early/restart"
"$SUP" "$TMP/early" > "$TMP/early.out" 2> "$TMP/early.err" &
SV[early]=$!
in_fifo_open() { [ "$(cat "/proc/$1/wchan" 2>/dev/null)" = wait_for_partner ]; }
wait_for 5 in_fifo_open "${SV[early]}" || fail "nci-supervise did not block on its policy file"
kill -TERM "${SV[early]}"
timeout 5 sh -c 'echo no > "$1"' sh "$TMP/early/restart" || fail "nci-supervise did not read its policy file"
wait_for 5 gone "${SV[early]}" || fail "nci-supervise still running"
wait "${SV[early]}"; rc=$?
assert_eq "exit code: a stop's" 0 "$rc"
# it started the service (a start was due) and stopped it: nothing of it is left
p=$(field "$TMP/early/stamps" start 2)
[ -z "$p" ] || gone "$p" || fail "the service $p is left running"

t "lock: a second nci-supervise on the same directory exits 100 at once"
mksvc locked -- stamp "$TMP/locked/stamps" start pause
start locked
t0=$(now_ms)
timeout 5 "$SUP" "$TMP/locked" > "$TMP/locked2.out" 2>&1; rc=$?
el=$(( $(now_ms) - t0 ))
assert_eq rc 100 "$rc"
# not waiting for the lock: that would be timeout's 5 s and its exit code
[ "$el" -lt 4000 ] || fail "took ${el} ms"
alive "${SV[locked]}" || fail "the first one exited"
wait_for 2 test -s "$TMP/locked/stamps"
assert_eq "starts" 1 "$(count "$TMP/locked/stamps" start)"
stop_sup locked

t "file modes: supervise/ 0700, control 0600, status 0600, nci-state 0600, event 3730"
mksvc modes -- pause
start modes
assert_eq supervise 700 "$(stat -c %a "$TMP/modes/supervise")"
assert_eq control "600 fifo" "$(stat -c '%a %F' "$TMP/modes/supervise/control")"
assert_eq status 600 "$(stat -c %a "$TMP/modes/supervise/status")"
assert_eq "status size" 35 "$(stat -c %s "$TMP/modes/supervise/status")"
assert_eq nci-state 600 "$(stat -c %a "$TMP/modes/supervise/nci-state")"
assert_eq event 3730 "$(stat -c %a "$TMP/modes/event")"
stop_sup modes

t "r while a stop that d began is under way: started again once down"
d=$TMP/rd
# the stamp once SIGTERM is ignored: a d before it would end the service at once; the stop
# lasts timeout-kill, long enough for the poll below to see it
mksvc rd timeout-kill=2000 -- ignore SIGTERM stamp "$d/stamps" start pause
start rd
wait_for 3 test -s "$d/stamps" || fail "rd did not start"
printf d > "$d/supervise/control"
wait_for 3 eval '[ "$(st rd state)" = stopping ]' || fail "rd not stopping: $(st rd state)"
printf r > "$d/supervise/control"
two_starts() { [ "$(count "$d/stamps" start)" = 2 ]; }
wait_for 5 two_starts || fail "not started again: $(count "$d/stamps" start) starts, state $(st rd state)"
wait_for 3 eval '[ "$(st rd state)" = up ]' || fail "rd: $(st rd state)"
stop_sup rd

t "s6 tools: s6-svok, s6-svstat, s6-svc -u/-d/-wu/-wD/-wr, s6-svwait -U/-D/-u/-d"
d=$TMP/s6
mksvc s6 -- stamp "$d/stamps" start pause
start s6
s6-svok "$d"; assert_eq "s6-svok while running" 0 "$?"
s6-svwait -U -t 3000 "$d" || fail "s6-svwait -U"
wait_for 2 test -s "$d/stamps"
p=$(field "$d/stamps" start 2)
assert_eq "s6-svstat -o" "true true $p true" "$(svstat s6 up,ready,pid,wantedup)"
assert_match "s6-svstat" "^up \\(pid $p\\) [0-9]+ seconds, ready [0-9]+ seconds$" "$(s6-svstat "$d")"
s6-svwait -D -t 3000 "$d" & w=$!
s6-svc -d "$d"
wait_for 3 gone "$w"; wait "$w"; assert_eq "s6-svwait -D" 0 "$?"
assert_eq "s6-svstat down" "false false -1 SIGTERM" "$(svstat s6 up,wantedup,exitcode,signal)"
assert_match "s6-svstat down text" "^down \\(signal SIGTERM\\) [0-9]+ seconds" "$(s6-svstat "$d")"
s6-svwait -d -t 1000 "$d"; assert_eq "s6-svwait -d when down" 0 "$?"
s6-svc -u "$d"
s6-svwait -U -t 3000 "$d"; assert_eq "s6-svwait -U after -u" 0 "$?"
# simple readiness is at fork: the service writes its stamp a moment later
starts_are() { [ "$(count "$d/stamps" start)" = "$1" ]; }
wait_for 3 starts_are 2 || fail "starts: expected 2, got $(count "$d/stamps" start)"
s6-svwait -u -t 1000 "$d"; assert_eq "s6-svwait -u" 0 "$?"
p=$(st s6 pid)
s6-svc -wD -T 3000 -d "$d"; assert_eq "s6-svc -wD -d" 0 "$?"
gone "$p" || fail "service $p left after -wD"
s6-svc -wu -T 3000 -u "$d"; assert_eq "s6-svc -wu -u" 0 "$?"
p=$(st s6 pid)
s6-svc -wr -T 3000 -r "$d"; assert_eq "s6-svc -wr -r" 0 "$?"
wait_for 2 key_is_not s6 pid "$p" || fail "r did not restart"
wait_state s6 2 up
gone "$p" || fail "old service $p left after r"
stop_sup s6
assert_eq "supervise exit" 0 "$rc"
if s6-svok "$d" 2>/dev/null; then fail "s6-svok 0 after supervise exited"; fi

t "down file: starts down; o runs it once whatever restart says; x exits once down"
d=$TMP/downf
mksvc downf restart=always restart-sec=0 -- stamp "$d/stamps" start exit 0
touch "$d/down"
start downf
assert_eq "s6-svstat at start" "false false" "$(svstat downf up,wantedup)"
s6-svc -o "$d"
wait_for 3 has_count "$d/stamps" start 1 || fail "o did not start it"
wait_state downf 3 down
assert_eq "starts" 1 "$(count "$d/stamps" start)"
assert_eq "restarts" 0 "$(st downf restarts)"
s6-svc -x "$d"
sup_exit downf
assert_eq "exit code after x" 0 "$rc"
assert_file "$d/down"

t "malformed and random control bytes are ignored"
d=$TMP/fuzz
mksvc fuzz -- stamp "$d/stamps" start pause
start fuzz
s6-svwait -U -t 3000 "$d"
p=$(st fuzz pid)
# every byte value, then random bytes, all but the letters and digits (which are commands)
# shellcheck disable=SC2059
{ printf "$(printf '\\%03o' $(seq 0 255))"; head -c 4096 /dev/urandom; } | tr -d 'A-Za-z0-9' > "$TMP/fuzz.bytes"
# shellcheck disable=SC2016
timeout 5 sh -c 'cat "$1" > "$2"' sh "$TMP/fuzz.bytes" "$d/supervise/control" || fail "write to control"
alive "${SV[fuzz]}" || fail "supervise died"
assert_eq "same service" "$p" "$(st fuzz pid)"
assert_eq "still up" up "$(st fuzz state)"
s6-svc -wD -T 3000 -d "$d" || fail "s6-svc -wD after the bytes"
assert_eq "down after d" down "$(st fuzz state)"
assert_eq "starts" 1 "$(count "$d/stamps" start)"
stop_sup fuzz

# ---------------------------------------------------------------------------------------------
# The control scripts

t "start-post runs once ready, before the U event"
d=$TMP/post
mksvc post readiness=notify timeout-start=5000 -- stamp "$d/log" run wait-file "$d/ready" 5000 \
  notify READY=1 pause
script post start-post "$(ts stamp "$d/log" post wait-file "$d/postgo" 5000)"
start post
wait_for 3 test -s "$d/log" || fail "service did not start"
assert_eq "no start-post before READY=1" 1 "$(wc -l < "$d/log")"
touch "$d/ready"
wait_for 3 has_count "$d/log" post 1 || fail "start-post did not run"
assert_eq "order" "run post" "$(cut -d' ' -f1 "$d/log" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "state while start-post runs" starting "$(st post state)"
assert_eq "s6-svstat while start-post runs" "true false" "$(svstat post up,ready)"
s6-svwait -U -t 100 "$d" 2>/dev/null && fail "U before start-post ended"
touch "$d/postgo"
s6-svwait -U -t 3000 "$d" || fail "s6-svwait -U"
assert_eq state up "$(st post state)"
stop_sup post

t "stop script runs on d with \$MAINPID, before the down-signal"
d=$TMP/stopscr
mksvc stopscr -- onsig SIGTERM "$d/log" exit 0 stamp "$d/stamps" start pause
# shellcheck disable=SC2016
script stopscr stop 'echo "stop $MAINPID" >> '"$d/log"
start stopscr
s6-svwait -U -t 3000 "$d"
wait_for 2 test -s "$d/stamps"
p=$(st stopscr pid)
s6-svc -wD -T 3000 -d "$d" || fail "s6-svc -wD"
assert_eq log "stop $p
SIGTERM $p" "$(cat "$d/log" 2>&1)"
stop_sup stopscr

t "reload script on s6-svc -h (no SIGHUP then); SIGHUP without one"
d=$TMP/reload
mksvc reload -- onsig SIGHUP "$d/log" ignore onsig SIGUSR1 "$d/log" ignore stamp "$d/stamps" start pause
# shellcheck disable=SC2016
script reload reload 'echo "reload $MAINPID" >> '"$d/log"
start reload
s6-svwait -U -t 3000 "$d"
wait_for 2 test -s "$d/stamps"
p=$(st reload pid)
s6-svc -h "$d"
wait_for 3 has_count "$d/log" reload 1 || fail "reload did not run"
s6-svc -1 "$d"
wait_for 3 has_count "$d/log" SIGUSR1 1 || fail "SIGUSR1 not passed on"
assert_eq log "reload $p
SIGUSR1 $p" "$(cat "$d/log")"
assert_eq "still up" up "$(st reload state)"
stop_sup reload
d=$TMP/hup
mksvc hup -- onsig SIGHUP "$d/log" ignore stamp "$d/stamps" start pause
start hup
s6-svwait -U -t 3000 "$d"
wait_for 2 test -s "$d/stamps"
s6-svc -h "$d"
wait_for 3 has_count "$d/log" SIGHUP 1 || fail "no SIGHUP without a reload script"
assert_eq log "SIGHUP $(st hup pid)" "$(cat "$d/log" 2>&1)"
stop_sup hup

t "finish: exit code, signal, name; SERVICE_RESULT, EXIT_CODE, EXIT_STATUS"
for c in "fin1|exit 3|3|0|fin1|exit-code|exited|3|" "fin2|crash SIGKILL|256|9|fin2|signal|killed|KILL|" \
  "fin3|exit 0|0|0|fin3|success|exited|0|"; do
  n=${c%%|*}; rest=${c#*|}; acts=${rest%%|*}; want=${rest#*|}
  # shellcheck disable=SC2086
  mksvc "$n" -- $acts
  # shellcheck disable=SC2016
  script "$n" finish 'printf "%s|" "$@" "$SERVICE_RESULT" "$EXIT_CODE" "$EXIT_STATUS" > '"$TMP/$n/fin"
  start "$n"
done
for c in "fin1|3|0|fin1|exit-code|exited|3|" "fin2|256|9|fin2|signal|killed|KILL|" "fin3|0|0|fin3|success|exited|0|"; do
  n=${c%%|*}
  wait_state "$n" 3 down failed
  assert_eq "$n finish" "${c#*|}" "$(cat "$TMP/$n/fin" 2>&1)"
  stop_sup "$n"
done
d=$TMP/fin4
mksvc fin4 -- pause
# shellcheck disable=SC2016
script fin4 finish 'printf "%s|" "$@" "$SERVICE_RESULT" "$EXIT_CODE" "$EXIT_STATUS" > '"$d/fin"
start fin4
s6-svwait -U -t 3000 "$d"
s6-svc -wD -T 3000 -d "$d"
assert_eq "finish after d" "256|15|fin4|success|killed|TERM|" "$(cat "$d/fin" 2>&1)"
stop_sup fin4

# ---------------------------------------------------------------------------------------------
# Signals to nci-supervise

t "SIGTERM: stops the service and exits 0"
d=$TMP/sigterm
mksvc sigterm -- onsig SIGTERM "$d/log" exit 0 stamp "$d/stamps" start pause
start sigterm
s6-svwait -U -t 3000 "$d"
wait_for 2 test -s "$d/stamps"
p=$(st sigterm pid)
stop_sup sigterm
assert_eq "exit code" 0 "$rc"
assert_eq log "SIGTERM $p" "$(cat "$d/log" 2>&1)"
gone "$p" || fail "service $p left"

t "SIGHUP: exits once the service is down"
d=$TMP/sighup
mksvc sighup -- onsig SIGUSR1 "$d/log" ignore stamp "$d/stamps" start pause
start sighup
s6-svwait -U -t 3000 "$d"
wait_for 2 test -s "$d/stamps"
p=$(st sighup pid)
kill -HUP "${SV[sighup]}"
# a round trip through supervise after the SIGHUP: it has seen it by then
s6-svc -1 "$d"
wait_for 3 has_count "$d/log" SIGUSR1 1 || fail "SIGUSR1 not passed on"
alive "${SV[sighup]}" || fail "exited while the service is up"
alive "$p" || fail "service $p stopped by SIGHUP"
s6-svc -d "$d"
sup_exit sighup
assert_eq "exit code" 0 "$rc"
gone "$p" || fail "service $p left"

t "SIGQUIT: exits at once, leaving the service running"
d=$TMP/sigquit
mksvc sigquit -- stamp "$d/stamps" start pause
start sigquit
s6-svwait -U -t 3000 "$d"
wait_for 2 test -s "$d/stamps"
p=$(st sigquit pid)
leftovers+=("$p")
kill -QUIT "${SV[sigquit]}"
sup_exit sigquit
assert_eq "exit code" 0 "$rc"
alive "$p" || fail "service $p was stopped"
if s6-svok "$d" 2>/dev/null; then fail "s6-svok 0 after supervise exited"; fi
kill -KILL "$p" 2>/dev/null
