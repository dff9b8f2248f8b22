// Searcher: opens the clearance views of an index and runs searches on them (the I/O side of
// search/: Xapian databases, the clock).
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "core/analyzer.h"
#include "core/doc_record.h"
#include "core/fiscal_year.h"
#include "core/index_layout.h"
#include "core/markdown_reader.h"
#include "core/normalizer.h"
#include "core/synonyms.h"
#include "core/text_pack.h"
#include "core/utf8.h"
#include "search/facet_counter.h"
#include "search/query_builder.h"
#include "search/query_parser.h"
#include "search/search.h"
#include "search/snippet.h"

namespace yuimaru::search {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// A clearance view: its shard databases and the one database Xapian searches over them.
struct View {
  std::vector<Xapian::Database> shards;
  std::vector<int> position;  // shard number (index_layout.h) → index in `shards`, or -1
  Xapian::Database combined;
  uint64_t cache_id = 0;  // TextCache::Handle of this generation; with a docid, one version's text
};

// The normalized texts read for exact checks, shared by every Searcher of the process (a
// server has one per busy thread). A version's text never changes: a docid within its shard
// is unique in a generation (index_layout.h), and a generation is named by its path and the
// UUIDs of its databases (an index deleted and rebuilt at the same path has new UUIDs), so
// (handle, docid) is the key and nothing is ever stale. Reading texts was 43% of the server's CPU
// under load (bench/RESULTS.md); a hit costs a hash lookup. A stripe that outgrows its share of the
// budget is emptied (simple, and the working set refills it). Clearance is not a concern:
// a search only ever asks for the docids of its own view's shards.
class TextCache {
 public:
  static TextCache& Instance() {
    static TextCache* cache = new TextCache();
    return *cache;
  }
  void SetCapacity(size_t bytes) { per_stripe_.store(bytes / kStripes); }
  // A small number for a generation's identity (path and database UUIDs), the same for every
  // Searcher that opens it.
  uint64_t Handle(const std::string& identity) {
    std::lock_guard<std::mutex> lock(handles_mu_);
    return handles_.emplace(identity, handles_.size() + 1).first->second;
  }
  std::shared_ptr<const std::string> Find(uint64_t generation, Xapian::docid id) {
    Stripe& s = stripes_[id % kStripes];
    std::lock_guard<std::mutex> lock(s.mu);
    const auto it = s.map.find(Key(generation, id));
    return it == s.map.end() ? nullptr : it->second;
  }
  void Clear() {
    for (Stripe& s : stripes_) {
      std::lock_guard<std::mutex> lock(s.mu);
      s.map.clear();
      s.bytes = 0;
    }
  }
  void Insert(uint64_t generation, Xapian::docid id, std::shared_ptr<const std::string> text) {
    const size_t limit = per_stripe_.load();
    if (text->size() > limit) return;
    Stripe& s = stripes_[id % kStripes];
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.bytes + text->size() > limit) {
      s.map.clear();
      s.bytes = 0;
    }
    s.bytes += text->size();
    s.map.emplace(Key(generation, id), std::move(text));
  }

 private:
  static constexpr size_t kStripes = 16;
  static uint64_t Key(uint64_t generation, Xapian::docid id) { return (generation << 32) | id; }
  struct Stripe {
    std::mutex mu;
    std::unordered_map<uint64_t, std::shared_ptr<const std::string>> map;
    size_t bytes = 0;
  };
  Stripe stripes_[kStripes];
  std::mutex handles_mu_;
  std::map<std::string, uint64_t> handles_;
  std::atomic<size_t> per_stripe_{(size_t{256} << 20) / kStripes};
};

// Reads one value slot of the documents the matcher visits through a forward iterator per
// shard. The matcher visits each shard's documents in increasing order, so each read is a short
// step along the value stream instead of a B-tree lookup from the root (several block reads):
// this is what makes checking thousands of candidates affordable. The document id a spy or
// decider sees is the id within its shard, whose range names the shard (index_layout.h).
class ValueReader {
 public:
  ValueReader(const View& view, unsigned slot)
      : view_(view), slot_(slot), streams_(view.shards.size()) {}

