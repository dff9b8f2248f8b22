// The static assets the binary serves itself (the pages load nothing from anywhere else).
#pragma once

#include <string_view>

namespace yuimaru::web {

struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// The asset at `name` ("app.css", "app.js", "icon.svg"), or nullptr.
const Asset* FindAsset(std::string_view name);

}  // namespace yuimaru::web
