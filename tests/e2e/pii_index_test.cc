// The PII guard at ingest, end to end: `yuimaru index` and `yuimaru lint` with the real binary.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/pii.h"
#include "indexer/document_parser.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

std::string Doc(const std::string& id, const std::string& title, const std::string& body) {
  return "---\ndoc_id: " + id + "\ndoc_type: 訪問メモ\ntitle: \"" + title +
         "\"\ndate: 2024-06-01\nconfidentiality: 内部\nindustry: 製造業\n---\n\n" + body + "\n";
}

std::set<std::string> SearchIds(const std::filesystem::path& db, const std::string& query) {
  const CommandResult r = Yuimaru({"search", "--db", db.string(), "--json", query});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json response = r.Json();
  std::set<std::string> ids;
  for (const auto& h : response["hits"]) ids.insert(h["id"].get<std::string>());
  return ids;
}

TEST_CASE("index: a file with personal data is rejected at path:line:col, the rest indexes",
          "[disk][index][pii]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "good.md",
            Doc("VM-2024-001", "泡盛の商談準備", "県外の商談会に向けて試飲を準備した。"));
  // Line 9 of the file (front matter is 8 lines, then a blank line), column 8.
  WriteFile(c / "phone.md",
            Doc("VM-2024-002", "菓子の値上げ",
                "原価を確認した。\n代表の携帯は ０９０－１２３４－５６７８ です。"));
  WriteFile(c / "mail.md", Doc("VM-2024-003", "ホテルの採用", "応募は saiyo@example.co.jp へ。"));
  WriteFile(c / "url.md", Doc("VM-2024-005", "蔵元のサイト改修",
                              "現行サイト https://www.awamori-kura.co.jp/shop の導線を確認した。"));
  WriteFile(c / "allowed.md", Doc("VM-2024-004", "よろず支援拠点の紹介",
                                  "相談窓口 098-000-0000 <!-- pii-allow: 公的機関の公開番号 -->"));
  const auto db = t / "db";
  const CommandResult r = Yuimaru({"index", "--db", db.string(), "--json", c.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 3);
  const nlohmann::json report = r.Json();
  CHECK(report["rejected"] == 2);
  CHECK(report["added"] == 3);
  // A URL may identify a firm, or be a public agency's page: a warning, and the file indexes.
  REQUIRE(report["warnings"].size() == 1);
  CHECK(report["warnings"][0]["rule"] == "pii/url");
  CHECK(r.err.find("警告: ") != std::string::npos);
  std::map<std::string, nlohmann::json> by_file;
  for (const auto& e : report["errors"]) {
    by_file[std::filesystem::path(e["source"].get<std::string>()).filename().string()] = e;
  }
  REQUIRE(by_file.count("phone.md"));
  CHECK(by_file["phone.md"]["rule"] == "pii/phone");
  CHECK(by_file["phone.md"]["line"] == 11);
  CHECK(by_file["phone.md"]["column"] == 8);
  // The message shows a masked form only: the full number never reaches a log.
  CHECK(by_file["phone.md"]["message"].get<std::string>().find("１２３４") == std::string::npos);
  CHECK(r.err.find("phone.md:11:8: pii/phone:") != std::string::npos);
  REQUIRE(by_file.count("mail.md"));
  CHECK(by_file["mail.md"]["rule"] == "pii/email");
  CHECK(r.err.find("saiyo@") == std::string::npos);

  CHECK(SearchIds(db, "商談会") == std::set<std::string>{"VM-2024-001"});
  CHECK(SearchIds(db, "原価").empty());
  CHECK(SearchIds(db, "相談窓口") == std::set<std::string>{"VM-2024-004"});
  CHECK(SearchIds(db, "導線") == std::set<std::string>{"VM-2024-005"});
}

