// A SearchView: the index as one clearance reads it, held by the caller.
#include <array>
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

// An index in t/db of NamedValueDoc documents: (id, region, body).
std::filesystem::path IndexNamedValueDocs(const TempDir& t,
                                          const std::vector<std::array<std::string, 3>>& docs) {
  const auto src = t / "src";
  std::filesystem::create_directories(src);
  for (const auto& [id, region, body] : docs) {
    std::ofstream(src / (id + ".md")) << NamedValueDoc(id, region, body);
  }
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), src.string()}).exit_code == 0);
  return db;
}

// The 内部 view of `db` ranked with `ranking_text` (ParseRankingConfig).
search::SearchView RankedView(const std::filesystem::path& db, const std::string& ranking_text) {
  auto searcher = search::Searcher::Open(db);
  REQUIRE(searcher);
  auto ranking = search::ParseRankingConfig(ranking_text);
  REQUIRE(ranking);
  searcher->SetRanking(*ranking);
  auto view = searcher->View(search::Clearance::kInternal);
  REQUIRE(view);
  return *view;
}

// `query` at 内部 with `ranking_text` and explain on.
search::SearchResponse RunRanked(const std::filesystem::path& db, const std::string& ranking_text,
                                 const std::string& query) {
  const search::SearchView view = RankedView(db, ranking_text);
  search::SearchRequest request;
  request.query = query;
  request.explain = search::ExplainMode::kOn;
  auto r = view.Run(request);
  REQUIRE(r);
  return std::move(*r);
}

