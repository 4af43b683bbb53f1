#!/usr/bin/env bash
# The code that runs on several threads, under ThreadSanitizer: runs spread over threads
# (scenario --runs --jobs, the parallel runner) and the live driver, whose observation and
# per-node probes run at once. Called by tests/run.sh after the main suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake --preset tsan -S "$root" >/dev/null
cmake --build "$root/build/tsan" -j "$(nproc)" --target sim_tests live_tests clawsim
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
"$root/build/tsan/tests/sim_tests" --gtest_filter='ParallelFor.*:Scenarios/BuiltIn.SameSeedSameBytes/*'
"$root/build/tsan/tests/live_tests" --gtest_filter='LiveDriver.*'
"$root/build/tsan/cli/clawsim" scenario leader-crash --runs 200 --seed 1 --jobs 4 -q >/dev/null || [ $? -eq 3 ]
echo "tsan: no data race in the threaded tests"
