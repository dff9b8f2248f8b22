// RunIndex and RunLint: the I/O side of the indexer (files, the index directory, Xapian).
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "core/analyzer.h"
#include "core/hex.h"
#include "core/index_layout.h"
#include "core/synonyms.h"
#include "core/utf8.h"
#include "indexer/corpus_reader.h"
#include "indexer/document_builder.h"
#include "indexer/document_parser.h"
#include "indexer/indexer.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kManifestFormat = 3;  // files: path key → [path, hash, doc_id]; 3: packed texts
// Above this many changed or deleted files (or a quarter of the index) a run rebuilds in
// parallel instead of copying the previous generation and patching it.
constexpr size_t kIncrementalMaxChanges = 2000;
// Patching a copy leaves free blocks behind: one run over 200 changes took a 27.6 MB
// generation to 50.8 MB. A generation that grows past this factor of its compacted size is
// compacted before it is published.
constexpr double kMaxGrowth = 1.3;
// Documents a worker writes into one set of part databases before it starts a new set. Xapian
// slows down as a database grows (each flush merges into longer posting lists), so a full build
// writes many small parts and merges them once, by compaction, at the end.
constexpr uint64_t kPartDocs = 4000;

struct ManifestEntry {
  std::string path;
  std::string hash;
  std::string doc_id;
};

struct Manifest {
  uint64_t generation = 0;
  std::map<std::string, ManifestEntry> files;  // key: PathKey
  // Bytes of the generation's databases when last compacted (a full build or a compaction);
  // 0 if not known. Incremental runs grow a copy; past kMaxGrowth times this, it is compacted.
  uint64_t compacted_bytes = 0;
};

Error IoError(std::string rule, std::string message, const fs::path& where = {}) {
  Error e = MakeError(ErrorCode::kIo, std::move(rule), std::move(message));
  e.source = where.string();
  return e;
}

std::optional<Manifest> LoadManifest(const fs::path& gen_dir) {
  std::ifstream in(gen_dir / core::kManifestFile);
  if (!in) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || j.value("format", 0) != kManifestFormat) return std::nullopt;
  Manifest m;
  m.generation = j.value("generation", 0ull);
  m.compacted_bytes = j.value("compacted_bytes", 0ull);
  for (const auto& [key, v] : j.at("files").items()) {
    if (!v.is_array() || v.size() != 3) return std::nullopt;
    m.files[key] =
        ManifestEntry{v[0].get<std::string>(), v[1].get<std::string>(), v[2].get<std::string>()};
  }
  return m;
}

Status SyncPath(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("index.sync", "cannot open for fsync", p);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("index.sync", "fsync failed", p);
  return Status::Ok();
}

Status WriteManifest(const fs::path& gen_dir, const Manifest& m) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [key, e] : m.files) {
    files[key] = nlohmann::json::array({e.path, e.hash, e.doc_id});  // compact: 100k entries
  }
  const nlohmann::json j = {{"format", kManifestFormat},
                            {"generation", m.generation},
                            {"documents", m.files.size()},
                            {"compacted_bytes", m.compacted_bytes},
                            {"files", std::move(files)}};
  const fs::path p = gen_dir / core::kManifestFile;
  {
    std::ofstream out(p, std::ios::trunc);
    out << j.dump() << '\n';
    if (!out) return IoError("index.manifest", "cannot write manifest", p);
  }
  return SyncPath(p);
}

// Syncs every file of a directory tree, then the directories, so that a rename of the tree is
// only ever observed with complete contents.
Status SyncTree(const fs::path& root) {
  std::error_code ec;
  std::vector<fs::path> dirs = {root};
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory()) {
      dirs.push_back(it->path());
    } else if (auto s = SyncPath(it->path()); !s) {
      return s;
    }
  }
  for (const auto& d : dirs) {
    if (auto s = SyncPath(d); !s) return s;
  }
  return Status::Ok();
}

