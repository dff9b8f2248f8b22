// core/io: SHA-256 against known vectors, and replacing a file whole (links not followed).
#include "core/io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "tests/support/temp_dir.h"

namespace yuimaru::core {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST_CASE("io: SHA-256 of known inputs, whole and in pieces", "[core]") {
  // FIPS 180-2 examples.
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256("abc").size() == 32);
  const std::string text = "支援ノウハウの蓄積・横展開";
  Sha256Stream stream;
  for (char c : text) stream.Update(std::string_view(&c, 1));
  CHECK(stream.HexDigest() == Sha256Hex(text));
}

TEST_CASE("io: a file is replaced whole, 0600, and a planted link is not followed",
          "[core][disk]") {
  testing::TempDir dir;
  const fs::path file = dir.path() / "users.json";
  REQUIRE(WriteFileAtomically(file, "old", ".tmp", 0600));
  CHECK(Read(file) == "old");
  const mode_t old_umask = ::umask(0);  // the mode comes from the call, not the umask
  const bool written = bool(WriteFileAtomically(file, "new contents", ".tmp", 0600));
  ::umask(old_umask);
  REQUIRE(written);
  CHECK(Read(file) == "new contents");
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(fs::exists(dir.path() / "users.json.tmp"));

  // A link at the temporary name pointing elsewhere: refused, the target untouched, the old
  // file kept.
  const fs::path victim = dir.path() / "victim";
  std::ofstream(victim) << "victim";
  fs::create_symlink(victim, dir.path() / "users.json.tmp");
  auto s = WriteFileAtomically(file, "attacker", ".tmp", 0600);
  REQUIRE_FALSE(s);
  CHECK(s.error().rule == "io.write");
  CHECK(s.error().source == file.string());
  CHECK(Read(victim) == "victim");
  CHECK(Read(file) == "new contents");

  // A directory that cannot be written: an error, nothing half-written.
  auto missing = WriteFileAtomically(dir.path() / "no" / "such" / "dir" / "f", "x");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kIo);
}

TEST_CASE("io: SyncPath syncs files and directories and names what it cannot open",
          "[core][disk]") {
  testing::TempDir dir;
  std::ofstream(dir.path() / "f") << "x";
  CHECK(SyncPath(dir.path() / "f"));
  CHECK(SyncPath(dir.path()));
  auto s = SyncPath(dir.path() / "missing");
  REQUIRE_FALSE(s);
  CHECK(s.error().rule == "io.sync");
}

TEST_CASE("io: a ScopedTempDir is private, unique, under the temp directory and removed with it",
          "[core][disk]") {
  fs::path first_path, second_path;
  {
    auto first = ScopedTempDir::Create("yuimaru-io-test-");
    auto second = ScopedTempDir::Create("yuimaru-io-test-");
    REQUIRE(first);
    REQUIRE(second);
    first_path = first->path();
    second_path = second->path();
    CHECK(first_path != second_path);
    CHECK(first_path.parent_path() == fs::temp_directory_path());
    CHECK(first_path.filename().string().starts_with("yuimaru-io-test-"));
    // Six random characters after the prefix: the name cannot be guessed in advance.
    CHECK(first_path.filename().string().size() == std::string("yuimaru-io-test-").size() + 6);
    struct stat st {};
    REQUIRE(::stat(first_path.c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 07777) == 0700);
    // What a tool left inside goes with it.
    fs::create_directories(first_path / "out" / "deep");
    std::ofstream(first_path / "out" / "deep" / "pack.pdf") << "%PDF";

    // A move hands the directory over; the moved-from object removes nothing.
    ScopedTempDir moved = std::move(*second);
    CHECK(moved.path() == second_path);
    CHECK(second->path().empty());
  }
  CHECK_FALSE(fs::exists(first_path));
  CHECK_FALSE(fs::exists(second_path));
}

}  // namespace
}  // namespace yuimaru::core
