#include "toolkit/reports.h"

namespace yuimaru::toolkit {

Result<std::vector<SkippedOutput>> WriteReports(const ExportSet&, const std::filesystem::path&,
                                                const ExportOptions&) {
  return std::vector<SkippedOutput>{};  // placeholder until the reports land
}

}  // namespace yuimaru::toolkit
