// File system access of the indexer: finding Markdown files under the given paths, reading
// them, hashing their content.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "search/core/result.h"

namespace yuimaru::indexer {

struct SourceFile {
  std::string key;   // absolute, lexically normal path: identity across runs
  std::string path;  // as reached from the argument, for messages and results
};

// The *.md / *.markdown files named by or under `paths` (hidden files and directories are
// skipped), sorted by path, each once. Fails with kInvalidInput (rule "path.not-found") if a
// path does not exist.
Result<std::vector<SourceFile>> CollectFiles(const std::vector<std::filesystem::path>& paths);

// The absolute, lexically normal form of `path` (the key of CollectFiles).
std::string PathKey(const std::filesystem::path& path);

// Reads a whole file, refusing files larger than `max_bytes` (rule "file.too-large").
Result<std::string> ReadFile(const std::string& path, size_t max_bytes);

// The first 128 bits of the SHA-256 of `data`, in hex.
std::string ContentHash(std::string_view data);

}  // namespace yuimaru::indexer
