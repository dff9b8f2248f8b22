// A SearchView: the index as one clearance reads it, held by the caller.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "search/search.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

std::filesystem::path IndexMethods(const TempDir& t) {
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus/methods").string()})
              .exit_code == 0);
  return db;
}

std::vector<std::string> Ids(const std::vector<search::DocLink>& links) {
  std::vector<std::string> out;
  for (const auto& l : links) out.push_back(l.id);
  return out;
}

TEST_CASE(
    "SearchView: a document's uses_cases and the 研修資料 that use it, of the view's own "
    "documents only",
    "[disk][search]") {
  TempDir t;
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "tests/data/links").string()})
              .exit_code == 0);
  auto searcher = search::Searcher::Open(db);
  REQUIRE(searcher);
  auto internal = searcher->View(search::Clearance::kInternal);
  auto pub = searcher->View(search::Clearance::kPublic);
  REQUIRE(internal);
  REQUIRE(pub);

  auto training = internal->Document("TR-2025-91");
  REQUIRE(training);
  CHECK(Ids(training->uses_cases) == std::vector<std::string>{"CS-2024-951-P", "CS-2025-952-P"});
  CHECK(training->uses_cases[0].title == "常連客の声から品ぞろえを見直した小売店の事例（公開用）");
  CHECK(training->uses_cases[0].doc_type == "支援事例");
  CHECK(training->used_by.empty());
  auto used = internal->Document("CS-2024-951-P");
  REQUIRE(used);
  CHECK(used->uses_cases.empty());
  CHECK(Ids(used->used_by) == std::vector<std::string>{"TR-2025-91", "TR-2025-92"});
  CHECK(Ids(internal->Document("CS-2025-952-P")->used_by) ==
        std::vector<std::string>{"TR-2025-91"});

  // 公開: CS-2025-952-P (内部) is not among TR-2025-91's cases, TR-2025-92 (内部) does not use
  // CS-2024-951-P.
  auto pub_training = pub->Document("TR-2025-91");
  REQUIRE(pub_training);
  CHECK(Ids(pub_training->uses_cases) == std::vector<std::string>{"CS-2024-951-P"});
  auto pub_used = pub->Document("CS-2024-951-P");
  REQUIRE(pub_used);
  CHECK(Ids(pub_used->used_by) == std::vector<std::string>{"TR-2025-91"});
}

TEST_CASE("SearchView: a view reads exactly the documents of its clearance", "[disk][search]") {
  TempDir t;
  auto searcher = search::Searcher::Open(IndexMethods(t));
  REQUIRE(searcher);
  auto pub = searcher->View(search::Clearance::kPublic);
  auto internal = searcher->View(search::Clearance::kInternal);
  REQUIRE(pub);
  REQUIRE(internal);
  CHECK(pub->clearance() == search::Clearance::kPublic);
  CHECK(internal->clearance() == search::Clearance::kInternal);
  // MS-0002 is 内部, MS-0001 公開.
  CHECK(pub->Document("MS-0001"));
  auto hidden = pub->Document("MS-0002");
  REQUIRE_FALSE(hidden);
  CHECK(hidden.error().code == ErrorCode::kNotFound);
  CHECK(internal->Document("MS-0002"));
  CHECK_FALSE(pub->Related("MS-0002", 5));
  auto pub_stats = pub->Stats();
  auto internal_stats = internal->Stats();
  REQUIRE(pub_stats);
  REQUIRE(internal_stats);
  CHECK(pub_stats->documents < internal_stats->documents);
  // A search without words lists every document the view may read, and no other.
  search::SearchRequest all;
  all.limit = 1000;
  auto r = pub->Run(all);
  REQUIRE(r);
  CHECK(r->total == pub_stats->documents);
  for (const auto& hit : r->hits) CHECK(hit.confidentiality == "公開");
}

TEST_CASE("SearchView: a view keeps reading its generation after its Searcher reopens",
          "[disk][search]") {
  TempDir t;
  const auto db = IndexMethods(t);
  auto searcher = search::Searcher::Open(db);
  REQUIRE(searcher);
  auto before = searcher->View(search::Clearance::kConfidential);
  REQUIRE(before);
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus/methods").string(),
                   (SourceDir() / "corpus/training").string()})
              .exit_code == 0);
  REQUIRE(searcher->Stale());
  REQUIRE(searcher->Reopen());
  auto after = searcher->View(search::Clearance::kConfidential);
  REQUIRE(after);
  auto old_stats = before->Stats();
  auto new_stats = after->Stats();
  REQUIRE(old_stats);
  REQUIRE(new_stats);
  CHECK(old_stats->generation + 1 == new_stats->generation);
  CHECK(old_stats->documents < new_stats->documents);
  CHECK_FALSE(before->Document("TR-2023-01"));
  CHECK(after->Document("TR-2023-01"));
}

