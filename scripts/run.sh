#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, index the bundled
# corpus/ into var/index and show what yuimaru finds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
bash scripts/build.sh
mkdir -p var
set +e
./build/yuimaru index --db var/index corpus
status=$?
set -e
[ $status -eq 0 ] || [ $status -eq 3 ] || exit $status   # 3: some files rejected, the rest indexed
echo
for q in "事業承継 後継者" "ネット通販 県産品" "リスケ 活性化協議会"; do
  echo "\$ yuimaru search --db var/index $q"
  ./build/yuimaru search --db var/index --limit 3 $q
  echo
done
./build/yuimaru stats --db var/index
