#!/bin/bash
# testsvc and notify-recv, the test service and sd_notify receiver the supervise/init tests use.
. "$(dirname "$0")/../lib.sh"

SVC=$NCI_BUILD/tests/helpers/testsvc
RECV=$NCI_BUILD/tests/helpers/notify-recv
cd "$TMP" || exit 111

# Every process a case starts in the background; whatever is left is killed by pid at the end.
pids=()
cleanup() { local p; for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; }
trap 'cleanup; _finish' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# bg ARGS...: starts testsvc ARGS in the background; sets pid.
bg() { "$SVC" "$@" & pid=$!; pids+=("$pid"); }
# reap PID: waits (bounded) for our child PID to end; sets rc (999 if it did not).
reap() {
  if wait_for 5 gone "$1"; then wait "$1" 2>/dev/null; rc=$?; else rc=999; fi
}
# run ARGS...: testsvc ARGS in the foreground; sets out, err, rc.
run() { out=$("$SVC" "$@" 2>"$TMP/stderr"); rc=$?; err=$(cat "$TMP/stderr"); }

t "no action: exits 0"
run
assert_eq rc 0 "$rc"
assert_eq err "" "$err"

t "exit N"
run exit 3
assert_eq rc 3 "$rc"
run out a exit 0 out b
assert_eq "rc of exit 0" 0 "$rc"
assert_eq "actions after exit" a "$out"
run exit 255
assert_eq rc 255 "$rc"

t "the command line is checked before the first action"
for bad in "bogus" "exit" "exit 256" "exit x" "crash FOO" "ignore KILL" "onsig TERM f" \
  "onsig TERM f bogus" "onsig KILL f ignore" "sleep -1" "lines 3 5 P" "notify-fd"; do
  # shellcheck disable=SC2086
  run touch early $bad
  assert_eq "rc for '$bad'" 100 "$rc"
  assert_match "message for '$bad'" "^testsvc: usage: " "$err"
  assert_no_file early
  rm -f early
done

t "a failing action: one line, exit 111"
run touch "$TMP/no/such/file"
assert_eq rc 111 "$rc"
assert_eq message "testsvc: fatal: unable to create $TMP/no/such/file: No such file or directory" "$err"

t "sleep MS"
start=$(now_ms)
run sleep 200 exit 4
elapsed=$(( $(now_ms) - start ))
assert_eq rc 4 "$rc"
[ "$elapsed" -ge 200 ] || fail "slept ${elapsed} ms, expected at least 200"

t "sleep resumes after a handled signal"
start=$(now_ms)
bg onsig USR1 sig ignore pidfile pid sleep 600 exit 5
wait_for 5 test -s pid || fail "no pid file"
kill -USR1 "$pid"
wait_for 5 has_line sig "SIGUSR1 $pid" || fail "no SIGUSR1 line: $(cat sig 2>&1)"
reap "$pid"
elapsed=$(( $(now_ms) - start ))
assert_eq rc 5 "$rc"
[ "$elapsed" -ge 600 ] || fail "slept ${elapsed} ms, expected at least 600"

t "crash SIG: killed by SIG, by name or number"
rm -f sig
run crash SEGV
assert_eq "SEGV rc" 139 "$rc"
run crash SIGABRT
assert_eq "SIGABRT rc" 134 "$rc"
run crash 15
assert_eq "15 rc" 143 "$rc"
run crash KILL
assert_eq "KILL rc" 137 "$rc"
run ignore TERM crash TERM
assert_eq "crash after ignore" 143 "$rc"
run onsig TERM sig exit 3 crash TERM
assert_eq "crash after onsig" 143 "$rc"
assert_no_file sig
run crash CHLD out alive
assert_eq "a signal that does not kill" "0 alive" "$rc $out"

t "signals the parent left ignored are back to default"
rm -f pid
( trap '' TERM; exec "$SVC" pidfile pid pause ) & pid=$!; pids+=("$pid")
wait_for 5 test -s pid || fail "no pid file"
kill -TERM "$pid"
reap "$pid"
assert_eq rc 143 "$rc"

t "ignore SIG"
rm -f pid sig
# An RT signal pending with SIGTERM is delivered after it: if SIGTERM killed, rc would be 143.
bg ignore TERM onsig 40 sig exit 7 pidfile pid pause
wait_for 5 test -s pid || fail "no pid file"
kill -TERM "$pid"
kill -s 40 "$pid"
reap "$pid"
assert_eq rc 7 "$rc"
assert_eq "sig file" "SIGRTMIN+6 $pid" "$(cat sig)"

t "onsig SIG FILE exit N"
rm -f pid sig
bg onsig TERM sig exit 3 pidfile pid pause
wait_for 5 test -s pid || fail "no pid file"
kill -TERM "$pid"
reap "$pid"
assert_eq rc 3 "$rc"
assert_eq "sig file" "SIGTERM $pid" "$(cat sig)"

