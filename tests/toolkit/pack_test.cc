#include "toolkit/pack.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"
#include "tests/toolkit/export_fixture.h"

namespace yuimaru::toolkit {
namespace {

using core::Clearance;
using testing::CommandResult;
using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;
using testing::Yuimaru;

search::SearchView ViewOf(Clearance c) {
  static auto* searcher = new search::Searcher(search::Searcher::Open(BundledDb()).value());
  auto view = searcher->View(c);
  REQUIRE(view);
  return *view;
}

Result<Pack> Build(const std::string& list_text, Clearance builder, Clearance audience) {
  auto list = ParsePackList(list_text, "list");
  REQUIRE(list);
  return BuildPack(*list, ViewOf(builder), ViewOf(PackClearance(builder, audience)));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first `n` code points of `text` (a piece of a sentence that survives HTML escaping).
std::string Prefix(const std::string& text, size_t n) {
  size_t i = 0;
  for (; i < text.size() && n > 0; --n) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return text.substr(0, i);
}

// Sentences of every private block of the bundled corpus: the lines between the markers, list
// marks dropped, the first twelve characters of each.
std::vector<std::string> PrivateSentences() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SourceDir() / "corpus")) {
    if (entry.path().extension() != ".md") continue;
    std::istringstream in(ReadFile(entry.path()));
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
      if (line.find("private:begin") != std::string::npos) {
        inside = true;
      } else if (line.find("private:end") != std::string::npos) {
        inside = false;
      } else if (inside && line.size() > 40) {
        if (line.starts_with("- ")) line = line.substr(2);
        out.push_back(Prefix(line, 12));
      }
    }
  }
  return out;
}

constexpr const char* kSecretCases =
    "CS-2025-022\nCS-2025-044\nCS-2025-061\nCS-2024-041\n"
    "CS-2025-002\nCS-2025-022#成果\nCS-2024-001-P\n";

TEST_CASE("Pack: the list file reads ids, sections, a title and note lines", "[pack]") {
  auto list = ParsePackList(
      "# 勉強会用\ntitle: 橋渡し勉強会\nnote: 一行目\nnote: 二行目\n\nTR-2023-01\r\n"
      "CS-2024-001-P#橋渡し\n  MS-0001  \nCS-2025-022#  ## 成果 \n",
      "list.txt");
  REQUIRE(list);
  CHECK(list->title == "橋渡し勉強会");
  CHECK(list->note == "一行目\n二行目");
  CHECK(list->items == std::vector<PackItem>{{"TR-2023-01", ""},
                                             {"CS-2024-001-P", "橋渡し"},
                                             {"MS-0001", ""},
                                             {"CS-2025-022", "成果"}});
  auto again = ParsePackList(FormatPackList(*list), "again");
  REQUIRE(again);
  CHECK(again->title == list->title);
  CHECK(again->note == list->note);
  CHECK(again->items == list->items);
}

TEST_CASE("Pack: a line that is not an item is an error at its line", "[pack]") {
  const std::string line = GENERATE("TR 2023 01", "TR-2023-01#", "<script>", "題名: x");
  auto list = ParsePackList("TR-2023-01\n" + line + "\n", "list.txt");
  REQUIRE_FALSE(list);
  CHECK(list.error().rule == "pack.list.syntax");
  CHECK(list.error().line == 2);
}

