// The list format of a 研修 pack: what a builder asked for (the web basket DB/packs/<user>.txt,
// or a list file for `yuimaru pack`). In core so that the one parser serves toolkit/ (building
// packs), web/ (the basket) and indexer/ (a purge drops the purged ids from every basket).
// docs/pack.md has the format.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace yuimaru::core {

// One entry of a pack: a whole document, or the section under one of its headings.
struct PackItem {
  std::string doc_id;
  std::string section;  // the heading's text as the page shows it; empty: the whole document
  bool operator==(const PackItem&) const = default;
};

// What a builder asked for, in order.
struct PackList {
  std::string title;
  std::string note;  // the cover note; lines joined with '\n'
  std::vector<PackItem> items;
};

// Parses a list file (one item per line):
//   DOC_ID                  a whole document
//   DOC_ID#見出し            the section under that heading (text as shown, no leading #s)
//   title: 題名             the pack's title (the last one counts)
//   note: 表紙の一言         a line of the cover note (repeatable: lines add up)
//   # …                     a comment (a '#' at the start of the line); blank lines are ignored
// Fails with kInvalidInput at `source`:line: "pack.list.syntax" for a line that is none of these
// (an id must be [A-Za-z0-9-], at most 64 characters). Pure.
Result<PackList> ParsePackList(std::string_view text, std::string_view source);
// The list file of `list`, which ParsePackList reads back into the same list. Pure.
std::string FormatPackList(const PackList& list);

// A heading line's text as a list names it and the page shows it: leading #s and spaces
// dropped. Pure.
std::string PackSectionName(std::string_view heading);

// Removes every item (whole document or section) of a document in `ids`; returns how many
// were removed. Pure.
size_t DropPackItems(PackList& list, const std::set<std::string>& ids);

}  // namespace yuimaru::core
