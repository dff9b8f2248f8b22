#include "indexer/front_matter.h"

#include <catch2/catch.hpp>

#include "core/utf8.h"

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
      // yaml-cpp folded the lines after an unclosed quote into the value: date: vanished.
      {"---\ndoc_id: a\ntitle: \"閉じない\ndate: 2024-06-01\n---\n", "front-matter.yaml-syntax", 3},
      {"---\ntags: ['a', 'b\nc: 1\n---\n", "front-matter.yaml-syntax", 2},
      {"---\na: &x [1,2]\nb: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x,*x]\nc: &z "
       "[*y,*y,*y,*y,*y,*y,*y,*y,*y,*y]\n"
       "d: &w [*z,*z,*z,*z,*z,*z,*z,*z,*z,*z]\ne: [*w,*w,*w,*w,*w,*w,*w,*w,*w,*w]\n---\n",
       "front-matter.too-large", 0},
      // Block nesting stopped by yaml-cpp's own guard used to say only "bad file".
      {"---\ntags:\n" +
           [] {
             std::string s;
             for (int i = 0; i < 10000; ++i) s += "- ";
             return s;
           }() +
           "x\n---\n",
       "front-matter.too-deep", 3},
      {"---\na:\n" +
           [] {
             std::string s;
             for (int i = 1; i < 30; ++i) s += std::string(i, ' ') + "a:\n";
             return s;
           }() +
           "---\n",
       "front-matter.too-deep", 19},
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

// The unclosed-quote check must not reject what YAML reads as closed or as plain text.
TEST_CASE("FrontMatter: quotes inside words, doubled quotes and block scalars still parse",
          "[front_matter]") {
  auto [text, key, value] = GENERATE(table<std::string, std::string, std::string>({
      {"---\ntitle: It's 沖縄\n---\n", "title", "It's 沖縄"},
      {"---\ntitle: '沖縄''s 事例'\n---\n", "title", "沖縄's 事例"},
      {"---\ntitle: \"二行に\n  わたる値\"\n---\n", "title", "二行に わたる値"},
      {"---\ntitle: \"\\\"引用\\\"\"\n---\n", "title", "\"引用\""},
      {"---\nnote: |\n  \"閉じない行\n  it's\ntitle: t\n---\n", "title", "t"},
      {"---\ntitle: t # \"comment\n---\n", "title", "t"},
  }));
  CAPTURE(text);
  auto split = SplitFrontMatter(text);
  REQUIRE(split);
  auto root = ParseFrontMatter(*split);
  INFO((root ? "" : root.error().message));
  REQUIRE(root);
  const FmNode* n = root->Find(key);
  REQUIRE(n != nullptr);
  CHECK(n->scalar == value);
}

}  // namespace
}  // namespace yuimaru::indexer
