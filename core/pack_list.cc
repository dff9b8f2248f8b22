#include "core/pack_list.h"

#include <algorithm>
#include <utility>

#include "core/lines.h"

namespace yuimaru::core {
namespace {

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  // A full-width space is how Japanese input often pads a line.
  constexpr std::string_view kIdeographicSpace = "\u3000";
  while (s.starts_with(kIdeographicSpace)) s.remove_prefix(kIdeographicSpace.size());
  while (s.ends_with(kIdeographicSpace)) s.remove_suffix(kIdeographicSpace.size());
  return s;
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string ItemText(const PackItem& item) {
  return item.section.empty() ? item.doc_id : item.doc_id + "#" + item.section;
}

}  // namespace

std::string PackSectionName(std::string_view heading) {
  heading = Trim(heading);
  while (heading.starts_with('#')) heading.remove_prefix(1);
  return std::string(Trim(heading));
}

Result<PackList> ParsePackList(std::string_view text, std::string_view source) {
  PackList list;
  int line_no = 0;
  for (std::string_view raw : SplitLines(text)) {
    ++line_no;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with("title:")) {
      list.title = std::string(Trim(line.substr(6)));
      continue;
    }
    if (line.starts_with("note:")) {
      list.note += (list.note.empty() ? "" : "\n") + std::string(Trim(line.substr(5)));
      continue;
    }
    const size_t hash = line.find('#');
    PackItem item{std::string(Trim(line.substr(0, hash))), ""};
    if (hash != std::string_view::npos) item.section = PackSectionName(line.substr(hash + 1));
    if (!ValidId(item.doc_id) || (hash != std::string_view::npos && item.section.empty())) {
      return ErrorAt(ErrorCode::kInvalidInput, "pack.list.syntax",
                     "「" + std::string(line) +
                         "」は文書 ID でも「ID#見出し」でも title: / note: でもありません",
                     std::string(source), line_no);
    }
    list.items.push_back(std::move(item));
  }
  return list;
}

std::string FormatPackList(const PackList& list) {
  std::string out;
  if (!list.title.empty()) out += "title: " + list.title + "\n";
  for (std::string_view line : SplitLines(list.note)) out += "note: " + std::string(line) + "\n";
  for (const PackItem& item : list.items) out += ItemText(item) + "\n";
  return out;
}

size_t DropPackItems(PackList& list, const std::set<std::string>& ids) {
  const size_t before = list.items.size();
  std::erase_if(list.items, [&](const PackItem& item) { return ids.count(item.doc_id) > 0; });
  return before - list.items.size();
}

}  // namespace yuimaru::core
