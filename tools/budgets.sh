#!/usr/bin/env bash
# Every instruction-count budget of the benchmarks in one run: reading a field, spawning, the HTTP
# layer and a log line (BENCHMARKS.md says where each budget comes from). Counted under cachegrind
# by `context-runtime/benches/instructions.sh`, which prints each ratio with `within budget` or
# `OVER BUDGET`; this script runs them all and exits with 3 when any is over. About 3 minutes once
# the benches are built. Needs valgrind (`apt-get install -y valgrind`).
set -uo pipefail
cd "$(dirname "$0")/.."
count=context-runtime/benches/instructions.sh
status=0
budget() { # N bench ratio... : one bench's budgets; remembers the first failure
    local n=$1
    shift
    echo "== $1"
    N=$n "$count" "$@" || status=$?
    echo
}
budget 1000000 read 'derived_with/raw_task_local_arc<=1.05'
budget 20000 spawn 'with_context_named/hand_written<=1.02' 'with_context/hand_written<=1.02'
budget 5000 http_layer 'with_layer_incoming_id/hand_body_incoming_id<=1.10' \
    'with_layer_generated_id/hand_body_generated_id<=1.10' with_layer_incoming_id/without_layer
budget 20000 log_line 'json_library/json_by_hand<=1.10' 'json_library_no_context/json_bare<=1.02' \
    'text_library/text_by_hand<=1.05' 'text_library_no_context/text_bare<=1.05'
exit $status
