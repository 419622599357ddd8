#!/bin/bash
# nci-init as the ENTRYPOINT of OCI bundles run by runc and by crun, attached as `runc run`
# runs them: a read-only root with only a tmpfs /run writable, no terminal and no
# /dev/console, as root and as an unprivileged user; stopped through the runtime
# (`runc kill ID TERM`, what `docker stop` sends first), its exit code the runtime's.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"
. "$TESTS_DIR/oci/lib.sh"

oci_rootfs
wanted='"wantedBy": ["multi-user.target"]'
oci_tree boot \
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=/bin/sh -c 'echo prepared as uid \$(id -u)'")" \
  "$(unit svc Type=notify after=prep.service requires=prep.service "ExecStart=/bin/testsvc out started notify READY=1 pause")"
oci_tree fail \
  "$(unit bad Type=oneshot "ExecStart=/bin/sh -c 'echo failing on purpose; exit 3'")" \
  "$(unit never after=bad.service requires=bad.service "ExecStart=/bin/testsvc out started pause")"
oci_tree stubborn \
  "$(unit stubborn Type=notify TimeoutStopSec=1 "ExecStart=/bin/testsvc ignore SIGTERM out started notify READY=1 pause")"

# booted RUNTIME NAME: the boot tree's container NAME came up: its lines prefixed, every unit
# ready as `nci-ctl check --ready` (a readiness probe) sees it from inside
booted() {
  wait_err "nci-init: info: boot complete"
  wait_for 10 has_line "$OUT" "svc: started" || fail "no line \"svc: started\": $(tr '\n' '|' < "$OUT")"
  rt_exec "$1" /nci/bin/nci-ctl check --ready > "$TMP/$2.check" 2>&1 || fail "nci-ctl check --ready: $(cat "$TMP/$2.check")"
}
# stopped_cleanly: TERM through the runtime, the container ends by itself with 0
stopped_cleanly() {
  rt_kill "$1" TERM
  rt_wait
  assert_eq "exit code through $1" 0 "$rc"
  err_has "nci-init: info: exiting with code 0" || fail "no exit line: $(tail -n 5 "$ERR" | tr '\n' '|')"
  # a container's PID 1 sees no kernel threads: it is no VM's init, and exits rather than powering off
  ! err_has "powering off" || fail "nci-init took the container for a VM"
}

for runtime in runc crun; do
  t "$runtime: boots on a read-only root with a tmpfs /run, as root; TERM through $runtime stops it, exit 0"
  oci_bundle "$TMP/$runtime-root" /nci/bin/nci-init /trees/boot
  rt_start "$runtime" "$runtime-root" "$TMP/$runtime-root"
  booted "$runtime" "$runtime-root"
  has_line "$OUT" "prep: prepared as uid 0" || fail "prep's line: $(tr '\n' '|' < "$OUT")"
  stopped_cleanly "$runtime"
  assert_match "svc stopped in order" 'stopping svc' "$(cat "$ERR")"

  # /run writable to it: runc gives its tmpfs the mode of the image's /run (1777, as
  # lib.makeImage makes it), crun the tmpfs's own mode=1777 (docker's --tmpfs default)
  t "$runtime: as an unprivileged user (1000:1000), /run a tmpfs of mode 1777"
  OCI_USER=1000:1000 OCI_RUN_MODE=1777 oci_bundle "$TMP/$runtime-user" /nci/bin/nci-init /trees/boot
  rt_start "$runtime" "$runtime-user" "$TMP/$runtime-user"
  booted "$runtime" "$runtime-user"
  has_line "$OUT" "prep: prepared as uid 1000" || fail "prep's line: $(tr '\n' '|' < "$OUT")"
  stopped_cleanly "$runtime"

  t "$runtime: a failing unit stops the container; its exit code reaches the caller of $runtime run"
  oci_bundle "$TMP/$runtime-fail" /nci/bin/nci-init /trees/fail
  rt_start "$runtime" "$runtime-fail" "$TMP/$runtime-fail"
  rt_wait
  assert_eq "exit code through $runtime" 3 "$rc"
  has_line "$OUT" "bad: failing on purpose" || fail "bad's line: $(tr '\n' '|' < "$OUT")"
  ! grep -qF "never: started" "$OUT" || fail "never started though what it requires failed"

  t "$runtime: a service ignoring SIGTERM is killed at its TimeoutStopSec=; the container then ends by itself, exit 0"
  oci_bundle "$TMP/$runtime-stubborn" /nci/bin/nci-init /trees/stubborn
  rt_start "$runtime" "$runtime-stubborn" "$TMP/$runtime-stubborn"
  wait_err "nci-init: info: boot complete"
  wait_for 10 has_line "$OUT" "stubborn: started" || fail "stubborn did not start"
  stopped_cleanly "$runtime"
  err_has "stubborn: stop timed out, sending SIGKILL" || fail "stubborn was not killed at its TimeoutStopSec="
done
