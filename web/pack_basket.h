// The 研修 pack basket of each signed-in user, kept on disk so that it survives a restart:
// DB/packs/<user>.txt in the list format of core/pack_list.h (ParsePackList / FormatPackList),
// 0600, replaced atomically on every change. Internal to web/.
#pragma once

#include <filesystem>
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

class BasketStore {
 public:
  // Baskets under `dir` (created 0700 at the first save).
  explicit BasketStore(std::filesystem::path dir);

  // The basket of `user`: empty when there is none. Fails with kIo when the file cannot be
  // read or no longer parses.
  Result<toolkit::PackList> Load(const std::string& user) const;
  // Replaces the basket of `user` (atomically, 0600). Fails with kIo.
  Status Save(const std::string& user, const toolkit::PackList& list) const;

  // Held around a Load … Save of one change, so that two requests of one user do not lose
  // each other's change. Thread-safe.
  std::mutex& mutex() const { return mu_; }

 private:
  std::filesystem::path PathOf(const std::string& user) const;
  std::filesystem::path dir_;
  mutable std::mutex mu_;
};

}  // namespace yuimaru::web
