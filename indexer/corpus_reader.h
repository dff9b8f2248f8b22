// File system access of the indexer: finding Markdown files under the given paths, reading
// them, hashing their content.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace yuimaru::indexer {

struct SourceFile {
  std::string key;   // absolute, lexically normal path: identity across runs
  std::string path;  // as reached from the argument, for messages and results
};

// What a walk of the corpus found, and what it could not read.
struct CorpusListing {
  std::vector<SourceFile> files;  // sorted by path, each once
  // Folders that could not be listed (keys): files an earlier run indexed under them are not
  // gone, only out of reach, and keep their indexed versions.
  std::vector<std::string> unreachable;
  // Per folder or file that cannot be read or named: "path.unreadable" (a folder),
  // "path.invalid-utf8" (a name that is not UTF-8, shown with its bytes escaped). Each makes
  // the run's exit status 3; the rest is read all the same.
  std::vector<Error> errors;
  // Symbolic links skipped: "path.symlink-loop" (a folder already on the way down) and
  // "path.outside" (a link leaving the given paths), "path.broken-link".
  std::vector<Error> warnings;
};

// The *.md / *.markdown files named by or under `paths` (hidden files and directories are
// skipped). Never throws: every file system error becomes an entry of `errors` or `warnings`.
// Fails with kInvalidInput: "path.not-found" if a given path does not exist, "path.empty" if no
// Markdown file is found and nothing was unreadable (an empty or unmounted corpus folder must
// not read as "every document was deleted").
Result<CorpusListing> CollectFiles(const std::vector<std::filesystem::path>& paths);

// The absolute, lexically normal form of `path` (the key of CollectFiles).
std::string PathKey(const std::filesystem::path& path);

// Reads a whole file, refusing files larger than `max_bytes` (rule "file.too-large").
Result<std::string> ReadFile(const std::string& path, size_t max_bytes);

// The first 128 bits of the SHA-256 of `data`, in hex.
std::string ContentHash(std::string_view data);

}  // namespace yuimaru::indexer
