// The Xapian side of a search over one clearance view: the view's shard databases, and the
// adapters a match runs through them (a value reader and a term probe that step along one
// forward stream per shard, the exact text check, the facet spy) with the process-wide cache of
// texts the check reads. Private to search/.
//
// Every adapter is used by one thread at a time (like the Xapian objects it wraps) and must not
// outlive the ViewShards it was given.
#pragma once

#include <xapian.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "search/facet_counter.h"
#include "search/substring_filter.h"

namespace yuimaru::search {

// A clearance view: its shard databases and the one database Xapian searches over them.
struct ViewShards {
  std::vector<Xapian::Database> shards;
  std::vector<int> position;  // shard number (index_layout.h) → index in `shards`, or -1
  Xapian::Database combined;
  uint64_t cache_id = 0;  // TextCache::Handle of this generation; with a docid, one version's text
  // Match with Xapian's own classes only, no MatchDecider or MatchSpy of ours: what a remote
  // shard (xapian-tcpsrv) runs. Slower (the texts the terms cannot decide are fetched and the
  // match runs again), same answers.
  bool portable = false;
  // With other indexes (ShardSet, portable): the remote shards in `combined`, by name, and those
  // left out because they did not answer.
  std::vector<std::string> answered, missing;
  // A search over this view lost a remote shard: the Searcher opens the view again at its next
  // use. (Each view is used by one thread at a time, as its Searcher is.)
  mutable bool failed = false;

  // The index in `shards` of the shard a docid within its shard belongs to, or -1 if it is not
  // one of this view's shards.
  int ShardOf(Xapian::docid local) const;
};

// The normalized texts read for exact checks, shared by every Searcher of the process (a server
// has one per busy thread). Keys are (generation handle, docid within its shard). Thread-safe.
class TextCache {
 public:
  static TextCache& Instance();
  void SetCapacity(size_t bytes) { per_stripe_.store(bytes / kStripes); }
  // A small number for a generation's identity (path and database UUIDs), the same for every
  // Searcher that opens it.
  uint64_t Handle(const std::string& identity);
  // The text cached for (generation, id), or nullptr.
  std::shared_ptr<const std::string> Find(uint64_t generation, Xapian::docid id);
  void Insert(uint64_t generation, Xapian::docid id, std::shared_ptr<const std::string> text);
  void Clear();

 private:
  static constexpr size_t kStripes = 16;
  static uint64_t Key(uint64_t generation, Xapian::docid id) { return (generation << 32) | id; }
  struct Stripe {
    std::mutex mu;
    std::unordered_map<uint64_t, std::shared_ptr<const std::string>> map;
    size_t bytes = 0;
  };
  Stripe stripes_[kStripes];
  std::mutex handles_mu_;
  std::map<std::string, uint64_t> handles_;
  std::atomic<size_t> per_stripe_{(size_t{256} << 20) / kStripes};
};

// Reads one value slot of the documents the matcher visits. Returns "" for a document without
// the value.
class ValueReader {
 public:
  ValueReader(const ViewShards& view, unsigned slot)
      : view_(view), slot_(slot), streams_(view.shards.size()) {}
  std::string Get(const Xapian::Document& doc);

 private:
  struct Stream {
    Xapian::ValueIterator it, end;
  };
  const ViewShards& view_;
  unsigned slot_;
  std::vector<std::optional<Stream>> streams_;
};

// Counts the facets of every document the matcher visits into `counter` (not owned).
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(FacetCounter* counter, const ViewShards& view);
  void operator()(const Xapian::Document& doc, double) override;

 private:
  FacetCounter* counter_;
  ValueReader values_;
};

// Whether the documents the matcher visits have a given term. False for a document of no shard
// of the view (the caller then decides by the text).
class TermProbe {
 public:
  explicit TermProbe(const ViewShards& view) : view_(view) {}
  bool Has(const Xapian::Document& doc, const std::string& term);

 private:
  struct Stream {
    Xapian::PostingIterator it, end;
  };
  const ViewShards& view_;
  std::map<std::string, std::vector<std::optional<Stream>>> streams_;
};

// Accepts the documents that satisfy the exact requirements of `filter` (not owned): by a term
// when one decides, else by the version's normalized text (through TextCache).
class TextCheck : public Xapian::MatchDecider {
 public:
  TextCheck(const SubstringFilter& filter, const ViewShards& view);
  bool operator()(const Xapian::Document& doc) const override;

 private:
  std::shared_ptr<const std::string> Text(const Xapian::Document& doc) const;

  const SubstringFilter& filter_;
  const ViewShards& view_;
  mutable TermProbe terms_;
  mutable ValueReader text_;
};

// Leaves out the documents already listed (ids within their shards), then applies `check`
// (nullptr: accepts the rest). Owns neither.
class PartialCheck : public Xapian::MatchDecider {
 public:
  PartialCheck(const std::set<Xapian::docid>& listed, const TextCheck* check)
      : listed_(listed), check_(check) {}
  bool operator()(const Xapian::Document& doc) const override;

 private:
  const std::set<Xapian::docid>& listed_;
  const TextCheck* check_;
};

}  // namespace yuimaru::search
