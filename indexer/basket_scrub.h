// What a purge does to the web's 研修 pack baskets (DB/packs, core/pack_list.h's format): drops
// the purged ids, removes what a killed write left behind, and checks that no basket names them.
// Internal to indexer/ (purge.cc).
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include "core/result.h"

namespace yuimaru::indexer {

struct BasketScrub {
  uint64_t items_removed = 0;       // items (whole documents and sections) of the purged ids
  uint64_t temp_files_removed = 0;  // stray temporary files (*.tmp) removed
};

// Holding the baskets' lock (core::LockPackBaskets; the web's BasketStore holds it around each
// change, so no basket read before this rewrite is written back after it): rewrites every basket
// under `db`/packs without the items of `ids` (a section line names a purged document's heading),
// each changed one replaced atomically, 0600; removes every stray temporary file there (a write
// killed before its rename leaves one, with whatever the basket held then; none is being written
// while the lock is held); then reads every basket back. Creates DB/packs (0700) for its lock if
// it is missing. Fails with kIo ("purge.basket") on a basket it cannot read, parse or write or a
// file it cannot remove, and kInternal ("purge.basket-verify") if a basket still names one of
// `ids` afterwards. Idempotent.
Result<BasketScrub> ScrubBaskets(const std::filesystem::path& db, const std::set<std::string>& ids);

}  // namespace yuimaru::indexer
