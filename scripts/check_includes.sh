#!/usr/bin/env bash
# Fails on any project #include that crosses a module boundary the wrong way (docs/architecture.md):
#   search/core/ → search/core/           search/ → search/, search/core/
#   indexer/ → indexer/, search/core/     web/ → web/, search/search.h, search/json.h, search/core/,
#   access/ → access/, search/core/                                                  access/
# cli/, tests/ and fuzz/ may include anything.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
check() {  # dir, allowed-prefix-regex
  local dir=$1 allowed=$2
  [ -d "$dir" ] || return 0
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$line")
    if ! grep -Eq "^($allowed)" <<<"$inc"; then
      echo "check_includes: $file includes $inc (not allowed from $dir)" >&2
      status=1
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' '#include "' "$dir" | grep -v '^search/core/.*' | sed 's/:[0-9]*:/:/' || true)
}
check_core() {
  while IFS= read -r line; do
    inc=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$line")
    if ! grep -Eq '^search/core/' <<<"$inc"; then
      echo "check_includes: ${line%%:*} includes $inc (search/core/ may include only search/core/)" >&2
      status=1
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' '#include "' search/core || true)
}
check_core
check search 'search/'
check indexer 'indexer/|search/core/'
check web 'web/|search/search\.h|search/json\.h|search/core/|access/'
check access 'access/|search/core/'
exit $status