  std::string Get(const Xapian::Document& doc) {
    const Xapian::docid local = doc.get_docid();
    const int number = core::ShardOfDocid(local);
    const int shard = number >= 0 && number < static_cast<int>(view_.position.size())
                          ? view_.position[number]
                          : -1;
    if (shard < 0) return doc.get_value(slot_);  // not one of ours: the slow, general way
    auto& st = streams_[shard];
    if (!st || (st->it != st->end && st->it.get_docid() > local)) {
      // First use, or an unexpected step back: start the stream again.
      const Xapian::Database& db = view_.shards[shard];
      st = Stream{db.valuestream_begin(slot_), db.valuestream_end(slot_)};
    }
    if (st->it == st->end) return std::string();
    st->it.skip_to(local);
    if (st->it == st->end || st->it.get_docid() != local) return std::string();
    return *st->it;
  }

 private:
  struct Stream {
    Xapian::ValueIterator it, end;
  };
  const View& view_;
  unsigned slot_;
  std::vector<std::optional<Stream>> streams_;
};

// Counts facets of every document the matcher visits (all matches: check_at_least is the
// document count). TODO(#future remote search): serialise()/merge_results() for xapian-tcpsrv.
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(FacetCounter* counter, const View& view)
      : counter_(counter), values_(view, core::kFacetSlot) {}
  void operator()(const Xapian::Document& doc, double) override { counter_->Add(values_.Get(doc)); }

 private:
  FacetCounter* counter_;
  ValueReader values_;
};

// Whether the documents the matcher visits have a given term: a forward posting iterator per
// (term, shard), stepped along like ValueReader's streams.
class TermProbe {
 public:
  explicit TermProbe(const View& view) : view_(view) {}

  bool Has(const Xapian::Document& doc, const std::string& term) {
    const Xapian::docid local = doc.get_docid();
    const int number = core::ShardOfDocid(local);
    const int shard = number >= 0 && number < static_cast<int>(view_.position.size())
                          ? view_.position[number]
                          : -1;
    if (shard < 0) return false;  // unknown: the caller falls back to the text
    auto& streams = streams_[term];
    if (streams.empty()) streams.resize(view_.shards.size());
    auto& st = streams[shard];
    if (!st || (st->it != st->end && *st->it > local)) {
      const Xapian::Database& db = view_.shards[shard];
      st = Stream{db.postlist_begin(term), db.postlist_end(term)};
    }
    if (st->it == st->end) return false;
    st->it.skip_to(local);
    return st->it != st->end && *st->it == local;
  }

 private:
  struct Stream {
    Xapian::PostingIterator it, end;
  };
  const View& view_;
  std::map<std::string, std::vector<std::optional<Stream>>> streams_;
};

// Accepts the documents that satisfy the exact requirements: by a term when one decides (the
// bigram of a two-character run, a word the document has), else by the normalized text.
class TextCheck : public Xapian::MatchDecider {
 public:
  TextCheck(const SubstringFilter& filter, const View& view)
      : filter_(filter), view_(view), terms_(view), text_(view, core::kTextSlot) {}
  bool operator()(const Xapian::Document& doc) const override {
    std::shared_ptr<const std::string> text;
    return filter_.Matches([&](const std::string& term) { return terms_.Has(doc, term); },
                           [&]() -> std::string_view {
                             text = Text(doc);
                             return *text;
                           });
  }

 private:
  std::shared_ptr<const std::string> Text(const Xapian::Document& doc) const {
    const Xapian::docid id = doc.get_docid();
    const int number = core::ShardOfDocid(id);
    const bool ours = view_.cache_id != 0 && number >= 0 &&
                      number < static_cast<int>(view_.position.size()) &&
                      view_.position[number] >= 0;
    auto read = [&] {
      auto unpacked = core::UnpackText(text_.Get(doc));
      // A corrupt value matches nothing rather than everything.
      return std::make_shared<const std::string>(unpacked ? std::move(*unpacked) : std::string());
    };
    if (!ours) return read();
    TextCache& cache = TextCache::Instance();
    if (auto hit = cache.Find(view_.cache_id, id)) return hit;
    auto text = read();
    cache.Insert(view_.cache_id, id, text);
    return text;
  }

  const SubstringFilter& filter_;
  const View& view_;
  mutable TermProbe terms_;
  mutable ValueReader text_;
};

// Leaves out the documents already listed (ids within their shards), then applies `check`.
class PartialCheck : public Xapian::MatchDecider {
 public:
  PartialCheck(const std::set<Xapian::docid>& listed, const TextCheck* check)
      : listed_(listed), check_(check) {}
  bool operator()(const Xapian::Document& doc) const override {
    if (listed_.count(doc.get_docid())) return false;
    return check_ == nullptr || (*check_)(doc);
  }

