// Text normalization shared by the index side and the query side: ICU NFKC_Casefold, then the
// folds NFKC leaves undone (wave dashes, hyphen variants, counters after numbers, a trailing
// long-vowel mark in katakana words). All folds are character-level with one character of
// context, so the same text normalizes the same way wherever it stands.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yuimaru::core {

// Normalized code points plus, for each of them, the byte offset in the source UTF-8 text of the
// character it came from; source_offsets has one extra final entry equal to the source size.
struct NormalizedText {
  std::u32string text;
  std::vector<uint32_t> source_offsets;
};

// Returns the normalized form of valid UTF-8 `text` (callers validate first; invalid bytes
// become U+FFFD). Thread-safe.
std::u32string Normalize(std::string_view text);

// Same result as Normalize, plus a map back to source byte offsets (for highlighting and error
// columns). Slower: it normalizes one normalization segment at a time. Thread-safe.
NormalizedText NormalizeWithOffsets(std::string_view text);

// Normalize() as UTF-8: for comparing labels, aliases and user-typed values.
std::string NormalizeToUtf8(std::string_view text);

// Character classes of normalized text.
bool IsIndexChar(char32_t c);  // letters, marks, digits: the characters that make terms
inline bool IsHiragana(char32_t c) { return c >= 0x3041 && c <= 0x309F; }
inline bool IsKatakana(char32_t c) { return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC; }
bool IsHan(char32_t c);

}  // namespace yuimaru::core
