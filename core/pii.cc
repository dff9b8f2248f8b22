#include "core/pii.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <tuple>

#include "core/normalizer.h"
#include "core/schema.h"
#include "core/utf8.h"

namespace yuimaru::core {
namespace {

// What a line must contain for a rule to be worth running (std::regex is slow; most lines of
// prose have none of these).
enum class Trigger { kAt, kDot, kDigits, kAddress };

struct Rule {
  const char* id;
  std::regex pattern;
  int group;                                // the capture group that is the finding
  bool (*check)(const std::string& match);  // extra condition, or nullptr
  Trigger trigger;
};

std::string DigitsOnly(const std::string& s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

bool MyNumberCheck(const std::string& m) {
  const std::string d = DigitsOnly(m);
  return d.size() == 12 && ValidMyNumber(d);
}

bool CorporateCheck(const std::string& m) {
  const std::string d = DigitsOnly(m);
  return d.size() == 13 && ValidCorporateNumber(d);
}

std::string MunicipalityAlternation() {
  std::string alt;
  for (const std::string_view m : kMunicipalities) alt += (alt.empty() ? "" : "|") + std::string(m);
  return alt;
}

// A URL or domain on a name reserved for documentation and tests (RFC 2606, RFC 6761 and
// JPRS's example.jp family) identifies nobody: hostile-input fixtures use them.
bool NotReservedDomain(const std::string& url) {
  std::string host = url;
  if (const size_t scheme = host.find("://"); scheme != std::string::npos)
    host = host.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/:?#"));
  auto ends_with = [&](const std::string& suffix) {
    return host == suffix ||
           (host.size() > suffix.size() &&
            host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            host[host.size() - suffix.size() - 1] == '.');
  };
  for (const char* reserved :
       {"example", "test", "invalid", "localhost", "example.com", "example.net", "example.org",
        "example.jp", "example.co.jp", "example.ne.jp", "example.or.jp", "example.go.jp"}) {
    if (ends_with(reserved)) return false;
  }
  return true;
}

bool LuhnCheck(const std::string& m) {
  const std::string d = DigitsOnly(m);
  if (d.size() < 13 || d.size() > 19) return false;
  int sum = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    int v = d[d.size() - 1 - i] - '0';
    if (i % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 == 0;
}

const std::vector<Rule>& Rules() {
  // Patterns run on normalized text (NFKC, casefolded, dash variants folded): full-width digits,
  // ＠, （） and the many dashes have become ASCII. ECMAScript regex has no look-behind, so a
  // leading (^|[^0-9]) group stands for "not preceded by a digit". kSep: the separators people
  // put between digit groups.
  static const std::string kSep = "[ \\-.]?";
  static const std::string kMuni = MunicipalityAlternation();
  static const auto* rules = new std::vector<Rule>{
      {"pii/email",
       std::regex(
           R"(([a-z0-9._%+\-]{1,64} ?(?:@|\[at\]|\(at\)|\[@\]) ?[a-z0-9\-]{1,63}(?: ?(?:\.|\[dot\]|\(dot\)) ?[a-z0-9\-]{1,63}){1,8}))"),
       1, nullptr, Trigger::kAt},
      {"pii/url",
       std::regex(
           R"re((?:^|[^a-z0-9@.\-])(https?://[a-z0-9\-._~:/?#\[\]@!$&*+,;=%]+|(?:[a-z0-9\-]+\.)+(?:jp|com|net|org|okinawa|info|biz|shop)(?![a-z0-9\-])))re"),
       1, NotReservedDomain, Trigger::kDot},
      {"pii/sns-handle", std::regex(R"((?:^|[^a-z0-9._%+\-@])(@[a-z0-9_]{3,30})(?![a-z0-9_.@]))"),
       1, nullptr, Trigger::kAt},
      {"pii/postal-address",
       std::regex(
           "(^|[^0-9])((?:〒|郵便番号[: ]*) "
           "?[0-9]{3}-?[0-9]{4}(?![0-9])|[0-9]{3}-[0-9]{4}(?![0-9]).{0,60}?(?:沖縄県|都|道|府|県|" +
           kMuni + "))"),
       2, nullptr, Trigger::kDigits},
      {"pii/address",
       std::regex("((?:沖縄県 ?)?(?:" + kMuni +
                  ")(?:(?:(?!。|、)[^\\n0-9]){0,36}?(?:[0-9]+丁目|(?:〇|一|二|三|四|五|六|七|八|九|"
                  "十)+丁目|[0-9]+番地|[0-9]+番[0-9]+号|[0-9]{1,3}-[0-9]{1,4}(?:-[0-9]{1,4})?)|"
                  " ?(?:大)?字(?:(?!、|。)\\S){1,24}))"),
       1, nullptr, Trigger::kAddress},
      {"pii/my-number",
       std::regex("(^|[^0-9])([0-9]{4}" + kSep + "[0-9]{4}" + kSep + "[0-9]{4})(?![0-9])"), 2,
       MyNumberCheck, Trigger::kDigits},
      {"pii/corporate-number",
       std::regex("(^|[^0-9a-z])([1-9](?:" + kSep + "[0-9]{4}){3})(?![0-9])"), 2, CorporateCheck,
       Trigger::kDigits},
      {"pii/invoice-number", std::regex(R"((^|[^0-9a-z])(t[ \-]?[0-9]{13})(?![0-9]))"), 2, nullptr,
       Trigger::kDigits},
      {"pii/corporate-registry-number",
       std::regex(R"((^|[^0-9])([0-9]{4}-[0-9]{2}-[0-9]{6})(?![0-9]))"), 2, nullptr,
       Trigger::kDigits},
      {"pii/bank-account",
       std::regex(
           R"(((?:口座|普通|当座|預金|支店|店番|振込|ゆうちょ|記号)[^0-9\n]{0,90}(?:[0-9]{7}(?![0-9])|[01][0-9]{4}-[0-9]{1,8}(?![0-9]))|[0-9]{4}-[0-9]{3}-[0-9]{7}(?![0-9])))"),
       1, nullptr, Trigger::kDigits},
      {"pii/card-number", std::regex(R"((^|[^0-9])([0-9](?:[ \-]?[0-9]){14,18})(?![0-9]))"), 2,
       LuhnCheck, Trigger::kDigits},
      {"pii/phone",
       std::regex("(^|[^0-9])(0[5789]0" + kSep + "[0-9]{4}" + kSep + "[0-9]{4}|0(?:120|570)" +
                  kSep + "[0-9]{3}" + kSep + "[0-9]{3}|0800" + kSep + "[0-9]{3}" + kSep +
                  "[0-9]{4}|0(?:[0-9]" + kSep + "[0-9]{4}|[0-9]{2}" + kSep + "[0-9]{3}|[0-9]{3}" +
                  kSep + "[0-9]{2}|[0-9]{4}" + kSep + "[0-9])" + kSep +
                  "[0-9]{4}|0[0-9]{1,4}\\([0-9]{1,4}\\)[0-9]{4}|\\(0[0-9]{1,4}\\) ?[0-9]{1,4}" +
                  kSep + "[0-9]{4}|\\+81[ \\-]?\\(?0?\\)?[1-9][0-9 \\-]{7,12}[0-9])(?![0-9])"),
       2, nullptr, Trigger::kDigits},
  };
  return *rules;
}

std::string Mask(std::string_view original) {
  const auto cps = DecodeUtf8(original);
  if (!cps) return "***";
  std::u32string m = *cps;
  for (size_t i = 0; i < m.size(); ++i) {
    const bool keep = i < 2 || i + 2 >= m.size();
    if (!keep && m[i] != U'-' && m[i] != U' ' && m[i] != U'@') m[i] = U'*';
  }
  if (m.size() <= 4) {
    for (auto& c : m) c = U'*';
  }
  return EncodeUtf8(m);
}

// A digit group that continues past a separator on either side ("4111 1111 1111 | 1111") is
// part of a longer number: a rule that matched only part of it has the wrong length.
bool PartOfLongerNumber(std::string_view line, size_t b, size_t e) {
  auto digit = [&](size_t i) { return i < line.size() && line[i] >= '0' && line[i] <= '9'; };
  auto sep = [&](size_t i) {
    return i < line.size() && (line[i] == ' ' || line[i] == '-' || line[i] == '.');
  };
  // A match that starts with a context word (口座, 普通 …) has no number to extend on its left.
  return (digit(b) && b >= 2 && sep(b - 1) && digit(b - 2)) || (sep(e) && digit(e + 1));
}

// One code point of a normalized line: its value and where its bytes are.
struct Cp {
  char32_t c;
  size_t begin, end;
};

std::vector<Cp> CodePoints(std::string_view line) {
  std::vector<Cp> out;
  for (size_t i = 0; i < line.size();) {
    const unsigned char b = static_cast<unsigned char>(line[i]);
    const size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < n && i + k < line.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(line[i + k]) & 0x3F);
    }
    out.push_back({c, i, std::min(i + n, line.size())});
    i += n;
  }
  return out;
}

char32_t DigitOf(char32_t c) {
  static const std::u32string kKanji = U"〇一二三四五六七八九";
  if (c >= U'0' && c <= U'9') return c;
  if (c == U'零') return U'0';
  const size_t k = kKanji.find(c);
  return k == std::u32string::npos ? 0 : static_cast<char32_t>(U'0' + k);
}

bool IsDigitSeparator(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'・' || c == U'·' || c == U'/' || c == U'_' ||
         c == U',' || c == U'~' || c == U'-' || c == U'.' || c == 0x2028 || c == 0x2029;
}

// A normalized line as someone hiding a number would have to write it for a reader to still
// read the number: kanji numerals (〇一二…九) become digits, and inside a run of digit groups
// joined by one and the same one-character separator (space, ・, /, _, comma, ~, U+2028 …) the
// separators go. Not collapsed: thousands (1,234,567), and "-" or "." between groups longer
// than one digit (dates and the rules' own separators). `origin[i]` is the byte of `line`
// that folded byte i came from; one extra entry is line.size().
struct FoldedLine {
  std::string text;
  std::vector<size_t> origin;
  bool changed = false;  // a number was read differently (else the rules have seen it all)
};

FoldedLine FoldDigits(std::string_view line) {
  const std::vector<Cp> cps = CodePoints(line);
  FoldedLine out;
  auto emit = [&](char32_t c, size_t from) {
    const size_t before = out.text.size();
    AppendUtf8(c, out.text);
    out.origin.insert(out.origin.end(), out.text.size() - before, from);
  };
  for (size_t i = 0; i < cps.size();) {
    if (!DigitOf(cps[i].c)) {
      emit(cps[i].c, cps[i].begin);
      ++i;
      continue;
    }
    // groups[k] = [first, last) code point indexes of the k-th digit group.
    std::vector<std::pair<size_t, size_t>> groups;
    char32_t sep = 0;
    size_t j = i;
    while (true) {
      const size_t g = j;
      while (j < cps.size() && DigitOf(cps[j].c)) ++j;
      groups.emplace_back(g, j);
      // One separator, or the same one repeated (two spaces collapse to one on a page).
      size_t k = j;
      while (k < cps.size() && k - j < 3 && IsDigitSeparator(cps[k].c) && cps[k].c == cps[j].c) {
        ++k;
      }
      if (k > j && k < cps.size() && DigitOf(cps[k].c) && (sep == 0 || cps[j].c == sep)) {
        sep = cps[j].c;
        j = k;
        continue;
      }
      break;
    }
    bool collapse = groups.size() >= 2;
    if (collapse && sep == U',') {
      bool thousands = groups[0].second - groups[0].first <= 3;
      for (size_t k = 1; k < groups.size(); ++k) {
        thousands = thousands && groups[k].second - groups[k].first == 3;
      }
      collapse = !thousands;
    }
    if (collapse && (sep == U'-' || sep == U'.')) {
      for (const auto& [b, e] : groups) collapse = collapse && e - b == 1;
    }
    for (size_t k = i; k < j; ++k) {
      const char32_t d = DigitOf(cps[k].c);
      if (d) {
        // A kanji numeral alone (一つ, 一方) changes no number; one in a run of two or more does.
        out.changed = out.changed || (d != cps[k].c && j - i >= 2);
        emit(d, cps[k].begin);
      } else if (!collapse) {
        emit(cps[k].c, cps[k].begin);
      } else {
        out.changed = true;
      }
    }
    i = j;
  }
  out.origin.push_back(line.size());
  return out;
}

// `<!--\s*pii-allow\s*:\s*\S[^>]*-->` anywhere in the line, scanned by hand (std::regex recurses
// once per character of `[^>]*`: a long line overflowed the stack).
bool LineAllowed(std::string_view line) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
  };
  for (size_t open = line.find("<!--"); open != std::string_view::npos;
       open = line.find("<!--", open + 1)) {
    size_t i = open + 4;
    while (i < line.size() && space(line[i])) ++i;
    if (line.substr(i, 9) != "pii-allow") continue;
    i += 9;
    while (i < line.size() && space(line[i])) ++i;
    if (i >= line.size() || line[i] != ':') continue;
    ++i;
    while (i < line.size() && space(line[i])) ++i;
    if (i >= line.size()) continue;
    // line[i] is the reason's first character (\S); then no '>' up to the closing "-->".
    const size_t close = line.find('>', i + 1);
    if (close != std::string_view::npos && close >= i + 3 && line[close - 1] == '-' &&
        line[close - 2] == '-')
      return true;
  }
  return false;
}

