// Fuzz target: the PII finder (core/pii): FindPii over raw text, FindPiiInBlocks over the
// Markdown blocks of the same text, RedactPii.
//
// Invariants (core/pii.h):
//  * findings are in order and do not overlap ("one finding per stretch of text"); each byte
//    range lies inside the text on character boundaries, and its line and column are those of
//    its first byte; the masked form is valid UTF-8;
//  * block findings carry a line of the text, column 1 and an empty byte range;
//  * RedactPii replaces each finding once: its output is never longer than the text with every
//    finding's bytes replaced by "[rule]" (text repeated around an overlap would be PII leaking
//    into the logs).
#include "core/pii.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/markdown_reader.h"
#include "fuzz/fuzz_check.h"

namespace {

using yuimaru::fuzz::IsUtf8;
using yuimaru::fuzz::OnCharBoundary;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!IsUtf8(text)) return 0;  // callers validate first (DocumentParser rejects the file)
  static const yuimaru::core::PiiOptions kOptions{{"山城酒造", "比嘉 花子", "Taro"}};

  const std::vector<yuimaru::core::PiiFinding> found = yuimaru::core::FindPii(text, kOptions);
  size_t redacted_bound = text.size();
  for (size_t i = 0; i < found.size(); ++i) {
    const yuimaru::core::PiiFinding& f = found[i];
    FUZZ_CHECK(f.rule.rfind("pii/", 0) == 0);
    FUZZ_CHECK(f.begin <= f.end && f.end <= text.size());
    FUZZ_CHECK(OnCharBoundary(text, f.begin) && OnCharBoundary(text, f.end));
    if (i > 0) FUZZ_CHECK(found[i - 1].end <= f.begin);
    const yuimaru::core::Utf8Position pos = yuimaru::core::PositionOf(text, f.begin);
    FUZZ_CHECK(f.line == pos.line && f.column == pos.column);
    FUZZ_CHECK(IsUtf8(f.masked));
    redacted_bound += f.rule.size() + 2 - (f.end - f.begin);
  }
  const std::string redacted = yuimaru::core::RedactPii(text, kOptions);
  FUZZ_CHECK(IsUtf8(redacted));
  FUZZ_CHECK(redacted.size() <= redacted_bound);

  int lines = 1;
  for (char c : text) lines += c == '\n';
  const yuimaru::core::MarkdownContent content =
      yuimaru::core::ReadMarkdown(text, 1, yuimaru::core::Clearance::kPublic);
  for (const yuimaru::core::PiiFinding& f :
       yuimaru::core::FindPiiInBlocks(content.blocks, text, found, kOptions)) {
    FUZZ_CHECK(f.line >= 1 && f.line <= lines);
    FUZZ_CHECK(f.column == 1 && f.begin == 0 && f.end == 0);
    FUZZ_CHECK(IsUtf8(f.masked));
  }
  return 0;
}
