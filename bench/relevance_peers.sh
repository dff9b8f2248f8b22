#!/usr/bin/env bash
# Issue 17's table in one command: yuimaru and the retrieval peers (Groonga, FTS5, Xapian with
# MeCab / ICU words / bigrams) on the corpus's two query sets, scored alike, and yuimaru on the
# JSQuAD dev set. Installs the peers (scripts/setup.sh bench) and builds yuimaru if needed.
#   bash bench/relevance_peers.sh [--per-query FILE] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh bench
[ -x build/yuimaru ] || bash scripts/build.sh
exec /usr/bin/python3 bench/relevance_peers.py --jsquad "$@"
