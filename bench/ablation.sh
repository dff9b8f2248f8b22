#!/usr/bin/env bash
# Ablation of yuimaru's ranking on the JSQuAD dev set (../shared/data/jsquad-valid) and on the
# corpus's two query sets (queries.tsv: tag-like keywords; queries-users.tsv: users' own words):
# each row changes the default configuration (search/search.h, RankingConfig) through
# `yuimaru eval --ranking`. Prints a Markdown table. every_word=1000000 is the ranking before
# blending: every complete match ahead of every partial one.
# Usage: bench/ablation.sh   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
J=../shared/data/jsquad-valid
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${YUIMARU:-./build/yuimaru} index --db "$work/jsquad" "$J/docs" >/dev/null
${YUIMARU:-./build/yuimaru} index --db "$work/corpus" corpus >/dev/null

plain="word=1,kana_word=1,bigram=0.5,kana_bigram=1,boundary_bigram=1,katakana_piece=1,question_word=1,request_word=1,bm25_k1=1,bm25_b=0.5,prf_docs=0,title=0,facet_match=0,every_word=1000000"
# What later rows added, off: the ranking as it was before them.
later="katakana_piece=1,type_modifier=1,request_word=1,prf_terms=10"
rows=(
  "plain BM25 OR of words and bigrams (Xapian defaults)|$plain|"
  "+ BM25 k1=0.5 b=0.6 (early saturation)|$plain,bm25_k1=0.5,bm25_b=0.6|"
  "+ hiragana words and bigrams ×0.5|$plain,bm25_k1=0.5,bm25_b=0.6,kana_word=0.5,kana_bigram=0.5|"
  "+ question words ×0|$plain,bm25_k1=0.5,bm25_b=0.6,kana_word=0.5,kana_bigram=0.5,question_word=0|"
  "+ feedback from the top document (10 words)|title=0,facet_match=0,every_word=1000000,$later|"
  "+ title terms ×0.5|facet_match=0,every_word=1000000,$later|"
  "+ named filter values +5|every_word=1000000,$later|"
  "+ partial matches ranked with complete ones (+0.75)|$later|"
  "+ katakana pieces of a query run (コンサル → コン + サル) ×0|type_modifier=1,request_word=1,prf_terms=10|"
  "+ a 文書種別 named only to modify a later word (訪問記録の書き方) +0|request_word=1,prf_terms=10|"
  "+ request words (集めたい, 学ぶ, 使える …) ×0.2|prf_terms=10|"
  "+ feedback of 15 words = default||"
  "default, complete matches +0 (score alone)|every_word=0|"
  "default, complete matches +2|every_word=2|"
  "default, title terms ×1|title=1|"
  "default, named filter values +2|facet_match=2|"
  "default, named filter values +8|facet_match=8|"
  "default, values named by part of a compound at +5 too|facet_part=1|"
  "default, request words ×0 (words and bigrams)|request_word=0|"
  "default, request words ×1|request_word=1|"
  "default, feedback of 20 words|prf_terms=20|"
  "default, bigrams only|word=0|"
  "default, words only|bigram=0|"
  "default, boundary bigrams ×0.5|boundary_bigram=0.5|"
  "default, feedback from 3 documents|prf_docs=3|"
  "default, synonyms off||--no-synonyms"
  "default, synonyms at ×0.6 / ×0.4|synonym=0.6,narrower=0.4|"
)
metrics() {  # db queries qrels ranking extra → "MRR nDCG R@1 R@100 p50"
  local args=(eval --db "$1" --queries "$2" --qrels "$3" --json)
  [ -n "$4" ] && args+=(--ranking "$4")
  [ -n "$5" ] && args+=($5)
  ${YUIMARU:-./build/yuimaru} "${args[@]}" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("%.4f | %.4f | %.4f | %.4f | %.2f" % (m["mrr@10"], m["ndcg@10"], m["recall@1"], m["recall@100"], m["latency_ms"]["p50"]))'
}
echo "| configuration | JSQuAD MRR@10 | nDCG@10 | R@1 | R@100 | p50 ms | corpus MRR@10 | nDCG@10 | R@1 | R@100 | p50 ms | users MRR@10 | nDCG@10 | R@1 | R@100 | p50 ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  IFS='|' read -r name ranking extra <<<"$row"
  j=$(metrics "$work/jsquad" "$J/queries.tsv" "$J/qrels.tsv" "$ranking" "$extra")
  c=$(metrics "$work/corpus" corpus/queries.tsv corpus/qrels.tsv "$ranking" "$extra")
  u=$(metrics "$work/corpus" corpus/queries-users.tsv corpus/qrels-users.tsv "$ranking" "$extra")
  echo "| $name | $j | $c | $u |"
done
