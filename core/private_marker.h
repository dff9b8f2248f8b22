// The one grammar of private-section markers (DOMAIN.md §2.0.2), used by everything that decides
// whether an HTML comment opens or closes a 非公開 section: the Markdown reader (indexing, lint,
// snippets) and the web page renderer. A spelling that one of them accepted and another did not
// was how 機密 text reached 公開 readers; so there is exactly one decision, here, and anything that
// looks like a marker but is not exactly one is an error, never text.
#pragma once

#include <string>
#include <string_view>

namespace yuimaru::core {

struct PrivateMarker {
  enum class Kind { kBegin, kEnd };
  Kind kind = Kind::kBegin;
  std::string level;  // begin only: the value of level="…" (not yet checked against 内部/機密)
  std::string reason;  // begin only: the value of reason="…", may be empty
};

// What an HTML comment (or a raw HTML chunk) is, as far as private sections go.
struct MarkerCheck {
  enum class Kind {
    kNone,       // not a marker and nothing like one: raw HTML, dropped from text and page
    kMarker,     // exactly one marker: `marker` is set
    kMalformed,  // resembles a marker without being exactly one: the file must be rejected
  };
  Kind kind = Kind::kNone;
  PrivateMarker marker;
  size_t offset = 0;  // kMalformed: byte offset in the input of the suspicious comment
};

// Classifies `html`, the literal of one raw HTML node (an HTML block or inline HTML).
//
// Exactly a marker is the whole literal (leading and trailing ASCII white space and line breaks
// aside) being one of
//   <!-- private:begin level="機密" reason="…" -->      (attributes in any order; reason optional)
//   <!-- private:end -->
// with 非公開 instead of private allowed, ASCII spaces or tabs between the parts, the colon ASCII
// and touching both words, and nothing else in the comment.
//
// Resembles a marker: any comment inside `html` that, after NFKC, case folding and removing
// white space and invisible characters, contains 非公開, ひこうかい, 機密, level= or reason=, or
// an ASCII word private…, begin or end. A literal holding such a comment that is not exactly a
// marker is kMalformed; so is an unterminated `<!--` that resembles one.
MarkerCheck CheckMarker(std::string_view html);

}  // namespace yuimaru::core