t "onsig SIG FILE ignore, and several signals"
rm -f pid sig
bg onsig HUP sig ignore onsig SIGUSR2 sig ignore onsig INT sig exit 9 pidfile pid pause
wait_for 5 test -s pid || fail "no pid file"
kill -HUP "$pid"
wait_for 5 has_line sig "SIGHUP $pid" || fail "no SIGHUP line"
kill -USR2 "$pid"
wait_for 5 has_line sig "SIGUSR2 $pid" || fail "no SIGUSR2 line"
alive "$pid" || fail "died of an ignored signal"
kill -INT "$pid"
reap "$pid"
assert_eq rc 9 "$rc"
assert_eq "sig file" "SIGHUP $pid
SIGUSR2 $pid
SIGINT $pid" "$(cat sig)"

t "out, err, partial"
"$SVC" out hello partial abc err oops partial def > o 2> e
assert_eq rc 0 $?
assert_eq stdout "$(printf 'hello\nabcdef' | od -c)" "$(od -c < o)"
assert_eq stderr "$(printf 'oops\n' | od -c)" "$(od -c < e)"
"$SVC" out "" out "two words" > o
assert_eq "empty and spaces" "$(printf '\ntwo words\n' | od -c)" "$(od -c < o)"

t "lines N LEN PREFIX: every line present and complete"
"$SVC" lines 5 20 P > o
assert_eq "5 lines" "P-000001-xxxxxxxxxxx
P-000002-xxxxxxxxxxx
P-000003-xxxxxxxxxxx
P-000004-xxxxxxxxxxx
P-000005-xxxxxxxxxxx" "$(cat o)"
"$SVC" lines 20000 200 svc | cat > o
assert_eq "through a pipe" 20000 "$(wc -l < o)"
awk 'BEGIN { pad = "x"; while (length(pad) < 189) pad = pad "x"
  for (i = 1; i <= 20000; i++) printf "svc-%06d-%s\n", i, pad }' > expected
cmp -s expected o || fail "lines differ: $(diff expected o | head -n 3)"
"$SVC" lines 1234567 20 Q | tail -n 1 > o
assert_eq "7-digit numbers" "Q-1234567-xxxxxxxxxx" "$(cat o)"
"$SVC" lines 0 20 Q > o
assert_eq "no lines" 0 "$(wc -c < o)"

t "big LEN: one long line"
"$SVC" big 100000 | cat > o
assert_eq size 100001 "$(wc -c < o)"
assert_eq lines 1 "$(wc -l < o)"
assert_eq start abcdefghijklmnopqrstuvwxyzabc "$(head -c 29 o)"
assert_eq "letters only" 0 "$(head -c 100000 o | tr -d 'a-z' | wc -c)"
"$SVC" big 0 > o
assert_eq "empty" "$(printf '\n' | od -c)" "$(od -c < o)"

t "pidfile FILE"
rm -f pid
bg pidfile pid pause
wait_for 5 test -s pid || fail "no pid file"
assert_eq pid "$pid" "$(cat pid)"
assert_no_file pid.tmp
kill -TERM "$pid"
reap "$pid"
assert_eq rc 143 "$rc"

t "stamp FILE WORD"
rm -f st
before=$(date +%s%N)
"$SVC" stamp st one sleep 50 stamp st two
after=$(date +%s%N)
assert_eq lines 2 "$(wc -l < st)"
assert_match format "^one [0-9]+ [0-9]+ [0-9]+
two [0-9]+ [0-9]+ [0-9]+$" "$(cat st)"
read -r _ p1 m1 r1 < <(sed -n 1p st)
read -r _ p2 m2 r2 < <(sed -n 2p st)
assert_eq "same pid" "$p1" "$p2"
[ $(( m2 - m1 )) -ge 50000000 ] || fail "monotonic stamps $(( m2 - m1 )) ns apart, expected at least 50 ms"
[ "$r1" -ge "$before" ] && [ "$r2" -le "$after" ] && [ "$r2" -ge "$r1" ] ||
  fail "realtime stamps $r1 $r2 not between $before and $after"

