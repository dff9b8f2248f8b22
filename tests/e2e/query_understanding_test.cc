// Query understanding through the CLI: 年度 expressions and facet words are offered as filters,
// while the words are still searched.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

struct Suggestion {
  std::string field, value;
  bool applied;
};

std::vector<Suggestion> Suggestions(const nlohmann::json& r) {
  std::vector<Suggestion> out;
  for (const auto& s : r["interpretation"]["suggested_filters"]) {
    out.push_back({s["field"], s["value"], s["applied"]});
  }
  return out;
}

bool Has(const std::vector<Suggestion>& s, const std::string& field, const std::string& value) {
  for (const auto& x : s) {
    if (x.field == field && x.value == value) return true;
  }
  return false;
}

TEST_CASE("query understanding: 年度 and facet words become suggested filters",
          "[disk][understanding]") {
  TempDir t;
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), (SourceDir() / "corpus").string()})
              .exit_code == 0);
  auto search = [&](const std::vector<std::string>& args) {
    std::vector<std::string> full = {"search", "--db", (t / "db").string(), "--json"};
    full.insert(full.end(), args.begin(), args.end());
    const CommandResult r = Yuimaru(full);
    REQUIRE(r.exit_code == 0);
    return r.Json();
  };
  auto [query, field, value] = GENERATE(table<std::string, std::string, std::string>({
      {"令和5年度 支援事例", "fiscal_year", "2023"},
      {"R5年度 よろず", "fiscal_year", "2023"},
      {"2023年度 橋渡し", "fiscal_year", "2023"},
      {"令和5年度 支援事例", "doc_type", "支援事例"},
      {"製造業 後継者", "industry", "製造業"},
      {"北部 支援中", "region", "北部"},
      {"訪問メモ 初回", "doc_type", "訪問メモ"},
      {"事業承継 事例", "issues", "事業承継"},
      {"離島 物流コスト", "ritou", "離島"},
  }));
  CAPTURE(query);
  std::vector<std::string> words;
  for (size_t p = 0, q; p <= query.size(); p = q + 1) {
    q = query.find(' ', p);
    if (q == std::string::npos) q = query.size();
    words.push_back(query.substr(p, q - p));
  }
  const auto r = search(words);
  CHECK(Has(Suggestions(r), field, value));
  CHECK(r["total"].get<int>() > 0);  // the words are still searched
  // Applying the suggestion marks it applied and narrows the result.
  std::vector<std::string> filtered = {"--filter", field + "=" + value};
  filtered.insert(filtered.end(), words.begin(), words.end());
  const auto applied = search(filtered);
  for (const auto& s : Suggestions(applied)) {
    if (s.field == field && s.value == value) CHECK(s.applied);
  }
  for (const auto& h : applied["hits"]) {
    if (field == "fiscal_year") {
      CHECK(std::to_string(h["fiscal_year"].get<int>()) == value);
    } else {
      const auto& labels = h["facets"][field];
      CHECK(std::find(labels.begin(), labels.end(), value) != labels.end());
    }
  }
}

TEST_CASE("query understanding: 今年度 is relative to today", "[disk][understanding]") {
  TempDir t;
  REQUIRE(
      Yuimaru({"index", "--db", (t / "db").string(), (SourceDir() / "corpus" / "methods").string()})
          .exit_code == 0);
  const CommandResult r =
      Yuimaru({"search", "--db", (t / "db").string(), "--json", "今年度", "資金繰り"});
  REQUIRE(r.exit_code == 0);
  const auto s = Suggestions(r.Json());
  bool found = false;
  for (const auto& x : s) found |= x.field == "fiscal_year" && std::stoi(x.value) >= 2026;
  CHECK(found);
}

}  // namespace
}  // namespace yuimaru::testing
