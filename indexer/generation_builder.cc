#include "indexer/generation_builder.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <utility>

#include "core/analyzer.h"
#include "core/index_layout.h"
#include "core/schema.h"
#include "indexer/corpus_reader.h"
#include "indexer/document_builder.h"
#include "indexer/document_parser.h"
#include "indexer/generation_store.h"
#include "indexer/parallel.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Documents a worker writes into one set of part databases before it starts a new set. Xapian
// slows down as a database grows (each flush merges into longer posting lists), so a full build
// writes many small parts and merges them once at the end (MergeParts).
constexpr uint64_t kPartDocs = 4000;

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

}  // namespace

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

namespace {

// Copies the versions of documents `ids` from the previous generation into parts of `out`.
void Carry(const fs::path& prev_gen, const std::vector<std::string>& ids, PartWriter& out) {
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

}  // namespace

GenerationBuilder::GenerationBuilder(BuildOptions options, fs::path dir)
    : options_(std::move(options)), dir_(std::move(dir)), threads_(ThreadCount(options_.threads)) {}

Status GenerationBuilder::Full(const std::vector<const Scanned*>& docs,
                               const std::optional<fs::path>& prev_gen,
                               const std::vector<std::string>& carry,
                               std::vector<Error>& late_errors, std::set<std::string>& dropped) {
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
    writers.emplace_back(dir_ / "parts" / ("w" + std::to_string(w)), w, slices);
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
      fatal = IoError("index.xapian", e.get_description(), dir_);
    } catch (const fs::filesystem_error& e) {
      std::lock_guard<std::mutex> lock(mu);
      fatal = IoError("index.filesystem", e.what(), dir_);
    }
    Progress("index", done.fetch_add(1) + 1, docs.size());
  });
  if (fatal) return *fatal;
  try {
    for (auto& w : writers) w.Close();
    index_done_ = Clock::now();
    if (prev_gen && !carry.empty()) {
      writers.emplace_back(dir_ / "parts" / "carry", threads_, slices);
      Carry(*prev_gen, carry, writers.back());
    }
  } catch (const Xapian::Error& e) {
    return IoError("index.xapian", e.get_description(), dir_);
  }
  return Merge(writers);
}

Status GenerationBuilder::Incremental(const fs::path& prev_gen,
                                      const std::vector<std::string>& remove_ids,
                                      const std::vector<const Scanned*>& docs,
                                      std::vector<Error>& late_errors,
                                      std::set<std::string>& dropped) {
  auto analyzer = core::Analyzer::Create();
  if (!analyzer) return analyzer.error();
  try {
    std::map<std::string, Xapian::WritableDatabase> shards;
    for (const auto& name : core::AllShardNames()) {
      fs::copy(prev_gen / name, dir_ / name, fs::copy_options::recursive);
      shards.emplace(name, Xapian::WritableDatabase((dir_ / name).string(), Xapian::DB_OPEN));
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
    return IoError("index.xapian", e.get_description(), dir_);
  } catch (const fs::filesystem_error& e) {
    return IoError("index.filesystem", e.what(), dir_);
  }
  return Status::Ok();
}

// Merges the parts of each shard into one compacted database (shards in parallel).
Status GenerationBuilder::Merge(const std::vector<PartWriter>& writers) {
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
    const fs::path out = dir_ / name;
    try {
      if (parts.count(name)) {
        MergeParts(parts.at(name), out);
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
  fs::remove_all(dir_ / "parts", ec);
  return Status::Ok();
}

void MergeParts(const std::vector<fs::path>& parts, const fs::path& out) {
  constexpr int kFlags = Xapian::DBCOMPACT_MULTIPASS | Xapian::DBCOMPACT_NO_RENUMBER;
  if (parts.size() == 1) {
    Xapian::Database(parts.front().string()).compact(out.string(), kFlags);
    return;
  }
  const fs::path joined = out.string() + ".joined";
  struct Scratch {  // removed however the merge ends
    fs::path path;
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } scratch{joined};
  {
    // Scratch: the compacted copy is what is kept (and synced with the generation).
    Xapian::WritableDatabase w(joined.string(),
                               Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    for (const fs::path& p : parts) {
      {
        Xapian::Database part(p.string());
        for (auto it = part.postlist_begin(""); it != part.postlist_end(""); ++it) {
          w.replace_document(*it, part.get_document(*it));
        }
      }
      std::error_code ec;
      fs::remove_all(p, ec);  // copied: its space is free for the rest of the merge
    }
    w.commit();
  }
  Xapian::Database(joined.string()).compact(out.string(), kFlags);
}

void GenerationBuilder::Progress(const char* phase, uint64_t done, uint64_t total) {
  if (!options_.progress) return;
  std::lock_guard<std::mutex> lock(progress_mu_);
  options_.progress(IndexProgress{phase, done, total});
}

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

}  // namespace yuimaru::indexer
