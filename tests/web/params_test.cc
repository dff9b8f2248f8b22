#include "web/params.h"

#include <catch2/catch.hpp>

namespace yuimaru::web {
namespace {

TEST_CASE("Params: a search state round-trips through its URL", "[params]") {
  const std::multimap<std::string, std::string> params = {
      {"q", "事業承継 後継者"}, {"industry", "製造業"}, {"industry", "建設業"}, {"region", "中部"},
      {"from", "2024-04-01"},   {"sort", "newest"},     {"page", "3"},          {"per", "50"},
      {"explain", "1"}};
  const auto s = ParseSearchState(params);
  REQUIRE(s);
  CHECK(s->filters.size() == 3);
  CHECK(s->page == 3);
  CHECK(s->per == 50);
  const auto r = ToRequest(*s);
  CHECK(r.offset == 100);
  CHECK(r.limit == 50);
  CHECK(r.sort == search::SortOrder::kNewest);
  CHECK(r.explain == search::ExplainMode::kOn);
  const std::string url = StateUrl(*s);
  CHECK(url.rfind("/search?q=", 0) == 0);
  CHECK(StateParams(*s).size() == params.size());
}

TEST_CASE("Params: a filter given twice is one filter", "[params]") {
  // Found by fuzz/params: the two spellings decode to one value, the page's links then carry it
  // once, and cpp-httplib drops a repeated key=value, so the state did not come back.
  const auto s = ParseSearchState(
      {{"industry", "製造業"}, {"industry", "製造業"}, {"industry", "建設業"}, {"doc_id", "X-1"}});
  REQUIRE(s);
  CHECK(s->filters == std::vector<std::pair<std::string, std::string>>{
                          {"doc_id", "X-1"}, {"industry", "製造業"}, {"industry", "建設業"}});
}

TEST_CASE("Params: adding a filter or sorting returns to page 1; removing keeps the others",
          "[params]") {
  SearchState s;
  s.page = 4;
  s.filters = {{"industry", "製造業"}};
  const SearchState added = s.WithFilter("region", "北部");
  CHECK(added.page == 1);
  CHECK(added.HasFilter("industry", "製造業"));
  CHECK(added.HasFilter("region", "北部"));
  CHECK_FALSE(added.WithoutFilter("industry", "製造業").HasFilter("industry", "製造業"));
  CHECK(s.WithSort("oldest").page == 1);
}

TEST_CASE("Params: unknown, repeated and out-of-range parameters are refused with a rule",
          "[params]") {
  auto [key, value, rule] = GENERATE(table<std::string, std::string, std::string>({
      {"bogus", "1", "param.unknown"},
      {"page", "0", "param.page"},
      {"page", "1001", "param.page"},
      {"page", "x", "param.page"},
      {"per", "7", "param.per"},
      {"sort", "random", "param.sort"},
  }));
  const auto s = ParseSearchState({{key, value}});
  REQUIRE_FALSE(s);
  CHECK(s.error().rule == rule);
  CHECK(s.error().code == ErrorCode::kInvalidInput);
  const auto twice = ParseSearchState({{"q", "a"}, {"q", "b"}});
  REQUIRE_FALSE(twice);
  CHECK(twice.error().rule == "param.repeated");
}

}  // namespace
}  // namespace yuimaru::web
