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
// uses_cases of a 研修資料: XUC: + the case's doc id, for "the 研修資料 that use case X".
inline constexpr std::string_view kUsesCasePrefix = "XUC:";
// The lowest clearance that reads a version (the lo of its shard s<lo><hi>): XV0 公開, XV1 内部,
// XV2 機密. A version holds only text that clearance may read, so a database with no XV1 and no
// XV2 document holds nothing above 公開: what a national view checks of a remote shard.
inline constexpr std::string_view kVersionPrefix = "XV";
inline std::string VersionTerm(Clearance lo) {
  return std::string(kVersionPrefix) + static_cast<char>('0' + static_cast<int>(lo));
}
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
// Sort keys of the date orders, each unique within a view (the doc_id breaks ties): oldest first
// (date ascending, no date first) and newest first (date descending, no date last), both then
// doc_id ascending. Written by Xapian's own MultiValueKeyMaker at index time, so a search sorts by
// one value slot, which Xapian's remote backend supports (a KeyMaker it does not).
inline constexpr unsigned kOldestSlot = 5;
inline constexpr unsigned kNewestSlot = 6;
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

// How a front matter key holds a field's values.
enum class Shape {
  kScalar,  // one value ("industry: 製造業"); a list is an error
  kList,    // a list of values; a single scalar is read as a list of one ("issues: 事業承継")
};

// A front matter key that feeds a field. `path` is a top-level key ("phases") or a key inside a
// map, written with a dot ("visit.mode": the `mode` of the `visit` map).
struct FrontMatterKey {
  std::string_view path;
  Shape shape;
};

// Whether the labels of a document's values are indexed as body text too, so that a query
// word finds the documents tagged with it (事業承継, 5人以下). Only labels that read as words of
// the domain are; of a kBool field only the label of `true` (離島, never 離島以外).
enum class LabelText { kNotIndexed, kIndexed };

// Whether a query word that names a value ("製造業", "離島") is offered as a filter
// (interpretation.suggestions). 年度 expressions (今年度, 令和6年度) have a rule of their own.
enum class QuerySuggestion { kNotOffered, kValueWords, kYearExpressions };

// Whether a hit in the result list shows the document's values as tags ("業種: 製造業").
enum class HitTags { kNotShown, kShown };

// One facet: everything that defines it. The parser, the document builder, the searcher's
// suggestions, the sidebar and the dashboard all loop over these rows, so adding a facet is
// adding a row (and re-indexing). A field is shown somewhere (sidebar, dashboard) or says why
// not in `hidden_reason` (tests/core/schema_test.cc checks it).
struct FieldDef {
  std::string_view key;     // API name and URL parameter, e.g. "industry"
  std::string_view label;   // 業種
  std::string_view prefix;  // boolean filter term prefix, e.g. "XI:"
  FieldType type;
  // The front matter keys it is read from; the first is its own key. The top-level ones are
  // also names of the field for FindField ("phases").
  std::vector<FrontMatterKey> front_matter{};
  LabelText label_text = LabelText::kNotIndexed;
  QuerySuggestion suggestion = QuerySuggestion::kNotOffered;
  HitTags hit_tags = HitTags::kNotShown;
  int sidebar = 0;                   // position in the search page's sidebar (ascending); 0: none
  int chart = 0;                     // position of its bar chart on the dashboard; 0: none
  std::string_view chart_title{};    // 業種別 (the caption says 「業種別の文書数」)
  std::string_view hidden_reason{};  // why a field with neither sidebar nor chart is not shown
  std::vector<VocabEntry> vocab{};   // for kEnum, kEnumList and kBool
};

// Every facet field. The index of a field in this list is its id in the packed facet codes, so
// only append; where a field is shown is its `sidebar` and `chart`, not its position.
const std::vector<FieldDef>& FacetFields();

// The fields with a place in the sidebar, in sidebar order.
const std::vector<const FieldDef*>& SidebarFields();
// The fields with a dashboard chart, in chart order.
const std::vector<const FieldDef*>& ChartFields();

// The field that front matter key `path` ("phases", "visit.mode") feeds, and how it holds its
// values; `field` is nullptr when no field is read from that key.
struct FrontMatterBinding {
  const FieldDef* field = nullptr;
  Shape shape = Shape::kScalar;
};
FrontMatterBinding BindFrontMatterKey(std::string_view path);

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

// Whether `label`, a value of `field`, is indexed as text: the field's labels are
// (LabelText::kIndexed), and of a yes/no field only the label of yes is a word of the domain
// (離島, never 離島以外). The indexer, the offline toolkit index and IndexedLabels use this rule.
bool IsIndexedLabel(const FieldDef& field, std::string_view label);

// A value whose label is also indexed as text (IsIndexedLabel): a document with `term` has
// `normalized` in its normalized text, so the term proves any run inside that label without
// reading the text (search's text check).
struct IndexedLabel {
  const FieldDef* field;
  int value_id;
  std::string term;        // FilterTerm(*field, value_id)
  std::string normalized;  // NormalizeToUtf8(ValueLabel(*field, value_id))
};
// Every such value of the fields with a vocabulary, in field then vocabulary order.
const std::vector<IndexedLabel>& IndexedLabels();

// Up to `n` labels of the field closest to `text` (edit distance), for "did you mean" messages.
std::vector<std::string> NearestLabels(const FieldDef& field, std::string_view text, size_t n);

// ---- Document types -------------------------------------------------------------------------
// Front matter every document must have in strict mode (lint --strict), whatever its type.
inline constexpr std::string_view kRequiredForEveryType[] = {
    "doc_id",          "doc_type", "title",   "date",  "fiscal_year",
    "confidentiality", "status",   "authors", "region"};

// One document type: the values of the doc_type field are built from these rows, in this order.
struct DocTypeDef {
  std::string_view code;                  // karte
  std::string_view label;                 // 企業カルテ
  std::vector<std::string_view> aliases;  // カルテ: other names a writer uses
  std::string_view id_pattern;            // ECMAScript regex of its doc_id (DOMAIN.md §2.0.1)
  // Front matter keys it must have in strict mode besides kRequiredForEveryType (DOMAIN.md §2,
  // §3.1), in the order they are reported when missing.
  std::vector<std::string_view> required;
};
const std::vector<DocTypeDef>& DocTypes();
const DocTypeDef* FindDocType(std::string_view label_or_code);

}  // namespace yuimaru::core
