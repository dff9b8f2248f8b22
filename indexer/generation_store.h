// The index directory as a store of generations (core/index_layout.h): the writer's lock, the
// manifest of a generation, and the one sequence that publishes a new generation, used by both
// index and purge. What goes into a generation is decided elsewhere (index_plan.h) and built
// elsewhere (generation_builder.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace yuimaru::indexer {

struct ManifestEntry {
  std::string path;
  std::string hash;
  std::string doc_id;

  bool operator==(const ManifestEntry&) const = default;
};

// What a generation holds: the source files it indexed. Stored as DB/gen-N/manifest.json.
struct Manifest {
  uint64_t generation = 0;
  std::map<std::string, ManifestEntry> files;  // key: PathKey
  // Bytes of the generation's databases when last compacted (a full build or a compaction);
  // 0 if not known. Incremental runs grow a copy; past a factor of this, it is compacted.
  uint64_t compacted_bytes = 0;
};

// The manifest of the generation in `gen_dir`; nullopt if it is missing, unreadable or of
// another format (the generation is then treated as absent: the next run builds afresh).
std::optional<Manifest> LoadManifest(const std::filesystem::path& gen_dir);

// Writes `manifest` into `gen_dir` and fsyncs it. Fails with kIo ("index.manifest",
// "index.sync").
Status WriteManifest(const std::filesystem::path& gen_dir, const Manifest& manifest);

// An error of kind kIo with `where` as its source.
Error IoError(std::string rule, std::string message, const std::filesystem::path& where = {});

// fsync of one file or directory. Fails with kIo ("index.sync").
Status SyncPath(const std::filesystem::path& path);
// fsync of every file of a tree, then of its directories, so that a rename of the tree is only
// ever observed with complete contents. Fails with kIo ("index.sync").
Status SyncTree(const std::filesystem::path& root);
// Writes `data` to `path` (replacing it) and fsyncs it. Fails with kIo ("index.write",
// "index.sync").
Status WriteFileSynced(const std::filesystem::path& path, const std::string& data);

// Who writes: named in the lock file (so that a second writer can say who holds the index) and
// in the rules of errors that differ between the two ("index.create" / "purge.create",
// "index.publish" / "purge.publish").
enum class Writer { kIndex, kPurge };

// A generation being written: DB/gen-N.tmp, not visible to readers until published.
struct StagedGeneration {
  uint64_t number = 0;
  std::string name;           // gen-N
  std::filesystem::path dir;  // DB/gen-N.tmp
};

// The index directory, held by one writer for as long as this object lives (flock on DB/LOCK,
// released by the destructor or when the process dies, so a lock file left behind by a killed
// writer never blocks). Not thread-safe; one per process and directory.
class GenerationStore {
 public:
  // Takes the writer's lock on `db` (which must exist). Fails with kBusy ("index.busy", naming
  // the holder, e.g. "index pid 123") while another writer holds it, kIo ("index.lock") if the
  // lock file cannot be created.
  static Result<GenerationStore> Open(const std::filesystem::path& db, Writer writer);

  GenerationStore(GenerationStore&& other) noexcept;
  GenerationStore& operator=(GenerationStore&&) = delete;
  ~GenerationStore();

  const std::filesystem::path& db() const { return db_; }

  // The generation CURRENT names, with its manifest; nullopt if there is none or its manifest
  // cannot be read.
  struct Current {
    std::filesystem::path dir;
    Manifest manifest;
  };
  std::optional<Current> LoadCurrent() const;

  // One above the highest of `previous` and every generation directory in DB, finished or not,
  // so a number is never reused.
  uint64_t NextGeneration(uint64_t previous) const;

  // An empty DB/gen-N.tmp for N = NextGeneration(previous) (a leftover of that name is removed
  // first). Fails with kIo ("index.create" / "purge.create").
  Result<StagedGeneration> Stage(uint64_t previous) const;
  // Removes a staged generation that will not be published.
  void Discard(const StagedGeneration& staged) const;

  // The one publish sequence: writes `manifest` into the staged directory, fsyncs every file
  // and directory of it, renames gen-N.tmp to gen-N, fsyncs DB, runs `before_switch` (if any;
  // a purge writes its journal there), then points CURRENT at gen-N by rename(2) of a new
  // symlink and fsyncs DB. A failure at any step leaves CURRENT where it was (a failure of the
  // last fsync aside): a gen-N.tmp is removed by the next run's CollectGarbage, a gen-N that
  // CURRENT never named once it is older than the previous generation. Fails with
  // kIo ("index.manifest", "index.sync", "index.publish" / "purge.publish", "index.switch") or
  // with the error of `before_switch`.
  Status Publish(const StagedGeneration& staged, const Manifest& manifest,
                 const std::function<Status()>& before_switch = {}) const;

  // Removes the leftovers of killed runs (gen-N.tmp) and the generations older than the one
  // before `current` (readers may still hold that one). Errors are ignored: what stays is
  // removed by a later run.
  void CollectGarbage(uint64_t current) const;

  // Every generation directory in DB other than gen-`keep`, finished or not.
  std::vector<std::filesystem::path> GenerationsOtherThan(uint64_t keep) const;

 private:
  GenerationStore(std::filesystem::path db, Writer writer, int lock_fd);
  std::string Rule(std::string_view what) const;  // "index.<what>" or "purge.<what>"

  std::filesystem::path db_;
  Writer writer_;
  int lock_fd_;
};

}  // namespace yuimaru::indexer