TEST_CASE("Pack: three documents and a section render with their headings and ids",
          "[pack][disk]") {
  auto pack = Build(
      "title: 研修パック試験\nnote: 表紙の一言\nTR-2023-01\nMS-0001\nCS-2024-001-P\n"
      "CS-2025-022#成果\n",
      Clearance::kConfidential, Clearance::kInternal);
  REQUIRE(pack);
  REQUIRE(pack->docs.size() == 4);
  CHECK(pack->clearance == Clearance::kInternal);
  CHECK(pack->omitted.empty());
  const std::string html = RenderPackHtml(*pack, "2026-12-06T00:00:00Z");
  for (const PackDoc& doc : pack->docs) {
    CHECK(html.find("<h1 class=\"doc-title\">" + doc.title + "</h1>") != std::string::npos);
    CHECK(html.find("出典: " + doc.id) != std::string::npos);
  }
  CHECK(html.find("<h1>研修パック試験</h1>") != std::string::npos);
  CHECK(html.find("表紙の一言") != std::string::npos);
  CHECK(html.find("@page { size: A4") != std::string::npos);
  CHECK(html.find("href=\"#doc-4\"") != std::string::npos);
  // The section is its heading and what follows it up to the next heading of its rank.
  const PackDoc& section = pack->docs[3];
  CHECK(section.section == "成果");
  CHECK(section.markdown.starts_with("## 成果\n"));
  CHECK(section.markdown.find("## 経営者の変化") == std::string::npos);
  CHECK(section.markdown.find("タイムラインを3回発動した") != std::string::npos);
  // Its 機密 block is not in the 内部 view's text, and the pack says something was left out.
  CHECK(section.markdown.find("当座貸越枠500万円") == std::string::npos);
  CHECK_FALSE(section.notice.empty());
  const std::string md = RenderPackMarkdown(*pack, "2026-12-06T00:00:00Z");
  CHECK(md.starts_with("# 研修パック試験\n"));
  CHECK(md.find("出典: CS-2025-022（内部の版） 節: 成果") != std::string::npos);
}

TEST_CASE("Pack: a 機密 pack frames a section that cuts a private block", "[pack][disk]") {
  auto pack = Build("CS-2025-022#成果\n", Clearance::kConfidential, Clearance::kConfidential);
  REQUIRE(pack);
  const std::string& md = pack->docs.at(0).markdown;
  CHECK(md.find("当座貸越枠500万円") != std::string::npos);
  CHECK(md.find("<!-- private:end -->") != std::string::npos);
  CHECK(RenderPackHtml(*pack, "t").find("当座貸越枠500万円") != std::string::npos);
}

TEST_CASE("Pack: a 公開 pack built by a 機密 user has no private text", "[pack][disk]") {
  const std::vector<std::string> secrets = PrivateSentences();
  REQUIRE(secrets.size() >= 5);
  // The check can fail: the same list at 機密 holds every sentence of the blocks it names.
  auto full = Build(kSecretCases, Clearance::kConfidential, Clearance::kConfidential);
  REQUIRE(full);
  const std::string full_md = RenderPackMarkdown(*full, "t");
  size_t present = 0;
  for (const std::string& s : secrets) present += full_md.find(s) != std::string::npos;
  CHECK(present >= 5);

  for (Clearance audience : {Clearance::kPublic, Clearance::kInternal}) {
    auto pack = Build(kSecretCases, Clearance::kConfidential, audience);
    REQUIRE(pack);
    const std::string html = RenderPackHtml(*pack, "t");
    const std::string md = RenderPackMarkdown(*pack, "t");
    for (const std::string& s : secrets) {
      INFO(s);
      CHECK(html.find(s) == std::string::npos);
      CHECK(md.find(s) == std::string::npos);
    }
    if (audience == Clearance::kPublic) {
      // The 内部 cases are left out whole; the cover says how many, and names none of them:
      // neither an id nor a heading the audience may not read reaches its handout.
      CHECK(pack->docs.size() == 1);
      CHECK(pack->omitted.size() == 6);
      for (const std::string& out : {html, md}) {
        CHECK(out.find("配布先の区分（公開）を超える資料 6 件を省きました") != std::string::npos);
        for (const char* hidden :
             {"CS-2025-022", "CS-2025-044", "CS-2025-061", "CS-2024-041", "CS-2025-002"}) {
          INFO(hidden);
          CHECK(out.find(hidden) == std::string::npos);
        }
      }
    }
  }
}

