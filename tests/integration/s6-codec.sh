#!/bin/bash
# s6's own tools read the status file nci writes (nci_svstatus_write, through the
# svstatus-write helper, which holds supervise/lock as a running supervisor does).
. "$(dirname "$0")/../lib.sh"

W=$NCI_BUILD/tests/helpers/svstatus-write
S=$TMP/svc
mkdir -p "$S/supervise"

# FLAGS: 1 paused, 2 finishing, 4 wanted up, 8 ready (doc/state.md)
# svstat PID WSTAT FLAGS UP-AGO READY-AGO [S6-SVSTAT OPTIONS...]: s6-svstat's output
svstat() { local a=("$1" "$2" "$3" "$4" "$5"); shift 5; out=$("$W" "$S" "${a[@]}" s6-svstat "$@" "$S" 2>&1); rc=$?; }

t "no supervisor holding the lock: s6-svstat says so"
"$W" "$S" 1234 0 12 5 3
out=$(s6-svstat "$S" 2>&1); rc=$?
assert_eq rc 1 "$rc"
assert_match out "s6-supervise not running" "$out"
out=$(s6-svok "$S"); assert_eq "s6-svok rc" 1 "$?"

t "lock held: s6-svok sees a supervisor"
"$W" "$S" 1234 0 12 5 3 s6-svok "$S"
assert_eq rc 0 "$?"

t "up and ready"
svstat 1234 0 12 5 3
assert_eq rc 0 "$rc"
assert_match out '^up \(pid 1234\) [56] seconds, ready [34] seconds$' "$out"

t "up, not ready yet, with a down file"
touch "$S/down"
svstat 4321 0 4 7 7
assert_match out '^up \(pid 4321\) [78] seconds, normally down$' "$out"
rm "$S/down"

t "up, paused, wanted down"
svstat 99 0 9 2 2
assert_match out '^up \(pid 99\) [23] seconds, paused, want down, ready [23] seconds$' "$out"

t "down after exit 3, restarting (wanted up)"
svstat 0 $((3 << 8)) 12 2 2
assert_match out '^down \(exitcode 3\) [23] seconds, normally up, want up, ready [23] seconds$' "$out"

t "down, killed by SIGKILL, wanted down"
svstat 0 9 8 1 1
assert_match out '^down \(signal SIGKILL\) [12] seconds, normally up, ready [12] seconds$' "$out"
svstat 0 9 8 1 1 -n
assert_match "out -n" '^down \(signal 9\) ' "$out"

t "dumped core: the signal, not the core bit"
svstat 0 $((11 | 0x80)) 8 1 1
assert_match out '^down \(signal SIGSEGV\) ' "$out"

t "finish script running: down, whatever the pid"
svstat 777 $((1 << 8)) 6 4 4
assert_match out '^down \(exitcode 1\) [45] seconds, normally up, want up$' "$out"

t "fields: -o ... (ready is false whenever down)"
svstat 1234 0 12 5 3 -o up,wantedup,ready,paused,pid,exitcode,signal,signum
assert_eq out "true true true false 1234 -1 NA -1" "$out"
svstat 0 $((2 << 8)) 8 5 3 -o up,wantedup,ready,pid,exitcode,signal
assert_eq out "false false false -1 2 NA" "$out"
svstat 0 15 0 5 3 -o up,exitcode,signal,signum
assert_eq out "false -1 SIGTERM 15" "$out"

t "stamps: -o updownfor,readyfor"
svstat 1 0 12 100 40 -o updownfor,readyfor
assert_match out '^10[01] 4[01]$' "$out"

# s6-svwait reads the status first: a state already reached returns at once. s6
# calls a down service "ready" once its finish script is done (flag 8): without it,
# -D waits for the next D event.
t "s6-svwait: -U on up and ready, -D on down and ready, at once"
"$W" "$S" 1234 0 12 1 1 s6-svwait -U -t 2000 "$S"
assert_eq "-U rc" 0 "$?"
"$W" "$S" 0 0 8 1 1 s6-svwait -D -t 2000 "$S"
assert_eq "-D rc" 0 "$?"
"$W" "$S" 0 0 8 1 1 s6-svwait -d -t 2000 "$S"
assert_eq "-d rc" 0 "$?"

t "s6-svwait: a state not reached times out (99)"
"$W" "$S" 0 0 0 1 1 s6-svwait -D -t 100 "$S" 2>/dev/null
assert_eq "-D without the ready flag" 99 "$?"
"$W" "$S" 1234 0 4 1 1 s6-svwait -U -t 100 "$S" 2>/dev/null
assert_eq "-U not ready" 99 "$?"
"$W" "$S" 0 0 8 1 1 s6-svwait -u -t 100 "$S" 2>/dev/null
assert_eq "-u on down" 99 "$?"
