#!/usr/bin/env bash
# Quick start, command two: install what is missing, build everything with ASan+UBSan, and run
# the whole test suite (unit, integration, fault and fuzz tests) with ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh"
"$root/tools/build.sh" asan
"$root/tools/build.sh" fuzz
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Unit, integration, fault and fuzz-replay tests; then each libFuzzer target for a bounded time.
(cd "$root/build/asan" && ctest -j "$(nproc)" --output-on-failure --timeout 900 "$@")
(cd "$root/build/fuzz" && ctest -j "$(nproc)" --output-on-failure --timeout 900 "$@")
