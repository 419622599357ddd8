# shellcheck shell=bash disable=SC2034
# Shared by the nci-init suites (tests/integration/init*.sh), sourced after tests/lib.sh.
# Every nci-init runs as PID 1 of a new PID namespace, under
#   timeout -s KILL 40 unshare --pid --fork --mount-proc --kill-child nci-init ...
# so whatever goes wrong, the namespace ends (killing its PID 1 ends every process in it).
# Processes are only ever ended by their pid.

SVC=$NCI_BUILD/tests/helpers/testsvc
INIT=$NCI_BUILD/nci-init
CTL=$NCI_BUILD/nci-ctl
CONVERT=$NCI_BUILD/nci-convert
# services running as other users (redis, www-data) traverse it
chmod 755 "$TMP"

_inits=()
# _mine PID: PID is a descendant of this shell (not a reused pid)
_mine() {
  local p=$1 s n
  for n in 1 2 3 4 5 6; do
    s=$(cat "/proc/$p/stat" 2>/dev/null) || return 1
    s=${s##*) }; s=${s#* }; p=${s%% *}
    [ "$p" = "$$" ] && return 0
  done
  return 1
}
_init_cleanup() {
  local p
  for p in "${_inits[@]}"; do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = nci-init ] && _mine "$p" && kill -KILL "$p" 2>/dev/null
  done
}
# a suite's own cleanup (containers, images) runs first: it redefines _suite_cleanup
_suite_cleanup() { :; }
trap '_suite_cleanup; _init_cleanup; _close_case; _case=""; bug_summary; _finish' EXIT

# bug TEXT: marks the case failed because of nci-init/nci-supervise (not the test); the
# summary at the end of each suite lists them.
_bugs=()
bug() { fail "BUG: $*"; _bugs+=("$_case: $*"); }
bug_summary() {
  local b
  [ "${#_bugs[@]}" = 0 ] && return
  echo "# bugs found in nci-init/nci-supervise by this suite:" >&2
  for b in "${_bugs[@]}"; do echo "#   $b" >&2; done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
kids() { cat "/proc/$1/task/$1/children" 2>/dev/null; }

# js STRING: STRING as a JSON string
js() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}
_jlist() {
  local IFS=, out="" sep="" w
  for w in $1; do
    case $w in *.*) ;; *) w=$w.service ;; esac
    out+="$sep$(js "$w")"; sep=", "
  done
  printf '[%s]' "$out"
}
_jval() {
  if [[ $1 =~ ^(true|false|0|[1-9][0-9]*)$ ]]; then printf '%s' "$1"; else js "$1"; fi
}

# unit NAME KEY=VALUE...: one member of a services map, in the fixtures' shape.
#   after, before, requires, wants, bindsTo, partOf, requisite, wantedBy: comma-separated unit
#     names (".service" added to a name without a dot); wantedBy defaults to multi-user.target
#   unit.KEY=V: unitConfig; env.NAME=V: environment; anything else: serviceConfig
#   (true/false and integers as JSON booleans and numbers, everything else a string)
unit() {
  local name=$1 kv k v top="" sc="" uc="" env="" wanted=0
  shift
  for kv in "$@"; do
    k=${kv%%=*}; v=${kv#*=}
    case $k in
      after|before|requires|wants|bindsTo|partOf|requisite|wantedBy)
        [ "$k" = wantedBy ] && wanted=1
        top+="$(js "$k"): $(_jlist "$v"), " ;;
      unit.*) uc+="${uc:+, }$(js "${k#unit.}"): $(_jval "$v")" ;;
      env.*) env+="${env:+, }$(js "${k#env.}"): $(js "$v")" ;;
      *) sc+="${sc:+, }$(js "$k"): $(_jval "$v")" ;;
    esac
  done
  [ "$wanted" = 1 ] || top+='"wantedBy": ["multi-user.target"], '
  printf '%s: { "enable": true, %s"environment": { "PATH": "/usr/bin:/bin"%s }, "serviceConfig": { %s }, "unitConfig": { %s } }' \
    "$(js "$name")" "$top" "${env:+, $env}" "$sc" "$uc"
}

