// Searcher: opens the generation of an index and the clearance views of it (the I/O side of
// search/ with search_view.cc: Xapian databases, the file system).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <limits>
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

namespace {

// localhost or an IPv4 address in 127.0.0.0/8 (as an address, not a name that starts so).
bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

// Fails if a document id (its Q term) is in more than one document of `db`: one version of a
// document per view is what the portable match joins by (search_stages.cc, PortableExact) and what
// a page's link names.
Status CheckUniqueIds(const Xapian::Database& db) {
  const std::string prefix(core::kDocIdPrefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    if (t.get_termfreq() > 1) {
      return ErrorAt(ErrorCode::kInvalidInput, "shard.duplicate-id",
                     "文書 ID " + (*t).substr(prefix.size()) +
                         " が複数の索引にあります。地域ごとに異なる ID にしてください",
                     "--shard");
    }
  }
  return Status::Ok();
}

// Fails if the manifest of the generation `dir` names another index format than this build's.
Status CheckFormat(const fs::path& dir) {
  std::ifstream m(dir / core::kManifestFile);
  if (!m) return Status::Ok();
  const nlohmann::json manifest = nlohmann::json::parse(m, nullptr, false);
  const int format = manifest.is_object() ? manifest.value("format", 0) : 0;
  if (format == core::kIndexFormat) return Status::Ok();
  return ErrorAt(ErrorCode::kInvalidInput, "index.format",
                 "索引の形式が古いか壊れています（形式 " + std::to_string(format) +
                     "、必要なのは " + std::to_string(core::kIndexFormat) +
                     "）。yuimaru index で作り直してください",
                 (dir / core::kManifestFile).string());
}

}  // namespace

Status AddShard(std::string_view spec, bool link_protected, ShardSet* set) {
  constexpr std::string_view kScheme = "tcp://";
  std::string name;
  std::string_view address = spec;
  if (const auto eq = spec.find('=');
      eq != std::string_view::npos && spec.substr(eq + 1).substr(0, kScheme.size()) == kScheme) {
    name = std::string(spec.substr(0, eq));
    address = spec.substr(eq + 1);
  }
  if (address.substr(0, kScheme.size()) != kScheme) {
    if (spec.empty()) {
      return ErrorAt(ErrorCode::kInvalidInput, "shard.address", "--shard が空です", "--shard");
    }
    set->local.emplace_back(std::string(spec));
    return Status::Ok();
  }
  auto bad = [&](const std::string& why) {
    return ErrorAt(
        ErrorCode::kInvalidInput, "shard.address",
        "--shard " + std::string(spec) + ": " + why + "（書式は [名前=]tcp://ホスト:ポート）",
        "--shard");
  };
  std::string_view rest = address.substr(kScheme.size());
  std::string host;
  std::string_view port_text;
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return bad("ポートがありません");
  host = std::string(rest.substr(0, colon));
  port_text = rest.substr(colon + 1);
  // Debian 12's Xapian 1.4 connects and listens over IPv4 only ("Address family for hostname
  // not supported" for ::1): an IPv6 shard would only ever be missing.
  if (host.find_first_of("[]:") != std::string::npos) {
    return bad("Xapian 1.4 の遠隔接続は IPv4 だけです");
  }
  int port = 0;
  if (host.empty() || port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char ch) { return ch >= '0' && ch <= '9'; }) ||
      (port = std::stoi(std::string(port_text))) < 1 || port > 65535) {
    return bad("ホストまたはポートが不正です");
  }
  if (!IsLoopback(host) && !link_protected) {
    return ErrorAt(ErrorCode::kInvalidInput, "shard.link",
                   "--shard " + std::string(spec) +
                       ": Xapian の遠隔プロトコルには認証も暗号化もありません。ループバック以外の"
                       "アドレスは、経路を stunnel や SSH で保護したうえで "
                       "--shard-link-protected を付けたときだけ使えます（docs/regions.md）",
                   "--shard");
  }
  if (name.empty()) name = host + ":" + std::string(port_text);
  set->remote.push_back({std::move(name), std::move(host), port});
  return Status::Ok();
}

