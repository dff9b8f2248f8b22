// Several indexes searched as one (issue 14): the bundled corpus split into three regions — the
// Searcher's own index, another index folder (--shard DB) and a real xapian-tcpsrv serving the
// third region's view of one clearance (--shard tcp://…) — answers every corpus query as one
// index of the whole corpus does; a shard that goes down gives the answer of the others, named,
// and is used again once it is back.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/index_layout.h"
#include "search/search.h"
#include "tests/support/command.h"
#include "tests/support/tcpsrv.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

namespace fs = std::filesystem;

// The corpus indexed whole, and split into three regions (every third document, by path) each
// indexed on its own. The first region has the synonym table (the Searcher's own index's is the
// one a search uses).
struct Regions {
  TempDir dir;
  fs::path whole = dir / "whole", parts[3] = {dir / "r0", dir / "r1", dir / "r2"};

  Regions() {
    const fs::path corpus = SourceDir() / "corpus";
    std::vector<fs::path> docs;
    for (const auto& e : fs::recursive_directory_iterator(corpus)) {
      if (e.is_regular_file() && e.path().extension() == ".md") docs.push_back(e.path());
    }
    std::sort(docs.begin(), docs.end());
    for (size_t i = 0; i < docs.size(); ++i) {
      const fs::path to = dir / ("src" + std::to_string(i % 3)) / fs::relative(docs[i], corpus);
      fs::create_directories(to.parent_path());
      fs::copy_file(docs[i], to);
    }
    fs::copy_file(corpus / "synonyms.tsv", dir / "src0/synonyms.tsv");
    REQUIRE(Yuimaru({"index", "--db", whole.string(), corpus.string()}).exit_code == 0);
    for (int r = 0; r < 3; ++r) {
      const CommandResult run = Yuimaru(
          {"index", "--db", parts[r].string(), (dir / ("src" + std::to_string(r))).string()});
      INFO(run.err);
      REQUIRE(run.exit_code == 0);
    }
  }

  // The databases a remote shard of region r serves at clearance c.
  std::vector<std::string> ShardFiles(int r, core::Clearance c) const {
    const auto gen = core::ResolveCurrentGeneration(parts[r]);
    REQUIRE(gen);
    std::vector<std::string> out;
    for (const auto& name : core::ShardsForView(c)) out.push_back((*gen / name).string());
    return out;
  }
};

// The hits in order, except that hits whose scores are equal to 1e-9 are put in id order. The
// order of equal scores is by doc_id on both sides, but a score is a sum of term weights that
// Xapian adds in the order of its query tree, which it shapes by each database's term counts: a
// document of a remote shard and one of a local index can differ in the last bit of a tie.
std::vector<search::Hit> TiesById(std::vector<search::Hit> hits) {
  for (size_t from = 0; from < hits.size();) {
    size_t to = from + 1;
    while (to < hits.size() && std::abs(hits[to].score - hits[from].score) <= 1e-9) ++to;
    std::sort(hits.begin() + static_cast<std::ptrdiff_t>(from),
              hits.begin() + static_cast<std::ptrdiff_t>(to),
              [](const search::Hit& x, const search::Hit& y) { return x.id < y.id; });
    from = to;
  }
  return hits;
}

std::vector<std::string> Describe(const search::SearchResponse& r) {
  std::vector<std::string> out = {"total " + std::to_string(r.total) +
                                  (r.total_exact ? " exact" : " estimated") + ", partial " +
                                  std::to_string(r.partial_total) +
                                  (r.interpretation.relaxed ? ", relaxed" : "")};
  for (const auto& h : TiesById(r.hits)) {
    std::string snippet;
    for (const auto& p : h.snippet) snippet += p.match ? "[" + p.text + "]" : p.text;
    out.push_back(h.id + (h.partial ? "*" : "") + " " + h.date + " " + snippet);
  }
  for (const auto& f : r.facets) {
    for (const auto& v : f.values) {
      out.push_back(f.key + ":" + v.code + "=" + std::to_string(v.count) + (v.selected ? "*" : ""));
    }
  }
  for (const auto& w : r.interpretation.synonyms) out.push_back("synonym " + w);
  return out;
}

