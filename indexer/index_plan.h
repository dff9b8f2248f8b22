// What an index run changes, decided from the previous manifest and what the scan found: which
// files are added, updated, deleted or kept, and whether the run may publish at all. Pure: no
// file is read here (the scan is in index_writer.cc), so every rule is tested without a disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "indexer/corpus_reader.h"
#include "indexer/generation_store.h"
#include "indexer/indexer.h"

namespace yuimaru::indexer {

// What the scan learnt about one file.
struct Scanned {
  SourceFile file;
  enum class State { kUnchanged, kAccepted, kRejected } state = State::kRejected;
  bool known = false;  // indexed by an earlier run
  std::string hash;
  std::string doc_id;
  int doc_id_line = 0;
  size_t bytes = 0;
  std::vector<Error> errors;
  std::vector<Error> warnings;
};

// Which file owns each doc_id, so that two files never share one ("doc-id.duplicate"). Used by
// index runs and by lint alike.
class DocIdOwners {
 public:
  // Records the file `key` (shown as `path`) as the owner of `doc_id` unless it has one.
  void Hold(const std::string& doc_id, const std::string& key, const std::string& path);
  // Makes `key` the owner of `doc_id` (shown as `path` from now on). Fails with kInvalidInput
  // ("doc-id.duplicate", source `path`, line `line`, naming the owner's path) if another file
  // owns it; the owner is then unchanged.
  Status Claim(const std::string& doc_id, const std::string& key, const std::string& path,
               int line);
  // Whether a file owns `doc_id`.
  bool Owns(const std::string& doc_id) const { return owners_.count(doc_id) != 0; }

 private:
  std::map<std::string, std::pair<std::string, std::string>> owners_;  // id → (key, path)
};

// The rules of a run that are not in the files themselves.
struct PlanRules {
  std::vector<std::string> roots;  // PathKey of every given path: only files under them can go
  // Folders that could not be listed (keys): the files indexed under them are out of reach,
  // not gone.
  std::vector<std::string> unreachable;
  double max_delete_share = 0.2;  // IndexOptions::max_delete_share
};

// The decision of a run.
struct Plan {
  Manifest next;                    // the manifest of the next generation (generation unset)
  std::vector<std::string> remove;  // doc_ids whose indexed versions go (deleted or replaced)
  std::vector<size_t> add;          // indices into the scan: files to (re)index, in scan order
  uint64_t added = 0;
  uint64_t updated = 0;
  uint64_t deleted = 0;
  uint64_t skipped = 0;         // unchanged files
  uint64_t rejected_files = 0;  // files of the scan not indexed
  uint64_t bytes_indexed = 0;   // bytes of the files to (re)index
  std::vector<Error> errors;    // scan errors in scan order, with "pii.withdrawn" and duplicates
  std::vector<Error> warnings;  // scan warnings in scan order

  bool HasChanges() const { return !add.empty() || deleted != 0; }
};

// Decides what the run does. `previous` is the manifest of the current generation (empty if
// none); `scanned` is in path order. A file indexed earlier under a root that is no longer
// there is deleted unless it lies under an unreachable folder; a file outside the roots is kept.
// A rejected file keeps its earlier version, unless it was rejected for personal data (a
// "pii/..." rule): that version is withdrawn too ("pii.withdrawn"). A new or changed file whose
// doc_id another file owns is rejected ("doc-id.duplicate"): files keeping their entry own their
// ids first, then new and changed files in path order.
// Fails with kInvalidInput ("index.mass-delete") if the files gone from under the roots are more
// than rules.max_delete_share of the indexed documents (and at least kMassDeleteMinimum), or all
// of them, unless the share is 1.0 or more.
Result<Plan> Decide(const Manifest& previous, const std::vector<Scanned>& scanned,
                    const PlanRules& rules);

// Whether the run rebuilds every shard (parallel parts merged by compaction) rather than
// patching a copy of the previous generation: with no previous generation, when asked, or when
// more files change than kIncrementalMaxChanges or a quarter of the index.
inline constexpr size_t kIncrementalMaxChanges = 2000;
bool NeedsFullBuild(const Plan& plan, const Manifest& previous, bool has_previous,
                    RebuildMode mode);

// A full build re-reads every file this run scanned and accepted with the content the plan
// records (`reread`, indices into the scan); the documents it keeps without re-reading (files
// outside the given paths, and the last good version of files rejected now) are copied from the
// previous generation (`carry`, doc_ids in manifest order).
struct FullBuildInputs {
  std::vector<size_t> reread;
  std::vector<std::string> carry;
};
FullBuildInputs SplitForFullBuild(const Manifest& next, const std::vector<Scanned>& scanned);

}  // namespace yuimaru::indexer
