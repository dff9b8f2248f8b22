// The 事業報告書 outputs of an export under reports/: the documents as Word (.docx, pandoc) and
// the programme's figures as Excel (.xlsx, libxlsxwriter), each also as PDF with a text layer
// (chromium --print-to-pdf).
#pragma once

#include <filesystem>
#include <vector>

#include "core/result.h"
#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

// Writes dir/reports/**. An output whose outside tool (options.pandoc, options.chromium, or
// found on PATH) is missing or fails is not written and comes back as a SkippedOutput; fails
// with kIo only when writing itself fails.
Result<std::vector<SkippedOutput>> WriteReports(const ExportSet& set,
                                                const std::filesystem::path& dir,
                                                const ExportOptions& options);

}  // namespace yuimaru::toolkit
