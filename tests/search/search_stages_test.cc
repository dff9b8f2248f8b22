// The stages of a search that need no index: preparing the query and interpreting it.
#include "search/search_stages.h"

#include <catch2/catch.hpp>

namespace yuimaru::search {
namespace {

core::Analyzer MakeAnalyzer() {
  auto a = core::Analyzer::Create();
  REQUIRE(a);
  return std::move(*a);
}

TEST_CASE("PrepareQuery: clauses are analysed once, in order, for every stage", "[search_stages]") {
  const core::Analyzer analyzer = MakeAnalyzer();
  SearchRequest request;
  request.query = "ＤＸ推進 -製造業 \"事業承継\"";
  request.filters = {{"region", "中部"}};
  auto q = PrepareQuery(request, analyzer, core::SynonymTable(), RankingConfig(), 2025);
  REQUIRE(q);
  const PreparedQuery& p = **q;
  REQUIRE(p.clauses.size() == p.parsed.clauses.size());
  REQUIRE(p.clauses.size() == 3);
  CHECK(p.clauses[0].norm == U"dx推進");
  CHECK_FALSE(p.clauses[0].words.empty());
  CHECK(p.clauses[1].words.empty());  // negated: never segmented
  CHECK(p.input.clauses == &p.clauses);
  CHECK(p.selected.size() == 1);
  CHECK(p.built.has_text);
}

TEST_CASE("PrepareQuery: paging and filter errors are the request's errors", "[search_stages]") {
  const core::Analyzer analyzer = MakeAnalyzer();
  SearchRequest request;
  request.limit = 1001;
  auto q = PrepareQuery(request, analyzer, core::SynonymTable(), RankingConfig(), 2025);
  REQUIRE_FALSE(q);
  CHECK(q.error().rule == "query.paging");
  request.limit = 10;
  request.date_from = "2024/01/01";
  q = PrepareQuery(request, analyzer, core::SynonymTable(), RankingConfig(), 2025);
  REQUIRE_FALSE(q);
  CHECK(q.error().rule == "query.date");
}

TEST_CASE("Interpret: suggestions and related words come from the analysed clauses",
          "[search_stages]") {
  const core::Analyzer analyzer = MakeAnalyzer();
  auto synonyms = core::SynonymTable::Parse("事業承継\t後継者問題\t\t後継者育成\n", "s");
  REQUIRE(synonyms);
  SearchRequest request;
  request.query = "製造業の事業承継 令和5年度";
  request.filters = {{"industry", "製造業"}};
  auto q = PrepareQuery(request, analyzer, *synonyms, RankingConfig(), 2025);
  REQUIRE(q);
  const Interpretation in = Interpret(**q, *synonyms, false);
  CHECK_FALSE(in.relaxed);
  CHECK(in.related == std::vector<std::string>{"後継者育成"});
  bool industry = false, year = false;
  for (const FilterSuggestion& s : in.suggestions) {
    if (s.key == "industry" && s.value == "製造業") industry = s.applied;
    if (s.key == "fiscal_year" && s.value == "2023") year = !s.applied;
  }
  CHECK(industry);
  CHECK(year);
}

}  // namespace
}  // namespace yuimaru::search
