// What the index stores with each document (Xapian document data): everything a result line, a
// snippet, the explanation and the document page need, for one clearance view of the document.
// Text above the view's clearance is never in it. Written by indexer/, read by search/.
// (The normalized text of the version, for exact substring checks, is value slot kTextSlot.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::core {

struct DocRecord {
  std::string id;
  std::string title;
  std::string doc_type;                       // label, empty if unknown
  std::string path;                           // source path as given to the indexer
  std::string date;                           // YYYY-MM-DD or empty
  int fiscal_year = 0;                        // 0 if unknown
  std::string confidentiality;                // base 機密区分 label
  Clearance view_level = Clearance::kPublic;  // highest level of text in this version
  std::vector<std::pair<std::string, std::vector<std::string>>> facets;  // key → labels
  std::vector<std::string> company_ids;                                  // company_id / company_ids
  std::vector<std::string> tags;
  std::vector<std::string> related;  // doc ids named in the front matter `related:`
  // The following are stored only when set, so records written before they existed read as
  // empty (0).
  // `uses_cases:` of a 研修資料: the public copies (-P) it uses, in front matter order.
  std::vector<std::string> uses_cases;
  int duration_min = 0;  // `duration_min:` of a 研修資料 (所要時間), 0 if unset
  // `updated:` (YYYY-MM-DD) or empty: the date a 企業カルテ's current state (phase, outcome) is of.
  std::string updated;
  // `next_visit:` (YYYY-MM-DD) or empty; for the follow-up list.
  std::string next_visit;
  // Markdown body of this version, private blocks above it removed. Snippets and explanations
  // re-read it with core::ReadMarkdown (cheap for ten hits; storing the blocks as well would
  // double the stored text).
  std::string markdown;
};

std::string EncodeDocRecord(const DocRecord& record);

// The date the document's current state (支援フェーズ, 支援の状況) is of: `updated` if set and
// later than `date` (a 企業カルテ is a living document whose phase and outcome are rewritten),
// else `date`.
const std::string& StateDate(const DocRecord& record);
// The 年度 of StateDate: that of `updated` if set, else `fiscal_year` (0 if unknown).
int StateFiscalYear(const DocRecord& record);

// The metadata table of a document page: (Japanese label, value) in schema order. Derived from
// the record rather than stored, so the index carries each fact once.
std::vector<std::pair<std::string, std::string>> DisplayMeta(const DocRecord& record);
// Fails with kInternal (rule "index.data.corrupt") if `data` is not an encoded record.
Result<DocRecord> DecodeDocRecord(std::string_view data);

}  // namespace yuimaru::core
