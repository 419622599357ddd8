#!/bin/bash
# Prints a corpus of calendar expressions (systemd.time(7), "CALENDAR EVENTS"), one a line,
# for tests/integration/calendar.sh to feed to both `nci-ctl calendar` and
# `systemd-analyze calendar`. It lives here, not beside calendar.sh, because
# tools/run-integration runs every tests/integration/*.sh as a suite. The output is the
# same on every run (a fixed-seed generator written here, integer arithmetic only, so mawk
# and gawk agree): a difference found once can be found again.
#
# Most lines are valid, some parse but never elapse (impossible or past dates), some must
# be rejected: both programs' answers are compared, whatever they are. No line is empty or
# starts with "-" (it would read as an option).
set -eu

# Hand-written: the corners a generator hits rarely or not at all.
cat <<'EOF'
minutely
hourly
daily
weekly
monthly
yearly
annually
quarterly
semiannually
hourly UTC
minutely Asia/Kolkata
weekly Pacific/Chatham
daily utc
*-*-* *:*:*
*-*-* *:*:00
*:0/15
*:*:0/7.5
12:00:30.25
*:*:59.999999
*-*-* *:*:0.000001/0.5
05:40:23.4200004/3.1700005
1:2:3
0:0:5..6
0:0:5..5
0:59..59
0:0:5.5..6
*-*-* 12:00:00.5..12
Wed,
Mon  12:00
tHuRsDaY
MONDAY,sat
mon-fri 10:00
Mon..Sun 23:59:59
Mon,Mon
Mon..Fri 9..17:0/30
Fri *-*-13
Fri 2030..2040-*-13
*-02-29
*-02-29 Mon
2028-02-29 12:00
2027-02-29
*-02-30
*-04-31
2000-01-01
Mon 2030-01-01
70-01-01
69-01-01
2199-12-31 23:59:59
*-02~03
*-*~1
*~01
02~01
Mon *-05~07/1
Sun *-03~07 02:00:00
*-*~01..03
*-*~03..01
*-02~07..01
*-*~01/2
*-1..12/3-1
2030..2040/2-01-01
*-*-* 0..23/25:00
*-*-31/2
*-*-* 02:30
*-03-29 02:30
*-10-25 02:30
*-03-29 01:59:59.5
*-10-25 01:00..03:00/15
*-*-* 02:30 Europe/Berlin
*-03-29,10-25 0..4:0/30 Europe/Berlin
*-03-08,11-01 01..03:30 America/New_York
*-04-05,10-04 01..03:0/15 Australia/Lord_Howe
*-04-05 01:45 Pacific/Chatham
*-09-27 02:45 Pacific/Chatham
weekly Pacific/Auckland
2030-*-* 0/6:00 Asia/Kolkata
*-*-* 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,0:00
@0
@1
@1500000000
@2147483647
@7258118399
@7258118400
@1500000000.5
@-5
today
now
+3h30min
UTC
Europe/Berlin
daily x
daily Mars/Olympus
*-*-* 12:00 local
 daily
daily 
Mon..
Sun..Mon
Sat..Tue
Mond
Funday
12:00 Mon
*-13-01
*-00-01
*-*-0
*-*-32
*-*-* 24:00
*-*-* 25:00
*-*-* 23:60
*-*-* 23:59:60
*-*-* 23:59:59.9999999
12:30.5
1..30/2:00
0/0:00
*/5:00
*:*/10
*-*-5..1
1,,2:00
1,:00
12:00:00:00
*-*-*T12:00
2030-01-01T12:00:00
1969-12-31
2200-01-01
EOF

awk -v N=300 '
# Park-Miller minimal standard generator: 16807 * (2^31 - 1) < 2^53, so exact in doubles.
function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
function chance(pct) { return rnd(100) < pct }
function pick(s,   a, k) { k = split(s, a, " "); return a[rnd(k) + 1] }
function pad2(v) { return (chance(60) && v < 10) ? "0" v : v "" }

