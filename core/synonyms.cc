#include "core/synonyms.h"

#include <algorithm>
#include <set>

#include "core/normalizer.h"
#include "core/utf8.h"

namespace yuimaru::core {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The comma-separated items of a column, normalized; `display` learns how each was written.
std::vector<std::string> SplitList(std::string_view s,
                                   std::unordered_map<std::string, std::string>& display) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string written = Trim(std::string(s.substr(start, end - start)));
    const std::string item = Trim(NormalizeToUtf8(written));  // NFKC may leave spaces
    if (!item.empty()) {
      out.push_back(item);
      display.emplace(item, written);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<SynonymTable> SynonymTable::Parse(std::string_view text, std::string_view source) {
  SynonymTable table;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (FindInvalidUtf8(line) != std::string_view::npos) {
      return ErrorAt(ErrorCode::kInvalidInput, "synonyms.format", "UTF-8 ではない行です",
                     std::string(source), line_no);
    }
    std::vector<std::string_view> cols;
    size_t start = 0;
    while (true) {
      const size_t tab = line.find('\t', start);
      cols.push_back(
          line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    const std::vector<std::string> preferred = SplitList(cols[0], table.display_);
    if (preferred.size() != 1 || cols.size() > 4) {
      return ErrorAt(
          ErrorCode::kInvalidInput, "synonyms.format",
          "1 列目に代表語を 1 つ、以降に 同義語 / 下位語 / 関連語 をタブ区切りで書いてください",
          std::string(source), line_no);
    }
    Group g;
    g.equivalents = preferred;
    if (cols.size() > 1) {
      for (auto& s : SplitList(cols[1], table.display_)) g.equivalents.push_back(std::move(s));
    }
    if (cols.size() > 2) g.narrower = SplitList(cols[2], table.display_);
    if (cols.size() > 3) g.related = SplitList(cols[3], table.display_);
    const size_t id = table.groups_.size();
    for (const auto& m : g.equivalents) table.members_[m].push_back({id, false});
    for (const auto& m : g.narrower) table.members_[m].push_back({id, true});
    for (const auto& m : g.equivalents)
      table.max_member_chars_ = std::max(table.max_member_chars_, CountCodePoints(m));
    for (const auto& m : g.narrower)
      table.max_member_chars_ = std::max(table.max_member_chars_, CountCodePoints(m));
    table.groups_.push_back(std::move(g));
  }
  return table;
}

std::vector<SynonymExpansion> SynonymTable::Expand(const std::string& normalized) const {
  std::vector<SynonymExpansion> out;
  const auto it = members_.find(normalized);
  if (it == members_.end()) return out;
  std::set<std::string> seen = {normalized};
  for (const Membership& m : it->second) {
    if (m.narrower) continue;  // 第三者承継 does not pull every 事業承継 document
    const Group& g = groups_[m.group];
    for (const auto& e : g.equivalents) {
      if (seen.insert(e).second)
        out.push_back({e, Display(e), SynonymExpansion::Kind::kEquivalent});
    }
    for (const auto& n : g.narrower) {
      if (seen.insert(n).second) out.push_back({n, Display(n), SynonymExpansion::Kind::kNarrower});
    }
  }
  return out;
}

std::string SynonymTable::Display(const std::string& normalized) const {
  const auto it = display_.find(normalized);
  return it == display_.end() ? normalized : it->second;
}

std::vector<std::string> SynonymTable::Related(const std::string& normalized) const {
  std::vector<std::string> out;
  const auto it = members_.find(normalized);
  if (it == members_.end()) return out;
  for (const Membership& m : it->second) {
    for (const auto& r : groups_[m.group].related) {
      if (std::find(out.begin(), out.end(), Display(r)) == out.end()) out.push_back(Display(r));
    }
  }
  return out;
}

std::vector<std::string> SynonymTable::MembersWithin(const std::u32string& normalized) const {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < normalized.size()) {
    size_t best = 0;
    const size_t max_len = std::min(max_member_chars_, normalized.size() - i);
    for (size_t len = max_len; len >= 2; --len) {
      if (members_.count(EncodeUtf8(normalized.substr(i, len)))) {
        best = len;
        break;
      }
    }
    if (best > 0) {
      out.push_back(EncodeUtf8(normalized.substr(i, best)));
      i += best;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace yuimaru::core
