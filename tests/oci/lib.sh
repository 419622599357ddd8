# shellcheck shell=bash
# Shared by the container runtime suites (tests/oci/*.sh), sourced after tests/lib.sh and
# tests/init/lib.sh. nci-init runs as the ENTRYPOINT of real containers: OCI bundles run by
# runc and crun, images loaded into podman. Each container is ended through its runtime
# (runc kill/delete, podman stop/rm), never by a pattern.
#
# The root of every container ($ROOTFS, made once per suite by oci_rootfs) is what an image
# needs and nothing of the host's: nci's programs in /nci/bin (nci-init finds nci-supervise
# beside itself; the trees are converted with --nci-bindir /nci/bin), execline's programs
# where the trees call them, busybox as /bin/sh and its applets, testsvc, /etc/passwd with
# an unprivileged user app (1000), and the shared libraries they load. /run is empty: each
# container mounts a tmpfs there, and the root is read-only.
. "$TESTS_DIR/rootfs.sh"

ROOTFS=$TMP/rootfs
# unique per run: a container or image of a run killed before its cleanup keeps its name
OCI_ID=nci-test-$$-$RANDOM
_containers=()   # RUNTIME:ID of each container made, deleted at the end
_images=()       # podman images loaded, removed at the end

_suite_cleanup() {
  local c
  for c in "${_containers[@]}"; do
    case $c in
      podman:*) podman rm -f -t 0 "${c#*:}" > /dev/null 2>&1 ;;
      *) rt "${c%%:*}"; "${RT[@]}" delete -f "${c#*:}" > /dev/null 2>&1 ;;
    esac
  done
  for c in "${_images[@]}"; do podman rmi -f "$c" > /dev/null 2>&1; done
}
# a suite ended by a signal (a CI timeout, Ctrl-C) cleans up too: bash runs the EXIT trap
# only when the signal is trapped
trap 'exit 143' TERM
trap 'exit 130' INT

# crun refuses a host whose cgroup v2 hierarchy is mounted beside v1 controllers ("hybrid");
# in a mount namespace of its own without the unified mount, it uses v1 alone.
if mountpoint -q /sys/fs/cgroup/unified 2> /dev/null; then
  CRUN=(unshare -m sh -c 'umount /sys/fs/cgroup/unified && exec crun "$@"' crun)
else
  CRUN=(crun)
fi
# rt RUNTIME: sets RT, the command that runs RUNTIME (runc or crun)
rt() { if [ "$1" = crun ]; then RT=("${CRUN[@]}"); else RT=("$1"); fi; }

# oci_rootfs: builds $ROOTFS
oci_rootfs() {
  local a
  rm -rf "$ROOTFS"
  mkdir -p "$ROOTFS/nci/bin" "$ROOTFS/bin" "$ROOTFS/trees" "$ROOTFS/etc" "$ROOTFS/run" "$ROOTFS/tmp" \
    "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev" "$ROOTFS$EXECLINE_BINDIR" || { fail "unable to create $ROOTFS"; return 1; }
  cp "$NCI_BUILD/nci-init" "$NCI_BUILD/nci-supervise" "$NCI_BUILD/nci-exec" "$NCI_BUILD/nci-ctl" "$ROOTFS/nci/bin/" &&
    cp -a "$EXECLINE_BINDIR/." "$ROOTFS$EXECLINE_BINDIR/" &&
    cp /bin/busybox "$SVC" "$ROOTFS/bin/" || { fail "unable to fill $ROOTFS"; return 1; }
  for a in $(/bin/busybox --list); do [ -e "$ROOTFS/bin/$a" ] || ln -s busybox "$ROOTFS/bin/$a"; done
  # as lib.makeImage makes it: writable by the user the container runs as
  chmod 1777 "$ROOTFS/run"
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\n' > "$ROOTFS/etc/passwd"
  printf 'root:x:0:\napp:x:1000:\n' > "$ROOTFS/etc/group"
  rootfs_libs "$ROOTFS" || { fail "unable to copy the shared libraries into $ROOTFS"; return 1; }
}

# oci_tree NAME MEMBER...: the services map of the MEMBERs (from unit) converted into
# $ROOTFS/trees/NAME, as an image's build does
oci_tree() {
  local name=$1
  mkjson "$@"
  rm -rf "$ROOTFS/trees/$name"
  "$CONVERT" --nci-bindir /nci/bin --execline-bindir "$EXECLINE_BINDIR" "$TMP/$name.json" "$ROOTFS/trees/$name" \
    > /dev/null 2> "$TMP/$name.convert" || fail "nci-convert $name.json: $(cat "$TMP/$name.convert")"
}

_jargs() {
  local out="" sep="" a
  for a in "$@"; do out+="$sep$(js "$a")"; sep=", "; done
  printf '[%s]' "$out"
}
# docker's default capability set, which Kubernetes keeps unless a pod drops some
DOCKER_CAPS="CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE"