# mkjson NAME MEMBER...: writes $TMP/NAME.json, the map of the MEMBERs (from unit)
mkjson() {
  local name=$1 m sep=""
  shift
  { echo "{"; for m in "$@"; do printf '%s%s\n' "$sep" "$m"; sep=","; done; echo "}"; } > "$TMP/$name.json"
}
# mktree NAME MEMBER...: mkjson, then converts $TMP/NAME.json to $TMP/NAME.tree with the
# scripts calling build/nci-exec; sets TREE.
mktree() {
  local name=$1
  mkjson "$@"
  TREE=$TMP/$name.tree
  rm -rf "$TREE"
  "$CONVERT" --nci-bindir "$NCI_BUILD" "$TMP/$name.json" "$TREE" > /dev/null 2> "$TMP/$name.convert" \
    || fail "nci-convert $name.json: $(cat "$TMP/$name.convert")"
}

# spawn NAME CMD...: runs CMD (which execs nci-init somewhere below it) in the background under
# timeout, stdin from $STDIN (/dev/null), stdout to $TMP/NAME.out, stderr to $TMP/NAME.err;
# finds nci-init's pid.
# Sets J (the background job), P (nci-init's pid here, outside its namespace), OUT, ERR.
spawn() {
  local name=$1
  shift
  OUT=$TMP/$name.out; ERR=$TMP/$name.err
  timeout -s KILL 40 "$@" < "${STDIN:-/dev/null}" > "$OUT" 2> "$ERR" &
  J=$!; P=""
  wait_for 5 _find_init || fail "nci-init did not start: $(cat "$ERR")"
}
_find_init() {
  local p=$J c
  while c=$(kids "$p"); [ -n "$c" ]; do
    p=${c%% *}
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = nci-init ]; then P=$p; _inits+=("$P"); return 0; fi
  done
  # already gone: nothing to find (a bad input exits at once)
  gone "$J" && return 0
  return 1
}

# boot NAME NCI-INIT-ARGS...: nci-init --state-dir $TMP/NAME.state ARGS as PID 1 of a new
# PID namespace; sets SD too.
boot() {
  local name=$1
  shift
  SD=$TMP/$name.state
  spawn "$name" unshare --pid --fork --mount-proc --kill-child "$INIT" --state-dir "$SD" "$@"
}

# reap_init [MAX_S]: waits at most MAX_S (10) seconds for the init to exit; sets rc (its exit
# code, 999 when it had to be killed) and took (ms from the call).
reap_init() {
  local max=${1:-10} t0
  t0=$(now_ms)
  if wait_for "$max" gone "$J"; then
    wait "$J"; rc=$?
  else
    fail "nci-init did not exit within ${max}s"
    [ -n "$P" ] && kill -KILL "$P" 2>/dev/null
    wait "$J"; rc=999
  fi
  took=$(( $(now_ms) - t0 ))
}
# stop_init [SIG] [MAX_S]: sends SIG (TERM) to nci-init and reaps it.
stop_init() {
  [ -n "$P" ] && kill -"${1:-TERM}" "$P"
  reap_init "${2:-10}"
}

# fifo_index: $TREE/index becomes a FIFO (its text kept in $TREE.index): nci-init blocks
# opening it, before anything of the tree is loaded, until feed_index writes it.
fifo_index() { mv "$TREE/index" "$TREE.index" && mkfifo "$TREE/index"; }
# in_fifo_open PID: PID is blocked opening a FIFO no one writes
in_fifo_open() { [ "$(cat "/proc/$1/wchan" 2>/dev/null)" = wait_for_partner ]; }
feed_index() { timeout 5 cp "$TREE.index" "$TREE/index" || fail "nci-init did not read its index"; }
# term_while_loading START NAME: START NAME TREE (boot, or a suite's own starter) on a
# tree whose index is a FIFO; SIGTERM to nci-init while it waits to read it, then the
# index: the stop must be done, cleanly, once the tree is loaded.
term_while_loading() {
  mktree "$2" "$(unit svc "ExecStart=$SVC pause")"
  fifo_index
  "$1" "$2" "$TREE"
  wait_for 5 in_fifo_open "$P" || fail "nci-init did not block on its index"
  kill -TERM "$P"
  feed_index
  reap_init 5
  assert_eq "exit code" 0 "$rc"
  assert_match "it stopped" 'nci-init: info: stopping' "$(cat "$ERR")"
}

