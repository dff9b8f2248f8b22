#include "search/xapian_adapters.h"

#include <utility>

#include "core/index_layout.h"
#include "core/schema.h"
#include "core/text_pack.h"

namespace yuimaru::search {

int ViewShards::ShardOf(Xapian::docid local) const {
  const int number = core::ShardOfDocid(local);
  return number >= 0 && number < static_cast<int>(position.size()) ? position[number] : -1;
}

// A version's text never changes: a docid within its shard is unique in a generation
// (index_layout.h), and a generation is named by its path and the UUIDs of its databases (an
// index deleted and rebuilt at the same path has new UUIDs), so (handle, docid) is the key and
// nothing is ever stale. Reading texts was 43% of the server's CPU under load
// (bench/RESULTS.md); a hit costs a hash lookup. A stripe that outgrows its share of the budget
// is emptied (simple, and the working set refills it). Clearance is not a concern: a search only
// ever asks for the docids of its own view's shards.
TextCache& TextCache::Instance() {
  static TextCache* cache = new TextCache();
  return *cache;
}

uint64_t TextCache::Handle(const std::string& identity) {
  std::lock_guard<std::mutex> lock(handles_mu_);
  return handles_.emplace(identity, handles_.size() + 1).first->second;
}

std::shared_ptr<const std::string> TextCache::Find(uint64_t generation, Xapian::docid id) {
  Stripe& s = stripes_[id % kStripes];
  std::lock_guard<std::mutex> lock(s.mu);
  const auto it = s.map.find(Key(generation, id));
  return it == s.map.end() ? nullptr : it->second;
}

void TextCache::Clear() {
  for (Stripe& s : stripes_) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.map.clear();
    s.bytes = 0;
  }
}

void TextCache::Insert(uint64_t generation, Xapian::docid id,
                       std::shared_ptr<const std::string> text) {
  const size_t limit = per_stripe_.load();
  if (text->size() > limit) return;
  Stripe& s = stripes_[id % kStripes];
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.bytes + text->size() > limit) {
    s.map.clear();
    s.bytes = 0;
  }
  s.bytes += text->size();
  s.map.emplace(Key(generation, id), std::move(text));
}

// One forward iterator per shard: the matcher visits each shard's documents in increasing order,
// so each read is a short step along the value stream instead of a B-tree lookup from the root
// (several block reads): this is what makes checking thousands of candidates affordable. The
// document id a spy or decider sees is the id within its shard, whose range names the shard
// (index_layout.h).
std::string ValueReader::Get(const Xapian::Document& doc) {
  const Xapian::docid local = doc.get_docid();
  const int shard = view_.ShardOf(local);
  if (shard < 0) return doc.get_value(slot_);  // not one of ours: the slow, general way
  auto& st = streams_[shard];
  if (!st || (st->it != st->end && st->it.get_docid() > local)) {
    // First use, or an unexpected step back: start the stream again.
    const Xapian::Database& db = view_.shards[shard];
    st = Stream{db.valuestream_begin(slot_), db.valuestream_end(slot_)};
  }
  if (st->it == st->end) return std::string();
  st->it.skip_to(local);
  if (st->it == st->end || st->it.get_docid() != local) return std::string();
  return *st->it;
}

// Counts all matches (check_at_least is the document count). TODO(#future remote search):
// serialise()/merge_results() for xapian-tcpsrv.
FacetSpy::FacetSpy(FacetCounter* counter, const ViewShards& view)
    : counter_(counter), values_(view, core::kFacetSlot) {}

void FacetSpy::operator()(const Xapian::Document& doc, double) { counter_->Add(values_.Get(doc)); }

// A forward posting iterator per (term, shard), stepped along like ValueReader's streams.
bool TermProbe::Has(const Xapian::Document& doc, const std::string& term) {
  const Xapian::docid local = doc.get_docid();
  const int shard = view_.ShardOf(local);
  if (shard < 0) return false;
  auto& streams = streams_[term];
  if (streams.empty()) streams.resize(view_.shards.size());
  auto& st = streams[shard];
  if (!st || (st->it != st->end && *st->it > local)) {
    const Xapian::Database& db = view_.shards[shard];
    st = Stream{db.postlist_begin(term), db.postlist_end(term)};
  }
  if (st->it == st->end) return false;
  st->it.skip_to(local);
  return st->it != st->end && *st->it == local;
}

TextCheck::TextCheck(const SubstringFilter& filter, const ViewShards& view)
    : filter_(filter), view_(view), terms_(view), text_(view, core::kTextSlot) {}

bool TextCheck::operator()(const Xapian::Document& doc) const {
  std::shared_ptr<const std::string> text;
  return filter_.Matches([&](const std::string& term) { return terms_.Has(doc, term); },
                         [&]() -> std::string_view {
                           text = Text(doc);
                           return *text;
                         });
}

std::shared_ptr<const std::string> TextCheck::Text(const Xapian::Document& doc) const {
  const Xapian::docid id = doc.get_docid();
  const bool ours = view_.cache_id != 0 && view_.ShardOf(id) >= 0;
  auto read = [&] {
    auto unpacked = core::UnpackText(text_.Get(doc));
    // A corrupt value matches nothing rather than everything.
    return std::make_shared<const std::string>(unpacked ? std::move(*unpacked) : std::string());
  };
  if (!ours) return read();
  TextCache& cache = TextCache::Instance();
  if (auto hit = cache.Find(view_.cache_id, id)) return hit;
  auto text = read();
  cache.Insert(view_.cache_id, id, text);
  return text;
}

bool PartialCheck::operator()(const Xapian::Document& doc) const {
  if (listed_.count(doc.get_docid())) return false;
  return check_ == nullptr || (*check_)(doc);
}

}  // namespace yuimaru::search
