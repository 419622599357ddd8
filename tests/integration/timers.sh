#!/bin/bash
# shellcheck disable=SC2119 # the libs' wait_booted, stop_init: optional arguments
# Timers under nci-init as PID 1 of a PID namespace: systemd.timers and startAt converted
# by nci-convert, the services they start (testsvc stamps) run by their timers and not at
# boot, monotonic spans (OnBootSec=, OnUnitActiveSec=), calendar expressions, Persistent=
# across a restart of the container, commands, nci-ctl list-timers. Timing: only what
# systemd's semantics order (a run never comes before its elapse, one run per elapse);
# every wait is bounded and on an event.
# shellcheck source=tests/lib.sh source-path=SCRIPTDIR/../..
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/init/lib.sh
. "$TESTS_DIR/init/lib.sh"

S=$TMP/stamps
# timer NAME TIMERCONFIG-JSON [UNIT]: a member NAME.timer of the map
timer() { printf '"%s.timer": {"wantedBy": ["timers.target"], "timerConfig": %s}' "$1" "$2"; }
# stamps WORD: the monotonic ns of each stamp WORD, one per line
stamps() { awk -v w="$1" '$1 == w { print $3 }' "$S" 2>/dev/null; }
# runs WORD: how many stamps WORD (0 without a stamp file)
runs() { local n; n=$(count_stamps "$S" "$1"); echo "${n:-0}"; }
has_stamps() { [ "$(runs "$1")" -ge "$2" ]; }
# timer_field TIMER KEY: a key of STATEDIR/TIMER/supervise/nci-timer
timer_field() { sed -n "s/^$2 //p" "$SD/$1/supervise/nci-timer" 2>/dev/null; }
now_us() { echo $(( $(date +%s%N) / 1000 )); }
# has_last TIMER: it has elapsed (its nci-timer says when)
has_last() { local l; l=$(timer_field "$1" last); [ -n "$l" ] && [ "$l" != 0 ]; }

t "timers: a timer's service is not run at boot; OnBootSec= then OnUnitActiveSec= run it, once each elapse, never early"
rm -f "$S"
mktree tick \
  "$(unit tick wantedBy= Type=oneshot "ExecStart=$SVC stamp $S tick")" \
  "$(timer tick '{"OnBootSec": "600ms", "OnUnitActiveSec": "700ms"}')" \
  "$(unit later wantedBy= Type=oneshot "ExecStart=$SVC stamp $S later")" \
  "$(timer later '{"OnBootSec": "1h"}')" \
  "$(unit web "ExecStart=$SVC stamp $S web pause")"
assert_eq "in the tree, not started at boot, the timers last" "$(printf 'later oneshot\ntick oneshot\nweb longrun\nlater.timer timer\ntick.timer timer')" "$(cat "$TREE/index")"
assert_file "$TREE/units/tick/on-demand"
boot tick "$TREE"
wait_booted
assert_eq "a timer is up once armed" up "$(nci_state tick.timer state)"
assert_eq "its service is down, not run" down "$(nci_state later state)"
wait_for 10 has_stamps tick 3 || fail "tick ran $(runs tick) times, expected 3 within 10 s"
stop_init
assert_eq "exit code" 0 "$rc"
assert_eq "later never ran" 0 "$(runs later)"
mapfile -t runs < <(stamps tick)
for i in 1 2; do
  [ -n "${runs[$i]-}" ] || continue
  gap=$(( (runs[i] - runs[i - 1]) / 1000000 ))
  # one run per elapse: OnUnitActiveSec= counts from the start of the run before, the
  # stamps come after each start's exec (the bound leaves 350 ms for that to vary)
  [ "$gap" -ge 350 ] || fail "runs $i and $((i + 1)) only ${gap} ms apart (OnUnitActiveSec=700ms)"
done
assert_match "the elapses are logged" 'timer tick.timer elapsed: starting tick' "$(cat "$ERR")"

t "timers: list-timers shows next and last elapse and the unit; stop and start by nci-ctl"
rm -f "$S"
mktree lt \
  "$(unit job wantedBy= Type=oneshot "ExecStart=$SVC stamp $S job")" \
  "$(timer job '{"OnBootSec": "200ms", "OnUnitActiveSec": "1h"}')" \
  "$(unit idle wantedBy= Type=oneshot "ExecStart=$SVC stamp $S idle")" \
  '"idle.timer": {"timerConfig": {"OnActiveSec": "1h"}}'
