// `yuimaru index` on temporary corpora, with the real binary and real Xapian databases.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

std::string Doc(const std::string& id, const std::string& title, const std::string& body,
                const std::string& extra = "") {
  return "---\ndoc_id: " + id + "\ndoc_type: 支援事例\ntitle: \"" + title +
         "\"\ndate: 2024-06-01\nconfidentiality: 内部\nindustry: 製造業\n" + extra + "---\n\n" +
         body + "\n";
}

nlohmann::json Search(const std::filesystem::path& db, const std::string& query,
                      const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"search", "--db", db.string(), "--json", "--limit", "100"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(query);
  const CommandResult r = Yuimaru(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.Json();
}

std::set<std::string> Ids(const nlohmann::json& response) {
  std::set<std::string> ids;
  for (const auto& h : response["hits"]) ids.insert(h["id"].get<std::string>());
  return ids;
}

nlohmann::json Index(const std::filesystem::path& db, const std::vector<std::string>& paths,
                     int expected_exit, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"index", "--db", db.string(), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), paths.begin(), paths.end());
  const CommandResult r = Yuimaru(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return r.Json();
}

TEST_CASE("index: broken files are rejected with path:line:col: rule and the rest is indexed",
          "[disk][index]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "good1.md", Doc("CS-2024-001", "泡盛の県外出荷", "県外の商談会に出た。"));
  WriteFile(c / "good2.md", Doc("CS-2024-002", "菓子の値上げ", "原価計算から始めた。"));
  WriteFile(c / "sub/good3.md", Doc("CS-2024-003", "ホテルの人手不足", "定着の打ち手。"));
  WriteFile(c / "yaml.md", "---\ndoc_id: X-1\ntitle: [unclosed\n---\n本文\n");
  WriteFile(c / "utf8.md", Doc("X-2", "壊れた", "ここで\xff壊れる"));
  WriteFile(c / "value.md", Doc("X-3", "未定義の業種", "本文", "region: 東部\n"));
  WriteFile(c / "zdup.md",
            Doc("CS-2024-001", "重複", "同じIDの別文書"));  // after good1.md: good1 owns the id
  WriteFile(c / "notes.txt", "not markdown");
  const CommandResult r = Yuimaru({"index", "--db", (t / "db").string(), c.string()});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("corpus/yaml.md:4:") != std::string::npos);
  CHECK(r.err.find("front-matter.yaml-syntax") != std::string::npos);
  CHECK(r.err.find("corpus/utf8.md:10:4: file.invalid-utf8") != std::string::npos);
  CHECK(r.err.find("corpus/value.md:8:9: front-matter.region.unknown") != std::string::npos);
  CHECK(r.err.find("corpus/zdup.md:2: doc-id.duplicate") != std::string::npos);
  CHECK(r.err.find("good1.md") != std::string::npos);  // the duplicate names the owner

  const CommandResult stats = Yuimaru({"stats", "--db", (t / "db").string(), "--json"});
  REQUIRE(stats.exit_code == 0);
  CHECK(stats.Json()["documents"] == 3);
  CHECK(Ids(Search(t / "db", "商談会")) == std::set<std::string>{"CS-2024-001"});
}

TEST_CASE("index: re-indexing skips, replaces and deletes by content", "[disk][index]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "a.md", Doc("CS-1", "泡盛", "県外出荷を増やす。"));
  WriteFile(c / "b.md", Doc("CS-2", "菓子", "値上げの交渉。"));
  WriteFile(c / "c.md", Doc("CS-3", "ホテル", "人手不足の対策。"));
  auto first = Index(t / "db", {c.string()}, 0);
  CHECK(first["added"] == 3);
  CHECK(first["full_rebuild"] == true);

  auto again = Index(t / "db", {c.string()}, 0);
  CHECK(again["skipped"] == 3);
  CHECK(again["added"] == 0);
  CHECK(again["generation"] == first["generation"]);  // nothing changed: no new generation

  WriteFile(c / "b.md", Doc("CS-2", "菓子", "原価計算をやり直した。"));
  std::filesystem::remove(c / "c.md");
  WriteFile(c / "d.md", Doc("CS-4", "民宿", "後継者がいない。"));
  auto third = Index(t / "db", {c.string()}, 0);
  CHECK(third["updated"] == 1);
  CHECK(third["deleted"] == 1);
  CHECK(third["added"] == 1);
  CHECK(third["skipped"] == 1);
  CHECK(third["full_rebuild"] == false);
  CHECK(third["documents"] == 3);
  CHECK(Search(t / "db", "値上げ")["total"] == 0);
  CHECK(Ids(Search(t / "db", "原価計算")) == std::set<std::string>{"CS-2"});
  CHECK(Search(t / "db", "人手不足")["total"] == 0);
  CHECK(Ids(Search(t / "db", "後継者")) == std::set<std::string>{"CS-4"});
}

