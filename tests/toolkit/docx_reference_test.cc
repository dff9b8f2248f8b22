#include "toolkit/docx_reference.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::toolkit {
namespace {

TEST_CASE("PatchReferencePart: A4 pages and Japanese fonts with Word's fallback names",
          "[toolkit]") {
  const std::string document =
      PatchReferencePart("word/document.xml", "<w:body><w:p /><w:sectPr /></w:body>");
  CHECK(document.find(R"(<w:pgSz w:w="11906" w:h="16838" />)") != std::string::npos);
  const std::string styles = PatchReferencePart(
      "word/styles.xml",
      R"(<w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorHAnsi" /><w:rFonts )"
      R"(w:asciiTheme="majorHAnsi" w:eastAsiaTheme="majorEastAsia" />)");
  CHECK(styles.find(R"(w:eastAsia="IPAMincho")") != std::string::npos);
  CHECK(styles.find(R"(w:eastAsia="IPAGothic")") != std::string::npos);
  CHECK(styles.find("Theme") == std::string::npos);
  const std::string fonts = PatchReferencePart("word/fontTable.xml", "<w:fonts></w:fonts>");
  CHECK(fonts.find("ＭＳ 明朝") != std::string::npos);
  CHECK(PatchReferencePart("word/settings.xml", "<x />") == "<x />");
}

TEST_CASE("StoredZip: an archive other tools read", "[toolkit][disk]") {
  testing::TempDir t;
  testing::WriteFile(t / "a.zip", StoredZip({{"a.txt", "あいう"}, {"dir/b.xml", "<b />"}}));
  const auto r = testing::RunCommand({"/usr/bin/unzip", "-t", (t / "a.zip").string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No errors detected") != std::string::npos);
  const auto p = testing::RunCommand({"/usr/bin/unzip", "-p", (t / "a.zip").string(), "a.txt"});
  CHECK(p.out == "あいう");
}

}  // namespace
}  // namespace yuimaru::toolkit
