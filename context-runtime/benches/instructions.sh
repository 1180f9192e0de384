#!/usr/bin/env bash
# Instructions per operation of a benchmark's variants, under cachegrind: the bench binary runs a
# variant N times and 0 times (`--count <variant> <N>`), and (Ir(N) - Ir(0)) / N is printed. Unlike
# timings on a shared machine, the counts repeat to within 0.1%. Printed, not checked.
#
#   context-runtime/benches/instructions.sh carrier inject_map otel_inject_map   # N=20000
#   N=100000 context-runtime/benches/instructions.sh carrier extract_map
#
# Needs valgrind (`apt-get install -y valgrind`).
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=${1:?usage: instructions.sh <bench> <variant>...}
shift
n=${N:-20000}
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 1; }
binary=$(cargo bench -p context-runtime --bench "$bench" --no-run 2>&1 |
    sed -n "s/.*Executable benches\/$bench.rs (\(.*\))/\1/p" | tail -n 1)
[ -x "$binary" ] || { echo "no bench binary for $bench" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
instructions() { # variant iterations -> the run's total
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$out/cg" \
        "$binary" --count "$1" "$2" >/dev/null 2>&1
    awk '/^summary:/ { print $2 }' "$out/cg"
}
printf '%-22s %14s\n' variant "instructions/op"
for variant in "$@"; do
    with=$(instructions "$variant" "$n")
    without=$(instructions "$variant" 0)
    awk -v v="$variant" -v a="$with" -v b="$without" -v n="$n" \
        'BEGIN { printf "%-22s %14.1f\n", v, (a - b) / n }'
done
