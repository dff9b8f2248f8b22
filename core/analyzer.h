// The one text analyzer of yuimaru: normalization (normalizer.h), ICU word segmentation for
// Japanese, and the kinds of index terms both sides use — dictionary words (precision), and
// character bigrams and katakana trigrams without positions (recall of every substring of two or
// more characters; the order of a longer run is proved on the stored text, core/schema.h
// kTextSlot).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/normalizer.h"
#include "core/result.h"

namespace yuimaru::core {

// A word found by ICU in normalized text: code point range [start, end).
struct Word {
  uint32_t start = 0;
  uint32_t end = 0;
};

struct Analysis {
  std::u32string norm;      // normalized text
  std::vector<Word> words;  // ICU words (letters, kana, ideographs, numbers), no punctuation
};

class Analyzer {
 public:
  // Fails with kInternal if ICU's Japanese word break data is missing.
  static Result<Analyzer> Create();

  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;
  ~Analyzer();

  // Normalizes and segments valid UTF-8 (callers validate with FindInvalidUtf8; invalid bytes
  // would become U+FFFD). Not thread-safe: each thread uses its own Analyzer (see Clone).
  Analysis Analyze(std::string_view text) const;
  // Segments text that is already normalized.
  std::vector<Word> Segment(std::u32string_view norm) const;

  Result<Analyzer> Clone() const;

 private:
  struct Impl;
  explicit Analyzer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Index terms. A word term is the word itself (normalized, so never an upper-case ASCII
// letter); a bigram term is kBigramPrefix followed by two adjacent index characters; a trigram
// term is kTrigramPrefix followed by three adjacent katakana (a katakana bigram such as ボー or
// ート occurs in hundreds of loanwords, so without trigrams a query for ボート would have to
// check most of the corpus's text; kanji and mixed bigrams are selective enough).
inline constexpr std::string_view kBigramPrefix = "B";
inline constexpr std::string_view kTrigramPrefix = "C";
// A unigram term is kUnigramPrefix followed by one index character: a query of one character
// (株, 県, 税) is then decided by the index alone, wherever the character stands in a word.
inline constexpr std::string_view kUnigramPrefix = "U";
// A title's terms are stored twice: as above, and with kTitlePrefix in front (T事業承継, TB承継),
// so that a query can weigh a match in the title on its own statistics (BM25's early saturation
// would otherwise make the title's wdf worth little more than one word in the body).
inline constexpr std::string_view kTitlePrefix = "T";
inline constexpr size_t kMaxWordChars = 40;  // longer "words" (URLs, hashes) are not word terms

std::string WordTerm(std::u32string_view word);
std::string UnigramTerm(char32_t a);
std::string BigramTerm(char32_t a, char32_t b);
std::string TrigramTerm(char32_t a, char32_t b, char32_t c);

// Whether a word is worth a word term: not a lone hiragana (particles) and not over-long.
bool IsIndexableWord(std::u32string_view word);

// Calls f(position, a, b) for every pair of adjacent index characters of `norm`, position being
// the code point offset of `a`.
template <typename F>
void ForEachBigram(std::u32string_view norm, F&& f);

// Calls f(position, a, b, c) for every three adjacent katakana (ー included) of `norm`.
template <typename F>
void ForEachKatakanaTrigram(std::u32string_view norm, F&& f) {
  for (size_t i = 0; i + 2 < norm.size(); ++i) {
    if (IsKatakana(norm[i]) && IsKatakana(norm[i + 1]) && IsKatakana(norm[i + 2])) {
      f(static_cast<uint32_t>(i), norm[i], norm[i + 1], norm[i + 2]);
    }
  }
}

template <typename F>
void ForEachBigram(std::u32string_view norm, F&& f) {
  for (size_t i = 0; i + 1 < norm.size(); ++i) {
    if (IsIndexChar(norm[i]) && IsIndexChar(norm[i + 1])) {
      f(static_cast<uint32_t>(i), norm[i], norm[i + 1]);
    }
  }
}

// The one term generator of both sides: the terms the indexer stores for a text and the query
// builder looks up for a query word are made here, so they cannot drift apart.
enum class TermKind { kWord, kUnigram, kBigram, kKatakanaTrigram };

// The term of `surface` (a word, one, two or three characters of normalized text) of kind
// `kind`.
inline std::string TermName(TermKind kind, std::u32string_view surface) {
  switch (kind) {
    case TermKind::kWord:
      return WordTerm(surface);
    case TermKind::kUnigram:
      return UnigramTerm(surface[0]);
    case TermKind::kBigram:
      return BigramTerm(surface[0], surface[1]);
    case TermKind::kKatakanaTrigram:
      return TrigramTerm(surface[0], surface[1], surface[2]);
  }
  return {};
}

// Calls f(kind, start, surface) for the terms of normalized text `norm` segmented into `words`:
// each indexable word (IsIndexableWord) in order, then every index character (IsIndexChar), then
// every bigram (ForEachBigram), then every katakana trigram (ForEachKatakanaTrigram); `start` is
// the code point offset of the surface and its term is TermName(kind, surface).
template <typename F>
void ForEachTextTerm(std::u32string_view norm, const std::vector<Word>& words, F&& f) {
  for (const Word& w : words) {
    const std::u32string_view word = norm.substr(w.start, w.end - w.start);
    if (IsIndexableWord(word)) f(TermKind::kWord, static_cast<uint32_t>(w.start), word);
  }
  for (size_t i = 0; i < norm.size(); ++i) {
    if (IsIndexChar(norm[i])) f(TermKind::kUnigram, static_cast<uint32_t>(i), norm.substr(i, 1));
  }
  ForEachBigram(
      norm, [&](uint32_t i, char32_t, char32_t) { f(TermKind::kBigram, i, norm.substr(i, 2)); });
  ForEachKatakanaTrigram(norm, [&](uint32_t i, char32_t, char32_t, char32_t) {
    f(TermKind::kKatakanaTrigram, i, norm.substr(i, 3));
  });
}

}  // namespace yuimaru::core