TEST_CASE("Pack: a document above the builder's clearance is answered like an unknown id",
          "[pack][disk]") {
  auto above = Build("CS-2025-022\n", Clearance::kPublic, Clearance::kPublic);
  auto unknown = Build("CS-2099-999\n", Clearance::kPublic, Clearance::kPublic);
  REQUIRE_FALSE(above);
  REQUIRE_FALSE(unknown);
  CHECK(above.error().rule == "pack.unknown-id");
  CHECK(unknown.error().rule == "pack.unknown-id");
  CHECK(above.error().code == unknown.error().code);
  CHECK(above.error().message == "文書「CS-2025-022」はありません");
  CHECK(unknown.error().message == "文書「CS-2099-999」はありません");
  // A section only a higher clearance can read is likewise unknown to the builder.
  auto section = Build("CS-2024-001-P#存在しない見出し\n", Clearance::kPublic, Clearance::kPublic);
  REQUIRE_FALSE(section);
  CHECK(section.error().rule == "pack.unknown-section");
}

TEST_CASE("Pack: a pack empty after the cut says so", "[pack][disk]") {
  auto pack = Build("CS-2025-022\n", Clearance::kConfidential, Clearance::kPublic);
  REQUIRE_FALSE(pack);
  CHECK(pack.error().rule == "pack.empty");
}

TEST_CASE("Pack: Word and PDF carry the Japanese text", "[pack][disk]") {
  auto pack = Build("title: 研修パック試験\nTR-2023-01\nMS-0001\nCS-2024-001-P\nCS-2025-022#成果\n",
                    Clearance::kConfidential, Clearance::kInternal);
  REQUIRE(pack);
  TempDir t;
  auto out = WritePack(*pack, "2026-12-06T00:00:00Z", t / "pack", "", "");
  REQUIRE(out);
  INFO((out->skipped.empty() ? "" : out->skipped[0].second));
  CHECK(out->skipped.empty());
  CHECK(out->written == std::vector<std::string>{"pack.html", "pack.md", "pack.docx", "pack.pdf"});
  CHECK_FALSE(std::filesystem::exists(t / "pack" / ".pack-work"));
  const CommandResult pdf =
      RunCommand({"/usr/bin/pdftotext", "-enc", "UTF-8", (t / "pack" / "pack.pdf").string(), "-"});
  REQUIRE(pdf.exit_code == 0);
  std::string squeezed;
  for (char c : pdf.out) {
    if (c != ' ' && c != '\n' && c != '\f') squeezed.push_back(c);
  }
  CHECK(squeezed.find("タイムラインを3回発動した") != std::string::npos);
  CHECK(squeezed.find("出典:CS-2025-022") != std::string::npos);
  // The source id heads every page after the cover and the table of contents.
  const CommandResult info = RunCommand({"/usr/bin/pdfinfo", (t / "pack" / "pack.pdf").string()});
  REQUIRE(info.exit_code == 0);
  const size_t pages_at = info.out.find("Pages:");
  REQUIRE(pages_at != std::string::npos);
  const int pages = std::stoi(info.out.substr(pages_at + 6));
  CHECK(pages > 4);
  for (int page = 3; page <= pages; ++page) {
    const CommandResult one =
        RunCommand({"/usr/bin/pdftotext", "-f", std::to_string(page), "-l", std::to_string(page),
                    "-enc", "UTF-8", (t / "pack" / "pack.pdf").string(), "-"});
    INFO("page " << page);
    CHECK(one.out.find("出典: ") != std::string::npos);
  }
  const CommandResult docx =
      RunCommand({"/usr/bin/python3", (SourceDir() / "tests/toolkit/read_office.py").string(),
                  "docx", (t / "pack" / "pack.docx").string()});
  REQUIRE(docx.exit_code == 0);
  const auto json = nlohmann::json::parse(docx.out);
  CHECK(json["text"].get<std::string>().find("タイムラインを3回発動した") != std::string::npos);
  CHECK(json["text"].get<std::string>().find("当座貸越枠500万円") == std::string::npos);
}

