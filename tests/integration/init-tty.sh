#!/bin/bash
# nci-init in a terminal: in command mode the command is the terminal's foreground, so a Ctrl-C
# typed there is the command's and not a stop of the container; tools/demo outlives its Ctrl-C.
# The terminal is a pty from script(1) (util-linux, in Debian's essential bsdutils): what is
# written to its stdin, a FIFO held open here, is typed; its stdout is what the terminal shows.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"

KEYS=$TMP/keys
mkfifo "$KEYS"
# read-write: the FIFO opens without a reader, and script never sees its end
exec 7<> "$KEYS"
ctrl_c() { printf '\003' >&7; }

# tty_spawn NAME SHELL-COMMAND: spawn (tests/init/lib.sh) of SHELL-COMMAND run by TTY_SHELL
# (bash) in a terminal of its own, where it is the session leader and the foreground group.
tty_spawn() {
  SHELL=${TTY_SHELL:-/bin/bash} STDIN=$KEYS spawn "$1" script -qfec "$2" /dev/null
}
# tty_boot NAME NCI-INIT-ARGS...: boot (tests/init/lib.sh) in a terminal of its own, after
# the shell command TTY_SETUP (none)
tty_boot() {
  local name=$1 q
  shift
  SD=$TMP/$name.state
  printf -v q ' %q' unshare --pid --fork --mount-proc --kill-child "$INIT" --state-dir "$SD" "$@"
  tty_spawn "$name" "${TTY_SETUP:-}exec$q"
}
# stat_of PID: PID's /proc stat fields from the state on (state ppid pgrp session tty_nr tpgid ...)
stat_of() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) && echo "${s##*) }"; }
field() { local f; read -ra f <<< "$(stat_of "$1")"; echo "${f[$2]:-}"; }
pgrp_of() { field "$1" 2; }
tty_of() { field "$1" 4; }
fg_of() { field "$1" 5; }
# cmd_host_pid: the pid here of the command, nci-init's child that is testsvc
cmd_host_pid() {
  local c
  for c in $(kids "$P"); do [ "$(cat "/proc/$c/comm" 2>/dev/null)" = testsvc ] && echo "$c"; done
}
stopping() { grep -q 'nci-init: info: stopping' "$OUT"; }

mktree tty "$(unit svc Type=notify "ExecStart=$SVC notify READY=1 pause")"

t "command mode in a terminal: the command is the foreground; a Ctrl-C is its, the container goes on"
rm -f "$TMP/sig" "$TMP/cmd.pid"
tty_boot ctrlc "$TREE" -- "$SVC" onsig INT "$TMP/sig" ignore onsig TERM "$TMP/sig" exit 0 \
  onsig USR1 "$TMP/sig" ignore onsig USR2 "$TMP/sig" exit 7 pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" || fail "the command did not start: $(tail -n 5 "$OUT")"
cmdpid=$(cat "$TMP/cmd.pid" 2>/dev/null)
hostpid=$(cmd_host_pid)
[ -n "$hostpid" ] || fail "the command is not among nci-init's children: $(kids "$P")"
[ "$(tty_of "$P")" -gt 0 ] 2>/dev/null || fail "test setup: nci-init has no controlling terminal: $(stat_of "$P")"
assert_eq "the command leads a process group of its own" "$hostpid" "$(pgrp_of "$hostpid")"
assert_eq "the terminal's foreground group: the command's" "$hostpid" "$(fg_of "$P")"
ctrl_c
wait_for 5 has_line "$TMP/sig" "SIGINT $cmdpid" || fail "the command did not get the Ctrl-C"
# signals come out of nci-init's signalfd lowest first: once a SIGUSR1 is forwarded, a SIGINT
# that came with the Ctrl-C would have been read
kill -USR1 "$P"
wait_for 5 has_line "$TMP/sig" "SIGUSR1 $cmdpid" || fail "SIGUSR1 not forwarded after the Ctrl-C"
alive "$P" || fail "the Ctrl-C ended the container"
stopping && fail "the Ctrl-C started a shutdown: $(grep -a 'nci-init:' "$OUT" | tail -n 5)"
kill -USR2 "$P" 2>/dev/null
reap_init
assert_eq "exit code: the command's" 7 "$rc"
assert_eq "signals the command got" "SIGINT $cmdpid
SIGUSR1 $cmdpid
SIGUSR2 $cmdpid" "$(cat "$TMP/sig" 2>&1)"
# nci-init, a background process of the terminal now, still gets its lines out
grep -q 'nci-init: info: exiting with code 7' "$OUT" || fail "no closing line: $(tail -n 5 "$OUT")"

