#!/bin/bash
# nci-convert on 1000 units shaped like the custom-deps fixture, against `cp -r` of the
# tree it writes (the cost of just writing those files). Median of RUNS runs each.
# Target (issue "nci-convert"): under 100 ms, and within 3x of cp -r.
set -eu
b=$1
n=${NCI_BENCH_UNITS:-1000}
runs=${NCI_BENCH_RUNS:-11}
fixtures=${NCI_FIXTURES:-$(cd ../.. && pwd)/shared/fixtures/nixos}
deps=$fixtures/nixos-25.11/custom-deps.json
oneshot=$fixtures/nixos-25.11/custom-oneshot.json
# On tmpfs when there is one: the disk's own speed is not what is measured.
tmp=${TMPDIR:-/tmp}
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
work=$(mktemp -d "$tmp/nci-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Unit i is custom-deps with my-oneshot -> u(i-1) and nginx -> u(i+1): a chain of
# requires and orderings, every hook, an Environment list, per unit.
{
  printf '{"u0": '; sed 's/my-oneshot/u0/g' "$oneshot"
  for i in $(seq 1 "$n"); do
    printf ',"u%d": ' "$i"
    sed -e "s/my-deps/u$i/g" -e "s/my-oneshot/u$((i - 1))/g" -e "s/\"nginx.service\"/\"u$((i + 1)).service\"/g" "$deps"
  done
  printf '}\n'
} > "$work/in.json"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for r in $(seq "$runs"); do
  rm -rf "$work/tree"
  t0=$(now); "$b/nci-convert" "$work/in.json" "$work/tree" 2>/dev/null; t1=$(now)
  echo $(( (t1 - t0) / 1000 )) >> "$work/convert.us"
  "$b/bench/json-parse" "$work/in.json" >> "$work/parse.us"
  rm -rf "$work/copy"
  t0=$(now); cp -r "$work/tree" "$work/copy"; t1=$(now)
  echo $(( (t1 - t0) / 1000 )) >> "$work/cp.us"
done
c=$(median < "$work/convert.us")
p=$(median < "$work/cp.us")
j=$(median < "$work/parse.us")
files=$(find "$work/tree" -type f | wc -l)
printf 'nci-convert, %d units (%d files, %d kB of JSON, in %s, %d CPUs): %d.%03d ms median of %d; cp -r of the tree: %d.%03d ms; ratio %s (target: < 100 ms, ratio <= 3)\n' \
  "$((n + 1))" "$files" $(( $(stat -c %s "$work/in.json") / 1000 )) "$tmp" "$(nproc)" $((c / 1000)) $((c % 1000)) "$runs" $((p / 1000)) $((p % 1000)) "$(awk -v a="$c" -v b="$p" 'BEGIN {printf "%.2fx", a / b}')"
printf '  for reference, jansson json_loadb of the whole input on one thread: %d.%03d ms (nci-convert parses the units apart, on every CPU)\n' $((j / 1000)) $((j % 1000))
