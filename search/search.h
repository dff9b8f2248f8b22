// yuimaru's search: ranked, faceted Japanese search over an index written by indexer/.
// Start here: Searcher::Open, then Searcher::View(clearance), then Run with a SearchRequest on
// that view. What a caller may read is the view it holds: there is no search without one, and
// no default that reads everything. Everything a page or the JSON API shows comes back in plain
// structs (no Xapian type crosses this header).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/doc_record.h"
#include "core/firm_figures.h"
#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::search {

using core::Clearance;

enum class SortOrder { kRelevance, kNewest, kOldest };
enum class SynonymMode { kOn, kOff };
enum class ExplainMode { kOff, kOn };
enum class FacetMode { kCount, kSkip };
enum class SnippetMode { kMake, kSkip };
enum class HitFields { kFull, kIdOnly };  // kIdOnly: rank, id, score, partial (for evaluation)

// How the ranking query weighs its terms. The defaults are the product's configuration, chosen
// on the JSQuAD dev set and the corpus's own queries (docs/retrieval.md); the fields exist so
// that `yuimaru eval --ranking` can measure alternatives.
struct RankingConfig {
  double word = 1.0;             // an ICU dictionary word of the query
  double kana_word = 0.5;        // multiplier for a word of hiragana only (ある, した, いる)
  double bigram = 0.5;           // a character bigram
  double kana_bigram = 0.5;      // multiplier for a bigram of two hiragana (にあ, った)
  double boundary_bigram = 1.0;  // multiplier for a bigram across a word boundary (は港)
  // Multiplier for a katakana word that is only part of the query's katakana run: ICU's
  // dictionary cuts a run it does not know (コンサル → コン|サル), and such rare pieces weighed
  // more than the run's real matches; the run's bigrams and its exact check carry it instead.
  double katakana_piece = 0.0;
  double question_word = 0.0;  // multiplier for question words (何, どこ, 誰, いつ …)
  // Multiplier for a request word (集めたい, 学ぶ, 教える, 使える: what the searcher will do with
  // the documents, not what they are about; RequestCharacters) and the bigrams inside it.
  double request_word = 0.2;
  double synonym = 0.2;   // multiplier for equivalent-synonym terms
  double narrower = 0.1;  // multiplier for narrower terms (事業承継 ⊃ 第三者承継)
  // A content term of the query found in the title adds its title term (core::kTitlePrefix) at
  // this multiplier of its own weight: the title says what a document is about.
  double title = 0.5;
  // Added to the score of a document for each filter value the query's words name (宮古 → 地域
  // 宮古; Interpretation::suggestions), unless the request already filters on it. 0: off.
  double facet_match = 5.0;
  // Multiplier of facet_match for a value named only by part of a compound word of the query
  // (公開 in 公開用写し, 訪問 in 初回訪問): such a part rarely means the value.
  double facet_part = 0.0;
  // Multiplier of facet_match for a 文書種別 named only by words that modify a later word of
  // their clause (訪問記録の書き方, 事例を外に出すとき): the topic, not the kind of document asked
  // for.
  double type_modifier = 0.0;
  // Added to the score of a document with every word of the query, when it and the documents
  // with only some of the words are ranked together (search_stages.h, BlendPartial): enough to
  // lift a complete match over a partial one of about the same score, not over a far better one.
  // A very large value gives every complete match first (the ranking before issue 17).
  double every_word = 0.75;
  // BM25: a low k1 saturates repeated terms early, so matching more distinct words of the
  // query counts more than repeating one (as Groonga's tf_at_most does best in PEERS.md).
  double bm25_k1 = 0.5, bm25_b = 0.6;
  // Pseudo-relevance feedback for relaxed (natural-language) queries: the best prf_terms words
  // of the top prf_docs documents are added at weight prf_weight. 0 documents: off.
  double prf_docs = 1, prf_terms = 15, prf_weight = 0.3;
};

