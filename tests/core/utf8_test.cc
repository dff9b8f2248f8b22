#include "core/utf8.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("Utf8: malformed sequences are found with their line and column", "[utf8]") {
  auto [text, offset, line, column] = GENERATE(table<std::string, size_t, int, int>({
      {"abc\xff", 3, 1, 4},
      {"一行目\n二\xe3\x81", 13, 2, 2},  // truncated sequence at the end
      {"\xc0\xaf", 0, 1, 1},             // overlong "/"
      {"\xed\xa0\x80", 0, 1, 1},         // a surrogate
      {"\xf4\x90\x80\x80", 0, 1, 1},     // above U+10FFFF
  }));
  CAPTURE(text);
  CHECK(FindInvalidUtf8(text) == offset);
  const auto r = DecodeUtf8(text);
  REQUIRE_FALSE(r);
  CHECK(r.error().rule == "utf8.invalid");
  CHECK(r.error().line == line);
  CHECK(r.error().column == column);
}

TEST_CASE("Utf8: valid text round-trips, including supplementary characters", "[utf8]") {
  const std::string text = "𠮷野家で事業承継 ok";
  CHECK(FindInvalidUtf8(text) == std::string_view::npos);
  const auto r = DecodeUtf8(text);
  REQUIRE(r);
  CHECK(r->size() == 11);
  CHECK(CountCodePoints(text) == 11);
  CHECK(EncodeUtf8(*r) == text);
}

}  // namespace
}  // namespace yuimaru::core
