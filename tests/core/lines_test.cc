#include "core/lines.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace yuimaru::testing {
namespace {

std::vector<std::string> Strings(const std::vector<std::string_view>& views) {
  return {views.begin(), views.end()};
}

TEST_CASE("SplitLines: a final newline ends a line, blank lines and carriage returns are kept",
          "[lines]") {
  auto [text, expected] = GENERATE(table<std::string, std::vector<std::string>>({
      {"", {}},
      {"\n", {""}},
      {"一行", {"一行"}},
      {"一行\n", {"一行"}},
      {"a\n\nb", {"a", "", "b"}},
      {"a\r\nb\r\n", {"a\r", "b\r"}},
  }));
  CAPTURE(text);
  CHECK(Strings(core::SplitLines(text)) == expected);
}

}  // namespace
}  // namespace yuimaru::testing