// An exclusive lock on DB/LOCK for the duration of a run.
class WriterLock {
 public:
  // `what`: "index" or "purge", written into the lock file with the pid so that a second
  // writer can say who holds the index.
  static Result<WriterLock> Acquire(const fs::path& db, std::string_view what) {
    const fs::path p = db / core::kLockFile;
    const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("index.lock", "cannot create lock file", p);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      char holder[128] = {};
      const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
      ::close(fd);
      std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
      while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
      Error e = MakeError(ErrorCode::kBusy, "index.busy",
                          "別の処理がこの索引を更新中です（" +
                              (who.empty() ? std::string("不明") : core::EscapePath(who)) +
                              "）。終わるのを待ってから実行してください");
      e.source = db.string();
      return e;
    }
    const std::string holder = std::string(what) + " pid " + std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
      // Only the message of a second writer needs it; the lock itself is held.
    }
    return WriterLock(fd);
  }
  WriterLock(WriterLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  WriterLock& operator=(WriterLock&&) = delete;
  ~WriterLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

template <typename F>
void ParallelFor(size_t n, int threads, F&& f) {
  std::atomic<size_t> next{0};
  auto worker = [&](int w) {
    for (size_t i; (i = next.fetch_add(1)) < n;) f(w, i);
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < threads; ++w) pool.emplace_back(worker, w);
  worker(0);
  for (auto& t : pool) t.join();
}

int ThreadCount(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

bool UnderRoot(const std::string& key, const std::vector<std::string>& roots) {
  for (const auto& r : roots) {
    if (key == r) return true;
    if (key.size() > r.size() && key.compare(0, r.size(), r) == 0 &&
        (r.back() == '/' || key[r.size()] == '/'))
      return true;
  }
  return false;
}

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

// Parses `s` again for indexing; the file must still have the content that was scanned.
Result<ParsedDoc> ReparseForIndex(const Scanned& s, const core::PiiOptions& pii) {
  auto data = ReadFile(s.file.path, kMaxFileBytes);
  if (!data) return data.error();
  if (ContentHash(*data) != s.hash) {
    Error e = MakeError(ErrorCode::kInvalidInput, "file.changed-during-index",
                        "索引作成中にファイルが変更されました（次回の実行で取り込みます）");
    e.source = s.file.path;
    return e;
  }
  ParseOutcome parsed = ParseDocument(s.file.path, *data, LintMode::kLenient, pii);
  if (!parsed.errors.empty()) return parsed.errors.front();
  return std::move(parsed.doc);
}

uint64_t NextGeneration(const fs::path& db, const Manifest& prev) {
  uint64_t max = prev.generation;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(db, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("gen-", 0) == 0) {
      max = std::max<uint64_t>(max, std::strtoull(name.c_str() + 4, nullptr, 10));
    }
  }
  return max + 1;
}

// Part databases written by one thread: one per shard, replaced by a fresh set every
// kPartDocs documents. Each writer numbers its documents within its own slice of each shard's
// docid range (index_layout.h), so parts merge without renumbering. Not thread-safe.
class PartWriter {
 public:
  PartWriter(fs::path dir, int slice, int slices)
      : dir_(std::move(dir)), slice_(slice), slices_(slices) {}

  void Add(const std::string& shard, const Xapian::Document& doc) {
    auto it = open_.find(shard);
    if (it == open_.end()) {
      const fs::path p = dir_ / ("p" + std::to_string(set_)) / shard;
      fs::create_directories(p.parent_path());
      it =
          open_.emplace(shard, Xapian::WritableDatabase(p.string(), Xapian::DB_CREATE_OR_OVERWRITE))
              .first;
      written_.emplace_back(shard, p);
    }
    const uint32_t span = core::kShardDocidSpan / static_cast<uint32_t>(slices_);
    uint32_t& used = next_[shard];
    if (used >= span)
      throw Xapian::RangeError("too many documents for one shard of an index generation");
    const uint32_t did = static_cast<uint32_t>(core::ShardNumber(shard)) * core::kShardDocidSpan +
                         static_cast<uint32_t>(slice_) * span + ++used;
    it->second.replace_document(did, doc);
  }

  // Counts a finished source document; starts a new set of parts when this one is full.
  void DocumentDone() {
    if (++docs_in_set_ >= kPartDocs) Close();
  }

  // Commits and closes the open parts (the next Add starts a new set).
  void Close() {
    for (auto& [shard, db] : open_) {
      db.commit();
      db.close();
    }
    open_.clear();
    docs_in_set_ = 0;
    ++set_;
  }

  // (shard, part path), in increasing docid order per shard.
  const std::vector<std::pair<std::string, fs::path>>& written() const { return written_; }

 private:
  fs::path dir_;
  int slice_, slices_;
  int set_ = 0;
  uint64_t docs_in_set_ = 0;
  std::map<std::string, uint32_t> next_;  // documents numbered so far, per shard
  std::map<std::string, Xapian::WritableDatabase> open_;
  std::vector<std::pair<std::string, fs::path>> written_;
};

class Builder {
 public:
  Builder(const IndexOptions& options, const fs::path& tmp)
      : options_(options), tmp_(tmp), threads_(ThreadCount(options.threads)) {}

  // Builds every shard from scratch in `tmp_`: `threads_` workers each write their own part
  // databases, which are then merged (and compacted) shard by shard.
  Status Full(const std::vector<const Scanned*>& docs, const std::optional<fs::path>& prev_gen,
              const std::vector<std::string>& carry, std::vector<Error>& late_errors,
              std::set<std::string>& dropped) {
    const auto base_analyzer = core::Analyzer::Create();
    if (!base_analyzer) return base_analyzer.error();
    std::mutex mu;
    std::optional<Error> fatal;
    std::atomic<uint64_t> done{0};
    std::vector<PartWriter> writers;
    std::vector<core::Analyzer> analyzers;
    // One docid slice per worker, one for carried documents, one left for incremental updates.
    const int slices = threads_ + 2;
    for (int w = 0; w < threads_; ++w) {
      writers.emplace_back(tmp_ / "parts" / ("w" + std::to_string(w)), w, slices);
      auto a = base_analyzer->Clone();
      if (!a) return a.error();
      analyzers.push_back(std::move(*a));
    }
    ParallelFor(docs.size(), threads_, [&](int w, size_t i) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (fatal) return;
      }
      auto doc = ReparseForIndex(*docs[i], options_.pii);
      if (!doc) {
        std::lock_guard<std::mutex> lock(mu);
        late_errors.push_back(doc.error());
        dropped.insert(docs[i]->file.key);
        return;
      }
      try {
        for (const VersionSpan& v : VersionsOf(*doc)) {
          writers[w].Add(core::ShardName(v.lo, v.hi), BuildDocument(*doc, v.lo, analyzers[w]));
        }
        writers[w].DocumentDone();
      } catch (const Xapian::Error& e) {
        std::lock_guard<std::mutex> lock(mu);
        fatal = IoError("index.xapian", e.get_description(), tmp_);
      } catch (const fs::filesystem_error& e) {
        std::lock_guard<std::mutex> lock(mu);
        fatal = IoError("index.filesystem", e.what(), tmp_);
      }
      Progress("index", done.fetch_add(1) + 1, docs.size());
    });
    if (fatal) return *fatal;
    try {
      for (auto& w : writers) w.Close();
      index_done_ = Clock::now();
      if (prev_gen && !carry.empty()) {
        writers.emplace_back(tmp_ / "parts" / "carry", threads_, slices);
        Carry(*prev_gen, carry, writers.back());
      }
    } catch (const Xapian::Error& e) {
      return IoError("index.xapian", e.get_description(), tmp_);
    }
    return Merge(writers);
  }

  // Copies the previous generation's shards into `tmp_` and applies the changes to the copy.
  Status Incremental(const fs::path& prev_gen, const std::vector<std::string>& remove_ids,
                     const std::vector<const Scanned*>& docs, std::vector<Error>& late_errors,
                     std::set<std::string>& dropped) {
    auto analyzer = core::Analyzer::Create();
    if (!analyzer) return analyzer.error();
    try {
      std::map<std::string, Xapian::WritableDatabase> shards;
      for (const auto& name : core::AllShardNames()) {
        fs::copy(prev_gen / name, tmp_ / name, fs::copy_options::recursive);
        shards.emplace(name, Xapian::WritableDatabase((tmp_ / name).string(), Xapian::DB_OPEN));
      }
      for (const auto& id : remove_ids) {
        for (auto& [name, db] : shards) db.delete_document(std::string(core::kDocIdPrefix) + id);
      }
      uint64_t done = 0;
      for (const Scanned* s : docs) {
        auto doc = ReparseForIndex(*s, options_.pii);
        if (!doc) {
          late_errors.push_back(doc.error());
          dropped.insert(s->file.key);
          continue;
        }
        for (const VersionSpan& v : VersionsOf(*doc)) {
          // Stay within the shard's docid range (index_layout.h); running out of it needs a
          // full rebuild, which renumbers.
          const std::string name = core::ShardName(v.lo, v.hi);
          Xapian::WritableDatabase& db = shards.at(name);
          const uint32_t base =
              static_cast<uint32_t>(core::ShardNumber(name)) * core::kShardDocidSpan;
          const uint32_t did = std::max(db.get_lastdocid(), base) + 1;
          if (did > base + core::kShardDocidSpan) {
            return MakeError(ErrorCode::kInternal, "index.docid-range",
                             "shard " + name + " is full; run yuimaru index --full");
          }
          db.replace_document(did, BuildDocument(*doc, v.lo, *analyzer));
        }
        Progress("index", ++done, docs.size());
      }
      for (auto& [name, db] : shards) {
        db.commit();
        db.close();
      }
    } catch (const Xapian::Error& e) {
      return IoError("index.xapian", e.get_description(), tmp_);
    } catch (const fs::filesystem_error& e) {
      return IoError("index.filesystem", e.what(), tmp_);
    }
    return Status::Ok();
  }

  std::optional<Clock::time_point> index_done_;  // end of the parallel phase of a full build

 private:
  // Copies the versions of documents `ids` from the previous generation into parts of `out`.
  static void Carry(const fs::path& prev_gen, const std::vector<std::string>& ids,
                    PartWriter& out) {
    for (const auto& name : core::AllShardNames()) {
      Xapian::Database old((prev_gen / name).string());
      for (const auto& id : ids) {
        const std::string term = std::string(core::kDocIdPrefix) + id;
        for (auto it = old.postlist_begin(term); it != old.postlist_end(term); ++it) {
          out.Add(name, old.get_document(*it));
        }
      }
    }
    out.Close();
  }

  // Merges the parts of each shard into one compacted database (shards in parallel).
  Status Merge(const std::vector<PartWriter>& writers) {
    const std::vector<std::string> names = core::AllShardNames();
    std::map<std::string, std::vector<fs::path>> parts;
    for (const auto& w : writers) {
      for (const auto& [shard, path] : w.written()) parts[shard].push_back(path);
    }
    std::mutex mu;
    std::optional<Error> fatal;
    std::atomic<uint64_t> done{0};
    ParallelFor(names.size(), threads_, [&](int, size_t i) {
      const std::string& name = names[i];
      const fs::path out = tmp_ / name;
      try {
        if (parts.count(name)) {
          Xapian::Database sources;
          for (const auto& p : parts.at(name)) sources.add_database(Xapian::Database(p.string()));
          sources.compact(out.string(),
                          Xapian::DBCOMPACT_MULTIPASS | Xapian::DBCOMPACT_NO_RENUMBER);
        } else {
          Xapian::WritableDatabase empty(out.string(), Xapian::DB_CREATE_OR_OVERWRITE);
          empty.commit();
        }
      } catch (const Xapian::Error& e) {
        std::lock_guard<std::mutex> lock(mu);
        fatal = IoError("index.xapian", e.get_description(), out);
      }
      Progress("merge", done.fetch_add(1) + 1, names.size());
    });
    if (fatal) return *fatal;
    std::error_code ec;
    fs::remove_all(tmp_ / "parts", ec);
    return Status::Ok();
  }

  void Progress(const char* phase, uint64_t done, uint64_t total) {
    if (!options_.progress) return;
    std::lock_guard<std::mutex> lock(progress_mu_);
    options_.progress(IndexProgress{phase, done, total});
  }

  const IndexOptions& options_;
  const fs::path tmp_;
  const int threads_;
  std::mutex progress_mu_;
};

