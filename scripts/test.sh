#!/usr/bin/env bash
# Everything CI checks, on a fresh Debian 12 machine: install what is missing, build with
# warnings as errors, check module boundaries and formatting, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# playwright-core for the browser tests, exactly as locked (it drives Debian's chromium).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
# The default build type (no -DCMAKE_BUILD_TYPE), which the tests run on ...
bash scripts/build.sh -DYUIMARU_WERROR=ON -DBUILD_TESTING=ON
bash scripts/check_includes.sh
bash scripts/check_format.sh
# ... and Release, what packagers build: g++ 12 warns differently at -O3, so it must build too.
YUIMARU_BUILD_DIR=build-release bash scripts/build.sh -DCMAKE_BUILD_TYPE=Release \
  -DYUIMARU_WERROR=ON -DBUILD_TESTING=ON
ctest --test-dir build --output-on-failure -j"$(nproc)"
