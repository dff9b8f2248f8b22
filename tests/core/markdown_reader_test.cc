#include "core/markdown_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <regex>

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
  CHECK(FirstHeadingAt(c.blocks, Clearance::kConfidential) == "見出し");
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
      {"a\n\n<!-- private:begin level=\"機密\" -->\n\nb\n", "private/unpaired-begin", 3},
      {"a\n\n<!-- private:end -->\n", "private/unpaired-end", 3},
      {"<!-- private:begin level=\"機密\" -->\n<!-- private:begin level=\"機密\" -->\n<!-- "
       "private:end -->\n",
       "private/nested", 2},
      {"本文 <!-- private:begin level=\"機密\" --> の途中\n", "private/inline", 1},
      {"<!-- private:begin level=\"秘密\" -->\nx\n<!-- private:end -->\n", "private/level", 1},
      {"<!-- private:begin -->\nx\n<!-- private:end -->\n", "private/level", 1},
      {"<!-- private:begin level=機密 -->\nx\n<!-- private:end -->\n", "private/malformed", 1},
      {"a\n\n<!-- note -->\n<!-- private：end -->\n", "private/malformed", 4},
  }));
  CAPTURE(body);
  const MarkdownContent c = ReadMarkdown(body, 1, Clearance::kInternal);
  REQUIRE_FALSE(c.errors.empty());
  CHECK(c.errors[0].rule == rule);
  CHECK(c.errors[0].line == line);
}

// A rejected begin also made its end "unpaired": two messages for one mistake, the second one
// wrong (found by tests/data/hostile-files).
TEST_CASE("MarkdownReader: the end of a rejected begin is not reported again", "[markdown]") {
  auto body = GENERATE(as<std::string>{},
                       "<!-- private:begin level=\"公開\" -->\n\nx\n\n<!-- private:end -->\n",
                       "<!-- private:begin level=機密 -->\n\nx\n\n<!-- private:end -->\n",
                       "本文 <!-- private:begin level=\"機密\" --> 途中\n\n<!-- private:end -->\n");
  CAPTURE(body);
  const MarkdownContent c = ReadMarkdown(body, 1, Clearance::kInternal);
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0].rule != "private/unpaired-end");
  // A second end is still unpaired.
  const MarkdownContent twice =
      ReadMarkdown(body + "\n<!-- private:end -->\n", 1, Clearance::kInternal);
  REQUIRE(twice.errors.size() == 2);
  CHECK(twice.errors[1].rule == "private/unpaired-end");
}

