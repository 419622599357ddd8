#!/bin/bash
# nci-ctl calendar against systemd-analyze calendar (systemd 252), the oracle: the same
# arguments and environment must print the same bytes on stdout and exit the same. The
# expressions are systemd.time(7)'s own examples, read from the installed man page at test
# time (not copied here), and a generated corpus (tests/helpers/calendar-corpus.sh); they
# are run at several base times, around the leap day, the European DST switches and the
# year's end, in several zones, many expressions an invocation to stay fast.
#
# "From now:" lines count from the real clock, not the base time: systemd-analyze runs
# once before and once after nci-ctl, and where its two answers agree nci-ctl's, made in
# between, must be that same text (the text is a step function of the time); where they
# differ the line is not compared. Every run is bounded: a hang fails the case, naming the
# expressions it hangs on.
. "$(dirname "$0")/../lib.sh"

CTL=$NCI_BUILD/nci-ctl
SA=/usr/bin/systemd-analyze
MAN=/usr/share/man/man7/systemd.time.7.gz
ITERATIONS=5
MAX_REPORTS=20      # differences shown per case; the rest are counted
LIMIT=30            # seconds an invocation may take: a hang, not slowness (either needs under 1 s unloaded)
# Same locale for both, and no colour even if the caller's environment asks for it
# (systemd-analyze honours SYSTEMD_COLORS on a pipe too).
export LC_ALL=C SYSTEMD_COLORS=0
unset SYSTEMD_PAGER PAGER

