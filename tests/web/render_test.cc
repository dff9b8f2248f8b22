#include "web/render.h"

#include <catch2/catch.hpp>

#include "core/schema.h"

namespace yuimaru::web {
namespace {

search::SearchResponse Response() {
  search::SearchResponse r;
  r.total = 1;
  search::Hit h;
  h.rank = 1;
  h.id = "X\"><script>";
  h.title = "<script>alert(1)</script>";
  h.doc_type = "支援事例";
  h.date = "2024-01-01";
  h.snippet = {{"前", false}, {"<img src=x onerror=alert(1)>", true}, {"後", false}};
  h.facets = {{"industry", {"\"><b>製造業"}}};
  r.hits.push_back(h);
  search::FacetResult f;
  f.key = "industry";
  f.label = "業種";
  f.values.push_back({"<i>x</i>", "E", 3, false});
  r.facets.push_back(f);
  return r;
}

TEST_CASE("Render: the search page escapes the query, hits, snippets and facets", "[render]") {
  SearchPage page;
  page.state.q = "\"><script>alert('q')</script>";
  page.response = Response();
  const std::string html = RenderSearchPage(PageContext{"機密", "<u>", "", false}, page);
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>製造業") == std::string::npos);
  CHECK(html.find("<i>x</i>") == std::string::npos);
  CHECK(html.find("<u>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<mark>&lt;img src=x onerror=alert(1)&gt;</mark>") != std::string::npos);
  CHECK(html.find("/doc/X%22%3E%3Cscript%3E") != std::string::npos);
  CHECK(html.find("lang=\"ja\"") != std::string::npos);
  CHECK(html.find("<label for=\"q\"") != std::string::npos);
}

TEST_CASE("Render: explain names each kind of term and where it matched", "[render]") {
  SearchPage page;
  page.response = Response();
  page.response.hits[0].explain = {{"承継", "word", {"title", "body"}, 3},
                                   {"承継", "bigram", {"heading"}, 2},
                                   {"株", "unigram", {"body"}, 1.5},
                                   {"事業引継ぎ", "synonym", {"body"}, 1},
                                   {"地域:宮古", "facet", {"metadata"}, 5},
                                   {"引継ぎ", "feedback", {"body"}, 0.25},
                                   {"すべての語を含む", "every_word", {"document"}, 0.75}};
  const std::string html = RenderSearchPage(PageContext{"機密", "u", "", false}, page);
  for (const char* row :
       {"<td>承継</td><td>単語</td><td>題名・本文</td><td>3.000</td>",
        "<td>承継</td><td>2文字</td><td>見出し</td><td>2.000</td>",
        "<td>株</td><td>1文字</td><td>本文</td><td>1.500</td>",
        "<td>事業引継ぎ</td><td>同義語</td><td>本文</td><td>1.000</td>",
        "<td>地域:宮古</td><td>属性の値</td><td>属性</td><td>5.000</td>",
        "<td>引継ぎ</td><td>上位文書の語</td><td>本文</td><td>0.250</td>",
        "<td>すべての語を含む</td><td>すべての語</td><td>文書全体</td><td>0.750</td>"}) {
    CAPTURE(row);
    CHECK(html.find(row) != std::string::npos);
  }
}

TEST_CASE("Render: the zero-result page says which filter to drop", "[render]") {
  SearchPage page;
  page.state.q = "承継";
  page.state.filters = {{"industry", "漁業"}};
  page.dropped = {{"industry", "漁業", "業種: 漁業", 12}};
  page.response.interpretation.related = {"後継者育成"};
  const std::string html = RenderSearchPage(PageContext{"公開", "", "", false}, page);
  CHECK(html.find("該当する文書がありません") != std::string::npos);
  CHECK(html.find("業種: 漁業 を外す（12 件）") != std::string::npos);
  CHECK(html.find("後継者育成") != std::string::npos);
}

TEST_CASE(
    "Render: a document page lists its cases and the 研修資料 that use it, escaped, and no "
    "empty list",
    "[render]") {
  DocumentPage page;
  page.doc.id = "TR-1";
  page.doc.title = "研修";
  page.doc.doc_type = "研修資料";
  page.doc.meta = {{"所要時間（分）", "90"}};
  page.doc.uses_cases = {{"CS-1-P\"><i>", "<script>x</script>", "支援事例", "2025-01-01"}};
  const std::string html = RenderDocumentPage(PageContext{"内部", "u", "", false}, page);
  CHECK(html.find("<h2 id=\"uses-cases-title\">使用する事例</h2>") != std::string::npos);
  CHECK(html.find("<a href=\"/doc/CS-1-P%22%3E%3Ci%3E\">&lt;script&gt;x&lt;/script&gt;</a>") !=
        std::string::npos);
  CHECK(html.find("<script>x") == std::string::npos);
  CHECK(html.find("この事例を使う研修資料") == std::string::npos);  // none: no heading either

  page.doc.uses_cases.clear();
  page.doc.used_by = {{"TR-2", "研修二", "研修資料", "2025-02-01"}};
  page.back_url = "/search?q=x";
  const std::string used = RenderDocumentPage(PageContext{"内部", "u", "", false}, page);
  CHECK(used.find("使用する事例") == std::string::npos);
  CHECK(used.find("<h2 id=\"used-by-title\">この事例を使う研修資料</h2>") != std::string::npos);
  CHECK(used.find("<a href=\"/doc/TR-2?back=%2Fsearch%3Fq%3Dx\">研修二</a>") != std::string::npos);
}

TEST_CASE("Render: only links back into the search are followed", "[render]") {
  CHECK(SafeBackUrl("/search?q=%E4%BA%8B") == "/search?q=%E4%BA%8B");
  CHECK(SafeBackUrl("/search") == "/search");
  for (const char* bad :
       {"https://evil.example/", "//evil.example", "javascript:alert(1)",
        "/search?q=1\r\nSet-Cookie: a=b", "/searching", "/dashboard", "\\\\evil"}) {
    CAPTURE(bad);
    CHECK(SafeBackUrl(bad).empty());
  }
}

TEST_CASE("Render: after login only our own pages are returned to", "[render]") {
  for (const char* ours : {"/", "/search?q=%E4%BA%8B", "/dashboard?fiscal_year=2024", "/followups",
                           "/firm/C-0101", "/doc/CS-2024-001", "/pack"}) {
    CAPTURE(ours);
    CHECK(SafeNextUrl(ours) == ours);
  }
  for (const char* bad : {"https://evil.example/", "//evil.example", "javascript:alert(1)",
                          "/pack/../../etc", "/packs", "/doc/x\r\nSet-Cookie: a=b", "\\\\evil"}) {
    CAPTURE(bad);
    CHECK(SafeNextUrl(bad) == "/");
  }
}

TEST_CASE("Render: the dashboard draws a linked bar per value as inline SVG", "[render]") {
  search::IndexStats stats;
  stats.documents = 5;
  search::FacetResult f;
  f.key = "industry";
  f.label = "業種";
  f.values = {{"製造業", "E", 3, false}, {"建設業", "D", 2, false}};
  stats.facets.push_back(f);
  const std::string html =
      RenderDashboard(PageContext{"機密", "", "", false}, DashboardPage{stats, {}, {}});
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("href=\"/search?industry=%E8%A3%BD%E9%80%A0%E6%A5%AD\"") != std::string::npos);
  CHECK(html.find("業種別の文書数") != std::string::npos);
}

// One value for every facet field, as a response or the stats carry them.
std::vector<search::FacetResult> EveryFacet() {
  std::vector<search::FacetResult> out;
  for (const core::FieldDef& field : core::FacetFields()) {
    search::FacetResult f;
    f.key = std::string(field.key);
    f.label = std::string(field.label);
    f.values.push_back({field.type == core::FieldType::kYear ? "2024" : "値", "v", 1, false});
    out.push_back(f);
  }
  return out;
}

TEST_CASE("Render: the sidebar and the dashboard show the registry's fields, in its order",
          "[render]") {
  SearchPage page;
  page.response.facets = EveryFacet();
  const std::string html = RenderSearchPage(PageContext{"機密", "", "", false}, page);
  size_t last = 0;
  for (const core::FieldDef* field : core::SidebarFields()) {
    CAPTURE(field->key);
    const size_t at = html.find("<h3 id=\"f-" + std::string(field->key) + "\">");
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
  search::IndexStats stats;
  stats.facets = EveryFacet();
  const std::string dashboard =
      RenderDashboard(PageContext{"機密", "", "", false}, DashboardPage{stats, {}, {}});
  last = 0;
  for (const core::FieldDef* field : core::ChartFields()) {
    CAPTURE(field->key);
    const size_t at = dashboard.find(">" + std::string(field->chart_title) + "の文書数<");
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
}

}  // namespace
}  // namespace yuimaru::web