// Parses "key=value,key=value" over RankingConfig's field names. Fails with kInvalidInput.
Result<RankingConfig> ParseRankingConfig(const std::string& text, RankingConfig base = {});

struct SearchRequest {
  // Free text: words (each must match, else the search falls back to any word), "phrases",
  // -excluded words, field:value filters (industry:製造業 = 業種:製造業, doc_type:訪問メモ …).
  std::string query;
  std::vector<std::pair<std::string, std::string>> filters;  // (field key or label, value)
  std::string date_from;                                     // YYYY-MM-DD, inclusive; empty: open
  std::string date_to;
  SortOrder sort = SortOrder::kRelevance;
  size_t offset = 0;
  size_t limit = 10;
  SynonymMode synonyms = SynonymMode::kOn;
  ExplainMode explain = ExplainMode::kOff;
  FacetMode facets = FacetMode::kCount;
  SnippetMode snippets = SnippetMode::kMake;
  HitFields fields = HitFields::kFull;
};

struct SnippetPart {
  std::string text;
  bool match = false;
};

// Why a hit came up: one query term, where it matched and what it added to the score.
struct ExplainTerm {
  std::string text;  // the term as a user reads it (事業承継, 承継 …)
  // "word", "unigram" (a lone character), "bigram", "synonym", "feedback" (a word of the best
  // document, added to a relaxed query), "facet" (a value named) or "every_word" (has every word)
  std::string kind;
  // "title", "heading", "body"; "metadata" for a facet; "document" for every_word
  std::vector<std::string> fields;
  double weight = 0;
};

struct Hit {
  size_t rank = 0;  // 1-based over the whole result list
  std::string id;
  std::string title;
  std::string doc_type;
  std::string path;
  std::string date;
  int fiscal_year = 0;
  std::string confidentiality;
  double score = 0;
  bool partial = false;  // has only some of the words
  std::vector<SnippetPart> snippet;
  std::vector<std::pair<std::string, std::vector<std::string>>> facets;  // key → labels
  std::vector<ExplainTerm> explain;
};

struct FacetValueCount {
  std::string label;
  std::string code;
  uint64_t count = 0;
  bool selected = false;
};

struct FacetResult {
  std::string key;
  std::string label;
  std::vector<FacetValueCount> values;  // vocabulary order; only values with count > 0
};

// A filter the query text suggests (a 年度 expression or a facet value typed as a word).
struct FilterSuggestion {
  std::string key;       // field key, e.g. "fiscal_year"
  std::string value;     // canonical label, e.g. "2023"
  std::string text;      // the words of the query it came from
  bool applied = false;  // already among the request's filters
};

struct Interpretation {
  bool relaxed = false;  // no document had every word; showing documents with some of them
  std::vector<std::string> synonyms;  // expansions used
  std::vector<FilterSuggestion> suggestions;
  std::vector<std::string> related;  // other words worth trying (the synonym table's ~ column)
};

struct SearchResponse {
  uint64_t total = 0;       // documents with every word (or, when relaxed, with some)
  bool total_exact = true;  // false also when a shard did not answer (shards_missing)
  // With other indexes (ShardSet): the names of the remote shards that answered, and of those
  // that did not (down, or slower than ShardSet::timeout). With any missing, hits, totals and
  // facets are those of the others.
  std::vector<std::string> shards_answered, shards_missing;
  uint64_t partial_total = 0;  // documents listed with only some words (not in `total`)
  std::vector<Hit> hits;
  std::vector<FacetResult> facets;
  Interpretation interpretation;
  double took_ms = 0;
};

// A document one document names (or is named by), as the same view reads it.
struct DocLink {
  std::string id;
  std::string title;
  std::string doc_type;
  std::string date;
};

struct DocumentView {
  std::string id;
  std::string title;
  std::string doc_type;
  std::string path;
  std::string date;
  std::string confidentiality;
  std::vector<std::pair<std::string, std::string>> meta;  // (label, value)
  std::vector<std::pair<std::string, std::vector<std::string>>> facets;
  std::string markdown;  // the body as the clearance may read it
  // A 研修資料's uses_cases that this view contains, in front matter order. A case the view
  // does not contain is left out, never shown as an id: a reader must not learn that it exists.
  std::vector<DocLink> uses_cases;
  // The 研修資料 of this view whose uses_cases name this document, in id order.
  std::vector<DocLink> used_by;
};