TEST_CASE("Pack: a missing tool skips its output and names it", "[pack][disk]") {
  auto pack = Build("MS-0001\n", Clearance::kPublic, Clearance::kPublic);
  REQUIRE(pack);
  TempDir t;
  auto out = WritePack(*pack, "t", t / "pack", "/nonexistent/pandoc", "/nonexistent/chromium");
  REQUIRE(out);
  CHECK(out->written == std::vector<std::string>{"pack.html", "pack.md"});
  REQUIRE(out->skipped.size() == 2);
  CHECK(out->skipped[0].first == "pack.docx");
  CHECK(out->skipped[0].second.find("pandoc が見つからない") != std::string::npos);
  CHECK(out->skipped[1].first == "pack.pdf");
}

TEST_CASE("Pack: the CLI exits 2 with one Japanese line on an unknown id", "[pack][disk]") {
  TempDir t;
  { std::ofstream(t / "list.txt") << "MS-0001\nXX-0000-00\n"; }
  const CommandResult r =
      Yuimaru({"pack", "--db", BundledDb().string(), "--from", (t / "list.txt").string(), "--out",
               (t / "out").string(), "--audit", (t / "audit.jsonl").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "yuimaru pack: 文書「XX-0000-00」はありません\n");
  CHECK_FALSE(std::filesystem::exists(t / "out"));
}

TEST_CASE("Pack: the CLI writes the pack and an audit line", "[pack][disk]") {
  TempDir t;
  { std::ofstream(t / "list.txt") << "title: 勉強会\nMS-0001\nCS-2025-022\n"; }
  const CommandResult r =
      Yuimaru({"pack", "--db", BundledDb().string(), "--from", (t / "list.txt").string(), "--out",
               (t / "out").string(), "--audience", "公開", "--audit", (t / "audit.jsonl").string(),
               "--pandoc", "/nonexistent/pandoc", "--chromium", "/nonexistent/chromium"});
  INFO(r.err);
  CHECK(r.exit_code == 3);  // written, with Word and PDF skipped
  CHECK(r.out.find("出力せず: pack.docx") != std::string::npos);
  CHECK(r.out.find("省略: CS-2025-022") != std::string::npos);
  CHECK(std::filesystem::exists(t / "out" / "pack.html"));
  const std::string audit = ReadFile(t / "audit.jsonl");
  CHECK(audit.find("\"action\":\"pack\"") != std::string::npos);
  CHECK(audit.find("\"ids\":\"MS-0001\"") != std::string::npos);
}

// The trail must never miss a pack: its line is written before any file, and a trail that
// passes the first check but cannot take the line (here its folder is a file) leaves no file.
TEST_CASE("Pack: the CLI writes no file when the audit line cannot be written", "[pack][disk]") {
  TempDir t;
  { std::ofstream(t / "list.txt") << "MS-0001\n"; }
  { std::ofstream(t / "not-a-dir") << "x"; }
  // Writable and searchable to access(2), as an existing folder would be, even for root.
  std::filesystem::permissions(t / "not-a-dir", std::filesystem::perms::owner_all |
                                                    std::filesystem::perms::group_read |
                                                    std::filesystem::perms::others_read);
  const CommandResult r =
      Yuimaru({"pack", "--db", BundledDb().string(), "--from", (t / "list.txt").string(), "--out",
               (t / "out").string(), "--audit", (t / "not-a-dir" / "audit.jsonl").string(),
               "--pandoc", "/nonexistent/pandoc", "--chromium", "/nonexistent/chromium"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("監査ログに書けないため、パックを作りませんでした") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(t / "out"));
}

}  // namespace
}  // namespace yuimaru::toolkit