// Calls f(match) for every match of `pattern` in `text`, as std::cregex_iterator would, but never
// hands std::regex more than kWindow bytes at once: it recurses once per character a quantifier
// takes, and a line of a few hundred thousand URL or handle characters overflowed the stack.
// Longer text is read in windows that overlap by kOverlap bytes (cut on character boundaries),
// so every finding shorter than the overlap lies whole in some window; positions are given in
// `text`. A match may be seen twice, or cut at a window's end when longer than the overlap: the
// caller keeps one finding per stretch of text.
constexpr size_t kWindow = 4096;
constexpr size_t kOverlap = 1024;
template <typename F>
void ForEachMatch(std::string_view text, const std::regex& pattern, F&& f) {
  auto boundary = [&](size_t pos) {  // back to the start of the character at pos
    while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
      --pos;
    return pos;
  };
  size_t start = 0;
  while (true) {
    const size_t end = text.size() - start <= kWindow ? text.size() : boundary(start + kWindow);
    const std::string_view w = text.substr(start, end - start);
    for (auto it = std::cregex_iterator(w.data(), w.data() + w.size(), pattern);
         it != std::cregex_iterator(); ++it) {
      f(*it, start);
    }
    if (end == text.size()) return;
    start = boundary(end - kOverlap);
  }
}

