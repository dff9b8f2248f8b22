#include "core/synonyms.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

constexpr char kTable[] =
    "# preferred\tequivalents\tnarrower\trelated\n"
    "事業承継\t承継,後継者問題,事業継承\t親族内承継,第三者承継\t後継者育成\n"
    "DX\tデジタル化, IT化\n";

std::vector<std::string> Texts(const std::vector<SynonymExpansion>& e) {
  std::vector<std::string> out;
  for (const auto& x : e) out.push_back(x.text);
  return out;
}

TEST_CASE("SynonymTable: equivalents expand both ways, narrower terms only downwards",
          "[synonyms]") {
  auto t = SynonymTable::Parse(kTable, "synonyms.tsv");
  REQUIRE(t);
  CHECK(t->groups() == 2);
  CHECK(Texts(t->Expand("事業承継")) ==
        std::vector<std::string>{"承継", "後継者問題", "事業継承", "親族内承継", "第三者承継"});
  CHECK(Texts(t->Expand("後継者問題")) ==
        std::vector<std::string>{"事業承継", "承継", "事業継承", "親族内承継", "第三者承継"});
  CHECK(t->Expand("第三者承継").empty());
  CHECK(Texts(t->Expand("dx")) == std::vector<std::string>{"デジタル化", "it化"});
  CHECK(t->Related("事業承継") == std::vector<std::string>{"後継者育成"});
}

TEST_CASE("SynonymTable: members inside a longer text are found longest first", "[synonyms]") {
  auto t = SynonymTable::Parse(kTable, "synonyms.tsv");
  REQUIRE(t);
  CHECK(t->MembersWithin(U"事業承継の事例") == std::vector<std::string>{"事業承継"});
}

TEST_CASE("SynonymTable: a malformed line is named", "[synonyms]") {
  auto t = SynonymTable::Parse("ok\tfine\n\tno preferred\n", "s.tsv");
  REQUIRE_FALSE(t);
  CHECK(t.error().rule == "synonyms.format");
  CHECK(t.error().line == 2);
  CHECK(t.error().source == "s.tsv");
}

}  // namespace
}  // namespace yuimaru::core