# A weekday name: short or long, in one of four cases.
function dayname(i,   s, out, c, j, k) {
  s = chance(60) ? short[i] : long[i]
  k = rnd(4)
  if (k == 1) return tolower(s)
  if (k == 2) return toupper(s)
  if (k == 3) {
    out = ""
    for (j = 1; j <= length(s); j++) { c = substr(s, j, 1); out = out (rnd(2) ? toupper(c) : tolower(c)) }
    return out
  }
  return s
}
# A weekday list: names, ranges "A..B" and the old "A-B" form (ascending: Mon is first).
function weekdays(   n, j, a, b, out) {
  n = 1 + rnd(3); out = ""
  for (j = 0; j < n; j++) {
    a = 1 + rnd(7)
    if (chance(40) && a < 7) {
      b = a + 1 + rnd(7 - a)
      out = out (j ? "," : "") dayname(a) (chance(75) ? ".." : "-") dayname(b)
    } else out = out (j ? "," : "") dayname(a)
  }
  return out
}
# One numeric component between lo and hi: "*", a value, a list, a range, a repetition,
# a range with a repetition, or a list mixing them.
function comp(lo, hi, star,   k, a, b, n, j, out) {
  k = rnd(100)
  if (k < star) return "*"
  a = lo + rnd(hi - lo + 1)
  if (k < star + 30) return pad2(a)
  if (k < star + 45) {
    n = 2 + rnd(3); out = pad2(a)
    for (j = 1; j < n; j++) out = out "," pad2(lo + rnd(hi - lo + 1))
    return out
  }
  b = a + rnd(hi - a + 1)
  if (k < star + 60) return pad2(a) ".." pad2(b)
  # a repetition whose first step passes hi is rejected: keep most within range
  if (k < star + 75) return pad2(a) "/" (1 + rnd(a < hi && chance(85) ? hi - a : hi - lo))
  if (k < star + 85) return pad2(a) ".." pad2(b) "/" (1 + rnd(5))
  return pad2(a) ".." pad2(b) "," pad2(lo + rnd(hi - lo + 1))
}
# Seconds: as comp, sometimes with decimal fractions in the value and the repetition.
function seconds(   k, v) {
  k = rnd(100)
  if (k < 55) return comp(0, 59, 20)
  v = rnd(60) "." pick("5 25 125 75 000001 333333 1234567")
  if (k < 75) return v
  if (k < 90) return v "/" rnd(60 - int(v)) "." pick("5 25 75")
  return "0/" (1 + rnd(9)) ".5"
}
function year(   k, a) {
  k = rnd(100)
  if (k < 35) return "*"
  if (k < 55) return 2024 + rnd(20)
  if (k < 65) return 24 + rnd(20)
  a = 2030 + rnd(6)
  if (k < 80) return a ".." (a + rnd(11))
  if (k < 90) return a "," (a + 1 + rnd(5)) "," (a + 7 + rnd(5))
  return a "/" (2 + rnd(3))
}
# A date: year-month-day, month-day, or the last-day form with "~" (counting from the
# month end, optionally a short range or a repetition of one).
function date(   k, y, m, d) {
  k = rnd(100)
  m = comp(1, 12, 45)
  if (k < 20) {
    d = pad2(1 + rnd(7))
    k = rnd(4)
    if (k == 1) d = d "/1"
    else if (k == 2) d = pad2(1 + rnd(3)) ".." pad2(4 + rnd(4))
    return (chance(50) ? year() "-" : (chance(50) ? "*-" : "")) m "~" d
  }
  d = comp(1, 31, 35)
  if (k < 45) return m "-" d
  return year() "-" m "-" d
}
function time(   t) {
  t = comp(0, 23, 25) ":" comp(0, 59, 25)
  if (chance(60)) t = t ":" seconds()
  return t
}
function zone(   k) {
  k = rnd(100)
  if (k < 70) return ""
  if (k < 80) return " UTC"
  return " " pick("Europe/Berlin America/New_York Asia/Kolkata Australia/Lord_Howe Pacific/Chatham")
}
# A valid-looking expression.
function expr(   k, s) {
  k = rnd(100)
  if (k < 7) return pick("minutely hourly daily weekly monthly yearly annually quarterly semiannually") zone()
  # 1970..2198, made of two parts each below 2^31 (old mawks print large numbers as
  # 7.2e+09); the past ones never elapse
  if (k < 11) { k = rnd(72); return "@" (k ? k sprintf("%08d", rnd(100000000)) : rnd(100000000)) }
  s = ""
  if (chance(35)) s = weekdays()
  if (chance(70)) s = s (s == "" ? "" : " ") date()
  if (s == "" || chance(75)) s = s (s == "" ? "" : " ") time()
  return s zone()
}
# An expression broken in one of the ways the parser must notice.
function broken(s,   k) {
  k = rnd(12)
  if (k == 0) return "Mon " (24 + rnd(76)) ":00"
  if (k == 1) return "*-" pick("13 0 00 99") "-01 " time()
  if (k == 2) return "*-*-" pick("0 32 40") zone()
  if (k == 3) return "*-*-* 12:" pick("60 99 -1")
  if (k == 4) return pick("Mo Mond Funday Mon..Frx Tues. Tu..") " " time()
  if (k == 5) return s pick("x ! : , .. junk /")
  if (k == 6) return comp(0, 23, 0) ",," comp(0, 59, 0) ":00"
  if (k == 7) return "1.." (24 + rnd(40)) "/2:00"
  if (k == 8) return s " Mars/Olympus"
  if (k == 9) return "*-*-* " pick("0/0 */5 *:*/10 12:30.5") ":00"
  if (k == 10) return time() " " weekdays()
  return s ".1234567"
}
BEGIN {
  seed = 20240611
  split("Mon Tue Wed Thu Fri Sat Sun", short, " ")
  split("Monday Tuesday Wednesday Thursday Friday Saturday Sunday", long, " ")
  # unique lines only; none starting with "-", none ending in space (both programs
  # would agree, but one such case is enough and the hand-written list has it)
  while (n < N) {
    s = expr()
    if (chance(12)) s = broken(s)
    if (s in seen || s ~ /^-/ || s ~ / $/) continue
    seen[s] = 1; n++
    print s
  }
}'
