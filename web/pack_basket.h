// The 研修 pack basket of each signed-in user, kept on disk so that it survives a restart:
// DB/packs/<user>.txt in the list format of core/pack_list.h (ParsePackList / FormatPackList),
// 0600, replaced atomically on every change. Internal to web/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

#include "core/result.h"
#include "toolkit/pack.h"

namespace yuimaru::web {

// A change to a basket (pure): what the basket page's buttons do.
enum class BasketMove { kUp, kDown };
// The most items a basket holds: a handout, not a copy of the index (each add is a small form,
// so without a bound one session could grow its file without end).
inline constexpr size_t kMaxBasketItems = 200;
// Adds `item` at the end unless it is there already; kInvalidInput ("pack.full") when the basket
// holds kMaxBasketItems.
Status AddToBasket(toolkit::PackList& list, const toolkit::PackItem& item);
// Moves or removes the item at `index`; kInvalidInput ("pack.index") when there is none.
Status MoveInBasket(toolkit::PackList& list, size_t index, BasketMove move);
Status RemoveFromBasket(toolkit::PackList& list, size_t index);

// Whether `generation` (the one a request's view reads; 0 when unknown, which passes) is still
// the current generation of the index at `db`. Called before an item is added, with the baskets'
// lock held (inside BasketStore::Update): a purge publishes its generation before it rewrites the
// baskets under that lock, so an id that passes here is either still indexed or dropped by that
// rewrite — a view of a purged generation cannot put its ids back. Fails with kBusy
// ("pack.stale", a Japanese message asking to try again) when a newer generation has been
// published, kIo ("pack.basket.generation") when CURRENT cannot be resolved.
Status CheckGenerationIsCurrent(const std::filesystem::path& db, uint64_t generation);

class BasketStore {
 public:
  // Baskets under `dir` (created 0700 at the first change).
  explicit BasketStore(std::filesystem::path dir);

  // The basket of `user`: empty when there is none. Fails with kIo ("pack.basket.read") when
  // the file cannot be read or no longer parses. Needs no lock: a basket file is only ever
  // replaced whole.
  Result<toolkit::PackList> Load(const std::string& user) const;

  // Applies `change` to the basket of `user` and saves the result (atomically, 0600), all while
  // holding the baskets' lock (core::LockPackBaskets), so that neither another request (of this
  // process or another server) nor a purge rewriting the baskets (yuimaru purge) can change the
  // file between the read and the write: a purged id is never written back. Nothing is saved
  // when `change` fails; its error is returned as it is. Fails with kIo and a rule starting
  // "pack.basket." ("pack.basket.lock", "pack.basket.read", "pack.basket.write") when the basket
  // cannot be locked, read or written. `change` runs with the lock held: it must not take it.
  // Thread-safe.
  Status Update(const std::string& user,
                const std::function<Status(toolkit::PackList&)>& change) const;

 private:
  std::filesystem::path PathOf(const std::string& user) const;
  std::filesystem::path dir_;
  // One change at a time in this process: the flock would serialize them too, but each waiter
  // would hold a descriptor of its own.
  mutable std::mutex mu_;
};

// Whether `error` (from BasketStore) is the store's own failure to lock, read or write a basket,
// as opposed to the refusal of a change.
bool IsBasketStoreError(const Error& error);

}  // namespace yuimaru::web
