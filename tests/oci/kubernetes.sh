#!/bin/bash
# The pod spec of doc/kubernetes.md, as a kubelet would configure the container under runc:
# the user, group, capabilities, no_new_privs and read-only root the spec asks for, an
# emptyDir (a tmpfs) on /run, the spec's probe commands run in the container as the kubelet
# runs exec probes, and a stop as the kubelet stops a pod (SIGTERM, SIGKILL after
# terminationGracePeriodSeconds). The probes must answer as the spec's comments say while
# units start, once they are ready, and once one has failed.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/init/lib.sh"
. "$TESTS_DIR/oci/lib.sh"

# the spec: the yaml block of doc/kubernetes.md
sed -n '/^```yaml$/,/^```$/p' "$ROOT/doc/kubernetes.md" > "$TMP/pod.yaml"
field() { sed -n "s/^ *$1: *\\([^ ]*\\) *\$/\\1/p" "$TMP/pod.yaml" | head -n 1; }
# probe_cmd KIND: the exec command of KIND (startup, readiness, liveness) as words
probe_cmd() {
  awk -v want="$1Probe:" '$1 == want { on = 1; next } on && $1 == "command:" { print; exit }' "$TMP/pod.yaml" |
    sed 's/^ *command: *\[//; s/\] *$//; s/[",]/ /g'
}
uid=$(field runAsUser); gid=$(field runAsGroup); grace=$(field terminationGracePeriodSeconds)
# what runs is what the spec says: no privilege escalation is no_new_privs
nnp=false
[ "$(field allowPrivilegeEscalation)" = false ] && nnp=true
read -r -a startup <<< "$(probe_cmd startup)"
read -r -a readiness <<< "$(probe_cmd readiness)"
read -r -a liveness <<< "$(probe_cmd liveness)"

t "doc/kubernetes.md's pod spec: read-only root, non-root, no privilege escalation, capabilities dropped, probes, a grace"
assert_match "runAsUser" '^[1-9][0-9]*$' "$uid"
assert_match "runAsGroup" '^[1-9][0-9]*$' "$gid"
assert_match "terminationGracePeriodSeconds" '^[1-9][0-9]*$' "$grace"
assert_eq "runAsNonRoot" true "$(field runAsNonRoot)"
assert_eq "readOnlyRootFilesystem" true "$(field readOnlyRootFilesystem)"
assert_eq "allowPrivilegeEscalation" false "$(field allowPrivilegeEscalation)"
assert_eq "capabilities dropped" '["ALL"]' "$(field drop)"
assert_eq "/run is a volume" /run "$(field mountPath)"
assert_eq "startup probe" "nci-ctl check --ready" "${startup[*]}"
assert_eq "readiness probe" "nci-ctl check --ready" "${readiness[*]}"
assert_eq "liveness probe" "nci-ctl check" "${liveness[*]}"

oci_rootfs
# slow: ready once the test opens its gate; web: after slow, fails (exit 4, Restart=no) when
# told; stubborn: ignores SIGTERM, killed at its TimeoutStopSec= on the stop
oci_tree pod \
  "$(unit slow Type=notify "ExecStart=/bin/testsvc wait-file /run/gate 600000 notify READY=1 pause")" \
  "$(unit web after=slow.service "ExecStart=/bin/testsvc out started wait-file /run/web-fails 600000 exit 4")" \
  "$(unit stubborn Type=notify TimeoutStopSec=2 "ExecStart=/bin/testsvc ignore SIGTERM notify READY=1 pause")"
# probe KIND: runs the spec's KIND probe as the kubelet does (in the container, as the
# container's user, no new privileges); sets prc (its exit code) and pout (its output)
probe() {
  local -n cmd=$1
  pout=$(runc exec --user "$uid:$gid" --no-new-privs "$ID" "${cmd[@]}" 2>&1); prc=$?
}
probe_is() { probe "$1"; [ "$prc" = "$2" ]; }
# probe_says KIND EXIT REGEX: the probe exits EXIT and its output matches REGEX
probe_says() { probe_is "$1" "$2" && printf '%s' "$pout" | grep -Eq -- "$3"; }
in_pod() { runc exec --user "$uid:$gid" --no-new-privs "$ID" "$@"; }

# the pod's lifetime under the spec's capabilities (all dropped), and again under the
# runtime's default set, which a pod without capabilities.drop gets
for caps in dropped default; do
  if [ "$caps" = dropped ]; then OCI_CAPS=""; else OCI_CAPS=$DOCKER_CAPS; fi
  # the image keeps running with a failed unit, for the liveness probe to see it
  # (image.initOptions = [ "--on-failure" "continue" ])
  OCI_USER=$uid:$gid OCI_NNP=$nnp oci_bundle "$TMP/pod-$caps" /nci/bin/nci-init --on-failure continue /trees/pod
  # the runtime's own bound above the cases' waits
  RT_LIMIT=180 rt_start runc "pod-$caps" "$TMP/pod-$caps"

  t "pod (capabilities $caps): while a unit starts, the startup and readiness probes fail, naming it"
  wait_for 20 in_pod test -d /run/nci/slow 2> /dev/null || fail "the state directory was not made: $(tail -n 5 "$ERR" | tr '\n' '|')"
  probe startup
  assert_eq "startup probe's exit" 1 "$prc"
  assert_match "it names slow" '^slow: ' "$pout"
  probe readiness
  assert_eq "readiness probe's exit" 1 "$prc"
  assert_match "it names web, waiting for slow" 'web: ' "$pout"

  t "pod (capabilities $caps): once every unit is ready, the three probes succeed"
  in_pod touch /run/gate || fail "unable to open slow's gate"
  wait_for 20 probe_is readiness 0 || fail "readiness probe: $prc: $pout"
  probe startup
  assert_eq "startup probe's exit" 0 "$prc"
  probe liveness
  assert_eq "liveness probe's exit" 0 "$prc"
  has_line "$OUT" "web: started" || fail "web's line: $(tr '\n' '|' < "$OUT")"

  t "pod (capabilities $caps): once a unit has failed for good, readiness and liveness fail, naming it"
  in_pod touch /run/web-fails || fail "unable to tell web to fail"
  # web may be seen down for a moment before it is failed: wait for the failure itself
  wait_for 20 probe_says liveness 1 '^web: .*failed' || fail "liveness probe: $prc: $pout"
  probe readiness
  assert_eq "readiness probe's exit" 1 "$prc"
  assert_match "readiness names web" '^web: ' "$pout"

  t "pod (capabilities $caps): the kubelet's stop (SIGTERM) ends the container by itself within terminationGracePeriodSeconds"
  rt_kill runc TERM
  if wait_for "$grace" gone "$J"; then
    wait "$J"; rc=$?
    err_has "nci-supervise: info: stubborn: stop timed out, sending SIGKILL" || fail "stubborn was not killed at its TimeoutStopSec="
    # a requested stop: 0, the failed unit notwithstanding (--on-failure continue kept it running)
    assert_eq "exit code" 0 "$rc"
    err_has "nci-init: info: exiting with code 0" || fail "no exit line: $(tail -n 3 "$ERR" | tr '\n' '|')"
  else
    fail "still running after the grace ($grace s): the kubelet would SIGKILL it: $(tail -n 5 "$ERR" | tr '\n' '|')"
  fi
done
