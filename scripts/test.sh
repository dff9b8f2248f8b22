#!/usr/bin/env bash
# Everything CI checks, on a fresh Debian 12 machine: install what is missing, build (Release)
# with warnings as errors, check module boundaries and formatting, run every test, then build
# again with AddressSanitizer + UndefinedBehaviorSanitizer and run every test once more.
#   bash scripts/test.sh              all of it (what CI runs)
#   bash scripts/test.sh --sanitize   only the sanitizer build and run (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
only_sanitize=no
case "${1:-}" in
  "") ;;
  --sanitize) only_sanitize=yes ;;
  *) echo "test.sh: unknown option '$1' (--sanitize)" >&2; exit 2 ;;
esac
bash scripts/setup.sh test
# playwright-core for the browser tests, exactly as locked (it drives Debian's chromium).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
if [ "$only_sanitize" = no ]; then
  # Release (the default type, as packagers build it; named so that a build/ configured
  # earlier with another type is switched), with warnings as errors.
  bash scripts/build.sh -DCMAKE_BUILD_TYPE=Release -DYUIMARU_WERROR=ON -DBUILD_TESTING=ON
  bash scripts/check_includes.sh
  bash scripts/check_format.sh
  ctest --test-dir build --output-on-failure -j"$(nproc)"
fi

# The same tests under ASan + UBSan (docs/reliability.md, "Sanitizers"). -O1 keeps the run
# short; -g1 (line tables: reports still name file and line) keeps the build short; Debug keeps
# assert() on. No -Werror: g++ 12 warns falsely inside std::regex under the
# sanitizers. Any finding fails: in a test binary it aborts that test; a `yuimaru` child exits 86
# (which no test expects); and every report, also of a child whose exit nobody checks (the
# browser test's server), is written to build-asan/sanitizer-logs/, which must stay empty.
YUIMARU_BUILD_DIR=build-asan bash scripts/build.sh -DYUIMARU_SANITIZE=ON -DBUILD_TESTING=ON \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1 -O1"
logs=$PWD/build-asan/sanitizer-logs
supp=$PWD/tests/sanitizers
rm -rf "$logs" && mkdir -p "$logs"
common="halt_on_error=1:exitcode=86:log_exe_name=1:log_path=$logs/report"
export ASAN_OPTIONS="$common:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="$common:print_stacktrace=1:suppressions=$supp/ubsan.supp"
# Tests that walk a large input set (every corpus query at every clearance, every document of
# every view) look at every 4th item here: the paths are the same, and the whole walk, hundreds
# of processes at 0.4 s each under ASan, does not fit CI's time (tests/support/command.h).
export YUIMARU_TEST_SAMPLE=4
# The crash trials (label `crash`) are left out here: they check what a kill leaves on disk, not
# memory, would take several times their 3 to 4 minutes instrumented, and the runs they kill and resume (index after a
# kill, purge --resume) are run instrumented by the e2e tests "index: a killed run …" and
# "purge: killed after publishing …".
status=0
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE crash || status=$?
if [ -n "$(ls -A "$logs")" ]; then
  echo "test.sh: sanitizer reports (also from child processes) in $logs:" >&2
  cat "$logs"/* >&2
  status=1
fi
exit "$status"
