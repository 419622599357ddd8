#!/bin/bash
# nci-exec: each part of the execution context, checked through argv-dump (run as root).
. "$(dirname "$0")/../lib.sh"

EXEC=$NCI_BUILD/nci-exec
# A copy nobody can run, whatever the permissions of the build directory.
chmod 755 "$TMP"
mkdir "$TMP/bin"
cp "$NCI_BUILD/tests/helpers/argv-dump" "$TMP/bin/"
DUMP=$TMP/bin/argv-dump

# run ARGS...: runs nci-exec with a controlled environment; sets out, err, rc.
run() {
  out=$(cd "$TMP" && env -i PATH=/usr/bin:/bin HOME=/root FOO=leak "$EXEC" "$@" 2>"$TMP/stderr")
  rc=$?
  err=$(cat "$TMP/stderr")
}
# field NAME: the value of "NAME=" lines of argv-dump's output (the first of them).
field() { printf '%s\n' "$out" | sed -n "s/^$1=//p" | head -n 1; }
envs() { printf '%s\n' "$out" | sed -n 's/^env //p' | tr '\n' ' '; }
args() { printf '%s\n' "$out" | sed -n 's/^argv\[[0-9]*\]=//p' | tr '\n' '|'; }
mode_of() { stat -c '%U:%G %a' "$1"; }

# gidlist GID...: the groups as argv-dump prints them (the kernel keeps them sorted).
gidlist() { printf '%s\n' "$@" | grep . | sort -n | paste -sd, -; }
nobody_gid=$(id -g nobody)
nobody_home=$(getent passwd nobody | cut -d: -f6)
nobody_shell=$(getent passwd nobody | cut -d: -f7)
# the groups nobody is a listed member of, besides its own
nobody_extra=$(id -G nobody | tr ' ' '\n' | grep -vx "$nobody_gid")

t "clean environment: only protocol variables pass"
out=$(env -i FOO=bar HOME=/x PATH=/usr/bin NOTIFY_SOCKET=/n LISTEN_FDS=2 MONITOR_UNIT=u \
  WATCHDOG_USEC=5 "$EXEC" "$DUMP" 2>&1)
assert_eq "env" "LISTEN_FDS=2 MONITOR_UNIT=u NOTIFY_SOCKET=/n WATCHDOG_USEC=5 " "$(envs)"

t "arguments pass through, -- ends options"
run -- "$DUMP" -x "two words" ""
assert_eq rc 0 "$rc"
assert_eq argv "$DUMP|-x|two words||" "$(args)"

t "defaults: root, umask untouched, cwd /, no nnp"
run "$DUMP"
assert_eq ids "uid=0 gid=0" "$(printf '%s\n' "$out" | sed -n 's/^\(uid=[0-9]* gid=[0-9]*\) .*/\1/p')"
assert_eq cwd / "$(field cwd)"
assert_eq nnp 0 "$(field nnp)"
assert_eq env "" "$(envs)"

t "env dir: exact file contents, empty files, dotfiles skipped"
mkdir "$TMP/envd"
printf one > "$TMP/envd/A"
printf 'two\n' > "$TMP/envd/B"
: > "$TMP/envd/C"
printf 'multi\nline' > "$TMP/envd/D"
printf x > "$TMP/envd/.hidden"
run -x -e envd /bin/sh -c 'printf "[%s][%s][%s][%s][%s]" "$A" "$B" "${C-unset}" "$D" "${FOO-unset}"; env | grep -c hidden || true'
assert_eq rc 0 "$rc"
assert_eq values "[one][two
][][multi
line][unset]0" "$out"

t "env dir: an invalid variable name is an error naming the file"
mkdir "$TMP/badenvd"
printf x > "$TMP/badenvd/A-B"
run -e "$TMP/badenvd" "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: invalid environment variable name: $TMP/badenvd/A-B" "$err"

t "env files: in order, later wins, override the env dir, - prefix"
printf 'A=from-file\nB=1\n# comment\n' > "$TMP/f1"
printf "B=2\nC='x y'\nexport BAD=1\n" > "$TMP/f2"
run -e envd -f f1 -f -"$TMP/missing" -f "$TMP/f2" "$DUMP"
assert_eq rc 0 "$rc"
assert_match env "^A=from-file B=2 .*C=x y " "$(envs)"
assert_eq warning "nci-exec: warning: ignoring invalid variable name in $TMP/f2: export BAD" "$err"

