// `yuimaru purge`: after it, no byte of the index directory holds a purged document's unique
// strings; the rest of the index answers as before; the audit trail records it.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/file_lock.h"
#include "core/normalizer.h"
#include "core/utf8.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Letter(char32_t c) {
  return (c >= 0x3041 && c <= 0x30FA) || (c >= 0x4E00 && c <= 0x9FFF);  // kana, kanji
}

// Two-letter strings (kana, kanji) of `text`, normalized, as UTF-8.
std::set<std::string> Bigrams(const std::string& text) {
  std::set<std::string> out;
  const auto cps = core::DecodeUtf8(core::NormalizeToUtf8(text));
  REQUIRE(cps);
  for (size_t i = 0; i + 1 < cps->size(); ++i) {
    if (!Letter((*cps)[i]) || !Letter((*cps)[i + 1])) continue;
    std::string s;
    core::AppendUtf8((*cps)[i], s);
    core::AppendUtf8((*cps)[i + 1], s);
    out.insert(s);
  }
  return out;
}

// How many of `needles` occur in any file under `dir`, except the roster and the audit trail.
size_t FoundOnDisk(const std::filesystem::path& dir, const std::set<std::string>& needles) {
  std::set<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "audit.jsonl") continue;
    const std::string bytes = Slurp(e.path());
    for (const auto& n : needles) {
      if (bytes.find(n) != std::string::npos) found.insert(n);
    }
  }
  return found.size();
}

// A user's 研修 pack basket under DB/packs (core/pack_list.h's format, as the web writes it) with
// the purged case whole and one of its sections, and a document that stays.
constexpr char kBasket[] =
    "title: 勉強会\nCS-2024-003\nCS-2024-001\nCS-2024-003#経営者の変化（自走化の兆し）\n";
constexpr char kBasketAfter[] = "title: 勉強会\nCS-2024-001\n";
constexpr char kPurgedHeading[] = "自走化の兆し";

std::filesystem::path WriteBasket(const std::filesystem::path& db) {
  const auto dir = db / "packs";
  std::filesystem::create_directories(dir);
  const auto path = dir / "tester.txt";
  std::ofstream(path, std::ios::binary) << kBasket;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path;
}

// Whether any file under DB/packs holds `text`.
bool InBaskets(const std::filesystem::path& db, const std::string& text) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(db / "packs")) {
    if (e.is_regular_file() && Slurp(e.path()).find(text) != std::string::npos) return true;
  }
  return false;
}

uint64_t Total(const std::filesystem::path& db, const std::string& q) {
  const CommandResult r = Yuimaru({"search", "--db", db.string(), "--json", "--limit", "0", q});
  REQUIRE(r.exit_code == 0);
  return r.Json()["total"].get<uint64_t>();
}