TEST_CASE("index --deny-list: a listed real name rejects the file and withdraws its old version",
          "[disk][index][pii]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "a.md", Doc("VM-2024-011", "泡盛の商談準備", "山城酒造の古酒を県外の商談会へ。"));
  WriteFile(c / "b.md", Doc("VM-2024-012", "菓子の値上げ", "原価計算から始めた。"));
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), c.string()}).exit_code == 0);
  REQUIRE(SearchIds(db, "古酒") == std::set<std::string>{"VM-2024-011"});

  WriteFile(t / "deny.txt", "# 事務局の対応表から\n山城 酒造\n");
  const CommandResult r = Yuimaru({"index", "--db", db.string(), "--json", "--deny-list",
                                   (t / "deny.txt").string(), c.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 3);
  CHECK(r.err.find("a.md:10:1: pii/deny-list:") != std::string::npos);
  CHECK(r.err.find("山城") == std::string::npos);
  CHECK(r.err.find("pii.withdrawn") != std::string::npos);
  CHECK(SearchIds(db, "古酒").empty());
  CHECK(SearchIds(db, "原価") == std::set<std::string>{"VM-2024-012"});

  const CommandResult lint =
      Yuimaru({"lint", "--deny-list", (t / "deny.txt").string(), c.string()});
  CHECK(lint.exit_code == 3);
  CHECK(lint.err.find("a.md:10:1: pii/deny-list:") != std::string::npos);
  CHECK(Yuimaru(
            {"index", "--db", db.string(), "--deny-list", (t / "missing.txt").string(), c.string()})
            .exit_code == 1);
}

TEST_CASE("the bundled corpus has no PII findings (false positives: 0)", "[pii][corpus]") {
  int files = 0;
  int findings = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SourceDir() / "corpus")) {
    if (entry.path().extension() != ".md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    ++files;
    // The whole guard, as the indexer runs it: typed lines, rendered blocks, front matter values
    // and the file name.
    const indexer::ParseOutcome parsed =
        indexer::ParseDocument(entry.path().string(), text.str(), indexer::LintMode::kLenient);
    for (const std::vector<Error>* list : {&parsed.errors, &parsed.warnings}) {
      for (const Error& e : *list) {
        if (e.rule.rfind("pii/", 0) != 0) continue;
        ++findings;
        UNSCOPED_INFO(e.ToString());
      }
    }
  }
  CHECK(files >= 150);
  CHECK(findings == 0);
  WARN("PII false positives on the corpus: " << findings << " in " << files << " files");
}

// What a reader sees is checked, not only what was typed: markup inside a number, a YAML escape
// in a front matter value, and the file's own name (the API returns it).
TEST_CASE("index: PII in markup, in decoded front matter and in the file name is rejected",
          "[disk][index][pii]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "good.md", Doc("VM-2024-101", "泡盛の商談準備", "試飲を準備した。"));
  WriteFile(c / "markup.md", Doc("VM-2024-102", "設備投資", "番号は 1234**5678**9018 です。"));
  WriteFile(c / "escape.md",
            "---\ndoc_id: VM-2024-103\ntitle: \"番号 \\x31234 5678 9018\"\n---\n\n本文。\n");
  WriteFile(c / "携帯090-1234-5678.md", Doc("VM-2024-104", "名前に番号", "本文。"));
  const CommandResult r = Yuimaru({"index", "--db", (t / "db").string(), "--json", c.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 3);
  const nlohmann::json report = r.Json();
  CHECK(report["added"] == 1);
  CHECK(report["rejected"] == 3);
  std::map<std::string, nlohmann::json> by_file;
  for (const auto& e : report["errors"]) {
    by_file[std::filesystem::path(e["source"].get<std::string>()).filename().string()] = e;
  }
  REQUIRE(by_file.count("markup.md"));
  CHECK(by_file["markup.md"]["rule"] == "pii/my-number");
  CHECK(by_file["markup.md"]["line"] == 10);
  REQUIRE(by_file.count("escape.md"));
  CHECK(by_file["escape.md"]["rule"] == "pii/my-number");
  CHECK(by_file["escape.md"]["line"] == 3);
  REQUIRE(by_file.count("携帯090-1234-5678.md"));
  CHECK(by_file["携帯090-1234-5678.md"]["rule"] == "pii/phone");
  // Messages carry masked forms only (the operator's own file name is still named as the source).
  for (const auto& e : report["errors"]) {
    CHECK(e["message"].get<std::string>().find("5678") == std::string::npos);
  }
}

}  // namespace
}  // namespace yuimaru::testing
