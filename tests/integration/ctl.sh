#!/bin/bash
# nci-ctl on a state directory made by hand: longruns under nci-supervise (testsvc services),
# oneshots whose nci-state is written as nci-init writes it. Every subcommand and exit code;
# every wait is bounded, nothing sleeps hoping.
. "$(dirname "$0")/../lib.sh"

CTL=$NCI_BUILD/nci-ctl
SUP=$NCI_BUILD/nci-supervise
TESTSVC=$NCI_BUILD/tests/helpers/testsvc
S=$TMP/state
mkdir "$S"
declare -A SV=()   # unit -> pid of its nci-supervise

cleanup() {
  local n deadline
  for n in "${!SV[@]}"; do kill -TERM "${SV[$n]}" 2>/dev/null; done
  deadline=$(( $(date +%s%N) / 1000000 + 5000 ))
  for n in "${!SV[@]}"; do
    while alive "${SV[$n]}" && [ $(( $(date +%s%N) / 1000000 )) -lt $deadline ]; do sleep 0.02; done
    alive "${SV[$n]}" && kill -KILL "${SV[$n]}" 2>/dev/null
  done
  return 0
}
trap 'cleanup; _finish' EXIT

# sq WORD: WORD quoted for sh
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
# longrun NAME [FILE=VALUE...] [-- ACTION...]: $S/NAME with its policy files and a run script
# that execs testsvc with the actions.
longrun() {
  local d=$S/$1 a line
  shift
  mkdir -p "$d"
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    printf '%s\n' "${1#*=}" > "$d/${1%%=*}"
    shift
  done
  [ $# -gt 0 ] && shift
  line="exec $TESTSVC"
  for a in "$@"; do line+=" $(sq "$a")"; done
  printf '#!/bin/sh\n%s\n' "$line" > "$d/run"
  chmod 755 "$d/run"
}
# oneshot NAME STATE RESULT [LAST-EXIT]: a oneshot and its nci-state, as nci-init writes them
oneshot() {
  mkdir -p "$S/$1/supervise"
  echo oneshot > "$S/$1/type"
  printf 'state %s\nreadiness oneshot\nready %s\npid 0\nsince %s.000\nrestarts 0\nresult %s\nlast-exit %s\nstatus %s\n' \
    "$2" "$([ "$2" = up ] && echo yes || echo no)" "$(date +%s)" "$3" "${4:-exited 0}" "${5:-}" \
    > "$S/$1/supervise/nci-state"
}
# supervise NAME: nci-supervise on $S/NAME in the background; returns once it holds the lock
# and has published its first state (the lock comes first).
supervise() {
  "$SUP" "$S/$1" > "$TMP/$1.out" 2> "$TMP/$1.err" &
  SV[$1]=$!
  wait_for 5 s6-svok "$S/$1" || fail "$1: nci-supervise did not start: $(cat "$TMP/$1.err")"
  wait_for 5 has_state "$1" || fail "$1: nci-supervise published no state: $(cat "$TMP/$1.err")"
}
has_state() { [ -n "$(st "$1" state)" ]; }
# ctl ARGS...: runs nci-ctl on $S; sets out, err, rc.
ctl() {
  out=$("$CTL" -s "$S" "$@" 2> "$TMP/stderr")
  rc=$?
  err=$(cat "$TMP/stderr")
}
st() { sed -n "s/^$2 //p" "$S/$1/supervise/nci-state" 2>/dev/null; }
state_is() { [ "$(st "$1" state)" = "$2" ]; }
# restarted UNIT OLDPID: its state and pid, read anew at each call (for wait_for), are no longer "up OLDPID"
restarted() { [ "$(st "$1" state) $(st "$1" pid)" != "up $2" ]; }
pid_of() { st "$1" pid; }
# row UNIT: the status row of UNIT, its cells joined by single spaces
row() { printf '%s\n' "$out" | awk -v u="$1" '$1 == u { $1 = $1; print }'; }
has_fifo() { [ -n "$(find "$S/$1/event" -name 'ftrig1*' 2>/dev/null)" ]; }
fifos() { find "$S" -path '*/event/*' -name 'ftrig1*' | wc -l; }

# web.pid is written once the handlers are in place (a simple service is up at fork)
longrun web -- onsig SIGUSR1 "$TMP/web.sig" ignore onsig SIGHUP "$TMP/web.sig" ignore \
  onsig SIGRTMIN+1 "$TMP/web.sig" ignore onsig SIGWINCH "$TMP/web.sig" ignore \
  pidfile "$TMP/web.pid" out hello pause
printf '#!/bin/sh\necho "reload $MAINPID" >> %s\n' "$TMP/web.reload" > "$S/web/reload"
chmod 755 "$S/web/reload"
longrun api readiness=notify -- wait-file "$TMP/api.go" 60000 notify READY=1 pause
oneshot job down success
supervise web
supervise api

t "wait: a simple service is up"
ctl wait -t 5000 web
assert_eq rc 0 "$rc"
assert_eq stderr "" "$err"

t "status: every unit by name, columns aligned"
ctl status
assert_eq rc 0 "$rc"
assert_eq lines 4 "$(printf '%s\n' "$out" | wc -l)"
assert_match header "^UNIT +TYPE +STATE +PID +UP-FOR +RESTARTS +LAST-EXIT +READY +STATUS$" "$(printf '%s\n' "$out" | head -n 1)"
assert_eq order "UNIT api job web" "$(printf '%s\n' "$out" | awk '{ print $1 }' | paste -sd' ')"
assert_eq web "web longrun up $(pid_of web) 0s 0 - yes -" "$(row web | sed 's/ [0-9]s / 0s /')"
assert_eq api "api longrun starting $(pid_of api) 0s 0 - no -" "$(row api | sed 's/ [0-9]s / 0s /')"
assert_eq job "job oneshot down - - - exited 0 - -" "$(row job)"
# each column starts at the same offset on every line
header=$(printf '%s\n' "$out" | head -n 1)
for col in TYPE STATE PID UP-FOR RESTARTS LAST-EXIT READY STATUS; do
  prefix=${header%%"$col"*}
  while IFS= read -r line; do
    [ "${line:${#prefix}-2:2}" = "  " ] && [ "${line:${#prefix}:1}" != " " ] \
      || fail "column $col not at offset ${#prefix}: [$line]"
  done <<< "$out"
done

t "status UNIT...: the units given, in the order given"
ctl status web job
assert_eq rc 0 "$rc"
assert_eq order "UNIT web job" "$(printf '%s\n' "$out" | awk '{ print $1 }' | paste -sd' ')"

t "status agrees with s6-svstat"
assert_match s6-svstat "^up \(pid $(pid_of web)\) " "$(s6-svstat "$S/web")"

t "check: starting counts as up; a oneshot down after success counts"
ctl check
assert_eq rc 0 "$rc"
assert_eq out "" "$out"

t "check --ready: one line per unit not ready, exit 1"
ctl check --ready
assert_eq rc 1 "$rc"
assert_eq out "api: starting" "$out"
ctl check -r
assert_eq "rc (-r)" 1 "$rc"

t "wait --ready -t: timeout exits 1 naming the units not ready, FIFOs removed"
ctl wait --ready -t 200 web api
assert_eq rc 1 "$rc"
assert_eq message "nci-ctl: fatal: unable to wait for api: timed out after 200 ms: api is starting" "$err"
assert_eq fifos 0 "$(fifos)"

t "wait --ready: subscribed first, returns once the service is ready"
"$CTL" -s "$S" wait --ready -t 10000 api web > "$TMP/wait.out" 2>&1 &
wpid=$!
wait_for 5 has_fifo api || fail "no listener FIFO in api/event"
alive "$wpid" || fail "wait returned before api was ready"
touch "$TMP/api.go"
wait_for 5 gone "$wpid" || fail "wait still running after api is ready"
wait "$wpid"; rc=$?
assert_eq rc 0 "$rc"
assert_eq output "" "$(cat "$TMP/wait.out")"
assert_eq "api state" up "$(st api state)"
assert_eq fifos 0 "$(fifos)"

t "check --ready: all ready"
ctl check --ready
assert_eq rc 0 "$rc"
ctl status api
assert_match api "^api longrun up [0-9]+ [0-9]+s 0 - yes -$" "$(row api)"

t "stop: the service goes down, in status and s6-svstat"
ctl stop web
assert_eq rc 0 "$rc"
wait_for 5 state_is web down || fail "web: state $(st web state)"
ctl status web
assert_eq web "web longrun down - - 0 killed SIGTERM - -" "$(row web)"
assert_match s6-svstat "^down \(signal SIGTERM\) " "$(s6-svstat "$S/web")"

t "check: a longrun down is not up"
ctl check
assert_eq rc 1 "$rc"
assert_eq out "web: down (success, killed SIGTERM)" "$out"

t "kill on a service that is down: exit 1"
ctl kill TERM web
assert_eq rc 1 "$rc"
assert_eq message "nci-ctl: fatal: unable to send SIGTERM to web: the service is down" "$err"

t "start: up again"
ctl start web
assert_eq rc 0 "$rc"
ctl wait -t 5000 web
assert_eq "wait rc" 0 "$rc"
assert_match s6-svstat "^up \(pid $(pid_of web)\) " "$(s6-svstat "$S/web")"

t "restart: a new process"
old=$(pid_of web)
ctl restart web
assert_eq rc 0 "$rc"
wait_for 5 restarted web "$old" || fail "web not restarted"
ctl wait -t 5000 web
assert_eq "wait rc" 0 "$rc"
new=$(pid_of web)
[ "$new" != "$old" ] && [ "$new" != 0 ] || fail "pid $old -> $new"
assert_match s6-svstat "^up \(pid $new\) " "$(s6-svstat "$S/web")"

t "reload: the reload script, with \$MAINPID"
ctl reload web
assert_eq rc 0 "$rc"
wait_for 5 has_line "$TMP/web.reload" "reload $new" || fail "reload script: $(cat "$TMP/web.reload" 2>&1)"

t "kill: through supervise (USR1, WINCH) and by kill(2) (RTMIN+1, HUP: h would reload)"
: > "$TMP/web.sig"
wait_for 5 has_line "$TMP/web.pid" "$new" || fail "web $new did not get to its handlers: $(cat "$TMP/web.pid" 2>&1)"
for sig in USR1 SIGWINCH RTMIN+1 HUP; do
  ctl kill "$sig" web
  assert_eq "rc $sig" 0 "$rc"
done
for sig in SIGUSR1 SIGWINCH SIGRTMIN+1 SIGHUP; do
  wait_for 5 has_line "$TMP/web.sig" "$sig $new" || fail "$sig not received: $(cat "$TMP/web.sig")"
done
assert_eq "reloads" 1 "$(wc -l < "$TMP/web.reload")"
assert_eq "still up" "up $new" "$(st web state) $(st web pid)"

t "wait: a failed unit fails at once, with its result"
longrun crash -- exit 3
supervise crash
wait_for 5 state_is crash failed || fail "crash: state $(st crash state)"
ctl wait -t 10000 crash
assert_eq rc 1 "$rc"
assert_eq message "nci-ctl: fatal: unable to wait for crash: failed (exit-code, exited 3)" "$err"
assert_eq fifos 0 "$(fifos)"

t "wait: a unit failing while waited for (event F)"
longrun late readiness=notify -- wait-file "$TMP/late.go" 60000 exit 4
supervise late
"$CTL" -s "$S" wait -r -t 10000 late > "$TMP/wait.out" 2>&1 &
wpid=$!
wait_for 5 has_fifo late || fail "no listener FIFO in late/event"
touch "$TMP/late.go"
wait_for 5 gone "$wpid" || fail "wait still running after late failed"
wait "$wpid"; rc=$?
assert_eq rc 1 "$rc"
assert_eq message "nci-ctl: fatal: unable to wait for late: failed (exit-code, exited 4)" "$(cat "$TMP/wait.out")"
assert_eq fifos 0 "$(fifos)"

t "wait: interrupted by SIGTERM, exit 143, FIFO removed"
"$CTL" -s "$S" stop web
wait_for 5 state_is web down || fail "web: state $(st web state)"
"$CTL" -s "$S" wait -t 60000 web > "$TMP/wait.out" 2>&1 &
wpid=$!
wait_for 5 has_fifo web || fail "no listener FIFO in web/event"
kill -TERM "$wpid"
wait_for 5 gone "$wpid" || fail "wait still running after SIGTERM"
wait "$wpid"; rc=$?
assert_eq rc 143 "$rc"
assert_eq fifos 0 "$(fifos)"
"$CTL" -s "$S" start web

t "status: a failed unit"
ctl status crash
assert_eq crash "crash longrun failed - - 0 exited 3 - -" "$(row crash)"

t "oneshots: status, wait when finished; control goes to nci-init (here not running: 111), reload exits 3"
# nci-init writes "ready no" for a oneshot that is up: up is ready for a oneshot
oneshot setup up success
sed -i 's/^ready .*/ready no/' "$S/setup/supervise/nci-state"
oneshot migrate failed exit-code "exited 2"
oneshot seed starting none none
ctl status setup migrate seed
assert_eq setup "setup oneshot up - 0s - exited 0 yes -" "$(row setup | sed 's/ [0-9]s / 0s /')"
assert_eq migrate "migrate oneshot failed - - - exited 2 - -" "$(row migrate)"
assert_eq seed "seed oneshot starting - 0s - - no -" "$(row seed | sed 's/ [0-9]s / 0s /')"
for verb in start stop restart; do
  ctl "$verb" job
  assert_eq "$verb rc" 111 "$rc"
  assert_eq "$verb message" "nci-ctl: fatal: unable to control job: nci-init is not running (nobody reads $S/.nci-init/control)" "$err"
done
ctl reload job
assert_eq "reload rc" 3 "$rc"
assert_eq "reload message" "nci-ctl: fatal: unable to reload job: a oneshot has nothing to reload" "$err"
ctl kill TERM job
assert_eq "kill rc" 1 "$rc"
assert_eq "kill message" "nci-ctl: fatal: unable to send SIGTERM to job: it is not running" "$err"
ctl wait -t 5000 setup job
assert_eq "wait rc" 0 "$rc"
ctl wait --ready -t 5000 setup job
assert_eq "wait --ready rc" 0 "$rc"
ctl wait -t 5000 migrate
assert_eq "wait failed rc" 1 "$rc"
assert_eq "wait failed" "nci-ctl: fatal: unable to wait for migrate: failed (exit-code, exited 2)" "$err"
ctl wait -t 5000 seed
assert_eq "wait starting rc" 3 "$rc"
assert_eq "wait starting" "nci-ctl: fatal: unable to wait for seed: not supported for a oneshot that has not finished yet" "$err"
assert_eq fifos 0 "$(fifos)"

t "a longrun nci-init failed before it ever started: failed, with why"
mkdir "$S/blocked"
mkdir "$S/blocked/supervise"
printf 'state failed\nreadiness simple\nready no\npid 0\nsince 1.000\nrestarts 0\nresult exit-code\nlast-exit none\nstatus requirement migrate failed\n' \
  > "$S/blocked/supervise/nci-state"
ctl status blocked
assert_eq blocked "blocked longrun failed - - 0 - - requirement migrate failed" "$(row blocked)"

t "check: every unit not up, one line each"
"$CTL" -s "$S" wait -t 5000 web > /dev/null 2>&1
mkdir "$S/idle"
ctl check
assert_eq rc 1 "$rc"
assert_eq out "blocked: failed (exit-code: requirement migrate failed)
crash: failed (exit-code, exited 3)
idle: unsupervised
late: failed (exit-code, exited 4)
migrate: failed (exit-code, exited 2)
seed: starting" "$out"

t "an unsupervised longrun: status says so, start fails with 111"
ctl status idle
assert_eq idle "idle longrun unsupervised - - - - - -" "$(row idle)"
ctl start idle
assert_eq rc 111 "$rc"
assert_eq message "nci-ctl: fatal: unable to control idle: not supervised (no nci-supervise running on $S/idle)" "$err"
ctl kill USR2 idle
assert_eq "kill rc" 111 "$rc"
ctl wait -t 100 idle
assert_eq "wait rc" 111 "$rc"
assert_match "wait message" "^nci-ctl: fatal: unable to subscribe to $S/idle/event: " "$err"

t "unknown unit: exit 2, naming the unit and the state dir"
for cmd in "status nope" "start nope" "stop web nope" "kill TERM nope" "wait nope" "status .hidden" "status ../state"; do
  # shellcheck disable=SC2086
  ctl $cmd
  assert_eq "$cmd rc" 2 "$rc"
done
ctl status nope
assert_eq message "nci-ctl: fatal: unable to find unit nope in $S: no such unit" "$err"
mkdir "$S/.hidden"
ctl status
assert_eq "dot dirs not listed" "" "$(row .hidden)"

t "missing state dir: exit 111"
out=$("$CTL" -s "$TMP/none" status 2>&1); rc=$?
assert_eq rc 111 "$rc"
assert_eq message "nci-ctl: fatal: unable to open state directory $TMP/none: No such file or directory" "$out"
out=$(NCI_STATE_DIR= "$CTL" check 2>&1 < /dev/null); rc=$?
[ -d /run/nci ] || assert_eq "default /run/nci" \
  "nci-ctl: fatal: unable to open state directory /run/nci: No such file or directory" "$out"

t "NCI_STATE_DIR names the state dir; -s wins"
out=$(NCI_STATE_DIR=$S "$CTL" status web 2>&1); rc=$?
assert_eq rc 0 "$rc"
assert_match row "^web +longrun " "$(printf '%s\n' "$out" | tail -n 1)"
out=$(NCI_STATE_DIR=$TMP/none "$CTL" -s "$S" status web 2>&1); rc=$?
assert_eq "-s rc" 0 "$rc"

t "usage: exit 100"
for cmd in "" "bogus" "start" "stop" "kill" "kill TERM" "kill NOSIG web" "wait" "wait -t x web" \
  "wait --bogus web" "check web" "check -x" "-x status"; do
  # shellcheck disable=SC2086
  ctl $cmd
  assert_eq "[$cmd] rc" 100 "$rc"
done
ctl kill NOSIG web
assert_eq message "nci-ctl: fatal: invalid signal: NOSIG" "$err"
ctl bogus
assert_match message "^nci-ctl: usage: nci-ctl " "$err"

t "--help: exit 0, the commands and exit codes"
ctl --help
assert_eq rc 0 "$rc"
assert_match usage "^usage: nci-ctl " "$out"
assert_match "exit codes" "2 unknown unit" "$out"
ctl wait --help
assert_eq "wait --help rc" 0 "$rc"