// Bytes of the shard databases under `dir` (the manifest and the synonyms aside).
uint64_t ShardBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& name : core::AllShardNames()) {
    for (fs::recursive_directory_iterator it(dir / name, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
  }
  return total;
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

// Compacts every shard of `dir` in place (document ids kept: shards own id ranges).
Status CompactShards(const fs::path& dir, int threads) {
  const std::vector<std::string> names = core::AllShardNames();
  std::mutex mu;
  std::optional<Error> fatal;
  ParallelFor(names.size(), threads, [&](int, size_t i) {
    const fs::path shard = dir / names[i];
    const fs::path out = dir / (names[i] + ".compact");
    try {
      Xapian::Database(shard.string())
          .compact(out.string(), Xapian::DBCOMPACT_MULTIPASS | Xapian::DBCOMPACT_NO_RENUMBER);
      std::error_code ec;
      fs::remove_all(shard, ec);
      if (!ec) fs::rename(out, shard, ec);
      if (ec) {
        std::lock_guard<std::mutex> lock(mu);
        fatal = IoError("index.compact", ec.message(), shard);
      }
    } catch (const Xapian::Error& e) {
      std::lock_guard<std::mutex> lock(mu);
      fatal = IoError("index.compact", e.get_description(), shard);
    }
  });
  if (fatal) return *fatal;
  return Status::Ok();
}

// Points CURRENT at `gen_name` atomically (rename of a new symlink over the old one).
Status SwitchCurrent(const fs::path& db, const std::string& gen_name) {
  const fs::path link = db / core::kCurrentLink;
  const fs::path tmp_link = db / (std::string(core::kCurrentLink) + ".new");
  std::error_code ec;
  fs::remove(tmp_link, ec);
  fs::create_directory_symlink(gen_name, tmp_link, ec);
  if (ec) return IoError("index.switch", ec.message(), tmp_link);
  if (::rename(tmp_link.c_str(), link.c_str()) != 0) {
    return IoError("index.switch", "rename failed", link);
  }
  return SyncPath(db);
}

// Removes generations older than the previous one (readers may still hold the previous one)
// and leftovers of killed runs.
void CollectGarbage(const fs::path& db, uint64_t current) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(db, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("gen-", 0) != 0) continue;
    const bool tmp = name.size() > 4 && name.ends_with(".tmp");
    const uint64_t g = std::strtoull(name.c_str() + 4, nullptr, 10);
    if (tmp || g + 1 < current) fs::remove_all(e.path(), ec);
  }
}

