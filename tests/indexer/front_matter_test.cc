#include "indexer/front_matter.h"

#include <catch2/catch.hpp>

#include "search/core/utf8.h"

namespace yuimaru::indexer {
namespace {

TEST_CASE("FrontMatter: the YAML block is split off and the body keeps its line number",
          "[front_matter]") {
  const std::string text = "---\ndoc_id: X-1\ntitle: \"t\"\n---\n# 見出し\n本文\n";
  auto split = SplitFrontMatter(text);
  REQUIRE(split);
  CHECK(split->yaml == "doc_id: X-1\ntitle: \"t\"\n");
  CHECK(split->body == "# 見出し\n本文\n");
  CHECK(split->body_first_line == 5);
  auto root = ParseFrontMatter(*split);
  REQUIRE(root);
  REQUIRE(root->Find("doc_id") != nullptr);
  CHECK(root->Find("doc_id")->scalar == "X-1");
  CHECK(root->Find("doc_id")->line == 2);
  CHECK(root->Find("title")->quoted);
}

TEST_CASE("FrontMatter: a file without a first --- line has no front matter", "[front_matter]") {
  auto split = SplitFrontMatter("# タイトル\n本文\n");
  REQUIRE(split);
  CHECK(split->yaml.empty());
  CHECK(split->body_first_line == 1);
  auto root = ParseFrontMatter(*split);
  REQUIRE(root);
  CHECK(root->entries.empty());
}

TEST_CASE("FrontMatter: broken front matter is reported with rule and line", "[front_matter]") {
  auto [text, rule, line] = GENERATE(table<std::string, std::string, int>({
      {"---\ndoc_id: a\n", "front-matter.unterminated", 1},
      {"---\ndoc_id: a\ntitle: [unclosed\n---\n", "front-matter.yaml-syntax", 4},
      {"---\n- a\n- b\n---\n", "front-matter.not-a-map", 2},
      {"---\na: &x [1,2]\nb: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x,*x]\nc: &z "
       "[*y,*y,*y,*y,*y,*y,*y,*y,*y,*y]\n"
       "d: &w [*z,*z,*z,*z,*z,*z,*z,*z,*z,*z]\ne: [*w,*w,*w,*w,*w,*w,*w,*w,*w,*w]\n---\n",
       "front-matter.too-large", 0},
  }));
  CAPTURE(text);
  auto split = SplitFrontMatter(text);
  Error error;
  if (!split) {
    error = split.error();
  } else {
    auto root = ParseFrontMatter(*split);
    REQUIRE_FALSE(root);
    error = root.error();
  }
  CHECK(error.rule == rule);
  if (line > 0) CHECK(error.line == line);
}

// Found by fuzz/document_parser: yaml-cpp names the first byte of a multi-byte character.
TEST_CASE(
    "FrontMatter: a YAML error message is valid UTF-8 when yaml-cpp quotes part of a character",
    "[front_matter]") {
  auto split = SplitFrontMatter("---\ntitle: \"\\あ\"\n---\n本文\n");
  REQUIRE(split);
  auto root = ParseFrontMatter(*split);
  REQUIRE_FALSE(root);
  CHECK(root.error().rule == "front-matter.yaml-syntax");
  CHECK(core::FindInvalidUtf8(root.error().message) == std::string::npos);
  CHECK(root.error().message.find("\\xE3") != std::string::npos);
}

}  // namespace
}  // namespace yuimaru::indexer
