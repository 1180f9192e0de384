#!/usr/bin/env bash
# Compile time of a user crate of the macros, against the same program written by hand over
# `tokio::task_local!`: the instructions rustc executes for `cargo check` of the user crate alone,
# from scratch (no incremental cache), counted by cachegrind. Its dependencies are built once,
# beforehand, and not counted. Counts repeat to within 0.003%, so one run per crate is enough.
#
#   tools/compile-time/measure.sh              # 20 contexts × 6 fields and × 24 fields, 50 functions
#   CONFIGS="6:1.15 48" tools/compile-time/measure.sh   # fields per context, each `:budget` checked
#
# For each configuration it generates two crates (`generate.sh`): `macros_F`, with
# `#[derive(RequestContext)]` and `#[with_context]`, and `hand_F`, the same program without the
# library (BENCHMARKS.md, "Compile time", says what each holds). It prints the instructions of
# both (in millions) and their ratio, and checks a ratio against its budget: the script exits
# with 3 when one is over.
#
# The crates are generated under `$CARGO_TARGET_DIR/compile-time` (or `target/compile-time`), in a
# workspace of their own pinned to this repository's toolchain and `Cargo.lock`. Needs valgrind.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
configs=${CONFIGS:-"6:1.15 24:1.5"}
contexts=${CONTEXTS:-20}
functions=${FUNCTIONS:-50}
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 1; }

base=${CARGO_TARGET_DIR:-$repo/target}/compile-time
ws=$base/workspace
rm -rf "$ws"
mkdir -p "$ws"
cp "$repo/rust-toolchain.toml" "$repo/Cargo.lock" "$ws/"
members=()
for config in $configs; do
    fields=${config%%:*}
    for form in macros hand; do
        "$repo/tools/compile-time/generate.sh" "$form" "$contexts" "$fields" "$functions" \
            "$ws/${form}_$fields" "$repo"
        members+=("\"${form}_$fields\"")
    done
done
(IFS=,; printf '[workspace]\nresolver = "3"\nmembers = [%s]\n' "${members[*]}") >"$ws/Cargo.toml"

# Runs the user crate's rustc under cachegrind when `CT_MEASURE` names it; any other rustc (the
# dependencies', cargo's own probes) runs as is. The variable is not part of cargo's fingerprint,
# so the dependencies built without it are reused.
wrapper=$base/rustc-wrapper.sh
cat >"$wrapper" <<'WRAPPER'
#!/usr/bin/env bash
if [ -n "${CT_MEASURE:-}" ]; then
    for ((i = 1; i < $#; i++)); do
        if [ "${!i}" = --crate-name ]; then
            next=$((i + 1))
            if [ "${!next}" = "$CT_MEASURE" ]; then
                exec valgrind -q --tool=cachegrind --cache-sim=no --cachegrind-out-file="$CT_OUT" "$@"
            fi
        fi
    done
fi
exec "$@"
WRAPPER
chmod +x "$wrapper"

export CARGO_TARGET_DIR=$base/target RUSTC_WRAPPER=$wrapper CARGO_INCREMENTAL=0
cd "$ws"
echo "building the dependencies (not counted)..." >&2
cargo check --workspace --quiet

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
instructions() { # crate -> millions of instructions of its own rustc
    touch "$ws/$1/src/lib.rs"
    CT_MEASURE=$1 CT_OUT=$out/cg cargo check --quiet -p "$1"
    awk '/^summary:/ { printf "%.1f", $2 / 1e6 }' "$out/cg"
}

printf '%-40s %12s %12s %8s\n' "user crate ($functions annotated functions)" "macros (M)" "hand (M)" ratio
over=0
for config in $configs; do
    fields=${config%%:*}
    budget=
    [[ $config == *:* ]] && budget=${config#*:}
    macros=$(instructions "macros_$fields")
    hand=$(instructions "hand_$fields")
    awk -v label="$contexts contexts × $fields fields" -v a="$macros" -v b="$hand" -v budget="$budget" \
        'BEGIN {
            line = sprintf("%-40s %12.1f %12.1f %7.3f×", label, a, b, a / b)
            if (budget == "") { print line; exit 0 }
            if (a / b <= budget + 0) { printf "%s  within budget ≤ %s×\n", line, budget; exit 0 }
            printf "%s  OVER BUDGET ≤ %s×\n", line, budget; exit 1
        }' || over=1
done
[ "$over" = 0 ] || exit 3
