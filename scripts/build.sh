#!/usr/bin/env bash
# Configures and builds yuimaru in build/ (build/yuimaru), or in $YUIMARU_BUILD_DIR. Extra
# arguments go to cmake's configure; without -DCMAKE_BUILD_TYPE the project's default
# (RelWithDebInfo) applies.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${YUIMARU_BUILD_DIR:-build}
cmake -S . -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
