#include "indexer/generation_builder.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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

// Documents a shard's scratch database takes between two commits. Xapian keeps the changes
// since the last commit in std::maps (per term, per document), and their lookups missed the
// cache on 40% of a full build's time at its own threshold of 10,000 documents; bench/RESULTS.md
// has the sweep that chose this (10,000 documents: 52.9 s at 10,000, 29.6 s at 250, 35.6 s at 40).
constexpr uint32_t kFlushDocs = 250;

struct ShardWriters::Shard {
  std::mutex mu;
  std::optional<Xapian::WritableDatabase> db;
  uint32_t used = 0;          // documents numbered so far
  uint32_t since_commit = 0;  // documents added since the last commit
};

ShardWriters::ShardWriters(fs::path dir) : dir_(std::move(dir)), scratch_(dir_ / "scratch") {
  for (const auto& name : core::AllShardNames()) shards_.emplace(name, std::make_unique<Shard>());
}

ShardWriters::~ShardWriters() {
  for (auto& [name, shard] : shards_) shard->db.reset();
  std::error_code ec;
  fs::remove_all(scratch_, ec);
}

void ShardWriters::Add(const std::string& shard, const Xapian::Document& doc) {
  Shard& s = *shards_.at(shard);
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.db) {
    fs::create_directories(scratch_);
    // Scratch: the compacted copy is what is kept (and synced with the generation).
    s.db.emplace((scratch_ / shard).string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
  }
  if (s.used >= core::kShardDocidSpan)
    throw Xapian::RangeError("too many documents for one shard of an index generation");
  const uint32_t did =
      static_cast<uint32_t>(core::ShardNumber(shard)) * core::kShardDocidSpan + ++s.used;
  s.db->replace_document(did, doc);
  if (++s.since_commit >= kFlushDocs) {
    s.db->commit();
    s.since_commit = 0;
  }
}

Status ShardWriters::Finish(int threads, const std::function<void()>& shard_done) {
  const std::vector<std::string> names = core::AllShardNames();
  std::mutex mu;
  std::optional<Error> fatal;
  ParallelFor(names.size(), threads, [&](int, size_t i) {
    const std::string& name = names[i];
    Shard& s = *shards_.at(name);
    const fs::path out = dir_ / name;
    try {
      if (s.db) {
        s.db->commit();
        s.db->close();
        s.db.reset();
        // One source only: Xapian 1.4.22 compacts several sources with ids other than 1..N
        // into a database some queries cannot read (generation_builder.h).
        Xapian::Database((scratch_ / name).string())
            .compact(out.string(), Xapian::DBCOMPACT_MULTIPASS | Xapian::DBCOMPACT_NO_RENUMBER);
        std::error_code ec;
        fs::remove_all(scratch_ / name, ec);  // compacted: its space is free for the others
      } else {
        Xapian::WritableDatabase empty(out.string(), Xapian::DB_CREATE_OR_OVERWRITE);
        empty.commit();
      }
    } catch (const Xapian::Error& e) {
      std::lock_guard<std::mutex> lock(mu);
      fatal = IoError("index.xapian", e.get_description(), out);
    }
    if (shard_done) shard_done();
  });
  if (fatal) return *fatal;
  std::error_code ec;
  fs::remove_all(scratch_, ec);
  return Status::Ok();
}

namespace {

// Copies the versions of documents `ids` from the previous generation into `out`.
void Carry(const fs::path& prev_gen, const std::vector<std::string>& ids, ShardWriters& out) {
  for (const auto& name : core::AllShardNames()) {
    Xapian::Database old((prev_gen / name).string());
    for (const auto& id : ids) {
      const std::string term = std::string(core::kDocIdPrefix) + id;
      for (auto it = old.postlist_begin(term); it != old.postlist_end(term); ++it) {
        out.Add(name, old.get_document(*it));
      }
    }
  }
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
  ShardWriters writers(dir_);
  std::vector<core::Analyzer> analyzers;
  for (int w = 0; w < threads_; ++w) {
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
        writers.Add(core::ShardName(v.lo, v.hi), BuildDocument(*doc, v.lo, analyzers[w]));
      }
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
  index_done_ = Clock::now();
  try {
    if (prev_gen && !carry.empty()) Carry(*prev_gen, carry, writers);
  } catch (const Xapian::Error& e) {
    return IoError("index.xapian", e.get_description(), dir_);
  } catch (const fs::filesystem_error& e) {
    return IoError("index.filesystem", e.what(), dir_);
  }
  std::atomic<uint64_t> merged{0};
  const uint64_t shards = core::AllShardNames().size();
  return writers.Finish(threads_, [&] { Progress("merge", merged.fetch_add(1) + 1, shards); });
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
