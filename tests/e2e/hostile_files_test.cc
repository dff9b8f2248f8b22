// Hostile files (issue 9): one file per kind of broken input in tests/data/hostile-files/, plus
// the kinds git cannot hold (names that are not UTF-8 or hold control characters, link loops,
// a named pipe, files around the size cap) made here. `yuimaru index` and `yuimaru lint` over
// them and a few valid documents must give each file exactly the messages of expected.tsv
// (severity, rule, line, column), nothing else, index the valid ones, and never crash.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

namespace fs = std::filesystem;

// A name as expected.tsv spells it: a tab or a line break as \t or \n (messages print names
// escaped; the JSON report and the manifest hold them as they are).
std::string TsvName(std::string name) {
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\n' || name[i] == '\t') {
      name.replace(i, 1, name[i] == '\n' ? "\\n" : "\\t");
      ++i;
    }
  }
  return name;
}

// (file, severity, rule, line, column); a file expected to index has severity "ok".
using Message = std::tuple<std::string, std::string, std::string, int, int>;

std::multiset<Message> ExpectedMessages(std::set<std::string>& ok_files) {
  std::ifstream in(SourceDir() / "tests/data/hostile-files/expected.tsv");
  REQUIRE(in);
  std::multiset<Message> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, severity, rule, at_line, at_column;
    REQUIRE(std::getline(fields, file, '\t'));
    REQUIRE(std::getline(fields, severity, '\t'));
    REQUIRE(std::getline(fields, rule, '\t'));
    REQUIRE(std::getline(fields, at_line, '\t'));
    REQUIRE(std::getline(fields, at_column, '\t'));
    if (severity == "ok") {
      ok_files.insert(file);
      continue;
    }
    out.emplace(file, severity, rule, std::stoi(at_line), std::stoi(at_column));
  }
  return out;
}

// The files git cannot hold well, made in `dir`.
void MakeTestTimeFiles(const fs::path& dir) {
  const std::string doc =
      "---\ndoc_id: HF-NAME\ntitle: 名前の試験\nconfidentiality: 内部\n---\n\n本文。\n";
  WriteFile(dir / "\x93\xfa\x96\x7b.md", doc);  // 日本 in Shift-JIS, from a Windows zip
  WriteFile(dir / "tab\tin-name.md",
            "---\ndoc_id: HF-TABNAME\ntitle: 名前にタブ\nconfidentiality: 内部\n---\n\n本文。\n");
  WriteFile(dir / "line\nbreak.md",
            "---\ndoc_id: HF-LF\ntitle: 改行\nregion: 東部\nconfidentiality: 内部\n---\n");
  fs::create_directory_symlink(".", dir / "loop");
  fs::create_symlink(dir / "nowhere.md", dir / "broken-link.md");
  REQUIRE(::mkfifo((dir / "fifo.md").c_str(), 0600) == 0);
  std::string line = "---\ndoc_id: HF-HUGE\ntitle: 一行だけの巨大な本文\n---\n\n";
  while (line.size() < 1000000) line += "長い一行の本文。";  // under the 1 MiB cap
  WriteFile(dir / "huge-line.md", line + "\n");
  // Lines that made std::regex recurse until the stack ran out (SIGSEGV in index and lint).
  WriteFile(dir / "long-table.md",
            "---\ndoc_id: HF-LONGTABLE\ntitle: 長い区切り行\n---\n\n| a |\n|" +
                std::string(300000, '-') + "|\n| b |\n");
  WriteFile(dir / "long-url.md",
            "---\ndoc_id: HF-LONGURL\ntitle: 長いURL\n---\n\nhttp://yuimaru-test.jp/" +
                std::string(300000, 'a') + "\n");
  std::string big = "---\ndoc_id: HF-BIG\ntitle: 上限を超える\n---\n\n";
  while (big.size() <= (1u << 20)) big += "大きすぎる文書の一行。\n";
  WriteFile(dir / "too-large.md", big);
}

std::multiset<Message> Messages(const nlohmann::json& report, const std::string& prefix) {
  std::multiset<Message> out;
  for (const char* list : {"errors", "warnings"}) {
    for (const auto& e : report[list]) {
      std::string source = e["source"].get<std::string>();
      if (source.rfind(prefix, 0) == 0) source = source.substr(prefix.size());
      out.emplace(TsvName(source), list == std::string("errors") ? "error" : "warning",
                  e["rule"].get<std::string>(), e["line"].get<int>(), e["column"].get<int>());
    }
  }
  return out;
}

std::string Show(const std::multiset<Message>& messages) {
  std::string s;
  for (const auto& [file, severity, rule, line, column] : messages) {
    s += file + "\t" + severity + "\t" + rule + "\t" + std::to_string(line) + "\t" +
         std::to_string(column) + "\n";
  }
  return s;
}

TEST_CASE("hostile files: each gets exactly its message, the valid ones index, nothing crashes",
          "[disk][index][lint]") {
  TempDir t;
  const fs::path c = t / "corpus";
  fs::copy(SourceDir() / "tests/data/hostile-files", c, fs::copy_options::recursive);
  fs::remove(c / "expected.tsv");
  MakeTestTimeFiles(c);
  const std::vector<std::string> valid = {"methods/MS-0001.md", "methods/MS-0002.md",
                                          "cases/CS-2024-001.md"};
  for (const auto& v : valid) WriteFile(c / "valid" / v, ReadFile(SourceDir() / "corpus" / v));

  std::set<std::string> ok_files;
  const std::multiset<Message> expected = ExpectedMessages(ok_files);
  REQUIRE(expected.size() >= 27);
  const std::string prefix = c.string() + "/";

  const CommandResult index = Yuimaru({"index", "--db", (t / "db").string(), "--json", c.string()});
  INFO(index.err);
  REQUIRE(index.exit_code == 3);  // README: finished, some files rejected
  const std::multiset<Message> indexed = Messages(index.Json(), prefix);
  CHECK(Show(indexed) == Show(expected));

  const CommandResult lint = Yuimaru({"lint", "--json", c.string()});
  REQUIRE(lint.exit_code == 3);
  CHECK(Show(Messages(lint.Json(), prefix)) == Show(expected));

  // Indexed: exactly the files marked ok, and the valid documents.
  const nlohmann::json manifest = nlohmann::json::parse(ReadFile(t / "db/CURRENT/manifest.json"));
  std::set<std::string> in_index;
  for (const auto& [key, entry] : manifest["files"].items()) {
    in_index.insert(TsvName(key.substr(prefix.size())));
  }
  std::set<std::string> should = ok_files;
  for (const auto& v : valid) should.insert("valid/" + v);
  CHECK(in_index == should);
  CHECK(index.Json()["documents"] == should.size());
  const CommandResult show = Yuimaru({"show", "--db", (t / "db").string(), "MS-0001"});
  CHECK(show.exit_code == 0);

  // Every message names a place an editor can jump to: a line for what is inside a file.
  for (const auto& [file, severity, rule, line, column] : expected) {
    if (rule.rfind("path.", 0) == 0 || rule == "file.too-large") continue;
    CAPTURE(file, rule);
    CHECK(line >= 1);
  }
}

}  // namespace
}  // namespace yuimaru::testing
