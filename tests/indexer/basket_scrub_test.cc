// A purge's pass over the 研修 pack baskets: what it drops, what it removes, and that it takes
// turns with a basket change in flight (the web's BasketStore holds the same lock).
#include "indexer/basket_scrub.h"

#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "core/file_lock.h"
#include "core/index_layout.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::indexer {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

const std::set<std::string> kPurged = {"CS-2024-003"};

fs::path Packs(const TempDir& t) { return t / core::kPackBasketsDir; }

// Whether some process waits for an flock on `path` (a "->" line of /proc/locks names its
// inode). Lets a test see that the other side is blocked on the lock without guessing a time.
bool SomeoneWaitsFor(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const std::string inode = ":" + std::to_string(st.st_ino) + " ";
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    if (line.find("->") != std::string::npos && line.find(inode) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("ScrubBaskets: drops the purged documents and their sections, keeps the rest",
          "[basket_scrub][disk]") {
  TempDir t;
  WriteFile(Packs(t) / "tester.txt",
            "title: 勉強会\nCS-2024-003\nCS-2024-001\nCS-2024-003#経営者の変化\n");
  WriteFile(Packs(t) / "other.txt", "MS-0001\n");
  auto scrub = ScrubBaskets(t.path(), kPurged);
  REQUIRE(scrub);
  CHECK(scrub->items_removed == 2);
  CHECK(ReadFile(Packs(t) / "tester.txt") == "title: 勉強会\nCS-2024-001\n");
  CHECK(ReadFile(Packs(t) / "other.txt") == "MS-0001\n");
  CHECK((fs::status(Packs(t) / "tester.txt").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  auto again = ScrubBaskets(t.path(), kPurged);
  REQUIRE(again);
  CHECK(again->items_removed == 0);
}

// A write killed before its rename leaves <user>.txt.tmp (the web's) or .purge.tmp (a purge's)
// with what the basket held then: the purged id would survive there.
TEST_CASE("ScrubBaskets: stray temporary files of killed writes are removed",
          "[basket_scrub][disk]") {
  TempDir t;
  WriteFile(Packs(t) / "tester.txt", "CS-2024-001\n");
  WriteFile(Packs(t) / "tester.txt.tmp", "CS-2024-003\nCS-2024-001\n");
  WriteFile(Packs(t) / "other.txt.purge.tmp", "CS-2024-003\n");
  auto scrub = ScrubBaskets(t.path(), kPurged);
  REQUIRE(scrub);
  CHECK(scrub->temp_files_removed == 2);
  CHECK_FALSE(fs::exists(Packs(t) / "tester.txt.tmp"));
  CHECK_FALSE(fs::exists(Packs(t) / "other.txt.purge.tmp"));
  CHECK(ReadFile(Packs(t) / "tester.txt") == "CS-2024-001\n");
}

// The interleaving of the review: a request has read the basket (with the id) and is about to
// save it with one more item when the purge rewrites the baskets. With the lock, the purge waits
// for the save and then drops the id from what was saved; without it, the save would put the id
// back after the purge.
TEST_CASE("ScrubBaskets: waits for a basket change in flight and drops the id it saved",
          "[basket_scrub][disk]") {
  TempDir t;
  WriteFile(Packs(t) / "tester.txt", "CS-2024-003\n");
  std::atomic<bool> done{false};
  Result<BasketScrub> scrub = BasketScrub{};
  std::thread purge;
  {
    auto held = core::LockPackBaskets(Packs(t));  // the request's Update, between Load and Save
    REQUIRE(held);
    const std::string read_before = ReadFile(Packs(t) / "tester.txt");
    purge = std::thread([&] {
      scrub = ScrubBaskets(t.path(), kPurged);
      done = true;
    });
    while (!done && !SomeoneWaitsFor(Packs(t) / core::kPackBasketsLockFile)) {
      std::this_thread::yield();
    }
    CHECK_FALSE(done);
    // The request saves what it read plus its new item; leaving the block ends its Update.
    std::ofstream(Packs(t) / "tester.txt", std::ios::trunc) << read_before << "CS-2024-001\n";
  }
  purge.join();

  REQUIRE(scrub);
  CHECK(scrub->items_removed == 1);
  CHECK(ReadFile(Packs(t) / "tester.txt") == "CS-2024-001\n");
}

}  // namespace
}  // namespace yuimaru::indexer