TEST_CASE("purge: none of a purged document's unique strings is left on disk", "[disk][purge]") {
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), corpus.string()}).exit_code == 0);
  // Two runs, so there are two generations holding the document.
  REQUIRE(Yuimaru({"index", "--db", db.string(), "--full", corpus.string()}).exit_code == 0);

  // A firm's case (with 非公開 sections: several versions in several shards) and its public copy.
  const std::set<std::string> targets = {"CS-2024-003", "CS-2024-003-P"};
  std::set<std::string> unique;
  std::set<std::string> others;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus)) {
    if (e.path().extension() != ".md") continue;
    const auto grams = Bigrams(Slurp(e.path()));
    if (targets.count(e.path().stem().string())) {
      unique.insert(grams.begin(), grams.end());
    } else {
      others.insert(grams.begin(), grams.end());
    }
  }
  for (const auto& g : others) unique.erase(g);
  REQUIRE(unique.size() >= 10);
  // The scan can see them before: otherwise "none after" would prove nothing.
  const size_t before = FoundOnDisk(db, unique);
  CHECK(before >= unique.size() / 2);
  const std::string some = *unique.begin();
  CHECK(Total(db, some) == 1);
  const uint64_t all_before = Total(db, "");
  const uint64_t succession_before = Total(db, "事業承継");
  const auto basket = WriteBasket(db);

  const CommandResult r = Yuimaru({"purge", "--db", db.string(), "CS-2024-003", "CS-2024-003-P"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("廃棄証明: ids=CS-2024-003,CS-2024-003-P ") != std::string::npos);
  CHECK(r.out.find("消去後 0 件") != std::string::npos);
  // The basket keeps the other document only, still 0600, and no purged heading is left.
  CHECK(Slurp(basket) == kBasketAfter);
  CHECK((std::filesystem::status(basket).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK_FALSE(InBaskets(db, "CS-2024-003"));
  CHECK_FALSE(InBaskets(db, kPurgedHeading));
  CHECK(r.out.find("パックから削除 2 件") != std::string::npos);
  CHECK(r.err.find("CS-2024-003.md は残っています") != std::string::npos);

  CHECK(FoundOnDisk(db, unique) == 0);
  CHECK(Total(db, some) == 0);
  CHECK(Total(db, "") == all_before - 2);
  CHECK(Total(db, "事業承継") <= succession_before);
  for (const auto& id : targets) CHECK(Yuimaru({"show", "--db", db.string(), id}).exit_code != 0);
  CHECK(Yuimaru({"show", "--db", db.string(), "CS-2024-001"}).exit_code == 0);

  const std::string trail = Slurp(db / "audit.jsonl");
  CHECK(trail.find("\"action\":\"purge\",\"ids\":\"CS-2024-003,CS-2024-003-P\"") !=
        std::string::npos);
  CHECK(trail.find("\"basket_items\":\"2\"") != std::string::npos);
  CHECK(Yuimaru({"audit", "verify", (db / "audit.jsonl").string()}).exit_code == 0);
}

// A server that still reads the purged generation (it lets go within a second) can put a purged
// id into a basket after the purge's first pass over the baskets. The purge waits for such
// readers before its certificate; its second pass, after that wait, drops the id again. This
// test process plays the server: it holds a file of the old generation open, and puts the id
// back once the first pass is seen, holding the baskets' lock as the web's store does.
TEST_CASE(
    "purge: an id put into a basket by a reader of the old generation is dropped before "
    "the certificate",
    "[disk][purge]") {
  TempDir t;
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus").string()}).exit_code ==
          0);
  const auto basket = WriteBasket(db);
  const auto old_generation = std::filesystem::canonical(db / "CURRENT");
  const int held = ::open((old_generation / "manifest.json").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(held >= 0);

  std::atomic<bool> done{false};
  CommandResult r;
  std::thread purge([&] {
    r = Yuimaru({"purge", "--db", db.string(), "CS-2024-003", "CS-2024-003-P"});
    done = true;
  });
  // Polled, not timed: the purge cannot get past its wait while `held` is open.
  while (!done && Slurp(basket) != kBasketAfter) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK_FALSE(done);
  {
    auto lock = core::LockPackBaskets(db / "packs");
    CHECK(lock);
    std::ofstream(basket, std::ios::trunc) << kBasketAfter << "CS-2024-003\n";
  }
  ::close(held);
  purge.join();

  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(Slurp(basket) == kBasketAfter);
  CHECK(r.out.find("パックから削除 3 件") != std::string::npos);
  CHECK(r.out.find("保持プロセス: なし") != std::string::npos);
  CHECK(Slurp(db / "audit.jsonl").find("\"basket_items\":\"3\"") != std::string::npos);
}

// Killed right after deleting the only older generation: no unique strings can be taken from
// one any more. The resumed purge still looks for the ids' own terms (and checks that the new
// generation has none of them) instead of certifying a scan for nothing.
TEST_CASE("purge: resumed with no older generation left, it still probes for the purged ids",
          "[disk][purge]") {
  TempDir t;
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus").string()}).exit_code ==
          0);
  setenv("YUIMARU_TEST_CRASH_AT", "purge-deleting", 1);
  const CommandResult killed =
      Yuimaru({"purge", "--db", db.string(), "CS-2024-003", "CS-2024-003-P"});
  unsetenv("YUIMARU_TEST_CRASH_AT");
  REQUIRE(killed.exit_code == -1);  // SIGKILL
  size_t generations = 0;
  for (const auto& e : std::filesystem::directory_iterator(db)) {
    generations += e.path().filename().string().starts_with("gen-");
  }
  REQUIRE(generations == 1);  // only the new one: nothing to take probes from

  const CommandResult r = Yuimaru({"purge", "--db", db.string(), "--resume"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("廃棄証明（中断からの完了）") != std::string::npos);
  // QCS-2024-003 and QCS-2024-003-P: no other id term contains either.
  CHECK(r.out.find("固有文字列 2 個") != std::string::npos);
  CHECK(r.out.find("消去後 0 件") != std::string::npos);
}

TEST_CASE("purge: an unknown id changes nothing", "[disk][purge]") {
  TempDir t;
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (SourceDir() / "corpus").string()}).exit_code ==
          0);
  const auto gen_before = std::filesystem::read_symlink(db / "CURRENT");
  const CommandResult r = Yuimaru({"purge", "--db", db.string(), "CS-2024-003", "NO-SUCH-ID"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("NO-SUCH-ID") != std::string::npos);
  CHECK(std::filesystem::read_symlink(db / "CURRENT") == gen_before);
  CHECK(Total(db, "") > 0);
  const CommandResult show = Yuimaru({"show", "--db", db.string(), "CS-2024-003"});
  CHECK(show.exit_code == 0);
}

