// SearchView: a search, a document, related documents and statistics, each over the shards of
// one clearance (the I/O side of search/ with searcher.cc: Xapian databases, the clock).
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/doc_record.h"
#include "core/fiscal_year.h"
#include "core/index_layout.h"
#include "search/facet_counter.h"
#include "search/search.h"
#include "search/search_stages.h"
#include "search/view_state.h"

namespace yuimaru::search {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

int CurrentFiscalYear() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return core::FiscalYearOf(core::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
}

// The docid of the document `id` in `db`; kNotFound ("document.not-found") if it has none.
Result<Xapian::docid> FindDocument(const Xapian::Database& db, const std::string& id) {
  const std::string term = std::string(core::kDocIdPrefix) + id;
  auto it = db.postlist_begin(term);
  if (it != db.postlist_end(term)) return *it;
  return ErrorAt(ErrorCode::kNotFound, "document.not-found", "文書「" + id + "」はありません", id);
}

DocLink LinkOf(const core::DocRecord& r) { return {r.id, r.title, r.doc_type, r.date}; }

// The documents of `db` that name `id` in their uses_cases, in id order. A view holds one
// version of each document, so each comes once.
Result<std::vector<DocLink>> UsedBy(const Xapian::Database& db, const std::string& id) {
  const std::string term = std::string(core::kUsesCasePrefix) + id;
  std::vector<DocLink> out;
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    auto record = core::DecodeDocRecord(db.get_document(*it).get_data());
    if (!record) return record.error();
    out.push_back(LinkOf(*record));
  }
  std::sort(out.begin(), out.end(), [](const DocLink& a, const DocLink& b) { return a.id < b.id; });
  return out;
}

uint64_t DirectoryBytes(const fs::path& dir) {
  // A file may vanish during the walk (a generation being removed): it counts 0 and the walk goes
  // on; file_size's error value ((uintmax_t)-1) is never added.
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    const auto size = it->file_size(file_ec);
    if (!file_ec) total += size;
  }
  return total;
}

}  // namespace

SearchView::SearchView(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
SearchView::SearchView(const SearchView&) = default;
SearchView& SearchView::operator=(const SearchView&) = default;
SearchView::SearchView(SearchView&&) noexcept = default;
SearchView& SearchView::operator=(SearchView&&) noexcept = default;
SearchView::~SearchView() = default;

Clearance SearchView::clearance() const { return impl_->clearance; }

namespace {

// A Xapian error of a read through `v`. A lost remote shard also marks the view's shards failed,
// so that the Searcher opens them again at its next View.
Error ViewError(const Xapian::Error& e, const ViewShards& shards, const fs::path& generation) {
  // Xapian::Error has no virtual functions: its type is a name.
  const std::string type = e.get_type();
  if (type == "NetworkError" || type == "NetworkTimeoutError") shards.failed = true;
  return DbError(e, generation);
}

// The match, facets and hits of `q` over `shards` into `response`. Throws Xapian::Error.
Status RunOn(const ViewShards& shards, const RankingConfig& ranking, const PreparedQuery& q,
             const SearchRequest& request, SearchResponse* response) {
  const Matched matched = Match(shards, ranking, q, request);
  const bool relaxed = matched.mode == MatchMode::kRelaxed;
  response->interpretation.relaxed = relaxed;
  response->total = matched.page.get_matches_estimated();
  response->total_exact =
      matched.page.get_matches_lower_bound() == matched.page.get_matches_upper_bound();
  response->facets = CountFacets(shards, q, matched);
  const bool partial_allowed = !relaxed && q.built.relaxable && response->total_exact;
  if (partial_allowed && request.sort == SortOrder::kRelevance && response->total < kBlendWindow) {
    // Few documents have every word: those with only some of them (marked partial, not counted
    // in total or facets) are ranked with them, a complete match ahead of a partial one of
    // about the same score. A natural question rarely has every word in its best answer.
    const Blended blended = BlendPartial(shards, ranking, q, request, response->total);
    response->partial_total = blended.partial.total;
    return MakeHits(shards, ranking, q, request, blended, &response->hits);
  }
  // In date order, or when many have every word: fewer documents than the page shows have
  // every word, and the list goes on with those that have some of them.
  Partial partial;
  if (partial_allowed && response->total < request.offset + request.limit) {
    const size_t start = request.offset > response->total ? request.offset - response->total : 0;
    const size_t count =
        request.offset + request.limit - std::max<size_t>(request.offset, response->total);
    partial = FillPartial(shards, ranking, q, response->total, start, count);
    response->partial_total = partial.total;
  }
  if (auto s = MakeHits(shards, ranking, q, request, matched.page, *matched.enquire, false,
                        &response->hits, matched.feedback);
      !s) {
    return s;
  }
  if (partial.enquire) {
    return MakeHits(shards, ranking, q, request, partial.page, *partial.enquire, true,
                    &response->hits);
  }
  return Status::Ok();
}

}  // namespace

Result<SearchResponse> SearchView::Run(const SearchRequest& request) const {
  const auto start = Clock::now();
  const Impl& v = *impl_;
  auto query =
      PrepareQuery(request, *v.analyzer, v.generation->synonyms, v.ranking, CurrentFiscalYear());
  if (!query) return query.error();
  const PreparedQuery& q = **query;
  SearchResponse response;
  std::shared_ptr<const ViewShards> shards = v.shards;
  for (int attempt = 0;; ++attempt) {
    response = SearchResponse();
    try {
      if (auto s = RunOn(*shards, v.ranking, q, request, &response); !s) return s.error();
      break;
    } catch (const Xapian::NetworkError& e) {
      // A remote shard went down or is slower than the time-out: once, the view's shards are
      // opened again (those that do not answer are left out and named) and the search runs
      // over them; the Searcher's view tries them all again at its next use.
      shards->failed = true;
      if (attempt > 0 || shards->answered.empty()) return DbError(e, v.generation->path);
      try {
        shards = OpenViewShards(v.sources, v.clearance);
      } catch (const Xapian::Error& again) {
        return DbError(again, v.generation->path);
      }
    } catch (const Xapian::Error& e) {
      return DbError(e, v.generation->path);
    }
  }
  response.shards_answered = shards->answered;
  response.shards_missing = shards->missing;
  if (!shards->missing.empty()) response.total_exact = false;
  response.interpretation = Interpret(q, v.generation->synonyms, response.interpretation.relaxed);
  response.took_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return response;
}

Result<core::DocRecord> SearchView::Record(const std::string& id) const {
  const Xapian::Database& db = impl_->shards->combined;
  try {
    auto did = FindDocument(db, id);
    if (!did) return did.error();
    return core::DecodeDocRecord(db.get_document(*did).get_data());
  } catch (const Xapian::Error& e) {
    return ViewError(e, *impl_->shards, impl_->generation->path);
  }
}

Result<DocumentView> SearchView::Document(const std::string& id) const {
  auto record = Record(id);
  if (!record) return record.error();
  DocumentView view;
  view.id = record->id;
  view.title = record->title;
  view.doc_type = record->doc_type;
  view.path = record->path;
  view.date = record->date;
  view.confidentiality = record->confidentiality;
  view.meta = core::DisplayMeta(*record);
  view.facets = record->facets;
  view.markdown = std::move(record->markdown);
  for (const std::string& case_id : record->uses_cases) {
    auto linked = Record(case_id);
    if (!linked && linked.error().code == ErrorCode::kNotFound) continue;
    if (!linked) return linked.error();
    const bool listed = std::any_of(view.uses_cases.begin(), view.uses_cases.end(),
                                    [&](const DocLink& l) { return l.id == case_id; });
    if (!listed) view.uses_cases.push_back(LinkOf(*linked));
  }
  try {
    auto used_by = UsedBy(impl_->shards->combined, view.id);
    if (!used_by) return used_by.error();
    view.used_by = std::move(*used_by);
  } catch (const Xapian::Error& e) {
    return ViewError(e, *impl_->shards, impl_->generation->path);
  }
  return view;
}

Result<std::vector<RelatedDoc>> SearchView::Related(const std::string& id, size_t limit) const {
  const Xapian::Database& db = impl_->shards->combined;
  try {
    auto did = FindDocument(db, id);
    if (!did) return did.error();
    // Expansion terms of the document: its most distinctive dictionary words.
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Weighting(impl_->ranking));
    std::vector<Xapian::Query> terms;
    for (const auto& [term, w] : ExpansionTerms(db, {*did}, 40)) {
      terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), w);
    }
    std::vector<RelatedDoc> out;
    if (terms.empty()) return out;
    enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT,
                                    Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                                    Xapian::Query(std::string(core::kDocIdPrefix) + id)));
    enquire.set_sort_by_relevance_then_value(core::kDocIdSlot, false);
    // Unpruned (check_at_least: every document), for the same reason as feedback (Match).
    Xapian::MSet mset = enquire.get_mset(0, limit, db.get_doccount());
    for (auto m = mset.begin(); m != mset.end(); ++m) {
      auto record = core::DecodeDocRecord(m.get_document().get_data());
      if (!record) return record.error();
      out.push_back({record->id, record->title, record->doc_type, record->date, m.get_weight()});
    }
    return out;
  } catch (const Xapian::Error& e) {
    return ViewError(e, *impl_->shards, impl_->generation->path);
  }
}

