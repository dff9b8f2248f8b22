// The domain synonym table (corpus/synonyms.tsv, DOMAIN.md §4): which words a query may be
// expanded with, and how strongly. Pure: parsed from text, looked up by normalized text.
//
// File format, one group per line, tab-separated, lists comma-separated, # comments:
//   preferred <TAB> equivalents (=) <TAB> narrower (⊃) <TAB> related (~)
// Equivalents expand both ways; narrower terms only from the preferred word or an equivalent;
// related words are never expanded (they are offered as suggestions).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace yuimaru::core {

struct SynonymExpansion {
  enum class Kind { kEquivalent, kNarrower };
  std::string text;     // normalized UTF-8
  std::string display;  // as the table writes it (EC, not ec)
  Kind kind = Kind::kEquivalent;
};

class SynonymTable {
 public:
  SynonymTable() = default;
  // Fails with kInvalidInput (rule "synonyms.format", naming the line) on a malformed line.
  static Result<SynonymTable> Parse(std::string_view text, std::string_view source);

  // Expansions of a clause whose whole normalized text is a member of some group.
  std::vector<SynonymExpansion> Expand(const std::string& normalized) const;
  // How the table writes a normalized member.
  std::string Display(const std::string& normalized) const;
  // Related words of such a clause (for suggestions), as the table writes them.
  std::vector<std::string> Related(const std::string& normalized) const;
  // Members contained in a longer normalized text, longest first, not overlapping.
  std::vector<std::string> MembersWithin(const std::u32string& normalized) const;

  size_t groups() const { return groups_.size(); }

 private:
  struct Group {
    std::vector<std::string> equivalents;  // preferred first
    std::vector<std::string> narrower;
    std::vector<std::string> related;
  };
  struct Membership {
    size_t group;
    bool narrower;  // member as a narrower term (expands to nothing by itself)
  };
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::vector<Membership>> members_;
  std::unordered_map<std::string, std::string> display_;  // normalized → as written
  size_t max_member_chars_ = 0;
};

}  // namespace yuimaru::core
