// Invariant checks for the fuzz targets: unlike assert, they stay on in every build type (the
// replay tests run in RelWithDebInfo and Release), and say which invariant broke.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/utf8.h"

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace yuimaru::fuzz {

inline bool IsUtf8(std::string_view s) {
  return core::FindInvalidUtf8(s) == std::string_view::npos;
}

// Whether `offset` starts a character of valid UTF-8 `s` (or is its end).
inline bool OnCharBoundary(std::string_view s, size_t offset) {
  return offset == s.size() ||
         (offset < s.size() && (static_cast<unsigned char>(s[offset]) & 0xC0) != 0x80);
}

}  // namespace yuimaru::fuzz