TEST_CASE("SearchView: a value the query's words name adds facet_match to its documents' score",
          "[disk][search]") {
  TempDir t;
  // A is tagged 宮古 and its text does not say it; B says 宮古 and is tagged 中部.
  const auto db = IndexNamedValueDocs(t, {{"CS-2024-961", "宮古", "支援先の記録です。"},
                                          {"CS-2024-962", "中部", "宮古の支援先の記録です。"}});
  auto scores = [&](double facet_match) {
    const auto r = RunRanked(db, "facet_match=" + std::to_string(facet_match), "宮古 記録");
    REQUIRE(r.hits.size() == 2);
    std::map<std::string, double> out;
    for (const auto& h : r.hits) out[h.id] = h.score;
    out["first is A"] = r.hits[0].id == "CS-2024-961" ? 1 : 0;
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

TEST_CASE("SearchView: a value named by part of a compound adds facet_part of facet_match",
          "[disk][search]") {
  TempDir t;
  const auto db = IndexNamedValueDocs(t, {{"CS-2024-961", "宮古", "支援先の記録です。"},
                                          {"CS-2024-962", "中部", "宮古の支援先の記録です。"}});
  // 宮古 in 宮古地区 is part of a compound: still suggested, weighed at facet_part only.
  auto run = [&](const std::string& ranking_text) {
    const auto r = RunRanked(db, ranking_text, "宮古地区 記録");
    REQUIRE(r.hits.size() == 2);
    bool suggested = false;
    for (const auto& s : r.interpretation.suggestions) {
      suggested = suggested || (s.key == "region" && s.value == "宮古");
    }
    CHECK(suggested);
    std::map<std::string, double> out;
    for (const auto& h : r.hits) {
      out[h.id] = h.score;
      for (const auto& term : h.explain) {
        if (term.kind == "facet") out[h.id + " facet"] = term.weight;
      }
    }
    return out;
  };
  const auto part = run(""), off = run("facet_match=0"), half = run("facet_part=0.5");
  CHECK(part.count("CS-2024-961 facet") == 0);
  CHECK(part.at("CS-2024-961") == Approx(off.at("CS-2024-961")).margin(1e-9));
  CHECK(half.at("CS-2024-961") - off.at("CS-2024-961") == Approx(2.5).margin(1e-9));
  CHECK(half.at("CS-2024-961 facet") == Approx(2.5));
  CHECK(half.count("CS-2024-962 facet") == 0);
}

TEST_CASE("SearchView: a 文書種別 named only to modify a later word adds type_modifier of it",
          "[disk][search]") {
  TempDir t;
  const auto db =
      IndexNamedValueDocs(t, {{"CS-2024-963", "宮古", "記録の書き方と外部への公開の手順。"}});
  // The facet weight 事例 (文書種別 支援事例) gives the document, or -1 when it gives none.
  auto facet = [&](const std::string& query, const std::string& ranking_text) {
    const auto r = RunRanked(db, ranking_text, query);
    REQUIRE(r.hits.size() == 1);
    bool suggested = false;  // suggested as a filter all the same
    for (const auto& s : r.interpretation.suggestions) {
      suggested = suggested || (s.key == "doc_type" && s.value == "支援事例");
    }
    CHECK(suggested);
    double weight = -1;
    for (const auto& term : r.hits[0].explain) {
      if (term.kind == "facet" && term.text == "文書種別:支援事例") weight = term.weight;
    }
    return weight;
  };
  // Head last: the 事例 of these queries is the topic of a later word.
  for (const char* q : {"事例の書き方", "事例を外部に公開する手順", "事例の記録を公開"}) {
    CAPTURE(q);
    CHECK(facet(q, "") == -1);
    CHECK(facet(q, "type_modifier=0.5") == Approx(2.5));
  }
  // The kind of document asked for: last, before a request or a question word only, or a clause
  // of its own; or named as a head elsewhere in the query.
  for (const char* q : {"記録の書き方の事例", "公開の事例を集めたい", "公開した事例はどれ",
                        "事例 書き方", "事例の書き方の事例", "事例を探している"}) {
    CAPTURE(q);
    CHECK(facet(q, "") == Approx(5));
  }
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

// The request's hits, as "id" or "id*" for a partial one.
std::vector<std::string> Listed(const search::SearchView& view, search::SearchRequest request) {
  auto r = view.Run(request);
  REQUIRE(r);
  std::vector<std::string> out;
  for (const auto& h : r->hits) out.push_back(h.id + (h.partial ? "*" : ""));
  return out;
}

TEST_CASE(
    "SearchView: with few complete matches, partial ones are ranked with them, a complete one "
    "ahead by every_word",
    "[disk][search]") {
  TempDir t;
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "経営者と話し合い、売上と費用の記録を確かめた。";
  // 971 has both words and little else; 972 has one of them, often, and little else; 973 has
  // both words once in a long text; 30 short ones neither.
  std::vector<std::array<std::string, 3>> docs = {
      {"CS-2024-971", "中部", "月桃の染物を試した。月桃と染物の話。"},
      {"CS-2024-972", "中部", "月桃の葉。月桃の香り。月桃の畑。"},
      {"CS-2024-973", "中部", filler + "月桃の染物。" + filler}};
  for (int i = 0; i < 30; ++i)
    docs.push_back({"CS-2024-" + std::to_string(100 + i), "中部", "売上の記録。"});
  const auto db = IndexNamedValueDocs(t, docs);
  auto open = [&](const std::string& ranking) { return RankedView(db, ranking); };
  search::SearchRequest request;
  request.query = "月桃 染物";
  request.explain = search::ExplainMode::kOn;

  // Complete matches first whatever their score: the order before blending.
  const auto tiered = open("every_word=1000000");
  CHECK(Listed(tiered, request) ==
        std::vector<std::string>{"CS-2024-971", "CS-2024-973", "CS-2024-972*"});
  auto raw = tiered.Run(request);
  REQUIRE(raw);
  std::map<std::string, double> score;
  for (const auto& h : raw->hits) score[h.id] = h.score - (h.partial ? 0 : 1000000);
  // The texts are made so: 972 (partial) scores well above 973 (complete), below 971.
  REQUIRE(score.at("CS-2024-972") > score.at("CS-2024-973") + 1);
  REQUIRE(score.at("CS-2024-972") < score.at("CS-2024-971"));

  const auto blended = open("every_word=1");
  auto r = blended.Run(request);
  REQUIRE(r);
  CHECK(r->total == 2);  // the total and the facets count complete matches only
  CHECK(r->partial_total == 1);
  CHECK(Listed(blended, request) ==
        std::vector<std::string>{"CS-2024-971", "CS-2024-972*", "CS-2024-973"});
  for (const auto& h : r->hits) {
    CAPTURE(h.id);
    CHECK(h.score == Approx(score.at(h.id) + (h.partial ? 0 : 1)).epsilon(1e-9));
    double sum = 0;
    int bonus = 0;
    for (const auto& term : h.explain) {
      sum += term.weight;
      if (term.kind == "every_word") ++bonus;
    }
    CHECK(bonus == (h.partial ? 0 : 1));
    CHECK(sum == Approx(h.score).epsilon(1e-6));
  }

  // Any page is the slice of that one list.
  const std::vector<std::string> all = Listed(blended, request);
  for (size_t limit : {1, 2}) {
    for (size_t offset = 0; offset < all.size(); ++offset) {
      CAPTURE(limit, offset);
      search::SearchRequest page = request;
      page.offset = offset;
      page.limit = limit;
      const std::vector<std::string> want(all.begin() + offset,
                                          all.begin() + std::min(all.size(), offset + limit));
      CHECK(Listed(blended, page) == want);
    }
  }

  // In date order the partial ones still come after every complete one.
  search::SearchRequest newest = request;
  newest.sort = search::SortOrder::kNewest;
  CHECK(Listed(blended, newest) ==
        std::vector<std::string>{"CS-2024-971", "CS-2024-973", "CS-2024-972*"});
}

TEST_CASE("SearchView: from 100 complete matches on, partial ones follow them all",
          "[disk][search]") {
  TempDir t;
  const auto src = t / "src";
  std::filesystem::create_directories(src);
  std::string filler;
  for (int i = 0; i < 100; ++i) filler += "経営者と話し合い、売上と費用の記録を確かめた。";
  // 100 long documents with both words once; one short one with one word, often: it would
  // score above them all; 300 short ones with neither.
  for (int i = 0; i < 100; ++i) {
    const std::string id = "CS-2024-" + std::to_string(100 + i);
    // The first also says 特別, to leave it out below.
    std::ofstream(src / (id + ".md"))
        << NamedValueDoc(id, "中部", filler + "月桃の染物。" + (i == 0 ? "特別。" : ""));
  }
  std::ofstream(src / "CS-2024-999.md")
      << NamedValueDoc("CS-2024-999", "中部", "月桃の葉。月桃の香り。月桃の畑。");
  for (int i = 0; i < 300; ++i) {
    const std::string id = "CS-2024-" + std::to_string(300 + i);
    std::ofstream(src / (id + ".md")) << NamedValueDoc(id, "中部", "売上の記録。");
  }
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), src.string()}).exit_code == 0);
  auto searcher = search::Searcher::Open(db);
  REQUIRE(searcher);
  auto ranking = search::ParseRankingConfig("every_word=0");  // the score alone would lead
  REQUIRE(ranking);
  searcher->SetRanking(*ranking);
  auto view = searcher->View(search::Clearance::kInternal);
  REQUIRE(view);
  search::SearchRequest request;
  request.query = "月桃 染物";
  request.limit = 100;
  auto first = view->Run(request);
  REQUIRE(first);
  REQUIRE(first->total == 100);
  CHECK(first->hits.size() == 100);
  CHECK(first->partial_total == 0);
  for (const auto& h : first->hits) CHECK_FALSE(h.partial);
  search::SearchRequest next = request;
  next.offset = 100;
  auto second = view->Run(next);
  REQUIRE(second);
  REQUIRE(second->hits.size() == 1);
  CHECK(second->hits[0].id == "CS-2024-999");
  CHECK(second->hits[0].partial);
  // One complete match fewer (99, below the window): the same document leads the list.
  search::SearchRequest fewer = request;
  fewer.query = "月桃 染物 -特別";
  auto below = view->Run(fewer);
  REQUIRE(below);
  REQUIRE(below->total == 99);
  CHECK(below->partial_total == 1);
  REQUIRE_FALSE(below->hits.empty());
  CHECK(below->hits[0].id == "CS-2024-999");
  CHECK(below->hits[0].partial);
}

}  // namespace
}  // namespace yuimaru::testing
