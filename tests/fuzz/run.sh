#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan, UBSan) and runs each fuzz target for a bounded
# time over a copy of its committed seed corpus, so the committed corpus never grows here.
# Exits non-zero on any crash, leak, timeout, out-of-memory or undefined behaviour, printing
# the input that reproduces it and the command that replays it.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET]      (default 60)
#   FUZZ_TARGETS="plan change" bash tests/fuzz/run.sh 30
#   FUZZ_FLAGS="-only_ascii=1" bash tests/fuzz/run.sh   (more libFuzzer flags; the last given wins)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2; }
targets=(${FUZZ_TARGETS:-plan scenario change inventory constraint gameday docker_output})

# clang with libFuzzer's runtime (Debian's clang 14).
fuzz_tools=(clang libclang-rt-14-dev)
missing=()
for p in "${fuzz_tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})) && [ "$(id -u)" -eq 0 ]; then
  echo "installing for the fuzz targets: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake --preset fuzz -S "$root" >/dev/null
cmake --build "$root/build/fuzz" -j 2 --target fuzz_targets

work=$(mktemp -d "${TMPDIR:-/tmp}/clawsim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=()
for t in "${targets[@]}"; do
  bin=$root/build/fuzz/tests/fuzz/fuzz_$t
  [[ -x $bin ]] || { echo "no fuzz target '$t' ($bin)" >&2; exit 2; }
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  cp -r "$root/tests/fuzz/corpus/$t/." "$corpus/"
  echo "fuzz_$t: ${seconds} s over $(find "$corpus" -type f | wc -l) seed inputs"
  log=$work/$t.log
  # A crash, leak, timeout (-timeout, per input) or out-of-memory (-rss_limit_mb) ends the run
  # with a non-zero status and a crash-*/leak-*/timeout-*/oom-* file in the artifacts.
  rc=0
  "$bin" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} >"$log" 2>&1 || rc=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | sed 's/^/  /' || true
  found=$(find "$artifacts" -type f | sort)
  if ((rc != 0)) || [[ -n $found ]]; then
    failed+=("$t")
    echo "FAIL fuzz_$t (exit $rc); its log ends:" >&2
    tail -n 60 "$log" >&2
    for f in $found; do
      keep=$root/build/fuzz/artifacts/$t
      mkdir -p "$keep"
      cp "$f" "$keep/"
      echo "reproducer $keep/$(basename "$f") ($(wc -c <"$f") bytes), as base64:" >&2
      base64 "$f" >&2
      echo "replay: $bin $keep/$(basename "$f")" >&2
    done
  fi
done
if ((${#failed[@]})); then
  echo "fuzzing found a problem in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, nothing found"
