#!/bin/bash
# make install into prefixes the build never saw: nci-convert's scripts call the nci-exec
# installed beside it and nci-init starts the nci-supervise beside itself, so a tree
# converted and booted from each install runs. The Makefile's install-check target makes
# the installs, in $NCI_INSTALLS:
#   opt/bin/                   make install PREFIX=$NCI_INSTALLS/opt
#   stage/usr/bin/             make install DESTDIR=$NCI_INSTALLS/stage PREFIX=/usr
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"
: "${NCI_INSTALLS:?NCI_INSTALLS must name the directory of the installs}"

# booted_from BIN NAME: converts a tree with BIN/nci-convert, boots it with BIN/nci-init
# (called as CALL, default BIN/nci-init), and checks that every program that ran is BIN's
booted_from() {
  local bin=$1 name=$2 call=${3:-$1/nci-init} real sv exe
  real=$(dirname "$(readlink -f "$bin/nci-convert")")
  mkjson "$name" \
    "$(unit once Type=oneshot RemainAfterExit=true "ExecStart=$SVC stamp $TMP/$name.stamps once")" \
    "$(unit svc Type=notify after=once.service "ExecStart=$SVC stamp $TMP/$name.stamps svc notify READY=1 pause")"
  TREE=$TMP/$name.tree
  "$bin/nci-convert" "$TMP/$name.json" "$TREE" > /dev/null 2> "$TMP/$name.convert" \
    || fail "$bin/nci-convert: $(cat "$TMP/$name.convert")"
  assert_match "svc's run calls this install's nci-exec" "^$real/nci-exec " "$(sed -n 2p "$TREE/units/svc/run")"
  assert_match "once's up calls this install's nci-exec" "^$real/nci-exec " "$(sed -n 2p "$TREE/units/once/up")"
  SD=$TMP/$name.state
  spawn "$name" unshare --pid --fork --mount-proc --kill-child "$call" --state-dir "$SD" "$TREE"
  wait_booted
  assert_eq "once ran" 1 "$(count_stamps "$TMP/$name.stamps" once)"
  assert_eq "svc ran" 1 "$(count_stamps "$TMP/$name.stamps" svc)"
  assert_eq "svc is up" up "$(nci_state svc state)"
  sv=$(descendants_named nci-supervise)
  exe=$(readlink "/proc/$sv/exe" 2>/dev/null)
  assert_eq "svc's nci-supervise is this install's" "$real/nci-supervise" "$exe"
  stop_init
  assert_eq "exit code" 0 "$rc"
}

t "make install PREFIX=DIR into a prefix the build did not see: convert and boot from it"
booted_from "$NCI_INSTALLS/opt/bin" opt

t "make install DESTDIR=STAGE PREFIX=/usr, the staged tree moved elsewhere (as a package is unpacked): convert and boot from it"
rm -rf "$TMP/pkgroot"
mkdir -p "$TMP/pkgroot"
cp -a "$NCI_INSTALLS/stage/usr" "$TMP/pkgroot/" || fail "unable to copy the staged install"
booted_from "$TMP/pkgroot/usr/bin" staged

t "through a profile of symlinks on PATH (as a Nix profile): the programs are found in the install they link to"
rm -rf "$TMP/profile"
mkdir -p "$TMP/profile/bin"
for p in "$NCI_INSTALLS"/opt/bin/*; do ln -s "$p" "$TMP/profile/bin/"; done
PATH="$TMP/profile/bin:$PATH" booted_from "$TMP/profile/bin" profile nci-init
