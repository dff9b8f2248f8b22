// What the index stores with each document (Xapian document data): everything a result line, a
// snippet, the explanation and the document page need, for one clearance view of the document.
// Text above the view's clearance is never in it. Written by indexer/, read by search/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/core/result.h"
#include "search/core/schema.h"

namespace yuimaru::core {

enum class BlockKind : uint8_t { kTitle = 0, kHeading = 1, kText = 2 };

// One leaf block of visible text in document order: the title, a heading, a paragraph, a list
// item's paragraph, a code block or a table row.
struct Block {
  BlockKind kind = BlockKind::kText;
  uint8_t heading_level = 0;             // 1-6 for headings
  Clearance level = Clearance::kPublic;  // the 機密区分 this text belongs to
  uint32_t position = 0;                 // index position of its first character
  std::string text;                      // original (not normalized) text
};

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
  std::vector<std::pair<std::string, std::string>> meta;  // (Japanese label, display value)
  std::vector<std::string> related;                       // doc ids named in the front matter
  std::vector<Block> blocks;
  std::string markdown;  // Markdown body of this version, private blocks above it removed
};

std::string EncodeDocRecord(const DocRecord& record);
// Fails with kInternal (rule "index.data.corrupt") if `data` is not an encoded record.
Result<DocRecord> DecodeDocRecord(std::string_view data);

}  // namespace yuimaru::core
