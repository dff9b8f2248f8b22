#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, index the bundled
# corpus/ into var/index and serve it at http://127.0.0.1:${YUIMARU_PORT:-8080}/ until Ctrl+C.
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
echo "\$ yuimaru search --db var/index --limit 3 事業承継 後継者"
./build/yuimaru search --db var/index --limit 3 事業承継 後継者
echo
exec ./build/yuimaru serve --db var/index --port "${YUIMARU_PORT:-8080}"