# man_examples: the left side of each example in the "CALENDAR EVENTS" section, roff
# escapes undone. The section alone, so the timestamp examples (now, today, +3h30min...)
# of "PARSING TIMESTAMPS" are not taken: they are no calendar expressions.
man_examples() {
  zcat "$MAN" | awk '
    function unroff(s) {
      gsub(/\\&/, "", s); gsub(/\\-/, "-", s); gsub(/\\ /, " ", s)
      gsub(/\\\*\(Aq|\\\(aq/, "\047", s); gsub(/\\\*\(lq|\\\*\(rq|\\\(dq/, "\"", s)
      gsub(/\\e/, "\\", s)
      sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
      return s
    }
    /^\.SH / { sect = ($0 ~ /^\.SH "CALENDAR EVENTS"/); next }
    !sect { next }
    /^\.nf/ { nf = 1; next }
    /^\.fi/ { nf = 0; next }
    /^\./ { next }
    # the no-fill blocks: "EXPR → NORMALIZED" lines, and one example on its own
    nf {
      s = $0
      if (index(s, " → ")) s = substr(s, 1, index(s, " → ") - 1)
      s = unroff(s)
      if (s != "") print s
      next
    }
    # the prose quotes examples too ("*\-02~03", "Mon *\-05~07/1"): those holding a date,
    # not the lone operators it also quotes ("\&.\&.", "~", ":00", "UTC")
    {
      s = $0
      while (match(s, /"[^"]*"/)) {
        q = substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH)
        if (q ~ /\\-/) print unroff(q)
      }
    }'
}

# The expressions, each once, the man page's first.
t "calendar: the expressions (systemd.time(7)'s examples and the generated corpus)"
EXPRS=()
if [ ! -r "$MAN" ]; then
  fail "no man page $MAN: systemd.time(7)'s examples are part of the test"
else
  mapfile -t man < <(man_examples | awk '!seen[$0]++')
  [ "${#man[@]}" -ge 20 ] || fail "only ${#man[@]} examples from $MAN (20 at least): has its format changed?"
  EXPRS+=("${man[@]}")
fi
mapfile -t corpus < <(bash "$ROOT/tests/helpers/calendar-corpus.sh")
[ "${#corpus[@]}" -ge 250 ] || fail "only ${#corpus[@]} expressions from calendar-corpus.sh"
mapfile -t EXPRS < <(printf '%s\n' "${EXPRS[@]}" "${corpus[@]}" | awk '!seen[$0]++')
[ "${#EXPRS[@]}" -ge 200 ] || fail "only ${#EXPRS[@]} expressions in all (200 at least)"
for e in "${EXPRS[@]}"; do
  case $e in ''|-*) fail "expression [$e] would not reach either program as an expression";; esac
done

# run TZ SECONDS OUT ERR PROGRAM ARGS...: PROGRAM in the zone TZ ("unset": none, so
# /etc/localtime), killed after SECONDS, its stdout and stderr in files; sets rc (124 or
# 137: killed).
run() {
  local tz=$1 limit=$2 out=$3 err=$4; shift 4
  if [ "$tz" = unset ]; then timeout -k 1 "$limit" env -u TZ "$@" > "$out" 2> "$err"
  else TZ=$tz timeout -k 1 "$limit" "$@" > "$out" 2> "$err"; fi
  rc=$?
}
killed() { [ "$1" = 124 ] || [ "$1" = 137 ]; }

# compare EXPRFILE BEFORE GOT AFTER: one line per expression whose block in GOT differs
# from the oracle's (BEFORE and AFTER, systemd-analyze's), "EXPR<TAB>EXPECTED<TAB>GOT" for
# its first differing line; "!oracle<TAB>EXPR<TAB>..." if the two oracle runs differ other
# than on "From now:"; "!rejected<TAB>EXPR" for each expression the oracle rejected.
# The blocks are cut at the empty lines systemd-analyze prints between two expressions
# (after every one but the last, a rejected one too, whose block is empty); a block holds
# no empty line, so a stray one in GOT only upsets the expressions after it in the batch.
compare() {
  awk '
    FILENAME == ARGV[1] { expr[++n] = $0; next }
    FNR == 1 { f = (FILENAME == ARGV[2]) ? "a" : (FILENAME == ARGV[3]) ? "g" : "b"; i = 1 }
    $0 == "" && i < n { i++; next }
    { k = ++len[f, i]; line[f, i, k] = $0 }
    function show(f, i, k) { return k <= len[f, i] ? "[" line[f, i, k] "]" : "(no line)" }
    function nowline(s) { return s ~ /^ *From now: / }
    END {
      for (i = 1; i <= n; i++) {
        if (len["a", i] + 0 == 0) print "!rejected\t" expr[i]
        m = len["a", i] > len["b", i] ? len["a", i] : len["b", i]
        for (k = 1; k <= m; k++)
          if (show("a", i, k) != show("b", i, k) && !(nowline(line["a", i, k]) && nowline(line["b", i, k]))) {
            print "!oracle\t" expr[i] "\t" show("a", i, k) "\t" show("b", i, k); break
          }
        m = len["a", i] > len["g", i] ? len["a", i] : len["g", i]
        for (k = 1; k <= m; k++) {
          a = show("a", i, k); g = show("g", i, k)
          if (a == g) continue
          # the clock moved between the two oracle runs: any "From now:" line will do
          if (nowline(line["a", i, k]) && line["a", i, k] != line["b", i, k] && k <= len["g", i] && nowline(line["g", i, k])) continue
          print expr[i] "\t" a "\t" g; break
        }
      }
    }' "$@"
}

# check_pair LABEL EPOCH TZ BATCH: one case, every expression at base time @EPOCH in TZ,
# BATCH expressions an invocation.
check_pair() {
  local label=$1 epoch=$2 tz=$3 batch=$4 i j reported=0 more=0 rc_a rc_g rc_b f1 f2 f3 f4
  local d=$TMP/pair args rejected which hung e
  t "calendar agrees with systemd-analyze: base $label, TZ=$tz"
  [ -x "$CTL" ] || { fail "no $CTL"; return; }
  [ -x "$SA" ] || { fail "no $SA: it is the oracle"; return; }
  [ "${#EXPRS[@]}" -gt 0 ] || { fail "no expressions"; return; }
  args=(calendar --iterations "$ITERATIONS" --base-time "@$epoch")
  for ((i = 0; i < ${#EXPRS[@]}; i += batch)); do
    local part=("${EXPRS[@]:i:batch}")
    printf '%s\n' "${part[@]}" > "$d.exprs"
    j=$((i + ${#part[@]}))
    run "$tz" "$LIMIT" "$d.a" "$d.a.err" "$SA" "${args[@]}" "${part[@]}"; rc_a=$rc
    run "$tz" "$LIMIT" "$d.g" "$d.g.err" "$CTL" "${args[@]}" "${part[@]}"; rc_g=$rc
    if killed "$rc_g"; then
      # name the expressions it hangs on: each alone, on a shorter leash
      hung=()
      for e in "${part[@]}"; do
        run "$tz" 2 "$d.p" "$d.p.err" "$CTL" "${args[@]}" "$e"
        killed "$rc" && hung+=("[$e]")
      done
      fail "expressions $((i + 1))..$j (--base-time @$epoch): nci-ctl killed after ${LIMIT}s; alone, it runs over 2s on ${hung[*]:-none of them}"
      continue
    fi
    run "$tz" "$LIMIT" "$d.b" "$d.b.err" "$SA" "${args[@]}" "${part[@]}"; rc_b=$rc
    if killed "$rc_a" || killed "$rc_b"; then
      fail "expressions $((i + 1))..$j: systemd-analyze killed after ${LIMIT}s"
      continue
    fi
    rejected=()   # by the oracle, in this batch
    while IFS=$'\t' read -r f1 f2 f3 f4; do
      case $f1 in
        '!rejected') rejected+=("[$f2]") ;;
        '!oracle') fail "systemd-analyze answered [$f2] differently twice: $f3 then $f4" ;;
        *)
          if [ "$reported" -lt "$MAX_REPORTS" ]; then
            fail "[$f1] (--base-time @$epoch): expected $f2, got $f3"
            reported=$((reported + 1))
          else more=$((more + 1)); fi ;;
      esac
    done < <(compare "$d.exprs" "$d.a" "$d.g" "$d.b")
    [ "$rc_a" = "$rc_b" ] || fail "systemd-analyze exited $rc_a then $rc_b on expressions $((i + 1))..$j"
    which="${#rejected[@]} rejected by systemd-analyze${rejected[*]:+, e.g. ${rejected[*]:0:3}}"
    [ "$rc_g" = "$rc_a" ] || fail "expressions $((i + 1))..$j: exit $rc_g, expected $rc_a ($which)"
    if [ "$rc_a" != 0 ] && [ ! -s "$d.g.err" ]; then
      fail "expressions $((i + 1))..$j: nothing on stderr ($which)"
    elif [ "$rc_a" = 0 ] && [ -s "$d.g.err" ]; then
      fail "expressions $((i + 1))..$j: all valid, yet stderr says [$(head -c 300 "$d.g.err")]"
    fi
    # the line-wise comparison cannot see a missing last newline
    cmp -s <(tail -c 1 "$d.a") <(tail -c 1 "$d.g") \
      || fail "expressions $((i + 1))..$j: stdout does not end as systemd-analyze's (last byte)"
  done
  [ "$more" = 0 ] || fail "... and $more more expressions differ"
}

# epoch DATE: seconds since the epoch of DATE (UTC)
epoch() { date -u -d "$1" +%s; }
NOW=$(date +%s)
BASES=(
  "now ($(date -u -d "@$NOW" +%FT%TZ))=$NOW"
  "2028-02-28T23:59:59Z (leap day next)=$(epoch '2028-02-28 23:59:59')"
  "2026-03-29T00:59:59Z (Europe: summer time next)=$(epoch '2026-03-29 00:59:59')"
  "2026-10-25T00:59:59Z (Europe: winter time next)=$(epoch '2026-10-25 00:59:59')"
  "2026-12-31T23:59:59Z (year end)=$(epoch '2026-12-31 23:59:59')"
  "2033-05-18T03:33:19Z (odd)=1999999999"
)
# The batch size changes from case to case, so expressions meet different neighbours and
# the rejected ones fall at a batch's start, middle and end.
n=0
for base in "${BASES[@]}"; do
  for tz in unset Europe/Berlin America/New_York; do
    check_pair "${base%=*}" "${base##*=}" "$tz" $((50 - n % 4 * 3))
    n=$((n + 1))
  done
done
# A zone with a half-hour DST shift and numeric abbreviations (+1030, +11).
check_pair "${BASES[2]%=*}" "${BASES[2]##*=}" Australia/Lord_Howe 50

t "calendar: usage errors exit 100 with one line; --base-time is @SECONDS or a date and time, one point"
for args in "" "--iterations" "--iterations x daily" "--iterations=-1 daily" "--bogus daily" "--base-time tuesday daily" "--base-time @0 daily" "--base-time=2026-13-01 daily"; do
  # shellcheck disable=SC2086
  out=$("$CTL" calendar $args 2>&1 > /dev/null); rc=$?
  assert_eq "exit of [calendar $args]" 100 "$rc"
  assert_eq "one line for [calendar $args]" 1 "$(printf '%s\n' "$out" | wc -l)"
done
assert_eq "a date as base" "    Next elapse: Sun 2026-02-01 00:00:00 UTC" \
  "$(TZ=UTC "$CTL" calendar --base-time '2026-01-31 12:00 UTC' daily | sed -n 3p)"
assert_eq "--name=value" "    Next elapse: Sun 2026-02-01 00:00:00 UTC" \
  "$(TZ=UTC "$CTL" calendar --iterations=1 --base-time=@1769860800 daily | sed -n 3p)"
assert_eq "-- ends the options" "Normalized form: *-*-* 00:00:00" "$("$CTL" calendar -- daily | sed -n 2p)"
out=$("$CTL" calendar daily '*-13-01' 2>&1 > /dev/null); rc=$?
assert_eq "an invalid expression among valid ones: exit" 1 "$rc"
assert_eq "its error names it and says why" 'nci-ctl: invalid calendar expression "*-13-01": month out of range' "$out"
