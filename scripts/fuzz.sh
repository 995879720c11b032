#!/usr/bin/env bash
# libFuzzer on the three parsers that read untrusted documents: TUF metadata, CVRF (XML) and
# CSAF (JSON). Builds them with clang in their own tree, then runs each for SECONDS.
# Usage: fuzz.sh SOURCE_DIR FUZZ_BUILD_DIR SECONDS [--keep]
#   --keep (make fuzz): new interesting inputs join the kept corpora in tests/fuzz/corpus/.
#   without (make test): each run works on a throw-away copy of its corpus.
set -euo pipefail
source_dir=$(cd "$1" && pwd)
fuzz_build=$2
seconds=$3
keep=${4:-}
if ! command -v clang++ >/dev/null; then
  echo "SKIP: clang is needed for libFuzzer (scripts/install-deps.sh installs it)"
  exit 77
fi
if [ ! -f "$fuzz_build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$source_dir" -B "$fuzz_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLIFELINE_FUZZ=ON -DLIFELINE_BUILD_TESTS=OFF -DLIFELINE_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$fuzz_build" --target metadata_fuzzer cvrf_fuzzer csaf_fuzzer -j "$(nproc)" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in metadata cvrf csaf; do
  corpus="$source_dir/tests/fuzz/corpus/$target"
  if [ "$keep" != --keep ]; then
    mkdir -p "$work/$target"
    cp -r "$corpus/." "$work/$target/"
    corpus="$work/$target"
  fi
  echo "== $target: ${seconds}s on $(find "$corpus" -type f | wc -l) inputs"
  # A crash, leak, timeout or memory blow-up stops the run with a non-zero status; the input
  # that caused it is written next to the fuzz build.
  "$fuzz_build/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$fuzz_build/${target}-" "$corpus" 2>&1 | grep -E "DONE|ERROR|SUMMARY" || true
  test "${PIPESTATUS[0]}" -eq 0
done
