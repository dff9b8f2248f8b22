// Clearance views through the CLI: what a lower clearance searches is only the text it may read.
#include <catch2/catch.hpp>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

TEST_CASE("clearance: text of a 機密 section is found only at 機密", "[disk][clearance]") {
  TempDir t;
  WriteFile(t / "c/pub.md",
            "---\ndoc_id: CS-1-P\ntitle: 公開事例\nconfidentiality: 公開\nstatus: 公開承認済\n---\n"
            "公開の本文。\n\n"
            "<!-- private:begin level=\"機密\" reason=\"財務実数\" "
            "-->\n\n売上高は極秘数字です。\n\n<!-- private:end -->\n\n"
            "<!-- private:begin level=\"内部\" -->\n\n内部向けメモ。\n\n<!-- private:end -->\n");
  WriteFile(t / "c/int.md",
            "---\ndoc_id: VM-1\ntitle: 内部メモ\nconfidentiality: 内部\n---\n内部の本文。\n");
  WriteFile(t / "c/conf.md",
            "---\ndoc_id: KT-1\ntitle: 機密カルテ\nconfidentiality: 機密\n---\n機密の本文。\n");
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), (t / "c").string()}).exit_code == 0);
  auto total = [&](const std::string& clearance, const std::string& q) {
    const CommandResult r =
        Yuimaru({"search", "--db", (t / "db").string(), "--json", "--clearance", clearance, q});
    REQUIRE(r.exit_code == 0);
    return r.Json()["total"].get<int>();
  };
  CHECK(total("公開", "極秘数字") == 0);
  CHECK(total("内部", "極秘数字") == 0);
  CHECK(total("機密", "極秘数字") == 1);
  CHECK(total("公開", "内部向け") == 0);
  CHECK(total("内部", "内部向け") == 1);
  CHECK(total("公開", "本文") == 1);
  CHECK(total("内部", "本文") == 2);
  CHECK(total("機密", "本文") == 3);
  const CommandResult stats =
      Yuimaru({"stats", "--db", (t / "db").string(), "--json", "--clearance", "公開"});
  CHECK(stats.Json()["documents"] == 1);
  // The document page at 公開 has no trace of the hidden sections.
  const CommandResult show =
      Yuimaru({"show", "--db", (t / "db").string(), "--json", "--clearance", "公開", "CS-1-P"});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("極秘") == std::string::npos);
  CHECK(show.out.find("内部向け") == std::string::npos);
  CHECK(Yuimaru({"show", "--db", (t / "db").string(), "--clearance", "公開", "KT-1"}).exit_code ==
        1);
}

}  // namespace
}  // namespace yuimaru::testing
