#include "indexer/generation_builder.h"

#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/index_layout.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::indexer {
namespace {

namespace fs = std::filesystem;

Xapian::Document Doc(const std::vector<std::string>& terms) {
  Xapian::Document d;
  for (const auto& t : terms) d.add_term(t);
  return d;
}

// The query shape that Xapian 1.4.22 failed on after compacting several databases together: a
// weighted OR filtered by an AND that shares a term with it.
std::vector<Xapian::docid> Run(const Xapian::Database& db) {
  using Q = Xapian::Query;
  auto w = [](const char* t, double x) { return Q(Q::OP_SCALE_WEIGHT, Q(t), x); };
  const std::vector<Q> rank = {w("宮古", 1), w("B宮古", .5), w("支援", 1),
                               w("先", 1),   w("B支援", .5), w("B援先", .5)};
  const std::vector<Q> strict = {Q("B宮古"), Q("B支援"), Q("B援先")};
  Xapian::Enquire e(db);
  e.set_query(Q(Q::OP_FILTER, Q(Q::OP_OR, rank.begin(), rank.end()),
                Q(Q::OP_AND, strict.begin(), strict.end())));
  std::vector<Xapian::docid> out;
  const Xapian::MSet m = e.get_mset(0, db.get_doccount(), db.get_doccount());
  for (auto it = m.begin(); it != m.end(); ++it) out.push_back(*it);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE(
    "ShardWriters: many threads, many commits, each shard one compacted database every query reads",
    "[disk][indexer]") {
  const std::vector<std::string> a = {"宮古", "B宮古", "支援", "先", "B支援", "B援先", "B先の"};
  const std::vector<std::string> b = {"B宮古", "支援", "B支援", "B援先", "B古の", "B記録"};
  // Three writers share three shards (s00 and two others get nothing); 700 documents each, so
  // every shard's scratch database is committed several times before it is compacted.
  const std::vector<std::string> used = {"s01", "s12", "s22"};
  constexpr int kThreads = 3, kPerThread = 700;
  testing::TempDir t;
  {
    ShardWriters writers(t.path());
    std::vector<std::thread> pool;
    for (int w = 0; w < kThreads; ++w) {
      pool.emplace_back([&, w] {
        for (int i = 0; i < kPerThread; ++i) {
          Xapian::Document d = Doc(i % 2 == 0 ? a : b);
          d.add_term("Q" + std::to_string(w) + "-" + std::to_string(i));
          writers.Add(used[static_cast<size_t>(i + w) % used.size()], d);
        }
      });
    }
    for (auto& th : pool) th.join();
    int finished = 0;
    REQUIRE(writers.Finish(2, [&] { ++finished; }).ok());
    CHECK(finished == static_cast<int>(core::AllShardNames().size()));
  }
  CHECK_FALSE(fs::exists(t / "scratch"));
  Xapian::Database view;
  for (const auto& name : core::AllShardNames()) {
    INFO(name);
    REQUIRE(fs::exists(t / name));
    Xapian::Database db((t / name).string());
    const bool has = std::find(used.begin(), used.end(), name) != used.end();
    const Xapian::doccount want = has ? kThreads * kPerThread / used.size() : 0;
    CHECK(db.get_doccount() == want);
    // Ids run from the start of the shard's own range, one after another.
    const auto base = static_cast<Xapian::docid>(core::ShardNumber(name)) * core::kShardDocidSpan;
    std::vector<Xapian::docid> ids, expected;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
    for (Xapian::docid i = 1; i <= want; ++i) expected.push_back(base + i);
    CHECK(ids == expected);
    CHECK(Run(db) == ids);
    if (has) view.add_database(db);
  }
  // The shards read together, as a clearance's view opens them.
  CHECK(view.get_doccount() == kThreads * kPerThread);
  CHECK(Run(view).size() == kThreads * kPerThread);
  for (int w = 0; w < kThreads; ++w) {
    for (int i = 0; i < kPerThread; i += 97) {
      CHECK(view.get_termfreq("Q" + std::to_string(w) + "-" + std::to_string(i)) == 1);
    }
  }
}

}  // namespace
}  // namespace yuimaru::indexer
