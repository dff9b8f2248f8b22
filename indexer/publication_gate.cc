#include "indexer/publication_gate.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/schema.h"
#include "core/utf8.h"

namespace yuimaru::indexer {
namespace {

using core::Clearance;

// One code point for one code point, so that a column in the folded line is a column in the
// line as written: full-width ASCII as ASCII, every dash and minus as '-', ￥ as ¥, 〜 as '~'.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;
  if (c == 0x3000) return U' ';
  if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63 || c == 0x30FC ||
      c == 0xFF70 || c == 0x2043) {
    return U'-';
  }
  if (c == 0xFFE5) return 0xA5;
  if (c == 0x301C) return U'~';
  return c;
}

std::u32string FoldLine(std::string_view line) {
  std::u32string out;
  auto decoded = core::DecodeUtf8(line);
  if (!decoded) return out;  // the parser has rejected invalid UTF-8 before the gate runs
  out.reserve(decoded->size());
  for (char32_t c : *decoded) out.push_back(Fold(c));
  return out;
}

bool IsDigit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool IsKanjiDigit(char32_t c) {
  return std::u32string_view(U"〇一二三四五六七八九").find(c) != std::u32string_view::npos;
}
bool IsKanjiUnit(char32_t c) {
  return std::u32string_view(U"十百千万億兆").find(c) != std::u32string_view::npos;
}
bool IsBigUnit(char32_t c) { return c == U'万' || c == U'億' || c == U'兆'; }
bool IsAsciiLetter(char32_t c) { return (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z'); }

bool StartsWith(std::u32string_view s, size_t at, std::u32string_view prefix) {
  return s.substr(std::min(at, s.size())).starts_with(prefix);
}

size_t SkipSpaces(std::u32string_view s, size_t i) {
  while (i < s.size() && s[i] == U' ') ++i;
  return i;
}

// Whether the figure s[start, end) is one end of a band (DOMAIN.md §6.5: 1億〜5億円未満, 5人以下,
// 301人以上): a range mark before it or after it, or a bound word after it.
bool IsBand(std::u32string_view s, size_t start, size_t end) {
  size_t before = start;
  while (before > 0 && s[before - 1] == U' ') --before;
  if (before > 0 && s[before - 1] == U'~') return true;
  const size_t after = SkipSpaces(s, end);
  if (after < s.size() && s[after] == U'~') return true;
  for (std::u32string_view bound : {U"未満", U"以上", U"以下", U"超", U"を超"}) {
    if (StartsWith(s, after, bound)) return true;
  }
  return false;
}

struct Found {
  std::string rule;
  size_t start;
  size_t end;
};

void FindIds(std::u32string_view s, std::vector<Found>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != U'C' && s[i] != U'K') continue;
    size_t j = i + 1;
    const bool hyphen = j < s.size() && s[j] == U'-';
    if (hyphen) ++j;
    size_t d = j;
    while (d < s.size() && IsDigit(s[d])) ++d;
    const size_t digits = d - j;
    if (s[i] == U'C') {
      // C-0123, and C0123 as in the chart's id KT-C0123 (but not a word ending in C).
      if (digits != 4 || (!hyphen && i > 0 && (IsAsciiLetter(s[i - 1]) || IsDigit(s[i - 1]))))
        continue;
      out.push_back({"publish/company-id", i, d});
    } else if (hyphen && digits >= 2 && digits <= 3) {
      out.push_back({"publish/handler-id", i, d});
    }
  }
}

