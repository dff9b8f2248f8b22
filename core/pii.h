// Personal and identifying data that must never be indexed (DOMAIN.md §6): e-mail addresses,
// Japanese phone numbers, postal codes with addresses, street addresses, マイナンバー and 法人番号
// (with their check digits), bank accounts, card numbers (Luhn), invoice and company registry
// numbers, and the names of a local deny-list; URLs and SNS handles are findings to review
// (warnings). Pure: text in,
// findings out. The indexer rejects a document with a finding; the audit trail masks them in
// logged queries.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/markdown_reader.h"
#include "core/result.h"

namespace yuimaru::core {

struct PiiFinding {
  std::string rule;  // "pii/email", "pii/phone", "pii/postal-address", "pii/address",
                     // "pii/my-number", "pii/corporate-number", "pii/bank-account",
                     // "pii/card-number", "pii/invoice-number",
                     // "pii/corporate-registry-number", "pii/deny-list"; review only:
                     // "pii/url", "pii/sns-handle"
  int line = 0;      // 1-based, in the scanned text
  int column = 0;    // 1-based code point column
  size_t begin = 0;  // byte range in the scanned text
  size_t end = 0;
  std::string masked;  // the finding with most characters replaced by * (safe to print)
  // URLs and SNS handles identify a firm only sometimes (a public agency's page, a cited
  // article): the indexer warns about them and indexes the file. Every other rule rejects it.
  bool review = false;
};

struct PiiOptions {
  // Names that must not appear (people and firms of the secretariat's 対応表), one per entry;
  // compared after normalization. Never printed: findings carry only a masked form.
  std::vector<std::string> deny_list;
};

// Every finding in `text` (valid UTF-8), in order. A line that carries an allow marker with a
// reason — `<!-- pii-allow: 理由 -->` — is exempt (for the rare legitimate case, e.g. a public
// body's published number in 研修資料). Numbers are also read as a reader would read them:
// kanji numerals (〇一二…九) as digits, and one repeated separator inside a number (1234・5678・
// 9018, digits one by one with spaces, U+2028) as none.
std::vector<PiiFinding> FindPii(std::string_view text, const PiiOptions& options);

// Findings in what a reader sees rather than in what was typed: the text of each Markdown block
// as rendered (inline markup, HTML comments and raw HTML gone, character references and
// backslash escapes decoded, soft line breaks joined), so that 1234**5678**9018 or
// taro&#64;… is found as the page shows it. `blocks` come from ReadMarkdown over `text`, whose
// line numbers they carry; `raw` is FindPii(text): a rule it already found within a block's
// lines is not reported again. A block whose lines carry an allow marker is exempt. URL and SNS
// findings are left to the raw pass. Each finding has its block's first line and column 1
// (a rendered position has no column in the file); begin and end are 0.
std::vector<PiiFinding> FindPiiInBlocks(const std::vector<TextBlock>& blocks, std::string_view text,
                                        const std::vector<PiiFinding>& raw,
                                        const PiiOptions& options);

// `text` with every finding replaced by "[pii/…]" (for logs).
std::string RedactPii(std::string_view text, const PiiOptions& options);

// Check digits (DOMAIN.md §6.4). `digits` must be exactly 13 / 12 ASCII digits.
bool ValidCorporateNumber(std::string_view digits);  // 法人番号: the leftmost digit checks
bool ValidMyNumber(std::string_view digits);  // マイナンバー: the rightmost digit checks

// A copy of `text` with every mapped real name (compared after normalization and without
// spaces, longer names first) replaced by its id: 山城酒造 → C-0123, 比嘉 花子 → K-07.
struct AnonymizeResult {
  std::string text;
  size_t replaced = 0;
};
AnonymizeResult AnonymizeText(std::string_view text,
                              const std::vector<std::pair<std::string, std::string>>& map);
// A map file: "実名<TAB>ID" per line, # comments. Fails with kIo or kInvalidInput (with line).
Result<std::vector<std::pair<std::string, std::string>>> LoadAnonymizeMap(const std::string& path);

// The names of a deny-list file: one per line, # comments. Fails with kIo.
Result<std::vector<std::string>> LoadDenyList(const std::string& path);

}  // namespace yuimaru::core
