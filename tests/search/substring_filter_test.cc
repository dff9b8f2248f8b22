#include "search/substring_filter.h"

#include <catch2/catch.hpp>

namespace yuimaru::search {
namespace {

TEST_CASE("SubstringFilter: requirements AND, alternatives OR, exclusions NOT",
          "[substring_filter]") {
  SubstringFilter f;
  f.required = {{{"事業承継"}, {"後継者問題"}}, {{"製造", "泡盛"}}};
  f.excluded = {{"廃業"}};
  CHECK(f.Matches("泡盛の製造業で事業承継"));
  CHECK(f.Matches("後継者問題を抱える泡盛の製造元"));
  CHECK_FALSE(f.Matches("事業と承継と泡盛の製造"));  // the pairs apart are not the run
  CHECK_FALSE(f.Matches("事業承継と製造"));          // one run of the second alternative missing
  CHECK_FALSE(f.Matches("泡盛の製造で事業承継か廃業か"));
  CHECK(SubstringFilter().Matches("anything"));
  CHECK(SubstringFilter().empty());
}

}  // namespace
}  // namespace yuimaru::search
