// The offline site of an export: index.html at the top of the folder, pages under site/, and a
// search that works opened from disk (file://, no server, no network) under a strict
// Content-Security-Policy. Owned by the offline-site work of issue 11.
#pragma once

#include <filesystem>

#include "core/result.h"
#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

// Writes dir/index.html and dir/site/** from `set`. Fails with kIo.
Status WriteSite(const ExportSet& set, const std::filesystem::path& dir);

}  // namespace yuimaru::toolkit
