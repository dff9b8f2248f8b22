// RunIndex: scan the files, decide (index_plan.h), build (generation_builder.h) and publish
// (generation_store.h) the next generation.
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>

#include "core/index_layout.h"
#include "core/synonyms.h"
#include "indexer/corpus_reader.h"
#include "indexer/document_parser.h"
#include "indexer/generation_builder.h"
#include "indexer/generation_store.h"
#include "indexer/index_plan.h"
#include "indexer/indexer.h"
#include "indexer/parallel.h"
#include "indexer/purge.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// Patching a copy leaves free blocks behind: one run over 200 changes took a 27.6 MB
// generation to 50.8 MB. A generation that grows past this factor of its compacted size is
// compacted before it is published.
constexpr double kMaxGrowth = 1.3;

Scanned ScanFile(const SourceFile& file, const Manifest& prev, bool need_parse,
                 const core::PiiOptions& pii) {
  Scanned s;
  s.file = file;
  auto data = ReadFile(file.path, kMaxFileBytes);
  if (!data) {
    Error e = data.error();
    e.source = file.path;
    s.errors.push_back(std::move(e));
    return s;
  }
  s.bytes = data->size();
  s.hash = ContentHash(*data);
  const auto it = prev.files.find(file.key);
  s.known = it != prev.files.end();
  if (s.known && it->second.hash == s.hash && !need_parse) {
    s.state = Scanned::State::kUnchanged;
    s.doc_id = it->second.doc_id;
    return s;
  }
  ParseOutcome parsed = ParseDocument(file.path, *data, LintMode::kLenient, pii);
  s.warnings = std::move(parsed.warnings);
  if (!parsed.errors.empty()) {
    s.errors = std::move(parsed.errors);
    return s;
  }
  s.doc_id = parsed.doc.doc_id;
  s.doc_id_line = parsed.doc.doc_id_line;
  s.state = (s.known && it->second.hash == s.hash) ? Scanned::State::kUnchanged
                                                   : Scanned::State::kAccepted;
  return s;
}

// Hashes every file, parses the new and changed ones (all of them without a previous
// generation or with a deny-list, which must be checked against unchanged files too).
std::vector<Scanned> ScanAll(const std::vector<SourceFile>& files, const Manifest& prev,
                             bool need_parse, const IndexOptions& options) {
  std::vector<Scanned> scanned(files.size());
  std::atomic<uint64_t> scanned_count{0};
  std::mutex progress_mu;
  ParallelFor(files.size(), ThreadCount(options.threads), [&](int, size_t i) {
    scanned[i] = ScanFile(files[i], prev, need_parse, options.pii);
    const uint64_t done = scanned_count.fetch_add(1) + 1;
    if (options.progress && (done % 1000 == 0 || done == files.size())) {
      std::lock_guard<std::mutex> l(progress_mu);
      options.progress(IndexProgress{"scan", done, files.size()});
    }
  });
  return scanned;
}

// Free bytes for an unprivileged writer on the file system of `dir`, or nullopt.
std::optional<uint64_t> FreeBytes(const fs::path& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

Error DiskFull(const fs::path& where, uint64_t needed, uint64_t free) {
  return IoError("index.disk-full",
                 "No space left on device: 索引の次の世代に約 " + Megabytes(needed) +
                     " 必要ですが、空きは " + Megabytes(free) +
                     " です。空きを作ってから実行してください（索引は変更していません）",
                 where);
}

// The synonym table this run stores: the given or detected file if it parses, else the one of
// the previous generation (a broken table is reported and changes nothing).
std::string ChooseSynonyms(const IndexOptions& options, const std::string& previous,
                           IndexReport& report) {
  fs::path source = options.synonyms;
  if (source.empty()) {
    for (const auto& p : options.paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec) && fs::is_regular_file(p / core::kSynonymsFile, ec)) {
        source = p / core::kSynonymsFile;
        break;
      }
    }
  }
  if (source.empty()) return previous;
  auto data = ReadFile(source.string(), kMaxFileBytes);
  if (!data) {
    ++report.rejected_files;
    report.errors.push_back(data.error());
    return previous;
  }
  auto table = core::SynonymTable::Parse(*data, source.string());
  if (!table) {
    ++report.rejected_files;
    report.errors.push_back(table.error());
    return previous;
  }
  return *data;
}

