// Reading the corpus folder as a tired operator and a hostile zip leave it (issue 9): folders
// that cannot be read, an empty or unmounted corpus, files that vanish in numbers, names that
// are not UTF-8 or carry line breaks, symbolic link loops and links out of the corpus, deep
// paths without doc_id. Nothing is lost silently and no run is stopped by one bad name.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

namespace fs = std::filesystem;

std::string Doc(const std::string& id, const std::string& body = "県外の商談会に出た。") {
  return "---\ndoc_id: " + id + "\ntitle: \"文書 " + id + "\"\nconfidentiality: 内部\n---\n\n" +
         body + "\n";
}

std::set<std::string> Rules(const nlohmann::json& list) {
  std::set<std::string> rules;
  for (const auto& e : list) rules.insert(e["rule"].get<std::string>());
  return rules;
}

size_t Total(const fs::path& db, const std::string& query) {
  const CommandResult r = Yuimaru({"search", "--db", db.string(), "--json", query});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.Json()["total"].get<size_t>();
}

// `yuimaru args…` as an account that file permissions apply to: root reads any folder, so as
// root the command runs as nobody (setpriv, util-linux).
CommandResult AsUnprivileged(const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  if (geteuid() == 0) {
    argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  argv.push_back(YUIMARU_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

TEST_CASE("corpus: a folder that cannot be read is an error and its documents stay indexed",
          "[disk][corpus]") {
  TempDir t;
  fs::permissions(t.path(), fs::perms::all);  // nobody must reach the temp dir
  const auto c = t / "corpus";
  WriteFile(c / "open/a.md", Doc("A-1", "公開の事例。"));
  WriteFile(c / "locked/b.md", Doc("B-1", "鍵付きの事例。"));
  WriteFile(c / "locked/c.md", Doc("C-1", "鍵付きの事例。"));
  for (const auto& e : fs::recursive_directory_iterator(t.path())) {
    fs::permissions(e.path(), fs::perms::all);
  }
  const std::string db = (t / "db").string();
  const CommandResult first = AsUnprivileged({"index", "--db", db, "--json", c.string()});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  fs::permissions(c / "locked", fs::perms::none);
  const CommandResult second = AsUnprivileged({"index", "--db", db, "--json", c.string()});
  fs::permissions(c / "locked", fs::perms::all);
  INFO(second.out << second.err);
  CHECK(second.exit_code == 3);
  const nlohmann::json report = second.Json();
  CHECK(report["deleted"] == 0);
  CHECK(Rules(report["errors"]).count("path.unreadable") == 1);
  CHECK(second.err.find((c / "locked").string() + ": path.unreadable") != std::string::npos);
  CHECK(AsUnprivileged({"search", "--db", db, "--json", "鍵付き"}).Json()["total"] == 2);
}

TEST_CASE("corpus: an empty folder or files vanishing in numbers delete nothing",
          "[disk][corpus]") {
  TempDir t;
  const auto c = t / "corpus";
  for (int i = 0; i < 10; ++i)
    WriteFile(c / ("d" + std::to_string(i) + ".md"), Doc("D-" + std::to_string(i)));
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), c.string()}).exit_code == 0);
  REQUIRE(Total(db, "商談会") == 10);

  // An unmounted share is an empty folder: an error, not ten deletions.
  fs::create_directories(t / "empty");
  const CommandResult empty = Yuimaru({"index", "--db", db.string(), (t / "empty").string()});
  CHECK(empty.exit_code == 1);
  CHECK(empty.err.find("path.empty") != std::string::npos);
  // Every file of the folder gone (moved away): refused as well.
  fs::rename(c, t / "moved");
  fs::create_directories(c);
  WriteFile(c / "new.md", Doc("N-1"));
  const CommandResult all = Yuimaru({"index", "--db", db.string(), c.string()});
  CHECK(all.exit_code == 1);
  CHECK(all.err.find("index.mass-delete") != std::string::npos);
  CHECK(all.err.find("--allow-mass-delete") != std::string::npos);
  CHECK(Total(db, "商談会") == 10);
  fs::remove_all(c);
  fs::rename(t / "moved", c);

  // Three of ten (30% > 20%) vanish: stopped, the index as it was.
  for (int i = 0; i < 3; ++i) fs::remove(c / ("d" + std::to_string(i) + ".md"));
  const CommandResult some = Yuimaru({"index", "--db", db.string(), c.string()});
  CHECK(some.exit_code == 1);
  CHECK(some.err.find("index.mass-delete") != std::string::npos);
  CHECK(Total(db, "商談会") == 10);
  // One more run with the operator's word for it.
  const CommandResult allowed =
      Yuimaru({"index", "--db", db.string(), "--allow-mass-delete", "--json", c.string()});
  CHECK(allowed.exit_code == 0);
  CHECK(allowed.Json()["deleted"] == 3);
  CHECK(Total(db, "商談会") == 7);
  // One of seven (14%): an ordinary deletion.
  fs::remove(c / "d3.md");
  const CommandResult one = Yuimaru({"index", "--db", db.string(), "--json", c.string()});
  CHECK(one.exit_code == 0);
  CHECK(one.Json()["deleted"] == 1);
}

