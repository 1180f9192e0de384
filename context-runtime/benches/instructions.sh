#!/usr/bin/env bash
# Instructions per operation of a benchmark's variants, under cachegrind: the bench binary runs a
# variant N times and 0 times (`--count <variant> <N>`), and (Ir(N) - Ir(0)) / N is printed. Unlike
# timings on a shared machine, the counts repeat to within 0.1%. Printed, not checked.
# An argument `subject/anchor` prints the ratio of two variants' counts after the table (each
# counted once, listed or not); `subject/anchor<=B` also checks it against the budget B: the line
# says `within budget` or `OVER BUDGET`, and the script exits with 3 if any ratio is over.
#
#   context-runtime/benches/instructions.sh carrier inject_map otel_inject_map   # N=20000
#   N=100000 context-runtime/benches/instructions.sh carrier extract_map
#   context-runtime/benches/instructions.sh http_layer without_layer \
#       'with_layer_incoming_id/hand_context_incoming_id<=1.05'   # one request per operation
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
declare -A counted
count() { # variant -> instructions per operation, counted once, printed as a row
    [ -n "${counted[$1]:-}" ] && return
    local with without
    with=$(instructions "$1" "$n")
    without=$(instructions "$1" 0)
    counted[$1]=$(awk -v a="$with" -v b="$without" -v n="$n" 'BEGIN { printf "%.1f", (a - b) / n }')
    printf '%-30s %14s\n' "$1" "${counted[$1]}"
}
printf '%-30s %14s\n' variant "instructions/op"
ratios=()
for arg in "$@"; do
    if [[ $arg == */* ]]; then
        ratios+=("$arg")
        pair=${arg%%<=*}
        count "${pair%%/*}"
        count "${pair#*/}"
    else
        count "$arg"
    fi
done
over=0
for ratio in ${ratios[@]+"${ratios[@]}"}; do
    pair=${ratio%%<=*}
    budget=
    [[ $ratio == *"<="* ]] && budget=${ratio#*<=}
    awk -v r="$pair" -v a="${counted[${pair%%/*}]}" -v b="${counted[${pair#*/}]}" -v budget="$budget" \
        'BEGIN {
            line = sprintf("%-61s %7.3f×", r, a / b)
            if (budget == "") { print line; exit 0 }
            if (a / b <= budget + 0) { printf "%s  within budget ≤ %s×\n", line, budget; exit 0 }
            printf "%s  OVER BUDGET ≤ %s×\n", line, budget; exit 1
        }' || over=1
done
[ "$over" = 0 ] || exit 3