TEST_CASE("SearchView: a view outlives its Searcher", "[disk][search]") {
  TempDir t;
  std::optional<search::SearchView> view;
  {
    auto searcher = search::Searcher::Open(IndexMethods(t));
    REQUIRE(searcher);
    auto v = searcher->View(search::Clearance::kInternal);
    REQUIRE(v);
    view = *v;
  }
  search::SearchRequest request;
  request.query = "事業承継";
  auto r = view->Run(request);
  REQUIRE(r);
  CHECK(r->total > 0);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

std::string NamedValueDoc(const std::string& id, const std::string& region,
                          const std::string& body) {
  return "---\ndoc_id: " + id + "\ndoc_type: 支援事例\ntitle: 記録 " + id +
         "\ndate: 2025-03-01\nfiscal_year: 2024\nconfidentiality: 内部\nstatus: 確定\nauthors: "
         "[S-01]\nindustry: 卸売業、小売業\nregion: " +
         region +
         "\nritou: false\nemployees: 5人以下\nphases: [①現状把握]\nissues: [販路開拓]\nbridge_to: "
         "[]\nmethods: [ローカルベンチマーク]\noutcome: 自走化\nsupport_period: {start: "
         "2024-04-01, "
         "end: 2025-02-28}\n---\n\n# 記録\n\n" +
         body + "\n";
}

TEST_CASE("SearchView: a value the query's words name adds facet_match to its documents' score",
          "[disk][search]") {
  TempDir t;
  const auto src = t / "src";
  std::filesystem::create_directories(src);
  // A is tagged 宮古 and its text does not say it; B says 宮古 and is tagged 中部.
  std::ofstream(src / "CS-2024-961.md")
      << NamedValueDoc("CS-2024-961", "宮古", "支援先の記録です。");
  std::ofstream(src / "CS-2024-962.md")
      << NamedValueDoc("CS-2024-962", "中部", "宮古の支援先の記録です。");
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), src.string()}).exit_code == 0);
  auto scores = [&](double facet_match) {
    auto searcher = search::Searcher::Open(db);
    REQUIRE(searcher);
    auto ranking = search::ParseRankingConfig("facet_match=" + std::to_string(facet_match));
    REQUIRE(ranking);
    searcher->SetRanking(*ranking);
    auto view = searcher->View(search::Clearance::kInternal);
    REQUIRE(view);
    search::SearchRequest request;
    request.query = "宮古 記録";
    auto r = view->Run(request);
    REQUIRE(r);
    REQUIRE(r->hits.size() == 2);
    std::map<std::string, double> out;
    for (const auto& h : r->hits) out[h.id] = h.score;
    out["first is A"] = r->hits[0].id == "CS-2024-961" ? 1 : 0;
    return out;
  };
  const auto on = scores(5), off = scores(0);
  CHECK(on.at("CS-2024-961") - off.at("CS-2024-961") == Approx(5.0).margin(1e-9));
  CHECK(on.at("CS-2024-962") == Approx(off.at("CS-2024-962")).margin(1e-9));
  CHECK(on.at("first is A") == 1);
  // Filtering on the value already: it no longer tells documents apart, nothing is added.
  auto searcher = search::Searcher::Open(db);
  REQUIRE(searcher);
  auto view = searcher->View(search::Clearance::kInternal);
  REQUIRE(view);
  search::SearchRequest filtered;
  filtered.query = "宮古 記録";
  filtered.filters = {{"region", "宮古"}};
  auto r = view->Run(filtered);
  REQUIRE(r);
  REQUIRE(r->hits.size() == 1);
  CHECK(r->hits[0].score == Approx(off.at("CS-2024-961")).margin(1e-9));

  // Explain names the value and its weight, and the title share of a term: weights add up.
  search::SearchRequest explained;
  explained.query = "宮古 記録";
  explained.explain = search::ExplainMode::kOn;
  auto e = view->Run(explained);
  REQUIRE(e);
  REQUIRE(e->hits.size() == 2);
  for (const auto& h : e->hits) {
    CAPTURE(h.id);
    double sum = 0;
    int facets = 0;
    for (const auto& term : h.explain) {
      sum += term.weight;
      if (term.kind == "facet") {
        ++facets;
        CHECK(term.text == "地域:宮古");
        CHECK(term.weight == Approx(5.0));
        CHECK(term.fields == std::vector<std::string>{"metadata"});
      }
    }
    CHECK(facets == (h.id == "CS-2024-961" ? 1 : 0));
    CHECK(sum == Approx(h.score).epsilon(1e-6));  // 記録 is in both titles: its T term counts
  }
}

}  // namespace
}  // namespace yuimaru::testing
