#include "indexer/corpus_reader.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <system_error>

#include "search/core/hex.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;
namespace {

bool IsMarkdown(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".md" || ext == ".markdown";
}

bool IsHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.' && name != "." && name != "..";
}

}  // namespace

std::string PathKey(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  return abs.lexically_normal().string();
}

Result<std::vector<SourceFile>> CollectFiles(const std::vector<fs::path>& paths) {
  std::vector<SourceFile> files;
  std::set<std::string> seen;
  auto add = [&](const fs::path& p) {
    SourceFile f{PathKey(p), p.lexically_normal().string()};
    if (seen.insert(f.key).second) files.push_back(std::move(f));
  };
  for (const fs::path& root : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      Error e = MakeError(ErrorCode::kInvalidInput, "path.not-found",
                          "パスが見つかりません: " + root.string());
      e.source = root.string();
      return e;
    }
    if (fs::is_regular_file(st)) {
      add(root);
      continue;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec);
    if (ec) {
      Error e = MakeError(ErrorCode::kIo, "path.unreadable",
                          "ディレクトリを読めません: " + root.string() + ": " + ec.message());
      e.source = root.string();
      return e;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const fs::path& p = it->path();
      if (IsHidden(p)) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && IsMarkdown(p)) add(p);
    }
  }
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return files;
}

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error e = MakeError(ErrorCode::kIo, "file.read-error", "ファイルを読めません");
    e.source = path;
    return e;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    Error e = MakeError(ErrorCode::kIo, "file.read-error", "ファイルを読めません");
    e.source = path;
    return e;
  }
  if (static_cast<size_t>(size) > max_bytes) {
    Error e = MakeError(ErrorCode::kInvalidInput, "file.too-large",
                        "ファイルが大きすぎます（" + std::to_string(size) + " バイト、上限 " +
                            std::to_string(max_bytes) + "）");
    e.source = path;
    return e;
  }
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(data.data(), size);
  if (!in) {
    Error e = MakeError(ErrorCode::kIo, "file.read-error", "ファイルを読めません");
    e.source = path;
    return e;
  }
  return data;
}

std::string ContentHash(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  // 128 bits of SHA-256 tell changed content apart; the manifest stays small at 100k files.
  len = std::min(len, 16u);
  return core::HexEncode(md, len);
}

}  // namespace yuimaru::indexer