// The 41 names of core::kMunicipalities and, for each, the name without 市/町/村 when that is
// two characters or more and not a word of its own (沖縄 is the prefecture, 本部 a common noun).
const std::vector<std::u32string>& MunicipalityNames() {
  static const auto* names = [] {
    auto* v = new std::vector<std::u32string>;
    for (std::string_view name : core::kMunicipalities) {
      const std::u32string full = *core::DecodeUtf8(name);
      v->push_back(full);
      const std::u32string stem = full.substr(0, full.size() - 1);
      if (stem.size() >= 2 && stem != U"沖縄" && stem != U"本部") v->push_back(stem);
    }
    // Longest first, so that a match names the municipality as written.
    std::stable_sort(v->begin(), v->end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return v;
  }();
  return *names;
}

void FindMunicipalities(std::u32string_view s, std::vector<Found>& out) {
  for (size_t i = 0; i < s.size();) {
    size_t matched = 0;
    for (const auto& name : MunicipalityNames()) {
      if (StartsWith(s, i, name)) {
        matched = name.size();
        break;
      }
    }
    if (matched) {
      out.push_back({"publish/municipality", i, i + matched});
      i += matched;
    } else {
      ++i;
    }
  }
}

// Whether the count s[start, end) of people is a firm's size rather than people taking part
// ("2人で訪問する", "幹部2人"): six or more (finer than the first band, 5人以下), or any count
// after a word for staff.
bool IsHeadcount(std::u32string_view s, size_t start, size_t end) {
  std::string digits;
  for (size_t i = start; i < end; ++i) {
    if (IsDigit(s[i])) digits.push_back(static_cast<char>(s[i]));
  }
  if (digits.size() > 1 || (!digits.empty() && digits[0] >= '6')) return true;
  const std::u32string_view context =
      s.substr(start >= 10 ? start - 10 : 0, std::min<size_t>(start, 10));
  for (std::u32string_view word : {U"従業員", U"社員", U"職員", U"スタッフ", U"従業者", U"パート",
                                   U"アルバイト", U"人員", U"雇用", U"従事者", U"常勤"}) {
    if (context.find(word) != std::u32string_view::npos) return true;
  }
  return false;
}

// Figures: a run of digits (with , and .) and kanji numerals, then what it counts.
void FindFigures(std::u32string_view s, std::vector<Found>& out) {
  for (size_t i = 0; i < s.size();) {
    if (!IsDigit(s[i]) && !IsKanjiDigit(s[i]) && !IsKanjiUnit(s[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    bool arabic = false, kanji_digit = false, big = false;
    while (end < s.size()) {
      const char32_t c = s[end];
      if (IsDigit(c)) {
        arabic = true;
      } else if (IsKanjiDigit(c)) {
        kanji_digit = true;
      } else if (IsKanjiUnit(c)) {
        big = big || IsBigUnit(c);
      } else if ((c == U',' || c == U'.') && end + 1 < s.size() && IsDigit(s[end + 1]) && end > i &&
                 IsDigit(s[end - 1])) {
      } else if (c == U' ' && end > i && IsDigit(s[end - 1]) && SkipSpaces(s, end) < s.size() &&
                 IsKanjiUnit(s[SkipSpaces(s, end)])) {
        end = SkipSpaces(s, end);  // 4,500 万円
        continue;
      } else {
        break;
      }
      ++end;
    }
    const size_t start = i;
    i = end;
    if (!arabic && !kanji_digit) continue;  // 千差万別, 数百万円: no exact figure
    size_t before = start;
    while (before > 0 && s[before - 1] == U' ') --before;
    const bool yen_sign = before > 0 && (s[before - 1] == 0xA5 || s[before - 1] == U'\\');
    const size_t next_at = SkipSpaces(s, end);
    const char32_t next = next_at < s.size() ? s[next_at] : 0;
    if (yen_sign || next == U'円') {
      if (!arabic && end - start < 2) continue;  // 県内一円
      const size_t figure_end = next == U'円' ? next_at + 1 : end;
      if (!IsBand(s, start, figure_end)) {
        out.push_back({"publish/money", yen_sign ? before - 1 : start, figure_end});
      }
      continue;
    }
    if (big) {
      // 3億2千万 with no 円: an amount unless it counts something else (1,016万人).
      static constexpr std::u32string_view kCounters = U"人名件回個社戸台本枚部店歳年%倍";
      if (kCounters.find(next) == std::u32string_view::npos && !IsBand(s, start, end)) {
        out.push_back({"publish/money", start, end});
      }
      continue;
    }
    if (!arabic || kanji_digit) continue;  // 一人ひとり: a word, not a count
    if (next == U'人' || next == U'名') {
      if (StartsWith(s, next_at + 1, U"当たり") || StartsWith(s, next_at + 1, U"あたり")) continue;
      if (IsBand(s, start, next_at + 1)) continue;
      if (!IsHeadcount(s, start, end)) continue;
      out.push_back({"publish/headcount", start, next_at + 1});
    } else if (next == U'歳') {
      if (StartsWith(s, next_at + 1, U"代") || IsBand(s, start, next_at + 1)) continue;
      out.push_back({"publish/age", start, next_at + 1});
    }
  }
}

std::string Message(const std::string& rule, const std::string& found) {
  static const std::array<std::pair<std::string_view, std::string_view>, 6> kWhat = {{
      {"publish/company-id", "企業ID"},
      {"publish/handler-id", "担当者ID（「支援チーム」と書いてください）"},
      {"publish/municipality", "市町村名（圏域で書いてください）"},
      {"publish/money", "金額の実数（区分か割合で書いてください）"},
      {"publish/headcount", "人数の実数（従業員規模の区分で書いてください）"},
      {"publish/age", "年齢（年代で書いてください）"},
  }};
  std::string what = "公開できない記述";
  for (const auto& [r, w] : kWhat) {
    if (r == rule) what = std::string(w);
  }
  return "公開文書に" + what + "「" + found + "」があります。この文書は内部として索引します";
}

const char* kRaised = "。この文書は内部として索引します";

Error At(const ParsedDoc& doc, std::string rule, std::string message, int line, int column) {
  return ErrorAt(ErrorCode::kInvalidInput, std::move(rule), std::move(message), doc.source, line,
                 column);
}

const FrontMatterValue* Key(const ParsedDoc& doc, std::string_view path) {
  for (const auto& v : doc.front_matter) {
    if (v.path == path && v.is_key) return &v;
  }
  return nullptr;
}
const FrontMatterValue* Value(const ParsedDoc& doc, std::string_view path) {
  for (const auto& v : doc.front_matter) {
    if (v.path == path && !v.is_key) return &v;
  }
  return nullptr;
}

std::string FacetLabel(const ParsedDoc& doc, std::string_view key) {
  for (const auto& [k, labels] : doc.facets) {
    if (k == key && !labels.empty()) return labels.front();
  }
  return "";
}

// Where a rule about the whole document points: `path`'s value, else 機密区分's, else line 1.
Error AtField(const ParsedDoc& doc, std::string_view path, std::string rule, std::string message) {
  const FrontMatterValue* v = Value(doc, path);
  if (!v) v = Key(doc, path);
  if (!v) v = Value(doc, "confidentiality");
  return At(doc, std::move(rule), std::move(message) + kRaised, v ? v->line : 1, v ? v->column : 0);
}

void CheckFrontMatter(const ParsedDoc& doc, std::vector<Error>& out) {
  if (doc.doc_type == "企業カルテ" || doc.doc_type == "訪問メモ") {
    out.push_back(AtField(doc, "confidentiality", "publish/doc-type",
                          doc.doc_type + "は公開にできません（内部 または 機密）"));
  }
  const std::string status = FacetLabel(doc, "status");
  if (status != "公開承認済") {
    out.push_back(AtField(doc, "status", "publish/status",
                          "公開には状態（status）が公開承認済であることが必要です（" +
                              (status.empty() ? std::string("なし") : status) + "）"));
  }
  const bool firm = doc.doc_type == "支援事例" || !doc.company_ids.empty();
  if (firm) {
    const FrontMatterValue* consent = Value(doc, "publication.consent");
    const bool given = consent && (consent->value == "true" || consent->value == "True" ||
                                   consent->value == "TRUE" || consent->value == "yes");
    if (!given) {
      out.push_back(
          AtField(doc, consent ? "publication.consent" : "publication", "publish/consent",
                  "企業に関わる文書の公開には企業の同意（publication.consent: true）が必要です"));
    }
  }
  // DOMAIN.md §6.6 step 3: fields a public copy drops.
  for (std::string_view key : {"company_id", "company_ids", "consultants", "municipality",
                               "industry_detail", "revenue_band"}) {
    if (const FrontMatterValue* k = Key(doc, key)) {
      out.push_back(At(doc, "publish/field",
                       "公開文書に「" + std::string(key) + "」を書くことはできません" + kRaised,
                       k->line, k->column));
    }
  }
}

void AddText(const ParsedDoc& doc, std::string_view line, int line_no, int column_offset,
             std::vector<Error>& out) {
  for (const auto& t : FindUnpublishableText(line)) {
    out.push_back(At(doc, t.rule, Message(t.rule, t.found), line_no, column_offset + t.column));
  }
}

// Whether file line `line` is read at 公開: the front matter and the body outside every private
// section (each is above 公開, since the base is).
bool ReadAtPublic(const ParsedDoc& doc, int line) {
  for (const auto& r : doc.private_ranges) {
    if (line >= r.begin_line && line <= r.end_line) return false;
  }
  return true;
}

void CheckText(const ParsedDoc& doc, std::vector<Error>& out) {
  const size_t before = out.size();
  // Of the front matter, a reader sees the title, the tags and the related and uses_cases ids
  // (core::DocRecord); the facet labels come from vocabularies, and company ids are a rule of
  // their own.
  for (const auto& v : doc.front_matter) {
    if (v.is_key ||
        (v.path != "title" && v.path != "tags" && v.path != "related" && v.path != "uses_cases")) {
      continue;
    }
    AddText(doc, v.value, v.line, v.column - 1, out);
  }
  int line_no = doc.body_first_line;
  std::string_view body = doc.body;
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    const std::string_view line = body.substr(0, nl);
    if (ReadAtPublic(doc, line_no)) AddText(doc, line, line_no, 0, out);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    ++line_no;
  }
  // Text that cmark decodes (C&#45;0123) is not in the lines as written: what the index holds
  // is checked too, at its block's line.
  for (const core::TextBlock& b : doc.blocks) {
    if (b.level != Clearance::kPublic) continue;
    for (const auto& t : FindUnpublishableText(b.text)) {
      const bool known = std::any_of(out.begin() + static_cast<std::ptrdiff_t>(before), out.end(),
                                     [&](const Error& e) { return e.rule == t.rule; });
      if (!known) out.push_back(At(doc, t.rule, Message(t.rule, t.found), b.line, 0));
    }
  }
}

}  // namespace

std::vector<UnpublishableText> FindUnpublishableText(std::string_view line) {
  const std::u32string s = FoldLine(line);
  std::vector<Found> found;
  FindIds(s, found);
  FindMunicipalities(s, found);
  FindFigures(s, found);
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.start < b.start; });
  const std::u32string original = *core::DecodeUtf8(line);
  std::vector<UnpublishableText> out;
  for (const auto& f : found) {
    out.push_back(
        {f.rule, static_cast<int>(f.start) + 1,
         core::EncodeUtf8(std::u32string_view(original).substr(f.start, f.end - f.start))});
  }
  return out;
}