boot lt "$TREE"
wait_booted
assert_eq "a timer no boot target wants is not armed" down "$(nci_state idle.timer state)"
wait_for 5 has_stamp "$S" job || fail "job did not run"
wait_for 5 has_last job.timer || fail "no last elapse: $(cat "$SD/job.timer/supervise/nci-timer" 2>&1)"
out=$("$CTL" -s "$SD" list-timers)
assert_match "header" '^NEXT +LEFT +LAST +PASSED +UNIT +ACTIVATES$' "$(printf '%s\n' "$out" | head -n 1)"
assert_match "the timer's row" '^[A-Z][a-z]{2} [0-9-]{10} [0-9:]{8} [A-Z]+ +(59min|1h 0min) [0-9]*s? ?left +[A-Z][a-z]{2} [0-9-]{10} [0-9:]{8} [A-Z]+ +.* ago +job\.timer +job$' "$(printf '%s\n' "$out" | sed -n 2p)"
assert_match "footer" '^2 timers listed\.$' "$(printf '%s\n' "$out" | tail -n 1)"
assert_match "the timer not armed, last" '^- +- +- +- +idle\.timer +idle$' "$(printf '%s\n' "$out" | sed -n 3p)"
"$CTL" -s "$SD" start idle.timer || fail "nci-ctl start idle.timer: exit $?"
wait_for 5 unit_is idle.timer up || fail "idle.timer started by hand: $(nci_state idle.timer state)"
assert_eq "status lists it as a timer" "timer" "$("$CTL" -s "$SD" status job.timer | awk 'NR == 2 { print $2 }')"
"$CTL" -s "$SD" stop job.timer || fail "nci-ctl stop job.timer: exit $?"
wait_for 5 unit_is job.timer down || fail "stopped timer: $(nci_state job.timer state)"
assert_eq "a stopped timer has no next elapse" 0 "$(timer_field job.timer next)"
"$CTL" -s "$SD" start job.timer || fail "nci-ctl start job.timer: exit $?"
wait_for 5 unit_is job.timer up || fail "started timer: $(nci_state job.timer state)"
stop_init
assert_eq "exit code" 0 "$rc"

t "timers: OnCalendar= elapses on the calendar (every 2 s: at even seconds) and starts a longrun kept down until then"
rm -f "$S"
mktree cal \
  "$(unit every wantedBy= Type=oneshot "ExecStart=$SVC stamp $S every")" \
  "$(timer every '{"OnCalendar": "*:*:0/2", "AccuracySec": "1us"}')" \
  "$(unit daemon wantedBy= "ExecStart=$SVC stamp $S daemon pause")" \
  "$(timer daemon '{"OnBootSec": "300ms"}')"
assert_file "$TREE/units/daemon/down"
boot cal "$TREE"
wait_booted
next=$(timer_field every.timer next)
[ -n "$next" ] && [ $(( next % 2000000 )) = 0 ] || fail "next elapse $next is not at an even second"
wait_for 10 has_stamps every 2 || fail "every ran $(runs every) times"
wait_for 5 unit_is daemon up || fail "the longrun its timer starts: $(nci_state daemon state): $(grep daemon "$ERR")"
assert_eq "once" 1 "$(runs daemon)"
assert_eq "a timer that will not elapse again is done" down "$(nci_state daemon.timer state)"
stop_init
assert_eq "exit code" 0 "$rc"

t "timers: Persistent= catches up a run missed while the container was down; without it, nothing"
rm -f "$S"
mktree per \
  "$(unit kept wantedBy= Type=oneshot "ExecStart=$SVC stamp $S kept")" \
  "$(timer kept '{"OnCalendar": "daily", "Persistent": true}')" \
  "$(unit plain wantedBy= Type=oneshot "ExecStart=$SVC stamp $S plain")" \
  "$(timer plain '{"OnCalendar": "daily"}')"
# the state directory of an earlier run, whose last elapses were two days ago
SD=$TMP/per.state
long_ago=$(( $(now_us) - 2 * 86400 * 1000000 ))
for n in kept plain; do
  mkdir -p "$SD/$n.timer/supervise"
  printf 'next 0\nlast %s\nunit %s\n' "$long_ago" "$n" > "$SD/$n.timer/supervise/nci-timer"
