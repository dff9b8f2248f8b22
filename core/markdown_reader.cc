#include "core/markdown_reader.h"

#include <cmark.h>

#include <memory>
#include <optional>

#include "core/private_marker.h"

namespace yuimaru::core {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
    --e;
  return std::string(s.substr(b, e - b));
}

bool IsWideByte(unsigned char c) { return c >= 0x80; }

// Soft line breaks: Japanese lines wrap without a space, so a break between two non-ASCII
// characters disappears; elsewhere it is a space.
std::string JoinSoftBreaks(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') {
      out.push_back(s[i]);
      continue;
    }
    const bool wide_before = !out.empty() && IsWideByte(static_cast<unsigned char>(out.back()));
    const bool wide_after = i + 1 < s.size() && IsWideByte(static_cast<unsigned char>(s[i + 1]));
    if (!(wide_before && wide_after)) out.push_back(' ');
  }
  return out;
}

struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

class Reader {
 public:
  Reader(int first_line, Clearance base) : first_line_(first_line), base_(base) {}

  MarkdownContent Read(std::string_view body) {
    std::unique_ptr<cmark_node, NodeDeleter> doc(
        cmark_parse_document(body.data(), body.size(), CMARK_OPT_DEFAULT));
    std::unique_ptr<cmark_iter, IterDeleter> it(cmark_iter_new(doc.get()));
    for (cmark_event_type ev; (ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE;) {
      Visit(cmark_iter_get_node(it.get()), ev);
    }
    if (open_) {
      AddError(open_->begin_line, "private/unpaired-begin",
               "private:begin に対応する private:end がありません", 1);
    }
    return std::move(out_);
  }

 private:
  int LineOf(cmark_node* n) const { return cmark_node_get_start_line(n) + first_line_ - 1; }

  int ColumnOf(cmark_node* n) const { return std::max(1, cmark_node_get_start_column(n)); }

  void AddError(int line, std::string rule, std::string message, int column = 0) {
    Error e = MakeError(ErrorCode::kInvalidInput, std::move(rule), std::move(message));
    e.line = line;
    e.column = column;
    out_.errors.push_back(std::move(e));
  }

  void Malformed(cmark_node* node, const char* lit, size_t offset) {
    // The line of the suspicious comment within a multi-line literal.
    int line = LineOf(node);
    for (size_t i = 0; i < offset && lit[i]; ++i) line += lit[i] == '\n';
    ++rejected_markers_;
    AddError(line, "private/malformed",
             "非公開マーカーに似たコメントですが、正しい書式ではありません（正: <!-- "
             "private:begin level=\"機密\" reason=\"…\" --> と <!-- private:end -->、"
             "それぞれ単独の行に）。マーカーでなければコメントを消してください",
             ColumnOf(node));
  }

  Clearance CurrentLevel() const { return open_ ? open_->level : base_; }

  void Visit(cmark_node* node, cmark_event_type ev) {
    const cmark_node_type type = cmark_node_get_type(node);
    switch (type) {
      case CMARK_NODE_PARAGRAPH:
      case CMARK_NODE_HEADING:
        if (ev == CMARK_EVENT_ENTER) {
          in_leaf_ = true;
          leaf_text_.clear();
          leaf_line_ = LineOf(node);
        } else {
          in_leaf_ = false;
          FinishLeaf(type == CMARK_NODE_HEADING ? cmark_node_get_heading_level(node) : 0);
        }
        break;
      case CMARK_NODE_CODE_BLOCK:
        leaf_text_ = cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "";
        leaf_line_ = LineOf(node);
        AddBlock(TextBlock::Kind::kText, 0, leaf_line_, Trim(leaf_text_));
        break;
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        if (in_leaf_ && cmark_node_get_literal(node)) leaf_text_ += cmark_node_get_literal(node);
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        if (in_leaf_) leaf_text_ += '\n';
        break;
      case CMARK_NODE_HTML_BLOCK:
        HtmlBlock(node);
        break;
      case CMARK_NODE_HTML_INLINE: {
        const char* lit = cmark_node_get_literal(node);
        if (!lit) break;
        const MarkerCheck check = CheckMarker(lit);
        if (check.kind == MarkerCheck::Kind::kMarker) {
          if (check.marker.kind == PrivateMarker::Kind::kBegin) ++rejected_markers_;
          AddError(in_leaf_ ? leaf_line_ : LineOf(node), "private/inline",
                   "非公開マーカーは段落の中ではなく単独の行に書いてください");
        } else if (check.kind == MarkerCheck::Kind::kMalformed) {
          Malformed(node, lit, check.offset);
        }
        break;  // other raw HTML is not text
      }
      default:
        break;
    }
  }

  void HtmlBlock(cmark_node* node) {
    const char* lit = cmark_node_get_literal(node);
    if (!lit) return;
    const MarkerCheck check = CheckMarker(lit);
    if (check.kind == MarkerCheck::Kind::kNone) return;  // raw HTML: not indexed
    if (check.kind == MarkerCheck::Kind::kMalformed) {
      Malformed(node, lit, check.offset);
      return;
    }
    const int line = LineOf(node);
    const PrivateMarker* marker = &check.marker;
    if (marker->kind == PrivateMarker::Kind::kEnd) {
      if (!open_ && rejected_markers_ > 0) {
        --rejected_markers_;  // the end of a begin already reported: one mistake, one message
        return;
      }
      if (!open_) {
        AddError(line, "private/unpaired-end", "private:end に対応する private:begin がありません",
                 ColumnOf(node));
        return;
      }
      // cmark reports an HTML block's end line one short; count the literal's lines instead.
      int extra_lines = 0;
      for (const char* c = lit; *c; ++c) extra_lines += *c == '\n' && c[1] != '\0';
      open_->end_line = line + extra_lines;
      out_.private_ranges.push_back(*open_);
      open_.reset();
      return;
    }
    if (open_) {
      AddError(line, "private/nested", "private ブロックは入れ子にできません", ColumnOf(node));
      return;
    }
    const auto level = ParseClearance(marker->level);
    if (marker->level.empty() || !level || *level == Clearance::kPublic) {
      ++rejected_markers_;
      AddError(line, "private/level",
               "level は「内部」か「機密」を指定してください（「" + marker->level + "」）");
      return;
    }
    PrivateRange range;
    range.begin_line = line;
    range.level = std::max(*level, base_);  // a block may only raise the document's level
    range.reason = marker->reason;
    open_ = range;
  }

  void FinishLeaf(int heading_level) {
    const std::string raw = leaf_text_;
    if (heading_level > 0) {
      const std::string text = Trim(JoinSoftBreaks(raw));
      AddBlock(TextBlock::Kind::kHeading, heading_level, leaf_line_, text);
      return;
    }
    // A pipe table: each row but the separator becomes a block of its own.
    if (!raw.empty() && raw[0] == '|') {
      for (PipeRow& row : PipeTableRows(raw)) {
        if (!IsTableSeparatorRow(row.text))
          AddBlock(TextBlock::Kind::kText, 0, leaf_line_ + row.offset, std::move(row.text));
      }
      return;
    }
    AddBlock(TextBlock::Kind::kText, 0, leaf_line_, Trim(JoinSoftBreaks(raw)));
  }

  void AddBlock(TextBlock::Kind kind, int heading_level, int line, std::string text) {
    if (text.empty()) return;
    TextBlock b;
    b.kind = kind;
    b.heading_level = heading_level;
    b.level = CurrentLevel();
    b.line = line;
    b.text = std::move(text);
    out_.blocks.push_back(std::move(b));
  }

  const int first_line_;
  const Clearance base_;
  MarkdownContent out_;
  std::optional<PrivateRange> open_;
  int rejected_markers_ = 0;  // begins (or marker-like comments) reported and not opened
  bool in_leaf_ = false;
  std::string leaf_text_;
  int leaf_line_ = 0;
};

}  // namespace

