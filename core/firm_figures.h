// The programme's figures (pure): firms (distinct company ids) and documents, counted from
// stored records. One counting for the export's workbook (toolkit/), the 実績報告 of
// `yuimaru report` (cli/) and the dashboard (web/); each reads the records of its own
// clearance view and hands them here.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/doc_record.h"

namespace yuimaru::core {

// A record and the firms it concerns.
struct FirmDoc {
  // The record as a view reads it (an export has already coarsened record.facets).
  DocRecord record;
  // The firms this document concerns (see FirmKeys).
  std::vector<std::string> firms;
};

// The firms a document concerns, for counting distinct firms: its company ids when the record
// has them (a karte, a visit memo, an internal case, the company_ids of a team meeting); where
// no id is readable (a 公開 copy), a 支援事例 stands for one firm (its doc id without the
// public-copy suffix "-P"); other documents concern no firm.
std::vector<std::string> FirmKeys(const DocRecord& record);

// FirmDocs of `records`, each with FirmKeys, except that a public copy (CS-…-P, no company id)
// whose source case is among `records` counts as the source case's company, so that a firm is
// not counted twice where both are readable.
std::vector<FirmDoc> ToFirmDocs(std::vector<DocRecord> records);

struct FigureRow {
  std::string label;  // a value's canonical label, 「2024年度（令和6年度）」, 該当なし or 合計
  size_t firms = 0;      // distinct firms among the documents counted in this row
  size_t documents = 0;  // documents with this value
};

struct FigureTable {
  std::string key;    // field key: industry, region, phase, issues, bridge_to, outcome, fiscal_year
  std::string label;  // 業種
  std::string title;  // 業種別
  // Multi-valued fields (支援フェーズ, 課題, 橋渡し先): a document counts in each of its values, so
  // the rows may add up to more than the total.
  bool multi_valued = false;
  // Vocabulary order (years ascending). Every value of the vocabulary is listed, zero or not,
  // except values `omit_unused` names (the export's coarse values), listed only when used.
  std::vector<FigureRow> rows;
  FigureRow none;   // 該当なし: documents without a value of this field
  FigureRow total;  // 合計: every document of the set and its distinct firms
};

struct Figures {
  size_t documents = 0;
  size_t firms = 0;                 // distinct firms of the whole set
  std::vector<FigureTable> tables;  // industry, region, phase, issues, bridge_to, outcome, 年度
};

// Whether a vocabulary value is listed only when some document has it (nullptr: none is).
using OmitUnused = bool (*)(std::string_view field_key, std::string_view label);

// Counts the documents of `docs` per value of each field (their record.facets) and the distinct
// firms of those documents (docs' `firms`; a public copy whose source case is in `docs` counts
// as the source case's company, as in ToFirmDocs).
Figures ComputeFigures(const std::vector<FirmDoc>& docs, OmitUnused omit_unused);

// ---- 実績報告: firms per fiscal year ---------------------------------------------------------

inline constexpr int kAllYears = 0;

// One row of a firm table: a value and how many firms (and documents of the year) have it.
struct ReportRow {
  std::string label;
  size_t firms = 0;
  size_t documents = 0;
};

struct ReportTable {
  std::string key;              // industry, region, ritou, employees, phase, outcome, issues
  std::string title;            // 支援先数（業種別）
  std::vector<ReportRow> rows;  // vocabulary order (issues: most firms first); zero rows kept
  ReportRow none;               // 該当なし: active firms without a value
};

// 橋渡し: a (firm, institution) pair, counted once, in the fiscal year of the earliest document
// that records it.
struct BridgeRow {
  std::string label;              // 橋渡し先
  std::map<int, size_t> by_year;  // fiscal year → new pairs first recorded that year
  size_t total = 0;               // in the years reported (one year, or all)
};

struct Report {
  int fiscal_year = kAllYears;      // the year reported, or kAllYears
  std::vector<int> years;           // the fiscal years of the documents, ascending
  size_t firms = 0;                 // firms active in the year (support activity)
  size_t documents = 0;             // documents of the year
  std::vector<ReportTable> tables;  // industry, region, ritou, employees, phase, outcome, issues
  std::vector<BridgeRow> bridges;   // vocabulary order
  size_t bridge_total = 0;
  size_t outcome_firms = 0;  // active firms with a 支援の状況
  size_t self_running = 0;   // … of which 自走化
  // 本質的課題 against the issue first raised: the documents record both only in prose (カルテ
  // §10, 支援事例「課題設定のプロセス」), in no field, so nothing can be counted; said here.
  std::string essential_issue_note;
};

// The 実績報告 of `fiscal_year` (kAllYears: every year) over `docs` (one clearance view, the
// filters already applied; firms as ToFirmDocs makes them). A firm is active in a year when a
// document of that year names it, or a document naming it was updated that year (a karte's
// `updated`). Its profile (業種, 地域, 離島, 従業員規模) is the value of its latest dated document
// that has one, among all of `docs` up to the end of the year; its phase is the furthest
// 支援フェーズ of its documents up to then; its 支援の状況 the latest recorded up to then. A
// document's phase and 支援の状況 are its state as of core::StateDate (a karte's `updated`), and
// count from that year on, documents per phase and 支援の状況 included.
Report ComputeReport(const std::vector<FirmDoc>& docs, int fiscal_year);

// The 自走化 rate in percent (one decimal place), or -1 when no firm has a 支援の状況.
double SelfRunningRate(const Report& report);

}  // namespace yuimaru::core