constexpr char kSynonymsFile[] = "synonyms.tsv";
constexpr char kPurgeJournal[] = "purge-journal.json";

Error PendingPurge(const fs::path& db) {
  Error e = MakeError(ErrorCode::kBusy, "purge.pending",
                      "中断された廃棄（yuimaru purge）が完了していません。yuimaru purge --db " +
                          db.string() + " --resume で完了してください");
  e.source = db.string();
  return e;
}

// The synonym table this run stores: the given or detected file if it parses, else the one of
// the previous generation (a broken table is reported and changes nothing).
std::string ChooseSynonyms(const IndexOptions& options, const std::string& previous,
                           IndexReport& report) {
  fs::path source = options.synonyms;
  if (source.empty()) {
    for (const auto& p : options.paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec) && fs::is_regular_file(p / kSynonymsFile, ec)) {
        source = p / kSynonymsFile;
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

Status WriteFileSynced(const fs::path& p, const std::string& data) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out) return IoError("index.write", "cannot write", p);
  }
  return SyncPath(p);
}

}  // namespace

Result<IndexReport> RunIndex(const IndexOptions& options) {
  const auto start = Clock::now();
  IndexReport report;
  std::error_code ec;
  fs::create_directories(options.db, ec);
  if (ec) return IoError("index.create", ec.message(), options.db);
  auto lock = WriterLock::Acquire(options.db, "index");
  if (!lock) return lock.error();
  if (HasPendingPurge(options.db)) return PendingPurge(options.db);

  auto listing = CollectFiles(options.paths);
  if (!listing) return listing.error();
  const std::vector<SourceFile>* files = &listing->files;
  for (auto& e : listing->errors) {
    if (e.rule == "path.invalid-utf8") ++report.rejected_files;
    report.errors.push_back(std::move(e));
  }
  for (auto& w : listing->warnings) report.warnings.push_back(std::move(w));
  std::vector<std::string> roots;
  for (const auto& p : options.paths) roots.push_back(PathKey(p));

  Manifest prev;
  std::optional<fs::path> prev_gen;
  if (auto current = core::ResolveCurrentGeneration(options.db)) {
    if (auto m = LoadManifest(*current)) {
      prev = std::move(*m);
      prev_gen = *current;
    }
  }
  CollectGarbage(options.db, prev.generation);
  std::string prev_synonyms;
  if (prev_gen) {
    if (auto data = ReadFile((*prev_gen / kSynonymsFile).string(), kMaxFileBytes))
      prev_synonyms = *data;
  }
  const std::string synonyms = ChooseSynonyms(options, prev_synonyms, report);

  // 1. Scan: hash every file, parse the new and changed ones.
  const int threads = ThreadCount(options.threads);
  std::vector<Scanned> scanned(files->size());
  std::atomic<uint64_t> scanned_count{0};
  std::mutex progress_mu;
  ParallelFor(files->size(), threads, [&](int, size_t i) {
    scanned[i] = ScanFile((*files)[i], prev,
                          !prev_gen.has_value() || !options.pii.deny_list.empty(), options.pii);
    const uint64_t done = scanned_count.fetch_add(1) + 1;
    if (options.progress && (done % 1000 == 0 || done == files->size())) {
      std::lock_guard<std::mutex> l(progress_mu);
      options.progress(IndexProgress{"scan", done, files->size()});
    }
  });

  auto mark = [&, last = start](const char* phase) mutable {
    const auto now = Clock::now();
    report.phases.emplace_back(phase, std::chrono::duration<double>(now - last).count());
    last = now;
  };
  mark("scan");

  // 2. Decide. The next manifest starts as the previous one; entries change as decided.
  Manifest next = prev;
  std::set<std::string> present;
  for (const auto& s : scanned) present.insert(s.file.key);
  std::vector<std::string> remove_ids;
  for (const auto& [key, entry] : prev.files) {
    // A file under a folder that could not be listed is out of reach, not gone.
    if (UnderRoot(key, roots) && !present.count(key) && !UnderRoot(key, listing->unreachable)) {
      remove_ids.push_back(entry.doc_id);
      next.files.erase(key);
      ++report.deleted;
    }
  }
  // Files that vanish in numbers are more often an unmounted share, a wrong path or a half
  // copied folder than a decision: stop before anything is published, and say so.
  const uint64_t indexed = prev.files.size();
  const uint64_t vanished = report.deleted;
  if (indexed > 0 && options.max_delete_share < 1.0 &&
      ((vanished >= kMassDeleteMinimum &&
        static_cast<double>(vanished) > options.max_delete_share * static_cast<double>(indexed)) ||
       vanished == indexed)) {
    return MakeError(ErrorCode::kInvalidInput, "index.mass-delete",
                     "この実行では索引の " + std::to_string(indexed) + " 件のうち " +
                         std::to_string(vanished) +
                         " 件が消えたことになります（ファイルが見つかりません）。フォルダの指定や"
                         "マウントを確かめてください。本当に削除するなら --allow-mass-delete "
                         "を付けて実行してください（索引は変更していません）");
  }
  // doc_id → path of the file that owns it, for duplicate detection: files that keep their
  // entry first, then new and changed files in path order.
  std::map<std::string, std::pair<std::string, std::string>> owner;  // id → (key, path)
  std::set<std::string> changing;
  for (const auto& s : scanned) {
    if (s.state == Scanned::State::kAccepted && s.known) changing.insert(s.file.key);
  }
  for (const auto& [key, entry] : next.files) {
    if (!changing.count(key)) owner.emplace(entry.doc_id, std::make_pair(key, entry.path));
  }
  std::vector<const Scanned*> to_add;
  for (auto& s : scanned) {
    for (auto& w : s.warnings) report.warnings.push_back(std::move(w));
    if (s.state == Scanned::State::kRejected) {
      ++report.rejected_files;
      const bool pii = std::any_of(s.errors.begin(), s.errors.end(),
                                   [](const Error& e) { return e.rule.rfind("pii/", 0) == 0; });
      for (auto& e : s.errors) report.errors.push_back(std::move(e));
      // An earlier version of a file found to hold personal data most likely holds it too: it
      // leaves the index rather than staying as "the last good version".
      if (const auto it = next.files.find(s.file.key); pii && it != next.files.end()) {
        Error e = MakeError(ErrorCode::kInvalidInput, "pii.withdrawn",
                            "以前の版（" + it->second.doc_id +
                                "）を索引から外しました。ディスク上の痕跡まで消すには yuimaru "
                                "purge を実行してください");
        e.source = s.file.path;
        report.errors.push_back(std::move(e));
        remove_ids.push_back(it->second.doc_id);
        next.files.erase(it);
        ++report.deleted;
      }
      continue;
    }
    if (s.state == Scanned::State::kUnchanged) {
      ++report.skipped;
      continue;
    }
    const auto it = owner.find(s.doc_id);
    if (it != owner.end() && it->second.first != s.file.key) {
      Error e =
          MakeError(ErrorCode::kInvalidInput, "doc-id.duplicate",
                    "doc_id「" + s.doc_id + "」は既に " + it->second.second + " で使われています");
      e.source = s.file.path;
      e.line = s.doc_id_line;
      report.errors.push_back(std::move(e));
      ++report.rejected_files;
      continue;
    }
    owner[s.doc_id] = std::make_pair(s.file.key, s.file.path);
    to_add.push_back(&s);
  }
  for (const Scanned* s : to_add) {
    auto it = next.files.find(s->file.key);
    if (it != next.files.end()) {
      remove_ids.push_back(it->second.doc_id);
      ++report.updated;
    } else {
      ++report.added;
    }
    next.files[s->file.key] = ManifestEntry{s->file.path, s->hash, s->doc_id};
    report.bytes_indexed += s->bytes;
  }

  const bool nothing_changed = to_add.empty() && report.deleted == 0 && synonyms == prev_synonyms;
  if (nothing_changed && prev_gen && options.rebuild != RebuildMode::kFull) {
    report.generation = prev.generation;
    report.documents = prev.files.size();
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return report;
  }

  // 3. Build the next generation in a temporary directory.
  const uint64_t generation = NextGeneration(options.db, prev);
  next.generation = generation;
  const std::string gen_name = core::GenerationDirName(generation);
  const fs::path tmp = options.db / (gen_name + ".tmp");
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return IoError("index.create", ec.message(), tmp);

  const size_t changes = to_add.size() + report.deleted;
  const bool full = !prev_gen || options.rebuild == RebuildMode::kFull ||
                    changes > std::max(kIncrementalMaxChanges, prev.files.size() / 4);
  // A copy needs the previous generation's size and some growth; a full build its parts and
  // their merge. Say so before writing, rather than fail half way with "Input/output error"
  // (what a copy onto a full disk reports).
  uint64_t needed = 0;
  if (prev_gen) {
    needed = static_cast<uint64_t>(static_cast<double>(ShardBytes(*prev_gen)) * (full ? 2.0 : 1.3));
    if (const auto free = FreeBytes(options.db); free && *free < needed) {
      fs::remove_all(tmp, ec);
      return DiskFull(options.db, needed, *free);
    }
  }
  report.full_rebuild = full;
  std::vector<Error> late_errors;
  std::set<std::string> dropped;
  Builder builder(options, tmp);
  Status built = Status::Ok();
  if (full) {
    // A full build re-reads every file this run scanned and accepted; documents it keeps
    // without re-reading (files outside the given paths, and the last good version of files
    // rejected now) are copied from the previous generation.
    std::vector<const Scanned*> all;
    std::set<std::string> reparsed;
    for (const auto& s : scanned) {
      if (s.state != Scanned::State::kRejected && next.files.count(s.file.key) &&
          next.files[s.file.key].hash == s.hash) {
        all.push_back(&s);
        reparsed.insert(s.file.key);
      }
    }
    std::vector<std::string> carry;
    for (const auto& [key, entry] : next.files) {
      if (!reparsed.count(key)) carry.push_back(entry.doc_id);
    }
    built = builder.Full(all, prev_gen, carry, late_errors, dropped);
  } else {
    built = builder.Incremental(*prev_gen, remove_ids, to_add, late_errors, dropped);
  }
  if (!built) {
    fs::remove_all(tmp, ec);
    // Out of space after all (the estimate was low, or someone else filled the disk).
    const auto free = FreeBytes(options.db);
    if (built.error().message.find("No space left") != std::string::npos ||
        (free && *free < std::max<uint64_t>(needed, 1 << 20))) {
      return DiskFull(options.db, needed, free.value_or(0));
    }
    return built.error();
  }
  mark("index");
  if (builder.index_done_) {
    // A full build: the merge (compaction) after the parallel indexing is a phase of its own.
    const double merge = std::chrono::duration<double>(Clock::now() - *builder.index_done_).count();
    report.phases.back().second -= merge;
    report.phases.emplace_back("merge", merge);
  }
  for (const auto& key : dropped) {
    // A file that changed under us or failed on re-read: not in this generation's manifest.
    next.files.erase(key);
  }
  for (auto& e : late_errors) {
    ++report.rejected_files;
    report.errors.push_back(std::move(e));
  }

  // A copy patched run after run keeps the blocks it freed: compact it once it has grown.
  report.index_bytes = ShardBytes(tmp);
  if (full || prev.compacted_bytes == 0) {
    next.compacted_bytes = report.index_bytes;
  } else if (static_cast<double>(report.index_bytes) >
             kMaxGrowth * static_cast<double>(prev.compacted_bytes)) {
    if (auto s = CompactShards(tmp, ThreadCount(options.threads)); !s) {
      fs::remove_all(tmp, ec);
      return s.error();
    }
    report.compacted = true;
    report.index_bytes = ShardBytes(tmp);
    next.compacted_bytes = report.index_bytes;
    mark("compact");
  } else {
    next.compacted_bytes = prev.compacted_bytes;
  }

  // 4. Publish: manifest, sync, rename, switch CURRENT.
  if (!synonyms.empty()) {
    if (auto s = WriteFileSynced(tmp / kSynonymsFile, synonyms); !s) return s.error();
  }
  if (auto s = WriteManifest(tmp, next); !s) return s.error();
  if (auto s = SyncTree(tmp); !s) return s.error();
  const fs::path final_dir = options.db / gen_name;
  if (::rename(tmp.c_str(), final_dir.c_str()) != 0) {
    return IoError("index.publish", "rename failed", final_dir);
  }
  if (auto s = SyncPath(options.db); !s) return s.error();
  if (auto s = SwitchCurrent(options.db, gen_name); !s) return s.error();
  CollectGarbage(options.db, generation);

  mark("publish");
  report.generation = generation;
  report.documents = next.files.size();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

namespace {

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
    if (total != count || term.size() < 5 || term[0] < 'A' || term[0] > 'Z') continue;
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

// SHA-256 over the generation's files, in path order: relative path, NUL, content.
std::string TreeChecksum(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  for (const auto& f : files) {
    const std::string rel = fs::relative(f, root).string();
    EVP_DigestUpdate(ctx, rel.data(), rel.size() + 1);
    std::ifstream in(f, std::ios::binary);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return core::HexEncode(md, len);
}

}  // namespace

namespace {

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
  const fs::path tmp = db / (std::string(kPurgeJournal) + ".tmp");
  if (auto s = WriteFileSynced(tmp, out.dump()); !s) return s;
  std::error_code ec;
  fs::rename(tmp, db / kPurgeJournal, ec);
  if (ec) return IoError("purge.journal", ec.message(), db / kPurgeJournal);
  return SyncPath(db);
}

std::optional<PurgeJournal> ReadJournal(const fs::path& db) {
  auto data = ReadFile((db / kPurgeJournal).string(), kMaxFileBytes);
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
// first that still holds the documents), the directory scanned. Idempotent, so a purge killed
// anywhere after the switch is finished by running this again.
Result<PurgeReport> FinishPurge(const fs::path& db, const PurgeJournal& journal,
                                std::vector<std::string> probes, bool resumed) {
  const auto start = Clock::now();
  PurgeReport report;
  report.ids = journal.ids;
  report.sources = journal.sources;
  report.generation = journal.generation;
  report.probes_found_before = journal.probes_found_before;
  report.resumed = resumed;
  const std::string gen_name = core::GenerationDirName(journal.generation);
  const fs::path final_dir = db / gen_name;
  const std::set<std::string> ids(journal.ids.begin(), journal.ids.end());
  const std::set<std::string> skip = {"users.json", "audit.jsonl", std::string(core::kLockFile),
                                      kPurgeJournal};
  std::error_code ec;
  std::vector<fs::path> old;
  for (const auto& e : fs::directory_iterator(db, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("gen-", 0) == 0 && name != gen_name) old.push_back(e.path());
  }
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
  // Unlike an index run, no older generation is kept for readers: all of them held the text.
  for (const auto& g : old) {
    fs::remove_all(g, ec);
    CrashPointForTests("purge-deleting");
  }
  if (auto s = SyncPath(db); !s) return s.error();
  auto manifest = LoadManifest(final_dir);
  report.documents = manifest ? manifest->files.size() : 0;
  report.probes = probes.size();
  std::string where;
  report.probes_found_after =
      ScanForProbes(db, probes, skip, &report.files_scanned, &report.bytes_scanned, &where);
  report.checksum = TreeChecksum(final_dir);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (report.probes_found_after != 0) {
    return MakeError(ErrorCode::kInternal, "purge.verify",
                     "消去後も " + std::to_string(report.probes_found_after) +
                         " 個の固有文字列が索引ディレクトリに残っています（" + where + " など）");
  }
  return report;
}

}  // namespace

bool HasPendingPurge(const fs::path& db) {
  std::error_code ec;
  return fs::exists(db / kPurgeJournal, ec);
}

Result<PurgeReport> ResumePurge(const fs::path& db) {
  auto lock = WriterLock::Acquire(db, "purge");
  if (!lock) return lock.error();
  const auto journal = ReadJournal(db);
  if (!journal)
    return MakeError(ErrorCode::kNotFound, "purge.no-journal", "中断された廃棄はありません");
  const auto current = core::ResolveCurrentGeneration(db);
  if (!current || current->filename().string() != core::GenerationDirName(journal->generation)) {
    // Killed before the switch: nothing was published, the documents are still indexed; the
    // purge must simply be run again.
    std::error_code ec;
    fs::remove(db / kPurgeJournal, ec);
    return MakeError(ErrorCode::kNotFound, "purge.not-switched",
                     "中断された廃棄は公開前に止まっていました（文書はまだ索引にあります）。"
                     "yuimaru purge をもう一度実行してください");
  }
  return FinishPurge(db, *journal, {}, true);
}

Status CompletePurge(const fs::path& db) {
  std::error_code ec;
  fs::remove(db / kPurgeJournal, ec);
  if (ec) return IoError("purge.journal", ec.message(), db / kPurgeJournal);
  return SyncPath(db);
}

Result<PurgeReport> RunPurge(const PurgeOptions& options) {
  const auto start = Clock::now();
  PurgeReport report;
  auto lock = WriterLock::Acquire(options.db, "purge");
  if (!lock) return lock.error();
  if (HasPendingPurge(options.db)) return PendingPurge(options.db);
  const auto current = core::ResolveCurrentGeneration(options.db);
  if (!current) return current.error();
  auto prev = LoadManifest(*current);
  if (!prev) return IoError("purge.manifest", "cannot read the manifest", *current);
  const std::set<std::string> ids(options.ids.begin(), options.ids.end());
  if (ids.empty()) return MakeError(ErrorCode::kInvalidInput, "purge.no-ids", "ID がありません");

  Manifest next = *prev;
  std::vector<std::string> carry;
  std::set<std::string> seen;
  for (auto it = next.files.begin(); it != next.files.end();) {
    if (ids.count(it->second.doc_id)) {
      seen.insert(it->second.doc_id);
      report.sources.push_back(it->second.path);
      it = next.files.erase(it);
    } else {
      carry.push_back(it->second.doc_id);
      ++it;
    }
  }
  std::vector<std::string> unknown;
  for (const auto& id : ids) {
    if (!seen.count(id)) unknown.push_back(id);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& id : unknown) list += (list.empty() ? "" : ", ") + id;
    return MakeError(ErrorCode::kNotFound, "purge.unknown-id",
                     "索引にない ID です（何も消していません）: " + list);
  }
  report.ids.assign(ids.begin(), ids.end());

  std::vector<std::string> probes;
  const std::set<std::string> skip = {"users.json", "audit.jsonl", std::string(core::kLockFile),
                                      kPurgeJournal};
  try {
    probes = PurgeProbes(*current, ids);
  } catch (const Xapian::Error& e) {
    return IoError("purge.xapian", e.get_description(), *current);
  }
  report.probes = probes.size();
  report.probes_found_before = ScanForProbes(*current, probes, skip, nullptr, nullptr);

  // Rebuild: every remaining document copied from the current generation into fresh parts,
  // merged by compaction into new databases.
  const uint64_t generation = NextGeneration(options.db, *prev);
  next.generation = generation;
  const std::string gen_name = core::GenerationDirName(generation);
  const fs::path tmp = options.db / (gen_name + ".tmp");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return IoError("purge.create", ec.message(), tmp);
  IndexOptions build_options;
  build_options.db = options.db;
  Builder builder(build_options, tmp);
  std::vector<Error> late_errors;
  std::set<std::string> dropped;
  if (Status built = builder.Full({}, *current, carry, late_errors, dropped); !built) {
    fs::remove_all(tmp, ec);
    return built.error();
  }
  if (auto data = ReadFile((*current / kSynonymsFile).string(), kMaxFileBytes)) {
    if (auto s = WriteFileSynced(tmp / kSynonymsFile, *data); !s) return s.error();
  }
  next.compacted_bytes = ShardBytes(tmp);  // a purge builds by compaction
  if (auto s = WriteManifest(tmp, next); !s) return s.error();
  if (auto s = SyncTree(tmp); !s) return s.error();
  const fs::path final_dir = options.db / gen_name;
  if (::rename(tmp.c_str(), final_dir.c_str()) != 0) {
    return IoError("purge.publish", "rename failed", final_dir);
  }
  if (auto s = SyncPath(options.db); !s) return s.error();
  // From the switch on the purge must finish even if this process is killed: the journal says
  // what to finish (ResumePurge; the CLI runs it before any purge or index).
  PurgeJournal journal{report.ids, report.sources, generation, report.probes_found_before};
  if (auto s = WriteJournal(options.db, journal); !s) return s.error();
  if (auto s = SwitchCurrent(options.db, gen_name); !s) return s.error();
  CrashPointForTests("purge-switched");
  auto finished = FinishPurge(options.db, journal, probes, false);
  if (finished) finished->seconds += std::chrono::duration<double>(Clock::now() - start).count();
  return finished;
}

Result<LintReport> RunLint(const std::vector<fs::path>& paths, LintStrictness strictness,
                           const core::PiiOptions& pii) {
  auto listing = CollectFiles(paths);
  if (!listing) return listing.error();
  const std::vector<SourceFile>* files = &listing->files;
  const LintMode mode =
      strictness == LintStrictness::kStrict ? LintMode::kStrict : LintMode::kLenient;
  LintReport report;
  for (auto& e : listing->errors) {
    ++report.rejected_files;
    report.errors.push_back(std::move(e));
  }
  for (auto& w : listing->warnings) report.warnings.push_back(std::move(w));
  report.files = files->size();
  std::vector<ParseOutcome> outcomes(files->size());
  std::vector<std::optional<Error>> read_errors(files->size());
  ParallelFor(files->size(), ThreadCount(0), [&](int, size_t i) {
    auto data = ReadFile((*files)[i].path, kMaxFileBytes);
    if (!data) {
      read_errors[i] = data.error();
      return;
    }
    outcomes[i] = ParseDocument((*files)[i].path, *data, mode, pii);
  });
  for (auto& o : outcomes) {
    for (auto& w : o.warnings) report.warnings.push_back(std::move(w));
  }
  std::map<std::string, std::string> owner;  // doc_id → path
  for (size_t i = 0; i < files->size(); ++i) {
    if (!outcomes[i].errors.empty() || read_errors[i]) continue;
    owner.emplace(outcomes[i].doc.doc_id, (*files)[i].path);
  }
  for (size_t i = 0; i < files->size(); ++i) {
    std::vector<Error> errors = std::move(outcomes[i].errors);
    if (read_errors[i]) errors.push_back(*read_errors[i]);
    const ParsedDoc& doc = outcomes[i].doc;
    if (errors.empty()) {
      const auto it = owner.find(doc.doc_id);
      if (it != owner.end() && it->second != (*files)[i].path) {
        Error e =
            MakeError(ErrorCode::kInvalidInput, "doc-id.duplicate",
                      "doc_id「" + doc.doc_id + "」は既に " + it->second + " で使われています");
        e.source = (*files)[i].path;
        e.line = doc.doc_id_line;
        errors.push_back(std::move(e));
      }
    }
    if (errors.empty() && mode == LintMode::kStrict) {
      for (const auto& [id, line] : doc.related_refs) {
        if (owner.count(id)) continue;
        Error e = MakeError(ErrorCode::kInvalidInput, "front-matter.related.unknown-id",
                            "関連文書「" + id + "」が見つかりません");
        e.source = (*files)[i].path;
        e.line = line;
        errors.push_back(std::move(e));
      }
    }
    if (!errors.empty()) {
      ++report.rejected_files;
      for (auto& e : errors) report.errors.push_back(std::move(e));
    }
  }
  return report;
}

}  // namespace yuimaru::indexer