// A purge killed after it published the new generation left the erased documents in the old
// one, and a second purge refused their ids ("unknown id") with no audit line. The journal
// written before the switch lets the next purge or index run finish it: older generations
// removed, the directory scanned again, certificate and audit entry written.
TEST_CASE("purge: killed after publishing, it is finished by the next purge or index run",
          "[disk][purge]") {
  auto [crash_at, resume] = GENERATE(table<std::string, std::string>({
      {"purge-switched", "purge"},
      {"purge-switched", "index"},
      {"purge-deleting", "purge"},
  }));
  CAPTURE(crash_at, resume);
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  const auto db = t / "db";
  REQUIRE(Yuimaru({"index", "--db", db.string(), corpus.string()}).exit_code == 0);
  REQUIRE(Yuimaru({"index", "--db", db.string(), "--full", corpus.string()}).exit_code == 0);
  std::set<std::string> unique, others;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus)) {
    if (e.path().extension() != ".md") continue;
    const auto grams = Bigrams(Slurp(e.path()));
    const bool target = e.path().stem() == "CS-2024-003" || e.path().stem() == "CS-2024-003-P";
    (target ? unique : others).insert(grams.begin(), grams.end());
  }
  for (const auto& g : others) unique.erase(g);
  REQUIRE(unique.size() >= 10);
  const auto basket = WriteBasket(db);

  setenv("YUIMARU_TEST_CRASH_AT", crash_at.c_str(), 1);
  const CommandResult killed =
      Yuimaru({"purge", "--db", db.string(), "CS-2024-003", "CS-2024-003-P"});
  unsetenv("YUIMARU_TEST_CRASH_AT");
  REQUIRE(killed.exit_code == -1);  // SIGKILL
  CHECK(std::filesystem::exists(db / "purge-journal.json"));
  CHECK(Total(db, *unique.begin()) == 0);  // published: searches no longer find it
  CHECK(FoundOnDisk(db, unique) > 0);      // but an older generation still holds it

  const CommandResult r =
      resume == "purge"
          ? Yuimaru({"purge", "--db", db.string(), "CS-2024-003", "CS-2024-003-P"})
          : Yuimaru({"index", "--db", db.string(),
                     (SourceDir() / "tests" / "data" / "leaks" / "accepted").string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("廃棄証明（中断からの完了）: ids=CS-2024-003,CS-2024-003-P ") !=
        std::string::npos);
  CHECK(r.out.find("消去後 0 件") != std::string::npos);
  CHECK(FoundOnDisk(db, unique) == 0);
  // The baskets are part of what the resumed purge finishes.
  CHECK(Slurp(basket) == kBasketAfter);
  CHECK_FALSE(InBaskets(db, kPurgedHeading));
  CHECK_FALSE(std::filesystem::exists(db / "purge-journal.json"));
  const std::string trail = Slurp(db / "audit.jsonl");
  CHECK(trail.find("\"action\":\"purge\",\"ids\":\"CS-2024-003,CS-2024-003-P\"") !=
        std::string::npos);
  CHECK(trail.find("\"resumed\":\"yes\"") != std::string::npos);
  CHECK(Yuimaru({"audit", "verify", (db / "audit.jsonl").string()}).exit_code == 0);
  CHECK(Yuimaru({"purge", "--db", db.string(), "--resume"}).out.find("ありません") !=
        std::string::npos);
}

}  // namespace
}  // namespace yuimaru::testing