TEST_CASE("index: a broken edit keeps the last good version until it is fixed", "[disk][index]") {
  TempDir t;
  const auto c = t / "corpus";
  WriteFile(c / "a.md", Doc("CS-1", "泡盛", "県外出荷を増やす。"));
  Index(t / "db", {c.string()}, 0);
  WriteFile(c / "a.md", "---\ndoc_id: CS-1\ntitle: [broken\n---\n新しい本文\n");
  auto broken = Index(t / "db", {c.string()}, 3);
  CHECK(broken["rejected"] == 1);
  CHECK(Ids(Search(t / "db", "県外出荷")) == std::set<std::string>{"CS-1"});
  WriteFile(c / "a.md", Doc("CS-1", "泡盛", "新しい本文。"));
  auto fixed = Index(t / "db", {c.string()}, 0);
  CHECK(fixed["updated"] == 1);
  CHECK(Search(t / "db", "県外出荷")["total"] == 0);
  CHECK(Ids(Search(t / "db", "新しい本文")) == std::set<std::string>{"CS-1"});
}

TEST_CASE("index: documents indexed from other paths are kept, also by a full rebuild",
          "[disk][index]") {
  TempDir t;
  WriteFile(t / "one/a.md", Doc("CS-1", "泡盛", "県外出荷。"));
  WriteFile(t / "two/b.md", Doc("CS-2", "菓子", "値上げ。"));
  Index(t / "db", {(t / "one").string()}, 0);
  Index(t / "db", {(t / "two").string()}, 0);
  CHECK(Search(t / "db", "県外出荷")["total"] == 1);
  auto full = Index(t / "db", {(t / "two").string()}, 0, {"--full"});
  CHECK(full["full_rebuild"] == true);
  CHECK(full["documents"] == 2);
  CHECK(Search(t / "db", "県外出荷")["total"] == 1);
  CHECK(Search(t / "db", "値上げ")["total"] == 1);
}

TEST_CASE("search: an index of an older format is refused until index rebuilds it",
          "[disk][index]") {
  TempDir t;
  WriteFile(t / "c/a.md", Doc("CS-1", "泡盛", "県外出荷。"));
  Index(t / "db", {(t / "c").string()}, 0);
  // As a generation written before unigram terms (format 4) reads: a search there would miss
  // what one character finds, so it must not answer at all.
  const auto manifest_path = t / "db/CURRENT/manifest.json";
  nlohmann::json manifest = nlohmann::json::parse(ReadFile(manifest_path));
  for (int format : {4, 0}) {
    CAPTURE(format);
    manifest["format"] = format;
    WriteFile(manifest_path, manifest.dump());
    const CommandResult r = Yuimaru({"search", "--db", (t / "db").string(), "県"});
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("index.format") != std::string::npos);
    CHECK(r.err.find("yuimaru index") != std::string::npos);
  }
  auto rebuilt = Index(t / "db", {(t / "c").string()}, 0);
  CHECK(rebuilt["full_rebuild"] == true);
  CHECK(Search(t / "db", "県")["total"] == 1);
}

TEST_CASE("index: an incremental update ranks exactly like a full build of the same files",
          "[disk][index]") {
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  // Half the corpus first, then all of it incrementally; and all of it in one full build.
  std::vector<std::string> first_half;
  for (const char* dir : {"karte", "visits", "cases"})
    first_half.push_back((corpus / dir).string());
  Index(t / "inc", first_half, 0);
  auto inc = Index(t / "inc", {corpus.string()}, 0);
  CHECK(inc["full_rebuild"] == false);
  Index(t / "full", {corpus.string()}, 0, {"--full"});
  for (const char* q : {"事業承継 後継者", "ネット通販", "資金繰り表", "5つの壁", "台風 BCP"}) {
    CAPTURE(q);
    const auto a = Search(t / "inc", q), b = Search(t / "full", q);
    CHECK(a["total"] == b["total"]);
    REQUIRE(a["hits"].size() == b["hits"].size());
    for (size_t i = 0; i < a["hits"].size(); ++i) {
      CHECK(a["hits"][i]["id"] == b["hits"][i]["id"]);
      CHECK(a["hits"][i]["score"].get<double>() ==
            Approx(b["hits"][i]["score"].get<double>()).epsilon(1e-12));
    }
    CHECK(a["facets"] == b["facets"]);
  }
}