// Every spelling a writer (or an attacker) might use for a marker, applied to both markers of a
// section. Each must either be exactly a marker — and then cut the section — or be rejected as
// private/malformed: never plain HTML whose section is indexed at the document's level.
TEST_CASE("MarkdownReader: anything like a marker is a marker or a private/malformed error",
          "[markdown]") {
  auto [begin, end] = GENERATE(table<std::string, std::string>({
      {"<!-- private：begin level=\"機密\" -->", "<!-- private：end -->"},
      {"<!-- private : begin level=\"機密\" -->", "<!-- private : end -->"},
      {"<!-- private:\tbegin level=\"機密\" -->", "<!-- private:\tend -->"},
      {"<!--private:begin level=\"機密\"-->", "<!--private:end-->"},
      {"<!-- PRIVATE:BEGIN level=\"機密\" -->", "<!-- PRIVATE:END -->"},
      {"<!-- Private:Begin level=\"機密\" -->", "<!-- Private:End -->"},
      {"<!-- ｐｒｉｖａｔｅ:ｂｅｇｉｎ level=\"機密\" -->", "<!-- ｐｒｉｖａｔｅ:ｅｎｄ -->"},
      {"<!-- pri\u200bvate:begin level=\"機密\" -->", "<!-- pri\u200bvate:end -->"},
      {"<!-- begin:private level=\"機密\" -->", "<!-- end:private -->"},
      {"<!-- private begin level=\"機密\" -->", "<!-- private end -->"},
      {"<!-- private-begin level=\"機密\" -->", "<!-- private-end -->"},
      {"<!-- 非 公開:begin level=\"機密\" -->", "<!-- 非 公開:end -->"},
      {"<!-- 非公開：begin level=\"機密\" -->", "<!-- 非公開：end -->"},
      {"<!-- ひこうかい:begin level=\"機密\" -->", "<!-- ひこうかい:end -->"},
      {"<!-- privat:begin level=\"機密\" -->", "<!-- privat:end -->"},
      {"<!-- private:begin level='機密' -->", "<!-- private:end -->"},
      {"<!-- private:begin level=“機密” -->", "<!-- private:end -->"},
      {"<!-- private:begin level = \"機密\" -->", "<!-- private:end -->"},
      {"<!-- private:begin level=\"機密\" level=\"公開\" -->", "<!-- private:end -->"},
      {"<!-- private:begin level=\"機密\" mode=\"x\" -->", "<!-- private:end -->"},
      {"<!-- private:begin\nlevel=\"機密\" -->", "<!-- private:end -->"},
      {"<!--- private:begin level=\"機密\" --->", "<!--- private:end --->"},
      {"<!-- private:begin level=\"機密\" -- -->", "<!-- private:end -->"},
      {"<!-- private:begin level=\"機密\" --> 続き", "<!-- private:end -->"},
      {"<!-- 機密ここから -->", "<!-- 機密ここまで -->"},
      {"<!-- begin level=\"機密\" -->", "<!-- end -->"},
      {"<div><!-- private:begin level=\"機密\" --></div>", "<div><!-- private:end --></div>"},
      {"<private level=\"機密\">", "</private>"},
      {"<!-- private:begin level=\"機密\"", "-->"},
  }));
  const std::string body =
      "公開してよい段落。\n\n" + begin + "\n\n秘密の実数XYZ。\n\n" + end + "\n\n続きの公開段落。\n";
  CAPTURE(body);
  const MarkdownContent c = ReadMarkdown(body, 1, Clearance::kPublic);
  REQUIRE_FALSE(c.errors.empty());
  bool malformed = false;
  for (const Error& e : c.errors) malformed = malformed || e.rule == "private/malformed";
  CHECK(malformed);
  CHECK(c.errors[0].line == 3);
}

TEST_CASE("MarkdownReader: exact markers with blanks, tabs, either name and attribute order",
          "[markdown]") {
  auto begin = GENERATE(as<std::string>{}, "<!-- private:begin level=\"機密\" -->",
                        "<!--   private:begin\tlevel=\"機密\"\treason=\"財務実数\"   -->",
                        "<!-- 非公開:begin reason=\"財務実数\" level=\"機密\" -->",
                        "   <!-- private:begin level=\"機密\" -->   ");
  const std::string body = "公開。\n\n" + begin + "\n秘密XYZ。\n<!-- private:end -->\n後。\n";
  CAPTURE(body);
  const MarkdownContent c = ReadMarkdown(body, 1, Clearance::kPublic);
  REQUIRE(c.errors.empty());
  REQUIRE(c.blocks.size() == 3);
  CHECK(c.blocks[1].level == Clearance::kConfidential);
  const std::string shown = VisibleMarkdown(body, 1, c.private_ranges, Clearance::kPublic);
  CHECK(shown.find("秘密") == std::string::npos);
  CHECK(shown == "公開。\n\n\n後。\n");  // the section is one empty line: its length is not told
}

TEST_CASE("MarkdownReader: a heading inside a private section titles only the views that see it",
          "[markdown]") {
  const MarkdownContent c = ReadMarkdown(
      "<!-- private:begin level=\"機密\" -->\n# 秘密の見出し\n<!-- private:end -->\n\n## "
      "公開の見出し\n",
      1, Clearance::kPublic);
  REQUIRE(c.errors.empty());
  CHECK(FirstHeadingAt(c.blocks, Clearance::kPublic) == "公開の見出し");
  CHECK(FirstHeadingAt(c.blocks, Clearance::kInternal) == "公開の見出し");
  CHECK(FirstHeadingAt(c.blocks, Clearance::kConfidential) == "秘密の見出し");
}

