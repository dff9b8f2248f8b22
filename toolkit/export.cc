// Export: one reading of the edition's view (ExportSet), then every output written from it into
// a folder beside `out`, its manifest and signature, and a rename.
#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {

std::string_view EditionLabel(Edition edition) {
  return edition == Edition::kPublic ? "公表用" : "当局用";
}

core::Clearance EditionClearance(Edition edition) {
  return edition == Edition::kPublic ? core::Clearance::kPublic : core::Clearance::kInternal;
}

std::optional<Edition> ParseEdition(std::string_view text) {
  if (text == "公表用" || text == "public") return Edition::kPublic;
  if (text == "当局用" || text == "authority") return Edition::kAuthority;
  return std::nullopt;
}

Result<ExportReport> Export(const ExportOptions&) {
  return MakeError(ErrorCode::kInternal, "export.todo", "not built yet");
}

Result<VerifyReport> VerifyExport(const std::filesystem::path&, const std::filesystem::path&) {
  return MakeError(ErrorCode::kInternal, "export.todo", "not built yet");
}

}  // namespace yuimaru::toolkit