# boot_state: the first line of STATEDIR/.nci-init/state ("state up"...)
boot_state() { head -n 1 "$SD/.nci-init/state" 2>/dev/null; }
is_booted() { [ "$(boot_state)" = "state up" ]; }
# wait_booted [MAX_S]: until the boot is complete
wait_booted() { wait_for "${1:-10}" is_booted || fail "boot not complete: $(cat "$SD/.nci-init/state" 2>&1); $(tail -n 5 "$ERR")"; }
# nci_state UNIT KEY: a key of STATEDIR/UNIT/supervise/nci-state
nci_state() { sed -n "s/^$2 //p" "$SD/$1/supervise/nci-state" 2>/dev/null; }
unit_is() { [ "$(nci_state "$1" state)" = "$2" ]; }
restarts_are() { [ "$(nci_state "$1" restarts)" = "$2" ]; }

# Stamps (testsvc stamp FILE WORD): "WORD PID MONOTONIC_NS REALTIME_NS" lines.
# st FILE WORD: WORD's monotonic time (the first such line), empty when none
st() { awk -v w="$2" '$1 == w { print $3; exit }' "$1" 2>/dev/null; }
has_stamp() { [ -n "$(st "$1" "$2")" ]; }
count_stamps() { awk -v w="$2" '$1 == w { n++ } END { print n + 0 }' "$1" 2>/dev/null; }
stamps_are() { [ "$(count_stamps "$1" "$2")" = "$3" ]; }
# assert_before FILE A B: stamp A is strictly before stamp B (both present)
assert_before() {
  local a b
  a=$(st "$1" "$2"); b=$(st "$1" "$3")
  if [ -z "$a" ] || [ -z "$b" ]; then fail "order $2 < $3: missing stamp ($2=[$a] $3=[$b])"; return; fi
  [ "$a" -lt "$b" ] || fail "order: $2 ($a) is not before $3 ($b)"
}

# census: "PROCS ZOMBIES" of P (nci-init) and all its descendants, from this namespace's /proc
# (which sees every process of the inner one).
census() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$P" '
    { pid = $1; l = $0; sub(/.*\) /, "", l); split(l, a, " "); s[pid] = a[1]; pp[pid] = a[2] }
    END {
      if (!(root in s)) { print "0 0"; exit }
      inside[root] = 1
      do { more = 0; for (p in pp) if (!(p in inside) && (pp[p] in inside)) { inside[p] = 1; more = 1 } } while (more)
      n = 0; z = 0
      for (p in inside) { n++; if (s[p] == "Z") z++ }
      print n, z
    }'
}
# descendants_named COMM [ROOT]: pids below ROOT (P) whose comm is COMM
descendants_named() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="${2:-$P}" -v want="$1" '
    { pid = $1; l = $0; c = l; sub(/^[0-9]+ \(/, "", c); sub(/\) [^)]*$/, "", c)
      sub(/.*\) /, "", l); split(l, a, " "); pp[pid] = a[2]; comm[pid] = c }
    END {
      inside[root] = 1
      do { more = 0; for (p in pp) if (!(p in inside) && (pp[p] in inside)) { inside[p] = 1; more = 1 } } while (more)
      for (p in inside) if (p != root && comm[p] == want) print p
    }' | sort -n
}

# free_port: a TCP port nothing listens on at 127.0.0.1
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 30000 ))
    (exec 3<> "/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo 0
}
# census_is "PROCS ZOMBIES"; procs_at_least N; no_zombies
census_is() { [ "$(census)" = "$1" ]; }
procs_at_least() { local c; c=$(census); [ "${c% *}" -ge "$1" ]; }
no_zombies() { local c; c=$(census); [ "${c#* }" = 0 ]; }