 private:
  const std::set<Xapian::docid>& listed_;
  const TextCheck* check_;
};

// Expansion terms: dictionary words only. Bigrams and boolean terms (an upper-case prefix) are
// left out: words carry the topic.
struct WordsOnly : Xapian::ExpandDecider {
  bool operator()(const std::string& term) const override {
    if (term.empty()) return false;
    const unsigned char c = static_cast<unsigned char>(term[0]);
    if (c >= 'A' && c <= 'Z') return false;
    return core::CountCodePoints(term) >= 2;
  }
};

// Expansion terms of the documents `rdocs` (pseudo-relevance feedback, related documents): the
// dictionary words of those documents, weighted by Xapian's TradEWeight formula over the view's
// combined statistics, best first (ties by term). Not Enquire::get_eset: Xapian 1.4 weighs with
// statistics that depend on how a view is split into shards, so a clearance view would rank
// unlike an index of only its visible text.
std::vector<std::pair<std::string, double>> ExpansionTerms(Xapian::Database& db,
                                                           const std::vector<Xapian::docid>& rdocs,
                                                           size_t limit) {
  const double n_docs = db.get_doccount(), r_docs = static_cast<double>(rdocs.size());
  const double avlen = std::max(db.get_avlength(), 1.0);
  std::map<std::string, std::pair<double, double>> stats;  // term → (rtermfreq, multiplier)
  WordsOnly words;
  for (const Xapian::docid did : rdocs) {
    const double len = db.get_doclength(did);
    for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
      if (!words(*t)) continue;
      const double wdf = t.get_wdf();
      auto& st = stats[*t];
      st.first += 1;
      st.second += 2.0 * wdf / (len / avlen + wdf);  // (k+1)·wdf / (k·len/avlen + wdf), k = 1
    }
  }
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [term, st] : stats) {
    const double tf = db.get_termfreq(term), rtf = st.first;
    double tw = (rtf + 0.5) * (n_docs - r_docs - tf + rtf + 0.5) /
                ((r_docs - rtf + 0.5) * (tf - rtf + 0.5));
    if (tw < 2) tw = tw * 0.5 + 1;
    const double w = st.second * std::log(tw);
    if (w > 0) ranked.emplace_back(-w, term);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i < ranked.size() && i < limit; ++i) {
    out.emplace_back(ranked[i].second, -ranked[i].first);
  }
  return out;
}

Error DbError(const Xapian::Error& e, const fs::path& where) {
  Error err = MakeError(ErrorCode::kIo, "index.xapian", e.get_description());
  err.source = where.string();
  return err;
}

int CurrentFiscalYear() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return core::FiscalYearOf(core::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
}

