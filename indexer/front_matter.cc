#include "indexer/front_matter.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "core/utf8.h"

namespace yuimaru::indexer {
namespace {

// yaml-cpp quotes the offending byte, not the character ("unknown escape character: " and the
// first byte of a multi-byte character after a backslash): bytes that are not UTF-8 are written
// as \xNN, so the message stays valid UTF-8 for terminals and JSON output.
std::string MessageOf(const YAML::Exception& e) { return core::EscapePath(e.msg); }

bool IsDelimiter(std::string_view line, std::string_view delim) {
  if (line.size() >= 1 && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line == delim;
}

// Front matter is small and shallow. The budget also stops alias bombs ("billion laughs"): yaml-cpp
// shares aliased nodes, and walking them would otherwise visit every expansion.
constexpr int kMaxDepth = 16;
constexpr int kMaxNodes = 20000;

// Where (0-based line, 1-based column) flow brackets outside quotes first nest deeper than
// `limit`, if they do.
std::optional<std::pair<int, int>> FlowDepthBeyond(std::string_view yaml, int limit) {
  int depth = 0, line = 0, column = 0;
  char quote = 0;
  bool comment = false;
  for (char c : yaml) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      comment = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return std::make_pair(line, column);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// Where (0-based line, 1-based column) a quoted scalar opens that is still open at the end of the
// front matter, if one is. yaml-cpp accepts such a scalar and folds every later line into it
// (title: "… swallowed date: and the rest), so the keys after it would vanish without a word.
// A quote opens a scalar only where a scalar can start: at the start of a line, after "- ",
// "? ", ": ", or a flow bracket or comma; anywhere else (It's) it is a plain character. The
// lines of a block scalar (| or >) are text, not YAML.
std::optional<std::pair<int, int>> UnclosedQuote(std::string_view yaml) {
  int open_line = 0, open_column = 0, block_indent = -1;
  char quote = 0;
  int line = 0;
  for (size_t start = 0; start <= yaml.size(); ++line) {
    size_t end = yaml.find('\n', start);
    if (end == std::string_view::npos) end = yaml.size();
    const std::string_view l = yaml.substr(start, end - start);
    start = end + 1;
    const size_t indent = std::min(l.find_first_not_of(' '), l.size());
    if (!quote && block_indent >= 0) {
      if (indent == l.size() || static_cast<int>(indent) > block_indent) continue;
      block_indent = -1;
    }
    bool scalar_start = !quote;
    for (size_t i = 0; i < l.size(); ++i) {
      const char c = l[i];
      if (quote == '"') {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          quote = 0;
        }
        continue;
      }
      if (quote == '\'') {
        if (c == '\'' && i + 1 < l.size() && l[i + 1] == '\'') {
          ++i;
        } else if (c == '\'') {
          quote = 0;
        }
        continue;
      }
      const bool spaced = i + 1 == l.size() || l[i + 1] == ' ' || l[i + 1] == '\t';
      if (c == ' ' || c == '\t') continue;  // white space keeps a scalar start
      if (c == '#' && (i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t')) break;
      if ((c == '"' || c == '\'') && scalar_start) {
        quote = c;
        open_line = line;
        open_column = static_cast<int>(i) + 1;
        scalar_start = false;
      } else if ((c == '|' || c == '>') && scalar_start) {
        block_indent = static_cast<int>(indent);
        break;
      } else if (c == '[' || c == '{' || c == ',' ||
                 ((c == '-' || c == '?' || c == ':') && spaced)) {
        scalar_start = true;
      } else {
        scalar_start = false;
      }
    }
    if (end == yaml.size()) break;
  }
  if (quote) return std::make_pair(open_line, open_column);
  return std::nullopt;
}

Error TooDeep(int line, int column) {
  Error e =
      MakeError(ErrorCode::kInvalidInput, "front-matter.too-deep",
                "フロントマターの入れ子が深すぎます（上限 " + std::to_string(kMaxDepth) + " 段）");
  e.line = line;
  e.column = column;
  return e;
}

Result<FmNode> Convert(const YAML::Node& node, int line_offset, int depth, int& budget) {
  FmNode out;
  out.line = node.Mark().line + line_offset;
  out.column = node.Mark().column + 1;
  if (depth > kMaxDepth) return TooDeep(out.line, out.column);
  if (--budget < 0) {
    Error e = MakeError(ErrorCode::kInvalidInput, "front-matter.too-large",
                        "フロントマターの値が多すぎます（上限 " + std::to_string(kMaxNodes) +
                            " 個。別名 *name の展開も数えます）");
    e.line = out.line;
    e.column = out.column;
    return e;
  }
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out.kind = FmNode::Kind::kNull;
      break;
    case YAML::NodeType::Scalar:
      out.kind = FmNode::Kind::kScalar;
      out.scalar = node.Scalar();
      out.quoted = node.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      out.kind = FmNode::Kind::kSequence;
      for (const auto& item : node) {
        auto child = Convert(item, line_offset, depth + 1, budget);
        if (!child) return child.error();
        out.items.push_back(std::move(*child));
      }
      break;
    case YAML::NodeType::Map:
      out.kind = FmNode::Kind::kMap;
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          Error e = MakeError(ErrorCode::kInvalidInput, "front-matter.key",
                              "キーは文字列で書いてください");
          e.line = kv.first.Mark().line + line_offset;
          return e;
        }
        // YAML says keys are unique, but yaml-cpp keeps both; whichever one a reader took, the
        // other is what the writer may have meant (confidentiality: 機密 … confidentiality: 公開).
        if (out.Find(kv.first.Scalar())) {
          Error e = MakeError(ErrorCode::kInvalidInput, "front-matter.key.duplicate",
                              "キー「" + kv.first.Scalar() +
                                  "」が2回書かれています（どちらが正しいか"
                                  "決められません）");
          e.line = kv.first.Mark().line + line_offset;
          e.column = kv.first.Mark().column + 1;
          return e;
        }
        auto child = Convert(kv.second, line_offset, depth + 1, budget);
        if (!child) return child.error();
        out.entries.emplace_back(kv.first.Scalar(), std::move(*child));
      }
      break;
  }
  return out;
}

}  // namespace

FmNode::FmNode() = default;
FmNode::FmNode(const FmNode&) = default;
FmNode::FmNode(FmNode&&) noexcept = default;
FmNode& FmNode::operator=(const FmNode&) = default;
FmNode& FmNode::operator=(FmNode&&) noexcept = default;
FmNode::~FmNode() = default;

const FmNode* FmNode::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<SplitDocument> SplitFrontMatter(std::string_view text) {
  SplitDocument split;
  // A UTF-8 byte order mark before the first "---" is tolerated.
  size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  size_t eol = text.find('\n', start);
  const std::string_view first =
      text.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
  if (!IsDelimiter(first, "---")) {
    split.body = text;
    split.body_first_line = 1;
    return split;
  }
  if (eol == std::string_view::npos) {
    Error e = MakeError(ErrorCode::kInvalidInput, "front-matter.unterminated",
                        "フロントマターの終わりの「---」行がありません");
    e.line = 1;
    return e;
  }
  const size_t yaml_start = eol + 1;
  size_t pos = yaml_start;
  int line = 2;
  while (pos <= text.size()) {
    size_t next = text.find('\n', pos);
    const std::string_view l =
        text.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    if (IsDelimiter(l, "---") || IsDelimiter(l, "...")) {
      split.yaml = text.substr(yaml_start, pos - yaml_start);
      split.yaml_first_line = 2;
      split.body = next == std::string_view::npos ? std::string_view() : text.substr(next + 1);
      split.body_first_line = line + 1;
      return split;
    }
    if (next == std::string_view::npos) break;
    pos = next + 1;
    ++line;
  }
  Error e = MakeError(ErrorCode::kInvalidInput, "front-matter.unterminated",
                      "フロントマターの終わりの「---」行がありません");
  e.line = 1;
  return e;
}

Result<FmNode> ParseFrontMatter(const SplitDocument& split) {
  FmNode empty;
  empty.kind = FmNode::Kind::kMap;
  empty.line = split.yaml_first_line;
  if (split.yaml.empty()) return empty;
  // yaml-cpp gives up on deep flow nesting with "bad file": measure it first and name the limit.
  if (const auto deep = FlowDepthBeyond(split.yaml, kMaxDepth)) {
    Error err = MakeError(ErrorCode::kInvalidInput, "front-matter.too-deep",
                          "フロントマターの [ ] / { } の入れ子が深すぎます（上限 " +
                              std::to_string(kMaxDepth) + " 段）");
    err.line = split.yaml_first_line + deep->first;
    err.column = deep->second;
    return err;
  }
  if (const auto open = UnclosedQuote(split.yaml)) {
    Error err = MakeError(ErrorCode::kInvalidInput, "front-matter.yaml-syntax",
                          "引用符が閉じていません（この位置で開いた値がフロントマターの終わりまで"
                          "続き、後のキーが値に飲み込まれます）");
    err.line = split.yaml_first_line + open->first;
    err.column = open->second;
    return err;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(split.yaml));
  } catch (const YAML::DeepRecursion& e) {
    // Block nesting ("- - - - …") that yaml-cpp's own guard stops, with the message "bad file".
    return TooDeep(e.mark.line + split.yaml_first_line, e.mark.column + 1);
  } catch (const YAML::ParserException& e) {
    Error err = MakeError(ErrorCode::kInvalidInput, "front-matter.yaml-syntax",
                          "YAML の構文エラー: " + MessageOf(e));
    err.line = e.mark.line + split.yaml_first_line;
    err.column = e.mark.column + 1;
    return err;
  } catch (const YAML::Exception& e) {
    Error err = MakeError(ErrorCode::kInvalidInput, "front-matter.yaml-syntax",
                          "YAML を読めません: " + MessageOf(e));
    err.line = split.yaml_first_line;
    return err;
  }
  if (root.IsNull()) return empty;
  if (!root.IsMap()) {
    Error err = MakeError(ErrorCode::kInvalidInput, "front-matter.not-a-map",
                          "フロントマターは「キー: 値」の形で書いてください");
    err.line = split.yaml_first_line;
    return err;
  }
  try {
    int budget = kMaxNodes;
    return Convert(root, split.yaml_first_line, 0, budget);
  } catch (const YAML::Exception& e) {
    Error err = MakeError(ErrorCode::kInvalidInput, "front-matter.yaml-syntax",
                          "YAML を読めません: " + MessageOf(e));
    err.line = split.yaml_first_line;
    return err;
  }
}

}  // namespace yuimaru::indexer
