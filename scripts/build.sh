#!/usr/bin/env bash
# Configures and builds yuimaru in build/ (build/yuimaru), or in $YUIMARU_BUILD_DIR. Extra
# arguments go to cmake's configure; without -DCMAKE_BUILD_TYPE the project's default
# (Release) applies.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${YUIMARU_BUILD_DIR:-build}
# ccache, when installed, makes rebuilds cheap (CI starts with an empty cache: no change there).
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$dir" "${launcher[@]}" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