MarkdownContent ReadMarkdown(std::string_view body, int first_line, Clearance base) {
  return Reader(first_line, base).Read(body);
}

std::vector<PipeRow> PipeTableRows(std::string_view paragraph) {
  std::vector<PipeRow> rows;
  if (paragraph.empty() || paragraph[0] != '|') return rows;
  size_t start = 0;
  for (int offset = 0; start <= paragraph.size(); ++offset) {
    size_t nl = paragraph.find('\n', start);
    if (nl == std::string_view::npos) nl = paragraph.size();
    std::string line = Trim(paragraph.substr(start, nl - start));
    if (!line.empty()) rows.push_back({offset, std::move(line)});
    start = nl + 1;
  }
  return rows;
}

std::vector<std::string> PipeTableCells(std::string_view row) {
  if (!row.empty() && row.front() == '|') row.remove_prefix(1);
  if (!row.empty() && row.back() == '|') row.remove_suffix(1);
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t bar = row.find('|', start);
    std::string_view cell =
        row.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    const size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
    cells.emplace_back(b == std::string_view::npos ? std::string_view()
                                                   : cell.substr(b, e - b + 1));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return cells;
}

std::string VisibleMarkdown(std::string_view body, int first_line,
                            const std::vector<PrivateRange>& ranges, Clearance view) {
  std::string out;
  out.reserve(body.size());
  int line = first_line;
  size_t start = 0;
  bool in_hidden = false;
  while (start < body.size()) {
    size_t nl = body.find('\n', start);
    const size_t end = nl == std::string_view::npos ? body.size() : nl + 1;
    bool hidden = false;
    for (const PrivateRange& r : ranges) {
      if (line >= r.begin_line && line <= r.end_line && r.level > view) hidden = true;
    }
    // A hidden range becomes one empty line: the lines around it cannot join (a paragraph
    // before and one after stay two), and its length is not told.
    if (hidden && !in_hidden) out.push_back('\n');
    if (!hidden) out.append(body.substr(start, end - start));
    in_hidden = hidden;
    start = end;
    ++line;
  }
  return out;
}