TEST_CASE("MarkdownReader: each view's Markdown reads back into exactly its indexed blocks",
          "[markdown]") {
  const std::string body =
      "段落A\n<!-- private:begin level=\"機密\" -->\n秘密\n<!-- private:end -->\n段落B\n\n"
      "- 項目\n  <!-- private:begin level=\"内部\" -->\n  内部の項目\n  <!-- private:end -->\n  "
      "続き\n\n"
      "> 引用\n> <!-- private:begin level=\"機密\" -->\n> 秘密の引用\n> <!-- private:end -->\n> "
      "引用の続き\n";
  MarkdownContent c = ReadMarkdown(body, 1, Clearance::kPublic);
  REQUIRE(c.errors.empty());
  CHECK_FALSE(CheckViews(body, 1, Clearance::kPublic, c).has_value());
  // Paragraphs around a cut section stay apart (A and B are two blocks in every view).
  const MarkdownContent pub = ReadMarkdown(
      VisibleMarkdown(body, 1, c.private_ranges, Clearance::kPublic), 1, Clearance::kPublic);
  REQUIRE(pub.blocks.size() >= 2);
  CHECK(pub.blocks[0].text == "段落A");
  CHECK(pub.blocks[1].text == "段落B");
  // The check is not vacuous: blocks that the stored Markdown does not give back are an error.
  c.blocks[0].text = "段落A段落B";
  const auto error = CheckViews(body, 1, Clearance::kPublic, c);
  REQUIRE(error.has_value());
  CHECK(error->rule == "private/inconsistent");
  CHECK(error->line == 1);
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

// The separator row is scanned by hand (std::regex overflowed the stack on a row of a million
// dashes); it must accept exactly what the grammar's regex accepts: every row of up to seven of
// its characters is compared.
TEST_CASE("MarkdownReader: a table's separator row is read as its grammar says, at any length",
          "[markdown]") {
  const std::regex grammar(R"(^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$)");
  const std::string alphabet = "|-: ";
  std::vector<std::string> rows = {""};
  for (size_t len = 1, from = 0; len <= 7; ++len) {
    const size_t to = rows.size();
    for (size_t i = from; i < to; ++i) {
      for (char c : alphabet) rows.push_back(rows[i] + c);
    }
    from = to;
  }
  for (const auto& row : rows) {
    CAPTURE(row);
    CHECK(IsTableSeparatorRow(row) == std::regex_match(row, grammar));
  }
  CHECK(IsTableSeparatorRow("|" + std::string(1000000, '-') + "|"));
  CHECK_FALSE(IsTableSeparatorRow("|" + std::string(1000000, '-') + "x"));
  const auto content =
      ReadMarkdown("| a |\n|" + std::string(300000, '-') + "|\n| b |\n", 1, Clearance::kPublic);
  REQUIRE(content.blocks.size() == 2);
}

TEST_CASE("MarkdownReader: a pipe table's rows and cells, as the indexer and the page read them",
          "[markdown]") {
  CHECK(PipeTableRows("").empty());
  CHECK(PipeTableRows("a | b\n|---|").empty());  // not a table: it must start with a pipe
  const auto rows = PipeTableRows("| 項目 | 値 |\n|:--|--:|\r\n\n\t| 売上 |  1億円 | \n| x");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].offset == 0);
  CHECK(rows[0].text == "| 項目 | 値 |");
  CHECK(rows[1].text == "|:--|--:|");
  CHECK(IsTableSeparatorRow(rows[1].text));
  CHECK(rows[2].offset == 3);  // the empty line is left out, not renumbered
  CHECK(rows[2].text == "| 売上 |  1億円 |");
  CHECK(rows[3].offset == 4);
  CHECK(PipeTableCells(rows[0].text) == std::vector<std::string>{"項目", "値"});
  CHECK(PipeTableCells(rows[2].text) == std::vector<std::string>{"売上", "1億円"});
  CHECK(PipeTableCells(rows[3].text) == std::vector<std::string>{"x"});
  CHECK(PipeTableCells("|") == std::vector<std::string>{""});
  CHECK(PipeTableCells("||") == std::vector<std::string>{""});
  CHECK(PipeTableCells("| a || b |") == std::vector<std::string>{"a", "", "b"});
  // The blocks the indexer makes are exactly the rows but the separator, on their own lines.
  const auto content =
      ReadMarkdown("| 項目 | 値 |\n|:--|--:|\n| 売上 | 1億円 |\n", 10, Clearance::kPublic);
  REQUIRE(content.blocks.size() == 2);
  CHECK(content.blocks[0].text == rows[0].text);
  CHECK(content.blocks[0].line == 10);
  CHECK(content.blocks[1].text == "| 売上 | 1億円 |");
  CHECK(content.blocks[1].line == 12);
}

}  // namespace
}  // namespace yuimaru::core
