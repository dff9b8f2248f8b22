// What a SearchView holds, shared between the Searcher that makes views and the view's own
// methods. Private to search/.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "core/analyzer.h"
#include "core/result.h"
#include "core/synonyms.h"
#include "search/search.h"
#include "search/xapian_adapters.h"

namespace yuimaru::search {

// One generation of the index as a Searcher opened it: its directory and its synonym table.
struct Generation {
  std::filesystem::path path;
  core::SynonymTable synonyms;
};

// Where a view's databases are: the generation's folder, the current generation of each other
// local index, and the remote shards.
struct ViewSources {
  std::filesystem::path generation;
  std::vector<std::filesystem::path> others;
  std::vector<ShardSet::Remote> remote;
  int timeout_ms = 2000;
};

// The shards of clearance `c` at `sources`: the generation's own (ShardsForView), those of each
// other local index, and the remote shards that answer (the others are named in `missing`).
// Portable when there is anything besides the generation's own. Throws Xapian::Error.
std::shared_ptr<ViewShards> OpenViewShards(const ViewSources& sources, Clearance c);

// Everything a view reads, each part kept alive by the view: its generation's shards stay open
// (and readable once unlinked) while any view of them lives.
struct SearchView::Impl {
  Clearance clearance = Clearance::kPublic;
  std::shared_ptr<const Generation> generation;
  std::shared_ptr<const ViewShards> shards;
  ViewSources sources;  // to open the shards again without a remote one that stopped answering
  std::shared_ptr<const core::Analyzer> analyzer;
  RankingConfig ranking;
};

// A Xapian exception as an Error (kIo, "index.xapian") naming `where`.
Error DbError(const Xapian::Error& e, const std::filesystem::path& where);

}  // namespace yuimaru::search
