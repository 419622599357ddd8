# shellcheck shell=bash
# Shared by the tests that boot nci-init in a root of their own (tests/vm/run, tests/oci/):
# sourced, no output of its own.

# rootfs_libs ROOT: copies into ROOT the shared libraries and the dynamic loader that ROOT's
# executables load, at the paths ldd names (the loader looks there). Returns 1 with a line
# on stderr when there is none or one cannot be copied.
rootfs_libs() {
  local root=$1 libs l
  libs=$(find "$root" -type f -perm -u+x -exec ldd {} \; 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
  [ -n "$libs" ] || { echo "ldd found no shared library in $root" >&2; return 1; }
  for l in $libs; do
    if ! mkdir -p "$root${l%/*}" || ! cp -L "$l" "$root$l"; then echo "unable to copy $l into $root" >&2; return 1; fi
  done
}
