// The one text analyzer of yuimaru: normalization (normalizer.h), ICU word segmentation for
// Japanese, and the two kinds of index terms both sides use — dictionary words (precision) and
// character bigrams with positions (recall of every substring of two or more characters).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "search/core/normalizer.h"
#include "search/core/result.h"

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
// letter); a bigram term is kBigramPrefix followed by two adjacent index characters.
inline constexpr std::string_view kBigramPrefix = "B";
inline constexpr size_t kMaxWordChars = 40;  // longer "words" (URLs, hashes) are not word terms

std::string WordTerm(std::u32string_view word);
std::string BigramTerm(char32_t a, char32_t b);

// Whether a word is worth a word term: not a lone hiragana (particles) and not over-long.
bool IsIndexableWord(std::u32string_view word);

// Calls f(position, a, b) for every pair of adjacent index characters of `norm`, position being
// the code point offset of `a`.
template <typename F>
void ForEachBigram(std::u32string_view norm, F&& f);

template <typename F>
void ForEachBigram(std::u32string_view norm, F&& f) {
  for (size_t i = 0; i + 1 < norm.size(); ++i) {
    if (IsIndexChar(norm[i]) && IsIndexChar(norm[i + 1])) {
      f(static_cast<uint32_t>(i), norm[i], norm[i + 1]);
    }
  }
}

}  // namespace yuimaru::core
