#include "toolkit/site.h"

namespace yuimaru::toolkit {

Status WriteSite(const ExportSet&, const std::filesystem::path&) {
  return Status::Ok();  // placeholder until the offline site lands
}

}  // namespace yuimaru::toolkit
