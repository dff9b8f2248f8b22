#include "core/index_layout.h"

#include <cstdio>
#include <system_error>

namespace yuimaru::core {

std::string ShardName(Clearance lo, Clearance hi) {
  // Built char by char: g++ 12 -O3 reports a false -Wrestrict on "s" + std::to_string(...).
  std::string name = "s";
  name.push_back(static_cast<char>('0' + static_cast<int>(lo)));
  name.push_back(static_cast<char>('0' + static_cast<int>(hi)));
  return name;
}

std::vector<std::string> AllShardNames() {
  std::vector<std::string> names;
  for (int lo = 0; lo < kClearanceCount; ++lo) {
    for (int hi = lo; hi < kClearanceCount; ++hi) {
      names.push_back(ShardName(static_cast<Clearance>(lo), static_cast<Clearance>(hi)));
    }
  }
  return names;
}

int ShardNumber(const std::string& name) {
  const auto names = AllShardNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> ShardsForView(Clearance view) {
  std::vector<std::string> names;
  const int v = static_cast<int>(view);
  for (int lo = 0; lo <= v; ++lo) {
    for (int hi = v; hi < kClearanceCount; ++hi) {
      names.push_back(ShardName(static_cast<Clearance>(lo), static_cast<Clearance>(hi)));
    }
  }
  return names;
}

std::string GenerationDirName(uint64_t generation) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%06llu", kGenerationPrefix,
                static_cast<unsigned long long>(generation));
  return buf;
}

std::optional<GenerationDir> ParseGenerationDirName(std::string_view name) {
  const std::string_view prefix = kGenerationPrefix;
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  GenerationDir dir;
  if (name.ends_with(kTemporarySuffix)) {
    dir.temporary = true;
    name.remove_suffix(std::string_view(kTemporarySuffix).size());
  }
  // 20 digits can exceed uint64_t; no run numbers that far.
  if (name.empty() || name.size() > 19) return std::nullopt;
  for (const char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    dir.number = dir.number * 10 + static_cast<uint64_t>(c - '0');
  }
  return dir;
}

Result<std::filesystem::path> ResolveCurrentGeneration(const std::filesystem::path& db) {
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::read_symlink(db / kCurrentLink, ec);
  if (ec) {
    return ErrorAt(
        ErrorCode::kNotFound, "index.missing",
        "索引がありません（先に yuimaru index --db " + db.string() + " … を実行してください）",
        db.string());
  }
  return target.is_absolute() ? target : db / target;
}

}  // namespace yuimaru::core
