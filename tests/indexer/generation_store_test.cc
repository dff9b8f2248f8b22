#include "indexer/generation_store.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>

#include "core/index_layout.h"
#include "indexer/indexer.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::indexer {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::set<std::string> Names(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

Manifest OneFile(uint64_t generation, const std::string& id) {
  Manifest m;
  m.generation = generation;
  m.files["/c/" + id + ".md"] = ManifestEntry{"c/" + id + ".md", "h-" + id, id};
  m.compacted_bytes = 1000 + generation;
  return m;
}

// Stages, fills and publishes one generation of `store`, a file `data` in it.
uint64_t PublishOne(const GenerationStore& store, uint64_t previous, const std::string& id) {
  auto staged = store.Stage(previous);
  REQUIRE(staged);
  testing::WriteFile(staged->dir / "data", id);
  REQUIRE(store.Publish(*staged, OneFile(staged->number, id)));
  return staged->number;
}

std::string CurrentName(const fs::path& db) {
  return fs::read_symlink(db / core::kCurrentLink).string();
}

TEST_CASE("GenerationStore: a published generation is current, with its manifest",
          "[generation_store][disk]") {
  TempDir t;
  auto store = GenerationStore::Open(t.path(), Writer::kIndex);
  REQUIRE(store);
  CHECK_FALSE(store->LoadCurrent());

  auto staged = store->Stage(0);
  REQUIRE(staged);
  CHECK(staged->number == 1);
  CHECK(staged->name == "gen-000001");
  CHECK(staged->dir == t / "gen-000001.tmp");
  CHECK(fs::is_directory(staged->dir));
  testing::WriteFile(staged->dir / "s00" / "data", "x");
  CHECK_FALSE(fs::exists(t / core::kCurrentLink));  // not visible before the publish

  const Manifest m = OneFile(1, "a");
  REQUIRE(store->Publish(*staged, m));
  CHECK(CurrentName(t.path()) == "gen-000001");
  CHECK_FALSE(fs::exists(staged->dir));
  CHECK(testing::ReadFile(t / "gen-000001" / "s00" / "data") == "x");
  const auto current = store->LoadCurrent();
  REQUIRE(current);
  CHECK(current->dir == t / "gen-000001");
  CHECK(current->manifest.generation == 1);
  CHECK(current->manifest.files == m.files);
  CHECK(current->manifest.compacted_bytes == m.compacted_bytes);
  CHECK(Names(t.path()) == std::set<std::string>{"CURRENT", "LOCK", "gen-000001"});
}

TEST_CASE(
    "GenerationStore: the generation before the current one is kept for readers, older "
    "ones go",
    "[generation_store][disk]") {
  TempDir t;
  auto store = GenerationStore::Open(t.path(), Writer::kIndex);
  REQUIRE(store);
  uint64_t g = 0;
  for (const char* id : {"a", "b", "c", "d"}) {
    g = PublishOne(*store, g, id);
    store->CollectGarbage(g);
  }
  CHECK(g == 4);
  CHECK(Names(t.path()) == std::set<std::string>{"CURRENT", "LOCK", "gen-000003", "gen-000004"});
  CHECK(CurrentName(t.path()) == "gen-000004");
  CHECK(store->GenerationsOtherThan(4) == std::vector<fs::path>{t / "gen-000003"});
}

TEST_CASE("GenerationStore: leftovers of killed runs are removed and their numbers never reused",
          "[generation_store][disk]") {
  TempDir t;
  {
    auto store = GenerationStore::Open(t.path(), Writer::kIndex);
    REQUIRE(store);
    PublishOne(*store, 0, "a");
  }
  // A run killed while writing generation 2 and 3, and one killed between its rename and the
  // switch of CURRENT (a complete gen-000004 that CURRENT never named).
  testing::WriteFile(t / "gen-000002.tmp" / "s00" / "half", "x");
  testing::WriteFile(t / "gen-000003.tmp" / "manifest.json", "{\"format\":");
  testing::WriteFile(t / "gen-000004" / "manifest.json", "{}");
  // Names that are not generations are not the store's to remove.
  testing::WriteFile(t / "gen-notes" / "x", "x");
  testing::WriteFile(t / core::kUsersFile, "{}");

  auto store = GenerationStore::Open(t.path(), Writer::kIndex);
  REQUIRE(store);
  const auto current = store->LoadCurrent();
  REQUIRE(current);
  CHECK(current->manifest.generation == 1);  // the half-written ones are never current
  CHECK(store->NextGeneration(1) == 5);
  store->CollectGarbage(1);
  CHECK(Names(t.path()) == std::set<std::string>{"CURRENT", "LOCK", "gen-000001", "gen-000004",
                                                 "gen-notes", "users.json"});
  auto staged = store->Stage(1);
  REQUIRE(staged);
  CHECK(staged->name == "gen-000005");
  REQUIRE(store->Publish(*staged, OneFile(5, "b")));
  store->CollectGarbage(5);
  CHECK(Names(t.path()) == std::set<std::string>{"CURRENT", "LOCK", "gen-000004", "gen-000005",
                                                 "gen-notes", "users.json"});
}

