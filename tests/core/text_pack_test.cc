#include "search/core/text_pack.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("TextPack: short and long text round-trip; long text is stored smaller", "[text_pack]") {
  const std::string short_text = "事業承継";
  CHECK(UnpackText(PackText(short_text)) == short_text);
  std::string long_text;
  for (int i = 0; i < 50; ++i)
    long_text += "後継者候補と経営者が経営デザインシートの「これから」を書いた。\n";
  const std::string packed = PackText(long_text);
  CHECK(packed.size() < long_text.size() / 2);
  CHECK(UnpackText(packed) == long_text);
  CHECK(UnpackText(PackText("")).empty());
}

TEST_CASE("TextPack: damaged data unpacks to nothing rather than garbage", "[text_pack]") {
  std::string long_text(1000, 'x');
  std::string packed = PackText(long_text);
  packed.resize(packed.size() / 2);
  CHECK(UnpackText(packed).empty());
  CHECK(UnpackText("?abc").empty());
}

}  // namespace
}  // namespace yuimaru::core