// Adds the plan's counts, errors and warnings to the report.
void Report(Plan& plan, IndexReport& report) {
  report.added += plan.added;
  report.updated += plan.updated;
  report.deleted += plan.deleted;
  report.skipped += plan.skipped;
  report.rejected_files += plan.rejected_files;
  report.bytes_indexed += plan.bytes_indexed;
  for (auto& w : plan.warnings) report.warnings.push_back(std::move(w));
  for (auto& e : plan.errors) report.errors.push_back(std::move(e));
}

// The index as the run found it.
struct Previous {
  Manifest manifest;            // empty if there is no usable generation
  std::optional<fs::path> dir;  // the current generation, if it has a readable manifest
  std::string synonyms;         // its synonym table, if any
};

Previous LoadPrevious(const GenerationStore& store) {
  Previous prev;
  if (auto current = store.LoadCurrent()) {
    prev.manifest = std::move(current->manifest);
    prev.dir = std::move(current->dir);
  }
  if (prev.dir) {
    if (auto data = ReadFile((*prev.dir / core::kSynonymsFile).string(), kMaxFileBytes))
      prev.synonyms = *data;
  }
  return prev;
}

// Writes the shards of the staged generation, after checking that the disk has room for it.
// Files that failed on re-reading are reported and dropped from `plan.next`; `merge_seconds`
// is set to the time of a full build's merge. Fails with
// "index.disk-full" when the disk is (or became) too full, or with the builder's error; the
// staged directory is then removed.
Status BuildShards(const IndexOptions& options, const Previous& prev, Plan& plan,
                   const std::vector<Scanned>& scanned, const StagedGeneration& staged,
                   const GenerationStore& store, IndexReport& report,
                   std::optional<double>& merge_seconds) {
  const bool full = report.full_rebuild;
  // A copy needs the previous generation's size and some growth; a full build its parts and
  // their merge. Say so before writing, rather than fail half way with "Input/output error"
  // (what a copy onto a full disk reports).
  uint64_t needed = 0;
  if (prev.dir) {
    needed = static_cast<uint64_t>(static_cast<double>(ShardBytes(*prev.dir)) * (full ? 2.0 : 1.3));
    if (const auto free = FreeBytes(options.db); free && *free < needed) {
      store.Discard(staged);
      return DiskFull(options.db, needed, *free);
    }
  }
  std::vector<Error> late_errors;
  std::set<std::string> dropped;
  GenerationBuilder builder(BuildOptions{options.threads, options.pii, options.progress},
                            staged.dir);
  Status built = Status::Ok();
  if (full) {
    const FullBuildInputs inputs = SplitForFullBuild(plan.next, scanned);
    std::vector<const Scanned*> docs;
    for (const size_t i : inputs.reread) docs.push_back(&scanned[i]);
    built = builder.Full(docs, prev.dir, inputs.carry, late_errors, dropped);
  } else {
    std::vector<const Scanned*> docs;
    for (const size_t i : plan.add) docs.push_back(&scanned[i]);
    built = builder.Incremental(*prev.dir, plan.remove, docs, late_errors, dropped);
  }
  if (!built) {
    store.Discard(staged);
    // Out of space after all (the estimate was low, or someone else filled the disk).
    const auto free = FreeBytes(options.db);
    if (built.error().message.find("No space left") != std::string::npos ||
        (free && *free < std::max<uint64_t>(needed, 1 << 20))) {
      return DiskFull(options.db, needed, free.value_or(0));
    }
    return built.error();
  }
  if (const auto index_done = builder.index_done()) {
    merge_seconds = std::chrono::duration<double>(Clock::now() - *index_done).count();
  }
  for (const auto& key : dropped) {
    // A file that changed under us or failed on re-read: not in this generation's manifest.
    plan.next.files.erase(key);
  }
  for (auto& e : late_errors) {
    ++report.rejected_files;
    report.errors.push_back(std::move(e));
  }
  return Status::Ok();
}

