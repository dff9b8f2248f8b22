// The web front end over HTTP: a real server on loopback, real requests, real index.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "core/html.h"
#include "tests/support/command.h"
#include "tests/support/test_server.h"

namespace yuimaru::testing {
namespace {

std::vector<std::string> CorpusAndHostile() {
  return {(SourceDir() / "corpus").string(), (SourceDir() / "tests" / "data" / "hostile").string()};
}

nlohmann::json Json(const httplib::Result& r) {
  REQUIRE(r);
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  INFO(r->body);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::string Enc(const std::string& s) { return core::UrlEncode(s); }

void CheckSecurityHeaders(const httplib::Result& r) {
  REQUIRE(r);
  const std::string csp = r->get_header_value("Content-Security-Policy");
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(r->get_header_value("Referrer-Policy") == "no-referrer");
  CHECK(r->get_header_value("X-Frame-Options") == "DENY");
}

// Every src/href of a page points at this server (a path), never at another host.
void CheckOnlyLocalResources(const std::string& html) {
  static const std::regex kRef(R"re((?:src|href)\s*=\s*"([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kRef); it != std::sregex_iterator();
       ++it) {
    const std::string url = (*it)[1];
    CAPTURE(url);
    CHECK((url.empty() || url[0] == '/' || url[0] == '#' || url[0] == '?'));
    CHECK(url.rfind("//", 0) != 0);
  }
}

TEST_CASE("web: the search page, with facets, snippets and security headers", "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  const auto r =
      c.Get(("/search?q=" + Enc("事業承継 後継者") + "&industry=" + Enc("製造業")).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CheckSecurityHeaders(r);
  CHECK(r->get_header_value("Content-Type").find("text/html") == 0);
  const std::string& html = r->body;
  CHECK(html.find("<ol class=\"results\"") != std::string::npos);
  CHECK(html.find("<mark>") != std::string::npos);
  CHECK(html.find(
            "aria-current=\"true\"><span class=\"check\" aria-hidden=\"true\">☑</span>製造業") !=
        std::string::npos);
  CHECK(html.find("id=\"f-region\"") != std::string::npos);
  CheckOnlyLocalResources(html);
  for (const char* path : {"/", "/dashboard", "/doc/KT-C0123",
                           "/search?q="
                           "%E5%8F%B0%E9%A2%A8"}) {
    CAPTURE(path);
    const auto p = c.Get(path);
    REQUIRE(p);
    CHECK(p->status == 200);
    CheckSecurityHeaders(p);
    CheckOnlyLocalResources(p->body);
  }
}

TEST_CASE("web: facet counts of the API equal the CLI's", "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  const auto api = Json(c.Get(("/api/search?q=" + Enc("支援") + "&region=" + Enc("北部")).c_str()));
  const CommandResult cli = Yuimaru({"search", "--db", server.db(), "--json", "--limit", "20",
                                     "--filter", "region=北部", "支援"});
  REQUIRE(cli.exit_code == 0);
  const auto j = cli.Json();
  CHECK(api["total"] == j["total"]);
  CHECK(api["facets"] == j["facets"]);
  REQUIRE(api["hits"].size() == j["hits"].size());
  for (size_t i = 0; i < api["hits"].size(); ++i) CHECK(api["hits"][i]["id"] == j["hits"][i]["id"]);
  const auto facets = Json(c.Get("/api/facets?industry=%E8%A3%BD%E9%80%A0%E6%A5%AD"));
  CHECK(facets["hits"].empty());
  CHECK(facets["total"].get<int>() > 0);
}

TEST_CASE("web: several values of a facet OR together and the facet keeps its other counts",
          "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  const auto none = Json(c.Get("/api/facets"));
  const auto one = Json(c.Get(("/api/facets?industry=" + Enc("製造業")).c_str()));
  const auto two =
      Json(c.Get(("/api/facets?industry=" + Enc("製造業") + "&industry=" + Enc("建設業")).c_str()));
  const int mfg = none["facets"]["industry"]["製造業"], con = none["facets"]["industry"]["建設業"];
  CHECK(one["total"] == mfg);
  CHECK(two["total"] == mfg + con);
  // With 製造業 chosen, the 業種 facet still offers the others with their counts.
  CHECK(one["facets"]["industry"] == none["facets"]["industry"]);
  // Other facets are counted within the selection.
  int regions = 0;
  for (const auto& [k, v] : one["facets"]["region"].items()) regions += v.get<int>();
  CHECK(regions == mfg);
}

TEST_CASE("web: hostile queries and hostile documents are escaped everywhere", "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  const std::string evil = "\"><script>alert('q')</script><img src=x onerror=alert(1)>";
  for (const std::string& path : std::vector<std::string>{
           "/search?q=" + Enc(evil), "/search?q=" + Enc("悪意"), "/doc/HOSTILE-1",
           "/doc/HOSTILE-1?back=" + Enc("javascript:alert(1)"),
           "/search?q=" + Enc(evil) + "&explain=1"}) {
    CAPTURE(path);
    const auto r = c.Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == 200);
    const std::string& html = r->body;
    CHECK(html.find("<script>alert") == std::string::npos);
    CHECK(html.find("<script>x") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    // Event handlers may appear as escaped text or inside a quoted value, never as an attribute
    // of a live tag (values are double-quoted with " escaped, so dropping them is exact).
    static const std::regex kQuoted(R"re("[^"]*")re");
    static const std::regex kHandler(R"re(<[a-zA-Z][^>]*\son[a-z]+\s*=)re");
    CHECK_FALSE(std::regex_search(std::regex_replace(html, kQuoted, "\"\""), kHandler));
    CHECK(html.find("href=\"javascript:") == std::string::npos);
    CHECK(html.find("href=\"JaVaScRiPt:") == std::string::npos);
    CHECK(html.find("vbscript:") == std::string::npos);
    CHECK(html.find("evil.example") == std::string::npos);
    CHECK(html.find("<div onmouseover") == std::string::npos);
    CHECK(html.find("<b>太字タグ</b>") == std::string::npos);
    CheckOnlyLocalResources(html);
  }
  const auto doc = c.Get("/doc/HOSTILE-1");
  CHECK(doc->body.find("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(doc->body.find("<td>攻撃表</td>") !=
        std::string::npos);  // the table renders; its raw HTML does not
  const auto api = c.Get(("/api/search?q=" + Enc("悪意のある題名")).c_str());
  CHECK(api->get_header_value("Content-Type").find("application/json") == 0);
  CHECK(Json(api)["hits"][0]["title"] ==
        "<script>alert('title')</script> 悪意のある題名");  // data, not markup
}

TEST_CASE("web: bad requests get a 4xx and a message, never a 500", "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  struct Case {
    std::string path;
    int status;
    std::string rule;
  };
  for (const Case& k : std::vector<Case>{
           {"/api/search?industry=" + Enc("宇宙産業"), 400, "query.filter.unknown-value"},
           {"/api/search?bogus=1", 400, "param.unknown"},
           {"/api/search?page=0", 400, "param.page"},
           {"/api/search?q=%FF%FE", 400, "query.invalid-utf8"},
           {"/api/search?from=2024-13-40", 400, "query.date"},
           {"/api/search?q=" + std::string(1200, 'a'), 400, "query.too-long"},
           {"/api/search?q=a&q=b", 400, "param.repeated"},
           {"/api/doc/NO-SUCH-DOC", 404, "document.not-found"},
           {"/api/related/NO-SUCH-DOC", 404, "document.not-found"},
           {"/api/related/KT-C0123?limit=0", 400, "param.limit"},
           {"/api/nothing-here", 404, "route.not-found"},
           {"/api/doc/..%2F..%2Fetc%2Fpasswd", 404, "route.not-found"},  // ids never touch files
       }) {
    CAPTURE(k.path);
    const auto r = c.Get(k.path.c_str());
    REQUIRE(r);
    CHECK(r->status == k.status);
    CHECK(r->get_header_value("Content-Type").find("application/json") == 0);
    const auto j = Json(r);
    CHECK(j["error"]["rule"] == k.rule);
    CHECK_FALSE(j["error"]["message"].get<std::string>().empty());
  }
  for (const auto& [path, status] :
       std::vector<std::pair<std::string, int>>{{"/nothing-here", 404},
                                                {"/doc/NO-SUCH-DOC", 404},
                                                {"/search?page=abc", 400},
                                                {"/static/../../etc/passwd", 404},
                                                {"/static/nothing.css", 404},
                                                {"/dashboard?x=1", 400}}) {
    CAPTURE(path);
    const auto r = c.Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == status);
    CHECK(r->body.find("/work/") == std::string::npos);  // no internals (paths) in messages
  }
  const auto post = c.Post("/search", "q=x", "application/x-www-form-urlencoded");
  REQUIRE(post);
  CHECK(post->status == 413);
  const auto del = c.Delete("/search");
  REQUIRE(del);
  CHECK(del->status == 405);
}

TEST_CASE("web: CR/LF in a parameter cannot inject a header", "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  const auto r =
      c.Get(("/doc/KT-C0123?back=" + Enc("/search?q=x\r\nSet-Cookie: injected=1")).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK_FALSE(r->has_header("Set-Cookie"));
  CHECK(r->body.find("injected") == std::string::npos);
}

TEST_CASE("web: a newer index generation is picked up without a restart", "[http][web]") {
  const auto corpus = SourceDir() / "corpus";
  TestServer server({(corpus / "methods").string()});
  auto c = server.Client();
  const auto missing = c.Get("/api/doc/TR-2025-01");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  const auto before = Json(c.Get("/api/facets"));
  const CommandResult r = Yuimaru({"index", "--db", server.db(), (corpus / "training").string()});
  REQUIRE(r.exit_code == 0);
  const auto after = Json(c.Get("/api/facets"));
  CHECK(after["total"].get<int>() == before["total"].get<int>() + 12);
  CHECK(Json(c.Get("/api/doc/TR-2025-01"))["id"] == "TR-2025-01");
}

TEST_CASE("web: the document page has the metadata table, related documents and the way back",
          "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  const std::string back = "/search?q=" + Enc("事業承継");
  const auto r = c.Get(("/doc/CS-2025-061?back=" + Enc(back)).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("<caption>文書の情報</caption>") != std::string::npos);
  CHECK(r->body.find("関連する文書") != std::string::npos);
  CHECK(r->body.find("href=\"" + core::Escape(back) + "\"") != std::string::npos);
  const auto api = Json(c.Get("/api/doc/CS-2025-061"));
  CHECK(api["id"] == "CS-2025-061");
  CHECK_FALSE(api["related"].empty());
  for (const auto& rel : api["related"]) CHECK(rel["id"] != "CS-2025-061");
  CHECK(api["markdown"].get<std::string>().find("##") != std::string::npos);
}

std::string LinksDir() { return (SourceDir() / "tests" / "data" / "links").string(); }

// The list section of a document page whose heading has id `heading_id`, or "".
std::string LinkSection(const std::string& body, const std::string& heading_id) {
  const size_t start =
      body.find("<section class=\"doc-links\" aria-labelledby=\"" + heading_id + "\">");
  if (start == std::string::npos) return "";
  return body.substr(start, body.find("</section>", start) - start);
}

std::vector<std::string> LinkIds(const nlohmann::json& links) {
  std::vector<std::string> out;
  for (const auto& l : links) out.push_back(l["id"]);
  return out;
}

TEST_CASE("web: a 研修資料 page lists its cases and 所要時間, a case page the 研修資料 that use it",
          "[http][web]") {
  TestServer server({LinksDir()}, search::Clearance::kInternal);
  auto c = server.Client();
  const auto training = c.Get("/doc/TR-2025-91");
  REQUIRE(training);
  CHECK(training->status == 200);
  CHECK(training->body.find("<th scope=\"row\">所要時間（分）</th><td>90</td>") !=
        std::string::npos);
  const std::string cases = LinkSection(training->body, "uses-cases-title");
  CHECK(cases.find(">使用する事例</h2>") != std::string::npos);
  CHECK(cases.find("<a href=\"/doc/CS-2024-951-P\">常連客の声から品ぞろえを見直した"
                   "小売店の事例（公開用）</a>") != std::string::npos);
  CHECK(cases.find("<a href=\"/doc/CS-2025-952-P\">") != std::string::npos);
  CHECK(training->body.find("この事例を使う研修資料") == std::string::npos);
  const auto api = Json(c.Get("/api/doc/TR-2025-91"));
  CHECK(LinkIds(api["uses_cases"]) == std::vector<std::string>{"CS-2024-951-P", "CS-2025-952-P"});
  CHECK(api["used_by"].empty());

  const std::string back = "/search?q=" + Enc("研修");
  const auto used = c.Get(("/doc/CS-2024-951-P?back=" + Enc(back)).c_str());
  REQUIRE(used);
  CHECK(used->status == 200);
  const std::string users = LinkSection(used->body, "used-by-title");
  CHECK(users.find(">この事例を使う研修資料</h2>") != std::string::npos);
  CHECK(users.find("<a href=\"/doc/TR-2025-91?back=" + Enc(back) + "\">") != std::string::npos);
  CHECK(users.find("<a href=\"/doc/TR-2025-92?back=" + Enc(back) + "\">") != std::string::npos);
  CHECK(used->body.find("使用する事例") == std::string::npos);
  CHECK(used->body.find("所要時間") == std::string::npos);
  CHECK(LinkIds(Json(c.Get("/api/doc/CS-2024-951-P"))["used_by"]) ==
        std::vector<std::string>{"TR-2025-91", "TR-2025-92"});
}

TEST_CASE("web: a 公開 reader sees neither a 内部 研修資料 nor a 内部 case among a page's links",
          "[http][web][clearance]") {
  TestServer server({LinksDir()}, search::Clearance::kPublic);
  auto c = server.Client();
  const auto training = c.Get("/doc/TR-2025-91");
  REQUIRE(training);
  CHECK(training->status == 200);
  CHECK(LinkSection(training->body, "uses-cases-title").find("<a href=\"/doc/CS-2024-951-P\">") !=
        std::string::npos);
  CHECK(training->body.find("CS-2025-952-P") == std::string::npos);  // not even its id
  CHECK(training->body.find("物流の見直し") == std::string::npos);
  const auto api = c.Get("/api/doc/TR-2025-91");
  CHECK(LinkIds(Json(api)["uses_cases"]) == std::vector<std::string>{"CS-2024-951-P"});
  CHECK(api->body.find("CS-2025-952-P") == std::string::npos);

  const auto used = c.Get("/doc/CS-2024-951-P");
  REQUIRE(used);
  CHECK(used->status == 200);
  CHECK(LinkSection(used->body, "used-by-title").find("<a href=\"/doc/TR-2025-91\">") !=
        std::string::npos);
  CHECK(used->body.find("TR-2025-92") == std::string::npos);
  CHECK(used->body.find("支援計画の立て方") == std::string::npos);
  const auto used_api = c.Get("/api/doc/CS-2024-951-P");
  CHECK(LinkIds(Json(used_api)["used_by"]) == std::vector<std::string>{"TR-2025-91"});
  CHECK(used_api->body.find("TR-2025-92") == std::string::npos);
  CHECK(c.Get("/doc/CS-2025-952-P")->status == 404);
  CHECK(c.Get("/doc/TR-2025-92")->status == 404);
}

TEST_CASE("web: a zero-result search says which filter to drop", "[http][web]") {
  TestServer server(CorpusAndHostile());
  auto c = server.Client();
  const auto r = c.Get(("/search?q=" + Enc("もずく") + "&industry=" + Enc("建設業")).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("該当する文書がありません") != std::string::npos);
  CHECK(r->body.find("業種: 建設業 を外す") != std::string::npos);
}

TEST_CASE("web: the dashboard counts by 業種, 地域, 支援フェーズ, 課題 and 年度 as linked bars",
          "[http][web]") {
  TestServer server({(SourceDir() / "corpus").string()});
  auto c = server.Client();
  const auto r = c.Get("/dashboard");
  REQUIRE(r);
  CHECK(r->status == 200);
  for (const char* title : {"業種別の文書数", "地域別の文書数", "支援フェーズ別の文書数",
                            "課題別の文書数", "年度別の文書数"}) {
    CAPTURE(title);
    CHECK(r->body.find(title) != std::string::npos);
  }
  CHECK(r->body.find("<svg") != std::string::npos);
  // A bar's link leads to the filtered search with the same count.
  const auto facets = Json(c.Get("/api/facets"));
  const int mfg = facets["facets"]["industry"]["製造業"];
  CHECK(r->body.find("<title>製造業: " + std::to_string(mfg) + " 件</title>") != std::string::npos);
  CHECK(r->body.find("href=\"/search?industry=" + Enc("製造業") + "\"") != std::string::npos);
}

std::string ReportDir() { return (SourceDir() / "tests" / "data" / "report").string(); }

// A server whose clock reads 2025-06-01 (令和7年度) at noon UTC.
void June2025(web::ServerOptions& o) {
  o.clock = [] { return std::chrono::system_clock::from_time_t(1748779200); };
}

TEST_CASE("web: the dashboard counts firms and documents of the chosen year, current by default",
          "[http][web][report]") {
  TestServer server({ReportDir()}, search::Clearance::kConfidential, June2025);
  auto c = server.Client();
  const auto page = c.Get("/dashboard");
  REQUIRE(page);
  CHECK(page->status == 200);
  CheckSecurityHeaders(page);
  CheckOnlyLocalResources(page->body);
  CHECK(page->body.find("<option value=\"2025\" selected>2025年度（令和7年度）</option>") !=
        std::string::npos);
  CHECK(page->body.find("<strong class=\"firms\">3</strong>") != std::string::npos);
  CHECK(page->body.find("<strong class=\"documents\">4</strong>") != std::string::npos);
  CHECK(page->body.find("<strong class=\"self-running\">33.3%</strong>") != std::string::npos);
  CHECK(page->body.find("href=\"/dashboard.csv?fiscal_year=2025&amp;table=industry\"") !=
        std::string::npos);

  const auto y2024 = c.Get(("/dashboard?fiscal_year=" + Enc("令和6年度")).c_str());
  REQUIRE(y2024);
  CHECK(y2024->status == 200);
  CHECK(y2024->body.find("<strong class=\"firms\">2</strong>") != std::string::npos);
  const auto fishing = c.Get(("/dashboard?fiscal_year=2024&industry=" + Enc("漁業")).c_str());
  REQUIRE(fishing);
  CHECK(fishing->body.find("<strong class=\"firms\">1</strong>") != std::string::npos);

  const auto api = Json(c.Get("/api/report"));
  CHECK(api["fiscal_year"] == 2025);
  CHECK(api["firms"] == 3);
  CHECK(Json(c.Get("/api/report?fiscal_year=all"))["documents"] == 7);
}

// The server keeps each report and follow-up list it computed (FigureCache); a new generation
// must be answered with its own figures at once, whatever was remembered of the old one.
TEST_CASE("web: the 実績報告 and the follow-ups are of the newest generation, not a remembered one",
          "[http][web][report][disk]") {
  TestServer server({ReportDir()}, search::Clearance::kConfidential, June2025);
  auto c = server.Client();
  const nlohmann::json before = Json(c.Get("/api/report?fiscal_year=all"));
  CHECK(Json(c.Get("/api/report?fiscal_year=all")) == before);  // the remembered answer
  const std::string list_before = c.Get("/followups")->body;

  // A second firm's documents join the index: a new generation under the running server.
  const auto corpus = SourceDir() / "corpus";
  REQUIRE(Yuimaru({"index", "--db", server.db(), ReportDir(), (corpus / "karte").string(),
                   (corpus / "visits").string()})
              .exit_code == 0);
  const CommandResult fresh =
      Yuimaru({"report", "--db", server.db(), "--year", "all", "--format", "json"});
  REQUIRE(fresh.exit_code == 0);
  const nlohmann::json after = Json(c.Get("/api/report?fiscal_year=all"));
  CHECK(after["documents"].get<int>() > before["documents"].get<int>());  // can fail
  CHECK(after["firms"] == fresh.Json()["firms"]);
  CHECK(after["documents"] == fresh.Json()["documents"]);
  CHECK(c.Get("/followups")->body != list_before);

  // A purge erases a firm's karte: no page names it afterwards.
  CHECK(c.Get("/firm/C-0101")->body.find("KT-C0101") != std::string::npos);
  REQUIRE(Yuimaru({"purge", "--db", server.db(), "KT-C0101"}).exit_code == 0);
  CHECK(c.Get("/firm/C-0101")->body.find("KT-C0101") == std::string::npos);
  CHECK(c.Get("/followups")->body.find("KT-C0101") == std::string::npos);
  CHECK(Json(c.Get("/api/report?fiscal_year=all"))["documents"].get<int>() ==
        after["documents"].get<int>() - 1);
}

TEST_CASE("web: every dashboard table downloads as CSV with a BOM and as an Excel workbook",
          "[http][web][report]") {
  TestServer server({ReportDir()}, search::Clearance::kConfidential, June2025);
  auto c = server.Client();
  const auto csv = c.Get("/dashboard.csv?fiscal_year=2025&table=industry");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK(csv->get_header_value("Content-Disposition") ==
        "attachment; filename=\"yuimaru-report-2025-industry.csv\"; "
        "filename*=UTF-8''yuimaru-report-2025-industry.csv");
  CHECK(csv->body.rfind("\xEF\xBB\xBF項目,支援先数,文書数\r\n", 0) == 0);
  CHECK(csv->body.find("漁業,1,0\r\n") != std::string::npos);
  CHECK(csv->body.find("建設業,1,1\r\n") != std::string::npos);

  const auto xlsx = c.Get("/dashboard.xlsx?fiscal_year=2025");
  REQUIRE(xlsx);
  CHECK(xlsx->status == 200);
  CHECK(xlsx->body.rfind("PK", 0) == 0);
  TempDir dir;
  const auto book = dir / "d.xlsx";
  WriteFile(book, xlsx->body);
  const CommandResult read =
      RunCommand({"/usr/bin/python3", "-c",
                  "import json, sys, openpyxl\n"
                  "wb = openpyxl.load_workbook(sys.argv[1])\n"
                  "print(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)]"
                  " for ws in wb.worksheets}, ensure_ascii=False))\n",
                  book.string()});
  INFO(read.err);
  REQUIRE(read.exit_code == 0);
  const nlohmann::json sheets = read.Json();
  const auto api = Json(c.Get("/api/report?fiscal_year=2025"));
  for (const auto& t : api["tables"]) {
    INFO(t["title"]);
    REQUIRE(sheets.contains(t["title"].get<std::string>()));
    const auto& ws = sheets[t["title"].get<std::string>()];
    for (size_t r = 0; r < t["rows"].size(); ++r) {
      for (size_t col = 0; col < t["rows"][r].size(); ++col) {
        if (t["rows"][r][col].is_number()) CHECK(ws[r + 1][col] == t["rows"][r][col]);
      }
    }
  }
  const auto one = c.Get("/dashboard.xlsx?fiscal_year=2025&table=phase");
  REQUIRE(one);
  CHECK(one->status == 200);
}

TEST_CASE("web: the follow-up list links each firm to its timeline, oldest document first",
          "[http][web][followups]") {
  TestServer server({ReportDir()}, search::Clearance::kConfidential, [](web::ServerOptions& o) {
    o.clock = [] { return std::chrono::system_clock::from_time_t(1764590400); };  // 2025-12-01
  });
  auto c = server.Client();
  const auto list = c.Get("/followups");
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(list->body.find("<a href=\"/firm/C-0001\">C-0001</a></th><td>2025-12-10</td>") !=
        std::string::npos);
  const auto firm = c.Get("/firm/C-0001");
  REQUIRE(firm);
  CHECK(firm->status == 200);
  const size_t karte = firm->body.find("/doc/KT-C0001");
  const size_t memo = firm->body.find("/doc/VM-2024-0001");
  const size_t meeting = firm->body.find("/doc/TM-2025-001");
  const size_t last = firm->body.find("/doc/CS-2025-001");
  CHECK(karte < memo);
  CHECK(memo < meeting);
  CHECK(meeting < last);
  CHECK(last != std::string::npos);
  CHECK(firm->body.find("/doc/KT-C0002") == std::string::npos);
  const auto none = c.Get("/firm/C-9999");
  REQUIRE(none);
  CHECK(none->status == 404);
  CHECK(c.Get("/followups?quiet_months=0")->status == 400);
}

TEST_CASE("web: a 公開 reader gets no firm timeline and no follow-ups of 内部 documents",
          "[http][web][followups][clearance]") {
  TestServer server({ReportDir()}, search::Clearance::kPublic, [](web::ServerOptions& o) {
    o.clock = [] { return std::chrono::system_clock::from_time_t(1764590400); };
  });
  auto c = server.Client();
  const auto firm = c.Get("/firm/C-0001");
  REQUIRE(firm);
  CHECK(firm->status == 404);
  const auto unknown = c.Get("/firm/C-9999");
  REQUIRE(unknown);
  std::string same = unknown->body;
  same.replace(same.find("C-9999"), 6, "C-0001");
  CHECK(firm->body == same);
  const auto list = c.Get("/followups");
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(list->body.find("C-0001") == std::string::npos);
  CHECK(Json(c.Get("/api/report?fiscal_year=all"))["firms"] == 0);
}

TEST_CASE("web: a year outside the index, an unknown filter or table is a 400, never a 500",
          "[http][web][report]") {
  TestServer server({ReportDir()}, search::Clearance::kConfidential, June2025);
  auto c = server.Client();
  for (const auto& [path, rule] : std::vector<std::pair<std::string, std::string>>{
           {"/api/report?fiscal_year=2030", "report.year.unknown"},
           {"/api/report?fiscal_year=abc", "report.year"},
           {"/api/report?industry=" + Enc("宇宙業"), "query.filter.unknown-value"},
           {"/api/report?fiscal_year=2024&fiscal_year=2025", "param.repeated"}}) {
    INFO(path);
    const auto r = c.Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(Json(r)["error"]["rule"] == rule);
  }
  for (const std::string& path :
       std::vector<std::string>{"/dashboard?fiscal_year=2030", "/dashboard.csv?table=nope",
                                "/dashboard.xlsx?fiscal_year=" + Enc("平成元年度")}) {
    INFO(path);
    const auto r = c.Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->get_header_value("Content-Disposition").empty());
  }
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

// The files this process holds open under `db` outside its current generation.
std::vector<std::string> OldGenerationFilesOpen(const std::filesystem::path& db) {
  const std::string root = std::filesystem::canonical(db).string();
  const std::string current = std::filesystem::canonical(db / "CURRENT").string() + "/";
  std::vector<std::string> open;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind(root + "/gen-", 0) == 0 && target.rfind(current, 0) != 0)
      open.push_back(target);
  }
  return open;
}

TEST_CASE("purge: a running server lets go of the purged generation before the certificate",
          "[http][disk]") {
  TestServer server({(SourceDir() / "corpus").string()});
  auto c = server.Client();
  REQUIRE(c.Get("/api/doc/CS-2024-001")->status == 200);
  REQUIRE(c.Get("/api/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99")->status == 200);
  const CommandResult purge = Yuimaru({"purge", "--db", server.db(), "CS-2024-001"});
  INFO(purge.out << purge.err);
  REQUIRE(purge.exit_code == 0);
  CHECK(purge.out.find("保持プロセス: なし") != std::string::npos);
  // Checked right after the certificate, before any further request.
  CHECK(OldGenerationFilesOpen(server.db()).empty());
  CHECK(c.Get("/api/doc/CS-2024-001")->status == 404);
}

// Idle pooled Searchers used to keep a superseded generation open until they were reused, so
// its deleted files' space came back only at a restart. The server lets go of it on its own,
// with no request after the new generation (the bound only stops a hung test).
TEST_CASE("web: a superseded generation is let go without further requests", "[http][disk]") {
  const auto corpus = SourceDir() / "corpus";
  TestServer server({(corpus / "methods").string()});
  auto c = server.Client();
  // Several Searchers in the pool: concurrent requests.
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] { server.Client().Get("/api/search?q=%E6%94%AF%E6%8F%B4"); });
  }
  for (auto& th : clients) th.join();
  REQUIRE(c.Get("/api/facets")->status == 200);
  for (const char* part : {"training", "cases"}) {
    REQUIRE(Yuimaru({"index", "--db", server.db(), (corpus / part).string()}).exit_code == 0);
  }
  std::vector<std::string> open = OldGenerationFilesOpen(server.db());
  for (int i = 0; i < 400 && !open.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    open = OldGenerationFilesOpen(server.db());
  }
  INFO((open.empty() ? std::string() : open.front()));
  CHECK(open.empty());
}

// What went wrong with one answer under load, or empty: a connection error, a 5xx or any
// status the request should not get, a malformed body, or a document that the index no longer
// had when the request was sent.
std::string CheckAnswer(const std::string& path, const httplib::Result& r, bool doc_page,
                        const std::string& gone_id, bool gone) {
  if (!r) return path + ": " + httplib::to_string(r.error());
  const bool api = path.rfind("/api/", 0) == 0;
  if (r->status != 200 &&
      !(doc_page && r->status == 404 && path.find(gone_id) != std::string::npos))
    return path + ": status " + std::to_string(r->status);
  if (api && nlohmann::json::parse(r->body, nullptr, false).is_discarded())
    return path + ": malformed JSON";
  if (!api && r->body.find("</html>") == std::string::npos) return path + ": a page cut short";
  if (gone && r->status == 200 && r->body.find(gone_id) != std::string::npos)
    return path + ": names " + gone_id + " after the run that deleted it";
  return "";
}

// The short form of scripts/load_trial.sh (docs/reliability.md): clients search and read while
// an incremental and a full run publish new generations under them. Nothing here depends on how
// fast the machine is: the clients run until both runs are over, however long they take.
TEST_CASE(
    "web: concurrent readers get no error while the index is rebuilt, and old generations "
    "are let go",
    "[http][disk]") {
  TempDir copy;
  const auto corpus = copy / "corpus";
  std::filesystem::copy(SourceDir() / "corpus", corpus, std::filesystem::copy_options::recursive);
  TestServer server({corpus.string()});
  // LOAD-0001 appears in the first run and is deleted by the second: no answer may name it once
  // the second run is over.
  const std::string gone_id = "LOAD-0001";
  std::atomic<bool> gone = false, done = false;
  std::atomic<int> ready = 0;
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::thread> clients;
  constexpr int kClients = 4;
  for (int n = 0; n < kClients; ++n) {
    clients.emplace_back([&, n] {
      auto c = server.Client();
      c.set_keep_alive(true);
      const std::vector<std::string> searches = {
          "/api/search?q=" + Enc("泡盛") + "&per=10",
          "/search?q=" + Enc("泡盛 経営者") + "&industry=" + Enc("製造業"),
          "/api/facets?region=" + Enc("中部"), "/search?q=" + Enc("事業承継"),
          "/api/search?q=" + Enc("負荷試験") + "&region=" + Enc("中部")};
      std::string doc = "VM-2023-0101";
      for (int i = n;; ++i) {
        if (i == n + 3) ++ready;
        if (done && i >= n + 3) break;
        const bool doc_page = i % 3 == 2;
        const std::string path = doc_page ? (i % 2 ? "/api/doc/" : "/doc/") + doc
                                          : searches[static_cast<size_t>(i) % searches.size()];
        const bool gone_before = gone;
        const auto r = c.Get(path.c_str());
        std::string error = CheckAnswer(path, r, doc_page, gone_id, gone_before);
        if (error.empty() && r->status == 200 && path.rfind("/api/search", 0) == 0) {
          const auto hits = nlohmann::json::parse(r->body)["hits"];
          if (!hits.empty())
            doc = hits[static_cast<size_t>(i) % hits.size()]["id"].get<std::string>();
        }
        if (!error.empty()) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(error);
        }
      }
    });
  }
  while (ready < kClients) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Run 1, incremental: two edited documents and a new one (a copy of VM-2023-0101).
  const auto visit = corpus / "visits" / "VM-2023-0101.md";
  std::string added = ReadFile(visit);
  added.replace(added.find("VM-2023-0101"), 12, gone_id);
  WriteFile(corpus / "visits" / (gone_id + ".md"), added);
  for (const char* name : {"VM-2023-0102.md", "VM-2023-0116.md"}) {
    WriteFile(corpus / "visits" / name,
              ReadFile(corpus / "visits" / name) + "\n負荷試験の追記。\n");
  }
  const CommandResult first = Yuimaru({"index", "--db", server.db(), corpus.string()});
  // Run 2, full: the new document deleted again.
  std::filesystem::remove(corpus / "visits" / (gone_id + ".md"));
  const CommandResult second = Yuimaru({"index", "--db", server.db(), "--full", corpus.string()});
  gone = second.exit_code == 0;
  done = true;
  for (auto& th : clients) th.join();  // before any REQUIRE can leave this scope
  INFO(first.err << second.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(second.exit_code == 0);
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
  auto c = server.Client();
  CHECK(c.Get(("/api/doc/" + gone_id).c_str())->status == 404);
  CHECK(Json(c.Get(("/api/search?q=" + Enc("負荷試験の追記")).c_str()))["total"] == 2);
  std::vector<std::string> open = OldGenerationFilesOpen(server.db());
  for (int i = 0; i < 400 && !open.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    open = OldGenerationFilesOpen(server.db());
  }
  INFO((open.empty() ? std::string() : open.front()));
  CHECK(open.empty());
}

}  // namespace
}  // namespace yuimaru::testing
