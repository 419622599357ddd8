#!/bin/bash
# nci-init as PID 1 of a PID namespace: a read-only root, bad input (every run bounded),
# a state dir left by an earlier run, and an nci-supervise that dies.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"

S=$TMP/stamps
# wait_stamps WORD...: until each WORD is stamped
wait_stamps() { local w; for w in "$@"; do wait_for 5 has_stamp "$S" "$w" || fail "no stamp $w"; done; }

# ---------------------------------------------------------------- read-only root

t "read-only root: the boot works with only the state dir (a tmpfs) writable"
mktree ro \
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=$SVC out prepared")" \
  "$(unit ready Type=notify after=prep "ExecStart=$SVC sleep 50 notify READY=1 pause")" \
  "$(unit plain after=prep "ExecStart=$SVC out plain-up pause")"
SD=$TMP/ro.state; mkdir -p "$SD"
cat > "$TMP/ro-check.sh" <<EOF
#!/bin/sh
# the command, run once the boot is complete: the units as nci-ctl sees them, what is writable
"$CTL" -s "$SD" check --ready; rc=\$?
echo "check \$rc"
touch "$TREE/probe" 2> /dev/null && echo "the tree is writable"
touch "$TMP/probe" 2> /dev/null && echo "the root is writable"
exit \$rc
EOF
chmod 755 "$TMP/ro-check.sh"
# In a mount namespace of its own: / read-only (and $TMP, should it be another mount), a tmpfs
# on the state dir; then nci-init as PID 1 of a PID namespace, the command reporting.
spawn ro unshare --mount --propagation private /bin/sh -c '
  set -e
  mount -o remount,bind,ro /
  mount --bind "$1" "$1"
  mount -o remount,bind,ro "$1"
  mount -t tmpfs -o mode=0755 tmpfs "$2"
  exec unshare --pid --fork --mount-proc --kill-child "$3" --state-dir "$2" "$4" -- "$5"' \
  sh "$TMP" "$SD" "$INIT" "$TREE" "$TMP/ro-check.sh"
reap_init 15
assert_eq "exit code: the check's" 0 "$rc"
assert_match "check" '^check 0$' "$(grep -v ': ' "$OUT")"
assert_eq "nothing but the state dir writable" "" "$(grep writable "$OUT")"
assert_match "services ran" 'plain: plain-up' "$(cat "$OUT")"
assert_eq "no failure to write anything" "" "$(grep -i 'unable\|warning\|fatal' "$ERR")"
assert_match "boot complete" 'boot complete: 3 units' "$(cat "$ERR")"
[ -e "$TMP/probe" ] && fail "something wrote $TMP/probe"

# ---------------------------------------------------------------- bad input

t "a SIGTERM to PID 1 while the tree loads is not lost: the boot stops cleanly once it is loaded"
term_while_loading boot early

t "bad input: a missing TREE: exit 1, the message names it"
boot missing "$TMP/no-such-tree"
reap_init 20
assert_eq "exit code" 1 "$rc"
assert_eq "message" "nci-init: fatal: unable to find the tree $TMP/no-such-tree: No such file or directory" "$(cat "$ERR")"

t "bad input: not a tree (no index): exit 1"
mkdir -p "$TMP/notatree"
boot notatree "$TMP/notatree"
reap_init 20
assert_eq "exit code" 1 "$rc"
assert_match "message" "^nci-init: fatal: unable to read $TMP/notatree/index \\(not an nci tree\\?\\)" "$(cat "$ERR")"

t "bad input: a malformed index: exit 1, the message names the file"
for idx in "web" "web daemon" "web longrun
web longrun" "web longrun"; do
  rm -rf "$TMP/badtree"; mkdir -p "$TMP/badtree/units"
  printf '%s\n' "$idx" > "$TMP/badtree/index"
  boot badindex "$TMP/badtree"
  reap_init 20
  assert_eq "exit code for [$idx]" 1 "$rc"
  assert_match "message for [$idx]" "^nci-init: fatal: .*($TMP/badtree/index|unit web)" "$(cat "$ERR")"
  [ "$(wc -l < "$ERR")" = 1 ] || fail "more than one line for [$idx]: $(cat "$ERR")"
done

t "bad input: a malformed policy file: exit 1, the message names the unit"
mktree badpolicy "$(unit web TimeoutStartSec=1s "ExecStart=$SVC pause")"
chmod -R u+w "$TREE"
echo "soon" > "$TREE/units/web/timeout-start"
boot badpolicy "$TREE"
reap_init 20
assert_eq "exit code" 1 "$rc"
assert_match "message" '^nci-init: fatal: invalid timeout-start of unit web in ' "$(cat "$ERR")"

