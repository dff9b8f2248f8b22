#include "core/text_pack.h"

#include <zlib.h>

namespace yuimaru::core {
namespace {

constexpr char kDeflated = '\x01';

}  // namespace

std::string PackText(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(1 + size, '\0');
  out[0] = kDeflated;
  if (compress2(reinterpret_cast<Bytef*>(out.data() + 1), &size,
                reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()),
                6) != Z_OK) {
    return std::string(text);  // cannot happen with a large enough buffer; store it plain
  }
  out.resize(1 + size);
  return out;
}

Result<std::string> UnpackText(std::string_view stored) {
  if (stored.empty() || stored[0] != kDeflated) return std::string(stored);
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return MakeError(ErrorCode::kInternal, "text.inflate", "zlib");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stored.data() + 1));
  z.avail_in = static_cast<uInt>(stored.size() - 1);
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) {
    return MakeError(ErrorCode::kInternal, "text.inflate", "索引のテキストが壊れています");
  }
  return out;
}

}  // namespace yuimaru::core
