// A match with Xapian's own classes only (ViewShards::portable: what a remote shard runs, issue
// 14) answers every query as the match with yuimaru's decider and spy does.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/index_layout.h"
#include "search/search_stages.h"
#include "tests/support/command.h"
#include "tests/support/tcpsrv.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

using search::ViewShards;

ViewShards OpenView(const std::filesystem::path& db, core::Clearance c, bool portable) {
  const auto gen = core::ResolveCurrentGeneration(db);
  REQUIRE(gen);
  ViewShards v;
  v.position.assign(core::AllShardNames().size(), -1);
  for (const auto& name : core::ShardsForView(c)) {
    v.position[core::ShardNumber(name)] = static_cast<int>(v.shards.size());
    v.shards.emplace_back((*gen / name).string());
    v.combined.add_database(v.shards.back());
  }
  v.portable = portable;
  return v;
}

// The hits of two pages are the same documents in the same order, with the same scores (to
// 1e-9: the two sides may add a document's term weights in another order), and the same total.
void CheckSamePage(const Xapian::MSet& a, const Xapian::MSet& b) {
  REQUIRE(a.size() == b.size());
  CHECK(a.get_matches_estimated() == b.get_matches_estimated());
  auto ib = b.begin();
  for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
    CHECK(ia.get_document().get_value(core::kDocIdSlot) ==
          ib.get_document().get_value(core::kDocIdSlot));
    CHECK(ia.get_weight() == Approx(ib.get_weight()).margin(1e-9));
  }
}

std::vector<std::string> Describe(const std::vector<search::FacetResult>& facets) {
  std::vector<std::string> out;
  for (const auto& f : facets) {
    for (const auto& v : f.values) {
      out.push_back(f.key + ":" + v.code + "=" + std::to_string(v.count) + (v.selected ? "*" : ""));
    }
  }
  return out;
}

// The corpus indexed once, with what a search needs beside the view.
struct Corpus {
  TempDir dir;
  std::filesystem::path db = dir / "db";
  std::optional<core::Analyzer> analyzer;
  std::optional<core::SynonymTable> synonyms;
  search::RankingConfig ranking;
  std::vector<std::string> queries = CorpusQueries();

  Corpus() {
    REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus").string()}).exit_code ==
            0);
    auto a = core::Analyzer::Create();
    REQUIRE(a);
    analyzer.emplace(std::move(*a));
    std::ifstream in(SourceDir() / "corpus/synonyms.tsv");
    std::stringstream text;
    text << in.rdbuf();
    auto table = core::SynonymTable::Parse(text.str(), "corpus/synonyms.tsv");
    REQUIRE(table);
    synonyms.emplace(std::move(*table));
    REQUIRE(queries.size() > 90);
  }
};

struct Reached {
  size_t strict = 0, relaxed = 0, partial = 0;
  size_t by_date = 0;  // pages sorted by date (newest or oldest first)
};

// Every query of the corpus, with and without a filter, answered by `theirs` as by `ours`: the
// mode, the page, the facets of the match set, a filtered field's recount, the partial list.
void CheckSameAnswers(const Corpus& corpus, const ViewShards& ours, const ViewShards& theirs,
                      core::Clearance c, Reached* reached) {
  constexpr search::SortOrder kOrders[] = {search::SortOrder::kRelevance,
                                           search::SortOrder::kNewest, search::SortOrder::kOldest};
  size_t asked = 0;
  for (size_t i = 0; i < corpus.queries.size(); i += SampleStep()) {
    for (const bool filtered : {false, true}) {
      search::SearchRequest request;
      request.query = corpus.queries[i];
      request.limit = 20;
      // Each order in turn: a date order sorts by one value slot, which a remote shard can.
      request.sort = kOrders[asked++ % 3];
      // A filter on a field: its facet is recounted without it (CountFacets).
      if (filtered) request.filters = {{"industry", "製造業"}};
      INFO("clearance " << core::ClearanceLabel(c) << ", query " << request.query
                        << (filtered ? " with 業種:製造業" : "") << ", order "
                        << static_cast<int>(request.sort));
      auto prepared =
          search::PrepareQuery(request, *corpus.analyzer, *corpus.synonyms, corpus.ranking, 2026);
      REQUIRE(prepared);
      const auto& query = **prepared;
      const search::Matched a = search::Match(ours, corpus.ranking, query, request);
      const search::Matched b = search::Match(theirs, corpus.ranking, query, request);
      CHECK(a.mode == b.mode);
      CheckSamePage(a.page, b.page);
      // A page in date order with an order to compare.
      reached->by_date += request.sort != search::SortOrder::kRelevance && a.page.size() > 1;
      REQUIRE(a.counter.has_value() == b.counter.has_value());
      if (a.counter) {
        CHECK(Describe(a.counter->Results(query.selected)) ==
              Describe(b.counter->Results(query.selected)));
      }
      CHECK(Describe(search::CountFacets(ours, query, a)) ==
            Describe(search::CountFacets(theirs, query, b)));
      if (a.mode != search::MatchMode::kStrict) {
        ++reached->relaxed;
        continue;
      }
      ++reached->strict;
      const uint64_t total = a.page.get_matches_estimated();
      const auto pa = search::FillPartial(ours, corpus.ranking, query, total, 0, 20);
      const auto pb = search::FillPartial(theirs, corpus.ranking, query, total, 0, 20);
      CHECK((pa.enquire == nullptr) == (pb.enquire == nullptr));
      if (pa.enquire && pb.enquire) {
        CheckSamePage(pa.page, pb.page);
        CHECK(pa.total == pb.total);
        reached->partial += pa.total > 0;
      }
    }
  }
}

TEST_CASE("Portable match: Xapian's own classes give the same hits, scores, totals and facets",
          "[disk][portable]") {
  const Corpus corpus;
  Reached reached;
  for (const auto c :
       {core::Clearance::kPublic, core::Clearance::kInternal, core::Clearance::kConfidential}) {
    CheckSameAnswers(corpus, OpenView(corpus.db, c, false), OpenView(corpus.db, c, true), c,
                     &reached);
  }
  // The set reaches strict, relaxed and partial answers.
  CHECK(reached.strict > 0);
  CHECK(reached.relaxed > 0);
  CHECK(reached.partial > 0);
  CHECK(reached.by_date > 0);
}

TEST_CASE("Portable match: a remote shard (xapian-tcpsrv) of one clearance answers as the view",
          "[disk][portable][remote]") {
  const Corpus corpus;
  const auto gen = core::ResolveCurrentGeneration(corpus.db);
  REQUIRE(gen);
  Reached reached;
  for (const auto c :
       {core::Clearance::kPublic, core::Clearance::kInternal, core::Clearance::kConfidential}) {
    // The server gets exactly the shards the clearance reads, as one database.
    std::vector<std::string> shards;
    for (const auto& name : core::ShardsForView(c)) shards.push_back((*gen / name).string());
    TcpServer server(shards);
    ViewShards remote;
    remote.position.assign(core::AllShardNames().size(), -1);
    remote.combined.add_database(Xapian::Remote::open("127.0.0.1", server.port()));
    remote.portable = true;
    CheckSameAnswers(corpus, OpenView(corpus.db, c, false), remote, c, &reached);
  }
  CHECK(reached.strict > 0);
  CHECK(reached.relaxed > 0);
  CHECK(reached.partial > 0);
  CHECK(reached.by_date > 0);
}

}  // namespace
}  // namespace yuimaru::testing