// The same hits (ids, order, snippets, scores to 1e-9), totals and facets.
void CheckSame(const search::SearchResponse& a, const search::SearchResponse& b) {
  CHECK(Describe(a) == Describe(b));
  REQUIRE(a.hits.size() == b.hits.size());
  for (size_t i = 0; i < a.hits.size(); ++i) {
    CHECK(a.hits[i].rank == b.hits[i].rank);
    CHECK(a.hits[i].score == Approx(b.hits[i].score).margin(1e-9));
  }
}

search::SearchRequest Request(const std::string& query, size_t n) {
  constexpr search::SortOrder kOrders[] = {search::SortOrder::kRelevance,
                                           search::SortOrder::kNewest, search::SortOrder::kOldest};
  search::SearchRequest request;
  request.query = query;
  request.limit = 20;
  request.sort = kOrders[n % 3];
  if (n % 2 == 1) request.filters = {{"industry", "製造業"}};
  return request;
}

TEST_CASE("Shards: three regions, one of them remote, answer every query as one whole index",
          "[disk][remote][shards]") {
  const Regions regions;
  const std::vector<std::string> queries = CorpusQueries();
  REQUIRE(queries.size() > 90);
  size_t compared = 0, with_hits = 0;
  for (const auto c :
       {core::Clearance::kPublic, core::Clearance::kInternal, core::Clearance::kConfidential}) {
    // The remote region serves exactly the shards of the clearance (serve-shard's rule).
    TcpServer remote(regions.ShardFiles(2, c));
    search::ShardSet shards;
    REQUIRE(search::AddShard(regions.parts[1].string(), false, &shards));
    REQUIRE(
        search::AddShard("宮古=tcp://127.0.0.1:" + std::to_string(remote.port()), false, &shards));
    auto national = search::Searcher::Open(regions.parts[0], shards);
    INFO((national ? "" : national.error().ToString()));
    REQUIRE(national);
    auto whole = search::Searcher::Open(regions.whole);
    REQUIRE(whole);
    auto nv = national->View(c);
    auto wv = whole->View(c);
    REQUIRE(nv);
    REQUIRE(wv);
    for (size_t i = 0; i < queries.size(); i += SampleStep()) {
      // Each order and each filter in turn, whatever step the sampled run takes.
      const search::SearchRequest request = Request(queries[i], compared);
      INFO("clearance " << core::ClearanceLabel(c) << ", query " << request.query << ", order "
                        << static_cast<int>(request.sort) << ", filters "
                        << request.filters.size());
      auto a = nv->Run(request);
      auto b = wv->Run(request);
      INFO((a ? "" : a.error().ToString()));
      REQUIRE(a);
      REQUIRE(b);
      CHECK(a->shards_answered == std::vector<std::string>{"宮古"});
      CHECK(a->shards_missing.empty());
      CheckSame(*a, *b);
      ++compared;
      with_hits += !b->hits.empty();
    }
  }
  CHECK(compared > 0);
  CHECK(with_hits * 2 > compared);
}

TEST_CASE("Shards: a remote shard that goes down is named and left out, then used again",
          "[disk][remote][shards]") {
  const Regions regions;
  const core::Clearance c = core::Clearance::kPublic;
  auto remote = std::make_unique<TcpServer>(regions.ShardFiles(2, c));
  const int port = remote->port();
  search::ShardSet shards;
  REQUIRE(search::AddShard(regions.parts[1].string(), false, &shards));
  REQUIRE(search::AddShard("宮古=tcp://127.0.0.1:" + std::to_string(port), false, &shards));
  auto national = search::Searcher::Open(regions.parts[0], shards);
  REQUIRE(national);
  search::ShardSet local_only;
  REQUIRE(search::AddShard(regions.parts[1].string(), false, &local_only));
  auto two_regions = search::Searcher::Open(regions.parts[0], local_only);
  REQUIRE(two_regions);
  auto whole = search::Searcher::Open(regions.whole);
  REQUIRE(whole);
  const search::SearchRequest request = Request("事業承継", 0);

  auto before = national->View(c)->Run(request);
  REQUIRE(before);
  CHECK(before->shards_missing.empty());
  CheckSame(*before, *whole->View(c)->Run(request));

  // Down, with the view already open: the answer of the two others, the region named, the
  // total marked as not exact.
  remote.reset();
  for (int round = 0; round < 2; ++round) {
    auto down = national->View(c)->Run(request);
    INFO((down ? "" : down.error().ToString()));
    REQUIRE(down);
    CHECK(down->shards_missing == std::vector<std::string>{"宮古"});
    CHECK(down->shards_answered.empty());
    CHECK_FALSE(down->total_exact);
    auto others = two_regions->View(c)->Run(request);
    REQUIRE(others);
    CHECK(down->total == others->total);
    CHECK(down->total < before->total);
    std::vector<std::string> a, b;
    for (const auto& h : down->hits) a.push_back(h.id);
    for (const auto& h : others->hits) b.push_back(h.id);
    CHECK(a == b);
  }

  // Back on the same port: the next search uses it again, without a restart.
  TcpServer back(regions.ShardFiles(2, c), port);
  auto again = national->View(c)->Run(request);
  REQUIRE(again);
  CHECK(again->shards_missing.empty());
  CHECK(again->shards_answered == std::vector<std::string>{"宮古"});
  CheckSame(*again, *before);
}