// Words of the query that name a filter: 年度 expressions and facet values typed as words.
std::vector<FilterSuggestion> Suggest(const ParsedQuery& parsed, const core::Analyzer& analyzer,
                                      const std::set<std::pair<int, int>>& selected) {
  std::vector<FilterSuggestion> out;
  std::set<std::pair<std::string, std::string>> seen;
  const int fy_now = CurrentFiscalYear();
  auto consider = [&](const std::string& text) {
    if (core::CountCodePoints(text) < 2) return;
    if (auto fy = core::ParseFiscalYear(text, fy_now)) {
      const core::FieldDef& f = *core::FindField("fiscal_year");
      const int id = *fy - core::kYearBase;
      if (seen.insert({"fiscal_year", std::to_string(*fy)}).second) {
        out.push_back({"fiscal_year", std::to_string(*fy), text,
                       selected.count({core::FieldIndex(f), id}) > 0});
      }
      return;
    }
    for (const core::FieldDef& f : core::FacetFields()) {
      if (f.suggestion != core::QuerySuggestion::kValueWords) continue;
      const std::string key(f.key);
      if (f.type == core::FieldType::kBool) {
        if (text != "離島") continue;  // only the word itself, not yes/no aliases
      }
      const auto id = core::FindValue(f, text);
      if (!id) continue;
      const std::string label = core::ValueLabel(f, *id);
      if (seen.insert({key, label}).second) {
        out.push_back({key, label, text, selected.count({core::FieldIndex(f), *id}) > 0});
      }
    }
  };
  for (const QueryClause& c : parsed.clauses) {
    if (c.negated || c.phrase) continue;
    consider(c.text);
    const std::u32string norm = core::Normalize(c.text);
    const auto words = analyzer.Segment(norm);
    for (size_t i = 0; i < words.size(); ++i) {
      consider(core::EncodeUtf8(norm.substr(words[i].start, words[i].end - words[i].start)));
      if (i + 1 < words.size() && words[i + 1].start == words[i].end) {
        consider(core::EncodeUtf8(norm.substr(words[i].start, words[i + 1].end - words[i].start)));
      }
    }
  }
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

struct Searcher::Impl {
  fs::path db;
  fs::path generation;
  std::optional<View> views[core::kClearanceCount];
  core::Analyzer analyzer;
  core::SynonymTable synonyms;
  RankingConfig ranking;

  explicit Impl(core::Analyzer a) : analyzer(std::move(a)) {}

  Status Load() {
    auto gen = core::ResolveCurrentGeneration(db);
    if (!gen) return gen.error();
    generation = *gen;
    for (auto& v : views) v.reset();
    synonyms = core::SynonymTable();
    std::ifstream in(generation / "synonyms.tsv", std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      auto table = core::SynonymTable::Parse(ss.str(), (generation / "synonyms.tsv").string());
      if (!table) return table.error();
      synonyms = std::move(*table);
    }
    return Status::Ok();
  }

  // The view of clearance c, opened at its first use. The generation may have been removed by
  // then (two newer ones published, or a purge): a Searcher that has moved on to a newer
  // generation opens the view there, so the request is answered from the current index instead
  // of failing. Views already open keep reading their files, which stay readable once unlinked.
  Result<View*> OpenView(Clearance c) {
    for (int attempt = 0;; ++attempt) {
      auto v = TryOpenView(c);
      if (v || attempt >= 3) return v;
      auto current = core::ResolveCurrentGeneration(db);
      if (!current || *current == generation) return v;
      if (auto s = Load(); !s) return s.error();
    }
  }

  Result<View*> TryOpenView(Clearance c) {
    auto& v = views[static_cast<int>(c)];
    if (!v) {
      try {
        View view;
        view.position.assign(core::AllShardNames().size(), -1);
        std::string identity = fs::absolute(generation).string();
        for (const auto& name : core::ShardsForView(c)) {
          view.position[core::ShardNumber(name)] = static_cast<int>(view.shards.size());
          view.shards.emplace_back((generation / name).string());
          view.combined.add_database(view.shards.back());
          identity += " " + view.shards.back().get_uuid();
        }
        // Xapian opens a database whose lazy tables (document data among them) are missing as if
        // they were empty: a view opened while its superseded generation was being removed could
        // answer without document records. Removal starts only after CURRENT has moved on, so a
        // view opened while CURRENT still names its generation is whole; otherwise OpenView moves
        // to the current generation.
        if (auto current = core::ResolveCurrentGeneration(db); current && *current != generation) {
          Error err = MakeError(ErrorCode::kNotFound, "index.superseded",
                                "索引の世代が切り替わりました。最新の世代を開き直します");
          err.source = generation.string();
          return err;
        }
        view.cache_id = TextCache::Instance().Handle(identity);
        v = std::move(view);
      } catch (const Xapian::Error& e) {
        return DbError(e, generation);
      }
    }
    return &*v;
  }

  Xapian::BM25Weight Weighting() const {
    return Xapian::BM25Weight(ranking.bm25_k1, 0, 1, ranking.bm25_b, 0.5);
  }

  std::unique_ptr<Xapian::Enquire> MakeEnquire(Xapian::Database& db, SortOrder sort) const {
    auto enquire = std::make_unique<Xapian::Enquire>(db);
    enquire->set_weighting_scheme(Weighting());
    switch (sort) {
      case SortOrder::kRelevance:
        enquire->set_sort_by_relevance_then_value(core::kDocIdSlot, false);
        break;
      case SortOrder::kNewest:
      case SortOrder::kOldest: {
        // The key maker owns nothing the Enquire outlives: it is kept alive by the Enquire's
        // reference-counted handle (release()).
        auto* keys = new Xapian::MultiValueKeyMaker();
        keys->add_value(core::kDateSlot, sort == SortOrder::kNewest);
        keys->add_value(core::kDocIdSlot, false);
        enquire->set_sort_by_key_then_relevance(keys->release(), false);
        break;
      }
    }
    return enquire;
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;
Searcher::~Searcher() = default;

Result<Searcher> Searcher::Open(const fs::path& db) {
  auto analyzer = core::Analyzer::Create();
  if (!analyzer) return analyzer.error();
  auto impl = std::make_unique<Impl>(std::move(*analyzer));
  impl->db = db;
  if (auto s = impl->Load(); !s) return s.error();
  // Open the top view now, so that a broken index fails here rather than at the first search.
  if (auto v = impl->OpenView(Clearance::kConfidential); !v) return v.error();
  return Searcher(std::move(impl));
}

bool Searcher::Stale() const {
  auto gen = core::ResolveCurrentGeneration(impl_->db);
  return gen && *gen != impl_->generation;
}

Status Searcher::Reopen() { return impl_->Load(); }

void Searcher::SetRanking(const RankingConfig& ranking) { impl_->ranking = ranking; }

Result<SearchResponse> Searcher::Run(const SearchRequest& request) const {
  const auto start = Clock::now();
  auto parsed = ParseQuery(request.query);
  if (!parsed) return parsed.error();
  std::vector<FieldFilter> extra;
  for (const auto& [key, value] : request.filters) {
    auto f = ResolveFilter(key, value);
    if (!f) return f.error();
    extra.push_back(std::move(*f));
  }
  if (request.limit > 1000 || request.offset > 100000) {
    Error e = MakeError(ErrorCode::kInvalidInput, "query.paging",
                        "limit は 1000 まで、offset は 100000 までです");
    e.source = "query";
    return e;
  }
  QueryInput input;
  input.parsed = &*parsed;
  input.extra_filters = &extra;
  input.date_from = request.date_from;
  input.date_to = request.date_to;
  input.synonyms = request.synonyms;
  auto built = BuildQuery(input, impl_->analyzer, impl_->synonyms, impl_->ranking);
  if (!built) return built.error();

  std::set<std::pair<int, int>> selected;
  for (const auto* list : {&parsed->filters, &extra}) {
    for (const FieldFilter& f : *list) {
      if (f.field) selected.insert({core::FieldIndex(*f.field), f.value});
    }
  }

  auto view = impl_->OpenView(request.clearance);
  if (!view) return view.error();
  Xapian::Database* db = &(*view)->combined;
  SearchResponse response;
  try {
    auto enquire = impl_->MakeEnquire(*db, request.sort);
    const Xapian::doccount all = db->get_doccount();
    auto run = [&](MatchMode mode, FacetCounter* counter, size_t offset, size_t limit) {
      const bool strict = mode == MatchMode::kStrict;
      enquire->set_query(CombineQuery(*built, mode));
      FacetSpy spy(counter, **view);
      enquire->clear_matchspies();
      if (counter) enquire->add_matchspy(&spy);
      // The spy sees only documents the text check accepted: counts stay exact.
      TextCheck check(strict ? built->strict_text : built->relaxed_text, **view);
      const bool checked = strict ? built->check_strict : built->check_relaxed;
      Xapian::MSet mset = enquire->get_mset(offset, limit, std::max<Xapian::doccount>(all, 1),
                                            nullptr, checked ? &check : nullptr);
      enquire->clear_matchspies();
      return mset;
    };
    std::optional<FacetCounter> counter;
    if (request.facets == FacetMode::kCount) counter.emplace();
    Xapian::MSet mset =
        run(MatchMode::kStrict, counter ? &*counter : nullptr, request.offset, request.limit);
    if (mset.get_matches_upper_bound() == 0 && built->relaxable) {
      // No document has every word: show those with some of them (and every quoted phrase),
      // and say so.
      const RankingConfig& rc = impl_->ranking;
      if (rc.prf_docs > 0) {
        enquire->set_query(CombineQuery(*built, MatchMode::kRelaxed));
        // Pseudo-relevance feedback. The top documents by weight, then doc_id, from a full
        // (unpruned) match: with a small limit Xapian 1.4's pruning has skipped the best one,
        // and which one it skipped depended on the shard layout of the view.
        const size_t want = static_cast<size_t>(rc.prf_docs);
        Xapian::MSet top = enquire->get_mset(0, static_cast<Xapian::doccount>(want + 20),
                                             std::max<Xapian::doccount>(all, 1));
        std::vector<std::tuple<double, std::string, Xapian::docid>> ranked;
        for (auto it = top.begin(); it != top.end(); ++it) {
          ranked.emplace_back(-it.get_weight(), it.get_document().get_value(core::kDocIdSlot), *it);
        }
        std::sort(ranked.begin(), ranked.end());
        std::vector<Xapian::docid> rdocs;
        for (size_t i = 0; i < ranked.size() && i < want; ++i)
          rdocs.push_back(std::get<2>(ranked[i]));
        const auto eset = ExpansionTerms(*db, rdocs, static_cast<size_t>(rc.prf_terms));
        std::vector<Xapian::Query> expansion;
        const double max_w = eset.empty() ? 1 : eset.front().second;
        for (const auto& [term, w] : eset) {
          expansion.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term),
                                 rc.prf_weight * w / max_w);
        }
        if (!expansion.empty()) {
          built->rank = Xapian::Query(
              Xapian::Query::OP_OR, built->rank,
              Xapian::Query(Xapian::Query::OP_OR, expansion.begin(), expansion.end()));
        }
      }
      std::optional<FacetCounter> relaxed_counter;
      if (counter) relaxed_counter.emplace();
      Xapian::MSet relaxed = run(MatchMode::kRelaxed, relaxed_counter ? &*relaxed_counter : nullptr,
                                 request.offset, request.limit);
      if (relaxed.get_matches_upper_bound() > 0) {
        response.interpretation.relaxed = true;
        mset = relaxed;
        counter = std::move(relaxed_counter);
      }
    }
    response.total = mset.get_matches_estimated();
    response.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    if (counter) {
      response.facets = counter->Results(selected);
      // Values of one field OR together, so the counts a field shows are those without its own
      // selection (else choosing 製造業 would hide every other 業種): count each selected field
      // again over the match set without that field's filters.
      std::set<const core::FieldDef*> selected_fields;
      for (const auto* list : {&parsed->filters, &extra}) {
        for (const FieldFilter& f : *list) {
          if (f.field) selected_fields.insert(f.field);
        }
      }
      for (const core::FieldDef* field : selected_fields) {
        ParsedQuery p2 = *parsed;
        std::vector<FieldFilter> e2;
        std::erase_if(p2.filters, [&](const FieldFilter& f) { return f.field == field; });
        for (const FieldFilter& f : extra) {
          if (f.field != field) e2.push_back(f);
        }
        QueryInput in2 = input;
        in2.parsed = &p2;
        in2.extra_filters = &e2;
        auto b2 = BuildQuery(in2, impl_->analyzer, impl_->synonyms, impl_->ranking);
        if (!b2) return b2.error();
        const MatchMode mode =
            response.interpretation.relaxed ? MatchMode::kRelaxed : MatchMode::kStrict;
        FacetCounter c2;
        Xapian::Enquire counting(*db);  // the page's Enquire keeps its query (explain reads it)
        counting.set_query(CombineQuery(*b2, mode));
        FacetSpy spy(&c2, **view);
        counting.add_matchspy(&spy);
        TextCheck check(mode == MatchMode::kStrict ? b2->strict_text : b2->relaxed_text, **view);
        const bool checked = mode == MatchMode::kStrict ? b2->check_strict : b2->check_relaxed;
        counting.get_mset(0, 0, std::max<Xapian::doccount>(all, 1), nullptr,
                          checked ? &check : nullptr);
        const auto counts = c2.Results(selected);
        for (auto& f : response.facets) {
          if (f.key != field->key) continue;
          for (const auto& c : counts) {
            if (c.key == f.key) f.values = c.values;
          }
        }
      }
    }

    // Fewer documents have every word than the page shows: the list goes on with documents that
    // have some of them, marked partial (not counted in total or facets).
    std::optional<Xapian::Enquire> partial_enquire;
    Xapian::MSet partial;
    const uint64_t strict_total = response.total;
    if (!response.interpretation.relaxed && built->relaxable && response.total_exact &&
        strict_total < request.offset + request.limit) {
      const size_t n = db->size();
      std::set<Xapian::docid> strict_ids;  // ids within their shards, unique (index_layout.h)
      Xapian::MSet all_strict = run(MatchMode::kStrict, nullptr, 0, strict_total);
      for (auto it = all_strict.begin(); it != all_strict.end(); ++it) {
        strict_ids.insert((*it - 1) / n + 1);
      }
      TextCheck check(built->relaxed_text, **view);
      PartialCheck partial_check(strict_ids, built->check_relaxed ? &check : nullptr);
      partial_enquire.emplace(*db);
      partial_enquire->set_weighting_scheme(impl_->Weighting());
      partial_enquire->set_sort_by_relevance_then_value(core::kDocIdSlot, false);
      partial_enquire->set_query(CombineQuery(*built, MatchMode::kRelaxed));
      const size_t start = request.offset > strict_total ? request.offset - strict_total : 0;
      const size_t count =
          request.offset + request.limit - std::max<size_t>(request.offset, strict_total);
      // Counted exactly (check_at_least: every document), as totals are: an estimate depends
      // on how the view is split into shards, which an index of the visible text alone would
      // not reproduce, and a small unpruned limit has skipped better documents.
      partial =
          partial_enquire->get_mset(start, count, db->get_doccount(), nullptr, &partial_check);
      response.partial_total = partial.get_matches_estimated();
    }
    size_t rank = request.offset;
    auto emit = [&](const Xapian::MSet& page, const Xapian::Enquire& page_enquire,
                    bool is_partial) -> Status {
      for (auto it = page.begin(); it != page.end(); ++it) {
        const Xapian::Document doc = it.get_document();
        if (request.fields == HitFields::kIdOnly) {
          // Evaluation needs the ranking only; the record (with its Markdown) is not read.
          Hit hit;
          hit.rank = ++rank;
          hit.id = doc.get_value(core::kDocIdSlot);
          hit.score = it.get_weight();
          hit.partial = is_partial;
          response.hits.push_back(std::move(hit));
          continue;
        }
        auto record = core::DecodeDocRecord(doc.get_data());
        if (!record) return record.error();
        Hit hit;
        hit.rank = ++rank;
        hit.id = record->id;
        hit.title = record->title;
        hit.doc_type = record->doc_type;
        hit.path = record->path;
        hit.date = record->date;
        hit.fiscal_year = record->fiscal_year;
        hit.confidentiality = record->confidentiality;
        hit.score = it.get_weight();
        hit.partial = is_partial;
        hit.facets = record->facets;
        std::vector<core::TextBlock> blocks;
        if (request.snippets == SnippetMode::kMake || request.explain == ExplainMode::kOn) {
          blocks = core::ReadMarkdown(record->markdown, 1, core::Clearance::kPublic).blocks;
        }
        if (request.snippets == SnippetMode::kMake)
          hit.snippet = MakeSnippet(blocks, built->highlights);
        if (request.explain == ExplainMode::kOn) {
          for (auto t = page_enquire.get_matching_terms_begin(it);
               t != page_enquire.get_matching_terms_end(it); ++t) {
            for (const QueryTerm& qt : built->terms) {
              if (qt.term != *t) continue;
              ExplainTerm e;
              e.text = qt.display;
              e.kind = qt.kind;
              // The term's share of the score: the same term alone, on this document only.
              Xapian::Enquire one(*db);
              one.set_weighting_scheme(impl_->Weighting());
              one.set_query(Xapian::Query(
                  Xapian::Query::OP_FILTER,
                  Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(qt.term), qt.weight),
                  Xapian::Query(std::string(core::kDocIdPrefix) + record->id)));
              Xapian::MSet m = one.get_mset(0, 1);
              e.weight = m.empty() ? 0 : m.begin().get_weight();
              // Where it occurs: the fields whose text contains it.
              const std::u32string needle = core::Normalize(qt.display);
              if (core::Normalize(record->title).find(needle) != std::u32string::npos)
                e.fields.push_back("title");
              for (const char* field : {"heading", "body"}) {
                const auto kind = std::string(field) == "heading" ? core::TextBlock::Kind::kHeading
                                                                  : core::TextBlock::Kind::kText;
                for (const core::TextBlock& b : blocks) {
                  if (b.kind == kind &&
                      core::Normalize(b.text).find(needle) != std::u32string::npos) {
                    e.fields.push_back(field);
                    break;
                  }
                }
              }
              hit.explain.push_back(std::move(e));
            }
          }
          std::sort(hit.explain.begin(), hit.explain.end(),
                    [](const ExplainTerm& a, const ExplainTerm& b) { return a.weight > b.weight; });
        }
        response.hits.push_back(std::move(hit));
      }
      return Status::Ok();
    };
    if (auto s = emit(mset, *enquire, false); !s) return s.error();
    if (partial_enquire) {
      if (auto s = emit(partial, *partial_enquire, true); !s) return s.error();
    }
  } catch (const Xapian::Error& e) {
    return DbError(e, impl_->generation);
  }
  response.interpretation.synonyms = built->synonyms_used;
  for (const QueryClause& c : parsed->clauses) {
    if (c.negated) continue;
    const std::u32string norm = core::Normalize(c.text);
    std::vector<std::string> keys = {core::EncodeUtf8(norm)};
    for (const auto& m : impl_->synonyms.MembersWithin(norm)) keys.push_back(m);
    for (const auto& k : keys) {
      for (const auto& r : impl_->synonyms.Related(k)) {
        auto& rel = response.interpretation.related;
        if (std::find(rel.begin(), rel.end(), r) == rel.end()) rel.push_back(r);
      }
    }
  }
  response.interpretation.suggestions = Suggest(*parsed, impl_->analyzer, selected);
  response.took_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return response;
}

