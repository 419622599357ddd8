# Shared by the integration tests (bash). Each test file is a bash script that sources
# this, calls `t NAME` before each case and ok/fail through the helpers; run-integration
# sums the results.
set -u
: "${NCI_BUILD:?NCI_BUILD must name the build directory}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
# The NixOS fixtures live beside the checkout (../shared); a clone made elsewhere finds
# them beside the checkout it was cloned from. NCI_FIXTURES overrides both.
fixtures_dir() {
  local origin
  if [ -d "$ROOT/../shared/fixtures/nixos" ]; then echo "$ROOT/../shared/fixtures/nixos"; return; fi
  origin=$(git -C "$ROOT" remote get-url origin 2>/dev/null) || origin=""
  if [ -n "$origin" ] && [ -d "$origin/../shared/fixtures/nixos" ]; then echo "$origin/../shared/fixtures/nixos"; return; fi
  echo "$ROOT/../shared/fixtures/nixos"
}
FIXTURES=${NCI_FIXTURES:-$(fixtures_dir)}
[ -d "$FIXTURES" ] || echo "# no NixOS fixtures at $FIXTURES (set NCI_FIXTURES): the cases that read them fail" >&2
EXECLINE_BINDIR=${EXECLINE_BINDIR:-/usr/lib/execline/bin}
export PATH="$NCI_BUILD:$PATH"
_case=""; _passed=0; _failed=0; _case_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nci-test.XXXXXX")
trap '_finish' EXIT

_close_case() {
  if [ -n "$_case" ]; then
    if [ "$_case_failed" = 0 ]; then _passed=$((_passed + 1)); echo "ok - $_case"
    else _failed=$((_failed + 1)); echo "not ok - $_case"; fi
  fi
}
t() { _close_case; _case=$1; _case_failed=0; }
fail() { _case_failed=1; echo "    $_case: $*" >&2; }
_finish() {
  _close_case
  rm -rf "$TMP"
  echo "RESULT $_passed $_failed"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() { [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"; }
# assert_match WHAT REGEX ACTUAL
assert_match() { printf '%s' "$3" | grep -Eq -- "$2" || fail "$1: [$3] does not match /$2/"; }
assert_file() { [ -e "$1" ] || fail "missing $1"; }
assert_no_file() { [ ! -e "$1" ] || fail "unexpected $1"; }
# gone PID: no such process, or a zombie
gone() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  [ "${s%% *}" = Z ]
}
alive() { ! gone "$1"; }
# has_line FILE LINE: FILE has LINE, whole
has_line() { grep -qxF -- "$2" "$1" 2>/dev/null; }

# wait_for TIMEOUT_S COMMAND...: re-runs COMMAND until it succeeds, bounded; driven by
# the command's own blocking where it can, else a short back-off.
wait_for() {
  local deadline=$(( $(date +%s%N) / 1000000 + ${1%.*} * 1000 )); shift
  until "$@"; do
    [ $(( $(date +%s%N) / 1000000 )) -lt $deadline ] || return 1
    sleep 0.01
  done
}
