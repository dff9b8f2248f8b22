#include "core/markdown_html.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("MarkdownHtml: raw HTML, script and dangerous links are neutralized", "[markdown_html]") {
  const std::string html = RenderMarkdownHtml(
      "本文 <b onclick=\"x()\">太字</b>\n\n<script>alert(1)</script>\n\n"
      "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](vbscript:x) [d](data:text/html,x) "
      "[ok](/search?q=x)\n\n"
      "![tracker](http://evil.example/t.png)\n");
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("onclick") == std::string::npos);
  CHECK(html.find("javascript:") == std::string::npos);
  CHECK(html.find("JaVaScRiPt:") == std::string::npos);
  CHECK(html.find("vbscript:") == std::string::npos);
  CHECK(html.find("data:text") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("evil.example") == std::string::npos);
  CHECK(html.find("[画像: tracker]") != std::string::npos);
  CHECK(html.find("href=\"/search?q=x\"") != std::string::npos);
  CHECK(html.find("rel=\"noreferrer noopener\"") != std::string::npos);
}

// An image in an image's description: freeing the outer one freed the inner one, which was then
// used and freed again (a crash of the document page; the ASan run sees it at once).
TEST_CASE("MarkdownHtml: an image inside an image's description becomes one text",
          "[markdown_html]") {
  const std::string html =
      RenderMarkdownHtml("前 ![外 ![内 ![芯](c.png)](a.png)](b.png) 後\n\n![x](d.png)\n");
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("[画像: 外 内 芯]") != std::string::npos);
  CHECK(html.find("[画像: x]") != std::string::npos);
  CHECK(html.find("前") != std::string::npos);
  CHECK(html.find("後") != std::string::npos);
}

TEST_CASE("MarkdownHtml: pipe tables, demoted headings and framed private sections",
          "[markdown_html]") {
  const std::string html = RenderMarkdownHtml(
      "# 題\n\n| 指標 | 値 |\n|---|---|\n| 営業利益率 | <b>3%</b> |\n\n"
      "<!-- private:begin level=\"機密\" reason=\"財務実数\" -->\n\n売上高の実数。\n\n<!-- "
      "private:end -->\n");
  CHECK(html.find("<h2>題</h2>") != std::string::npos);
  CHECK(html.find("<th scope=\"col\">指標</th>") != std::string::npos);
  CHECK(html.find("<td>3%</td>") != std::string::npos);  // raw HTML inside a cell is dropped
  CHECK(html.find("<section class=\"private\" aria-label=\"非公開（機密・財務実数）\">") !=
        std::string::npos);
  CHECK(html.find("売上高の実数") != std::string::npos);
  CHECK(html.find("</section>") != std::string::npos);
}

}  // namespace
// The page frames a section exactly when the indexer cut it: both ask core::CheckMarker, so a
// spelling the indexer refuses is never drawn as a 非公開 box either.
TEST_CASE("MarkdownHtml: a box is drawn for exact markers only, the indexer's grammar",
          "[markdown_html]") {
  auto [begin, boxed] = GENERATE(table<std::string, bool>({
      {"<!-- private:begin level=\"機密\" -->", true},
      {"<!--\tprivate:begin\tlevel=\"機密\"\t-->", true},
      {"<!-- 非公開:begin level=\"内部\" -->", true},
      {"<!-- private：begin level=\"機密\" -->", false},
      {"<!-- private : begin level=\"機密\" -->", false},
      {"<!-- PRIVATE:BEGIN level=\"機密\" -->", false},
      {"<!--private:begin level=\"機密\"-->", false},
  }));
  CAPTURE(begin);
  const std::string html =
      RenderMarkdownHtml("前。\n\n" + begin + "\n\n中。\n\n<!-- private:end -->\n\n後。\n");
  CHECK((html.find("class=\"private\"") != std::string::npos) == boxed);
}

}  // namespace yuimaru::core
