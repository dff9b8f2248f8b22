#include "toolkit/figures.h"

namespace yuimaru::toolkit {

std::vector<std::string> FirmKeys(const core::DocRecord& record) {
  return record.company_ids;  // placeholder until the figures land
}

}  // namespace yuimaru::toolkit
