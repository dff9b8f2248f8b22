// Fuzz target: a Markdown body through core::ReadMarkdown, VisibleMarkdown, CheckViews and, for
// every raw HTML chunk a reader could meet, core::CheckMarker (the one private-marker grammar).
//
// Input: byte 0 picks the document's base level, byte 1 the first line, the rest is the body
// (LF line ends, as the parser hands it over).
//
// Invariants (core/markdown_reader.h, core/private_marker.h):
//  * blocks have valid UTF-8 text (for valid input), lines within the body, and a level at least
//    the base; private ranges lie within the body, begin <= end;
//  * VisibleMarkdown at a view no range is above is the body itself, and a view keeps the body's
//    lines outside hidden ranges (each hidden range becomes one empty line);
//  * CheckViews and CheckMarker never throw; a malformed marker's offset lies inside the input;
//    an exact marker, written back in its canonical spelling, reads as the same marker.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/markdown_reader.h"
#include "core/private_marker.h"
#include "fuzz/fuzz_check.h"

namespace {

using yuimaru::core::Clearance;
using yuimaru::core::MarkerCheck;
using yuimaru::core::PrivateMarker;
using yuimaru::fuzz::IsUtf8;

int CountLines(std::string_view s) {
  int n = 1;
  for (char c : s) n += c == '\n';
  return n;
}

void CheckMarkerOf(std::string_view html) {
  const MarkerCheck check = yuimaru::core::CheckMarker(html);
  if (check.kind == MarkerCheck::Kind::kMalformed) FUZZ_CHECK(check.offset < html.size());
  if (check.kind != MarkerCheck::Kind::kMarker) return;
  const PrivateMarker& m = check.marker;
  std::string canonical;
  if (m.kind == PrivateMarker::Kind::kEnd) {
    canonical = "<!-- private:end -->";
  } else {
    canonical = "<!-- private:begin level=\"" + m.level + "\"";
    if (!m.reason.empty()) canonical += " reason=\"" + m.reason + "\"";
    canonical += " -->";
  }
  const MarkerCheck again = yuimaru::core::CheckMarker(canonical);
  FUZZ_CHECK(again.kind == MarkerCheck::Kind::kMarker);
  FUZZ_CHECK(again.marker.kind == m.kind);
  FUZZ_CHECK(again.marker.level == m.level);
  FUZZ_CHECK(again.marker.reason == m.reason);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Clearance base = static_cast<Clearance>(data[0] % yuimaru::core::kClearanceCount);
  const int first_line = 1 + data[1] % 16;
  std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  CheckMarkerOf(body);
  // The parser hands over LF line ends only.
  std::string lf;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') {
      lf += '\n';
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else {
      lf += body[i];
    }
  }
  body = std::move(lf);
  const int last_line = first_line + CountLines(body) - 1;
  const bool valid = IsUtf8(body);

  const yuimaru::core::MarkdownContent content =
      yuimaru::core::ReadMarkdown(body, first_line, base);
  for (const yuimaru::core::TextBlock& b : content.blocks) {
    if (valid) FUZZ_CHECK(IsUtf8(b.text));
    FUZZ_CHECK(b.line >= first_line && b.line <= last_line);
    FUZZ_CHECK(b.level >= base);
  }
  Clearance top = base;
  for (const yuimaru::core::PrivateRange& r : content.private_ranges) {
    FUZZ_CHECK(r.begin_line >= first_line && r.begin_line <= r.end_line && r.end_line <= last_line);
    if (r.level > top) top = r.level;
  }
  for (const Clearance view :
       {Clearance::kPublic, Clearance::kInternal, Clearance::kConfidential}) {
    const std::string visible =
        yuimaru::core::VisibleMarkdown(body, first_line, content.private_ranges, view);
    if (view >= top) FUZZ_CHECK(visible == body);
    if (valid) FUZZ_CHECK(IsUtf8(visible));
    if (valid) FUZZ_CHECK(IsUtf8(yuimaru::core::FirstHeadingAt(content.blocks, view)));
  }
  if (content.errors.empty()) {
    if (auto e = yuimaru::core::CheckViews(body, first_line, base, content)) {
      FUZZ_CHECK(!e->rule.empty());
    }
  }
  // Each line alone, as an HTML block would hand it to CheckMarker.
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    CheckMarkerOf(std::string_view(body).substr(start, end - start));
    start = end + 1;
  }
  return 0;
}
