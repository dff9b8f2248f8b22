#include "web/tool_slots.h"

#include <cassert>

namespace yuimaru::web {

ToolSlots::ToolSlots(int limit) : limit_(limit) {}

bool ToolSlots::TryAcquire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (in_use_ >= limit_) return false;
  ++in_use_;
  return true;
}

void ToolSlots::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  assert(in_use_ > 0);
  --in_use_;
}

}  // namespace yuimaru::web
