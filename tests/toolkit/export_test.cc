#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/normalizer.h"
#include "core/schema.h"
#include "indexer/document_parser.h"
#include "search/search.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"
#include "tests/toolkit/export_fixture.h"
#include "toolkit/export_set.h"
#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::ReadFile;
using testing::SourceDir;
using testing::TempDir;
using testing::Yuimaru;

// The documents of the clearance view itself, read straight from search/ (not through the
// export's own ReadEdition), as a set for HiddenLines.
ExportSet ViewSet(const fs::path& db, core::Clearance level) {
  auto searcher = search::Searcher::Open(db);
  REQUIRE(searcher);
  auto view = searcher->View(level);
  REQUIRE(view);
  search::SearchRequest all;
  all.limit = 1000;
  auto response = view->Run(all);
  REQUIRE(response);
  ExportSet set;
  for (const auto& hit : response->hits) {
    auto record = view->Record(hit.id);
    REQUIRE(record);
    set.docs.push_back({std::move(*record), {}});
  }
  REQUIRE(set.docs.size() == response->total);
  return set;
}

ExportSet Read(const fs::path& db, Edition edition) {
  ExportOptions o;
  o.db = db;
  o.edition = edition;
  auto set = ReadEdition(o);
  REQUIRE(set);
  return std::move(*set);
}

std::map<std::string, core::DocRecord> ById(const ExportSet& set) {
  std::map<std::string, core::DocRecord> out;
  for (const auto& d : set.docs) out[d.record.id] = d.record;
  return out;
}

std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  return out;
}

// No "<parent>/.<name>.export-*" staging folder is left beside `out`.
bool NoStagingLeft(const fs::path& out) {
  for (const auto& e : fs::directory_iterator(out.parent_path())) {
    if (e.path().filename().string().starts_with("." + out.filename().string() + ".export-")) {
      return false;
    }
  }
  return true;
}

CommandResult ExportCli(const fs::path& out, const std::string& edition, const KeyPair& keys,
                        std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "export",     "--db",       BundledDb().string(), "--edition",   edition,           "--out",
      out.string(), "--sign-key", keys.key.string(),    "--sign-cert", keys.cert.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return Yuimaru(args);
}

TEST_CASE("Export: the exported corpus re-indexes to exactly the edition's view",
          "[toolkit][disk]") {
  auto [edition, label] = GENERATE(
      table<Edition, std::string>({{Edition::kPublic, "公表用"}, {Edition::kAuthority, "当局用"}}));
  INFO(label);
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  const auto r = ExportCli(out, label, keys, {"--audit", (tmp / "audit.jsonl").string()});
  INFO(r.out + r.err);
  REQUIRE(r.exit_code == 0);

  const fs::path db2 = tmp / "db2";
  const auto index = Yuimaru({"index", "--db", db2.string(), (out / "corpus").string()});
  INFO(index.out + index.err);
  REQUIRE(index.exit_code == 0);
  CHECK(index.err.find("publish/") == std::string::npos);
  CHECK(index.out.find("publish/") == std::string::npos);

  const auto before = ById(Read(BundledDb(), edition));
  const auto after = ById(Read(db2, edition));
  REQUIRE_FALSE(before.empty());
  std::set<std::string> before_ids, after_ids;
  for (const auto& [id, r1] : before) before_ids.insert(id);
  for (const auto& [id, r2] : after) after_ids.insert(id);
  CHECK(before_ids == after_ids);
  for (const auto& [id, r1] : before) {
    auto it = after.find(id);
    if (it == after.end()) continue;
    INFO(id);
    CHECK(it->second.markdown == r1.markdown);
    CHECK(it->second.title == r1.title);
    CHECK(it->second.doc_type == r1.doc_type);
    CHECK(it->second.confidentiality == r1.confidentiality);
    CHECK(it->second.tags == r1.tags);
    CHECK(it->second.related == r1.related);
    CHECK(it->second.company_ids == r1.company_ids);
  }
}