std::shared_ptr<ViewShards> OpenViewShards(const ViewSources& sources, Clearance c) {
  auto view = std::make_shared<ViewShards>();
  view->position.assign(core::AllShardNames().size(), -1);
  std::string identity = fs::absolute(sources.generation).string();
  for (const auto& name : core::ShardsForView(c)) {
    view->position[core::ShardNumber(name)] = static_cast<int>(view->shards.size());
    view->shards.emplace_back((sources.generation / name).string());
    view->combined.add_database(view->shards.back());
    identity += " " + view->shards.back().get_uuid();
  }
  std::vector<Xapian::Database> parts = view->shards;
  for (const fs::path& other : sources.others) {
    for (const auto& name : core::ShardsForView(c)) {
      parts.emplace_back((other / name).string());
      view->combined.add_database(parts.back());
    }
  }
  for (const ShardSet::Remote& r : sources.remote) {
    try {
      const auto ms = static_cast<useconds_t>(sources.timeout_ms);
      Xapian::Database remote = Xapian::Remote::open(r.host, r.port, ms, ms);
      // What it serves must be readable at c: no version whose lowest reader is above c (a
      // region serving 内部 joins the national views at 内部 and 機密 only). A database without
      // version terms is of an older format: left out, as a shard that does not answer. These
      // reads are also the first round trips, so a shard too slow to answer is left out here.
      bool above = false, versioned = remote.get_doccount() == 0;
      for (int k = 0; k < core::kClearanceCount; ++k) {
        if (remote.get_termfreq(core::VersionTerm(static_cast<Clearance>(k))) == 0) continue;
        versioned = true;
        above = above || k > static_cast<int>(c);
      }
      if (above) continue;
      if (!versioned) {
        view->missing.push_back(r.name);
        continue;
      }
      parts.push_back(remote);
      view->combined.add_database(parts.back());
      view->answered.push_back(r.name);
    } catch (const Xapian::Error&) {
      // Down, too slow, or its server could not open its databases (a generation being removed
      // under it): this search goes on without it.
      view->missing.push_back(r.name);
    }
  }
  // Xapian numbers the combined database's documents by interleaving, in 32 bits: past that its
  // ids wrap and a hit would read another document (core::kShardDocidSpan).
  uint64_t highest = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const uint64_t last = parts[i].get_lastdocid();
    if (last > 0) highest = std::max<uint64_t>(highest, (last - 1) * parts.size() + i + 1);
  }
  if (highest > std::numeric_limits<Xapian::docid>::max()) {
    throw Xapian::RangeError(
        "索引を合わせると文書番号が Xapian の上限（2^32）を超えます。--shard の索引を減らすか、"
        "番号の大きい索引で yuimaru index --full を実行してください");
  }
  view->portable = !sources.others.empty() || !sources.remote.empty();
  view->cache_id = TextCache::Instance().Handle(identity);
  return view;
}

struct Searcher::Impl {
  fs::path db;
  ShardSet shard_set;
  std::shared_ptr<const Generation> generation;
  std::vector<fs::path> other_generations;  // the current generation of each shard_set.local
  // The views of `generation` opened so far; views handed out share them.
  std::shared_ptr<const ViewShards> views[core::kClearanceCount];
  std::shared_ptr<const core::Analyzer> analyzer;
  RankingConfig ranking;

