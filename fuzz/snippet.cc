// Fuzz target: snippets (search/snippet) over the blocks of a Markdown body, as search re-reads
// the stored Markdown of a version.
//
// Input: the first line holds the query strings, separated by tabs (normalized here, as
// query_builder hands them over); the rest is the Markdown body.
//
// Invariants (search/snippet.h):
//  * parts are valid UTF-8 (the snippet never cuts a character), a marked part is not empty;
//  * without the ellipses at its ends, the snippet is one contiguous passage of the blocks'
//    text joined with " ／ ";
//  * it never starts with a combining mark (a base character is not separated from its mark).
#include "search/snippet.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/markdown_reader.h"
#include "core/normalizer.h"
#include "fuzz/fuzz_check.h"

namespace {

using yuimaru::fuzz::IsUtf8;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!IsUtf8(input)) return 0;  // stored Markdown passed the parser's UTF-8 check
  const size_t nl = input.find('\n');
  const std::string_view first = input.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  std::vector<std::u32string> highlights;
  size_t start = 0;
  while (start <= first.size()) {
    size_t tab = first.find('\t', start);
    if (tab == std::string_view::npos) tab = first.size();
    highlights.push_back(yuimaru::core::Normalize(first.substr(start, tab - start)));
    start = tab + 1;
  }
  const yuimaru::core::MarkdownContent content =
      yuimaru::core::ReadMarkdown(body, 2, yuimaru::core::Clearance::kConfidential);

  const std::vector<yuimaru::search::SnippetPart> parts =
      yuimaru::search::MakeSnippet(content.blocks, highlights);
  std::string joined;
  for (const yuimaru::core::TextBlock& b : content.blocks) {
    if (b.text.empty()) continue;
    if (!joined.empty()) joined += " ／ ";
    joined += b.text;
  }
  std::string all;
  for (const yuimaru::search::SnippetPart& p : parts) {
    FUZZ_CHECK(IsUtf8(p.text));
    if (p.match) FUZZ_CHECK(!p.text.empty());
    all += p.text;
  }
  std::string_view inner = all;
  const std::string_view ellipsis = yuimaru::search::kEllipsis;
  // An ellipsis stands for text left out; the passage itself may hold one too.
  if (StartsWith(inner, ellipsis) && joined.find(inner) == std::string::npos) {
    inner.remove_prefix(ellipsis.size());
  }
  if (EndsWith(inner, ellipsis) && joined.find(inner) == std::string::npos) {
    inner.remove_suffix(ellipsis.size());
  }
  FUZZ_CHECK(joined.find(inner) != std::string::npos);
  return 0;
}
