// RunPurge, ResumePurge and the purge journal: erasing documents from every file under DB.
#include "indexer/purge.h"

#include <signal.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/analyzer.h"
#include "core/index_layout.h"
#include "core/io.h"
#include "core/schema.h"
#include "indexer/basket_scrub.h"
#include "indexer/corpus_reader.h"
#include "indexer/document_parser.h"
#include "indexer/generation_builder.h"
#include "indexer/generation_store.h"
#include "indexer/indexer.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// Terms of `ids`' versions that no other document has (their bigrams, katakana trigrams, id
// terms). Raw term bytes are what Xapian's B-trees store as keys.
std::vector<std::string> PurgeProbes(const fs::path& gen, const std::set<std::string>& ids) {
  std::map<std::string, uint64_t> own;  // term → versions of the purged documents with it
  std::vector<Xapian::Database> shards;
  for (const auto& name : core::AllShardNames()) shards.emplace_back((gen / name).string());
  for (auto& db : shards) {
    for (const auto& id : ids) {
      const std::string q = std::string(core::kDocIdPrefix) + id;
      for (auto p = db.postlist_begin(q); p != db.postlist_end(q); ++p) {
        const Xapian::Document doc = db.get_document(*p);
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) ++own[*t];
      }
    }
  }
  std::vector<std::string> probes;
  for (const auto& [term, count] : own) {
    uint64_t total = 0;
    for (auto& db : shards) total += db.get_termfreq(term);
    // Unique to the purged documents and long enough not to occur by chance. Only prefixed
    // terms (B bigrams, C trigrams, Q ids, X filters): an unprefixed word such as 忘れ is also a
    // substring of other documents' terms (B忘れ), while text is case-folded, so an uppercase
    // prefix starts nothing but the term itself — unless a longer term extends it (Q ids).
    // Not title terms (T…): their text is probed by the title's own B/C terms, and T + text
    // (T活用) occurs in unrelated raw text under DB (IT活用 in the synonym file). Not unigrams
    // (U…): one character is no evidence, and its text is probed by the B terms around it.
    if (total != count || term.size() < 5 || term[0] < 'A' || term[0] > 'Z' ||
        term.rfind(core::kTitlePrefix, 0) == 0 || term.rfind(core::kUnigramPrefix, 0) == 0) {
      continue;
    }
    bool extended = false;
    for (auto& db : shards) {
      for (auto t = db.allterms_begin(term); t != db.allterms_end(term) && !extended; ++t) {
        extended = *t != term;
      }
    }
    if (!extended) probes.push_back(term);
  }
  return probes;
}

// The id terms of `ids` (kDocIdPrefix + id), which a purge can probe for even when no older
// generation is left to take unique strings from. Leaves out one that another id term of `gen`
// contains (QCS-1 is in QCS-10 and in QQCS-1): the byte scan could not tell them apart. Fails
// with kInternal ("purge.verify") if `gen` still indexes one of `ids`, kIo if it cannot be read.
Result<std::vector<std::string>> IdProbes(const fs::path& gen, const std::set<std::string>& ids) {
  std::vector<std::string> probes;
  try {
    std::vector<Xapian::Database> shards;
    for (const auto& name : core::AllShardNames()) shards.emplace_back((gen / name).string());
    for (const auto& id : ids) {
      const std::string term = std::string(core::kDocIdPrefix) + id;
      bool contained = false;
      for (auto& db : shards) {
        if (db.term_exists(term)) {
          return ErrorAt(ErrorCode::kInternal, "purge.verify",
                         "消去したはずの文書 " + id + " が新しい世代に残っています", gen.string());
        }
        const std::string prefix(core::kDocIdPrefix);
        for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix) && !contained; ++t) {
          contained = (*t).find(term) != std::string::npos;
        }
      }
      if (!contained) probes.push_back(term);
    }
  } catch (const Xapian::Error& e) {
    return IoError("purge.xapian", e.get_description(), gen);
  }
  return probes;
}

