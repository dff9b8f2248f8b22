// Writing the shards of a generation into its staged directory (generation_store.h): a full
// build (one worker per core writes part databases, merged shard by shard: MergeParts) or an
// incremental one (a copy of the previous generation, patched), and the compaction of a copy that
// has grown.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/pii.h"
#include "core/result.h"
#include "indexer/index_plan.h"
#include "indexer/indexer.h"

namespace yuimaru::indexer {

class PartWriter;  // generation_builder.cc

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
  Status Merge(const std::vector<PartWriter>& writers);
  void Progress(const char* phase, uint64_t done, uint64_t total);

  BuildOptions options_;
  std::filesystem::path dir_;
  int threads_;
  std::mutex progress_mu_;
  std::optional<std::chrono::steady_clock::time_point> index_done_;
};

// Merges part databases with disjoint document ids into one compacted database at `out`, ids
// kept. Not by compacting the parts together: Xapian 1.4.22 (Debian 12) merges the posting
// lists of several sources wrongly when the ids are not exactly 1..N — the result passes
// xapian-check, yet some queries on it throw DatabaseCorruptError ("Unexpected end of posting
// list"). The parts are copied into one database, which is then compacted alone; each part is
// removed once copied (several parts: the caller's parts are consumed). Throws Xapian::Error;
// the scratch copy is removed either way.
void MergeParts(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& out);

// Bytes of the shard databases under `dir` (the manifest and the synonyms aside).
uint64_t ShardBytes(const std::filesystem::path& dir);

// Compacts every shard of `dir` in place (document ids kept: shards own id ranges). Fails with
// kIo ("index.compact").
Status CompactShards(const std::filesystem::path& dir, int threads);

}  // namespace yuimaru::indexer
