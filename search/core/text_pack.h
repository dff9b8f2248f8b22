// The stored form of a version's normalized text (value slot kTextSlot): deflated when that
// saves space (Japanese text shrinks to about 57% at level 1, and level 1 inflates in a few
// microseconds per document). Used by the indexer to write and by search to check substrings.
#pragma once

#include <string>
#include <string_view>

namespace yuimaru::core {

std::string PackText(std::string_view text);
// The text PackText was given; empty if `packed` is malformed.
std::string UnpackText(std::string_view packed);

}  // namespace yuimaru::core