// Counts the probes found in the files under `root` (skipping `skip` names), reading in
// overlapping chunks so a probe across a chunk boundary is still seen.
uint64_t ScanForProbes(const fs::path& root, const std::vector<std::string>& probes,
                       const std::set<std::string>& skip, uint64_t* files, uint64_t* bytes,
                       std::string* where = nullptr) {
  size_t longest = 0;
  for (const auto& p : probes) longest = std::max(longest, p.size());
  std::set<size_t> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || skip.count(it->path().filename().string())) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (files) ++*files;
    std::string window;
    std::vector<char> buf(1 << 20);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const size_t n = static_cast<size_t>(in.gcount());
      if (n == 0) break;
      if (bytes) *bytes += n;
      window.append(buf.data(), n);
      for (size_t i = 0; i < probes.size(); ++i) {
        if (!found.count(i) && window.find(probes[i]) != std::string::npos) {
          found.insert(i);
          if (where && where->empty()) *where = it->path().string();
        }
      }
      if (window.size() > longest) window.erase(0, window.size() - longest);
    }
  }
  return found.size();
}

// The files under DB a purge does not scan: the roster and the audit trail (which name ids by
// design), the lock and the journal.
std::set<std::string> UnscannedFiles() {
  return {core::kUsersFile, core::kAuditFile, core::kLockFile, core::kPurgeJournalFile};
}

// SHA-256 over the generation's files, in path order: relative path, NUL, content.
std::string TreeChecksum(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  core::Sha256Stream digest;
  std::vector<char> buf(1 << 20);
  for (const auto& f : files) {
    const std::string rel = fs::relative(f, root).string();
    digest.Update(std::string_view(rel.c_str(), rel.size() + 1));  // with its NUL
    std::ifstream in(f, std::ios::binary);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0)
        digest.Update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
    }
  }
  return digest.HexDigest();
}

// A crash point for the kill tests of purge (tests/e2e/purge_test.cc): the process dies there
// as a SIGKILL would kill it. Never set in production.
void CrashPointForTests(std::string_view point) {
  const char* env = std::getenv("YUIMARU_TEST_CRASH_AT");
  if (env && point == env) ::raise(SIGKILL);
}

struct PurgeJournal {
  std::vector<std::string> ids;
  std::vector<std::string> sources;
  uint64_t generation = 0;  // the generation without the documents
  uint64_t probes_found_before = 0;
};

Status WriteJournal(const fs::path& db, const PurgeJournal& j) {
  const nlohmann::json out = {{"ids", j.ids},
                              {"sources", j.sources},
                              {"generation", j.generation},
                              {"probes_found_before", j.probes_found_before}};
  const fs::path tmp = db / (std::string(core::kPurgeJournalFile) + core::kTemporarySuffix);
  if (auto s = WriteFileSynced(tmp, out.dump()); !s) return s;
  std::error_code ec;
  fs::rename(tmp, db / core::kPurgeJournalFile, ec);
  if (ec) return IoError("purge.journal", ec.message(), db / core::kPurgeJournalFile);
  return SyncPath(db);
}