TEST_CASE("corpus: names that are not UTF-8 or hold line breaks are named, escaped, never fatal",
          "[disk][corpus]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "good.md", Doc("G-1"));
  WriteFile(c / "\x93\xfa\x96\x7b.md", Doc("S-1"));  // 日本 in Shift-JIS, from a Windows zip
  // A rejected file whose name would forge an error line if printed as it is.
  WriteFile(c / "evil\nx.md:1:1: pii/forged: 偽の行.md", "---\ndoc_id: [\n---\n");
  for (const std::string command : {"index", "lint"}) {
    std::vector<std::string> args = {command};
    if (command == "index") args = {"index", "--db", (t / "db").string(), "--json"};
    args.push_back(c.string());
    const CommandResult r = Yuimaru(args);
    INFO(command << "\n" << r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("\\x93\\xFA\\x96{.md: path.invalid-utf8") != std::string::npos);
    CHECK(r.err.find("evil\\nx.md:1:1: pii/forged") != std::string::npos);
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);) {
      CHECK(line.rfind("x.md:1:1:", 0) != 0);
    }
    if (command == "index") {
      CHECK(r.Json()["added"] == 1);
      CHECK(Total(t / "db", "商談会") == 1);
    }
  }
}

TEST_CASE("corpus: symbolic link loops and links out of the corpus are skipped with a warning",
          "[disk][corpus]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "a.md", Doc("A-1"));
  WriteFile(c / "sub/b.md", Doc("B-1"));
  WriteFile(t / "outside/secret.md", Doc("X-1", "zqxoutside の文書。"));
  fs::create_directory_symlink(".", c / "loop");
  fs::create_directory_symlink("..", c / "sub/up");
  fs::create_directory_symlink(t / "outside", c / "out");
  fs::create_symlink(t / "outside/secret.md", c / "secret-link.md");
  fs::create_symlink(t / "nowhere.md", c / "broken.md");
  fs::create_directory_symlink("sub", c / "alias");  // inside: its files are read once
  for (const std::string command : {"index", "lint"}) {
    std::vector<std::string> args = {command};
    if (command == "index") args = {"index", "--db", (t / "db").string(), "--json"};
    args.push_back(c.string());
    const CommandResult r = Yuimaru(args);
    INFO(command << "\n" << r.out << r.err);
    CHECK(r.exit_code == 0);
    for (const std::string rule : {"path.symlink-loop", "path.outside", "path.broken-link"}) {
      CHECK(r.err.find(rule) != std::string::npos);
    }
    if (command == "index") {
      const nlohmann::json report = r.Json();
      CHECK(report["added"] == 2);  // a.md and sub/b.md (alias/b.md is the same file)
      CHECK(Rules(report["warnings"]).count("path.outside") == 1);
      CHECK(Total(t / "db", "zqxoutside") == 0);
    }
  }
}

TEST_CASE("corpus: a deep path without doc_id rejects that file only, with a warning for others",
          "[disk][corpus]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "good.md", Doc("G-1"));
  WriteFile(c / "no-id.md", "---\ntitle: 無番号\n---\n\n県外の商談会。\n");
  fs::path deep = c;
  for (int i = 0; i < 12; ++i) deep /= "とても長いフォルダ名の階層";
  WriteFile(deep / "x.md", "---\ntitle: 深い\n---\n\n県外の商談会。\n");
  const CommandResult r = Yuimaru({"index", "--db", (t / "db").string(), "--json", c.string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  const nlohmann::json report = r.Json();
  CHECK(report["added"] == 2);
  CHECK(Rules(report["errors"]).count("front-matter.doc_id.too-long") == 1);
  CHECK(Rules(report["warnings"]).count("front-matter.doc_id.derived") == 1);
  const CommandResult lint = Yuimaru({"lint", c.string()});
  CHECK(lint.exit_code == 3);
  CHECK(lint.err.find("front-matter.doc_id.derived") != std::string::npos);
}

}  // namespace
}  // namespace yuimaru::testing
