#include "toolkit/reports.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"
#include "toolkit/figures.h"
#include "toolkit/small_cells.h"

namespace yuimaru::toolkit {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;
using testing::Yuimaru;

// Known text of the bundled corpus: a public copy's title and body, and a sentence of a 機密
// block of its source case, which no 公表用 output may contain.
constexpr const char* kTitle = "泡盛の蔵が古酒で県外出荷を伸ばした事例";
constexpr const char* kBody = "県内出荷の減少に悩む泡盛の製造事業者。";
constexpr const char* kSecret = "県外卸B社との取引は初回掛率62%";

// pdftotext breaks lines and may space characters; compare without white space.
std::string Squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != '\f') out.push_back(c);
  }
  return out;
}

std::string ReadOffice(const std::string& kind, const std::filesystem::path& file) {
  const CommandResult r =
      RunCommand({"/usr/bin/python3", (SourceDir() / "tests/toolkit/read_office.py").string(), kind,
                  file.string()});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string PdfText(const std::filesystem::path& file) {
  const CommandResult r = RunCommand({"/usr/bin/pdftotext", "-enc", "UTF-8", file.string(), "-"});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

ExportSet PublicSetOfBundledCorpus(const TempDir& t) {
  const std::filesystem::path db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus").string()}).exit_code ==
          0);
  ExportOptions options;
  options.db = db;
  options.edition = Edition::kPublic;
  options.k = 3;
  options.generated_at = "2026-12-06T15:00:00Z";
  auto set = ReadEdition(options);
  REQUIRE(set.has_value());
  return std::move(*set);
}

TEST_CASE("WriteReports: 公表用 Word, Excel and PDF read back, without 機密 text",
          "[toolkit][disk][browser]") {
  TempDir t;
  const ExportSet set = PublicSetOfBundledCorpus(t);
  REQUIRE(!set.docs.empty());
  const auto skipped = WriteReports(set, t / "out", ExportOptions{});
  REQUIRE(skipped.has_value());
  for (const SkippedOutput& s : *skipped) FAIL(s.output << ": " << s.reason);
  const std::filesystem::path dir = t / "out" / "reports";

  {  // report.docx has a table of contents, a heading per type, titles and bodies
    const nlohmann::json docx = nlohmann::json::parse(ReadOffice("docx", dir / "report.docx"));
    CHECK(docx["toc"] == true);
    std::vector<std::string> h1, h2;
    for (const auto& h : docx["headings"]) {
      if (h[0] == "Heading 1") h1.push_back(h[1]);
      if (h[0] == "Heading 2") h2.push_back(h[1]);
    }
    for (const char* type : {"支援事例", "研修資料", "ノウハウ・手法シート"}) {
      CHECK(std::find(h1.begin(), h1.end(), type) != h1.end());
    }
    bool title_found = false;
    for (const std::string& h : h2) title_found |= h.find(kTitle) != std::string::npos;
    CHECK(title_found);
    CHECK(docx["text"].get<std::string>().find(kBody) != std::string::npos);
  }

  {  // figures.xlsx has a sheet per table after 概要, numeric cells that match the figures
    const nlohmann::json xlsx = nlohmann::json::parse(ReadOffice("xlsx", dir / "figures.xlsx"));
    CHECK(xlsx["sheets"] == nlohmann::json({"概要", "業種別", "地域別", "支援フェーズ別", "課題別",
                                            "橋渡し先別", "支援の状況別", "年度別"}));
    const Figures figures = ComputeFigures(set.docs);
    const auto& summary = xlsx["cells"]["概要"];
    CHECK(summary[0] == nlohmann::json({"項目", "値"}));
    CHECK(summary[1] == nlohmann::json({"版", "公表用"}));
    CHECK(summary[4][0] == "文書数");
    REQUIRE(summary[4][1].is_number());
    CHECK(summary[4][1].get<size_t>() == set.docs.size());
    CHECK(summary[7][0] == "まとめた値の数");
    CHECK(summary[7][1].get<size_t>() == set.coarsened.size());
    CHECK(summary[8][0] == "まとめても k 社未満の組合せに残る企業数");
    REQUIRE(summary[8][1].is_number());
    CHECK(summary[8][1].get<size_t>() == FirmsStillInSmallCells(set));
    const auto& issues = xlsx["cells"]["課題別"];
    CHECK(issues[0] == nlohmann::json({"課題", "企業数", "文書数"}));
    const FigureTable& table = figures.tables[3];
    REQUIRE(table.key == "issues");
    for (size_t i = 0; i < table.rows.size(); ++i) {
      CHECK(issues[i + 1][0] == table.rows[i].label);
      REQUIRE(issues[i + 1][1].is_number());
      REQUIRE(issues[i + 1][2].is_number());
      CHECK(issues[i + 1][1].get<size_t>() == table.rows[i].firms);
      CHECK(issues[i + 1][2].get<size_t>() == table.rows[i].documents);
    }
    const auto& total = issues[table.rows.size() + 2];
    CHECK(total[0] == "合計");
    CHECK(total[2].get<size_t>() == set.docs.size());
  }

  {  // the PDFs have a Japanese text layer
    const std::string report = Squeeze(PdfText(dir / "report.pdf"));
    CHECK(report.find(kTitle) != std::string::npos);
    CHECK(report.find(Squeeze(kBody)) != std::string::npos);
    const std::string figures = Squeeze(PdfText(dir / "figures.pdf"));
    CHECK(figures.find("課題別") != std::string::npos);
    CHECK(figures.find("販路開拓") != std::string::npos);
  }

  {  // no output holds text of a 機密 block
    CHECK(ReadOffice("raw", dir / "report.docx").find(kSecret) == std::string::npos);
    CHECK(ReadOffice("raw", dir / "figures.xlsx").find(kSecret) == std::string::npos);
    CHECK(Squeeze(PdfText(dir / "report.pdf")).find(Squeeze(kSecret)) == std::string::npos);
    CHECK(Squeeze(PdfText(dir / "figures.pdf")).find(Squeeze(kSecret)) == std::string::npos);
    // The check can fail: the sentence is in the corpus source.
    CHECK(testing::ReadFile(SourceDir() / "corpus/cases/CS-2024-001.md").find(kSecret) !=
          std::string::npos);
  }
}

TEST_CASE("WriteReports: a missing tool skips its outputs with a reason and leaves no file",
          "[toolkit][disk]") {
  TempDir t;
  const ExportSet set = PublicSetOfBundledCorpus(t);
  ExportOptions options;
  options.pandoc = "/nonexistent/pandoc";
  options.chromium = "/nonexistent/chromium";
  const auto skipped = WriteReports(set, t / "out", options);
  REQUIRE(skipped.has_value());
  REQUIRE(skipped->size() == 3);
  CHECK((*skipped)[0].output == "reports/report.docx");
  CHECK((*skipped)[0].reason.find("pandoc") != std::string::npos);
  CHECK((*skipped)[0].reason.find("/nonexistent/pandoc") != std::string::npos);
  CHECK((*skipped)[1].output == "reports/report.pdf");
  CHECK((*skipped)[2].output == "reports/figures.pdf");
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(t / "out" / "reports")) {
    files.push_back(e.path().filename().string());
  }
  CHECK(files == std::vector<std::string>{"figures.xlsx"});
}

