#include "core/html.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("Html: Escape leaves no markup and no quote to break out of an attribute", "[html]") {
  CHECK(Escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(Escape("\"><img onerror=x>") == "&quot;&gt;&lt;img onerror=x&gt;");
  CHECK(Escape("A&B 事業承継") == "A&amp;B 事業承継");
}

TEST_CASE("Html: UrlEncode escapes everything but unreserved bytes", "[html]") {
  CHECK(UrlEncode("事業 承継&a=b\r\n") == "%E4%BA%8B%E6%A5%AD%20%E6%89%BF%E7%B6%99%26a%3Db%0D%0A");
  CHECK(QueryString({{"q", "製造業"}, {"page", "2"}}) == "q=%E8%A3%BD%E9%80%A0%E6%A5%AD&page=2");
}

}  // namespace
}  // namespace yuimaru::core
