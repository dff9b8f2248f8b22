// UTF-8 <-> UTF-32 conversion with strict validation. Everything that enters the analyzer passes
// through DecodeUtf8, so malformed input is reported once, with its position, and never reaches
// ICU.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace yuimaru::core {

// Where invalid UTF-8 was found: byte offset, 1-based line and code point column.
struct Utf8Position {
  size_t byte_offset = 0;
  int line = 1;
  int column = 1;
};

// Returns the offset of the first byte that is not part of a valid UTF-8 sequence (overlongs,
// surrogates and values above U+10FFFF are invalid), or std::string_view::npos if `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

// `name` (a file name or path, any bytes) as it may be printed on one line of a message: bytes
// that are not UTF-8 as \xNN, control characters as \n, \r, \t or \xNN, and the characters
// that break or reorder a line on screen (U+0085, U+2028, U+2029, bidi controls) as \u{XXXX}.
// So a name can neither forge a "path:line: rule" line nor hide its bytes. Valid UTF-8 out;
// idempotent.
std::string EscapePath(std::string_view name);

// Line and column of `byte_offset` within `text` (columns count code points).
Utf8Position PositionOf(std::string_view text, size_t byte_offset);

// Decodes valid UTF-8. Fails with kInvalidInput (rule "utf8.invalid") naming the line and column.
Result<std::u32string> DecodeUtf8(std::string_view text);

void AppendUtf8(char32_t cp, std::string& out);
std::string EncodeUtf8(std::u32string_view text);

// Length of the UTF-8 sequence that starts with byte `lead` (1 for continuation bytes, so that a
// loop over arbitrary bytes always advances).
inline size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// Number of code points in valid UTF-8.
size_t CountCodePoints(std::string_view text);

}  // namespace yuimaru::core
