// The publication gate (DOMAIN.md §2.3, §3.5, §6.2, §6.5, §6.6): whether a document whose
// 機密区分 is 公開 may really be read at 公開. A document that fails any rule is not rejected:
// the parser reports each failure as a warning "publish/<rule>" at the offending place and
// indexes the document one level up, at 内部 (RaiseToInternal), so nothing is lost and nothing
// leaks. Indexing and lint (both modes) run the same gate through ParseDocument. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "indexer/document_parser.h"

namespace yuimaru::indexer {

// One piece of text that is not publishable, found in one line of text.
struct UnpublishableText {
  std::string rule;   // "publish/company-id", "publish/handler-id", "publish/municipality",
                      // "publish/money", "publish/headcount", "publish/age"
  int column = 0;     // 1-based code point column in the line
  std::string found;  // the text as written
};

// The findings in `line` (one line, no line end): ids of firms (C-0123) and handlers (K-07),
// municipality names (with or without 市/町/村), exact money figures (1,234万円, 一千万円,
// ￥12,340,000, 3億2千万), headcounts (23名, ２３人) and exact ages (45歳). Full-width forms and
// other hyphens count as what they look like. Figures that are part of a band of DOMAIN.md §6.5
// (1億〜5億円未満, 5人以下, 60歳以上) are allowed.
std::vector<UnpublishableText> FindUnpublishableText(std::string_view line);

// The publication rules that `doc` breaks, as warnings "source:line:col: publish/<rule>: …",
// in file order of the rules' kinds. Empty if `doc.base` is not 公開 (nothing in it is read at
// 公開) or every rule holds. `pii_warnings` are the review-level findings the parser reported
// for the same file (rule "pii/…"); one on a line read at 公開 breaks "publish/pii-review".
std::vector<Error> CheckPublication(const ParsedDoc& doc, const std::vector<Error>& pii_warnings);

// Moves every text of `doc` that is read at 公開 to 内部: the base 機密区分 and its facet value,
// and the level of each block. Text above 内部 is unchanged.
void RaiseToInternal(ParsedDoc& doc);

}  // namespace yuimaru::indexer
