#!/bin/bash
# nci images as users run them: a docker-archive laid out as nixpkgs' dockerTools (and so
# lib.makeImage) writes it, loaded and run by podman (read-only, no network, the ulimits
# this kind of host needs), stopped by `podman stop`; and the same archive copied to an OCI
# layout by skopeo, unpacked by umoci and run by runc.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"
. "$TESTS_DIR/oci/lib.sh"

oci_rootfs
oci_tree boot \
  "$(unit prep Type=oneshot RemainAfterExit=true "ExecStart=/bin/sh -c 'echo prepared'")" \
  "$(unit svc Type=notify after=prep.service requires=prep.service "ExecStart=/bin/testsvc out started notify READY=1 pause")"
oci_tree stubborn \
  "$(unit stubborn Type=notify TimeoutStopSec=2 "ExecStart=/bin/testsvc ignore SIGTERM out started notify READY=1 pause")"
IMAGE=localhost/$OCI_ID/boot:1
oci_archive "$TMP/boot.tar" "$IMAGE" /nci/bin/nci-init /trees/boot
oci_archive "$TMP/stubborn.tar" "localhost/$OCI_ID/stubborn:1" /nci/bin/nci-init /trees/stubborn

# logs in files, stdout and stderr apart, whatever podman's default driver (journald where
# systemd runs)
PODMAN_RUN=(podman run -d --runtime runc --network=none --read-only --log-driver k8s-file
  --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
# podman_up NAME IMAGE: a container of IMAGE, started; waits for its boot to complete
podman_up() {
  _containers+=("podman:$1")
  "${PODMAN_RUN[@]}" --name "$1" "$2" > "$TMP/$1.id" 2> "$TMP/$1.run" || fail "podman run: $(cat "$TMP/$1.run")"
  wait_for 20 _podman_booted "$1" || fail "no boot complete in podman logs $1: $(podman logs "$1" 2>&1 | tail -n 5 | tr '\n' '|')"
}
_podman_booted() { podman logs "$1" 2>&1 | grep -qF "nci-init: info: boot complete"; }
# podman_stopped NAME: podman stop -t 10, then the container's exit code in rc and its logs in
# $TMP/NAME.out and .err
podman_stopped() {
  podman stop -t 10 "$1" > /dev/null 2> "$TMP/$1.stop" || fail "podman stop: $(cat "$TMP/$1.stop")"
  rc=$(podman inspect "$1" --format '{{.State.ExitCode}}' 2>&1)
  podman logs "$1" > "$TMP/$1.out" 2> "$TMP/$1.err"
}

t "podman: loads a dockerTools-style docker-archive, runs it read-only; podman stop gives 0; podman logs has each service's lines, prefixed"
_images+=("$IMAGE")
podman load -i "$TMP/boot.tar" > "$TMP/load.out" 2>&1 || fail "podman load: $(cat "$TMP/load.out")"
assert_eq "its entrypoint" '[/nci/bin/nci-init /trees/boot]' "$(podman image inspect "$IMAGE" --format '{{.Config.Entrypoint}}' 2>&1)"
podman_up "$OCI_ID-boot" "$IMAGE"
podman exec "$OCI_ID-boot" /nci/bin/nci-ctl check --ready > "$TMP/check.out" 2>&1 || fail "nci-ctl check --ready: $(cat "$TMP/check.out")"
podman_stopped "$OCI_ID-boot"
assert_eq "exit code" 0 "$rc"
has_line "$TMP/$OCI_ID-boot.out" "prep: prepared" || fail "no \"prep: prepared\" in podman logs: $(tr '\n' '|' < "$TMP/$OCI_ID-boot.out")"
has_line "$TMP/$OCI_ID-boot.out" "svc: started" || fail "no \"svc: started\" in podman logs"
has_line "$TMP/$OCI_ID-boot.err" "nci-init: info: stopping svc" || fail "no stop of svc in podman logs: $(tr '\n' '|' < "$TMP/$OCI_ID-boot.err")"
has_line "$TMP/$OCI_ID-boot.err" "nci-init: info: exiting with code 0" || fail "no exit line in podman logs"

t "podman stop with a service ignoring SIGTERM: it is killed at its TimeoutStopSec=, within the stop timeout: exit 0, not PID 1's SIGKILL (137)"
_images+=("localhost/$OCI_ID/stubborn:1")
podman load -i "$TMP/stubborn.tar" > "$TMP/load2.out" 2>&1 || fail "podman load: $(cat "$TMP/load2.out")"
podman_up "$OCI_ID-stubborn" "localhost/$OCI_ID/stubborn:1"
podman_stopped "$OCI_ID-stubborn"
assert_eq "exit code" 0 "$rc"
has_line "$TMP/$OCI_ID-stubborn.err" "nci-supervise: info: stubborn: stop timed out, sending SIGKILL" ||
  fail "stubborn was not killed at its TimeoutStopSec=: $(tr '\n' '|' < "$TMP/$OCI_ID-stubborn.err")"

t "skopeo copy docker-archive: to oci:, umoci unpack, runc run: boots and stops with 0"
skopeo copy -q "docker-archive:$TMP/boot.tar" "oci:$TMP/layout:boot" > "$TMP/skopeo.out" 2>&1 || fail "skopeo copy: $(cat "$TMP/skopeo.out")"
umoci unpack --image "$TMP/layout:boot" "$TMP/unpacked" > "$TMP/umoci.out" 2>&1 || fail "umoci unpack: $(cat "$TMP/umoci.out")"
# umoci writes a config for an interactive run: here, as under a supervisor, there is no terminal
sed -i 's/"terminal": *true/"terminal": false/' "$TMP/unpacked/config.json"
rt_start runc umoci "$TMP/unpacked"
wait_err "nci-init: info: boot complete"
wait_for 10 has_line "$OUT" "svc: started" || fail "no line \"svc: started\": $(tr '\n' '|' < "$OUT")"
rt_kill runc TERM
rt_wait
assert_eq "exit code through runc" 0 "$rc"
has_line "$ERR" "nci-init: info: exiting with code 0" || fail "no exit line: $(tail -n 5 "$ERR" | tr '\n' '|')"