std::string FirstHeadingAt(const std::vector<TextBlock>& blocks, Clearance view) {
  for (const TextBlock& b : blocks) {
    if (b.kind == TextBlock::Kind::kHeading && b.level <= view) return b.text;
  }
  return "";
}

std::optional<Error> CheckViews(std::string_view body, int first_line, Clearance base,
                                const MarkdownContent& content) {
  for (int v = static_cast<int>(base); v <= static_cast<int>(Clearance::kConfidential); ++v) {
    const Clearance view = static_cast<Clearance>(v);
    const std::string visible = VisibleMarkdown(body, first_line, content.private_ranges, view);
    const MarkdownContent reread = ReadMarkdown(visible, first_line, base);
    std::vector<const TextBlock*> expected;
    for (const TextBlock& b : content.blocks) {
      if (b.level <= view) expected.push_back(&b);
    }
    const size_t n = std::max(expected.size(), reread.blocks.size());
    for (size_t i = 0; i < n; ++i) {
      const TextBlock* want = i < expected.size() ? expected[i] : nullptr;
      const TextBlock* got = i < reread.blocks.size() ? &reread.blocks[i] : nullptr;
      if (want && got && want->kind == got->kind && want->heading_level == got->heading_level &&
          want->level == got->level && want->text == got->text) {
        continue;
      }
      Error e = MakeError(ErrorCode::kInvalidInput, "private/inconsistent",
                          "非公開区間を除いた本文（" + std::string(ClearanceLabel(view)) +
                              "の閲覧者が見る本文）が索引の本文と一致しません。非公開マーカーの"
                              "前後に空行を入れ、区間が段落や表、リストの途中で始まり終わらないよう"
                              "にしてください");
      e.line = want ? want->line : got->line;
      e.column = 1;
      return e;
    }
    if (!reread.errors.empty()) {
      Error e = reread.errors.front();
      e.rule = "private/inconsistent";
      return e;
    }
  }
  return std::nullopt;
}

// The grammar of a pipe table's separator row, `^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$`, scanned by
// hand: std::regex recurses once per character and a hostile row of a million dashes overflowed
// the stack.
bool IsTableSeparatorRow(std::string_view row) {
  size_t i = 0;
  const size_t n = row.size();
  auto space = [&] {
    while (i < n && (row[i] == ' ' || row[i] == '\t' || row[i] == '\n' || row[i] == '\v' ||
                     row[i] == '\f' || row[i] == '\r'))
      ++i;
  };
  auto cell = [&] {  // \s*:?-+:?\s*
    space();
    if (i < n && row[i] == ':') ++i;
    const size_t dashes = i;
    while (i < n && row[i] == '-') ++i;
    if (i == dashes) return false;
    if (i < n && row[i] == ':') ++i;
    space();
    return true;
  };
  if (i < n && row[i] == '|') ++i;
  if (!cell()) return false;
  while (i < n) {
    if (row[i] != '|') return false;
    ++i;
    if (i == n) return true;  // the closing pipe
    if (!cell()) return false;
  }
  return true;
}

}  // namespace yuimaru::core