t "env files: a missing file is fatal"
run -f "$TMP/missing" "$DUMP"
assert_eq rc 111 "$rc"
assert_eq message "nci-exec: fatal: unable to read environment file $TMP/missing: No such file or directory" "$err"

t "env files: a malformed file names the file and the line"
printf 'A=1\n\nB=\377\n' > "$TMP/bad.env"
run -f "$TMP/bad.env" "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: malformed environment file: $TMP/bad.env: line 3" "$err"

t "user nobody: ids, primary group, login variables"
for u in nobody 65534; do
  run -u "$u" "$DUMP"
  assert_eq "rc ($u)" 0 "$rc"
  assert_eq "ids ($u)" "uid=65534 gid=$nobody_gid groups=$(gidlist $(id -G nobody))" "$(printf '%s\n' "$out" | grep '^uid=')"
  assert_eq "env ($u)" "HOME=$nobody_home LOGNAME=nobody SHELL=$nobody_shell USER=nobody " "$(envs)"
done

t "user: the unit's environment overrides the login variables (systemd's order)"
mkdir "$TMP/homeenv"
printf /var/lib/svc > "$TMP/homeenv/HOME"
run -u nobody -e "$TMP/homeenv" "$DUMP"
assert_eq HOME /var/lib/svc "$(printf '%s\n' "$out" | sed -n 's/^env HOME=//p')"

t "group: -g replaces the primary group, -G adds groups"
run -u nobody -g root "$DUMP"
assert_eq ids "uid=65534 gid=0 groups=$(gidlist 0 $nobody_extra)" "$(printf '%s\n' "$out" | grep '^uid=')"
run -u nobody -G root,daemon "$DUMP"
assert_eq ids "uid=65534 gid=$nobody_gid groups=$(gidlist $(id -G nobody) 0 1)" "$(printf '%s\n' "$out" | grep '^uid=')"

t "group: -G alone sets the groups and keeps root"
run -G daemon "$DUMP"
assert_eq ids "uid=0 gid=0 groups=1" "$(printf '%s\n' "$out" | grep '^uid=')"

t "unknown user or group: exit 1 naming it"
run -u bogus-user "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: unknown user: bogus-user" "$err"
run -u nobody -g bogus-group "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: unknown group: bogus-group" "$err"
run -G root,99999 "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: unknown group: 99999" "$err"

t "umask"
run -m 027 "$DUMP"
assert_eq umask 0027 "$(field umask)"
run -m 999 "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: invalid umask: 999" "$err"

t "nice"
run -n 7 "$DUMP"
assert_eq nice 7 "$(field nice)"
run -n 20 "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: invalid nice value: 20" "$err"

t "limits"
run -l nofile=123:456 -l core=infinity:infinity "$DUMP"
assert_eq rc 0 "$rc"
assert_eq nofile 123:456 "$(field nofile)"
run -l nofile=5:1 "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: invalid limit: nofile=5:1" "$err"
run -l nofile=1:99999999 "$DUMP"
assert_eq rc 111 "$rc"
assert_match message "^nci-exec: fatal: unable to set a resource limit: " "$err"

t "no new privileges"
run -N "$DUMP"
assert_eq nnp 1 "$(field nnp)"

