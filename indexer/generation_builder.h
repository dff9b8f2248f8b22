// Writing the shards of a generation into its staged directory (generation_store.h): a full
// build (one worker per core, all writing into one scratch database per shard: ShardWriters,
// each compacted into the generation at the end) or an incremental one (a copy of the previous
// generation, patched), and the compaction of a copy that has grown.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/pii.h"
#include "core/result.h"
#include "indexer/index_plan.h"
#include "indexer/indexer.h"

namespace Xapian {
class Document;
}  // namespace Xapian

namespace yuimaru::indexer {

struct BuildOptions {
  int threads = 0;  // 0: one per core
  core::PiiOptions pii;
  std::function<void(const IndexProgress&)> progress;  // "index" and "merge"; may be empty
};

// Writes the shards of one generation into `dir` (an empty staged directory). Documents are
// parsed again from their files, which must still have the content that was scanned: a file
// that changed or fails now is reported in `late_errors` and its key added to `dropped` (it
// is then not in the generation; the caller drops it from the manifest). Not thread-safe.
class GenerationBuilder {
 public:
  GenerationBuilder(BuildOptions options, std::filesystem::path dir);

  // Builds every shard from scratch: the versions of `docs`, and those of the documents
  // `carry` (doc_ids) copied from `previous` (no files read for them). Fails with kIo
  // ("index.xapian", "index.filesystem") or the analyzer's error; `dir` is then half written.
  Status Full(const std::vector<const Scanned*>& docs,
              const std::optional<std::filesystem::path>& previous,
              const std::vector<std::string>& carry, std::vector<Error>& late_errors,
              std::set<std::string>& dropped);

  // Copies the shards of `previous` into `dir`, deletes the versions of `remove` (doc_ids) and
  // adds those of `docs`. Fails with kIo ("index.xapian", "index.filesystem") or kInternal
  // ("index.docid-range": a shard's id range is used up, which a full build renumbers).
  Status Incremental(const std::filesystem::path& previous, const std::vector<std::string>& remove,
                     const std::vector<const Scanned*>& docs, std::vector<Error>& late_errors,
                     std::set<std::string>& dropped);

  // End of the parallel indexing of a full build (the merge follows); nullopt otherwise.
  std::optional<std::chrono::steady_clock::time_point> index_done() const { return index_done_; }

 private:
  void Progress(const char* phase, uint64_t done, uint64_t total);

  BuildOptions options_;
  std::filesystem::path dir_;
  int threads_;
  std::mutex progress_mu_;
  std::optional<std::chrono::steady_clock::time_point> index_done_;
};

// The shard databases of a full build, filled by several threads at once: one scratch database
// per shard (no fsync), each behind its own lock, its documents numbered in order of arrival from
// the start of the shard's id range (index_layout.h), committed every few hundred documents.
// Finish compacts each into `dir`/<shard> alone. Never several databases compacted together:
// Xapian 1.4.22 (Debian 12) merges the posting lists of several sources wrongly when their ids
// are not exactly 1..N — the result passes xapian-check, yet some queries on it throw
// DatabaseCorruptError ("Unexpected end of posting list"). Add is thread-safe; Finish is not.
class ShardWriters {
 public:
  explicit ShardWriters(std::filesystem::path dir);
  ~ShardWriters();  // removes the scratch databases however the build ends
  ShardWriters(const ShardWriters&) = delete;
  ShardWriters& operator=(const ShardWriters&) = delete;

  // Adds `doc` to shard `shard` (a name of core::AllShardNames) under the next free id.
  // Throws Xapian::Error (RangeError when the shard's id range is used up) or
  // std::filesystem::filesystem_error.
  void Add(const std::string& shard, const Xapian::Document& doc);

  // Writes every shard of core::AllShardNames into `dir`/<shard>, compacted (an empty database
  // for a shard without documents), `threads` shards at a time; `shard_done` after each (may be
  // empty). Fails with kIo ("index.xapian"). No Add after it.
  Status Finish(int threads, const std::function<void()>& shard_done);

 private:
  struct Shard;
  std::filesystem::path dir_, scratch_;
  std::map<std::string, std::unique_ptr<Shard>> shards_;
};

// Bytes of the shard databases under `dir` (the manifest and the synonyms aside).
uint64_t ShardBytes(const std::filesystem::path& dir);

// Compacts every shard of `dir` in place (document ids kept: shards own id ranges). Fails with
// kIo ("index.compact").
Status CompactShards(const std::filesystem::path& dir, int threads);

}  // namespace yuimaru::indexer