TEST_CASE("Shards: --shard addresses are read strictly; a link off loopback must be protected",
          "[shards]") {
  search::ShardSet set;
  CHECK(search::AddShard("tcp://127.0.0.1:7001", false, &set));
  CHECK(search::AddShard("那覇=tcp://localhost:7002", false, &set));
  CHECK(search::AddShard("/srv/yuimaru/miyako", false, &set));
  REQUIRE(set.remote.size() == 2);
  CHECK(set.remote[0].name == "127.0.0.1:7001");
  CHECK(set.remote[1].name == "那覇");
  CHECK(set.remote[1].host == "localhost");
  CHECK(set.remote[1].port == 7002);
  CHECK(set.local == std::vector<fs::path>{"/srv/yuimaru/miyako"});

  for (const char* bad : {"tcp://127.0.0.1", "tcp://127.0.0.1:", "tcp://:7001", "tcp://127.0.0.1:0",
                          "tcp://127.0.0.1:65536", "tcp://127.0.0.1:7001x", "tcp://127.0.0.1:-1",
                          "tcp://[::1]7001", "tcp://[::1", "",
                          // Debian 12's Xapian 1.4 has no IPv6 remote backend.
                          "tcp://[::1]:7003", "tcp://::1:7003", "tcp://[2001:db8::1]:7001"}) {
    INFO(bad);
    const Status s = search::AddShard(bad, true, &set);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == ErrorCode::kInvalidInput);
    CHECK(s.error().rule == "shard.address");
  }
  // Other hosts: refused unless the operator says the link is protected (stunnel, SSH).
  for (const char* far :
       {"tcp://192.0.2.10:7001", "tcp://region.example.jp:7001", "宮古=tcp://10.0.0.5:7001",
        "tcp://0.0.0.0:7001", "tcp://127.0.0.1.example.jp:7001", "tcp://127.1:7001",
        "tcp://0177.0.0.1:7001"}) {
    INFO(far);
    const Status s = search::AddShard(far, false, &set);
    REQUIRE_FALSE(s);
    CHECK(s.error().rule == "shard.link");
    CHECK(search::AddShard(far, true, &set));
  }
}

TEST_CASE("Shards: a document id in two regions is refused when the national view opens",
          "[disk][shards]") {
  TempDir t;
  const std::string doc =
      "---\ndoc_id: CS-2024-001\ndoc_type: 支援事例\ntitle: 泡盛\ndate: 2024-06-01\n"
      "confidentiality: 公開\nindustry: 製造業\n---\n\n県外出荷。\n";
  WriteFile(t / "a/a.md", doc);
  WriteFile(t / "b/b.md", doc);
  for (const char* r : {"a", "b"}) {
    REQUIRE(Yuimaru({"index", "--db", (t / (std::string(r) + "db")).string(), (t / r).string()})
                .exit_code == 0);
  }
  search::ShardSet shards;
  REQUIRE(search::AddShard((t / "bdb").string(), false, &shards));
  auto national = search::Searcher::Open(t / "adb", shards);
  REQUIRE_FALSE(national);
  CHECK(national.error().rule == "shard.duplicate-id");
  CHECK(national.error().message.find("CS-2024-001") != std::string::npos);
}

}  // namespace
}  // namespace yuimaru::testing
