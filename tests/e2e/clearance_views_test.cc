// One reading of every document (issue 8): what a view stores, shows and derives comes from the
// text of that view only. (1) Files that spell a marker almost right, leave one open, nest them or
// repeat a front matter key are refused by index and lint alike, by file, line and rule. (2) For
// every version of every corpus document and leak fixture, every derived field — title, snippet,
// related list — occurs in that version's visible text, and no 公開 answer carries a canary.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/markdown_reader.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

namespace fs = std::filesystem;

fs::path LeakDir() { return SourceDir() / "tests" / "data" / "leaks"; }

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("clearance views: near-markers, open or nested sections and duplicate keys are refused",
          "[disk][clearance]") {
  auto [file, rule, line] = GENERATE(table<std::string, std::string, int>({
      {"marker-fullwidth-colon.md", "private/malformed", 11},
      {"marker-spaced-colon.md", "private/malformed", 11},
      {"marker-upper-case.md", "private/malformed", 11},
      {"marker-fullwidth-letters.md", "private/malformed", 11},
      {"marker-no-blanks.md", "private/malformed", 11},
      {"marker-crlf-fullwidth.md", "private/malformed", 11},
      {"marker-unpaired.md", "private/unpaired-begin", 11},
      {"marker-nested.md", "private/nested", 13},
      {"duplicate-confidentiality.md", "front-matter.key.duplicate", 7},
  }));
  const fs::path path = LeakDir() / "rejected" / file;
  const std::string where = path.string() + ":" + std::to_string(line) + ":";
  CAPTURE(file);
  TempDir dir;
  // The file is refused and reported; a good file beside it is indexed all the same.
  const fs::path good = LeakDir() / "accepted" / "marker-tabs.md";
  const CommandResult index =
      Yuimaru({"index", "--db", (dir.path() / "db").string(), path.string(), good.string()});
  CHECK(index.exit_code == 3);
  CHECK(index.err.find(where) != std::string::npos);
  CHECK(index.err.find(rule) != std::string::npos);
  CHECK(index.out.find("追加 1") != std::string::npos);
  const CommandResult lint = Yuimaru({"lint", path.string()});
  CHECK(lint.exit_code != 0);
  CHECK((lint.out + lint.err).find(where) != std::string::npos);
  CHECK((lint.out + lint.err).find(rule) != std::string::npos);
}

// The blocks a reader of this version sees, joined: the text a derived field must come from.
std::string VisibleBlocks(const std::string& markdown) {
  std::string all;
  for (const auto& b : core::ReadMarkdown(markdown, 1, core::Clearance::kPublic).blocks) {
    all += b.text + "\n";
  }
  return all;
}

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t p = s.find(sep); p != std::string::npos; p = s.find(sep, start)) {
    out.push_back(s.substr(start, p - start));
    start = p + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

TEST_CASE(
    "clearance views: every derived field of every version occurs in that version's visible "
    "text",
    "[disk][clearance]") {
  TempDir dir;
  const std::string db = (dir.path() / "db").string();
  const CommandResult index = Yuimaru(
      {"index", "--db", db, (SourceDir() / "corpus").string(), (LeakDir() / "accepted").string()});
  INFO(index.err);
  REQUIRE(index.exit_code == 0);
  int versions = 0, snippets = 0, related_lists = 0, untitled = 0;
  for (const char* clearance : {"公開", "内部", "機密"}) {
    // Every document of the view, with a snippet: a search for the view's commonest word.
    const nlohmann::json all =
        Yuimaru({"search", "--db", db, "--clearance", clearance, "--json", "--limit", "500", ""})
            .Json();
    std::set<std::string> ids;
    for (const auto& h : all["hits"]) ids.insert(h["id"].get<std::string>());
    REQUIRE(ids.size() >= 7);
    const nlohmann::json searched = Yuimaru({"search", "--db", db, "--clearance", clearance,
                                             "--json", "--limit", "500", "支援"})
                                        .Json();
    std::map<std::string, nlohmann::json> hit_of;
    for (const auto& h : searched["hits"]) hit_of[h["id"].get<std::string>()] = h;
    int n = 0;
    size_t position = 0;
    for (const std::string& id : ids) {
      if (position++ % SampleStep() != 0) continue;
      const nlohmann::json doc =
          Yuimaru({"show", "--db", db, "--clearance", clearance, "--json", id}).Json();
      const std::string markdown = doc["markdown"];
      const std::string visible = VisibleBlocks(markdown);
      // The front matter is read at the document's base level, which this view covers.
      std::string source = Slurp(SourceDir() / doc["path"].get<std::string>());
      source = std::regex_replace(source, std::regex("\r\n?"), "\n");
      const std::string front = source.substr(0, source.find("\n---", 3) + 4);
      const std::string title = doc["title"];
      INFO(clearance << " " << id << " title " << title);
      const bool from_front = front.find(title) != std::string::npos;
      CHECK((from_front || visible.find(title + "\n") != std::string::npos || title == id));
      untitled += !from_front;
      if (clearance == std::string("公開")) {
        CHECK(doc.dump().find("zqxcanary") == std::string::npos);
      }
      if (auto it = hit_of.find(id); it != hit_of.end()) {
        CHECK(it->second["title"] == title);
        // Blocks are joined with " ／ " and the passage may be cut anywhere, ellipses added.
        for (const std::string& piece : Split(it->second["snippet"].get<std::string>(), "／")) {
          for (std::string part : Split(piece, "…")) {
            while (!part.empty() && part.front() == ' ') part.erase(0, 1);
            while (!part.empty() && part.back() == ' ') part.pop_back();
            if (part.empty() || part == title) continue;
            INFO("snippet part " << part);
            CHECK(visible.find(part) != std::string::npos);
          }
        }
        ++snippets;
      }
      if (n++ % 5 == 0) {
        const nlohmann::json related =
            Yuimaru({"related", "--db", db, "--clearance", clearance, "--json", id}).Json();
        for (const auto& r : related["related"]) {
          CHECK(ids.count(r["id"].get<std::string>()) == 1);
        }
        if (clearance == std::string("公開")) {
          CHECK(related.dump().find("zqxcanary") == std::string::npos);
        }
        ++related_lists;
      }
      ++versions;
    }
    if (clearance == std::string("公開")) {
      CHECK(all.dump().find("zqxcanary") == std::string::npos);
      CHECK(searched.dump().find("zqxcanary") == std::string::npos);
    }
  }
  const int step = static_cast<int>(SampleStep());
  CHECK(versions > 300 / step);
  CHECK(snippets > 100 / step);
  CHECK(related_lists > 60 / step);
  CHECK(untitled >= (step == 1 ? 3 : 1));  // the fixtures without title: are among them
  // The canaries are there for a reader who may see them: the checks above are not vacuous.
  const nlohmann::json secret =
      Yuimaru({"search", "--db", db, "--clearance", "機密", "--json", "zqxcanaryk"}).Json();
  CHECK(secret["total"] == 1);
}

}  // namespace
}  // namespace yuimaru::testing