t "bad input: a policy file only nci-supervise reads is invalid: the unit fails (exit 1), no endless restarts"
mktree badsv "$(unit web "ExecStart=$SVC pause")" "$(unit other "ExecStart=$SVC pause")"
echo BOGUS > "$TREE/units/web/down-signal"
boot badsv "$TREE"
reap_init 20
assert_eq "exit code" 1 "$rc"
assert_match "nci-supervise names the file" 'down-signal' "$(grep 'nci-supervise' "$ERR")"
assert_match "init names the unit" 'nci-init: info: unit web failed: its nci-supervise could not start, exit code 1' "$(cat "$ERR")"
boot badsv2 --on-failure continue "$TREE"
wait_booted 20
assert_eq "web failed" failed "$(nci_state web state)"
assert_match "init state" '^failed web: its nci-supervise could not start, exit code 1$' "$(cat "$SD/.nci-init/state")"
assert_eq "one nci-supervise started for web" 1 "$(grep -c 'down-signal' "$ERR")"
stop_init
assert_eq "exit code after the stop" 0 "$rc"

t "a tree made by hand: an index out of boot order boots; an ordering cycle is refused (exit 1, the unit named)"
rm -f "$S"
mktree handmade \
  "$(unit web Type=notify "ExecStart=$SVC stamp $S web notify READY=1 pause")" \
  "$(unit mid Type=oneshot after=web "ExecStart=$SVC stamp $S mid")" \
  "$(unit late Type=oneshot after=mid "ExecStart=$SVC stamp $S late")"
# the last unit of the boot first: late is ordered after a longrun, through mid
tac "$TREE/index" > "$TREE/index.new" && mv "$TREE/index.new" "$TREE/index"
boot handmade "$TREE"
wait_booted
wait_stamps web mid late
assert_before "$S" web mid
assert_before "$S" mid late
stop_init
assert_eq "exit code" 0 "$rc"
echo late > "$TREE/units/web/after"
boot handmade2 "$TREE"
reap_init
assert_eq "a cycle: exit code" 1 "$rc"
assert_match "the cycle named" '^nci-init: fatal: unit [a-z]* is in an ordering cycle \(after\) in ' "$(cat "$ERR")"

t "bad input: an unwritable state dir: exit 111 with the reason (read-only mounts)"
mktree ok "$(unit web "ExecStart=$SVC pause")"
mkdir -p "$TMP/rodir/existing"
spawn unwritable unshare --mount --propagation private /bin/sh -c '
  set -e
  mount --bind "$1" "$1"
  mount -o remount,bind,ro "$1"
  rc=0; unshare --pid --fork --mount-proc --kill-child "$2" --state-dir "$1/new" "$3" || rc=$?
  echo "new $rc"
  rc=0; unshare --pid --fork --mount-proc --kill-child "$2" --state-dir "$1/existing" "$3" || rc=$?
  echo "existing $rc"' sh "$TMP/rodir" "$INIT" "$TREE"
reap_init 20
assert_eq "exit codes" "new 111
existing 111" "$(cat "$OUT")"
assert_eq "messages" "nci-init: fatal: unable to create the state directory $TMP/rodir/new: Read-only file system
nci-init: fatal: unable to write to the state directory $TMP/rodir/existing: Read-only file system" "$(cat "$ERR")"
boot notdir --state-dir /dev/null/state "$TREE"
reap_init 20
assert_eq "under a file: exit code" 111 "$rc"
assert_match "under a file: message" '^nci-init: fatal: unable to create the state directory /dev/null/state: Not a directory$' "$(cat "$ERR")"

t "bad input: a longrun whose program is missing: nci-exec's 127, the unit named, the container fails"
mktree noprog \
  "$(unit fine "ExecStart=$SVC pause")" \
  "$(unit ghost after=fine "ExecStart=$TMP/no-such-program --flag")"
boot noprog "$TREE"
reap_init 20
assert_eq "exit code" 127 "$rc"
assert_match "nci-exec's message, prefixed with the unit" "^ghost: nci-exec: .*$TMP/no-such-program" "$(cat "$ERR")"
assert_match "init names the unit" 'nci-init: info: unit ghost failed: ' "$(cat "$ERR")"
assert_eq "ghost's state" "failed exited 127" "$(nci_state ghost state) $(nci_state ghost last-exit)"

