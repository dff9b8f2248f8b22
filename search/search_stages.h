// The stages of SearchView::Run, each with its own input and output:
//
//   PrepareQuery ─▶ Match (strict → relaxed + feedback) ─▶ CountFacets
//                ─▶ BlendPartial or FillPartial ─▶ MakeHits ─▶ Interpret
//
// The query is analysed once, by PrepareQuery; every later stage reads that PreparedQuery.
// Stages that read the index may throw Xapian::Error; Run turns it into an Error. Private to
// search/.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/analyzer.h"
#include "core/synonyms.h"
#include "search/facet_counter.h"
#include "search/query_builder.h"
#include "search/query_parser.h"
#include "search/search.h"
#include "search/xapian_adapters.h"

namespace yuimaru::search {

// A search's query, analysed once and read by every stage. Not copyable: `input` points into it.
struct PreparedQuery {
  ParsedQuery parsed;
  std::vector<FieldFilter> extra;          // request.filters, resolved
  std::vector<AnalysedClause> clauses;     // parsed.clauses, normalized and segmented
  QueryInput input;                        // what `built` was built from
  BuiltQuery built;                        // never changed once built (feedback works on a copy)
  std::set<std::pair<int, int>> selected;  // (field index, value id) the request filters on
  // The filters the query's words name (宮古 → region 宮古), read once: Interpret shows them and
  // the ranking weighs documents with those values higher (RankingConfig::facet_match).
  std::vector<FilterSuggestion> suggestions;
  // Of those, the ones the ranking weighs: (地域:宮古, the value's boolean term, its bonus).
  std::vector<std::tuple<std::string, std::string, double>> weighed_values;

  PreparedQuery() = default;
  PreparedQuery(const PreparedQuery&) = delete;
  PreparedQuery& operator=(const PreparedQuery&) = delete;
};

// Parses, resolves and builds the query of `request`. Fails with kInvalidInput for a bad query
// or filter, paging beyond limit 1000 / offset 100000 ("query.paging") or a bad date. 年度
// expressions (今年度, 昨年度) are read relative to `fiscal_year_now`.
Result<std::unique_ptr<PreparedQuery>> PrepareQuery(const SearchRequest& request,
                                                    const core::Analyzer& analyzer,
                                                    const core::SynonymTable& synonyms,
                                                    const RankingConfig& ranking,
                                                    int fiscal_year_now);

// An Enquire over `db` with the ranking's weighting and the request's sort order.
std::unique_ptr<Xapian::Enquire> MakeEnquire(const Xapian::Database& db, SortOrder sort,
                                             const RankingConfig& ranking);
Xapian::BM25Weight Weighting(const RankingConfig& ranking);

// A word feedback added to a relaxed query, at `scale` (RankingConfig::prf_*).
struct FeedbackTerm {
  std::string term;
  double scale = 0;
};

// The match set and the page of it the request asks for.
struct Matched {
  std::unique_ptr<Xapian::Enquire> enquire;  // holds the page's query (explain reads it)
  Xapian::MSet page;
  MatchMode mode = MatchMode::kStrict;  // kRelaxed: no document had every word
  std::optional<FacetCounter> counter;  // facets of the whole match set, when counted
  std::vector<FeedbackTerm> feedback;   // the words feedback added (relaxed only), for explain
};

// Documents with every word; if there are none and relaxing changes something, documents with
// some of them (after pseudo-relevance feedback from the best, when the ranking asks for it).
Matched Match(const ViewShards& view, const RankingConfig& ranking, const PreparedQuery& query,
              const SearchRequest& request);

// The facets of the match set. The counts of a field the request filters on are those of the
// match set without that field's own filters (values of one field OR together).
std::vector<FacetResult> CountFacets(const ViewShards& view, const PreparedQuery& query,
                                     const Matched& matched);

// The documents with only some of the words (strict matches only, exact totals only): the
// `count` best from `start`, ranked by the relaxed query without feedback, never a strict match.
struct Partial {
  std::unique_ptr<Xapian::Enquire> enquire;  // nullptr: no partial list
  Xapian::MSet page;
  uint64_t total = 0;
  // Every strict match (left out of the list), in relevance order, and the enquire that found it.
  std::unique_ptr<Xapian::Enquire> strict_enquire;
  Xapian::MSet strict;
};
Partial FillPartial(const ViewShards& view, const RankingConfig& ranking,
                    const PreparedQuery& query, uint64_t strict_total, size_t start, size_t count);

// Below this many strict matches, they and the partial ones are ranked together (BlendPartial);
// from it on, the strict matches alone fill the pages. Listing every strict match to leave it
// out of the partial list costs a read of each: the window keeps that small.
inline constexpr uint64_t kBlendWindow = 100;

// One ranking over the strict and the partial matches (relevance order, fewer than
// kBlendWindow strict ones): a document's score, plus RankingConfig::every_word for a strict
// match, then its doc_id. Scores of the two lists are alike: the same ranking query, filtered.
// The page of the request is exact: its documents are among the best offset + limit of each list.
struct Blended {
  Partial partial;  // its strict list is the other list

  struct Entry {
    Xapian::MSetIterator it;
    bool partial = false;
    double score = 0;
  };
  std::vector<Entry> page;
};
Blended BlendPartial(const ViewShards& view, const RankingConfig& ranking,
                     const PreparedQuery& query, const SearchRequest& request,
                     uint64_t strict_total);

// Appends the hits of `page` (found by `enquire`, with `feedback` in its query) to `hits`, ranked
// from hits->size() + request.offset + 1. Fails if a stored record cannot be read.
Status MakeHits(const ViewShards& view, const RankingConfig& ranking, const PreparedQuery& query,
                const SearchRequest& request, const Xapian::MSet& page,
                const Xapian::Enquire& enquire, bool partial, std::vector<Hit>* hits,
                const std::vector<FeedbackTerm>& feedback = {});

// Appends the blended page's hits to `hits` (score with the every_word bonus, explained).
Status MakeHits(const ViewShards& view, const RankingConfig& ranking, const PreparedQuery& query,
                const SearchRequest& request, const Blended& blended, std::vector<Hit>* hits);

// What the query was taken to mean: synonyms used, related words of the synonym table, and the
// filters its words suggest (PreparedQuery::suggestions).
Interpretation Interpret(const PreparedQuery& query, const core::SynonymTable& synonyms,
                         bool relaxed);

// Expansion terms of the documents `rdocs`: their dictionary words, weighted by Xapian's
// TradEWeight formula over the view's combined statistics, best first (ties by term).
std::vector<std::pair<std::string, double>> ExpansionTerms(const Xapian::Database& db,
                                                           const std::vector<Xapian::docid>& rdocs,
                                                           size_t limit);

}  // namespace yuimaru::search
