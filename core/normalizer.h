// Text normalization shared by the index side and the query side: ICU NFKC_Casefold, then the
// folds NFKC leaves undone (wave dashes, hyphen variants, counters after numbers, a trailing
// long-vowel mark in katakana words). Two folds read context around a character (how many
// katakana precede a long-vowel mark; a numeral before and a counter noun after ヶ), so a query,
// which lacks that context, can fold differently from the same characters inside a document:
// ContextVariants says how such a query reads there.
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

// A numeral a counter ヶ/カ/ケ may follow (3ヶ月 folds to 3か月): digits, 一…十, 百, 何, 数.
bool IsCounterNumeral(char32_t c);
// A noun such a counter comes before: 月所国年条.
bool IsCounterNoun(char32_t c);

// How a run of normalized query text reads inside a document whose folds saw characters around
// the run. サイドミラー folds to サイドミラ (a long-vowel mark after three or more katakana
// characters goes) while the query ミラー keeps its mark; 3ヶ月 folds to 3か月, the queries ヶ月
// and 3ヶ stay. Each variant is the run as folded inside such text, with the context the text
// must have for it: so the query ミラー also finds サイドミラ, and カー finds レンタカ but not
// ジャカルタ. Not covered: a long-vowel mark between two digits (090ー1234 folds to 090-1234), a
// run of the mark alone (ー), and a run of the counter alone (ヶ finds the documents whose
// text kept a ヶ, not 3ヶ月, which is 3か月 there).
struct ContextVariant {
  std::u32string text;
  size_t katakana_before = 0;       // at least this many katakana characters right before it
  bool numeral_before = false;      // an IsCounterNumeral character right before it
  bool no_katakana_after = false;   // not followed by a katakana character
  bool counter_noun_after = false;  // followed by one of 月所国年条
};
std::vector<ContextVariant> ContextVariants(std::u32string_view run);

}  // namespace yuimaru::core