struct RelatedDoc {
  std::string id;
  std::string title;
  std::string doc_type;
  std::string date;
  double score = 0;
};

struct IndexStats {
  uint64_t documents = 0;
  uint64_t generation = 0;
  uint64_t index_bytes = 0;  // bytes of the generation on disk (all clearance shards)
  // Its databases' size when last compacted (manifest); incremental runs compact again past
  // 1.3 times this. 0 if the manifest does not say.
  uint64_t compacted_bytes = 0;
  std::vector<FacetResult> facets;
};

struct EvalMetrics {
  size_t queries = 0;
  double mrr10 = 0, ndcg10 = 0, recall1 = 0, recall10 = 0, recall100 = 0;
  double mean_ms = 0, p50_ms = 0, p99_ms = 0;
};

// The index as one clearance may read it: exactly the shards of that clearance, of one
// generation, which the view keeps open for as long as it lives (as a Xapian Database owns its
// sub-databases). Hits, counts, facets, snippets, related lists and statistics are those of an
// index built from the text that clearance may read alone. Obtained from Searcher::View.
//
// A cheap, copyable handle. Not thread-safe: it shares its Searcher's open databases, so use it
// on the thread that uses that Searcher; it may outlive the Searcher (and its Reopen), and then
// goes on reading its own generation.
class SearchView {
 public:
  SearchView(const SearchView&);
  SearchView& operator=(const SearchView&);
  SearchView(SearchView&&) noexcept;
  SearchView& operator=(SearchView&&) noexcept;
  ~SearchView();

  // The clearance this view reads at.
  Clearance clearance() const;
  // The number of the generation this view reads (gen-NNNNNN; 0 if its folder is not so named):
  // what a cache of answers over the view is keyed by.
  uint64_t generation() const;

  // Runs a search. Fails with kInvalidInput for a bad query, filter, date bound or paging (the
  // message says what is allowed), kIo if the index cannot be read.
  Result<SearchResponse> Run(const SearchRequest& request) const;

  // One document as this view reads it, with the documents its uses_cases name and those that
  // name it (DocumentView::uses_cases, used_by), all of this view; kNotFound
  // ("document.not-found") if there is none (or it is above the view's clearance).
  Result<DocumentView> Document(const std::string& id) const;

  // The stored record of one document as this view reads it (what Document shows, with the
  // fields an export needs: company ids, tags, related ids); kNotFound as Document.
  Result<core::DocRecord> Record(const std::string& id) const;
  // At most `limit` documents most similar to `id` (expansion terms of the document, then a
  // search), itself excluded, best first; kNotFound if `id` is not in this view.
  Result<std::vector<RelatedDoc>> Related(const std::string& id, size_t limit) const;

  // Document count and facet counts of this view; size and number of its generation.
  Result<IndexStats> Stats() const;

