#include "indexer/generation_builder.h"

#include <xapian.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace yuimaru::indexer {
namespace {

namespace fs = std::filesystem;

Xapian::Document Doc(const std::vector<std::string>& terms) {
  Xapian::Document d;
  for (const auto& t : terms) d.add_term(t);
  return d;
}

// The query shape that Xapian 1.4.22 failed on after compacting several parts together: a
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
  const Xapian::MSet m = e.get_mset(0, 100, db.get_doccount());
  for (auto it = m.begin(); it != m.end(); ++it) out.push_back(*it);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("MergeParts: parts with offset or gapped ids merge into a database every query reads",
          "[disk][indexer]") {
  const std::vector<std::string> a = {"宮古", "B宮古", "支援", "先", "B支援", "B援先", "B先の"};
  const std::vector<std::string> b = {"B宮古", "支援", "B支援", "B援先", "B古の", "B記録"};
  // Each row: the ids of each part. Ids other than 1..N in several parts broke the old merge;
  // one part, and 1..N, did not.
  const auto parts_ids = GENERATE(std::vector<std::vector<Xapian::docid>>{{5}, {6}},
                                  std::vector<std::vector<Xapian::docid>>{{1}, {3}},
                                  std::vector<std::vector<Xapian::docid>>{{1, 2}, {3, 5}},
                                  std::vector<std::vector<Xapian::docid>>{{3}, {5}, {6}},
                                  std::vector<std::vector<Xapian::docid>>{{400000001}, {425000001}},
                                  std::vector<std::vector<Xapian::docid>>{{1}, {2}},
                                  std::vector<std::vector<Xapian::docid>>{{5, 9}});
  testing::TempDir t;
  std::vector<fs::path> parts;
  std::vector<Xapian::docid> all;
  size_t n = 0;
  for (const auto& ids : parts_ids) {
    const fs::path p = t / ("p" + std::to_string(parts.size()));
    Xapian::WritableDatabase w(p.string(), Xapian::DB_CREATE);
    for (const Xapian::docid id : ids) {
      w.replace_document(id, Doc(n++ % 2 == 0 ? a : b));
      all.push_back(id);
    }
    w.commit();
    parts.push_back(p);
  }
  MergeParts(parts, t / "out");
  CHECK_FALSE(fs::exists(t / "out.joined"));
  if (parts.size() > 1) {
    for (const auto& p : parts) CHECK_FALSE(fs::exists(p));  // consumed once copied
  }
  Xapian::Database db((t / "out").string());
  CHECK(db.get_doccount() == all.size());
  std::vector<Xapian::docid> kept;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) kept.push_back(*it);
  CHECK(kept == all);  // ids kept: shards own id ranges
  CHECK(Run(db) == all);
}

}  // namespace
}  // namespace yuimaru::indexer