std::vector<Error> CheckPublication(const ParsedDoc& doc, const std::vector<Error>& pii_warnings) {
  std::vector<Error> out;
  if (doc.base != Clearance::kPublic) return out;
  CheckFrontMatter(doc, out);
  CheckText(doc, out);
  // DOMAIN.md §6.6 step 4: in a public copy, review-level findings block.
  for (const Error& w : pii_warnings) {
    if (!w.rule.starts_with("pii/") || !ReadAtPublic(doc, w.line)) continue;
    out.push_back(At(doc, "publish/pii-review",
                     "公開文書に要確認の記述があります（" + w.rule + "）" + kRaised, w.line,
                     w.column));
  }
  return out;
}

void RaiseToInternal(ParsedDoc& doc) {
  if (doc.base != Clearance::kPublic) return;
  doc.base = Clearance::kInternal;
  for (auto& b : doc.blocks) b.level = std::max(b.level, Clearance::kInternal);
  const core::FieldDef& conf = *core::FindField("confidentiality");
  const uint32_t field = static_cast<uint32_t>(core::FieldIndex(conf));
  for (auto& c : doc.facet_codes) {
    if (c.field == field) c.value = static_cast<uint32_t>(Clearance::kInternal);
  }
  for (auto& [key, labels] : doc.facets) {
    if (key == conf.key) labels = {std::string(core::ClearanceLabel(Clearance::kInternal))};
  }
}

}  // namespace yuimaru::indexer
