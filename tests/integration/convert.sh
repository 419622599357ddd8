#!/bin/bash
# nci-convert end to end: every fixture converts, golden trees, bad input, atomicity.
. "$(dirname "$0")/../lib.sh"

CONVERT="$NCI_BUILD/nci-convert --execline-bindir /usr/lib/execline/bin --nci-bindir /usr/local/bin"

# The unit name of a fixture file: the file's own `name` (25.11), or its file name
# (17.03, where openssh is sshd and custom-* are my-*).
unit_name() {
  local f=$1 base n
  n=$(sed -n 's/^    "name": "\(.*\)\.service",$/\1/p' "$f")
  if [ -n "$n" ]; then echo "$n"; return; fi
  base=$(basename "$f" .json)
  case $base in
    openssh) echo sshd ;;
    openssh-keygen) echo sshd-keygen ;;
    custom-*) echo "my-${base#custom-}" ;;
    *) echo "$base" ;;
  esac
}

# wrap OUT NAME=FILE...: a service map of the given fixture files
wrap() {
  local out=$1; shift
  { echo "{"; local sep=""
    for pair in "$@"; do printf '%s"%s": ' "$sep" "${pair%%=*}"; cat "${pair#*=}"; sep=","; done
    echo "}"; } > "$out"
}

for rel in nixos-17.03 nixos-25.11; do
  all=()
  for f in "$FIXTURES/$rel"/*.json; do
    n=$(unit_name "$f")
    all+=("$n=$f")
    t "$rel/$(basename "$f"): converts alone"
    wrap "$TMP/in.json" "$n=$f"
    rm -rf "$TMP/out"
    if ! $CONVERT "$TMP/in.json" "$TMP/out" 2> "$TMP/err"; then fail "exit $?: $(cat "$TMP/err")"; continue; fi
    assert_file "$TMP/out/index"
    assert_file "$TMP/out/report"
    case $n in
      my-timer)
        # as NixOS makes it: my-timer.timer, OnCalendar=hourly (units/my-timer.timer)
        assert_eq "the service, on demand, and its timer" "$(printf 'my-timer oneshot\nmy-timer.timer timer')" "$(cat "$TMP/out/index")"
        assert_file "$TMP/out/units/my-timer/on-demand"
        assert_eq "its calendar" "*-*-* *:00:00" "$(cat "$TMP/out/units/my-timer.timer/on-calendar")"
        assert_eq "its unit" "my-timer" "$(cat "$TMP/out/units/my-timer.timer/unit")"
        assert_eq "nothing reported" "" "$(cat "$TMP/out/report")" ;;
      my-tpl@)
        assert_eq "template not in index" "" "$(cat "$TMP/out/index")"
        assert_match "template reported" '^my-tpl@: name: unsupported: template unit' "$(cat "$TMP/out/report")" ;;
      sshd-keygen)
        # Only sshd pulls it in: alone, nothing starts it.
        assert_eq "keygen alone not in index" "" "$(cat "$TMP/out/index")"
        assert_match "keygen reported" 'not pulled in by any boot target' "$(cat "$TMP/out/report")" ;;
      my-deps)
        assert_match "device dependency reported" '^my-deps: bindsTo: unsupported: dev-foo.device: this kind of unit does not exist' "$(cat "$TMP/out/report")"
        assert_match "PrivateTmp reported" '^my-deps: serviceConfig.PrivateTmp: unsupported:' "$(cat "$TMP/out/report")"
        assert_match "condition reported" '^my-deps: unitConfig.ConditionPathExists: unsupported:' "$(cat "$TMP/out/report")"
        assert_match "Environment word reported" "^my-deps: serviceConfig.Environment: unsupported: \"words\" is not a NAME=VALUE" "$(cat "$TMP/out/report")"
        assert_eq "B as systemd reads it" "two" "$(cat "$TMP/out/units/my-deps/env/B")" ;;
      *)
        assert_match "in index" "^$n (oneshot|longrun)\$" "$(cat "$TMP/out/index")" ;;
    esac
  done
  t "$rel: all fixtures convert together"
  wrap "$TMP/all.json" "${all[@]}"
  rm -rf "$TMP/out"
  if $CONVERT "$TMP/all.json" "$TMP/out" 2> "$TMP/err"; then
    if [ "$rel" = nixos-17.03 ]; then
      assert_match "sshd-keygen pulled in by sshd" '^sshd-keygen oneshot$' "$(cat "$TMP/out/index")"
      idx=$(cat "$TMP/out/index")
      assert_match "keygen before sshd" 'sshd-keygen oneshot.*sshd longrun' "$(echo $idx)"
      assert_eq "sshd after keygen" "sshd-keygen" "$(cat "$TMP/out/units/sshd/after")"
    fi
    assert_match "my-oneshot before my-deps" 'my-oneshot oneshot.*my-deps longrun' "$(echo $(cat "$TMP/out/index"))"
    assert_eq "my-deps requires my-oneshot" "my-oneshot" "$(cat "$TMP/out/units/my-deps/requires")"
  else fail "exit $?: $(cat "$TMP/err")"; fi
done

# Golden trees: byte for byte what the converter writes for real NixOS units.
golden() {
  local name=$1; shift
  t "golden tree: $name"
  wrap "$TMP/g.json" "$@"
  rm -rf "$TMP/g"
  if ! $CONVERT "$TMP/g.json" "$TMP/g" 2> "$TMP/err"; then fail "exit $?: $(cat "$TMP/err")"; return; fi
  if [ -n "${NCI_UPDATE_GOLDEN:-}" ]; then rm -rf "$ROOT/tests/golden/$name"; cp -r "$TMP/g" "$ROOT/tests/golden/$name"; fi
  diff -r "$ROOT/tests/golden/$name" "$TMP/g" > "$TMP/diff" 2>&1 || fail "differs from tests/golden/$name: $(head -20 "$TMP/diff")"
}
golden nginx-17.03 "nginx=$FIXTURES/nixos-17.03/nginx.json"
golden custom-simple-25.11 "my-simple=$FIXTURES/nixos-25.11/custom-simple.json"
golden custom-deps-25.11 "my-deps=$FIXTURES/nixos-25.11/custom-deps.json" "my-oneshot=$FIXTURES/nixos-25.11/custom-oneshot.json"
golden postgresql-17.03 "postgresql=$FIXTURES/nixos-17.03/postgresql.json"
golden openssh-17.03 "sshd=$FIXTURES/nixos-17.03/openssh.json" "sshd-keygen=$FIXTURES/nixos-17.03/openssh-keygen.json"

t "output is deterministic"
wrap "$TMP/all.json" "my-deps=$FIXTURES/nixos-25.11/custom-deps.json" "my-oneshot=$FIXTURES/nixos-25.11/custom-oneshot.json" "my-simple=$FIXTURES/nixos-25.11/custom-simple.json"
rm -rf "$TMP/d1" "$TMP/d2"
$CONVERT "$TMP/all.json" "$TMP/d1" 2>/dev/null && $CONVERT - "$TMP/d2" < "$TMP/all.json" 2>/dev/null || fail "convert failed"
diff -r "$TMP/d1" "$TMP/d2" > /dev/null || fail "two runs differ"

t "an existing tree is replaced whole"
mkdir -p "$TMP/d1/stale"; echo old > "$TMP/d1/stale/file"
$CONVERT "$TMP/all.json" "$TMP/d1" 2>/dev/null || fail "convert failed"
assert_no_file "$TMP/d1/stale"
diff -r "$TMP/d1" "$TMP/d2" > /dev/null || fail "replaced tree differs"
[ -z "$(ls -d "$TMP"/d1.nci-* 2>/dev/null)" ] || fail "temporary directory left behind"

t "--report writes the report"
$CONVERT --report "$TMP/rep" "$TMP/all.json" "$TMP/d3" 2>/dev/null || fail "convert failed"
cmp -s "$TMP/rep" "$TMP/d3/report" || fail "--report differs from the tree's report"

t "--strict fails on unsupported keys and leaves nothing"
mkdir -p "$TMP/keep"; echo mine > "$TMP/keep/marker"
out=$($CONVERT --strict "$TMP/all.json" "$TMP/keep" 2>&1); rc=$?
assert_eq "exit" 1 "$rc"
assert_match "message" 'my-deps: serviceConfig.PrivateTmp: unsupported' "$out"
assert_match "last line" 'fatal: .*--strict' "$(printf '%s\n' "$out" | tail -n 1)"
assert_eq "outdir untouched" "mine" "$(cat "$TMP/keep/marker" 2>/dev/null)"

t "usage errors exit 100"
$NCI_BUILD/nci-convert > /dev/null 2>&1; assert_eq "no args" 100 $?
$NCI_BUILD/nci-convert --bogus a b > /dev/null 2>&1; assert_eq "unknown option" 100 $?
$NCI_BUILD/nci-convert a b c > /dev/null 2>&1; assert_eq "three args" 100 $?

# bad NAME EXPECTED-REGEX JSON: exit 1, one line naming the unit and key, OUTDIR untouched.
bad() {
  local name=$1 re=$2 json=$3 out rc
  t "bad input: $name"
  printf '%s' "$json" > "$TMP/bad.json"
  rm -rf "$TMP/keep"; mkdir -p "$TMP/keep"; echo mine > "$TMP/keep/marker"
  out=$($CONVERT "$TMP/bad.json" "$TMP/keep" 2>&1); rc=$?
  assert_eq "exit status" 1 "$rc"
  assert_eq "one line" 1 "$(printf '%s\n' "$out" | wc -l)"
  assert_match "message" "^nci-convert: fatal: $TMP/bad.json$re" "$out"
  assert_eq "outdir untouched" "marker" "$(ls "$TMP/keep")"
  [ -z "$(ls -d "$TMP"/keep.nci-* 2>/dev/null)" ] || fail "temporary directory left behind"
}
svc() { printf '{"a": {"wantedBy": ["multi-user.target"], "serviceConfig": {%s}}}' "$1"; }
bad "not JSON" ':1:10: invalid JSON' '{"a": {}, '
bad "not an object" ': expected an object mapping unit names' '[1, 2]'
bad "unit not an object" ': unit a: expected an object' '{"a": 3}'
bad "bad unit name" ': unit a/b: not a valid unit name' '{"a/b": {}}'
bad "serviceConfig not an object" ': unit a: serviceConfig: expected an object, got "a list"' '{"a": {"serviceConfig": []}}'
bad "wrong type: string key" ': unit a: serviceConfig.Type: expected a string or a list of them, got an integer' "$(svc '"Type": 3, "ExecStart": "/bin/true"')"
bad "wrong type: exec" ': unit a: serviceConfig.ExecStart: expected a string or a list of them, got an object' "$(svc '"ExecStart": {}')"
bad "wrong type: bool" ': unit a: serviceConfig.RemainAfterExit: not a boolean: "maybe"' "$(svc '"Type": "oneshot", "ExecStart": "/bin/true", "RemainAfterExit": "maybe"')"
bad "wrong type: bool object" ': unit a: serviceConfig.NoNewPrivileges: expected a string or a boolean or a list of them, got an object' "$(svc '"ExecStart": "/bin/true", "NoNewPrivileges": {}')"
bad "wrong type: time span" ': unit a: serviceConfig.RestartSec: expected a string or an integer or a list of them, got a boolean' "$(svc '"ExecStart": "/bin/true", "RestartSec": true')"
bad "wrong type: dependency list" ': unit a: after: expected a string or a list of them, got a string' '{"a": {"after": "b.service"}}'
bad "wrong type: dependency element" ': unit a: wants: expected a string or a list of them, got an integer' '{"a": {"wants": [1]}}'
bad "wrong type: environment" ': unit a: environment.X: expected a string or an integer, got a list' '{"a": {"environment": {"X": []}, "serviceConfig": {"ExecStart": "/bin/true"}}}'
bad "wrong type: enable" ': unit a: enable: expected a boolean, got a string' '{"a": {"enable": "yes"}}'
bad "unknown Type" ': unit a: serviceConfig.Type: unknown value "bogus"' "$(svc '"Type": "bogus", "ExecStart": "/bin/true"')"
bad "unknown Restart" ': unit a: serviceConfig.Restart: unknown value "sometimes"' "$(svc '"Restart": "sometimes", "ExecStart": "/bin/true"')"
bad "unknown KillSignal" ': unit a: serviceConfig.KillSignal: unknown signal "SIGBOGUS"' "$(svc '"KillSignal": "SIGBOGUS", "ExecStart": "/bin/true"')"
bad "missing ExecStart" ': unit a: serviceConfig.ExecStart: missing: a service that is not Type=oneshot needs an ExecStart' "$(svc '"Type": "simple"')"
bad "two ExecStart for simple" ': unit a: serviceConfig.ExecStart: more than one command' "$(svc '"ExecStart": ["/bin/true", "/bin/false"]')"
bad "unbalanced quotes" ': unit a: serviceConfig.ExecStart: unbalanced quotes' "$(svc '"ExecStart": "/bin/echo \"oops"')"
bad "time span" ': unit a: serviceConfig.TimeoutStopSec: invalid time span: "ten seconds"' "$(svc '"ExecStart": "/bin/true", "TimeoutStopSec": "ten seconds"')"
bad "unknown specifier" ': unit a: serviceConfig.ExecStart: specifier %H cannot be resolved' "$(svc '"ExecStart": "/bin/echo %H"')"
bad "cycle" ': unit [abc]: after: ordering cycle: (a|b|c).service after (a|b|c).service after (a|b|c).service after (a|b|c).service' '{
 "a": {"wantedBy": ["multi-user.target"], "after": ["c.service"], "serviceConfig": {"ExecStart": "/bin/true"}},
 "b": {"wantedBy": ["multi-user.target"], "after": ["a.service"], "serviceConfig": {"ExecStart": "/bin/true"}},
 "c": {"wantedBy": ["multi-user.target"], "after": ["b.service"], "serviceConfig": {"ExecStart": "/bin/true"}}}'
bad "oneshot with Restart=always" ': unit a: serviceConfig.Restart: Type=oneshot does not allow Restart=' "$(svc '"Type": "oneshot", "ExecStart": "/bin/true", "Restart": "always"')"

# Units are parsed on several threads: whatever thread meets a bad unit first, the
# error printed is the one a pass over the units one by one in key order meets first,
# and a JSON error anywhere comes before any unit's error, as when the whole input
# was parsed first.
many() {
  local i
  printf '{'
  for i in $(seq -w 0 199); do printf '"u%s": {"wantedBy": ["multi-user.target"], "serviceConfig": {"ExecStart": "/bin/true"}}, ' "$i"; done
  printf '%s}' "$1"
}
bad_unit='"serviceConfig": {"ExecStart": "/bin/echo \"oops"}'
for run in 1 2 3; do
  bad "many units, run $run: the first bad one in key order" ': unit u010b: serviceConfig.ExecStart: unbalanced quotes' \
    "$(many '"u150b": {"serviceConfig": {"Type": "bogus", "ExecStart": "/bin/true"}}, "u199b": 3, "u3/x": {}, "u010b": {'"$bad_unit"'}')"
done
bad "many units: an invalid name before a bad unit" ': unit u0/x: not a valid unit name' \
  "$(many '"u150b": {'"$bad_unit"'}, "u0/x": {}')"
bad "many units: a name defined twice before a bad unit" ': unit u005: defined twice' \
  "$(many '"u150b": {'"$bad_unit"'}, "u005.service": {}')"
bad "many units: a JSON error after a bad unit" ':1:[0-9]+: invalid JSON: ' \
  "$(many '"u010b": {'"$bad_unit"'}, "u999": [1, 2}')"
bad "duplicate unit key: jansson's error, line and column" ':1:22: invalid JSON: duplicate object key' '{"a": {}, "b": {}, "a": {}}'
bad "a value nested too deep to split: parsed whole" ': unit a: expected an object' \
  "{\"a\": $(printf '%.0s[' $(seq 2000))$(printf '%.0s]' $(seq 2000))}"

bad "timer: an invalid OnCalendar=" ': unit t.timer: timerConfig.OnCalendar: invalid calendar expression "Mon..Foo 12:00": a weekday is expected' \
  '{"services": {}, "timers": {"t": {"timerConfig": {"OnCalendar": ["daily", "Mon..Foo 12:00"]}}}}'
bad "timer: an invalid startAt" ': unit a: startAt: invalid calendar expression "25:00": hour out of range' \
  '{"a": {"startAt": "25:00", "serviceConfig": {"ExecStart": "/bin/true"}}}'
bad "timer: an invalid time span" ': unit t.timer: timerConfig.OnBootSec: invalid time span: "5 parsecs"' \
  '{"services": {}, "timers": {"t": {"timerConfig": {"OnBootSec": "5 parsecs"}}}}'
bad "timer: nothing that elapses" ': unit t.timer: timerConfig: no OnCalendar=, OnActiveSec=, OnBootSec=, OnStartupSec=, OnUnitActiveSec= or OnUnitInactiveSec=' \
  '{"services": {}, "timers": {"t": {"timerConfig": {"Persistent": true}}}}'
bad "sections: services not an object" ': services: expected an object mapping unit names to units' '{"services": [1]}'
bad "sections: a timer that is not JSON alone" ':1:[0-9]+: invalid JSON' '{"services": {}, "timers": {"t": [1}}'

t "sections: {services, timers, sockets} gives the tree of the same map with .timer keys; timers in the tree, their services on demand; sockets reported"
svcs='"web": {"wantedBy": ["multi-user.target"], "serviceConfig": {"ExecStart": "/bin/sleep 100"}},
  "backup": {"serviceConfig": {"Type": "oneshot", "ExecStart": "/bin/true"}, "startAt": ["daily"]},
  "clean": {"serviceConfig": {"Type": "oneshot", "ExecStart": "/bin/true"}}'
tmrs='"clean": {"wantedBy": ["timers.target"], "timerConfig": {"OnCalendar": "*:0/15", "Persistent": true, "OnBootSec": "5min", "RandomizedDelaySec": 30}},
  "lost": {"timerConfig": {"OnUnitActiveSec": 30}}'
printf '{%s, %s}' "$svcs" "$(printf '%s' "$tmrs" | sed 's/^"clean"/"clean.timer"/; s/^  "lost"/  "lost.timer"/')" > "$TMP/plain.json"
printf '{"services": {%s}, "timers": {%s}, "sockets": {"ssh": {"listenStreams": ["22"], "socketConfig": {"Accept": true}}}}' "$svcs" "$tmrs" > "$TMP/sections.json"
rm -rf "$TMP/plain" "$TMP/sections"
$CONVERT "$TMP/plain.json" "$TMP/plain" 2> "$TMP/err" || fail "plain map: exit $?: $(cat "$TMP/err")"
$CONVERT "$TMP/sections.json" "$TMP/sections" 2> "$TMP/err" || fail "sections: exit $?: $(cat "$TMP/err")"
assert_eq "the same index" "$(cat "$TMP/plain/index")" "$(cat "$TMP/sections/index")"
diff -r "$TMP/plain/units" "$TMP/sections/units" > /dev/null || fail "the units' files differ"
assert_eq "index" "$(printf 'backup oneshot\nclean oneshot\nweb longrun\nbackup.timer timer\nclean.timer timer')" "$(cat "$TMP/sections/index")"
assert_eq "on demand" "yes yes" "$(cat "$TMP/sections/units/backup/on-demand" "$TMP/sections/units/clean/on-demand" | tr '\n' ' ' | sed 's/ $//')"
assert_no_file "$TMP/sections/units/web/on-demand"
d=$TMP/sections/units/clean.timer
assert_eq "clean.timer" "timer|clean|*-*-* *:00/15:00|300000|yes|30000" \
  "$(cat "$d/type")|$(cat "$d/unit")|$(cat "$d/on-calendar")|$(cat "$d/on-boot")|$(cat "$d/persistent")|$(cat "$d/randomized-delay")"
r=$(cat "$TMP/sections/report")
assert_match "a timer of no service fails" '^lost.timer: timerConfig.Unit: fails: the service it triggers is not defined' "$r"
assert_no_file "$TMP/sections/units/lost.timer"
assert_match "the socket" '^ssh.socket: socketConfig: unsupported: sockets are not run by nci-init yet' "$r"
$CONVERT --strict "$TMP/sections.json" "$TMP/strict" 2> /dev/null; assert_eq "--strict refuses what is not run" 1 $?

t "many units: the same tree on every run"
many '"z": {"wantedBy": ["multi-user.target"], "after": ["u100.service"], "serviceConfig": {"Type": "oneshot", "ExecStart": "/bin/true"}}' > "$TMP/many.json"
rm -rf "$TMP/m1" "$TMP/m2"
$CONVERT "$TMP/many.json" "$TMP/m1" 2>/dev/null && $CONVERT - "$TMP/m2" < "$TMP/many.json" 2>/dev/null || fail "convert failed"
diff -r "$TMP/m1" "$TMP/m2" > /dev/null || fail "two runs differ"
assert_eq "units" 201 "$(wc -l < "$TMP/m1/index")"
assert_eq "z after u100" "u100" "$(cat "$TMP/m1/units/z/after")"

t "a requirement that will not run is kept, so the unit fails at boot as under systemd"
printf '%s' '{"a": {"wantedBy": ["multi-user.target"], "requires": ["b.service", "c.service"], "wants": ["d.service"], "serviceConfig": {"ExecStart": "/bin/true"}},
  "c": {"enable": false, "serviceConfig": {"ExecStart": "/bin/true"}}}' > "$TMP/req.json"
rm -rf "$TMP/req"
out=$($CONVERT "$TMP/req.json" "$TMP/req" 2>&1) || fail "convert failed: $out"
assert_eq "requires file" "$(printf 'b\nc')" "$(cat "$TMP/req/units/a/requires")"
assert_match "undefined reported" '^a: requires: fails: b.service is not defined: the unit will fail at boot' "$(cat "$TMP/req/report")"
assert_match "disabled reported" '^a: requires: fails: c.service has enable = false' "$(cat "$TMP/req/report")"
assert_match "wants reported" '^a: wants: note: d.service is not defined: ignored, as systemd does' "$(cat "$TMP/req/report")"
assert_match "warned on stderr" 'warning: .*a: requires: fails: b.service' "$out"
assert_eq "index" "a longrun" "$(cat "$TMP/req/index")"
$CONVERT --strict "$TMP/req.json" "$TMP/req2" > /dev/null 2>&1; assert_eq "--strict refuses it" 1 $?

t "unwritable OUTDIR: exit 111, nothing written"
printf '{"a": {"wantedBy": ["multi-user.target"], "serviceConfig": {"ExecStart": "/bin/true"}}}' > "$TMP/ok.json"
mkdir -p "$TMP/ro"
# Root writes anywhere but on a read-only mount: make one in a private mount namespace.
out=$(unshare --mount bash -c 'mount -t tmpfs -o ro,size=1m none "$1" && exec "$2" "$3" "$1/tree"' \
  _ "$TMP/ro" "$NCI_BUILD/nci-convert" "$TMP/ok.json" 2>&1); rc=$?
assert_eq "exit status" 111 "$rc"
assert_match "message" "^nci-convert: fatal: unable to create $TMP/ro/tree.nci-......: Read-only file system\$" "$out"
assert_no_file "$TMP/ro/tree"
[ -z "$(ls "$TMP/ro")" ] || fail "something was written: $(ls "$TMP/ro")"

# A fatal error once the new tree is being written, whatever the thread or depth it
# comes from: a non-zero exit, one line naming what failed, no temporary directory
# left beside OUTDIR, and the previous tree as it was.
previous_tree() {
  rm -rf "$TMP/prev" "$TMP/prev.ref" "$TMP"/prev.nci-*
  $CONVERT "$TMP/ok.json" "$TMP/prev" 2>/dev/null && cp -a "$TMP/prev" "$TMP/prev.ref" || fail "cannot make the previous tree"
}
# failed_cleanly RC OUTPUT EXPECTED-RC REGEX
failed_cleanly() {
  assert_eq "exit status" "$3" "$1"
  assert_eq "one line" 1 "$(printf '%s\n' "$2" | wc -l)"
  assert_match "message" "$4" "$2"
  [ -z "$(ls -d "$TMP"/prev.nci-* 2>/dev/null)" ] || fail "temporary directory left behind: $(ls -d "$TMP"/prev.nci-*)"
  diff -r "$TMP/prev.ref" "$TMP/prev" > "$TMP/diff" 2>&1 || fail "the previous tree changed: $(head -5 "$TMP/diff")"
}

t "the report cannot be written: exit 111, no temporary directory, previous tree intact"
# A note is in the report, and is not printed.
printf '{"a": {"wantedBy": ["multi-user.target"], "wants": ["d.service"], "serviceConfig": {"ExecStart": "/bin/true"}}}' > "$TMP/note.json"
previous_tree
out=$($CONVERT --report /dev/full "$TMP/note.json" "$TMP/prev" 2>&1); rc=$?
failed_cleanly "$rc" "$out" 111 '^nci-convert: fatal: unable to write /dev/full: No space left on device$'

t "the output filesystem fills mid-tree: exit 111, no temporary directory, previous tree intact"
# A 256 kB tmpfs holds the previous one-unit tree, not the 201 units of many.json.
# The mount exists only in its namespace: what is left in it is listed from there.
mkdir -p "$TMP/full"
out=$(unshare --mount bash -c 'mount -t tmpfs -o size=256k none "$1" \
  && $2 "$3" "$1/prev" 2>/dev/null && cp -a "$1/prev" "$5/full.ref" \
  && { $2 "$4" "$1/prev" 2> "$5/full.err"; echo "rc $?"; ls -A "$1"; diff -r "$5/full.ref" "$1/prev" > /dev/null && echo intact; }' \
  _ "$TMP/full" "$CONVERT" "$TMP/ok.json" "$TMP/many.json" "$TMP" 2>&1 < /dev/null)
assert_eq "exit status, what is left, previous tree" "$(printf 'rc 111\nprev\nintact')" "$out"
err=$(cat "$TMP/full.err" 2>/dev/null)
assert_eq "one line" 1 "$(printf '%s\n' "$err" | wc -l)"
assert_match "message" "^nci-convert: fatal: unable to write the tree in $TMP/full/prev\\.nci-......: No space left on device\$" "$err"

# oneshot_json N: one oneshot whose N commands each carry its N state directories,
# so the up script grows as N squared.
oneshot_json() {
  printf '{"a": {"wantedBy": ["multi-user.target"], "serviceConfig": {"Type": "oneshot", "StateDirectory": "%s", "ExecStart": [%s]}}}' \
    "$(printf 'd%04d ' $(seq "$1"))" "$(printf '"/bin/true",%.0s' $(seq $(($1 - 1))))\"/bin/true\""
}

# N = 2000: 36 kB of JSON, parsed in under 8 MB, but a 100 MB up script: in a 16 MB
# address space nci-convert starts and parses, and the script's buffer cannot grow.
if grep -q __asan_init "$NCI_BUILD/nci-convert"; then
  t "out of memory while writing the tree (skipped: ASan needs far more address space)"
else
  t "out of memory while writing the tree: exit 111, no temporary directory, previous tree intact"
  oneshot_json 2000 > "$TMP/big.json"
  previous_tree
  out=$(ulimit -v 16384; $CONVERT "$TMP/big.json" "$TMP/prev" 2>&1); rc=$?
  failed_cleanly "$rc" "$out" 111 '^nci-convert: fatal: unable to allocate memory: Cannot allocate memory$'
fi

t "the writing is killed by a signal: exit 111, no temporary directory, previous tree intact"
# N = 100: a 300 kB up script, above a 64 kB file size limit: its write raises SIGXFSZ.
oneshot_json 100 > "$TMP/medium.json"
previous_tree
out=$(ulimit -c 0; ulimit -f 64; $CONVERT "$TMP/medium.json" "$TMP/prev" 2>&1); rc=$?
failed_cleanly "$rc" "$out" 111 "^nci-convert: fatal: unable to write the tree in $TMP/prev\\.nci-......: killed by SIGXFSZ\$"