// `text` normalized as UTF-8, with the way back: the source byte of each normalized byte.
struct NormalizedUtf8 {
  explicit NormalizedUtf8(std::string_view text) : norm(NormalizeWithOffsets(text)) {
    for (size_t i = 0; i < norm.text.size(); ++i) {
      const size_t before = utf8.size();
      AppendUtf8(norm.text[i], utf8);
      cp_of_byte.insert(cp_of_byte.end(), utf8.size() - before, static_cast<uint32_t>(i));
    }
    cp_of_byte.push_back(static_cast<uint32_t>(norm.text.size()));
  }
  size_t SourceOf(size_t utf8_pos) const { return norm.source_offsets[cp_of_byte[utf8_pos]]; }

  NormalizedText norm;
  std::string utf8;
  std::vector<uint32_t> cp_of_byte;  // for each byte of utf8, its code point in norm.text
};

// Occurrences of `names` in normalized UTF-8 `utf8` as byte ranges of it, with the index of the
// name; compared without spaces (a list's "山田 太郎" is also 山田太郎 in a memo), longer names
// first where two overlap.
std::vector<std::tuple<size_t, size_t, size_t>> MatchNames(const std::string& utf8,
                                                           const std::vector<std::string>& names) {
  std::vector<std::tuple<size_t, size_t, size_t>> out;
  if (names.empty()) return out;
  auto strip = [](std::string_view in, std::vector<size_t>* origin) {
    std::string stripped;
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i] == ' ' || in[i] == '\t') continue;
      stripped.push_back(in[i]);
      if (origin) origin->push_back(i);
    }
    if (origin) origin->push_back(in.size());
    return stripped;
  };
  std::vector<size_t> origin;
  const std::string compact = strip(utf8, &origin);
  std::vector<std::pair<std::string, size_t>> needles;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string needle = strip(NormalizeToUtf8(names[i]), nullptr);
    if (CountCodePoints(needle) >= 2) needles.emplace_back(std::move(needle), i);
  }
  std::stable_sort(needles.begin(), needles.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::vector<std::pair<size_t, size_t>> taken;
  for (const auto& [needle, index] : needles) {
    for (size_t pos = compact.find(needle); pos != std::string::npos;
         pos = compact.find(needle, pos + 1)) {
      const size_t b = origin[pos], e = origin[pos + needle.size() - 1] + 1;
      bool overlaps = false;
      for (const auto& [tb, te] : taken) overlaps = overlaps || (b < te && tb < e);
      if (overlaps) continue;
      taken.emplace_back(b, e);
      out.emplace_back(b, e, index);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool ValidCorporateNumber(std::string_view d) {
  if (d.size() != 13 || d[0] == '0') return false;
  int sum = 0;
  for (int n = 1; n <= 12; ++n) {
    const int p = d[13 - n] - '0';  // n-th digit of the 12-digit base, from the right
    sum += p * (n % 2 == 1 ? 1 : 2);
  }
  return 9 - sum % 9 == d[0] - '0';
}

bool ValidMyNumber(std::string_view d) {
  if (d.size() != 12) return false;
  int sum = 0;
  for (int n = 1; n <= 11; ++n) {
    const int p = d[11 - n] - '0';  // n-th digit of the first 11, from the right
    sum += p * (n <= 6 ? n + 1 : n - 5);
  }
  const int r = sum % 11;
  return (r <= 1 ? 0 : 11 - r) == d[11] - '0';
}

namespace {

// HTML character references as a browser decodes them (numeric, and the named ones that spell
// what the rules look for: @ . - / : digits' neighbours), with the source byte of every decoded
// byte. A reference to a line break becomes a space, so lines keep their numbers.
struct DecodedText {
  std::string text;
  std::vector<size_t> origin;  // one entry per byte of `text`, plus text.size() → source size
};

DecodedText DecodeReferences(std::string_view src) {
  static const std::pair<std::string_view, char32_t> kNamed[] = {
      {"amp", U'&'},    {"lt", U'<'},     {"gt", U'>'},     {"quot", U'"'},   {"apos", U'\''},
      {"nbsp", U' '},   {"commat", U'@'}, {"period", U'.'}, {"hyphen", U'-'}, {"dash", U'-'},
      {"minus", U'-'},  {"sol", U'/'},    {"colon", U':'},  {"num", U'#'},    {"plus", U'+'},
      {"comma", U','},  {"lowbar", U'_'}, {"lpar", U'('},   {"rpar", U')'},   {"UnderBar", U'_'},
      {"lbrack", U'['}, {"rbrack", U']'}, {"ast", U'*'},    {"midast", U'*'},
  };
  DecodedText out;
  for (size_t i = 0; i < src.size();) {
    char32_t cp = 0;
    size_t len = 0;
    if (src[i] == '&') {
      const size_t semi = src.find(';', i + 1);
      if (semi != std::string_view::npos && semi - i <= 12) {
        const std::string_view name = src.substr(i + 1, semi - i - 1);
        if (name.size() >= 2 && name[0] == '#') {
          const bool hex = name[1] == 'x' || name[1] == 'X';
          const std::string_view digits = name.substr(hex ? 2 : 1);
          uint32_t v = 0;
          bool ok = !digits.empty();
          for (char c : digits) {
            const int d = c >= '0' && c <= '9'          ? c - '0'
                          : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                        : -1;
            if (d < 0 || v > 0x10FFFF) {
              ok = false;
              break;
            }
            v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
          }
          if (ok && v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
            cp = v == '\n' || v == '\r' ? U' ' : static_cast<char32_t>(v);
            len = semi + 1 - i;
          }
        } else {
          for (const auto& [n, c] : kNamed) {
            if (name == n) {
              cp = c;
              len = semi + 1 - i;
              break;
            }
          }
        }
      }
    }
    if (len == 0) {
      out.text.push_back(src[i]);
      out.origin.push_back(i);
      ++i;
      continue;
    }
    const size_t before = out.text.size();
    AppendUtf8(cp, out.text);
    out.origin.insert(out.origin.end(), out.text.size() - before, i);
    i += len;
  }
  out.origin.push_back(src.size());
  return out;
}

std::vector<PiiFinding> FindPiiOnce(std::string_view text, const PiiOptions& options);

}  // namespace

std::vector<PiiFinding> FindPii(std::string_view text, const PiiOptions& options) {
  std::vector<PiiFinding> found = FindPiiOnce(text, options);
  if (text.find('&') == std::string_view::npos) return found;
  // The same text with its character references decoded (taro&#64;…, &#48;90-…), as a browser
  // shows it: findings there point back at the references in the source.
  const DecodedText decoded = DecodeReferences(text);
  if (decoded.text.size() == text.size() && decoded.text == text) return found;
  for (PiiFinding f : FindPiiOnce(decoded.text, options)) {
    const size_t sb = decoded.origin[f.begin];
    const size_t se = f.end < decoded.origin.size() ? decoded.origin[f.end] : text.size();
    bool known = false;
    for (const PiiFinding& g : found) known = known || (g.begin < se && sb < g.end);
    if (known) continue;
    const Utf8Position pos = PositionOf(text, sb);
    f.line = pos.line;
    f.column = pos.column;
    f.begin = sb;
    f.end = se;
    found.push_back(std::move(f));
  }
  std::sort(found.begin(), found.end(),
            [](const PiiFinding& a, const PiiFinding& b) { return a.begin < b.begin; });
  return found;
}

namespace {

std::vector<PiiFinding> FindPiiOnce(std::string_view text, const PiiOptions& options) {
  const NormalizedUtf8 n(text);
  const std::string& utf8 = n.utf8;
  auto source_of = [&](size_t utf8_pos) { return n.SourceOf(utf8_pos); };

  std::vector<PiiFinding> found;
  auto add = [&](const char* rule, size_t nb, size_t ne) {
    const size_t sb = source_of(nb), se = source_of(ne);
    // Exempt: the source line carries an allow marker with a reason.
    const size_t ls = text.rfind('\n', sb == 0 ? 0 : sb - 1);
    const size_t line_start = (ls == std::string_view::npos || sb == 0) ? 0 : ls + 1;
    const size_t le = text.find('\n', sb);
    if (LineAllowed(text.substr(line_start,
                                (le == std::string_view::npos ? text.size() : le) - line_start)))
      return;
    for (const auto& f : found) {
      if (f.begin < se && sb < f.end) return;  // one finding per stretch of text
    }
    const Utf8Position pos = PositionOf(text, sb);
    const std::string_view id(rule);
    const bool review = id == "pii/url" || id == "pii/sns-handle";
    found.push_back({rule, pos.line, pos.column, sb, se, Mask(text.substr(sb, se - sb)), review});
  };
  // Line by line, each rule only where its trigger is present.
  size_t line_begin = 0;
  while (line_begin < utf8.size()) {
    size_t line_end = utf8.find('\n', line_begin);
    if (line_end == std::string::npos) line_end = utf8.size();
    const std::string_view line(utf8.data() + line_begin, line_end - line_begin);
    const int digits = static_cast<int>(
        std::count_if(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; }));
    const bool at = line.find('@') != std::string_view::npos ||
                    line.find("at]") != std::string_view::npos ||
                    line.find("at)") != std::string_view::npos;
    const bool dot =
        line.find("://") != std::string_view::npos || line.find('.') != std::string_view::npos;
    const bool place = line.find("市") != std::string_view::npos ||
                       line.find("町") != std::string_view::npos ||
                       line.find("村") != std::string_view::npos;
    for (const Rule& r : Rules()) {
      bool run = false;
      switch (r.trigger) {
        case Trigger::kAt:
          run = at;
          break;
        case Trigger::kDot:
          run = dot;
          break;
        case Trigger::kDigits:
          run = digits >= 7;
          break;
        case Trigger::kAddress:
          run = place && (digits >= 2 || line.find("字") != std::string_view::npos ||
                          line.find("丁目") != std::string_view::npos);
          break;
      }
      if (!run) continue;
      ForEachMatch(line, r.pattern, [&](const std::cmatch& m, size_t offset) {
        if (m.length(r.group) == 0) return;
        if (r.check && !r.check(m.str(r.group))) return;
        const size_t lb = offset + static_cast<size_t>(m.position(r.group));
        if (r.trigger == Trigger::kDigits &&
            PartOfLongerNumber(line, lb, lb + static_cast<size_t>(m.length(r.group))))
          return;
        const size_t b = line_begin + lb;
        add(r.id, b, b + static_cast<size_t>(m.length(r.group)));
      });
    }
    // The same number written to slip past the rules: kanji numerals, odd separators.
    const FoldedLine folded = FoldDigits(line);
    if (folded.changed) {
      const std::string_view f = folded.text;
      const int folded_digits = static_cast<int>(
          std::count_if(f.begin(), f.end(), [](char c) { return c >= '0' && c <= '9'; }));
      for (const Rule& r : Rules()) {
        if (r.trigger != Trigger::kDigits || folded_digits < 7) continue;
        ForEachMatch(f, r.pattern, [&](const std::cmatch& m, size_t offset) {
          if (m.length(r.group) == 0) return;
          if (r.check && !r.check(m.str(r.group))) return;
          const size_t fb = offset + static_cast<size_t>(m.position(r.group));
          const size_t fe = fb + static_cast<size_t>(m.length(r.group));
          if (PartOfLongerNumber(f, fb, fe)) return;
          // From the first source character to the end of the last one.
          const size_t lb = folded.origin[fb];
          const size_t last = folded.origin[fe - 1];
          const unsigned char lead = static_cast<unsigned char>(line[last]);
          const size_t after = last + (lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4);
          add(r.id, line_begin + lb, line_begin + std::min(after, line.size()));
        });
      }
    }
    line_begin = line_end + 1;
  }
  for (const auto& [nb, ne, index] : MatchNames(utf8, options.deny_list)) {
    add("pii/deny-list", nb, ne);
  }
  std::sort(found.begin(), found.end(),
            [](const PiiFinding& a, const PiiFinding& b) { return a.begin < b.begin; });
  return found;
}

}  // namespace

std::vector<PiiFinding> FindPiiInBlocks(const std::vector<TextBlock>& blocks, std::string_view text,
                                        const std::vector<PiiFinding>& raw,
                                        const PiiOptions& options) {
  // Line starts of `text`, to find a block's source lines.
  std::vector<size_t> starts = {0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  auto line_text = [&](int line) {
    if (line < 1 || static_cast<size_t>(line) > starts.size()) return std::string_view();
    const size_t b = starts[line - 1];
    const size_t e = static_cast<size_t>(line) < starts.size() ? starts[line] : text.size();
    return text.substr(b, e - b);
  };
  // All blocks as one text, a block a line (one FindPii call: normalization and the rules'
  // triggers cost per call, and a document has hundreds of blocks).
  std::string joined;
  for (const TextBlock& b : blocks) {
    for (char c : b.text) joined.push_back(c == '\n' ? ' ' : c);
    joined.push_back('\n');
  }
  std::vector<PiiFinding> out;
  for (PiiFinding f : FindPii(joined, options)) {
    if (f.review || f.line < 1 || static_cast<size_t>(f.line) > blocks.size()) continue;
    const size_t i = static_cast<size_t>(f.line - 1);
    const TextBlock& b = blocks[i];
    // A block's lines: up to the next block's line (a table row is a block of one line).
    const int last = i + 1 < blocks.size() ? std::max(b.line, blocks[i + 1].line - 1)
                                           : static_cast<int>(starts.size());
    bool known = false;
    for (int l = b.line; l <= last && !known; ++l) known = LineAllowed(line_text(l));
    for (const PiiFinding& r : raw) {
      known = known || (r.rule == f.rule && r.line >= b.line && r.line <= last);
    }
    for (const PiiFinding& o : out) known = known || (o.rule == f.rule && o.line == b.line);
    if (known) continue;
    f.line = b.line;
    f.column = 1;
    f.begin = f.end = 0;
    out.push_back(std::move(f));
  }
  return out;
}

std::string RedactPii(std::string_view text, const PiiOptions& options) {
  std::string out;
  size_t pos = 0;
  for (const PiiFinding& f : FindPii(text, options)) {
    out.append(text.substr(pos, f.begin - pos));
    out += "[" + f.rule + "]";
    pos = f.end;
  }
  out.append(text.substr(pos));
  return out;
}

AnonymizeResult AnonymizeText(std::string_view text,
                              const std::vector<std::pair<std::string, std::string>>& map) {
  AnonymizeResult result;
  const NormalizedUtf8 n(text);
  const std::string& utf8 = n.utf8;
  auto source_of = [&](size_t p) { return n.SourceOf(p); };
  std::vector<std::string> names;
  for (const auto& [name, id] : map) names.push_back(name);
  size_t pos = 0;
  for (const auto& [nb, ne, index] : MatchNames(utf8, names)) {
    const size_t sb = source_of(nb), se = source_of(ne);
    if (sb < pos) continue;
    result.text.append(text.substr(pos, sb - pos));
    result.text += map[index].second;
    pos = se;
    ++result.replaced;
  }
  result.text.append(text.substr(pos));
  return result;
}

Result<std::vector<std::pair<std::string, std::string>>> LoadAnonymizeMap(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return ErrorAt(ErrorCode::kIo, "anonymize.map", "対応表を読めません", path);
  }
  std::vector<std::pair<std::string, std::string>> map;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || tab + 1 == line.size() ||
        FindInvalidUtf8(line) != std::string_view::npos) {
      return ErrorAt(ErrorCode::kInvalidInput, "anonymize.map.format",
                     "「実名<TAB>ID」の形式ではありません", path, line_no);
    }
    map.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return map;
}

Result<std::vector<std::string>> LoadDenyList(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return ErrorAt(ErrorCode::kIo, "pii.deny-list", "禁止語リストを読めません", path);
  }
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    names.push_back(line);
  }
  return names;
}

}  // namespace yuimaru::core