// The tests' cache of the bundled corpus's index (tests/support/command.cc) must hand out what a
// real run writes: the same documents, ranking and output, in a database of the caller's own.
TEST_CASE("test support: a cached index of the bundled corpus equals a real run's",
          "[disk][index]") {
  TempDir t;
  const std::string corpus = (SourceDir() / "corpus").string();
  const CommandResult cached = Yuimaru({"index", "--db", (t / "cached").string(), corpus});
  const CommandResult again = Yuimaru({"index", "--db", (t / "again").string(), corpus});
  const CommandResult real =
      RunCommand({YUIMARU_BINARY, "index", "--db", (t / "real").string(), corpus});
  REQUIRE(real.exit_code == 0);
  CHECK(cached.exit_code == 0);
  CHECK(again.err == real.err);
  // The summary line names the time the run took; the rest of it is the same.
  auto counts = [](const std::string& out) { return out.substr(0, out.find(" — ")); };
  CHECK(counts(cached.out) == counts(real.out));
  CHECK(counts(again.out) == counts(real.out));
  for (const std::string q : {"", "事業承継", "資金繰り 金融機関"}) {
    INFO(q);
    const nlohmann::json expected = Search(t / "real", q);
    CHECK(expected["total"].get<int>() > 0);
    for (const char* name : {"cached", "again"}) {
      nlohmann::json got = Search(t / name, q);
      got.erase("took_ms");
      nlohmann::json want = expected;
      want.erase("took_ms");
      CHECK(got == want);
    }
  }
  // Each caller owns its copy: a change to one is not seen in the other.
  REQUIRE(Yuimaru({"purge", "--db", (t / "cached").string(), "CS-2024-001"}).exit_code == 0);
  CHECK(Search(t / "cached", "", {"--clearance", "機密"})["total"].get<int>() + 1 ==
        Search(t / "again", "", {"--clearance", "機密"})["total"].get<int>());
}

TEST_CASE("index: a killed run leaves the last committed index intact", "[disk][index]") {
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  Index(t / "db", {(corpus / "methods").string()}, 0);
  const auto before = Search(t / "db", "資金繰り");
  // A corpus large enough that indexing takes a while: the sample corpus copied many times.
  const auto big = t / "big";
  int copies = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus)) {
    if (e.path().extension() != ".md" || e.path().filename() == "README.md") continue;
    std::string text = ReadFile(e.path());
    const size_t pos = text.find("doc_id: ");
    if (pos == std::string::npos) continue;
    const size_t eol = text.find('\n', pos);
    const std::string id = text.substr(pos + 8, eol - pos - 8);
    for (int k = 0; k < 25; ++k) {
      std::string copy = text;
      copy.replace(pos, eol - pos, "doc_id: " + id + "-c" + std::to_string(k));
      WriteFile(big / (std::to_string(k) + "/" + e.path().filename().string()), copy);
      ++copies;
    }
  }
  REQUIRE(copies > 3000);
  const std::string db = (t / "db").string();  // no allocation between fork and exec
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(YUIMARU_BINARY, YUIMARU_BINARY, "index", "--db", db.c_str(), big.c_str(), (char*)nullptr);
    _exit(127);
  }
  // Kill it while it writes the next generation (its shards' scratch databases). The bound only
  // stops a hung test, below ctest's 600 s: the scan of 4,000 files can take minutes on a loaded
  // machine, and longer under the sanitizers (2 minutes were not enough there).
  bool writing = false;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(540);
  while (!writing && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (const auto& e : std::filesystem::directory_iterator(t / "db")) {
      if (e.path().extension() == ".tmp" && std::filesystem::exists(e.path() / "scratch"))
        writing = true;
    }
  }
  REQUIRE(writing);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));

  const auto after = Search(t / "db", "資金繰り");
  CHECK(after["total"] == before["total"]);
  CHECK(Ids(after) == Ids(before));
  // The next run cleans up the debris and completes.
  auto next = Index(t / "db", {(corpus / "methods").string()}, 0);
  CHECK(next["skipped"].get<int>() > 0);
  for (const auto& e : std::filesystem::directory_iterator(t / "db"))
    CHECK(e.path().extension() != ".tmp");
}

