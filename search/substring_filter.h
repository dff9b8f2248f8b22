// The exact part of a text requirement: which normalized strings must (or must not) occur in a
// document's visible text. The index answers "these bigrams occur somewhere"; this answers
// "this run of characters occurs", against the normalized text kept in value slot kTextSlot.
// Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yuimaru::search {

struct SubstringFilter {
  // All runs of an alternative must occur (a clause split by punctuation has several runs).
  using Alternative = std::vector<std::string>;  // normalized UTF-8
  // One alternative of each requirement must hold (the clause itself or one of its synonyms).
  std::vector<std::vector<Alternative>> required;
  // No alternative here may hold (excluded clauses).
  std::vector<Alternative> excluded;

  bool empty() const { return required.empty() && excluded.empty(); }
  // Whether `text` (normalized UTF-8) satisfies the filter.
  bool Matches(std::string_view text) const;
};

}  // namespace yuimaru::search
