// A temporary directory removed when the object goes away, and file helpers for tests.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace yuimaru::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `data` to `path`, creating parent directories.
void WriteFile(const std::filesystem::path& path, std::string_view data);
std::string ReadFile(const std::filesystem::path& path);

// The repository's source directory (for corpus/ and tests/data/).
std::filesystem::path SourceDir();

}  // namespace yuimaru::testing