t "bad input: a oneshot whose program is missing: 127; with --on-failure continue the rest runs"
mktree noprog1 \
  "$(unit ghost Type=oneshot "ExecStart=$TMP/no-such-program")" \
  "$(unit fine after=ghost wants=ghost "ExecStart=$SVC pause")"
boot noprog1 "$TREE"
reap_init 20
assert_eq "exit code" 127 "$rc"
assert_match "message" "^ghost: nci-exec: .*$TMP/no-such-program" "$(cat "$ERR")"
assert_match "init state" '^failed ghost: exited 127$' "$(cat "$SD/.nci-init/state")"
boot noprog2 --on-failure continue "$TREE"
wait_booted 20
assert_eq "fine is up" up "$(nci_state fine state)"
stop_init TERM 20
assert_eq "exit code after the stop" 0 "$rc"

t "bad input: a User= that does not exist: the unit fails with a message naming the user, the container fails"
mktree nouser \
  "$(unit fine "ExecStart=$SVC pause")" \
  "$(unit alien User=no-such-user-nci "ExecStart=$SVC pause")"
boot nouser "$TREE"
reap_init 20
assert_eq "exit code (nci-exec's 1)" 1 "$rc"
assert_match "message" '^alien: nci-exec: fatal: unknown user: no-such-user-nci$' "$(cat "$ERR")"
assert_match "init names the unit" 'nci-init: info: unit alien failed: ' "$(cat "$ERR")"
mktree nouser1 "$(unit alien Type=oneshot User=no-such-user-nci "ExecStart=$SVC")"
boot nouser1 "$TREE"
reap_init 20
assert_eq "a oneshot: exit code" 1 "$rc"
assert_match "a oneshot: message" '^alien: nci-exec: fatal: unknown user: no-such-user-nci$' "$(cat "$ERR")"

# boot_fds NAME N: boot NAME on $TREE with nothing open but 0, 1 and 2, and at most N
# descriptors (RLIMIT_NOFILE, soft and hard: nci-init cannot raise it)
boot_fds() {
  SD=$TMP/$1.state
  spawn "$1" bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done
    exec prlimit --nofile="$0:$0" unshare --pid --fork --mount-proc --kill-child "$@"' \
    "$2" "$INIT" --state-dir "$SD" "$TREE"
}

t "out of file descriptors: a oneshot whose script cannot be started fails (exit 1, the reason said), nothing hangs"
mktree nofd "$(unit fine Type=oneshot "ExecStart=$SVC")"
# nothing open but 0, 1 and 2; nci-init's own descriptors take 7 more, a oneshot's output
# pipes 4 more: the limit lets it start, not run the oneshot
boot_fds nofd 11
reap_init 20
assert_eq "exit code" 1 "$rc"
assert_match "message" 'nci-init: info: unit fine failed: could not start its script: Too many open files' "$(cat "$ERR")"
assert_match "init state" '^failed fine: could not start its script: Too many open files$' "$(cat "$SD/.nci-init/state")"
assert_eq "its result" resources "$(nci_state fine result)"

t "out of file descriptors while other oneshots run: each waits for one to end, none fails; every ExecStop runs"
rm -f "$S"
members=()
for i in $(seq -w 1 30); do
  members+=("$(unit "o$i" Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $S o$i" "ExecStop=$SVC stamp $S o$i.stop")")
done
members+=("$(unit keep "ExecStart=$SVC pause")")
mktree emfile "${members[@]}"
# room for a few scripts at a time, not for 30
boot_fds emfile 24
wait_booted 20
assert_eq "no unit failed" "state up" "$(cat "$SD/.nci-init/state")"
assert_eq "every oneshot ran" 30 "$(grep -c '^o[0-9]* ' "$S")"
stop_init TERM 20
assert_eq "exit code" 0 "$rc"
assert_eq "every ExecStop ran" 30 "$(grep -c '^o[0-9]*\.stop ' "$S")"

t "out of file descriptors, a oneshot's leftover still writing to its pipes: the next one gets them, the boot completes"
rm -f "$S"
mktree linger \
  "$(unit a Type=oneshot "ExecStart=/bin/sh -c 'sleep 1000 & exit 0'")" \
  "$(unit b Type=oneshot after=a "ExecStart=$SVC stamp $S b")"
# 14: b's pipes fit once a's, held by its sleep, are given up
boot_fds linger 14
wait_booted 20
assert_eq "no unit failed" "state up" "$(cat "$SD/.nci-init/state")"
wait_for 5 has_stamp "$S" b || fail "b did not run"
stop_init TERM 20
assert_eq "exit code" 0 "$rc"