// Text of the bundled corpus above `level` (in a private block above it, or in a document not
// readable at it) that no document of the view at `level` shows: it must be in no exported file.
std::vector<std::string> HiddenLines(const ExportSet& view, core::Clearance level) {
  std::string visible;
  for (const auto& d : view.docs) {
    visible += d.record.title + "\n" + d.record.markdown + "\n";
    for (const auto& t : d.record.tags) visible += t + "\n";
  }
  std::vector<std::string> out;
  const auto add = [&](std::string text) {
    static const std::regex kLead(R"(^[\s>#*|-]*(?:[0-9]+\.\s*)?)");
    text = std::regex_replace(text, kLead, "");
    while (!text.empty() && (text.back() == ' ' || text.back() == '|')) text.pop_back();
    if (text.size() >= 15 && visible.find(text) == std::string::npos &&
        text.find("private:") == std::string::npos && text.find("非公開:") == std::string::npos) {
      out.push_back(text);
    }
  };
  for (const auto& e : fs::recursive_directory_iterator(SourceDir() / "corpus")) {
    if (e.path().extension() != ".md") continue;
    const std::string source = ReadFile(e.path());
    const auto parsed =
        indexer::ParseDocument(e.path().string(), source, indexer::LintMode::kLenient);
    const auto& doc = parsed.doc;
    if (doc.base > level) add(doc.title);
    int line_no = doc.body_first_line;
    std::string_view body = doc.body;
    while (!body.empty()) {
      const size_t nl = body.find('\n');
      std::string line(body.substr(0, nl));
      body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
      core::Clearance at = doc.base;
      for (const auto& r : doc.private_ranges) {
        if (line_no >= r.begin_line && line_no <= r.end_line) at = std::max(at, r.level);
      }
      if (at > level) {
        // A table row is checked cell by cell, as a page shows it.
        if (line.find('|') != std::string::npos) {
          size_t start = 0;
          for (size_t bar; (bar = line.find('|', start)) != std::string::npos; start = bar + 1) {
            add(line.substr(start, bar - start));
          }
          add(line.substr(start));
        } else {
          add(line);
        }
      }
      ++line_no;
    }
  }
  return out;
}

TEST_CASE("Export: no text above the edition's level is in any file of the folder",
          "[toolkit][disk]") {
  auto [edition, label] = GENERATE(
      table<Edition, std::string>({{Edition::kPublic, "公表用"}, {Edition::kAuthority, "当局用"}}));
  INFO(label);
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  REQUIRE(ExportCli(out, label, keys).exit_code == 0);

  const core::Clearance level = EditionClearance(edition);
  const auto hidden = HiddenLines(Read(BundledDb(), edition), level);
  // The corpus has text above each level, as written in its files; a check over nothing, or
  // over text that is not in the corpus, would pass for nothing.
  REQUIRE(hidden.size() > 10);
  std::string sources;
  for (const auto& e : fs::recursive_directory_iterator(SourceDir() / "corpus")) {
    if (e.path().extension() == ".md") sources += ReadFile(e.path());
  }
  size_t in_sources = 0;
  for (const auto& line : hidden) in_sources += sources.find(line) != std::string::npos;
  CHECK(in_sources == hidden.size());
  static const std::regex kAnonymizedId(R"((^|[^A-Za-z0-9])[CK]-[0-9]{2,4}([^0-9]|$))");
  for (const fs::path& file : FilesUnder(out)) {
    const std::string bytes = ReadFile(file);
    INFO(file.string());
    for (const auto& line : hidden) {
      INFO(line);
      CHECK(bytes.find(line) == std::string::npos);
    }
    if (edition == Edition::kPublic) CHECK_FALSE(std::regex_search(bytes, kAnonymizedId));
  }
}

// `text` normalized as the index normalizes it (width, case, variants), whitespace removed: the
// form in which a fragment is looked for, whatever a format did to spaces and line breaks.
std::string Squeeze(std::string_view text) {
  std::string out;
  for (char c : core::NormalizeToUtf8(text)) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') out += c;
  }
  return out;
}

