#include "indexer/corpus_reader.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <system_error>

#include "core/io.h"
#include "core/utf8.h"

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

namespace {

Error PathError(std::string rule, std::string message, const std::string& path) {
  // Decided before `rule` is moved: the order in which arguments are initialized is unspecified
  // (g++ moved it first, so an unreadable path was reported as kInvalidInput).
  const ErrorCode code = rule == "path.unreadable" ? ErrorCode::kIo : ErrorCode::kInvalidInput;
  return ErrorAt(code, std::move(rule), std::move(message), core::EscapePath(path));
}

// A depth-first walk that follows links to folders inside the given paths, once each.
class Walker {
 public:
  explicit Walker(CorpusListing& out) : out_(out) {}

  void AddRoot(const fs::path& root) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(root, ec);
    roots_.push_back(ec ? PathKey(root) : canonical.string());
  }

  void Walk(const fs::path& dir) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(dir, ec);
    if (!ec && !on_way_.insert(canonical.string()).second) return;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      Unreachable(dir, ec);
      return;
    }
    std::vector<fs::directory_entry> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(*it);
    }
    if (ec) {
      // Part of the folder was listed: the rest is out of reach, so the folder as a whole is.
      Unreachable(dir, ec);
    }
    for (const fs::directory_entry& entry : entries) Visit(entry);
    if (!canonical.empty()) on_way_.erase(canonical.string());
  }

  void File(const fs::path& p) {
    const std::string path = p.lexically_normal().string();
    if (core::FindInvalidUtf8(path) != std::string_view::npos) {
      out_.errors.push_back(PathError("path.invalid-utf8",
                                      "ファイル名が UTF-8 ではありません（Windows の zip "
                                      "などから来た名前は UTF-8 に付け直してください）",
                                      path));
      return;
    }
    SourceFile f{PathKey(p), path};
    // A file reached twice (through a link to a folder inside the corpus) is read once.
    std::error_code ec;
    const fs::path real = fs::canonical(p, ec);
    if (seen_.insert(ec ? f.key : real.string()).second) out_.files.push_back(std::move(f));
  }

 private:
  void Unreachable(const fs::path& dir, const std::error_code& ec) {
    out_.unreachable.push_back(PathKey(dir));
    out_.errors.push_back(PathError(
        "path.unreadable",
        "フォルダを読めません（" + ec.message() + "）。この下の文書は以前の索引のまま残します",
        dir.lexically_normal().string()));
  }

  bool Inside(const std::string& canonical) const {
    for (const auto& r : roots_) {
      if (canonical == r ||
          (canonical.size() > r.size() && canonical.compare(0, r.size(), r) == 0 &&
           (r.back() == '/' || canonical[r.size()] == '/'))) {
        return true;
      }
    }
    return false;
  }

  void Visit(const fs::directory_entry& entry) {
    const fs::path& p = entry.path();
    if (IsHidden(p)) return;
    std::error_code ec;
    const fs::file_status own = entry.symlink_status(ec);
    if (ec) return;
    if (fs::is_symlink(own)) {
      const fs::path target = fs::canonical(p, ec);
      if (ec) {
        out_.warnings.push_back(
            PathError("path.broken-link", "リンク先がありません（読み飛ばしました）", p.string()));
        return;
      }
      if (!Inside(target.string())) {
        out_.warnings.push_back(PathError("path.outside",
                                          "リンク先が索引対象のフォルダの外にあります（" +
                                              core::EscapePath(target.string()) +
                                              "、読み飛ばしました）",
                                          p.string()));
        return;
      }
      const fs::file_status st = fs::status(target, ec);
      if (ec) return;
      if (fs::is_directory(st)) {
        if (on_way_.count(target.string())) {
          out_.warnings.push_back(PathError("path.symlink-loop",
                                            "リンクが上位のフォルダを指しています（循環するため"
                                            "読み飛ばしました）",
                                            p.string()));
          return;
        }
        Walk(p);
      } else if (fs::is_regular_file(st) && IsMarkdown(p)) {
        File(p);
      } else if (IsMarkdown(p)) {
        NotAFile(p);
      }
      return;
    }
    if (fs::is_directory(own)) {
      Walk(p);
    } else if (fs::is_regular_file(own) && IsMarkdown(p)) {
      File(p);
    } else if (IsMarkdown(p)) {
      NotAFile(p);
    }
  }

  // A named pipe, socket or device called *.md: reading a pipe would wait for a writer that
  // never comes, so it is skipped, but by name.
  void NotAFile(const fs::path& p) {
    out_.warnings.push_back(PathError(
        "path.not-a-file", "通常のファイルではありません（名前付きパイプなど、読み飛ばしました）",
        p.string()));
  }

  CorpusListing& out_;
  std::vector<std::string> roots_;
  std::set<std::string> on_way_;  // canonical folders from a root down to here
  std::set<std::string> seen_;
};

}  // namespace

Result<CorpusListing> CollectFiles(const std::vector<fs::path>& paths) {
  CorpusListing out;
  Walker walker(out);
  for (const fs::path& root : paths) walker.AddRoot(root);
  try {
    for (const fs::path& root : paths) {
      std::error_code ec;
      const fs::file_status st = fs::status(root, ec);
      if (ec || !fs::exists(st)) {
        return ErrorAt(ErrorCode::kInvalidInput, "path.not-found",
                       "パスが見つかりません: " + core::EscapePath(root.string()),
                       core::EscapePath(root.string()));
      }
      if (fs::is_regular_file(st)) {
        walker.File(root);
      } else {
        walker.Walk(root);
      }
    }
  } catch (const std::exception& e) {  // std::filesystem or allocation: never past this walk
    return MakeError(ErrorCode::kIo, "path.walk",
                     std::string("フォルダを走査できません: ") + e.what());
  }
  if (out.files.empty() && out.errors.empty()) {
    std::string names;
    for (const fs::path& p : paths) names += (names.empty() ? "" : ", ") + p.string();
    Error e = MakeError(ErrorCode::kInvalidInput, "path.empty",
                        "Markdown ファイルが 1 件もありません（" + core::EscapePath(names) +
                            "）。フォルダの指定やマウントを確かめてください");
    return e;
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return out;
}

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ErrorAt(ErrorCode::kIo, "file.read-error", "ファイルを読めません", path);
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    return ErrorAt(ErrorCode::kIo, "file.read-error", "ファイルを読めません", path);
  }
  if (static_cast<size_t>(size) > max_bytes) {
    return ErrorAt(ErrorCode::kInvalidInput, "file.too-large",
                   "ファイルが大きすぎます（" + std::to_string(size) + " バイト、上限 " +
                       std::to_string(max_bytes) + "）",
                   path);
  }
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(data.data(), size);
  if (!in) {
    return ErrorAt(ErrorCode::kIo, "file.read-error", "ファイルを読めません", path);
  }
  return data;
}

std::string ContentHash(std::string_view data) {
  // 128 bits of SHA-256 tell changed content apart; the manifest stays small at 100k files.
  return core::Sha256Hex(data).substr(0, 32);
}

}  // namespace yuimaru::indexer