t "bad input: usage errors exit 100"
for args in "" "--grace" "--grace x $TMP" "--on-failure maybe $TMP" "--bogus $TMP" "$TMP extra"; do
  # shellcheck disable=SC2086
  boot usage $args
  reap_init 20
  assert_eq "exit code for [$args]" 100 "$rc"
  assert_match "message for [$args]" '^nci-init: usage: ' "$(cat "$ERR")"
done

t "TREE -- with no command is service mode"
mktree svcmode "$(unit svc Type=notify "ExecStart=$SVC notify READY=1 pause")"
boot svcmode "$TREE" --
wait_booted
stop_init
assert_eq "exit code" 0 "$rc"

# ---------------------------------------------------------------- state dir of an earlier run

t "restart: a state dir left by an earlier run (even one killed with SIGKILL) is taken over"
rm -f "$S"
mktree again \
  "$(unit once Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $S once")" \
  "$(unit svc Type=notify after=once "ExecStart=$SVC stamp $S svc notify READY=1 pause")"
boot again "$TREE"
wait_booted
stop_init
assert_eq "first run: exit code" 0 "$rc"
boot again "$TREE"
wait_for 5 stamps_are "$S" svc 2 || fail "svc not started by the second run"
wait_booted
assert_eq "second run: svc up" "up yes" "$(nci_state svc state) $(nci_state svc ready)"
stop_init KILL
# (unshare 2.38 reports its child's death by a signal as 1: "sigprocmask unblock failed")
[ "$rc" != 0 ] || fail "second run: killed, yet exit code 0"
boot again "$TREE"
# the killed run left "state up" behind: first see this run start svc
wait_for 5 stamps_are "$S" svc 3 || fail "svc not started by the third run"
wait_booted
assert_eq "third run: svc up" "up yes" "$(nci_state svc state) $(nci_state svc ready)"
# marked down by hand with s6's D (s6-svc -D), as a restart of the container finds it
printf D > "$SD/svc/supervise/control"
wait_for 5 unit_is svc down || fail "svc not down after D: $(nci_state svc state)"
stop_init
assert_eq "third run: exit code" 0 "$rc"
[ -f "$SD/svc/down" ] || fail "s6's D left no down file"
boot again "$TREE"
wait_for 5 stamps_are "$S" svc 4 || fail "svc not started by the fourth run: $(nci_state svc state)"
wait_booted
stop_init
assert_eq "fourth run: exit code" 0 "$rc"

t "a longrun whose service directory in the tree has a down file: kept down, the boot completes"
rm -f "$S"
mktree treedown \
  "$(unit idle "ExecStart=$SVC stamp $S idle pause")" \
  "$(unit after Type=oneshot after=idle "ExecStart=$SVC stamp $S after")"
: > "$TREE/units/idle/down"
boot treedown "$TREE"
wait_booted
wait_stamps after
assert_eq "idle not started" "" "$(st "$S" idle)"
# nci-init's log lines are buffered until its loop waits again: after can run before it is out
wait_for 5 grep -q 'nci-init: info: unit idle stays down' "$ERR"
assert_match "said" 'nci-init: info: unit idle stays down: its service directory has a down file' "$(cat "$ERR")"
"$CTL" -s "$SD" start idle || fail "nci-ctl start idle: exit $?"
wait_stamps idle
stop_init
assert_eq "exit code" 0 "$rc"

t "under unshare --pid --fork without --mount-proc (the host's /proc) it is a container's PID 1, not a machine's"
mktree hostproc "$(unit bad Type=oneshot "ExecStart=$SVC exit 3")"
SD=$TMP/hostproc.state
spawn hostproc unshare --pid --fork --kill-child "$INIT" --state-dir "$SD" "$TREE"
reap_init
assert_eq "exit code: the unit's" 3 "$rc"
grep -q 'powering off' "$ERR" && fail "it took itself for a machine: $(cat "$ERR")"

# ---------------------------------------------------------------- nci-supervise dies

t "nci-supervise killed with SIGKILL: another within a second, the service not started twice"
rm -f "$S"
mktree svdie \
  "$(unit svc Restart=always "ExecStart=$SVC stamp $S svc out before wait-file $TMP/talk 20000 out after pause")" \
  "$(unit other "ExecStart=$SVC pause")"