// The pieces of a line between Markdown and HTML syntax (emphasis, links, code, table bars,
// characters a page escapes), each long enough to name the text it comes from.
std::vector<std::string> Fragments(const std::vector<std::string>& lines) {
  std::set<std::string> out;
  static const std::regex kLead(R"(^[\s>#*|-]*(?:[0-9]+\.\s*)?)");  // list, quote, heading marks
  for (const std::string& raw : lines) {
    const std::string line = std::regex_replace(raw, kLead, "");
    std::string piece;
    auto flush = [&] {
      const std::string squeezed = Squeeze(piece);
      if (squeezed.size() >= 24) out.insert(squeezed);  // 8 or more Japanese characters
      piece.clear();
    };
    for (char c : line) {
      if (std::string_view("*`[]()_<>&\"'|~\\#").find(c) != std::string_view::npos) {
        flush();
      } else {
        piece += c;
      }
    }
    flush();
  }
  return {out.begin(), out.end()};
}

std::string DecodeEntities(std::string text) {
  for (const auto& [entity, c] : std::vector<std::pair<std::string, std::string>>{{"&lt;", "<"},
                                                                                  {"&gt;", ">"},
                                                                                  {"&quot;", "\""},
                                                                                  {"&#39;", "'"},
                                                                                  {"&apos;", "'"},
                                                                                  {"&amp;", "&"}}) {
    for (size_t at; (at = text.find(entity)) != std::string::npos;)
      text.replace(at, entity.size(), c);
  }
  return text;
}

// What a reader (or a tool) gets out of an exported file as text: the XML parts of a .docx or
// .xlsx (unzipped, tags dropped, entities decoded), a PDF's text layer (pdftotext), any other
// file as it is (entities decoded); squeezed.
std::string ReadableText(const fs::path& file) {
  const std::string ext = file.extension().string();
  std::string text;
  if (ext == ".docx" || ext == ".xlsx") {
    const auto r = testing::RunCommand({"/usr/bin/unzip", "-p", file.string()});
    REQUIRE(r.exit_code == 0);
    static const std::regex kTag("<[^>]*>");
    text = DecodeEntities(std::regex_replace(r.out, kTag, ""));
  } else if (ext == ".pdf") {
    const auto r = testing::RunCommand({"/usr/bin/pdftotext", "-enc", "UTF-8", file.string(), "-"});
    REQUIRE(r.exit_code == 0);
    text = r.out;
  } else {
    text = DecodeEntities(ReadFile(file));
  }
  return Squeeze(text);
}

TEST_CASE(
    "Export: hidden text is in no output as a reader gets it out: pages, script index, "
    "Word and Excel unzipped, PDF text layer",
    "[toolkit][disk]") {
  auto [edition, label] = GENERATE(
      table<Edition, std::string>({{Edition::kPublic, "公表用"}, {Edition::kAuthority, "当局用"}}));
  INFO(label);
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  const auto run = ExportCli(out, label, keys);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);  // every output written: pandoc and chromium are installed

  const ExportSet set = ViewSet(BundledDb(), EditionClearance(edition));
  // Hidden lines cut into fragments; a fragment that a shown document also holds (a public copy
  // repeats sentences of its source) is not hidden.
  // Markup is dropped before comparing (a page shows 「**課題**：…」 as one run of text), and
  // the vocabularies' labels count as shown (the figures list every value).
  std::string visible;
  for (const auto& d : set.docs) visible += d.record.title + "\n" + d.record.markdown + "\n";
  for (const core::FieldDef& field : core::FacetFields()) {
    for (const auto& v : field.vocab) visible += std::string(v.label) + "\n";
  }
  visible.erase(std::remove_if(visible.begin(), visible.end(),
                               [](char c) {
                                 return std::string_view("*`[]()_<>&\"'|~\\#").find(c) !=
                                        std::string_view::npos;
                               }),
                visible.end());
  visible = Squeeze(visible);
  std::vector<std::string> hidden;
  for (std::string& f : Fragments(HiddenLines(set, EditionClearance(edition)))) {
    if (visible.find(f) == std::string::npos) hidden.push_back(std::move(f));
  }
  // Text the edition shows, cut the same way: the check below must be able to find text where
  // it is, or finding nothing would prove nothing.
  std::vector<std::string> shown_lines;
  for (const auto& d : set.docs) {
    std::string_view body = d.record.markdown;
    while (!body.empty()) {
      const size_t nl = body.find('\n');
      shown_lines.emplace_back(body.substr(0, nl));
      body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    }
  }
  std::vector<std::string> shown = Fragments(shown_lines);
  REQUIRE(hidden.size() > 20);
  REQUIRE(shown.size() > 100);

  const std::vector<fs::path> outputs = {out / "reports" / "report.docx",
                                         out / "reports" / "report.pdf",
                                         out / "reports" / "figures.xlsx"};
  for (const fs::path& file : outputs) REQUIRE(fs::exists(file));
  std::string all_site;
  for (const fs::path& file : FilesUnder(out)) {
    const std::string text = ReadableText(file);
    INFO(file.string());
    for (const std::string& f : hidden) {
      INFO(f);
      CHECK(text.find(f) == std::string::npos);
    }
    if (file.string().find("/site/") != std::string::npos) all_site += text;
    const std::string name = file.filename().string();
    if (name == "report.docx" || name == "report.pdf") {
      // The documents are in it: most fragments the edition shows come back out (a PDF's text
      // layer loses some to table layout and line breaks inside a fragment).
      size_t found = 0;
      for (const std::string& f : shown) found += text.find(f) != std::string::npos;
      CHECK(found * 4 >= shown.size() * 3);
    }
  }
  size_t in_site = 0;
  for (const std::string& f : shown) in_site += all_site.find(f) != std::string::npos;
  CHECK(in_site * 10 >= shown.size() * 9);
}