  // Switches to the generation CURRENT names, with its synonym table. A table that cannot be
  // read leaves the generation switched, without synonyms, and fails.
  Status Load() {
    auto path = core::ResolveCurrentGeneration(db);
    if (!path) return path.error();
    std::vector<fs::path> others;
    for (const fs::path& other : shard_set.local) {
      auto other_path = core::ResolveCurrentGeneration(other);
      if (!other_path) return other_path.error();
      others.push_back(*other_path);
    }
    other_generations = std::move(others);
    auto gen = std::make_shared<Generation>();
    gen->path = *path;
    generation = gen;
    for (auto& v : views) v.reset();
    for (const fs::path& dir : other_generations) {
      if (auto s = CheckFormat(dir); !s) return s;
    }
    if (auto s = CheckFormat(gen->path); !s) return s;
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
      if (v || attempt >= 3 || !Moved()) return v;
      if (auto s = Load(); !s) return s.error();
    }
  }

  // Whether CURRENT of the index, or of another local index read with it, names another
  // generation than the one open.
  bool Moved() const {
    auto gen = core::ResolveCurrentGeneration(db);
    if (gen && *gen != generation->path) return true;
    for (size_t i = 0; i < shard_set.local.size(); ++i) {
      auto other = core::ResolveCurrentGeneration(shard_set.local[i]);
      if (other && *other != other_generations[i]) return true;
    }
    return false;
  }

  ViewSources Sources() const {
    return {generation->path, other_generations, shard_set.remote, shard_set.timeout_ms};
  }

  Result<std::shared_ptr<const ViewShards>> TryOpenView(Clearance c) {
    auto& v = views[static_cast<int>(c)];
    // A view that lost a remote shard, or opened without one, tries them all again.
    if (v && !v->failed && v->missing.empty()) return v;
    const fs::path& dir = generation->path;
    try {
      auto view = OpenViewShards(Sources(), c);
      // Xapian opens a database whose lazy tables (document data among them) are missing as if
      // they were empty: a view opened while its superseded generation was being removed could
      // answer without document records. Removal starts only after CURRENT has moved on, so a
      // view opened while CURRENT still names its generation is whole; otherwise OpenView moves
      // to the current generation.
      if (Moved()) {
        return ErrorAt(ErrorCode::kNotFound, "index.superseded",
                       "索引の世代が切り替わりました。最新の世代を開き直します", dir.string());
      }
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

Result<Searcher> Searcher::Open(const fs::path& db, const ShardSet& shards) {
  auto analyzer = core::Analyzer::Create();
  if (!analyzer) return analyzer.error();
  auto impl = std::make_unique<Impl>();
  impl->analyzer = std::make_shared<const core::Analyzer>(std::move(*analyzer));
  impl->db = db;
  impl->shard_set = shards;
  if (auto s = impl->Load(); !s) return s.error();
  // Open the top view now, so that a broken index fails here rather than at the first search.
  auto top = impl->OpenView(Clearance::kConfidential);
  if (!top) return top.error();
  if (!shards.empty()) {
    try {
      if (auto s = CheckUniqueIds((*top)->combined); !s) return s.error();
    } catch (const Xapian::Error& e) {
      return DbError(e, db);
    }
  }
  return Searcher(std::move(impl));
}

Result<SearchView> Searcher::View(Clearance clearance) const {
  auto shards = impl_->OpenView(clearance);
  if (!shards) return shards.error();
  auto view = std::make_shared<SearchView::Impl>();
  view->clearance = clearance;
  view->generation = impl_->generation;  // after OpenView, which may have moved on
  view->shards = std::move(*shards);
  view->sources = impl_->Sources();
  view->analyzer = impl_->analyzer;
  view->ranking = impl_->ranking;
  return SearchView(std::move(view));
}

bool Searcher::Stale() const { return impl_->Moved(); }

Status Searcher::Reopen() { return impl_->Load(); }

void Searcher::SetRanking(const RankingConfig& ranking) { impl_->ranking = ranking; }

void SetTextCacheBytes(size_t bytes) { TextCache::Instance().SetCapacity(bytes); }

void ClearTextCache() { TextCache::Instance().Clear(); }

}  // namespace yuimaru::search
