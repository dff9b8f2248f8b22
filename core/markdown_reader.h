// Markdown body → the visible text blocks of a document, with the 機密区分 of each block, using
// cmark's AST. Shared by the indexer (what is indexed) and search (snippets and explanations
// are made from the same blocks, re-read from the stored Markdown of a version). Raw HTML is
// skipped (cmark keeps it in the tree although rendering drops it);
// `<!-- private:begin level="機密" … -->` … `<!-- private:end -->` lines (or 非公開:begin/end)
// raise the level of the blocks between them (DOMAIN.md §2.0.2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::core {

struct TextBlock {
  enum class Kind { kHeading, kText };
  Kind kind = Kind::kText;
  int heading_level = 0;
  Clearance level = Clearance::kPublic;
  int line = 0;  // 1-based line in the file
  std::string text;
};

// A private section: file lines [begin_line, end_line] including both marker lines.
struct PrivateRange {
  int begin_line = 0;
  int end_line = 0;
  Clearance level = Clearance::kConfidential;
  std::string reason;
};

struct MarkdownContent {
  std::vector<TextBlock> blocks;
  std::vector<PrivateRange> private_ranges;
  std::vector<Error> errors;  // unpaired, nested or inline markers, bad levels
};

// `body` is the Markdown after the front matter and `first_line` the file line it starts on;
// `base` is the document's 機密区分, the least level any block gets.
MarkdownContent ReadMarkdown(std::string_view body, int first_line, Clearance base);

// Whether `row` (one trimmed line) is a pipe table's separator row (`| --- | :-: |`). Linear in
// its length, whatever it holds. The indexer and the page renderer both read tables with it.
bool IsTableSeparatorRow(std::string_view row);

// A GitHub-style pipe table is one paragraph to cmark. Its rows: the lines of `paragraph` (the
// paragraph's inline text, soft breaks as '\n') trimmed of spaces, tabs and CRs, empty lines left
// out, each with its offset from the paragraph's first line; empty unless the paragraph starts
// with '|'. The indexer makes each row but the separator a block; the page renders a table when
// the second row is a separator (IsTableSeparatorRow).
struct PipeRow {
  int offset = 0;
  std::string text;
};
std::vector<PipeRow> PipeTableRows(std::string_view paragraph);

// The cells of one row: outer pipes dropped, split at '|', each trimmed of spaces.
std::vector<std::string> PipeTableCells(std::string_view row);

// The body as a reader of clearance `view` may see it: each private range above `view` (markers
// included) becomes one empty line; other lines are kept as they are. `body` must have LF line
// ends only (the parser normalizes them at read time).
std::string VisibleMarkdown(std::string_view body, int first_line,
                            const std::vector<PrivateRange>& ranges, Clearance view);

// The text of the first heading a reader of clearance `view` may see, or "" (the title of last
// resort: a heading inside a private section never titles a view below it).
std::string FirstHeadingAt(const std::vector<TextBlock>& blocks, Clearance view);

// One reading of a document: for every clearance from `base` up, the Markdown that view stores
// and shows (VisibleMarkdown) must read back into exactly the blocks indexed for it (same kind,
// level and text, in order). Returns the first difference as an error "private/inconsistent", or
// nullopt. `content` is ReadMarkdown(body, first_line, base) without errors.
std::optional<Error> CheckViews(std::string_view body, int first_line, Clearance base,
                                const MarkdownContent& content);

}  // namespace yuimaru::core