t "daemon PIDFILE: the parent exits 0 once the daemon's pid file is there"
rm -f dpid dpid2 dout
"$SVC" daemon dpid pidfile dpid2 out running pause > dout & parent=$!
pids+=("$parent")
reap "$parent"
assert_eq "parent rc" 0 "$rc"
assert_file dpid
d=$(cat dpid)
pids+=("$d")
assert_match "pid" "^[0-9]+$" "$d"
[ "$d" != "$parent" ] || fail "the daemon is the parent"
alive "$d" || fail "the daemon $d is not running"
wait_for 5 test -s dpid2 || fail "the daemon did not go on with its actions"
assert_eq "pidfile after daemon" "$d" "$(cat dpid2)"
wait_for 5 has_line dout running || fail "no output from the daemon"
stat=$(cat "/proc/$d/stat"); stat=${stat##*) }
read -r _ ppid _ sid _ <<< "$stat"
[ "$sid" != "$d" ] || fail "the daemon is a session leader"
mystat=$(cat /proc/self/stat); mystat=${mystat##*) }
read -r _ _ _ mysid _ <<< "$mystat"
[ "$sid" != "$mysid" ] || fail "the daemon is in the test's session"
[ "$ppid" != "$parent" ] || fail "the daemon's parent is the first process"
kill -TERM "$d"
wait_for 5 gone "$d" || fail "the daemon did not stop on SIGTERM"

t "daemon -: no pid file, still synchronised"
rm -f dpid2
"$SVC" daemon - pidfile dpid2 pause & parent=$!
pids+=("$parent")
reap "$parent"
assert_eq "parent rc" 0 "$rc"
assert_no_file ./-
wait_for 5 test -s dpid2 || fail "no pid file from the daemon"
d=$(cat dpid2)
pids+=("$d")
[ "$d" != "$parent" ] || fail "the daemon is the parent"
kill -TERM "$d"
wait_for 5 gone "$d" || fail "the daemon did not stop on SIGTERM"

t "daemon: the parent fails if the daemon cannot write its pid file"
run daemon "$TMP/no/dir/pid" pause
assert_eq rc 111 "$rc"
assert_match message "unable to create $TMP/no/dir/pid.tmp: No such file or directory" "$err"
assert_match "parent's message" "unable to start the daemon: Broken pipe" "$err"

t "child FILE: a child logging its signals, the parent goes on"
rm -f c c.sig pid
bg child c pidfile pid pause
wait_for 5 test -s pid || fail "the parent did not go on"
wait_for 5 test -s c || fail "no pid file from the child"
cpid=$(cat c)
pids+=("$cpid")
[ "$cpid" != "$pid" ] || fail "the child is the parent"
kill -USR1 "$cpid"
wait_for 5 has_line c.sig "SIGUSR1 $cpid" || fail "no SIGUSR1 line"
kill -HUP "$cpid"
wait_for 5 has_line c.sig "SIGHUP $cpid" || fail "no SIGHUP line"
alive "$cpid" || fail "the child died of SIGUSR1 or SIGHUP"
kill -TERM "$cpid"
wait_for 5 gone "$cpid" || fail "the child did not exit on SIGTERM"
assert_eq "c.sig" "SIGUSR1 $cpid
SIGHUP $cpid
SIGTERM $cpid" "$(cat c.sig)"
alive "$pid" || fail "the parent died with its child"
kill -TERM "$pid"
reap "$pid"
assert_eq "parent rc" 143 "$rc"

t "child FILE: SIGINT ends the child too, the parent's exit does not"
rm -f c c.sig
"$SVC" child c exit 0
assert_eq "parent rc" 0 $?
wait_for 5 test -s c || fail "no pid file from the child"
cpid=$(cat c)
pids+=("$cpid")
alive "$cpid" || fail "the child died with its parent"
kill -INT "$cpid"
wait_for 5 gone "$cpid" || fail "the child did not exit on SIGINT"
assert_eq "c.sig" "SIGINT $cpid" "$(cat c.sig)"

t "notify TEXT: datagrams on a path socket, \\n as a newline"
"$RECV" -n 3 -t 5000 ns > got & r=$!
pids+=("$r")
wait_for 5 test -S ns || fail "notify-recv did not bind"
NOTIFY_SOCKET=$TMP/ns "$SVC" notify READY=1 notify 'STATUS=serving\nMAINPID=42' notify ''
assert_eq "testsvc rc" 0 $?
reap "$r"
assert_eq "notify-recv rc" 0 "$rc"
assert_eq datagrams 'READY=1
STATUS=serving\nMAINPID=42

.' "$(cat got; echo .)"
assert_no_file ns

t "notify TEXT: abstract socket, sender pid"
name="@nci-testsvc-$$-$RANDOM"
"$RECV" -p "$name" > got & r=$!
pids+=("$r")
wait_for 5 grep -q " $name\$" /proc/net/unix || fail "notify-recv did not bind"
NOTIFY_SOCKET=$name "$SVC" pidfile pid notify READY=1
assert_eq "testsvc rc" 0 $?
reap "$r"
assert_eq "notify-recv rc" 0 "$rc"
assert_eq datagram "$(cat pid) READY=1" "$(cat got)"

t "notify: errors"
run notify READY=1
assert_eq "unset rc" 111 "$rc"
assert_eq "unset message" "testsvc: fatal: unable to notify: NOTIFY_SOCKET is not set" "$err"
out=$(NOTIFY_SOCKET=$TMP/nobody "$SVC" notify READY=1 2>&1); rc=$?
assert_eq "no receiver rc" 111 "$rc"
assert_match "no receiver message" "unable to send to $TMP/nobody: (No such file|Connection refused)" "$out"

t "notify-recv: timeout"
start=$(now_ms)
"$RECV" -t 200 ns2 2> e; rc=$?
elapsed=$(( $(now_ms) - start ))
assert_eq rc 1 "$rc"
assert_match message "unable to receive every datagram on ns2: Connection timed out" "$(cat e)"
[ "$elapsed" -ge 200 ] || fail "gave up after ${elapsed} ms"
"$RECV" -n 0 -t 100 ns2 > got; rc=$?
assert_eq "-n 0 rc" 0 "$rc"
assert_eq "-n 0 output" "" "$(cat got)"

t "notify-fd N: a newline, then the fd is closed"
"$SVC" notify-fd 3 fds fds 3> nf
assert_eq rc 0 $?
assert_eq written "$(printf '\n' | od -c)" "$(od -c < nf)"
grep -qx 3 fds && fail "fd 3 still open: $(tr '\n' ' ' < fds)"
run notify-fd 9
assert_eq "closed fd rc" 111 "$rc"
assert_match "closed fd message" "unable to write to the notification fd: Bad file descriptor" "$err"

t "touch FILE"
printf 'old' > tf
run touch tf touch tf2
assert_eq rc 0 "$rc"
assert_eq "truncated" 0 "$(wc -c < tf)"
assert_file tf2

t "wait-file FILE MS"
rm -f flag
start=$(now_ms)
"$SVC" wait-file flag 5000 out seen > wf1 & bgpid=$!
pids+=("$bgpid")
"$SVC" wait-file "$TMP/flag" 5000 out seen-abs > wf2 & bgpid2=$!
pids+=("$bgpid2")
# the file comes once both watch the directory, so the inotify path is the one tested
watching() { cat /proc/"$1"/fdinfo/* 2>/dev/null | grep -q '^inotify wd:'; }
wait_for 5 watching "$bgpid" || fail "no inotify watch in $bgpid"
wait_for 5 watching "$bgpid2" || fail "no inotify watch in $bgpid2"
mv "$(mktemp -p "$TMP")" flag
reap "$bgpid"
assert_eq rc 0 "$rc"
reap "$bgpid2"
assert_eq "absolute path rc" 0 "$rc"
assert_eq outputs "seen seen-abs" "$(cat wf1) $(cat wf2)"
touch flag2 &
run wait-file flag2 5000 out created
assert_eq "created by touch" "0 created" "$rc $out"
[ $(( $(now_ms) - start )) -lt 4000 ] || fail "waited for the timeout"
run wait-file flag 0 out already
assert_eq "existing file" "0 already" "$rc $out"
start=$(now_ms)
run wait-file nothing 150
elapsed=$(( $(now_ms) - start ))
assert_eq "timeout rc" 1 "$rc"
assert_eq "timeout message" "testsvc: fatal: unable to wait for nothing: Connection timed out" "$err"
[ "$elapsed" -ge 150 ] || fail "gave up after ${elapsed} ms"
run wait-file "$TMP/no/dir/x" 100
assert_eq "missing directory rc" 111 "$rc"

t "pause: handled signals run, the process stays"
rm -f pid sig
bg onsig USR1 sig ignore pidfile pid pause
wait_for 5 test -s pid || fail "no pid file"
kill -USR1 "$pid"
kill -USR1 "$pid"
wait_for 5 has_line sig "SIGUSR1 $pid" || fail "no SIGUSR1 line"
alive "$pid" || fail "pause ended"
kill -TERM "$pid"
reap "$pid"
assert_eq rc 143 "$rc"

t "env FILE: sorted K=V lines"
env -i ZED=last A=1 'M=two words' "$SVC" env envf
assert_eq rc 0 $?
assert_eq env "A=1
M=two words
ZED=last" "$(cat envf)"
env -i "$SVC" env envf
assert_eq "empty" 0 "$(wc -c < envf)"

t "fds FILE: the open fds"
( exec 3>&- 4>&- 6>&- 8>&- 9>&- 5</dev/null 7</dev/null; "$SVC" fds fdl )
assert_eq rc 0 $?
assert_match "fds" "^0 1 2 5 7 " "$(tr '\n' ' ' < fdl) "
[ "$(grep -cx -e 3 -e 4 fdl)" = 0 ] || fail "closed fds listed: $(tr '\n' ' ' < fdl)"