uint64_t SearchView::generation() const {
  const auto parsed = core::ParseGenerationDirName(impl_->generation->path.filename().string());
  return parsed ? parsed->number : 0;
}

Result<IndexStats> SearchView::Stats() const {
  const Xapian::Database& db = impl_->shards->combined;
  const fs::path& generation = impl_->generation->path;
  IndexStats stats;
  try {
    stats.documents = db.get_doccount();
    const auto parsed = core::ParseGenerationDirName(generation.filename().string());
    stats.generation = parsed ? parsed->number : 0;
    stats.index_bytes = DirectoryBytes(generation);
    if (std::ifstream in(generation / core::kManifestFile); in) {
      const nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
      if (manifest.is_object()) stats.compacted_bytes = manifest.value("compacted_bytes", 0ull);
    }
    FacetCounter counter;
    for (auto it = db.valuestream_begin(core::kFacetSlot);
         it != db.valuestream_end(core::kFacetSlot); ++it) {
      counter.Add(*it);
    }
    stats.facets = counter.Results({});
  } catch (const Xapian::Error& e) {
    return ViewError(e, *impl_->shards, impl_->generation->path);
  }
  return stats;
}

Result<std::vector<core::DocRecord>> ReadRecords(
    const SearchView& view, const std::vector<std::pair<std::string, std::string>>& filters) {
  SearchRequest request;
  request.filters = filters;
  request.facets = FacetMode::kSkip;
  request.snippets = SnippetMode::kSkip;
  request.fields = HitFields::kIdOnly;
  request.synonyms = SynonymMode::kOff;
  request.limit = 1000;
  std::vector<std::string> ids;
  for (;;) {
    auto response = view.Run(request);
    if (!response) return response.error();
    for (const Hit& hit : response->hits) ids.push_back(hit.id);
    if (response->hits.size() < request.limit) break;
    request.offset += request.limit;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<core::DocRecord> records;
  records.reserve(ids.size());
  for (const std::string& id : ids) {
    auto record = view.Record(id);
    if (!record) return record.error();
    records.push_back(std::move(*record));
  }
  return records;
}

}  // namespace yuimaru::search
