#include "search/core/markdown_reader.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("MarkdownReader: headings and paragraphs become blocks; raw HTML is not text",
          "[markdown]") {
  const std::string body =
      "# 見出し\n\n本文の一行目で\n二行目に続く。\n\n<div>raw html</div>\n\nA line\nwraps here "
      "<b>x</b>.\n";
  const MarkdownContent c = ReadMarkdown(body, 10, Clearance::kInternal);
  REQUIRE(c.errors.empty());
  REQUIRE(c.blocks.size() == 3);
  CHECK(c.blocks[0].kind == TextBlock::Kind::kHeading);
  CHECK(c.blocks[0].text == "見出し");
  CHECK(c.blocks[0].line == 10);
  CHECK(c.blocks[1].text == "本文の一行目で二行目に続く。");  // Japanese wraps without a space
  CHECK(c.blocks[1].line == 12);
  CHECK(c.blocks[2].text == "A line wraps here x.");
  CHECK(c.first_heading == "見出し");
  for (const auto& b : c.blocks) CHECK(b.text.find("raw html") == std::string::npos);
}

TEST_CASE("MarkdownReader: private sections raise the level of the blocks inside", "[markdown]") {
  const std::string body =
      "概況は公開できる水準。\n\n"
      "<!-- private:begin level=\"機密\" reason=\"財務実数\" -->\n\n"
      "売上高は1億2,300万円。\n\n"
      "- 借入残高の内訳\n\n"
      "<!-- private:end -->\n"
      "次の段落。\n"
      "<!-- 非公開:begin level=\"内部\" -->\n"
      "内部向けの所感。\n"
      "<!-- 非公開:end -->\n";
  const MarkdownContent c = ReadMarkdown(body, 1, Clearance::kPublic);
  REQUIRE(c.errors.empty());
  REQUIRE(c.blocks.size() == 5);
  CHECK(c.blocks[0].level == Clearance::kPublic);
  CHECK(c.blocks[1].level == Clearance::kConfidential);
  CHECK(c.blocks[2].level == Clearance::kConfidential);  // inside a list item too
  CHECK(c.blocks[3].level == Clearance::kPublic);
  CHECK(c.blocks[4].level == Clearance::kInternal);
  REQUIRE(c.private_ranges.size() == 2);
  CHECK(c.private_ranges[0].begin_line == 3);
  CHECK(c.private_ranges[0].end_line == 9);
  CHECK(c.private_ranges[0].reason == "財務実数");

  const std::string public_view = VisibleMarkdown(body, 1, c.private_ranges, Clearance::kPublic);
  CHECK(public_view.find("1億2,300万円") == std::string::npos);
  CHECK(public_view.find("内部向け") == std::string::npos);
  CHECK(public_view.find("次の段落") != std::string::npos);
  const std::string internal_view =
      VisibleMarkdown(body, 1, c.private_ranges, Clearance::kInternal);
  CHECK(internal_view.find("1億2,300万円") == std::string::npos);
  CHECK(internal_view.find("内部向け") != std::string::npos);
  CHECK(VisibleMarkdown(body, 1, c.private_ranges, Clearance::kConfidential) == body);
}

TEST_CASE("MarkdownReader: a private block never lowers the document's level", "[markdown]") {
  const MarkdownContent c =
      ReadMarkdown("<!-- private:begin level=\"内部\" -->\n\n文。\n\n<!-- private:end -->\n", 1,
                   Clearance::kConfidential);
  REQUIRE(c.errors.empty());
  REQUIRE(c.blocks.size() == 1);
  CHECK(c.blocks[0].level == Clearance::kConfidential);
}

TEST_CASE("MarkdownReader: marker mistakes are errors with rule and line", "[markdown]") {
  auto [body, rule, line] = GENERATE(table<std::string, std::string, int>({
      {"a\n\n<!-- private:begin level=\"機密\" -->\n\nb\n", "private.unpaired-begin", 3},
      {"a\n\n<!-- private:end -->\n", "private.unpaired-end", 3},
      {"<!-- private:begin level=\"機密\" -->\n<!-- private:begin level=\"機密\" -->\n<!-- "
       "private:end -->\n",
       "private.nested", 2},
      {"本文 <!-- private:begin level=\"機密\" --> の途中\n", "private.inline-marker", 1},
      {"<!-- private:begin level=\"秘密\" -->\nx\n<!-- private:end -->\n", "private.level.invalid",
       1},
      {"<!-- private:begin level=機密 -->\nx\n<!-- private:end -->\n", "private.marker-syntax", 1},
  }));
  CAPTURE(body);
  const MarkdownContent c = ReadMarkdown(body, 1, Clearance::kInternal);
  REQUIRE_FALSE(c.errors.empty());
  CHECK(c.errors[0].rule == rule);
  CHECK(c.errors[0].line == line);
}

TEST_CASE("MarkdownReader: each row of a pipe table is a block, the separator row is not",
          "[markdown]") {
  const MarkdownContent c =
      ReadMarkdown("| 指標 | 値 |\n|---|---:|\n| 営業利益率 | 3%台 |\n| 自己資本比率 | 約2割 |\n",
                   5, Clearance::kInternal);
  REQUIRE(c.blocks.size() == 3);
  CHECK(c.blocks[0].text == "| 指標 | 値 |");
  CHECK(c.blocks[1].text == "| 営業利益率 | 3%台 |");
  CHECK(c.blocks[1].line == 7);
}

}  // namespace
}  // namespace yuimaru::core
