#include "toolkit/site.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "core/analyzer.h"
#include "core/normalizer.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"
#include "toolkit/export_set.h"

namespace yuimaru::toolkit {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::SourceDir;
using testing::TempDir;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("WriteSite: the bundled corpus's 公開 view as an offline site", "[toolkit][site][disk]") {
  TempDir tmp;
  const auto indexed =
      testing::Yuimaru({"index", "--db", (tmp / "db").string(), (SourceDir() / "corpus").string()});
  REQUIRE(indexed.exit_code == 0);
  ExportOptions options;
  options.db = tmp / "db";
  options.edition = Edition::kPublic;
  options.generated_at = "2026-12-06T00:00:00Z";
  auto set = ReadEdition(options);
  REQUIRE(set.has_value());
  REQUIRE(set->docs.size() > 10);
  const fs::path out = tmp / "out";
  REQUIRE(WriteSite(*set, out).ok());

  REQUIRE(fs::exists(out / "index.html"));
  for (const char* f : {"site/style.css", "site/site.js", "site/search.js", "site/search.html",
                        "site/browse.html", "site/glossary.html", "site/search/docs.js"}) {
    CHECK(fs::exists(out / f));
  }
  // Every document has a page.
  for (const ExportDoc& doc : set->docs) {
    const fs::path page = out / "site" / "doc" / (doc.record.id + ".html");
    INFO(doc.record.id);
    REQUIRE(fs::exists(page));
    CHECK(Contains(ReadFile(page), doc.record.id));
  }
  // Browse pages per facet.
  const std::string browse = ReadFile(out / "site" / "browse.html");
  for (const char* label : {"業種", "地域", "課題", "支援フェーズ", "文書種別"}) {
    INFO(label);
    CHECK(Contains(browse, std::string(">") + label + "</h2>"));
  }
  for (const char* key : {"industry", "region", "issues", "phase", "doc_type"}) {
    INFO(key);
    CHECK(fs::exists(out / "site" / "browse" / (std::string(key) + "-0.html")));
  }

  // Every page: the CSP meta tag, no URL leaving the folder, no inline script, style or handler.
  const std::regex url_attr(R"re(\b(?:src|href|action|srcset|poster|data)\s*=\s*"([^"]*)")re",
                            std::regex::icase);
  const std::regex inline_script(R"re(<script(?![^>]*\bsrc=)[^>]*>)re", std::regex::icase);
  const std::regex handler(R"re(<[^>]*\son[a-z]+\s*=)re", std::regex::icase);
  size_t pages = 0, scripts = 0;
  std::string all_scripts;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    const std::string text = ReadFile(entry.path());
    const std::string ext = entry.path().extension().string();
    INFO(entry.path().string());
    if (ext == ".js") {
      ++scripts;
      all_scripts += text;
      CHECK_FALSE(Contains(text, "fetch("));
      CHECK_FALSE(Contains(text, "import("));
      CHECK_FALSE(Contains(text, "eval("));
      // The code refers to nothing outside; the index files hold document text, where an
      // address may stand as plain words (it is never a link).
      if (entry.path().parent_path().filename() != "search") {
        CHECK_FALSE(Contains(text, "http://"));
        CHECK_FALSE(Contains(text, "https://"));
      }
      continue;
    }
    if (ext != ".html") continue;
    ++pages;
    CHECK(Contains(text,
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; "
                   "form-action 'none'\">"));
    CHECK_FALSE(std::regex_search(text, inline_script));
    CHECK_FALSE(std::regex_search(text, handler));
    CHECK_FALSE(Contains(text, "<style"));
    CHECK_FALSE(Contains(text, " style="));
    for (auto it = std::sregex_iterator(text.begin(), text.end(), url_attr);
         it != std::sregex_iterator(); ++it) {
      const std::string url = (*it)[1];
      INFO(url);
      CHECK_FALSE(url.rfind("//", 0) == 0);
      CHECK(url.find(':') == std::string::npos);  // no scheme at all: http:, https:, file:, data:
    }
  }
  CHECK(pages > set->docs.size());
  CHECK(scripts >= 4);

  // The index holds the edition's text only: a sentence of a 機密 block and one of a 内部
  // document's body are in no file of the 公表用 site.
  for (const char* secret :
       {"入院中に講師が回してくれて、初めて人に任せられた",  // CS-2025-044, 機密 block
        "経営者は2024年10月末に入院し"}) {                   // CS-2025-044, same block
    const std::string norm = core::NormalizeToUtf8(secret);
    INFO(secret);
    CHECK_FALSE(Contains(all_scripts, norm));
    CHECK_FALSE(Contains(all_scripts, secret));
  }
  // At the term level: 入院 is a word only of that 機密 block, 登校 (不登校) a pair only of the
  // 内部 case CS-2025-044; neither is a term of the 公表用 index.
  auto has_term = [](const std::string& scripts, const std::string& term) {
    return Contains(scripts, "\n\"" + term + "\":") || Contains(scripts, "{\"" + term + "\":");
  };
  CHECK_FALSE(has_term(all_scripts, "入院"));
  CHECK_FALSE(has_term(all_scripts, core::BigramTerm(U'入', U'院')));
  CHECK_FALSE(has_term(all_scripts, core::BigramTerm(U'登', U'校')));
  CHECK(has_term(all_scripts, core::BigramTerm(U'資', U'金')));  // the check can find a term
  for (const ExportDoc& doc : set->docs) CHECK(doc.record.id != "CS-2025-044");  // a 内部 case
  CHECK_FALSE(Contains(all_scripts, "\"CS-2025-044\""));
  CHECK_FALSE(fs::exists(out / "site" / "doc" / "CS-2025-044.html"));

  // 当局用 reads up to 内部: the 内部 case is there, its 機密 block is not.
  options.edition = Edition::kAuthority;
  auto authority = ReadEdition(options);
  REQUIRE(authority.has_value());
  const fs::path out2 = tmp / "out-authority";
  REQUIRE(WriteSite(*authority, out2).ok());
  CHECK(fs::exists(out2 / "site" / "doc" / "CS-2025-044.html"));
  std::string authority_scripts;
  for (const auto& entry : fs::directory_iterator(out2 / "site" / "search")) {
    authority_scripts += ReadFile(entry.path());
  }
  CHECK(has_term(authority_scripts, core::BigramTerm(U'登', U'校')));
  CHECK_FALSE(has_term(authority_scripts, "入院"));
  CHECK_FALSE(has_term(authority_scripts, core::BigramTerm(U'入', U'院')));
  CHECK_FALSE(Contains(authority_scripts, core::NormalizeToUtf8("経営者は2024年10月末に入院し")));
}

TEST_CASE("WriteSite: links of a document body become text, ids become portable file names",
          "[toolkit][site][disk]") {
  TempDir tmp;
  ExportSet set;
  ExportDoc doc;
  doc.record.id = "X-1/2";
  doc.record.title = "リンクのある文書";
  doc.record.doc_type = "支援事例";
  doc.record.markdown =
      "本文は[外部の資料](https://example.com/a)と<https://example.org/b>と"
      "[危険](javascript:alert(1))を参照する。\n";
  set.docs.push_back(doc);
  REQUIRE(WriteSite(set, tmp.path()).ok());
  const fs::path page = tmp / "site" / "doc" / "X-1_2F2.html";
  REQUIRE(fs::exists(page));
  const std::string html = ReadFile(page);
  CHECK(Contains(html, "外部の資料"));
  CHECK_FALSE(Contains(html, "<a rel"));
  CHECK_FALSE(Contains(html, "href=\"https:"));
  CHECK_FALSE(Contains(html, "href=\"javascript:"));
  CHECK(Contains(html, "<span class=\"link-text\">外部の資料</span>"));
  CHECK(Contains(ReadFile(tmp / "site" / "search" / "docs.js"), "\"doc/X-1_2F2.html\""));
}

}  // namespace
}  // namespace yuimaru::toolkit