std::optional<PurgeJournal> ReadJournal(const fs::path& db) {
  auto data = ReadFile((db / core::kPurgeJournalFile).string(), kMaxFileBytes);
  if (!data) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(*data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  PurgeJournal out;
  try {
    out.ids = j.at("ids").get<std::vector<std::string>>();
    out.sources = j.at("sources").get<std::vector<std::string>>();
    out.generation = j.at("generation").get<uint64_t>();
    out.probes_found_before = j.at("probes_found_before").get<uint64_t>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return out;
}

// The part of a purge after the switch: every other generation removed (probes taken from the
// first that still holds the documents), the pack baskets rewritten, the directory scanned.
// Idempotent, so a purge killed anywhere after the switch is finished by running this again.
Result<PurgeReport> FinishPurge(const GenerationStore& store, const PurgeJournal& journal,
                                std::vector<std::string> probes, bool resumed) {
  const auto start = Clock::now();
  PurgeReport report;
  report.ids = journal.ids;
  report.sources = journal.sources;
  report.generation = journal.generation;
  report.probes_found_before = journal.probes_found_before;
  report.resumed = resumed;
  const fs::path& db = store.db();
  const fs::path final_dir = db / core::GenerationDirName(journal.generation);
  const std::set<std::string> ids(journal.ids.begin(), journal.ids.end());
  std::error_code ec;
  const std::vector<fs::path> old = store.GenerationsOtherThan(journal.generation);
  if (probes.empty()) {
    // Resumed: the unique strings come from an older generation still on disk, if any is.
    for (const auto& g : old) {
      try {
        probes = PurgeProbes(g, ids);
      } catch (const Xapian::Error&) {
        continue;  // a half-deleted generation: try the next one
      }
      if (!probes.empty()) break;
    }
  }
  // Whatever the probes, the purged ids must be gone from the new generation; and a resumed
  // purge whose older generations are all deleted already probes for the ids' own terms rather
  // than for nothing.
  auto id_probes = IdProbes(final_dir, ids);
  if (!id_probes) return id_probes.error();
  if (probes.empty()) probes = std::move(*id_probes);
  // Unlike an index run, no older generation is kept for readers: all of them held the text.
  for (const auto& g : old) {
    fs::remove_all(g, ec);
    CrashPointForTests("purge-deleting");
  }
  if (auto s = SyncPath(db); !s) return s.error();
  // Before the scan, which reads the baskets too.
  auto scrub = ScrubBaskets(db, ids);
  if (!scrub) return scrub.error();
  report.basket_items_removed = scrub->items_removed;
  report.basket_temp_files_removed = scrub->temp_files_removed;
  auto manifest = LoadManifest(final_dir);
  report.documents = manifest ? manifest->files.size() : 0;
  report.probes = probes.size();
  std::string where;
  report.probes_found_after = ScanForProbes(db, probes, UnscannedFiles(), &report.files_scanned,
                                            &report.bytes_scanned, &where);
  report.checksum = TreeChecksum(final_dir);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (report.probes_found_after != 0) {
    return MakeError(ErrorCode::kInternal, "purge.verify",
                     "消去後も " + std::to_string(report.probes_found_after) +
                         " 個の固有文字列が索引ディレクトリに残っています（" + where + " など）");
  }
  return report;
}

// What a purge keeps and what it erases.
struct Selection {
  Manifest next;                     // the manifest without the purged documents
  std::vector<std::string> carry;    // doc_ids of the documents kept, in manifest order
  std::vector<std::string> sources;  // paths of the purged documents, in manifest order
};

// Fails with kNotFound ("purge.unknown-id", listing them) if any of `ids` is not indexed.
Result<Selection> Select(const Manifest& prev, const std::set<std::string>& ids) {
  Selection out;
  out.next = prev;
  std::set<std::string> seen;
  for (auto it = out.next.files.begin(); it != out.next.files.end();) {
    if (ids.count(it->second.doc_id)) {
      seen.insert(it->second.doc_id);
      out.sources.push_back(it->second.path);
      it = out.next.files.erase(it);
    } else {
      out.carry.push_back(it->second.doc_id);
      ++it;
    }
  }
  std::string unknown;
  for (const auto& id : ids) {
    if (!seen.count(id)) unknown += (unknown.empty() ? "" : ", ") + id;
  }
  if (!unknown.empty()) {
    return MakeError(ErrorCode::kNotFound, "purge.unknown-id",
                     "索引にない ID です（何も消していません）: " + unknown);
  }
  return out;
}

}  // namespace

Error PendingPurgeError(const fs::path& db) {
  return ErrorAt(ErrorCode::kBusy, "purge.pending",
                 "中断された廃棄（yuimaru purge）が完了していません。yuimaru purge --db " +
                     db.string() + " --resume で完了してください",
                 db.string());
}

bool HasPendingPurge(const fs::path& db) {
  std::error_code ec;
  return fs::exists(db / core::kPurgeJournalFile, ec);
}

Result<PurgeReport> ResumePurge(const fs::path& db) {
  auto store = GenerationStore::Open(db, Writer::kPurge);
  if (!store) return store.error();
  const auto journal = ReadJournal(db);
  if (!journal)
    return MakeError(ErrorCode::kNotFound, "purge.no-journal", "中断された廃棄はありません");
  const auto current = core::ResolveCurrentGeneration(db);
  if (!current || current->filename().string() != core::GenerationDirName(journal->generation)) {
    // Killed before the switch: nothing was published, the documents are still indexed; the
    // purge must simply be run again.
    std::error_code ec;
    fs::remove(db / core::kPurgeJournalFile, ec);
    return MakeError(ErrorCode::kNotFound, "purge.not-switched",
                     "中断された廃棄は公開前に止まっていました（文書はまだ索引にあります）。"
                     "yuimaru purge をもう一度実行してください");
  }
  return FinishPurge(*store, *journal, {}, true);
}

Result<uint64_t> RecheckPurgedBaskets(const fs::path& db, const std::vector<std::string>& ids) {
  auto scrub = ScrubBaskets(db, std::set<std::string>(ids.begin(), ids.end()));
  if (!scrub) return scrub.error();
  return scrub->items_removed;
}

Status CompletePurge(const fs::path& db) {
  std::error_code ec;
  fs::remove(db / core::kPurgeJournalFile, ec);
  if (ec) return IoError("purge.journal", ec.message(), db / core::kPurgeJournalFile);
  return SyncPath(db);
}

Result<PurgeReport> RunPurge(const PurgeOptions& options) {
  const auto start = Clock::now();
  PurgeReport report;
  auto store = GenerationStore::Open(options.db, Writer::kPurge);
  if (!store) return store.error();
  if (HasPendingPurge(options.db)) return PendingPurgeError(options.db);
  const auto current = core::ResolveCurrentGeneration(options.db);
  if (!current) return current.error();
  auto prev = LoadManifest(*current);
  if (!prev) return IoError("purge.manifest", "cannot read the manifest", *current);
  const std::set<std::string> ids(options.ids.begin(), options.ids.end());
  if (ids.empty()) return MakeError(ErrorCode::kInvalidInput, "purge.no-ids", "ID がありません");

  auto selection = Select(*prev, ids);
  if (!selection) return selection.error();
  Manifest& next = selection->next;
  report.sources = std::move(selection->sources);
  report.ids.assign(ids.begin(), ids.end());

  std::vector<std::string> probes;
  try {
    probes = PurgeProbes(*current, ids);
  } catch (const Xapian::Error& e) {
    return IoError("purge.xapian", e.get_description(), *current);
  }
  report.probes = probes.size();
  report.probes_found_before = ScanForProbes(*current, probes, UnscannedFiles(), nullptr, nullptr);

  // Rebuild: every remaining document copied from the current generation into fresh parts,
  // merged by compaction into new databases.
  auto staged = store->Stage(prev->generation);
  if (!staged) return staged.error();
  next.generation = staged->number;
  GenerationBuilder builder(BuildOptions{}, staged->dir);
  std::vector<Error> late_errors;
  std::set<std::string> dropped;
  if (Status built = builder.Full({}, *current, selection->carry, late_errors, dropped); !built) {
    store->Discard(*staged);
    return built.error();
  }
  if (auto data = ReadFile((*current / core::kSynonymsFile).string(), kMaxFileBytes)) {
    if (auto s = WriteFileSynced(staged->dir / core::kSynonymsFile, *data); !s) return s.error();
  }
  next.compacted_bytes = ShardBytes(staged->dir);  // a purge builds by compaction
  // From the switch on the purge must finish even if this process is killed: the journal,
  // written just before it, says what to finish (ResumePurge; the CLI runs it before any purge
  // or index).
  const PurgeJournal journal{report.ids, report.sources, staged->number,
                             report.probes_found_before};
  if (auto s = store->Publish(*staged, next, [&] { return WriteJournal(options.db, journal); });
      !s) {
    return s.error();
  }
  CrashPointForTests("purge-switched");
  auto finished = FinishPurge(*store, journal, probes, false);
  if (finished) finished->seconds += std::chrono::duration<double>(Clock::now() - start).count();
  return finished;
}

}  // namespace yuimaru::indexer
