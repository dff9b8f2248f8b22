#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, index the bundled
# corpus/ into var/index and serve it at http://127.0.0.1:${YUIMARU_PORT:-8080}/ until Ctrl+C.
# The first run creates the login "demo" with a random password and prints it once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build export
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
# First run: a local demo handler with a generated password (nothing fixed ships in the defaults).
if ! ./build/yuimaru user list --db var/index | grep -q '^demo '; then
  created=$(./build/yuimaru user add --db var/index --name デモ利用者 --role 事務局 --clearance 機密 \
            --audit var/index/audit.jsonl --generate-password demo)
  echo "ログイン用のデモ利用者を作成しました（初回のみ表示）: ID demo / パスワード ${created##* }"
else
  echo "ログイン: ID demo（パスワードを忘れたら ./build/yuimaru user passwd --db var/index --generate-password demo）"
fi
exec ./build/yuimaru serve --db var/index --port "${YUIMARU_PORT:-8080}"
