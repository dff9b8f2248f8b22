// Searcher: opens the generation of an index and the clearance views of it (the I/O side of
// search/ with search_view.cc: Xapian databases, the file system).
#include <xapian.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "core/analyzer.h"
#include "core/index_layout.h"
#include "core/synonyms.h"
#include "search/search.h"
#include "search/view_state.h"
#include "search/xapian_adapters.h"

namespace yuimaru::search {
namespace fs = std::filesystem;

Error DbError(const Xapian::Error& e, const fs::path& where) {
  return ErrorAt(ErrorCode::kIo, "index.xapian", e.get_description(), where.string());
}

struct Searcher::Impl {
  fs::path db;
  std::shared_ptr<const Generation> generation;
  // The views of `generation` opened so far; views handed out share them.
  std::shared_ptr<const ViewShards> views[core::kClearanceCount];
  std::shared_ptr<const core::Analyzer> analyzer;
  RankingConfig ranking;

  // Switches to the generation CURRENT names, with its synonym table. A table that cannot be
  // read leaves the generation switched, without synonyms, and fails.
  Status Load() {
    auto path = core::ResolveCurrentGeneration(db);
    if (!path) return path.error();
    auto gen = std::make_shared<Generation>();
    gen->path = *path;
    generation = gen;
    for (auto& v : views) v.reset();
    if (std::ifstream m(gen->path / core::kManifestFile); m) {
      const nlohmann::json manifest = nlohmann::json::parse(m, nullptr, false);
      const int format = manifest.is_object() ? manifest.value("format", 0) : 0;
      if (format != core::kIndexFormat) {
        return ErrorAt(ErrorCode::kInvalidInput, "index.format",
                       "索引の形式が古いか壊れています（形式 " + std::to_string(format) +
                           "、必要なのは " + std::to_string(core::kIndexFormat) +
                           "）。yuimaru index で作り直してください",
                       (gen->path / core::kManifestFile).string());
      }
    }
    std::ifstream in(gen->path / core::kSynonymsFile, std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      auto table = core::SynonymTable::Parse(ss.str(), (gen->path / core::kSynonymsFile).string());
      if (!table) return table.error();
      gen->synonyms = std::move(*table);
    }
    return Status::Ok();
  }

  // The view of clearance c, opened at its first use. The generation may have been removed by
  // then (two newer ones published, or a purge): a Searcher that has moved on to a newer
  // generation opens the view there, so the request is answered from the current index instead
  // of failing. Views already open keep reading their files, which stay readable once unlinked.
  Result<std::shared_ptr<const ViewShards>> OpenView(Clearance c) {
    for (int attempt = 0;; ++attempt) {
      auto v = TryOpenView(c);
      if (v || attempt >= 3) return v;
      auto current = core::ResolveCurrentGeneration(db);
      if (!current || *current == generation->path) return v;
      if (auto s = Load(); !s) return s.error();
    }
  }

  Result<std::shared_ptr<const ViewShards>> TryOpenView(Clearance c) {
    auto& v = views[static_cast<int>(c)];
    if (v) return v;
    const fs::path& dir = generation->path;
    try {
      auto view = std::make_shared<ViewShards>();
      view->position.assign(core::AllShardNames().size(), -1);
      std::string identity = fs::absolute(dir).string();
      for (const auto& name : core::ShardsForView(c)) {
        view->position[core::ShardNumber(name)] = static_cast<int>(view->shards.size());
        view->shards.emplace_back((dir / name).string());
        view->combined.add_database(view->shards.back());
        identity += " " + view->shards.back().get_uuid();
      }
      // Xapian opens a database whose lazy tables (document data among them) are missing as if
      // they were empty: a view opened while its superseded generation was being removed could
      // answer without document records. Removal starts only after CURRENT has moved on, so a
      // view opened while CURRENT still names its generation is whole; otherwise OpenView moves
      // to the current generation.
      if (auto current = core::ResolveCurrentGeneration(db); current && *current != dir) {
        return ErrorAt(ErrorCode::kNotFound, "index.superseded",
                       "索引の世代が切り替わりました。最新の世代を開き直します", dir.string());
      }
      view->cache_id = TextCache::Instance().Handle(identity);
      v = std::move(view);
    } catch (const Xapian::Error& e) {
      return DbError(e, dir);
    }
    return v;
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;
Searcher::~Searcher() = default;

Result<Searcher> Searcher::Open(const fs::path& db) {
  auto analyzer = core::Analyzer::Create();
  if (!analyzer) return analyzer.error();
  auto impl = std::make_unique<Impl>();
  impl->analyzer = std::make_shared<const core::Analyzer>(std::move(*analyzer));
  impl->db = db;
  if (auto s = impl->Load(); !s) return s.error();
  // Open the top view now, so that a broken index fails here rather than at the first search.
  if (auto v = impl->OpenView(Clearance::kConfidential); !v) return v.error();
  return Searcher(std::move(impl));
}

Result<SearchView> Searcher::View(Clearance clearance) const {
  auto shards = impl_->OpenView(clearance);
  if (!shards) return shards.error();
  auto view = std::make_shared<SearchView::Impl>();
  view->clearance = clearance;
  view->generation = impl_->generation;  // after OpenView, which may have moved on
  view->shards = std::move(*shards);
  view->analyzer = impl_->analyzer;
  view->ranking = impl_->ranking;
  return SearchView(std::move(view));
}

bool Searcher::Stale() const {
  auto gen = core::ResolveCurrentGeneration(impl_->db);
  return gen && *gen != impl_->generation->path;
}

Status Searcher::Reopen() { return impl_->Load(); }

void Searcher::SetRanking(const RankingConfig& ranking) { impl_->ranking = ranking; }

void SetTextCacheBytes(size_t bytes) { TextCache::Instance().SetCapacity(bytes); }

void ClearTextCache() { TextCache::Instance().Clear(); }

}  // namespace yuimaru::search
