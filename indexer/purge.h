// What an index run needs to know of purges (purge.cc): a purge killed after its switch must be
// finished before anything else writes.
#pragma once

#include <filesystem>

#include "core/result.h"

namespace yuimaru::indexer {

// The error of a run refused because a purge is pending (HasPendingPurge): kBusy,
// "purge.pending", naming the command that finishes it.
Error PendingPurgeError(const std::filesystem::path& db);

}  // namespace yuimaru::indexer
