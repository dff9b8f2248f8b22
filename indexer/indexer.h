// yuimaru's indexer: Markdown files with YAML front matter → a Xapian index (index_layout.h).
// Start here: RunIndex builds or updates an index; RunLint checks files without indexing.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/pii.h"
#include "core/result.h"

namespace yuimaru::indexer {

enum class RebuildMode {
  kAuto,  // incremental when few files changed, else a full rebuild
  kFull,  // always rebuild from the files
};

struct IndexProgress {
  std::string phase;  // "scan", "index", "merge", "commit"
  uint64_t done = 0;
  uint64_t total = 0;
};

struct IndexOptions {
  std::filesystem::path db;
  std::vector<std::filesystem::path> paths;  // files and directories (*.md, recursively)
  // The query-time synonym table stored with the index; empty: "synonyms.tsv" in the first
  // directory of `paths` that has one, if any.
  std::filesystem::path synonyms;
  int threads = 0;  // 0: one per core
  RebuildMode rebuild = RebuildMode::kAuto;
  std::function<void(const IndexProgress&)> progress;  // called from the indexing thread
  // Personal-data check before anything is indexed; a deny-list makes every file be checked
  // again, unchanged ones included (a name added to the list must be found in old files too).
  core::PiiOptions pii;
  // A run that would delete more than this share of the indexed documents (and at least
  // kMassDeleteMinimum of them), or all of them, stops before publishing with
  // "index.mass-delete". 1.0: no limit (--allow-mass-delete).
  double max_delete_share = 0.2;
};

inline constexpr uint64_t kMassDeleteMinimum = 2;

struct IndexReport {
  uint64_t added = 0;
  uint64_t updated = 0;
  uint64_t deleted = 0;
  uint64_t skipped = 0;         // unchanged files
  uint64_t rejected_files = 0;  // files not indexed (see errors)
  std::vector<Error> errors;    // one or more per rejected file: path:line:col: rule: message
  std::vector<Error> warnings;  // findings that do not reject a file (pii/url, pii/sns-handle)
  uint64_t documents = 0;       // documents in the index afterwards
  uint64_t generation = 0;      // the generation now current (unchanged if nothing changed)
  bool full_rebuild = false;
  // An incremental run whose generation grew past 1.3 times its last compacted size compacts
  // it before publishing.
  bool compacted = false;
  uint64_t index_bytes = 0;    // the published generation's databases (0 if nothing changed)
  uint64_t bytes_indexed = 0;  // Markdown bytes analysed in this run
  double seconds = 0;
  // Wall time of each phase: scan (hash, parse), index (analyse, write parts), merge
  // (compaction of a full build), publish (sync, switch).
  std::vector<std::pair<std::string, double>> phases;
};

// Brings the index at options.db in line with the files under options.paths: unchanged files
// (same content hash) are skipped, changed ones replaced, files gone from under the given paths
// deleted; files elsewhere that an earlier run indexed are kept. A file that fails a check is
// reported and not indexed (an earlier good version of it stays). The new state becomes
// visible atomically; a failed or killed run leaves the previous generation as it was.
// A folder that cannot be listed is reported ("path.unreadable") and the files an earlier run
// indexed under it stay. Fails (no change to the index) on unusable or empty paths
// (kInvalidInput), on too many deletions ("index.mass-delete", see max_delete_share), a
// concurrent writer (kBusy) or a database error (kIo).
Result<IndexReport> RunIndex(const IndexOptions& options);

struct PurgeOptions {
  std::filesystem::path db;
  std::vector<std::string> ids;  // doc_ids to erase
};

struct PurgeReport {
  std::vector<std::string> ids;
  std::vector<std::string> sources;  // their source files (still on disk: the operator's part)
  uint64_t generation = 0;           // the rebuilt generation, now the only one
  uint64_t documents = 0;            // documents left
  std::string checksum;              // SHA-256 over the generation's files (path, content)
  // Verification: strings that only the purged documents had (their unique terms, ids, titles),
  // looked for byte by byte in every file under DB except the roster and the audit trail.
  uint64_t probes = 0;
  uint64_t probes_found_before = 0;  // in the previous generation, for the record
  uint64_t probes_found_after = 0;   // must be 0
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  double seconds = 0;
  bool resumed = false;  // finished from the journal of a purge that was killed
  // Items (whole documents and sections) of the purged ids removed from the web's 研修 pack
  // baskets (DB/packs).
  uint64_t basket_items_removed = 0;
  // Stray temporary files under DB/packs (left by a basket write that was killed) removed.
  uint64_t basket_temp_files_removed = 0;
};

// Erases documents so that none of their text remains in the index directory: the generation
// is rebuilt from the remaining documents (copied from the current one, never re-read from
// source files), published atomically, and every older generation is deleted (delete_document
// and even xapian-compact would keep text in free blocks or value bounds). Every 研修 pack basket
// under DB/packs loses its items of the purged ids (their section lines name the documents'
// headings). Then every file is scanned for the purged documents' unique strings. Fails with
// kNotFound (nothing changed) if any id is not in the index, kBusy under a concurrent writer, kIo
// on database errors, and kInternal if the scan still finds a probe. The switch is preceded by a
// journal (DB/purge-journal.json: ids, generation, sources; never the purged text), so a purge
// killed after it is finished by ResumePurge; until then RunIndex refuses ("purge.pending") and
// RunPurge finishes it first (kBusy "purge.pending" as well).
Result<PurgeReport> RunPurge(const PurgeOptions& options);

// Whether a purge was killed after publishing and still has to be finished.
bool HasPendingPurge(const std::filesystem::path& db);
// Finishes it: removes every older generation, rewrites the pack baskets, scans for the purged
// documents' strings again (taken from an older generation if one is still there), returns the
// report for the certificate. Fails with kNotFound if there is none, or if it stopped before
// publishing (its journal is then removed: the documents are still indexed and the purge must be
// run again).
Result<PurgeReport> ResumePurge(const std::filesystem::path& db);
// The purge's last pass over the 研修 pack baskets, after WaitForOldGenerationHolders and before
// the certificate: a server still reading the purged generation may have put one of `ids` into a
// basket after the purge rewrote them, so they are rewritten again (holding the baskets' lock,
// stray temporary files removed) and read back. Returns the items removed by this pass (normally
// 0). Fails with kIo ("purge.basket") or kInternal ("purge.basket-verify"); no certificate may
// then be written (the journal stays, so the purge is finished again later).
Result<uint64_t> RecheckPurgedBaskets(const std::filesystem::path& db,
                                      const std::vector<std::string>& ids);
// Removes the journal once the certificate and the audit entry are written.
Status CompletePurge(const std::filesystem::path& db);

// A process that still has a file of an earlier generation under the index open: a server that
// has not yet let go of a purged generation (and of its cached texts, dropped at the same time).
struct GenerationHolder {
  int pid = 0;
  std::string command;  // /proc/PID/comm
  std::string file;     // one of the files it holds
};
// Waits up to `timeout` until no other process has a file of a generation other than the
// current one open under `db`; returns those that still do (empty: none). Reads /proc, so only
// processes of the same user are seen: run the servers under the account that purges.
std::vector<GenerationHolder> WaitForOldGenerationHolders(const std::filesystem::path& db,
                                                          std::chrono::milliseconds timeout);

struct LintReport {
  uint64_t files = 0;
  uint64_t rejected_files = 0;
  std::vector<Error> errors;
  std::vector<Error> warnings;
};

enum class LintStrictness { kLenient, kStrict };

// The checks of RunIndex without indexing; kStrict also requires each document type's full
// schema and that related/uses_cases name documents among `paths`.
Result<LintReport> RunLint(const std::vector<std::filesystem::path>& paths,
                           LintStrictness strictness, const core::PiiOptions& pii = {});

}  // namespace yuimaru::indexer
