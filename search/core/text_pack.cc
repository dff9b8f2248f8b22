#include "search/core/text_pack.h"

#include <zlib.h>

namespace yuimaru::core {
namespace {

// First byte: how the rest is stored.
constexpr char kRaw = 'r';
constexpr char kDeflated = 'z';
constexpr size_t kMinDeflate = 128;  // shorter text gains nothing

}  // namespace

std::string PackText(std::string_view text) {
  if (text.size() >= kMinDeflate) {
    uLongf size = compressBound(static_cast<uLong>(text.size()));
    std::string out(1 + 4 + size, '\0');
    out[0] = kDeflated;
    const uint32_t n = static_cast<uint32_t>(text.size());
    for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    if (compress2(reinterpret_cast<Bytef*>(out.data() + 5), &size,
                  reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()),
                  1) == Z_OK &&
        size + 5 < text.size() + 1) {
      out.resize(5 + size);
      return out;
    }
  }
  std::string out(1, kRaw);
  out.append(text);
  return out;
}

std::string UnpackText(std::string_view packed) {
  if (packed.empty()) return {};
  if (packed[0] == kRaw) return std::string(packed.substr(1));
  if (packed[0] != kDeflated || packed.size() < 5) return {};
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i)
    n |= static_cast<uint32_t>(static_cast<unsigned char>(packed[1 + i])) << (8 * i);
  std::string out(n, '\0');
  uLongf size = n;
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                 reinterpret_cast<const Bytef*>(packed.data() + 5),
                 static_cast<uLong>(packed.size() - 5)) != Z_OK ||
      size != n) {
    return {};
  }
  return out;
}

}  // namespace yuimaru::core
