// A bound on the outside tools (pandoc, chromium) the web server runs at once for downloads:
// each run takes hundreds of megabytes and seconds of CPU, so without a bound a few clicks on
// 「PDF」 could exhaust the host. A request that finds every slot taken is refused at once
// (503 with Retry-After), never queued. Internal to web/.
#pragma once

#include <mutex>

namespace yuimaru::web {

class ToolSlots {
 public:
  // At most `limit` runs at once; 0 (or less) refuses every run.
  explicit ToolSlots(int limit);
  ToolSlots(const ToolSlots&) = delete;
  ToolSlots& operator=(const ToolSlots&) = delete;

  // Takes a slot: true if one was free, false (nothing taken) if all are in use. Thread-safe.
  bool TryAcquire();
  // Gives back a slot that TryAcquire took. Thread-safe.
  void Release();

 private:
  std::mutex mu_;
  const int limit_;
  int in_use_ = 0;
};

// One run's slot, given back when it goes out of scope (if it was taken).
class ToolSlot {
 public:
  explicit ToolSlot(ToolSlots& slots) : slots_(slots), held_(slots.TryAcquire()) {}
  ~ToolSlot() {
    if (held_) slots_.Release();
  }
  ToolSlot(const ToolSlot&) = delete;
  ToolSlot& operator=(const ToolSlot&) = delete;
  // Whether the run may go ahead.
  bool held() const { return held_; }

 private:
  ToolSlots& slots_;
  const bool held_;
};

}  // namespace yuimaru::web
