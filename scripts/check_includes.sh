#!/usr/bin/env bash
# Fails on any project #include that crosses a module boundary the wrong way (docs/architecture.md):
#   core/    → core/
#   search/  → search/, core/
#   indexer/ → indexer/, core/
#   access/  → access/, core/
#   web/     → web/, search/search.h, search/json.h, access/, core/, toolkit/pack.h (the 研修
#              pack basket builds and renders packs; no other toolkit header)
#   toolkit/ → toolkit/, search/search.h, access/, core/
# cli/, tests/ and fuzz/ may include anything. A project header is any path that starts with one
# of the module folders; it is checked whether written "…" or <…>, and <…> is itself an error
# (project headers are included with quotes, so that the compiler never finds a system header of
# the same name first).
set -euo pipefail
cd "$(dirname "$0")/.."
modules='core|search|indexer|access|web|toolkit|cli|fuzz|tests'
status=0
# Prints file<TAB>form<TAB>path for every #include of a project header under the given folder.
includes() {
  grep -rnE --include='*.h' --include='*.cc' "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]($modules)/" "$1" 2>/dev/null |
    sed -E 's/^([^:]+):[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*([\"<])([^\">]+)[\">].*/\1\t\2\t\3/' || true
}
check() {  # dir, allowed-prefix-regex
  local dir=$1 allowed=$2
  [ -d "$dir" ] || return 0
  while IFS=$'\t' read -r file form inc; do
    [ -n "$file" ] || continue
    if [ "$form" = "<" ]; then
      echo "check_includes: $file includes <$inc> (project headers are included with quotes)" >&2
      status=1
    fi
    if ! grep -Eq "^($allowed)" <<<"$inc"; then
      echo "check_includes: $file includes $inc (not allowed from $dir/)" >&2
      status=1
    fi
  done < <(includes "$dir")
}
check core 'core/'
check search 'search/|core/'
check indexer 'indexer/|core/'
check access 'access/|core/'
check web 'web/|search/search\.h|search/json\.h|access/|core/|toolkit/pack\.h'
check toolkit 'toolkit/|search/search\.h|access/|core/'
for dir in cli tests fuzz; do check "$dir" "($modules)/"; done
exit $status
