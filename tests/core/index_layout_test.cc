#include "core/index_layout.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace yuimaru::core {
namespace {

TEST_CASE("IndexLayout: a generation's name reads back into its number", "[index_layout]") {
  for (const uint64_t n : {uint64_t{1}, uint64_t{7}, uint64_t{999999}, uint64_t{1234567}}) {
    const auto dir = ParseGenerationDirName(GenerationDirName(n));
    REQUIRE(dir);
    CHECK(dir->number == n);
    CHECK_FALSE(dir->temporary);
    const auto tmp = ParseGenerationDirName(GenerationDirName(n) + kTemporarySuffix);
    REQUIRE(tmp);
    CHECK(tmp->number == n);
    CHECK(tmp->temporary);
  }
  CHECK(GenerationDirName(7) == "gen-000007");
}

TEST_CASE("IndexLayout: other names in the index directory are not generations", "[index_layout]") {
  auto name = GENERATE(as<std::string>{}, "CURRENT", "CURRENT.new", "LOCK", "gen-", "gen-.tmp",
                       "gen-x", "gen-12a", "gen-1.tmp.tmp", "gen-+1", "gen- 1", "xgen-1",
                       "users.json", "gen-99999999999999999999", "purge-journal.json");
  CAPTURE(name);
  CHECK_FALSE(ParseGenerationDirName(name));
}

}  // namespace
}  // namespace yuimaru::core