TEST_CASE("Export: a coarsened value is not published for its firm in the corpus or the pages",
          "[toolkit][disk]") {
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  REQUIRE(ExportCli(out, "公表用", keys).exit_code == 0);
  const ExportSet set = Read(BundledDb(), Edition::kPublic);
  REQUIRE(set.coarsened.size() > 5);  // the bundled public cases are few: small cells coarsen
  const std::string report = ReadFile(out / "export-report.txt");
  for (const Coarsening& c : set.coarsened) {
    INFO(c.doc_id << " " << c.field << " " << c.from << " → " << c.to);
    std::string corpus_file;
    for (const fs::path& f : FilesUnder(out / "corpus")) {
      if (f.stem() == c.doc_id) corpus_file = ReadFile(f);
    }
    REQUIRE_FALSE(corpus_file.empty());
    const std::string front = corpus_file.substr(0, corpus_file.find("\n---", 3));
    CHECK(front.find(c.field + ": \"" + c.from + "\"") == std::string::npos);
    CHECK(front.find(c.field + ": " + c.from + "\n") == std::string::npos);
    const std::string page = ReadFile(out / "site" / "doc" / (c.doc_id + ".html"));
    CHECK(page.find("<td>" + c.from + "</td>") == std::string::npos);
    // The report says what was coarsened, never the value it hides.
    CHECK(report.find(c.doc_id + "\t" + c.field + "\t" + c.to) != std::string::npos);
    CHECK(report.find(c.from + "\t") == std::string::npos);
  }
}

TEST_CASE("Export: an existing folder is refused without --force and replaced with it",
          "[toolkit][disk]") {
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  testing::WriteFile(out / "old.txt", "old");
  const auto refused = ExportCli(out, "公表用", keys);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("export.out-exists") != std::string::npos);
  CHECK(ReadFile(out / "old.txt") == "old");
  CHECK(NoStagingLeft(out));

  const auto forced = ExportCli(out, "公表用", keys, {"--force"});
  INFO(forced.err);
  CHECK(forced.exit_code == 0);
  CHECK_FALSE(fs::exists(out / "old.txt"));
  CHECK(fs::exists(out / "MANIFEST.sha256"));
  CHECK(NoStagingLeft(out));
  // A 公表用 folder is readable by anyone who mounts the disc (yuimaru runs under umask 077).
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    const auto others = e.status().permissions() & fs::perms::others_read;
    CHECK(others == fs::perms::others_read);
  }
  // Nothing of the old folder is left beside the new one either: `kit` is the only folder.
  size_t folders = 0;
  for (const auto& e : fs::directory_iterator(tmp.path())) folders += e.is_directory();
  CHECK(folders == 1);
}

