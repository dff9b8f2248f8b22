// The redacted corpus of an export (corpus/**.md): Markdown with YAML front matter, as the
// edition's view reads each document, that another region can `yuimaru index` directly.
#pragma once

#include <filesystem>

#include "core/result.h"
#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

// Writes dir/corpus/**. Fails with kIo.
Status WriteCorpus(const ExportSet& set, const std::filesystem::path& dir);

}  // namespace yuimaru::toolkit