done
boot per "$TREE"
wait_booted
wait_for 5 has_stamp "$S" kept || fail "the missed run of kept was not caught up"
now=$(now_us)
[ "$(timer_field plain.timer next)" -gt "$now" ] || fail "plain's next elapse is not ahead: $(timer_field plain.timer next)"
assert_eq "plain did not run" 0 "$(runs plain)"
last=$(timer_field kept.timer last)
[ "$last" -gt "$long_ago" ] || fail "kept's last elapse was not recorded: $last"
stop_init
assert_eq "exit code" 0 "$rc"
# the container again: the run is not made twice
rm -f "$S"
boot per "$TREE"
wait_booted
assert_eq "kept's last elapse is kept" "$last" "$(timer_field kept.timer last)"
assert_eq "no second catch-up" 0 "$(runs kept)"
stop_init
assert_eq "exit code" 0 "$rc"

t "timers: an elapse while its service still runs starts no second run; OnUnitActiveSec= alone waits for the service's start by hand"
rm -f "$S"
mktree busy \
  "$(unit slow wantedBy= Type=oneshot "ExecStart=$SVC stamp $S begin sleep 1500 stamp $S end")" \
  "$(timer slow '{"OnCalendar": "*:*:*", "AccuracySec": "1us"}')" \
  "$(unit after wantedBy= Type=oneshot "ExecStart=$SVC stamp $S after")" \
  "$(timer after '{"OnUnitActiveSec": "300ms"}')"
boot busy "$TREE"
wait_booted
assert_eq "a timer with nothing to count from is done" down "$(nci_state after.timer state)"
wait_for 10 has_stamps end 2 || fail "slow ended $(runs end) times"
"$CTL" -s "$SD" start after || fail "nci-ctl start after: exit $?"
wait_for 5 has_stamps after 2 || fail "after ran $(runs after) times: its timer did not elapse after the start by hand"
stop_init
assert_eq "exit code" 0 "$rc"
# begin and end alternate: never two runs at once
seq=$(awk '$1 == "begin" || $1 == "end" { printf "%s ", $1 }' "$S")
case $seq in *"begin begin"*) fail "two runs at once: $seq" ;; esac

t "timers: OnUnitInactiveSec= counts from the end of its service's run"
rm -f "$S"
mktree rest \
  "$(unit rest wantedBy= Type=oneshot "ExecStart=$SVC stamp $S begin sleep 300 stamp $S end")" \
  "$(timer rest '{"OnBootSec": "100ms", "OnUnitInactiveSec": "400ms"}')"
boot rest "$TREE"
wait_booted
wait_for 10 has_stamps begin 3 || fail "rest ran $(runs begin) times, expected 3 within 10 s"
stop_init
assert_eq "exit code" 0 "$rc"
mapfile -t begins < <(stamps begin)
mapfile -t ends < <(stamps end)
for i in 1 2; do
  [ -n "${begins[$i]-}" ] && [ -n "${ends[$((i - 1))]-}" ] || continue
  gap=$(( (begins[i] - ends[i - 1]) / 1000000 ))
  # from the end of a run to the next begin: the span, never less than most of it
  [ "$gap" -ge 300 ] || fail "run $((i + 1)) began ${gap} ms after run $i ended (OnUnitInactiveSec=400ms)"
done

t "timers: OnCalendar= with a time zone elapses in that zone, whatever nci-init's own"
mktree zone \
  "$(unit z wantedBy= Type=oneshot "ExecStart=$SVC exit 0")" \
  "$(timer z '{"OnCalendar": "*-*-* 03:00:00 Asia/Kolkata"}')" \
  "$(unit y wantedBy= Type=oneshot "ExecStart=$SVC exit 0")" \
  "$(timer y '{"OnCalendar": "*-*-* 03:00:00 UTC"}')"
TZ=America/New_York boot zone "$TREE"
wait_booted
# 03:00 in Kolkata (UTC+5:30) is 21:30 UTC: 77400 s into the UTC day
assert_eq "z's next elapse, seconds into the UTC day" 77400 $(( $(timer_field z.timer next) / 1000000 % 86400 ))
assert_eq "y's" 10800 $(( $(timer_field y.timer next) / 1000000 % 86400 ))
assert_eq "exactly on the second" 0 $(( $(timer_field z.timer next) % 1000000 ))
stop_init
assert_eq "exit code" 0 "$rc"