TEST_CASE("GenerationStore: a stale lock file does not block, a held lock names its holder",
          "[generation_store][disk]") {
  TempDir t;
  // What a killed writer leaves: the file with its name, but no flock (the kernel dropped it).
  testing::WriteFile(t / core::kLockFile, "index pid 999999\n");
  auto first = GenerationStore::Open(t.path(), Writer::kPurge);
  REQUIRE(first);
  CHECK(testing::ReadFile(t / core::kLockFile).rfind("purge pid ", 0) == 0);

  auto second = GenerationStore::Open(t.path(), Writer::kIndex);
  REQUIRE_FALSE(second);
  CHECK(second.error().code == ErrorCode::kBusy);
  CHECK(second.error().rule == "index.busy");
  CHECK(second.error().message.find("（purge pid ") != std::string::npos);

  { auto moved = std::move(*first); }  // released with the last owner
  CHECK(GenerationStore::Open(t.path(), Writer::kIndex));
}

TEST_CASE("GenerationStore: a failure before the switch leaves CURRENT where it was",
          "[generation_store][disk]") {
  TempDir t;
  auto store = GenerationStore::Open(t.path(), Writer::kPurge);
  REQUIRE(store);
  PublishOne(*store, 0, "a");
  auto staged = store->Stage(1);
  REQUIRE(staged);
  bool called = false;
  const Status s = store->Publish(*staged, OneFile(2, "b"), [&]() -> Status {
    called = true;
    return MakeError(ErrorCode::kIo, "purge.journal", "disk gone");
  });
  CHECK(called);
  REQUIRE_FALSE(s);
  CHECK(s.error().rule == "purge.journal");
  CHECK(CurrentName(t.path()) == "gen-000001");
  CHECK(fs::exists(t / "gen-000002"));  // renamed, never named by CURRENT
  CHECK(store->LoadCurrent()->manifest.generation == 1);
  CHECK(store->NextGeneration(1) == 3);
}

TEST_CASE("GenerationStore: a staged generation can be discarded, and errors name the writer",
          "[generation_store][disk]") {
  TempDir t;
  auto store = GenerationStore::Open(t.path(), Writer::kPurge);
  REQUIRE(store);
  auto staged = store->Stage(0);
  REQUIRE(staged);
  testing::WriteFile(staged->dir / "x", "x");
  store->Discard(*staged);
  CHECK(Names(t.path()) == std::set<std::string>{"LOCK"});

  // Where the staged directory cannot be renamed to (a non-empty directory of that name is in
  // the way): purge.publish.
  auto again = store->Stage(0);
  REQUIRE(again);
  fs::create_directories(t / again->name / "occupied");
  const Status s = store->Publish(*again, OneFile(1, "a"));
  REQUIRE_FALSE(s);
  CHECK(s.error().rule == "purge.publish");
  CHECK_FALSE(fs::exists(t / core::kCurrentLink));
}

TEST_CASE("GenerationStore: a manifest of another format reads as no generation",
          "[generation_store][disk]") {
  TempDir t;
  testing::WriteFile(t / "gen-000001" / core::kManifestFile,
                     "{\"format\": 2, \"generation\": 1, \"files\": {}}");
  fs::create_directory_symlink("gen-000001", t / core::kCurrentLink);
  CHECK_FALSE(LoadManifest(t / "gen-000001"));
  auto store = GenerationStore::Open(t.path(), Writer::kIndex);
  REQUIRE(store);
  CHECK_FALSE(store->LoadCurrent());
  CHECK(store->NextGeneration(0) == 2);
}

TEST_CASE("GenerationStore: a purge journal left by a run killed before its switch is dropped",
          "[generation_store][disk]") {
  TempDir t;
  {
    auto store = GenerationStore::Open(t.path(), Writer::kIndex);
    REQUIRE(store);
    PublishOne(*store, 0, "a");
  }
  // The journal names generation 2, which never became current.
  testing::WriteFile(t / core::kPurgeJournalFile,
                     "{\"ids\":[\"a\"],\"sources\":[\"c/a.md\"],\"generation\":2,"
                     "\"probes_found_before\":3}");
  CHECK(HasPendingPurge(t.path()));
  auto resumed = ResumePurge(t.path());
  REQUIRE_FALSE(resumed);
  CHECK(resumed.error().rule == "purge.not-switched");
  CHECK_FALSE(HasPendingPurge(t.path()));
  CHECK(CurrentName(t.path()) == "gen-000001");
  CHECK(ResumePurge(t.path()).error().rule == "purge.no-journal");
}

}  // namespace
}  // namespace yuimaru::indexer
