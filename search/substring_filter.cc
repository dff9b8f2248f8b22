#include "search/substring_filter.h"

#include <algorithm>

namespace yuimaru::search {
namespace {

bool AllOccur(std::string_view text, const SubstringFilter::Alternative& runs) {
  // Valid UTF-8 cannot match a valid UTF-8 needle at a position inside a character, so a byte
  // search is a character search.
  return std::all_of(runs.begin(), runs.end(), [&](const std::string& run) {
    return text.find(run) != std::string_view::npos;
  });
}

}  // namespace

bool SubstringFilter::Matches(std::string_view text) const {
  for (const auto& alternatives : required) {
    if (std::none_of(alternatives.begin(), alternatives.end(),
                     [&](const Alternative& a) { return AllOccur(text, a); })) {
      return false;
    }
  }
  return std::none_of(excluded.begin(), excluded.end(),
                      [&](const Alternative& a) { return AllOccur(text, a); });
}

}  // namespace yuimaru::search
