// The index schema shared by indexer/ and search/: clearance levels, facet fields and their
// controlled vocabularies (DOMAIN.md §3), term prefixes and value slots. Both sides take every
// prefix, slot and label from here, so a facet cannot mean one thing when written and another
// when read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yuimaru::core {

// 機密区分. Ordered: a user with clearance c may read text of level <= c.
enum class Clearance : uint8_t { kPublic = 0, kInternal = 1, kConfidential = 2 };
inline constexpr int kClearanceCount = 3;
std::string_view ClearanceLabel(Clearance c);  // 公開 / 内部 / 機密
std::string_view ClearanceCode(Clearance c);   // public / internal / confidential
// Accepts labels and codes (公開, public, …). nullopt if unknown.
std::optional<Clearance> ParseClearance(std::string_view text);

// ---- Terms and values -------------------------------------------------------------------
// The 41 municipalities (DOMAIN.md §1.7): the values of `municipality`, and what a street
// address starts with (pii.cc).
inline constexpr std::string_view kMunicipalities[] = {
    "名護市",   "本部町",   "金武町",   "国頭村",   "大宜味村", "東村",     "今帰仁村",
    "恩納村",   "宜野座村", "伊江村",   "伊平屋村", "伊是名村", "沖縄市",   "うるま市",
    "宜野湾市", "読谷村",   "嘉手納町", "北谷町",   "北中城村", "中城村",   "西原町",
    "那覇市",   "浦添市",   "糸満市",   "豊見城市", "南城市",   "与那原町", "南風原町",
    "八重瀬町", "久米島町", "渡嘉敷村", "座間味村", "粟国村",   "渡名喜村", "南大東村",
    "北大東村", "宮古島市", "多良間村", "石垣市",   "竹富町",   "与那国町"};

inline constexpr std::string_view kDocIdPrefix = "Q";       // unique id term: Q + doc_id
inline constexpr std::string_view kCompanyPrefix = "XCO:";  // company_id / company_ids
inline constexpr unsigned kDateSlot = 0;        // "YYYY-MM-DD"; sorts and range-filters as text
inline constexpr unsigned kFiscalYearSlot = 1;  // "2024"
inline constexpr unsigned kFacetSlot = 2;       // packed facet codes (facet_codes.h)
inline constexpr unsigned kDocIdSlot = 3;       // doc_id: the tie-break of equal scores
// The normalized visible text of the version (title and blocks, each on a line of its own),
// deflated by core::PackText (text_pack.h): checks that a run of three or more characters occurs
// exactly, where the bigram terms only say that its pairs occur somewhere. Positions in Xapian
// would do the same at twice the index size and half the indexing speed; the cost of inflating
// is paid once per text, which the searcher's text cache keeps (docs/architecture.md).
inline constexpr unsigned kTextSlot = 4;
// Within-document frequency given to each occurrence, by field: title > headings > body.
inline constexpr unsigned kTitleWdf = 3;
inline constexpr unsigned kHeadingWdf = 2;
inline constexpr unsigned kBodyWdf = 1;

// ---- Facet fields ---------------------------------------------------------------------------
enum class FieldType {
  kEnum,         // one value of a vocabulary
  kEnumList,     // several values of a vocabulary
  kYear,         // 年度: an integer year; value id = year - kYearBase
  kBool,         // true / false
  kConsultants,  // K-07 style ids; value id = the number
};
inline constexpr int kYearBase = 1990;

struct VocabEntry {
  std::string_view code;   // ASCII, used in filter terms and URLs
  std::string_view label;  // canonical Japanese label, as shown
  std::vector<std::string_view> aliases;
};

struct FieldDef {
  std::string_view key;     // front matter key / API name, e.g. "industry"
  std::string_view label;   // 業種
  std::string_view prefix;  // boolean filter term prefix, e.g. "XI:"
  FieldType type;
  std::vector<VocabEntry> vocab;  // for kEnum, kEnumList and kBool
};

// Every facet field, in display order. The index of a field in this list is its id in the
// packed facet codes, so only append.
const std::vector<FieldDef>& FacetFields();

// The field whose key or Japanese label is `name` (e.g. "industry" or "業種"), or nullptr.
const FieldDef* FindField(std::string_view name);
int FieldIndex(const FieldDef& field);

// Resolves a user- or file-supplied value to a value id: vocabulary labels, codes and aliases
// compared after normalization (width, case, 、/，/・ and brackets ignored); years in any form
// ParseFiscalYear accepts; true/false; K-ids. nullopt if it is not a value of the field.
std::optional<int> FindValue(const FieldDef& field, std::string_view text);

// The canonical label of a value id ("製造業", "2024", "K-07"), and its code ("E", "2024", "K-07").
std::string ValueLabel(const FieldDef& field, int value_id);
std::string ValueCode(const FieldDef& field, int value_id);
// The boolean filter term for a value id: prefix + code.
std::string FilterTerm(const FieldDef& field, int value_id);

// Up to `n` labels of the field closest to `text` (edit distance), for "did you mean" messages.
std::vector<std::string> NearestLabels(const FieldDef& field, std::string_view text, size_t n);

// ---- Document types -------------------------------------------------------------------------
struct DocTypeDef {
  std::string_view code;        // karte
  std::string_view label;       // 企業カルテ
  std::string_view id_pattern;  // ECMAScript regex of its doc_id (DOMAIN.md §2.0.1)
};
const std::vector<DocTypeDef>& DocTypes();
const DocTypeDef* FindDocType(std::string_view label_or_code);

}  // namespace yuimaru::core
