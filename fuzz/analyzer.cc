// Fuzz target: normalization and segmentation (core/normalizer, core/analyzer), the
// code every index term and every query term goes through.
//
// Invariants (core/normalizer.h, analyzer.h):
//  * NormalizeWithOffsets gives the same text as Normalize, with one source offset per code
//    point plus a final one equal to the input size; offsets never decrease, stay inside the
//    input and, for valid UTF-8, fall on character boundaries;
//  * NormalizeToUtf8 is Normalize as valid UTF-8, and no code point is a surrogate or beyond
//    U+10FFFF;
//  * Analyze gives the normalized text and words that are non-empty, in order, not overlapping,
//    inside it; Segment of that text gives the same words;
//  * every term built from the words is valid UTF-8.
#include "core/analyzer.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/normalizer.h"
#include "fuzz/fuzz_check.h"

namespace {

using yuimaru::fuzz::IsUtf8;
using yuimaru::fuzz::OnCharBoundary;

const yuimaru::core::Analyzer& TheAnalyzer() {
  static const yuimaru::core::Analyzer analyzer = [] {
    auto a = yuimaru::core::Analyzer::Create();
    FUZZ_CHECK(a.has_value());
    return std::move(*a);
  }();
  return analyzer;
}

bool IsScalarValue(char32_t c) { return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = IsUtf8(text);

  const std::u32string norm = yuimaru::core::Normalize(text);
  for (char32_t c : norm) FUZZ_CHECK(IsScalarValue(c));
  const std::string utf8 = yuimaru::core::NormalizeToUtf8(text);
  FUZZ_CHECK(IsUtf8(utf8));
  FUZZ_CHECK(utf8 == yuimaru::core::EncodeUtf8(norm));

  const yuimaru::core::NormalizedText with = yuimaru::core::NormalizeWithOffsets(text);
  FUZZ_CHECK(with.text == norm);
  FUZZ_CHECK(with.source_offsets.size() == with.text.size() + 1);
  FUZZ_CHECK(with.source_offsets.back() == text.size());
  for (size_t i = 0; i < with.source_offsets.size(); ++i) {
    FUZZ_CHECK(with.source_offsets[i] <= text.size());
    if (i > 0) FUZZ_CHECK(with.source_offsets[i - 1] <= with.source_offsets[i]);
    if (valid) FUZZ_CHECK(OnCharBoundary(text, with.source_offsets[i]));
  }

  const yuimaru::core::Analysis analysis = TheAnalyzer().Analyze(text);
  FUZZ_CHECK(analysis.norm == norm);
  uint32_t previous_end = 0;
  for (const yuimaru::core::Word& w : analysis.words) {
    FUZZ_CHECK(w.start < w.end && w.end <= analysis.norm.size());
    FUZZ_CHECK(w.start >= previous_end);
    previous_end = w.end;
    const std::u32string_view word =
        std::u32string_view(analysis.norm).substr(w.start, w.end - w.start);
    FUZZ_CHECK(IsUtf8(yuimaru::core::WordTerm(word)));
  }
  const std::vector<yuimaru::core::Word> again = TheAnalyzer().Segment(analysis.norm);
  FUZZ_CHECK(again.size() == analysis.words.size());
  for (size_t i = 0; i < again.size(); ++i) {
    FUZZ_CHECK(again[i].start == analysis.words[i].start && again[i].end == analysis.words[i].end);
  }
  yuimaru::core::ForEachBigram(analysis.norm, [](uint32_t, char32_t a, char32_t b) {
    FUZZ_CHECK(IsUtf8(yuimaru::core::BigramTerm(a, b)));
  });
  yuimaru::core::ForEachKatakanaTrigram(analysis.norm,
                                        [](uint32_t, char32_t a, char32_t b, char32_t c) {
                                          FUZZ_CHECK(IsUtf8(yuimaru::core::TrigramTerm(a, b, c)));
                                        });
  return 0;
}
