#include "toolkit/manifest.h"

#include <algorithm>
#include <fstream>
#include <system_error>
#include <utility>

#include "core/io.h"

namespace yuimaru::toolkit {
namespace {

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos) {
    return false;
  }
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    const std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

Result<std::vector<FolderFile>> ListFolder(const std::filesystem::path& dir,
                                           std::vector<std::string>* others) {
  std::vector<FolderFile> files;
  std::error_code ec;
  // Symlinks are not followed: a link to a directory outside the folder is reported, not walked.
  std::filesystem::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto status = it->symlink_status(ec);
    if (ec) break;
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    if (std::filesystem::is_directory(status)) continue;
    if (!std::filesystem::is_regular_file(status)) {
      if (others) {
        others->push_back(rel);
        continue;
      }
      return MakeError(ErrorCode::kInvalidInput, "export.not-a-file",
                       "通常のファイルでもフォルダでもないものがあります: " + rel);
    }
    const uint64_t size = it->file_size(ec);
    if (ec) break;
    files.push_back({rel, size});
  }
  if (ec) {
    return ErrorAt(ErrorCode::kIo, "export.walk", "フォルダを読めません: " + ec.message(),
                   dir.string());
  }
  std::sort(files.begin(), files.end(),
            [](const FolderFile& a, const FolderFile& b) { return a.path < b.path; });
  if (others) std::sort(others->begin(), others->end());
  return files;
}

Result<std::string> FileSha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrorAt(ErrorCode::kIo, "export.read", "ファイルを読めません", path.string());
  core::Sha256Stream hash;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    hash.Update(std::string_view(buf, static_cast<size_t>(in.gcount())));
  }
  if (in.bad())
    return ErrorAt(ErrorCode::kIo, "export.read", "ファイルを読めません", path.string());
  return hash.HexDigest();
}

std::string RenderManifest(std::vector<ManifestEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
  std::string out;
  for (const auto& e : entries) out += e.sha256 + "  " + e.path + "\n";
  return out;
}

Result<std::vector<ManifestEntry>> ParseManifest(std::string_view text) {
  std::vector<ManifestEntry> entries;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty()) continue;
    const bool shaped = line.size() > 66 && line.substr(64, 2) == "  ";
    if (!shaped || !IsHex64(line.substr(0, 64)) || !IsSafeRelativePath(line.substr(66))) {
      return ErrorAt(ErrorCode::kInvalidInput, "export.manifest-syntax",
                     "MANIFEST.sha256 の行が「<SHA-256>  <相対パス>」ではありません",
                     std::string(kManifestFile), line_no);
    }
    entries.push_back({std::string(line.substr(0, 64)), std::string(line.substr(66))});
  }
  return entries;
}

}  // namespace yuimaru::toolkit
