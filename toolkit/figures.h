// The programme's figures (pure): firms and documents by 業種 / 地域 / 支援フェーズ / 課題 /
// 橋渡し先 / 支援の状況 / 年度, as tables the workbook, its PDF and the site show alike.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/doc_record.h"
#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

// The firms a document concerns, for counting distinct firms: its company ids when the record
// has them (当局用); in the 公表用 edition, where no id is published, a 支援事例 stands for one
// firm (its doc id without the public-copy suffix "-P"); other documents concern no firm.
// (ComputeFigures goes one step further in 当局用, see there.)
std::vector<std::string> FirmKeys(const core::DocRecord& record);

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
  // except the coarse values of small cells (全県 is a region of its own), listed only when used.
  std::vector<FigureRow> rows;
  FigureRow none;   // 該当なし: documents without a value of this field
  FigureRow total;  // 合計: every document of the set and its distinct firms
};

struct Figures {
  size_t documents = 0;
  size_t firms = 0;                 // distinct firms of the whole set
  std::vector<FigureTable> tables;  // in the order of the field keys above
};

// Counts the documents of `docs` (their record.facets, as coarsened) and their firms (docs'
// `firms`). In 当局用 a public copy (CS-…-P, no company id) whose source case is in the set counts
// as the source case's company, so a firm is not counted twice.
Figures ComputeFigures(const std::vector<ExportDoc>& docs);

}  // namespace yuimaru::toolkit
