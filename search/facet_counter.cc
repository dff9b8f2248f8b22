#include "search/facet_counter.h"

#include "core/facet_codes.h"
#include "core/schema.h"

namespace yuimaru::search {

FacetCounter::FacetCounter() : counts_(core::FacetFields().size()) {
  for (size_t f = 0; f < counts_.size(); ++f) {
    const auto& field = core::FacetFields()[f];
    const size_t n = field.type == core::FieldType::kYear          ? 250
                     : field.type == core::FieldType::kConsultants ? 1000
                                                                   : field.vocab.size();
    counts_[f].assign(n, 0);
  }
}

void FacetCounter::Add(std::string_view packed, uint64_t times) {
  core::DecodeFacetCodes(packed, [&](uint32_t f, uint32_t v) {
    if (f < counts_.size() && v < counts_[f].size()) counts_[f][v] += times;
  });
}

std::vector<FacetResult> FacetCounter::Results(
    const std::set<std::pair<int, int>>& selected) const {
  std::vector<FacetResult> out;
  const auto& fields = core::FacetFields();
  for (size_t f = 0; f < fields.size(); ++f) {
    FacetResult r;
    r.key = std::string(fields[f].key);
    r.label = std::string(fields[f].label);
    const bool newest_first = fields[f].type == core::FieldType::kYear;
    const size_t n = counts_[f].size();
    for (size_t k = 0; k < n; ++k) {
      const size_t v = newest_first ? n - 1 - k : k;
      const bool is_selected = selected.count({static_cast<int>(f), static_cast<int>(v)}) > 0;
      if (counts_[f][v] == 0 && !is_selected) continue;
      FacetValueCount c;
      c.label = core::ValueLabel(fields[f], static_cast<int>(v));
      c.code = core::ValueCode(fields[f], static_cast<int>(v));
      c.count = counts_[f][v];
      c.selected = is_selected;
      r.values.push_back(std::move(c));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace yuimaru::search
