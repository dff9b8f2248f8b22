#include "search/facet_counter.h"

#include <catch2/catch.hpp>

#include "core/facet_codes.h"

namespace yuimaru::search {
namespace {

const FacetResult& Field(const std::vector<FacetResult>& results, const std::string& key) {
  for (const auto& r : results) {
    if (r.key == key) return r;
  }
  FAIL("no facet " << key);
  return results.front();
}

TEST_CASE("FacetCounter: counts values over documents, in vocabulary order, years newest first",
          "[facets]") {
  const core::FieldDef& industry = *core::FindField("industry");
  const core::FieldDef& fy = *core::FindField("fiscal_year");
  const uint32_t fi = core::FieldIndex(industry), fyi = core::FieldIndex(fy);
  const uint32_t mfg = *core::FindValue(industry, "製造業"),
                 con = *core::FindValue(industry, "建設業");
  const uint32_t y23 = *core::FindValue(fy, "2023"), y24 = *core::FindValue(fy, "2024");
  FacetCounter c;
  c.Add(core::EncodeFacetCodes({{fi, mfg}, {fyi, y23}}));
  c.Add(core::EncodeFacetCodes({{fi, mfg}, {fyi, y24}}));
  c.Add(core::EncodeFacetCodes({{fi, con}, {fyi, y24}}));
  const auto results = c.Results({{static_cast<int>(fi), static_cast<int>(con)}});
  const FacetResult& ind = Field(results, "industry");
  REQUIRE(ind.values.size() == 2);
  CHECK(ind.values[0].label == "建設業");  // D before E in the vocabulary
  CHECK(ind.values[0].count == 1);
  CHECK(ind.values[0].selected);
  CHECK(ind.values[1].label == "製造業");
  CHECK(ind.values[1].count == 2);
  const FacetResult& years = Field(results, "fiscal_year");
  REQUIRE(years.values.size() == 2);
  CHECK(years.values[0].label == "2024");
  CHECK(years.values[0].count == 2);
  CHECK(Field(results, "region").values.empty());
}

}  // namespace
}  // namespace yuimaru::search
