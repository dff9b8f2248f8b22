#include "search/substring_filter.h"

#include <string.h>

#include "core/normalizer.h"
#include "core/utf8.h"

namespace yuimaru::search {

bool Occurs(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  // glibc's memmem (two-way): string_view::find compares at every lead byte, and in Japanese
  // UTF-8 almost every third byte is the same lead byte.
  return memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

namespace {

// The code point that ends just before byte `end` of valid UTF-8 `s`, and where it starts.
char32_t Before(std::string_view s, size_t end, size_t* start) {
  size_t i = end;
  while (i > 0 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) --i;
  *start = i > 0 ? i - 1 : 0;
  const auto decoded = core::DecodeUtf8(s.substr(*start, end - *start));
  return decoded && decoded->size() == 1 ? (*decoded)[0] : 0;
}

// The code point that starts at byte `pos` of valid UTF-8 `s`, or 0 at the end.
char32_t At(std::string_view s, size_t pos) {
  if (pos >= s.size()) return 0;
  const size_t len = core::Utf8SequenceLength(static_cast<unsigned char>(s[pos]));
  const auto decoded = core::DecodeUtf8(s.substr(pos, len));
  return decoded && decoded->size() == 1 ? (*decoded)[0] : 0;
}

bool ContextHolds(std::string_view s, size_t pos, size_t len,
                  const SubstringFilter::Run::InContext& v) {
  if (v.no_katakana_after && core::IsKatakana(At(s, pos + len))) return false;
  if (v.counter_noun_after && !core::IsCounterNoun(At(s, pos + len))) return false;
  size_t end = pos;
  if (v.numeral_before) {
    size_t start = 0;
    if (end == 0 || !core::IsCounterNumeral(Before(s, end, &start))) return false;
  }
  for (size_t k = 0; k < v.katakana_before; ++k) {
    size_t start = 0;
    if (end == 0 || !core::IsKatakana(Before(s, end, &start))) return false;
    end = start;
  }
  return true;
}

}  // namespace

bool OccursInContext(std::string_view haystack, const SubstringFilter::Run::InContext& v) {
  if (v.text.empty()) return false;
  size_t from = 0;
  while (from < haystack.size()) {
    const void* hit =
        memmem(haystack.data() + from, haystack.size() - from, v.text.data(), v.text.size());
    if (hit == nullptr) return false;
    const size_t pos = static_cast<const char*>(hit) - haystack.data();
    if (ContextHolds(haystack, pos, v.text.size(), v)) return true;
    from = pos + 1;
  }
  return false;
}

}  // namespace yuimaru::search
