// The manifest of an exported folder (MANIFEST.sha256, in the format of `sha256sum`: one line
// "<64 hex digits>  <relative path>" per file, '/' separators, sorted by path bytes) and the
// on-disk names of the folder's signature files. Internal to toolkit/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace yuimaru::toolkit {

inline constexpr std::string_view kManifestFile = "MANIFEST.sha256";
inline constexpr std::string_view kSignatureFile = "MANIFEST.sha256.sig";
inline constexpr std::string_view kSignerCertFile = "signer-cert.pem";

struct ManifestEntry {
  std::string sha256;  // 64 lower-case hex digits
  std::string path;    // relative, '/' separators, UTF-8
};

// A regular file of a folder: its path relative to the folder ('/' separators) and size.
struct FolderFile {
  std::string path;
  uint64_t bytes = 0;
};

// Every file under `dir`, sorted by path. Fails with kIo when the folder cannot be walked, and
// with kInvalidInput ("export.not-a-file") when it holds something that is neither a regular
// file nor a directory (a symlink, a device): such an entry would not survive a burn to disc.
// With `others`, such entries are listed there instead of failing.
Result<std::vector<FolderFile>> ListFolder(const std::filesystem::path& dir,
                                           std::vector<std::string>* others = nullptr);

// SHA-256 of a file as 64 hex digits, read in blocks. Fails with kIo.
Result<std::string> FileSha256(const std::filesystem::path& path);

// The manifest's text for `entries` (sorted here).
std::string RenderManifest(std::vector<ManifestEntry> entries);

// Parses a manifest. Fails with kInvalidInput ("export.manifest-syntax", with the line) on a
// line that is not "<hex>  <path>", or a path that is absolute, has "." or ".." parts, or a
// backslash (it would name a file outside the folder or not be portable).
Result<std::vector<ManifestEntry>> ParseManifest(std::string_view text);

}  // namespace yuimaru::toolkit