// A copy patched run after run keeps the blocks it freed: compacts it once it has grown past
// kMaxGrowth times its last compacted size, and records the size in `next`.
Status CompactIfGrown(const IndexOptions& options, const Manifest& prev, Manifest& next,
                      const StagedGeneration& staged, const GenerationStore& store,
                      IndexReport& report) {
  report.index_bytes = ShardBytes(staged.dir);
  if (report.full_rebuild || prev.compacted_bytes == 0) {
    next.compacted_bytes = report.index_bytes;
  } else if (static_cast<double>(report.index_bytes) >
             kMaxGrowth * static_cast<double>(prev.compacted_bytes)) {
    if (auto s = CompactShards(staged.dir, ThreadCount(options.threads)); !s) {
      store.Discard(staged);
      return s;
    }
    report.compacted = true;
    report.index_bytes = ShardBytes(staged.dir);
    next.compacted_bytes = report.index_bytes;
  } else {
    next.compacted_bytes = prev.compacted_bytes;
  }
  return Status::Ok();
}

}  // namespace

Result<IndexReport> RunIndex(const IndexOptions& options) {
  const auto start = Clock::now();
  IndexReport report;
  std::error_code ec;
  fs::create_directories(options.db, ec);
  if (ec) return IoError("index.create", ec.message(), options.db);
  auto store = GenerationStore::Open(options.db, Writer::kIndex);
  if (!store) return store.error();
  if (HasPendingPurge(options.db)) return PendingPurgeError(options.db);

  auto listing = CollectFiles(options.paths);
  if (!listing) return listing.error();
  for (auto& e : listing->errors) {
    if (e.rule == "path.invalid-utf8") ++report.rejected_files;
    report.errors.push_back(std::move(e));
  }
  for (auto& w : listing->warnings) report.warnings.push_back(std::move(w));

  const Previous prev = LoadPrevious(*store);
  store->CollectGarbage(prev.manifest.generation);
  const std::string synonyms = ChooseSynonyms(options, prev.synonyms, report);

  // 1. Scan: hash every file, parse the new and changed ones.
  const std::vector<Scanned> scanned =
      ScanAll(listing->files, prev.manifest,
              !prev.dir.has_value() || !options.pii.deny_list.empty(), options);
  auto mark = [&, last = start](const char* phase) mutable {
    const auto now = Clock::now();
    report.phases.emplace_back(phase, std::chrono::duration<double>(now - last).count());
    last = now;
  };
  mark("scan");

  // 2. Decide.
  PlanRules rules;
  for (const auto& p : options.paths) rules.roots.push_back(PathKey(p));
  rules.unreachable = listing->unreachable;
  rules.max_delete_share = options.max_delete_share;
  auto plan = Decide(prev.manifest, scanned, rules);
  if (!plan) return plan.error();
  Report(*plan, report);
  if (!plan->HasChanges() && synonyms == prev.synonyms && prev.dir &&
      options.rebuild != RebuildMode::kFull) {
    report.generation = prev.manifest.generation;
    report.documents = prev.manifest.files.size();
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return report;
  }

  // 3. Build the next generation in a temporary directory.
  auto staged = store->Stage(prev.manifest.generation);
  if (!staged) return staged.error();
  Manifest& next = plan->next;
  next.generation = staged->number;
  report.full_rebuild = NeedsFullBuild(*plan, prev.manifest, prev.dir.has_value(), options.rebuild);
  std::optional<double> merge;
  if (auto s = BuildShards(options, prev, *plan, scanned, *staged, *store, report, merge); !s) {
    return s.error();
  }
  mark("index");
  if (merge) {
    // A full build: the merge (compaction) after the parallel indexing is a phase of its own.
    report.phases.back().second -= *merge;
    report.phases.emplace_back("merge", *merge);
  }
  if (auto s = CompactIfGrown(options, prev.manifest, next, *staged, *store, report); !s) {
    return s.error();
  }
  if (report.compacted) mark("compact");

  // 4. Publish: synonyms, manifest, sync, rename, switch CURRENT; then the generations before
  // the previous one go.
  if (!synonyms.empty()) {
    if (auto s = WriteFileSynced(staged->dir / core::kSynonymsFile, synonyms); !s) return s.error();
  }
  if (auto s = store->Publish(*staged, next); !s) return s.error();
  store->CollectGarbage(staged->number);

  mark("publish");
  report.generation = staged->number;
  report.documents = next.files.size();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace yuimaru::indexer