# in_ns COMMAND...: runs COMMAND in a mount namespace where /var/lib, /run, /var/log,
# /var/cache and /etc are directories of $TMP/ns (/etc with just what user lookups need).
in_ns() {
  unshare --mount -- /bin/sh -ec '
    r=$1; shift
    mount --bind "$r/varlib" /var/lib
    mount --bind "$r/run" /run
    mount --bind "$r/varlog" /var/log
    mount --bind "$r/varcache" /var/cache
    mount --bind "$r/etc" /etc
    exec "$@"' sh "$TMP/ns" "$@"
}
mkdir -p "$TMP/ns/varlib" "$TMP/ns/run" "$TMP/ns/varlog" "$TMP/ns/varcache" "$TMP/ns/etc"
cp /etc/passwd /etc/group /etc/nsswitch.conf "$TMP/ns/etc/"
[ -e /etc/ld.so.cache ] && cp /etc/ld.so.cache "$TMP/ns/etc/"
if unshare --mount true 2>/dev/null; then
  t "directories: created with parents, owner and mode; variables joined per kind"
  out=$(in_ns "$EXEC" -u nobody -d state:foo/bar:0750:nobody:nogroup -d state:two:0700:65534:65534 \
    -d runtime:r:0755:nobody:nogroup -d logs:l:0700:nobody:nogroup -d cache:c/d:0750:nobody:nogroup \
    -d configuration:conf:0755:root:root "$DUMP" 2>&1)
  assert_match env "CACHE_DIRECTORY=/var/cache/c/d CONFIGURATION_DIRECTORY=/etc/conf .*LOGS_DIRECTORY=/var/log/l RUNTIME_DIRECTORY=/run/r .*STATE_DIRECTORY=/var/lib/foo/bar:/var/lib/two " "$(envs)"
  assert_eq "parent" "root:root 755" "$(mode_of "$TMP/ns/varlib/foo")"
  assert_eq "state" "nobody:nogroup 750" "$(mode_of "$TMP/ns/varlib/foo/bar")"
  assert_eq "state 2" "nobody:nogroup 700" "$(mode_of "$TMP/ns/varlib/two")"
  assert_eq "runtime" "nobody:nogroup 755" "$(mode_of "$TMP/ns/run/r")"
  assert_eq "logs" "nobody:nogroup 700" "$(mode_of "$TMP/ns/varlog/l")"
  assert_eq "cache parent" "root:root 755" "$(mode_of "$TMP/ns/varcache/c")"
  assert_eq "cache" "nobody:nogroup 750" "$(mode_of "$TMP/ns/varcache/c/d")"
  assert_eq "configuration" "root:root 755" "$(mode_of "$TMP/ns/etc/conf")"

  t "directories: an existing one is given its owner and mode, configuration is left alone"
  mkdir -m 0777 "$TMP/ns/varlib/old"
  mkdir -m 0700 "$TMP/ns/etc/keep"
  chown nobody "$TMP/ns/etc/keep"
  out=$(in_ns "$EXEC" -d state:old:0750:nobody:nogroup -d configuration:keep:0755:root:root "$DUMP" 2>&1)
  assert_eq "state" "nobody:nogroup 750" "$(mode_of "$TMP/ns/varlib/old")"
  assert_eq "configuration" "nobody:root 700" "$(mode_of "$TMP/ns/etc/keep")"

  t "directories: no group means the owner's primary group"
  out=$(in_ns "$EXEC" -d state:prim:0750:nobody: "$DUMP" 2>&1) || fail "nci-exec failed: $out"
  assert_eq "state" "nobody:$(id -gn nobody) 750" "$(mode_of "$TMP/ns/varlib/prim")"

  t "directories: invalid specification or owner"
  run -d state:../x:0755:root:root "$DUMP"
  assert_eq rc 1 "$rc"
  assert_eq message "nci-exec: fatal: invalid directory: state:../x:0755:root:root" "$err"
  out=$(in_ns "$EXEC" -d state:x:0755:bogus-user:root "$DUMP" 2>&1); rc=$?
  assert_eq rc 1 "$rc"
  assert_eq message "nci-exec: fatal: unknown user: bogus-user" "$out"
  assert_no_file "$TMP/ns/varlib/x"
else
  t "directories (skipped: no mount namespace here)"
fi

t "stdout file: written from the start, not truncated, created 0644"
printf '123456\n' > "$TMP/out.file"
run -o file:"$TMP/out.file" /bin/sh -c 'echo ab'
assert_eq content "ab
456" "$(cat "$TMP/out.file")"
run -o file:"$TMP/new.file" /bin/sh -c 'echo x'
assert_eq mode "root:root 644" "$(mode_of "$TMP/new.file")"
run -m 077 -o file:"$TMP/new2.file" /bin/sh -c 'echo x'
assert_eq "mode with -m 077" "root:root 600" "$(mode_of "$TMP/new2.file")"

t "stdout append and truncate"
run -o append:"$TMP/app" /bin/sh -c 'echo one'
run -o append:"$TMP/app" /bin/sh -c 'echo two'
assert_eq append "one
two" "$(cat "$TMP/app")"
printf 'a long line\n' > "$TMP/trunc"
run -o truncate:"$TMP/trunc" /bin/sh -c 'echo short'
assert_eq truncate short "$(cat "$TMP/trunc")"