Result<DocumentView> Searcher::Document(const std::string& id, Clearance clearance) const {
  auto view = impl_->OpenView(clearance);
  if (!view) return view.error();
  Xapian::Database* db = &(*view)->combined;
  try {
    const std::string term = std::string(core::kDocIdPrefix) + id;
    auto it = db->postlist_begin(term);
    if (it == db->postlist_end(term)) {
      Error e =
          MakeError(ErrorCode::kNotFound, "document.not-found", "文書「" + id + "」はありません");
      e.source = id;
      return e;
    }
    auto record = core::DecodeDocRecord(db->get_document(*it).get_data());
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
    view.markdown = record->markdown;
    return view;
  } catch (const Xapian::Error& e) {
    return DbError(e, impl_->generation);
  }
}

Result<std::vector<RelatedDoc>> Searcher::Related(const std::string& id, Clearance clearance,
                                                  size_t limit) const {
  auto view = impl_->OpenView(clearance);
  if (!view) return view.error();
  Xapian::Database* db = &(*view)->combined;
  try {
    const std::string idterm = std::string(core::kDocIdPrefix) + id;
    auto it = db->postlist_begin(idterm);
    if (it == db->postlist_end(idterm)) {
      Error e =
          MakeError(ErrorCode::kNotFound, "document.not-found", "文書「" + id + "」はありません");
      e.source = id;
      return e;
    }
    // Expansion terms of the document: its most distinctive dictionary words. Bigrams and
    // boolean terms (an upper-case prefix) are left out: words carry the topic.
    Xapian::Enquire enquire(*db);
    enquire.set_weighting_scheme(impl_->Weighting());
    std::vector<Xapian::Query> terms;
    for (const auto& [term, w] : ExpansionTerms(*db, {*it}, 40)) {
      terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), w);
    }
    std::vector<RelatedDoc> out;
    if (terms.empty()) return out;
    enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT,
                                    Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                                    Xapian::Query(idterm)));
    enquire.set_sort_by_relevance_then_value(core::kDocIdSlot, false);
    // Unpruned (check_at_least: every document), for the same reason as feedback above.
    Xapian::MSet mset = enquire.get_mset(0, limit, db->get_doccount());
    for (auto m = mset.begin(); m != mset.end(); ++m) {
      auto record = core::DecodeDocRecord(m.get_document().get_data());
      if (!record) return record.error();
      out.push_back({record->id, record->title, record->doc_type, record->date, m.get_weight()});
    }
    return out;
  } catch (const Xapian::Error& e) {
    return DbError(e, impl_->generation);
  }
}

Result<IndexStats> Searcher::Stats(Clearance clearance) const {
  auto view = impl_->OpenView(clearance);
  if (!view) return view.error();
  Xapian::Database* db = &(*view)->combined;
  IndexStats stats;
  try {
    stats.documents = db->get_doccount();
    const std::string name = impl_->generation.filename().string();
    stats.generation = name.size() > 4 ? std::strtoull(name.c_str() + 4, nullptr, 10) : 0;
    stats.index_bytes = DirectoryBytes(impl_->generation);
    if (std::ifstream in(impl_->generation / core::kManifestFile); in) {
      const nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
      if (manifest.is_object()) stats.compacted_bytes = manifest.value("compacted_bytes", 0ull);
    }
    FacetCounter counter;
    for (auto it = db->valuestream_begin(core::kFacetSlot);
         it != db->valuestream_end(core::kFacetSlot); ++it) {
      counter.Add(*it);
    }
    stats.facets = counter.Results({});
  } catch (const Xapian::Error& e) {
    return DbError(e, impl_->generation);
  }
  return stats;
}

void SetTextCacheBytes(size_t bytes) { TextCache::Instance().SetCapacity(bytes); }

void ClearTextCache() { TextCache::Instance().Clear(); }

}  // namespace yuimaru::search
