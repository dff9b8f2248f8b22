#include <catch2/catch.hpp>

#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {
namespace {

TEST_CASE("Edition: 公表用 reads the 公開 view, 当局用 the 内部 view, never 機密", "[toolkit]") {
  CHECK(ParseEdition("公表用") == Edition::kPublic);
  CHECK(ParseEdition("public") == Edition::kPublic);
  CHECK(ParseEdition("当局用") == Edition::kAuthority);
  CHECK(ParseEdition("authority") == Edition::kAuthority);
  for (const char* bad : {"", "機密", "公開", "全部", "公表用 ", "PUBLIC"}) {
    CHECK_FALSE(ParseEdition(bad).has_value());
  }
  CHECK(EditionClearance(Edition::kPublic) == core::Clearance::kPublic);
  CHECK(EditionClearance(Edition::kAuthority) == core::Clearance::kInternal);
  CHECK(EditionLabel(Edition::kPublic) == "公表用");
  CHECK(EditionLabel(Edition::kAuthority) == "当局用");
}

}  // namespace
}  // namespace yuimaru::toolkit