t "stdout null, stderr to stdout"
run -o null /bin/sh -c 'echo hidden; [ /dev/stdout -ef /dev/null ] && echo is-null >&2'
assert_eq stdout "" "$out"
assert_eq "stdout target" is-null "$err"
run -o append:"$TMP/both" -O stdout /bin/sh -c 'echo out; echo err >&2'
assert_eq both "out
err" "$(cat "$TMP/both")"
assert_eq stderr "" "$err"

t "stderr to its own file; the same file as stdout is shared"
run -o truncate:"$TMP/o" -O truncate:"$TMP/e" /bin/sh -c 'echo out; echo err >&2'
assert_eq stdout out "$(cat "$TMP/o")"
assert_eq stderr err "$(cat "$TMP/e")"
run -o file:"$TMP/same" -O file:"$TMP/same" /bin/sh -c 'echo out; echo err >&2'
assert_eq shared "out
err" "$(cat "$TMP/same")"

t "stdout: invalid values"
run -o stdout "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: invalid standard output: stdout" "$err"
run -O file: "$DUMP"
assert_eq rc 1 "$rc"
assert_eq message "nci-exec: fatal: invalid standard error: file:" "$err"

t "working directory: a directory, -, ~"
mkdir "$TMP/wd"
run -w "$TMP/wd" "$DUMP"
assert_eq cwd "$TMP/wd" "$(field cwd)"
run -w -"$TMP/missing" "$DUMP"
assert_eq rc 0 "$rc"
assert_eq "cwd, missing ok" / "$(field cwd)"
run -w '~' "$DUMP"
assert_eq "cwd ~" "$(getent passwd root | cut -d: -f6)" "$(field cwd)"
run -u nobody -w '-~' "$DUMP"
if [ -d "$nobody_home" ]; then assert_eq "cwd -~" "$nobody_home" "$(field cwd)"
else assert_eq "cwd -~, home missing" / "$(field cwd)"; fi

t "working directory: a missing one is fatal, entered as the user"
run -w "$TMP/missing" "$DUMP"
assert_eq rc 111 "$rc"
assert_eq message "nci-exec: fatal: unable to chdir to $TMP/missing: No such file or directory" "$err"
mkdir -m 0700 "$TMP/private"
run -u nobody -w "$TMP/private" "$DUMP"
assert_eq rc 111 "$rc"
assert_eq message "nci-exec: fatal: unable to chdir to $TMP/private: Permission denied" "$err"

t "expansion: \$VAR split, \${VAR} whole, \$\$, unset"
mkdir "$TMP/xenv"
printf 'a  b' > "$TMP/xenv/X"
printf c > "$TMP/xenv/Y"
run -e xenv -u nobody "$DUMP" '$X' '${X}' 'p${Y}q' '$$' '$NOPE' '${NOPE}' '$USER' '${NOPE:-d}'
assert_eq argv "$DUMP|a|b|a  b|pcq|\$||nobody|d|" "$(args)"

t "expansion: -x leaves the words"
run -x -e xenv "$DUMP" '$X' '${Y}' '$$'
assert_eq argv "$DUMP|\$X|\${Y}|\$\$|" "$(args)"

t "argv0: -a sets argv[0], the program stays"
run -a my-name "$DUMP" one
assert_eq argv "my-name|one|" "$(args)"

t "program lookup in the unit's PATH"
mkdir "$TMP/pathenv"
printf '/nonexistent:%s' "$TMP/bin" > "$TMP/pathenv/PATH"
run -e "$TMP/pathenv" argv-dump
assert_eq rc 0 "$rc"
assert_eq argv0 argv-dump "$(field 'argv\[0\]')"

t "exec failures: 127 for a missing program, 126 otherwise"
run "$TMP/nope" a
assert_eq rc 127 "$rc"
assert_eq message "nci-exec: fatal: unable to exec $TMP/nope: No such file or directory" "$err"
run -e "$TMP/pathenv" no-such-program
assert_eq "rc in PATH" 127 "$rc"
printf 'not a program' > "$TMP/noexec"
run "$TMP/noexec"
assert_eq rc 126 "$rc"
assert_eq message "nci-exec: fatal: unable to exec $TMP/noexec: Permission denied" "$err"

t "usage: exit 100"
run
assert_eq "no program" 100 "$rc"
assert_match message "^nci-exec: usage: nci-exec " "$err"
run -z "$DUMP"
assert_eq "unknown option" 100 "$rc"
run -u
assert_eq "missing argument" 100 "$rc"
