#include "core/analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include "core/normalizer.h"
#include "core/utf8.h"

namespace yuimaru::core {

struct Analyzer::Impl {
  std::unique_ptr<icu::BreakIterator> words;
};

Analyzer::Analyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;
Analyzer::~Analyzer() = default;

Result<Analyzer> Analyzer::Create() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> bi(
      icu::BreakIterator::createWordInstance(icu::Locale::getJapanese(), status));
  if (U_FAILURE(status) || !bi) {
    return MakeError(ErrorCode::kInternal, "icu.break-iterator",
                     std::string("ICU word break iterator unavailable: ") + u_errorName(status));
  }
  auto impl = std::make_unique<Impl>();
  impl->words = std::move(bi);
  return Analyzer(std::move(impl));
}

Result<Analyzer> Analyzer::Clone() const {
  auto impl = std::make_unique<Impl>();
  impl->words.reset(impl_->words->clone());
  if (!impl->words) return MakeError(ErrorCode::kInternal, "icu.break-iterator", "clone failed");
  return Analyzer(std::move(impl));
}

Analysis Analyzer::Analyze(std::string_view text) const {
  Analysis a;
  a.norm = Normalize(text);
  a.words = Segment(a.norm);
  return a;
}

std::vector<Word> Analyzer::Segment(std::u32string_view norm) const {
  std::vector<Word> words;
  if (norm.empty()) return words;
  const icu::UnicodeString s = icu::UnicodeString::fromUTF32(
      reinterpret_cast<const UChar32*>(norm.data()), static_cast<int32_t>(norm.size()));
  // UTF-16 index → code point index, needed only when there are supplementary characters.
  std::vector<uint32_t> cp_at;
  if (static_cast<size_t>(s.length()) != norm.size()) {
    cp_at.resize(s.length() + 1);
    uint32_t cp = 0;
    for (int32_t i = 0; i < s.length(); ++i) {
      cp_at[i] = cp;
      if (!U16_IS_LEAD(s[i]) || i + 1 >= s.length() || !U16_IS_TRAIL(s[i + 1])) ++cp;
    }
    cp_at[s.length()] = cp;
  }
  auto to_cp = [&](int32_t i) { return cp_at.empty() ? static_cast<uint32_t>(i) : cp_at[i]; };
  icu::BreakIterator& bi = *impl_->words;
  bi.setText(s);
  int32_t start = bi.first();
  for (int32_t end = bi.next(); end != icu::BreakIterator::DONE; start = end, end = bi.next()) {
    // Rule status UBRK_WORD_NONE (0..99) marks spaces and punctuation.
    if (bi.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    words.push_back(Word{to_cp(start), to_cp(end)});
  }
  return words;
}

std::string WordTerm(std::u32string_view word) { return EncodeUtf8(word); }

std::string UnigramTerm(char32_t a) {
  std::string term(kUnigramPrefix);
  AppendUtf8(a, term);
  return term;
}

std::string BigramTerm(char32_t a, char32_t b) {
  std::string term(kBigramPrefix);
  AppendUtf8(a, term);
  AppendUtf8(b, term);
  return term;
}

std::string TrigramTerm(char32_t a, char32_t b, char32_t c) {
  std::string term(kTrigramPrefix);
  AppendUtf8(a, term);
  AppendUtf8(b, term);
  AppendUtf8(c, term);
  return term;
}

bool IsIndexableWord(std::u32string_view word) {
  if (word.empty() || word.size() > kMaxWordChars) return false;
  if (word.size() == 1 && IsHiragana(word[0])) return false;
  return true;
}

}  // namespace yuimaru::core
