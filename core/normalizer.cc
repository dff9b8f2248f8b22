#include "core/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <bitset>
#include <memory>
#include <unordered_map>

#include "core/utf8.h"

namespace yuimaru::core {
namespace {

const icu::Normalizer2& Nfkc() {
  // ICU owns the instance; getNFKCCasefoldInstance only fails when ICU data is missing, which
  // is a broken installation, not an input error.
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    assert(U_SUCCESS(status) && n != nullptr);
    return n;
  }();
  return *instance;
}

// One-to-one folds that NFKC leaves alone: wave dashes and hyphen/minus variants.
char32_t FoldChar(char32_t c) {
  switch (c) {
    case 0x301C:  // 〜 WAVE DASH (NFKC maps only the full-width tilde U+FF5E)
    case 0x2053:  // ⁓ SWUNG DASH
    case 0x223C:  // ∼ TILDE OPERATOR
      return U'~';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2043:
    case 0x2212:  // − MINUS SIGN
    case 0xFE58:
    case 0xFE63:
      return U'-';
    default:
      return c;
  }
}

bool IsAsciiDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

bool IsNumeralBefore(char32_t c) {
  if (IsAsciiDigit(c)) return true;
  static constexpr std::u32string_view kKanjiNumerals = U"一二三四五六七八九十百何数";
  return kKanjiNumerals.find(c) != std::u32string_view::npos;
}

bool IsCounterKa(char32_t c) {
  return c == 0x30F6 /*ヶ*/ || c == 0x30F5 /*ヵ*/ || c == 0x30B1 /*ケ*/ || c == 0x30AB /*カ*/;
}

// Applies the context folds in place. `offsets`, when not null, is kept parallel to `text`.
void ApplyFolds(std::u32string& text, std::vector<uint32_t>* offsets) {
  for (char32_t& c : text) c = FoldChar(c);
  const size_t n = text.size();
  // First pass: substitutions that depend on neighbours (read the unmodified neighbours).
  for (size_t i = 1; i + 1 < n; ++i) {
    const char32_t prev = text[i - 1], next = text[i + 1];
    if (text[i] == 0x30FC && IsAsciiDigit(prev) && IsAsciiDigit(next)) {
      text[i] = U'-';  // 090ー1234: a long-vowel mark typed as a dash between digits
    } else if (IsCounterKa(text[i]) && IsNumeralBefore(prev) && IsCounterNoun(next)) {
      text[i] = 0x304B;  // 3ヶ月 / 3カ月 / 3ケ月 → 3か月
    }
  }
  // Second pass: drop the long-vowel mark that ends a katakana word of three or more characters
  // (コンピューター → コンピュータ, サーバー → サーバ), as JIS Z 8301 spelling does.
  size_t out = 0;
  size_t run = 0;  // length of the katakana run ending just before i
  for (size_t i = 0; i < n; ++i) {
    const char32_t c = text[i];
    const bool drop = c == 0x30FC && run >= 3 && (i + 1 == n || !IsKatakana(text[i + 1]));
    run = IsKatakana(c) ? run + 1 : 0;
    if (drop) continue;
    text[out] = c;
    if (offsets) (*offsets)[out] = (*offsets)[i];
    ++out;
  }
  text.resize(out);
  if (offsets) {
    const uint32_t end = offsets->back();
    offsets->resize(out);
    offsets->push_back(end);
  }
}

std::u32string ToUtf32(const icu::UnicodeString& s) {
  std::u32string out;
  out.reserve(s.length());
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

struct IndexCharTable {
  std::bitset<0x10000> bmp;
  IndexCharTable() {
    for (UChar32 c = 0; c < 0x10000; ++c) bmp[c] = Classify(c);
  }
  static bool Classify(UChar32 c) {
    switch (u_charType(c)) {
      case U_UPPERCASE_LETTER:
      case U_LOWERCASE_LETTER:
      case U_TITLECASE_LETTER:
      case U_MODIFIER_LETTER:
      case U_OTHER_LETTER:
      case U_NON_SPACING_MARK:
      case U_ENCLOSING_MARK:
      case U_COMBINING_SPACING_MARK:
      case U_DECIMAL_DIGIT_NUMBER:
      case U_LETTER_NUMBER:
      case U_OTHER_NUMBER:
        return true;
      default:
        return false;
    }
  }
};

}  // namespace

std::u32string Normalize(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = Nfkc().normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size())), status);
  std::u32string out = U_SUCCESS(status) ? ToUtf32(normalized) : std::u32string();
  ApplyFolds(out, nullptr);
  return out;
}