 private:
  friend class Searcher;
  struct Impl;
  explicit SearchView(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Every document of `view` that `filters` select (as SearchRequest::filters: a browse search
// without words), each with its stored record, in id order. Fails as SearchView::Run for a bad
// filter (kInvalidInput, with the message saying what is allowed), kIo if the index cannot be read.
Result<std::vector<core::DocRecord>> ReadRecords(
    const SearchView& view, const std::vector<std::pair<std::string, std::string>>& filters);

// The 年度 of a report request: "all", 全年度 or 全期間 → core::kAllYears, else a 年度 expression
// (2025, 令和7年度, R7, 今年度 … relative to `current_fy`). Fails with kInvalidInput
// ("report.year") and a one-line Japanese message.
Result<int> ParseReportYear(std::string_view text, int current_fy);

// Whether a report's year must have documents in the view (a year asked for) or not (the
// current year by default, which may have none yet).
enum class YearCheck { kMustHaveDocuments, kAny };

// The 実績報告 (core::ComputeReport) of `fiscal_year` over the documents of `view` that
// `filters` select: a 公開 view's report counts 公開 documents only. Fails with kInvalidInput
// ("report.year.unknown") when `check` asks for documents and the view has none in that year,
// and as ReadRecords (a bad filter: kInvalidInput).
Result<core::Report> ReadReport(const SearchView& view,
                                const std::vector<std::pair<std::string, std::string>>& filters,
                                int fiscal_year, YearCheck check);

// The indexes a Searcher reads beside its own (issue 14, docs/regions.md): other index folders
// on this machine, and remote shards, each a region's view at one clearance served by
// xapian-tcpsrv (`yuimaru serve-shard`). One search runs over all of them as over one index of
// all their documents: document ids must be unique across them.
struct ShardSet {
  struct Remote {
    std::string name;  // what a page names when it does not answer (NAME= of --shard, or HOST:PORT)
    std::string host;
    int port = 0;
  };
  std::vector<std::filesystem::path> local;
  std::vector<Remote> remote;
  // For connecting to a remote shard and for each of its answers; past it the shard is left out
  // of that search (SearchResponse::shards_missing) and tried again at the next one.
  int timeout_ms = 2000;
  bool empty() const { return local.empty() && remote.empty(); }
};

// Adds the shard `spec` names to `set`: [NAME=]tcp://HOST:PORT (a remote shard) or a folder (a
// local index). Xapian's remote protocol has neither authentication nor encryption: a remote
// shard on an address other than loopback is refused unless `link_protected` (the operator
// says the link is, docs/regions.md). Fails with kInvalidInput ("shard.address", "shard.link").
Status AddShard(std::string_view spec, bool link_protected, ShardSet* set);

// Search over one index: the generation open, its synonym table, the analyzer and the ranking.
// Not thread-safe: a server keeps one Searcher per thread.
class Searcher {
 public:
  // Opens the current generation of the index at `db` (and its 機密 view, so that a broken
  // index fails here). Fails with kNotFound if there is none, kIo if it cannot be read.
  // With `shards`, every view also reads the other indexes at the same clearance (remote ones
  // serve the clearance their region chose); fails with kInvalidInput ("shard.duplicate-id") if a
  // document id is in more than one of them.
  static Result<Searcher> Open(const std::filesystem::path& db, const ShardSet& shards = {});

  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;
  ~Searcher();

  // The view of `clearance` over the generation open (opened at its first use, then kept until
  // Reopen). If that generation has been removed or is being removed by then (two newer ones
  // published, or a purge), the Searcher moves to the current generation and opens the view
  // there. The view uses the ranking configuration set at the time of the call. Fails with
  // kNotFound if the index has no generation any more, kIo if it cannot be read.
  Result<SearchView> View(Clearance clearance) const;

  // Replaces the ranking configuration of the views made from now on (for evaluation; the
  // default is the product's).
  void SetRanking(const RankingConfig& ranking);

  // Whether a newer generation than the one open has been published; Reopen() switches to it
  // (views already made keep reading theirs).
  bool Stale() const;
  Status Reopen();

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Relevance metrics of ranked runs against graded judgements (pure).
struct Judgement {
  std::string query_id;
  std::string doc_id;
  int grade = 1;  // > 0 is relevant
};
EvalMetrics Evaluate(const std::vector<std::pair<std::string, std::vector<std::string>>>& runs,
                     const std::vector<Judgement>& qrels);

// The budget of the process-wide cache of texts read for exact substring checks (default
// 256 MiB; 0 turns it off). Texts are keyed by generation and version, so nothing is stale.
void SetTextCacheBytes(size_t bytes);
// Drops every text in that cache. A server calls it when a new generation is published, so the
// text of documents a purge erased does not stay in memory. Thread-safe.
void ClearTextCache();

}  // namespace yuimaru::search
