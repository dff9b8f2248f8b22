#!/usr/bin/env bash
# Fails if any C++ source differs from clang-format's output (.clang-format: Google, 100 columns).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.h' '*.cc' 2>/dev/null || find . -name '*.h' -o -name '*.cc' | grep -v '^./build')
[ -z "$files" ] && exit 0
clang-format --dry-run -Werror $files
