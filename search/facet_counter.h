// Facet counting over packed facet codes (core/facet_codes.h): integer counters per field and
// value id, turned into labelled results in vocabulary order. Pure; the Xapian MatchSpy that
// feeds it lives in searcher.cc.
#pragma once

#include <cstdint>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "search/search.h"

namespace yuimaru::search {

class FacetCounter {
 public:
  FacetCounter();
  // Counts one document's packed codes (`times` documents with the same codes).
  void Add(std::string_view packed, uint64_t times = 1);
  // Every facet field with its non-zero values; `selected` holds (field index, value id) pairs
  // that the request filters on, flagged in the result.
  std::vector<FacetResult> Results(const std::set<std::pair<int, int>>& selected) const;

 private:
  std::vector<std::vector<uint64_t>> counts_;  // [field][value id]
};

}  // namespace yuimaru::search
