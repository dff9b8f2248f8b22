// Splitting text into lines, the one way every reader of a line-based text does it (the pack
// list format, a document's Markdown when a 研修 pack cuts out a section).
#pragma once

#include <string_view>
#include <vector>

namespace yuimaru::core {

// The lines of `text`, split at '\n' and without it, as views into `text` (which must outlive
// them). A final '\n' ends the last line and does not start an empty one; "" has no lines. A
// '\r' is kept: callers that accept CRLF trim it. Pure.
std::vector<std::string_view> SplitLines(std::string_view text);

}  // namespace yuimaru::core