NormalizedText NormalizeWithOffsets(std::string_view text) {
  const icu::Normalizer2& nfkc = Nfkc();
  NormalizedText result;
  result.text.reserve(text.size());
  result.source_offsets.reserve(text.size() + 1);
  // Split the source where the normalizer guarantees a boundary; normalize(a + b) equals
  // normalize(a) + normalize(b) at such a split, so the text equals Normalize(text).
  size_t seg_start = 0;
  // Most segments are one character; their normal forms repeat, so they are remembered.
  thread_local std::unordered_map<char32_t, std::u32string> single;
  auto flush = [&](size_t seg_end) {
    if (seg_end == seg_start) return;
    // One valid character: the fast path. Anything else, invalid bytes included, goes through
    // ICU's UTF-8 reader, which turns them into U+FFFD exactly as Normalize does.
    UChar32 first = U_SENTINEL;
    int32_t first_len = 0;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data() + seg_start), first_len,
            static_cast<int32_t>(seg_end - seg_start), first);
    if (first >= 0 && seg_start + static_cast<size_t>(first_len) == seg_end) {
      const char32_t c = static_cast<char32_t>(first);
      auto it = single.find(c);
      if (it == single.end()) {
        UErrorCode status = U_ZERO_ERROR;
        const icu::UnicodeString one = nfkc.normalize(
            icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(&c), 1), status);
        if (U_FAILURE(status)) return;
        if (single.size() > 65536) single.clear();
        it = single.emplace(c, ToUtf32(one)).first;
      }
      for (char32_t n : it->second) {
        result.text.push_back(n);
        result.source_offsets.push_back(static_cast<uint32_t>(seg_start));
      }
      seg_start = seg_end;
      return;
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString seg =
        nfkc.normalize(icu::UnicodeString::fromUTF8(
                           icu::StringPiece(text.data() + seg_start, seg_end - seg_start)),
                       status);
    if (U_FAILURE(status)) return;
    for (char32_t c : ToUtf32(seg)) {
      result.text.push_back(c);
      result.source_offsets.push_back(static_cast<uint32_t>(seg_start));
    }
    seg_start = seg_end;
  };
  size_t i = 0;
  while (i < text.size()) {
    const size_t len = Utf8SequenceLength(static_cast<unsigned char>(text[i]));
    UChar32 c;
    int32_t off = 0;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data() + i), off,
            static_cast<int32_t>(std::min(len, text.size() - i)), c);
    if (i > seg_start && (c < 0 || nfkc.hasBoundaryBefore(c))) flush(i);
    // An invalid sequence ends where ICU's reader ends it (its maximal subpart), as in Normalize:
    // "\xE5\x86B" is U+FFFD and B, not one character.
    i += c < 0 ? static_cast<size_t>(off) : len;
  }
  flush(text.size());
  result.source_offsets.push_back(static_cast<uint32_t>(text.size()));
  ApplyFolds(result.text, &result.source_offsets);
  return result;
}

std::string NormalizeToUtf8(std::string_view text) { return EncodeUtf8(Normalize(text)); }

bool IsIndexChar(char32_t c) {
  static const IndexCharTable* table = new IndexCharTable();
  if (c < 0x10000) return table->bmp[c];
  return IndexCharTable::Classify(static_cast<UChar32>(c));
}

bool IsCounterNumeral(char32_t c) { return IsNumeralBefore(c); }

bool IsCounterNoun(char32_t c) {
  static constexpr std::u32string_view kNouns = U"月所国年条";
  return kNouns.find(c) != std::u32string_view::npos;
}

std::vector<ContextVariant> ContextVariants(std::u32string_view run) {
  const size_t n = run.size();
  // The edits the folds may have made around the run, each with the context it needs; a run
  // may need two at once (ター3ヶ in データー3ヶ月, ヶ月3ヶ in 3ヶ月3ヶ月).
  // A long-vowel mark that ends the run's leading katakana: ApplyFolds drops it in text where
  // the katakana before it, counted on from before the run, reach three.
  size_t lead = 0;
  while (lead < n && IsKatakana(run[lead])) ++lead;
  const bool mark = lead >= 1 && run[lead - 1] == 0x30FC && lead - 1 < 3 && n > 1;
  // A counter ヶ/カ/ケ between a numeral and 月所国年条: ApplyFolds makes it か. The run may
  // begin with it (the numeral before the run) or end with it (the noun after). A run of the
  // counter alone is left as it is: one character finds the documents that have it as indexed.
  const bool first = n >= 2 && IsCounterKa(run[0]) && IsCounterNoun(run[1]);
  const bool last = n >= 2 && IsCounterKa(run[n - 1]) && IsNumeralBefore(run[n - 2]);
  std::vector<ContextVariant> out;
  for (int edits = 1; edits < 8; ++edits) {
    const bool m = edits & 1, f = edits & 2, l = edits & 4;
    if ((m && !mark) || (f && !first) || (l && !last)) continue;
    ContextVariant v;
    for (size_t i = 0; i < n; ++i) {
      if (m && i == lead - 1) continue;
      v.text.push_back((f && i == 0) || (l && i == n - 1) ? U'か' : run[i]);
    }
    if (v.text.empty()) continue;
    if (m) {
      v.katakana_before = 3 - (lead - 1);
      v.no_katakana_after = lead == n;  // inside the run, a non-katakana follows anyway
    }
    v.numeral_before = f;
    v.counter_noun_after = l;
    out.push_back(std::move(v));
  }
  return out;
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || c == 0x3005 /*々*/ ||
         c == 0x3006 /*〆*/ || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

}  // namespace yuimaru::core
