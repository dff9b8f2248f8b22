// The snippet of a hit: the passage of the document that best covers the query's words,
// 100-160 characters, with the matching parts marked. Pure: blocks and normalized query
// strings in, parts out. Works on code points, so it never cuts a character or a surrogate
// pair, and it does not separate a base character from a combining mark.
#pragma once

#include <string>
#include <vector>

#include "core/markdown_reader.h"
#include "search/search.h"

namespace yuimaru::search {

inline constexpr size_t kSnippetMinChars = 100;
inline constexpr size_t kSnippetTargetChars = 130;
inline constexpr size_t kSnippetMaxChars = 160;
inline constexpr char kEllipsis[] = "…";

// `highlights` are normalized (core::Normalize) strings; every occurrence of one of them in the
// passage is marked, whether it is a whole word or part of one. The body's blocks are joined
// with " ／ " (a result line shows the title anyway).
std::vector<SnippetPart> MakeSnippet(const std::vector<core::TextBlock>& blocks,
                                     const std::vector<std::u32string>& highlights);

}  // namespace yuimaru::search