TEST_CASE("index: a second writer is refused with exit 4, naming what holds the lock",
          "[disk][index]") {
  TempDir t;
  WriteFile(t / "c/a.md", Doc("CS-1", "泡盛", "県外出荷。"));
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), (t / "c").string()}).exit_code == 0);
  const int fd = open((t / "db/LOCK").c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(flock(fd, LOCK_EX) == 0);
  const std::string holder = "purge pid 4242\n";
  REQUIRE(ftruncate(fd, 0) == 0);
  REQUIRE(pwrite(fd, holder.data(), holder.size(), 0) == static_cast<ssize_t>(holder.size()));
  const CommandResult r = Yuimaru({"index", "--db", (t / "db").string(), (t / "c").string()});
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("index.busy") != std::string::npos);
  CHECK(r.err.find("purge pid 4242") != std::string::npos);
  const CommandResult p = Yuimaru({"purge", "--db", (t / "db").string(), "CS-1"});
  CHECK(p.exit_code == 4);
  close(fd);
  CHECK(Yuimaru({"index", "--db", (t / "db").string(), (t / "c").string()}).exit_code == 0);
}

TEST_CASE("index: usage errors exit 2, a missing path exits 1", "[disk][index]") {
  TempDir t;
  CHECK(Yuimaru({"index", "--db", (t / "db").string()}).exit_code == 2);
  CHECK(Yuimaru({"index", (t / "x").string()}).exit_code == 2);
  CHECK(Yuimaru({"index", "--db", (t / "db").string(), "--bogus", "x"}).exit_code == 2);
  const CommandResult r = Yuimaru({"index", "--db", (t / "db").string(), (t / "nowhere").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("path.not-found") != std::string::npos);
}

TEST_CASE("lint: --strict passes on the bundled corpus", "[disk][lint]") {
  const CommandResult r = Yuimaru({"lint", "--strict", (SourceDir() / "corpus").string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("lint: --strict names an unknown related or uses_cases id under its own rule",
          "[disk][lint]") {
  TempDir t;
  // A bundled 研修資料 alone: its related and uses_cases name documents that are not there.
  std::filesystem::copy_file(SourceDir() / "corpus/training/TR-2026-01.md", t / "tr.md");
  const CommandResult r = Yuimaru({"lint", "--strict", "--json", (t / "tr.md").string()});
  INFO(r.err);
  CHECK(r.exit_code != 0);
  const nlohmann::json report = r.Json();
  std::set<std::string> rules;
  for (const auto& e : report["errors"]) {
    rules.insert(e["rule"]);
    CHECK(e["message"].get<std::string>().find(e["rule"] == "front-matter.uses_cases.unknown-id"
                                                   ? "使用事例「CS-2024-003-P」"
                                                   : "関連文書「") != std::string::npos);
  }
  CHECK(rules == std::set<std::string>{"front-matter.related.unknown-id",
                                       "front-matter.uses_cases.unknown-id"});
}

// Patching a copy of the previous generation leaves its freed blocks behind: run after run the
// index grew (27.6 MB to 57 MB in three runs). Past 1.3 times its compacted size a generation
// is compacted before it is published.
TEST_CASE("index: incremental runs keep the generation within 1.3 times its compacted size",
          "[disk][index]") {
  TempDir t;
  const auto c = t / "corpus";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(SourceDir() / "corpus")) {
    if (e.path().extension() != ".md" || e.path().filename() == "README.md") continue;
    const auto to = c / std::filesystem::relative(e.path(), SourceDir() / "corpus");
    WriteFile(to, ReadFile(e.path()));
    files.push_back(to);
  }
  const nlohmann::json first = Index(t / "db", {c.string()}, 0);
  const double full = first["index_bytes"].get<double>();
  REQUIRE(full > 0);
  int compactions = 0;
  for (int run = 0; run < 6; ++run) {
    for (size_t i = 0; i < 12; ++i) {
      const auto& f = files[(run * 12 + i) % files.size()];
      WriteFile(f, ReadFile(f) + "\nzqxappended " + std::to_string(run) + "\n");
    }
    const nlohmann::json r = Index(t / "db", {c.string()}, 0);
    INFO("run " << run << ": " << r.dump());
    CHECK(r["full_rebuild"] == false);
    CHECK(r["updated"] == 12);
    CHECK(r["index_bytes"].get<double>() <= 1.3 * full * 1.02);  // 2%: the appended lines
    compactions += r["compacted"].get<bool>();
  }
  CHECK(compactions >= 1);
  CHECK(Search(t / "db", "zqxappended")["total"] == 72);
}

// On a small tmpfs (root only: mounting needs it; skipped with a message otherwise).
TEST_CASE("index: a full disk is named as such, and the last index stays", "[disk][index]") {
  TempDir t;
  const auto mnt = t / "mnt";
  std::filesystem::create_directories(mnt);
  if (geteuid() != 0 ||
      RunCommand({"/bin/mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt.string()})
              .exit_code != 0) {
    WARN("skipped: mounting a small tmpfs needs root");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { RunCommand({"/bin/umount", path}); }
  } unmount{mnt.string()};
  const auto c = t / "corpus";
  for (const auto& e : std::filesystem::recursive_directory_iterator(SourceDir() / "corpus")) {
    if (e.path().extension() != ".md" || e.path().filename() == "README.md") continue;
    WriteFile(c / std::filesystem::relative(e.path(), SourceDir() / "corpus"), ReadFile(e.path()));
  }
  const auto db = mnt / "db";
  Index(db, {c.string()}, 0);
  nlohmann::json before = Search(db, "事業承継");
  before.erase("took_ms");
  // Fill the disk so that the copy for the next generation cannot fit.
  const CommandResult df = RunCommand({"/bin/df", "--output=avail", "-B1", mnt.string()});
  const long long avail = std::stoll(df.out.substr(df.out.find('\n') + 1));
  REQUIRE(RunCommand({"/usr/bin/fallocate", "-l", std::to_string(avail - 3'000'000),
                      (mnt / "fill").string()})
              .exit_code == 0);
  for (const auto& e : std::filesystem::recursive_directory_iterator(c)) {
    if (e.path().extension() == ".md") {
      WriteFile(e.path(), ReadFile(e.path()) + "\n追記\n");
      break;
    }
  }
  const CommandResult full = Yuimaru({"index", "--db", db.string(), c.string()});
  INFO(full.err);
  CHECK(full.exit_code == 1);
  CHECK(full.err.find("index.disk-full: No space left on device") != std::string::npos);
  CHECK(full.err.find("Input/output error") == std::string::npos);
  nlohmann::json same = Search(db, "事業承継");
  same.erase("took_ms");
  CHECK(same == before);
  std::filesystem::remove(mnt / "fill");
  const nlohmann::json after = Index(db, {c.string()}, 0);
  CHECK(after["updated"] == 1);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("yuimaru index: everything under DB is the owner's only (0700 / 0600)", "[disk][cli]") {
  const mode_t old_mask = ::umask(022);  // the usual umask: group and others may read
  TempDir t;
  const std::filesystem::path db = t / "db";
  CHECK(
      Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus/cases").string()}).exit_code ==
      0);
  CHECK(
      RunCommand({YUIMARU_BINARY, "user", "add", "--db", db.string(), "--generate-password", "k07"})
          .exit_code == 0);
  CHECK(Yuimaru({"purge", "--db", db.string(), "CS-2024-001"}).exit_code == 0);
  ::umask(old_mask);
  size_t checked = 0;
  auto check = [&](const std::filesystem::path& p) {
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    if (S_ISLNK(st.st_mode)) return;  // a symlink's own mode is never used
    INFO(p.string() << " mode " << std::oct << (st.st_mode & 0777));
    CHECK((st.st_mode & 0077) == 0);
    ++checked;
  };
  check(db);
  for (const auto& e : std::filesystem::recursive_directory_iterator(db)) check(e.path());
  CHECK(checked > 10);
}

}  // namespace
}  // namespace yuimaru::testing