TEST_CASE("WriteReports: a failing tool's error line is in the reason", "[toolkit][disk]") {
  TempDir t;
  const ExportSet set = PublicSetOfBundledCorpus(t);
  ExportOptions options;
  options.pandoc = "/bin/false";
  options.chromium = "/nonexistent/chromium";
  const auto skipped = WriteReports(set, t / "out", options);
  REQUIRE(skipped.has_value());
  REQUIRE(!skipped->empty());
  CHECK((*skipped)[0].output == "reports/report.docx");
  CHECK((*skipped)[0].reason.find("終了コード 1") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(t / "out" / "reports" / "report.docx"));
}

TEST_CASE("WriteReports: 当局用 holds 内部 text but no 機密 text, and counts a firm once",
          "[toolkit][disk]") {
  TempDir t;
  const std::filesystem::path db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus").string()}).exit_code ==
          0);
  ExportOptions options;
  options.db = db;
  options.edition = Edition::kAuthority;
  options.chromium = "/nonexistent/chromium";  // the PDFs are the public test's
  auto set = ReadEdition(options);
  REQUIRE(set.has_value());
  CHECK(set->coarsened.empty());
  const auto skipped = WriteReports(*set, t / "out", options);
  REQUIRE(skipped.has_value());
  CHECK(skipped->size() == 2);
  const std::filesystem::path docx = t / "out" / "reports" / "report.docx";
  const std::string text = nlohmann::json::parse(ReadOffice("docx", docx))["text"];
  CHECK(text.find("県内出荷の減少に悩む家族経営の泡盛の蔵") != std::string::npos);  // 内部
  CHECK(ReadOffice("raw", docx).find(kSecret) == std::string::npos);
  // CS-2024-001 and its public copy are one firm (C-0101), not two.
  const Figures figures = ComputeFigures(set->docs);
  std::set<std::string> companies;
  for (const ExportDoc& doc : set->docs) {
    companies.insert(doc.record.company_ids.begin(), doc.record.company_ids.end());
  }
  CHECK(figures.firms == companies.size());
}

TEST_CASE("WriteReports: raw HTML, images and outside links of a body reach no output",
          "[toolkit][disk]") {
  TempDir t;
  ExportSet set;
  ExportDoc doc;
  doc.record.id = "MS-0099";
  doc.record.title = "外部参照を含む手法シート";
  doc.record.doc_type = "ノウハウ・手法シート";
  doc.record.confidentiality = "公開";
  doc.record.markdown =
      "# 見出し\n\n本文の一文。\n\n<img src=\"http://img.example.com/a.png\">\n\n"
      "![図の説明](https://img.example.com/b.png)\n\n[参照先](https://link.example.com/page) "
      "を見る。"
      "\n\n<script>fetch('https://js.example.com/')</script>\n";
  set.docs.push_back(doc);
  ExportOptions options;
  options.chromium = "/nonexistent/chromium";
  const auto skipped = WriteReports(set, t / "out", options);
  REQUIRE(skipped.has_value());
  const std::filesystem::path docx = t / "out" / "reports" / "report.docx";
  const std::string raw = ReadOffice("raw", docx);
  CHECK(raw.find("example.com") == std::string::npos);
  const std::string text = nlohmann::json::parse(ReadOffice("docx", docx))["text"];
  CHECK(text.find("本文の一文。") != std::string::npos);
  CHECK(text.find("参照先 を見る。") != std::string::npos);  // the link's text stays
  CHECK(text.find("図の説明") != std::string::npos);         // an image becomes its alt text
}

}  // namespace
}  // namespace yuimaru::toolkit
