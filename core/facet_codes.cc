#include "core/facet_codes.h"

namespace yuimaru::core {
namespace {

void PutVarint(uint32_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

}  // namespace

std::string EncodeFacetCodes(const std::vector<FacetCode>& codes) {
  std::string out;
  out.reserve(codes.size() * 2);
  for (const FacetCode& c : codes) {
    PutVarint(c.field, out);
    PutVarint(c.value, out);
  }
  return out;
}

}  // namespace yuimaru::core
