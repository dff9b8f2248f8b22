#include "search/substring_filter.h"

#include <string.h>

namespace yuimaru::search {

bool Occurs(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  // glibc's memmem (two-way): string_view::find compares at every lead byte, and in Japanese
  // UTF-8 almost every third byte is the same lead byte.
  return memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

}  // namespace yuimaru::search