TEST_CASE("Export: a folder over --max-size is refused and nothing is left", "[toolkit][disk]") {
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  const auto r = ExportCli(out, "公表用", keys, {"--max-size", "10K"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("export.too-large") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK(NoStagingLeft(out));
}

TEST_CASE("Export: a missing tool skips its outputs by name, exit 3, and the folder still verifies",
          "[toolkit][disk]") {
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  const auto r =
      ExportCli(out, "公表用", keys,
                {"--pandoc", "/nonexistent/pandoc", "--chromium", "/nonexistent/chromium"});
  INFO(r.out + r.err);
  CHECK(r.exit_code == 3);
  for (const char* skipped : {"reports/report.docx", "reports/report.pdf", "reports/figures.pdf"}) {
    INFO(skipped);
    CHECK((r.out + r.err).find(skipped) != std::string::npos);
    CHECK_FALSE(fs::exists(out / skipped));
    CHECK(ReadFile(out / "export-report.txt").find(skipped) != std::string::npos);
  }
  CHECK(fs::exists(out / "reports" / "figures.xlsx"));  // libxlsxwriter needs no outside tool
  CHECK(fs::exists(out / "index.html"));
  const auto verify = Yuimaru({"verify-export", out.string(), "--cert", keys.cert.string()});
  INFO(verify.out + verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("Export: a usage error exits 2 with one line", "[toolkit][disk]") {
  TempDir tmp;
  const KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  const fs::path out = tmp / "kit";
  const std::string db = BundledDb().string();
  const std::vector<std::vector<std::string>> cases = {
      {"export", "--db", db, "--edition", "機密用", "--out", out.string(), "--unsigned"},
      {"export", "--db", db, "--edition", "公表用", "--out", out.string(), "--unsigned", "--filter",
       "no_such_field=x"},
      {"export", "--db", db, "--edition", "公表用", "--out", out.string(), "--unsigned", "--filter",
       "industry"},
      {"export", "--db", db, "--edition", "公表用", "--out", out.string()},
      {"export", "--db", db, "--edition", "公表用", "--out", out.string(), "--sign-key",
       (tmp / "missing.pem").string(), "--sign-cert", keys.cert.string()},
      {"export", "--db", db, "--edition", "公表用", "--out", out.string(), "--unsigned", "--k",
       "zero"},
      {"export", "--db", db, "--edition", "公表用", "--out", out.string(), "--unsigned",
       "--max-size", "7X"},
      {"export", "--db", db, "--edition", "公表用", "--out", out.string(), "--unsigned",
       "--no-such-flag"},
  };
  for (const auto& args : cases) {
    const auto r = Yuimaru(args);
    INFO(args[4] + " " + args.back());
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(out));
  }
  // A key that does not belong to the certificate.
  const KeyPair other = MakeKeyPair(tmp.path(), "other");
  const auto r = Yuimaru({"export", "--db", db, "--edition", "公表用", "--out", out.string(),
                          "--sign-key", other.key.string(), "--sign-cert", keys.cert.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("export.key-mismatch") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("Export: every export appends an audit entry with what was written", "[toolkit][disk]") {
  TempDir tmp;
  const fs::path out = tmp / "kit";
  const fs::path audit = tmp / "audit.jsonl";
  const auto r =
      Yuimaru({"export", "--db", BundledDb().string(), "--edition", "当局用", "--out", out.string(),
               "--unsigned", "--filter", "doc_type=支援事例", "--audit", audit.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string log = ReadFile(audit);
  const auto lines = std::count(log.begin(), log.end(), '\n');
  CHECK(lines == 1);
  const auto entry = nlohmann::json::parse(log.substr(0, log.find('\n')));
  INFO(entry.dump());
  CHECK(entry.dump().find("\"export\"") != std::string::npos);
  CHECK(log.find("当局用") != std::string::npos);
  CHECK(log.find("doc_type=支援事例") != std::string::npos);
  CHECK(log.find("manifest_sha256") != std::string::npos);
  CHECK(log.find(fs::absolute(out).string()) != std::string::npos);
  CHECK(Yuimaru({"audit", "verify", audit.string()}).exit_code == 0);
  // The README says the folder is unsigned.
  CHECK(ReadFile(out / "README.txt").find("署名されていません") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "MANIFEST.sha256.sig"));
}

}  // namespace
}  // namespace yuimaru::toolkit
