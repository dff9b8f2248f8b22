// YAML front matter: splitting it off the Markdown body and parsing it with yaml-cpp into a
// small tree of our own (FmNode), so no yaml-cpp type leaves front_matter.cc.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace yuimaru::indexer {

struct FmNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;                                   // kScalar
  bool quoted = false;                                  // kScalar written in quotes
  std::vector<FmNode> items;                            // kSequence
  std::vector<std::pair<std::string, FmNode>> entries;  // kMap, in file order
  int line = 0;                                         // 1-based line in the file
  int column = 0;                                       // 1-based column

  const FmNode* Find(std::string_view key) const;  // kMap lookup, nullptr if absent

  // Defined in front_matter.cc, where FmNode is complete: clang 14 instantiates the C++20
  // constexpr ~vector of `entries` at an implicit definition here, while std::pair<std::string,
  // FmNode> is still incomplete, and rejects the header (g++ 12 accepts it).
  FmNode();
  FmNode(const FmNode&);
  FmNode(FmNode&&) noexcept;
  FmNode& operator=(const FmNode&);
  FmNode& operator=(FmNode&&) noexcept;
  ~FmNode();
};

struct SplitDocument {
  std::string_view yaml;  // empty if there is no front matter
  int yaml_first_line = 0;
  std::string_view body;
  int body_first_line = 1;  // line of the file where the body starts
};

// Splits `text` at its front matter: a first line "---", then YAML, then a line "---" or "...".
// A file without a first "---" line has no front matter. Fails with rule
// "front-matter.unterminated" if the closing line is missing.
Result<SplitDocument> SplitFrontMatter(std::string_view text);

// Parses the YAML of a split document into a map node (an empty map if there is none). Fails
// with "front-matter.yaml-syntax" (with line) or "front-matter.not-a-map".
Result<FmNode> ParseFrontMatter(const SplitDocument& split);

}  // namespace yuimaru::indexer
