// web/tool_slots: the bound on concurrent pandoc / chromium runs, as pure counting (no timing).
#include "web/tool_slots.h"

#include <catch2/catch.hpp>

namespace yuimaru::web {
namespace {

TEST_CASE("ToolSlots: at most `limit` runs hold a slot, and a released slot is free again",
          "[web]") {
  ToolSlots slots(2);
  CHECK(slots.TryAcquire());
  CHECK(slots.TryAcquire());
  CHECK_FALSE(slots.TryAcquire());  // refused, and nothing taken
  slots.Release();
  CHECK(slots.TryAcquire());
  CHECK_FALSE(slots.TryAcquire());
}

TEST_CASE("ToolSlots: a limit of 0 refuses every run", "[web]") {
  ToolSlots slots(0);
  CHECK_FALSE(slots.TryAcquire());
  const ToolSlot slot(slots);
  CHECK_FALSE(slot.held());
}

TEST_CASE("ToolSlot: holds a slot for its scope and gives it back, a refused one gives none",
          "[web]") {
  ToolSlots slots(1);
  {
    const ToolSlot first(slots);
    CHECK(first.held());
    {
      const ToolSlot second(slots);
      CHECK_FALSE(second.held());
    }
    // The refused one gave nothing back: the first still holds the only slot.
    CHECK_FALSE(slots.TryAcquire());
  }
  CHECK(slots.TryAcquire());
}

}  // namespace
}  // namespace yuimaru::web
