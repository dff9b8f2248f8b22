#include "core/facet_codes.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("FacetCodes: pairs round-trip, large values included", "[facet_codes]") {
  const std::vector<FacetCode> codes = {{0, 3}, {4, 13}, {16, 999}, {1, 34}, {200, 70000}};
  std::vector<FacetCode> back;
  DecodeFacetCodes(EncodeFacetCodes(codes), [&](uint32_t f, uint32_t v) {
    back.push_back({f, v});
  });
  REQUIRE(back.size() == codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    CHECK(back[i].field == codes[i].field);
    CHECK(back[i].value == codes[i].value);
  }
}

TEST_CASE("FacetCodes: a truncated string stops decoding instead of reading past it",
          "[facet_codes]") {
  std::string data = EncodeFacetCodes({{1, 2}, {3, 70000}});
  data.pop_back();
  int pairs = 0;
  DecodeFacetCodes(data, [&](uint32_t, uint32_t) { ++pairs; });
  CHECK(pairs == 1);
}

}  // namespace
}  // namespace yuimaru::core
