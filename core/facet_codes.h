// Packed facet values of one document: a byte string of (field id, value id) varint pairs,
// stored in value slot kFacetSlot. Counting facets then adds small integers instead of
// comparing strings (string-valued ValueCountMatchSpy cost most of Xapian's query time).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yuimaru::core {

struct FacetCode {
  uint32_t field = 0;  // index in FacetFields()
  uint32_t value = 0;  // value id (schema.h)
};

std::string EncodeFacetCodes(const std::vector<FacetCode>& codes);

// Calls f(field, value) for each pair. Stops at malformed input (a truncated varint).
template <typename F>
void DecodeFacetCodes(std::string_view data, F&& f) {
  size_t i = 0;
  auto next = [&](uint32_t& out) {
    out = 0;
    for (int shift = 0; i < data.size() && shift < 35; shift += 7) {
      const auto b = static_cast<unsigned char>(data[i++]);
      out |= static_cast<uint32_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  };
  uint32_t field, value;
  while (i < data.size() && next(field) && next(value)) f(field, value);
}

}  // namespace yuimaru::core
