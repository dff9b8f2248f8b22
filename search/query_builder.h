// ParsedQuery → Xapian queries, with the terms of core::Analyzer (never Xapian's QueryParser,
// which only makes unordered n-grams for Japanese). Pure apart from the Xapian::Query values.
//
// A clause (a word or "phrase" of the query) contributes twice:
//  * to `strict`, a boolean requirement: the clause's text occurs in the document, or one of its
//    synonyms does. The index narrows this down to documents with all of the text's bigrams;
//    for text of three or more characters `text_check` then checks the exact run against the
//    stored normalized text, so any substring of two or more characters is found, exactly;
//  * to `rank`, a weighted OR of its dictionary words and bigrams (and synonyms, weaker).
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "core/analyzer.h"
#include "core/synonyms.h"
#include "search/query_parser.h"
#include "search/search.h"
#include "search/substring_filter.h"

namespace yuimaru::search {

struct QueryTerm {
  std::string term;     // the Xapian term
  std::string display;  // what a user reads (the word or the two characters)
  std::string kind;     // "word", "unigram", "bigram", "synonym"
  double weight = 0;
  // Whether the term says something: not hiragana only and not a question word. Only these
  // make a document a match when the words are relaxed; the others (ある, った, 何) still add
  // to the score of documents that match.
  bool content = true;
};

struct BuiltQuery {
  bool has_text = false;  // false: filters only (every visible document matches the text)
  Xapian::Query rank;     // weighted OR of the text terms, or MatchAll
  Xapian::Query strict;   // every positive clause (empty query: no text requirement)
  // The candidates of the clauses' spellings inside longer text (core::ContextVariants), or
  // empty: strict matches with none of the rank's terms (see CombineQuery).
  Xapian::Query spellings;
  Xapian::Query required;  // the quoted phrases: required even when the words are relaxed
  bool relaxable = false;  // some positive clause is a plain word (relaxing changes something)
  Xapian::Query exclude;   // negated clauses the index decides exactly (empty: none)
  // The exact requirements of each mode, checked against kTextSlot when check_* is set.
  SubstringFilter strict_text, relaxed_text;
  bool check_strict = false, check_relaxed = false;
  Xapian::Query filter;  // facet, id and date filters (empty: none)
  std::vector<QueryTerm> terms;
  std::vector<std::u32string> highlights;  // normalized strings to mark in snippets
  std::vector<std::string> synonyms_used;
};

// A clause of the query analysed once: the builder, the filter suggestions and the
// interpretation of a search all read these instead of normalizing the text again.
struct AnalysedClause {
  std::u32string norm;            // core::Normalize(text)
  std::vector<core::Word> words;  // analyzer.Segment(norm); empty for a negated clause
};

// The clauses of `parsed`, in order (one AnalysedClause per QueryClause).
std::vector<AnalysedClause> AnalyseClauses(const ParsedQuery& parsed,
                                           const core::Analyzer& analyzer);

struct QueryInput {
  const ParsedQuery* parsed = nullptr;
  const std::vector<AnalysedClause>* clauses = nullptr;     // AnalyseClauses(*parsed), required
  const std::vector<FieldFilter>* extra_filters = nullptr;  // from request.filters
  std::string date_from, date_to;
  SynonymMode synonyms = SynonymMode::kOn;
};

// Words that ask rather than say (何, どこ, 誰, いつ, なぜ …): in a question they match everywhere.
bool IsQuestionWord(std::u32string_view word);
// Which characters of `norm` (segmented into `words`) belong to a request: an expression of
// what the searcher will do with what is found (集めたい, 学ぶ, 教えて, 使える, 探している,
// 知りたい, 調べる, 読みたい, 見たい …), not of what it is about. Matched as text from the start
// of a word, since ICU cuts these verbs unevenly (探|した|い, 知|り|たい, 見|たい).
std::vector<bool> RequestCharacters(std::u32string_view norm, const std::vector<core::Word>& words);

// Builds the queries. Fails with kInvalidInput for a malformed date bound ("query.date").
Result<BuiltQuery> BuildQuery(const QueryInput& input, const core::Analyzer& analyzer,
                              const core::SynonymTable& synonyms, const RankingConfig& config);

// The facet, id and date filters of `input` alone: what BuildQuery sets as BuiltQuery::filter
// (the text is not read). Same errors as BuildQuery.
Result<Xapian::Query> BuildFilter(const QueryInput& input);

// The final query of a search: rank filtered by strict (relaxed: by the phrases only), minus
// exclusions, within the filters.
enum class MatchMode { kStrict, kRelaxed };
Xapian::Query CombineQuery(const BuiltQuery& built, MatchMode mode);
// The same within `filter` instead of built.filter (a facet counted without its own selection).
Xapian::Query CombineQuery(const BuiltQuery& built, MatchMode mode, const Xapian::Query& filter);

}  // namespace yuimaru::search