boot svdie "$TREE"
wait_booted
wait_for 5 has_stamp "$S" svc || fail "svc did not start"
sv=""
for p in $(descendants_named nci-supervise); do
  tr '\0' ' ' < "/proc/$p/cmdline" | grep -q "/svc $" && sv=$p
done
svcpid=$(for p in $(descendants_named testsvc); do tr '\0' ' ' < "/proc/$p/cmdline" | grep -q "stamp $S svc" && echo "$p"; done)
inner=$(nci_state svc pid)
if [ -z "$sv" ] || [ -z "$svcpid" ]; then fail "supervise [$sv] or service [$svcpid] not found"; fi
kill -KILL "$sv"
t0=$(now_ms)
new_supervise() {
  local p
  for p in $(descendants_named nci-supervise); do
    [ "$p" != "$sv" ] && tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q "/svc $" && return 0
  done
  return 1
}
wait_for 5 new_supervise || fail "no new nci-supervise for svc"
took=$(( $(now_ms) - t0 ))
echo "#   nci-supervise of svc started again after $took ms"
# nci-init starts one at most once a second: not a longer back-off (3 s allows for load)
[ "$took" -le 3000 ] || fail "the new nci-supervise came after $took ms"
# nci-init's log lines are buffered until its loop waits again: the new nci-supervise can be
# there before the line is out
wait_for 5 grep -q 'the nci-supervise of svc died: starting another' "$ERR"
assert_eq "died logged" 1 "$(grep -c 'the nci-supervise of svc died: starting another' "$ERR")"
# it took the running service over: same process, one copy, started once
wait_for 5 unit_is svc up || fail "svc: $(nci_state svc state)"
alive "$svcpid" || fail "the service was stopped"
assert_eq "same main pid" "$inner" "$(nci_state svc pid)"
assert_eq "one copy" 1 "$(for p in $(descendants_named testsvc); do tr '\0' ' ' < "/proc/$p/cmdline" | grep -q "stamp $S svc" && echo "$p"; done | wc -l)"
assert_eq "started once" 1 "$(count_stamps "$S" svc)"
# its output still reaches the container's, through the pipes nci-init kept
touch "$TMP/talk"
wait_for 5 grep -q '^svc: after$' "$OUT" || fail "the service's line after the takeover is lost: $(cat "$OUT")"
assert_eq "service output" "svc: before
svc: after" "$(grep '^svc: ' "$OUT")"
# and it controls it: a restart through the new nci-supervise
"$CTL" -s "$SD" restart svc > /dev/null 2>&1 || fail "nci-ctl restart svc"
wait_for 5 gone "$svcpid" || fail "the old service process is still there"
wait_for 5 stamps_are "$S" svc 2 || fail "not restarted: $(count_stamps "$S" svc) starts"
# the restarted service writes into pipes the new nci-supervise got from nci-init
two_afters() { [ "$(grep -c '^svc: after$' "$OUT")" = 2 ]; }
wait_for 5 two_afters || fail "the restarted service's output is lost: $(grep '^svc: ' "$OUT")"
wait_for 5 no_zombies || fail "zombies: $(census)"
stop_init
assert_eq "exit code" 0 "$rc"

t "nci-supervise killed while its notify service is not ready yet: the new one gets READY=1, the dependent starts"
rm -f "$S" "$TMP/notify-go"
mktree svnotify \
  "$(unit n Type=notify "ExecStart=$SVC stamp $S n wait-file $TMP/notify-go 20000 stamp $S n.ready notify READY=1 pause")" \
  "$(unit dep Type=oneshot after=n requires=n "ExecStart=$SVC stamp $S dep")"
boot svnotify "$TREE"
wait_for 5 has_stamp "$S" n || fail "n did not start"
sv=""
for p in $(descendants_named nci-supervise); do tr '\0' ' ' < "/proc/$p/cmdline" | grep -q "/n $" && sv=$p; done
[ -n "$sv" ] || fail "no nci-supervise for n"
kill -KILL "$sv"
n_supervised() {
  local p
  for p in $(descendants_named nci-supervise); do
    [ "$p" != "$sv" ] && tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q "/n $" && return 0
  done
  return 1
}
wait_for 5 n_supervised || fail "no new nci-supervise for n"
assert_eq "still starting" starting "$(nci_state n state)"
assert_eq "dep waits" "" "$(st "$S" dep)"
touch "$TMP/notify-go"
wait_booted
assert_before "$S" n.ready dep
assert_eq "n started once" 1 "$(count_stamps "$S" n)"
stop_init
assert_eq "exit code" 0 "$rc"