t "command mode in a terminal: a SIGINT sent to nci-init still stops the container"
rm -f "$TMP/sig" "$TMP/cmd.pid"
tty_boot intr "$TREE" -- "$SVC" onsig TERM "$TMP/sig" exit 0 pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" || fail "the command did not start: $(tail -n 5 "$OUT")"
stop_init INT
assert_eq "exit code" 0 "$rc"
assert_eq "the command got SIGTERM" "SIGTERM $(cat "$TMP/cmd.pid" 2>&1)" "$(cat "$TMP/sig" 2>&1)"
stopping || fail "no stopping line: $(tail -n 5 "$OUT")"

t "command mode in a terminal with TOSTOP set: nci-init's lines still come out from the background"
# a background process writing to a TOSTOP terminal is sent SIGTTOU and stops, or, when its
# process group is orphaned (nci-init's is, here and in a container), the write fails: lost lines
rm -f "$TMP/cmd.pid"
TTY_SETUP="stty tostop; " tty_boot tostop "$TREE" -- "$SVC" onsig USR2 /dev/null exit 5 pidfile "$TMP/cmd.pid" pause
wait_for 10 test -s "$TMP/cmd.pid" || fail "the command did not start: $(tail -n 5 "$OUT")"
kill -USR2 "$P"
reap_init
assert_eq "exit code: the command's" 5 "$rc"
grep -q 'nci-init: info: exiting with code 5' "$OUT" || fail "no closing line: $(tail -n 5 "$OUT")"

t "tools/demo in a terminal: Ctrl-C stops nci-init cleanly; the demo prints its code, removes its state dir"
# a build dir of links, so the demo's tree is written here and not in the real one; nci-init
# finds nci-supervise beside its real path
DB=$TMP/demo-build
mkdir -p "$DB" "$TMP/demo-tmp"
for f in nci-convert nci-init nci-supervise nci-exec nci-ctl; do ln -s "$NCI_BUILD/$f" "$DB/$f"; done
# make runs tools/demo as this dash does: in the terminal's foreground group, dying of a SIGINT
# (make once its recipe is over); its exit code is make demo's
printf -v q '%q' "$DB"
TMPDIR=$TMP/demo-tmp TTY_SHELL=/bin/sh tty_spawn demo \
  "cd $(printf '%q' "$ROOT") && tools/demo $q; echo \"== tools/demo exited with code \$?\""
demo_state() { SD=$(sed -n 's/^== booting it: .* --state-dir \([^ ]*\) .*/\1/p' "$OUT" | head -n 1); [ -n "$SD" ]; }
wait_for 10 demo_state || fail "no state dir in the demo's output: $(tail -n 5 "$OUT")"
wait_booted
ctrl_c
reap_init 20
assert_eq "exit code" 0 "$rc"
grep -q 'nci-init: info: exiting with code 0' "$OUT" || fail "nci-init did not stop cleanly: $(tail -n 5 "$OUT")"
grep -q '^== nci-init exited with code 0' "$OUT" || fail "no closing line from the demo: $(tail -n 3 "$OUT")"
grep -q '^== tools/demo exited with code 0' "$OUT" || fail "the Ctrl-C reached tools/demo's caller: $(tail -n 3 "$OUT")"
assert_eq "the demo's temporary dirs left" "" "$(ls "$TMP/demo-tmp")"
