// The normalized text of a version, as stored in value slot kTextSlot: deflated (zlib), behind
// a marker byte, so the index stays within 1.5× of Groonga's at 100k documents. Pure.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace yuimaru::core {

// "\x01" + zlib-deflated `text` (level 6).
std::string PackText(std::string_view text);
// The text of a stored value: inflated when it carries the marker, else the value itself
// (indexes written before the text was packed). Fails with kInternal on a corrupt value.
Result<std::string> UnpackText(std::string_view stored);

}  // namespace yuimaru::core