# oci_bundle BUNDLE ARGS...: BUNDLE/config.json for a container of $ROOTFS running ARGS, as
# docker or a kubelet would write it: root read-only, a tmpfs on /run (runc gives it the
# mode of the image's /run, crun mode=$OCI_RUN_MODE, default 755), process user $OCI_USER (uid:gid, default 0:0), capabilities
# $OCI_CAPS (names without CAP_, default docker's set), no_new_privs when $OCI_NNP is true;
# namespaces of its own (pid, mount, network, ipc, uts), no terminal
oci_bundle() {
  local bundle=$1 caps="" sep="" c uid gid
  shift
  uid=${OCI_USER:-0:0}; gid=${uid#*:}; uid=${uid%%:*}
  for c in ${OCI_CAPS-$DOCKER_CAPS}; do caps+="$sep\"CAP_$c\""; sep=", "; done
  mkdir -p "$bundle"
  cat > "$bundle/config.json" <<EOC
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": $uid, "gid": $gid },
    "args": $(_jargs "$@"),
    "env": [ "PATH=/bin:/nci/bin", "HOSTNAME=nci" ],
    "cwd": "/",
    "capabilities": { "bounding": [ $caps ], "effective": [ $caps ], "permitted": [ $caps ] },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": ${OCI_NNP:-false}
  },
  "root": { "path": "$ROOTFS", "readonly": true },
  "hostname": "nci",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": [ "nosuid", "noexec", "nodev" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": [ "nosuid", "noexec", "nodev", "ro" ] },
    { "destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "nodev", "noexec", "mode=${OCI_RUN_MODE:-755}", "size=65536k" ] }
  ],
  "linux": {
    "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ],
    "maskedPaths": [ "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
      "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
    "readonlyPaths": [ "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
  }
}
EOC
}

# rt_start RUNTIME NAME BUNDLE: runs the container NAME (RUNTIME runc or crun) attached, in the
# background under timeout ($RT_LIMIT s, default 60), as `RUNTIME run` does for a user; its stdout in $TMP/NAME.out, its
# stderr in $TMP/NAME.err. Sets J (the runtime's job), ID, OUT, ERR.
rt_start() {
  local rt=$1 name=$2 bundle=$3
  ID=$OCI_ID-$name; OUT=$TMP/$name.out; ERR=$TMP/$name.err
  _containers+=("$rt:$ID")
  rt "$rt"
  timeout -s KILL "${RT_LIMIT:-60}" "${RT[@]}" run --bundle "$bundle" "$ID" < /dev/null > "$OUT" 2> "$ERR" &
  J=$!
}
# rt_wait [MAX_S]: waits at most MAX_S (20) s for the runtime to exit; sets rc (its exit code,
# which is the container's; 999 when it had to be killed)
rt_wait() {
  if wait_for "${1:-20}" gone "$J"; then
    wait "$J"; rc=$?
  else
    fail "the container did not end within ${1:-20}s: $(tail -n 5 "$ERR" | tr '\n' '|')"
    kill -KILL "$J" 2> /dev/null
    wait "$J"; rc=999
  fi
}
# rt_kill RUNTIME SIG: SIG to the container's PID 1, through its runtime
rt_kill() { rt "$1"; "${RT[@]}" kill "$ID" "$2" || fail "$1 kill $ID $2 failed"; }
# rt_exec RUNTIME ARGS...: runs ARGS in the running container (as `docker exec`)
rt_exec() { rt "$1"; shift; "${RT[@]}" exec "$ID" "$@"; }
# err_has TEXT: the container's stderr has a line containing TEXT
err_has() { grep -qF -- "$1" "$ERR"; }
# wait_err TEXT [MAX_S]: until the container's stderr has TEXT (not past the container's end)
_err_or_end() { err_has "$1" || gone "$J"; }
wait_err() {
  wait_for "${2:-20}" _err_or_end "$1" && err_has "$1" ||
    fail "no line \"$1\": $(tail -n 5 "$ERR" | tr '\n' '|')"
}

# oci_archive FILE TAG ENTRYPOINT...: $ROOTFS as a docker-archive image, laid out as nixpkgs'
# dockerTools writes one (and so lib.makeImage): manifest.json naming the config and the
# layers, the config SHA.json with the Entrypoint, one SHA/layer.tar per layer (the shared
# libraries, execline and busybox; nci's programs; the trees and /etc), reproducible tars
oci_archive() {
  local file=$1 tag=$2 dir=$TMP/archive l sums="" layers="" diffs="" sep="" sum cfg
  shift 2
  rm -rf "$dir"
  mkdir -p "$dir"
  _layer() {
    tar -C "$ROOTFS" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1 -cf "$dir/layer.tar" "$@" || return 1
    sum=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
    mkdir -p "$dir/$sum" && mv "$dir/layer.tar" "$dir/$sum/layer.tar" || return 1
    layers+="$sep\"$sum/layer.tar\""; diffs+="$sep\"sha256:$sum\""; sep=", "
  }
  _layer --exclude=./nci --exclude=./trees --exclude=./etc . &&
    _layer ./nci &&
    _layer ./trees ./etc || { fail "unable to write the layers of $file"; return 1; }
  cat > "$dir/config.json" <<EOC
{ "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:01Z",
  "config": { "Entrypoint": $(_jargs "$@"), "Env": [ "PATH=/bin:/nci/bin" ] },
  "rootfs": { "type": "layers", "diff_ids": [ $diffs ] } }
EOC
  cfg=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$cfg.json"
  printf '[ { "Config": "%s.json", "RepoTags": [ "%s" ], "Layers": [ %s ] } ]\n' "$cfg" "$tag" "$layers" > "$dir/manifest.json"
  tar -C "$dir" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1 -cf "$file" . || fail "unable to write $file"
}
