#include "indexer/generation_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/index_layout.h"
#include "core/io.h"
#include "core/utf8.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;
namespace {

// files: path key → [path, hash, doc_id]. An older format (core::kIndexFormat) is rebuilt from
// the files, never copied or patched.
constexpr int kManifestFormat = core::kIndexFormat;

// Points CURRENT at `gen_name` atomically (rename of a new symlink over the old one).
Status SwitchCurrent(const fs::path& db, const std::string& gen_name) {
  const fs::path link = db / core::kCurrentLink;
  const fs::path tmp_link = db / (std::string(core::kCurrentLink) + ".new");
  std::error_code ec;
  fs::remove(tmp_link, ec);
  fs::create_directory_symlink(gen_name, tmp_link, ec);
  if (ec) return IoError("index.switch", ec.message(), tmp_link);
  if (::rename(tmp_link.c_str(), link.c_str()) != 0) {
    return IoError("index.switch", "rename failed", link);
  }
  return SyncPath(db);
}

}  // namespace

Error IoError(std::string rule, std::string message, const fs::path& where) {
  return ErrorAt(ErrorCode::kIo, std::move(rule), std::move(message), where.string());
}

std::optional<Manifest> LoadManifest(const fs::path& gen_dir) {
  std::ifstream in(gen_dir / core::kManifestFile);
  if (!in) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || j.value("format", 0) != kManifestFormat) return std::nullopt;
  Manifest m;
  m.generation = j.value("generation", 0ull);
  m.compacted_bytes = j.value("compacted_bytes", 0ull);
  for (const auto& [key, v] : j.at("files").items()) {
    if (!v.is_array() || v.size() != 3) return std::nullopt;
    m.files[key] =
        ManifestEntry{v[0].get<std::string>(), v[1].get<std::string>(), v[2].get<std::string>()};
  }
  return m;
}

Status SyncPath(const fs::path& p) {
  if (Status s = core::SyncPath(p); !s) return IoError("index.sync", "fsync failed", p);
  return Status::Ok();
}

Status WriteManifest(const fs::path& gen_dir, const Manifest& m) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [key, e] : m.files) {
    files[key] = nlohmann::json::array({e.path, e.hash, e.doc_id});  // compact: 100k entries
  }
  const nlohmann::json j = {{"format", kManifestFormat},
                            {"generation", m.generation},
                            {"documents", m.files.size()},
                            {"compacted_bytes", m.compacted_bytes},
                            {"files", std::move(files)}};
  const fs::path p = gen_dir / core::kManifestFile;
  {
    std::ofstream out(p, std::ios::trunc);
    out << j.dump() << '\n';
    if (!out) return IoError("index.manifest", "cannot write manifest", p);
  }
  return SyncPath(p);
}

Status SyncTree(const fs::path& root) {
  std::error_code ec;
  std::vector<fs::path> dirs = {root};
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory()) {
      dirs.push_back(it->path());
    } else if (auto s = SyncPath(it->path()); !s) {
      return s;
    }
  }
  for (const auto& d : dirs) {
    if (auto s = SyncPath(d); !s) return s;
  }
  return Status::Ok();
}

Status WriteFileSynced(const fs::path& p, const std::string& data) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out) return IoError("index.write", "cannot write", p);
  }
  return SyncPath(p);
}

Result<GenerationStore> GenerationStore::Open(const fs::path& db, Writer writer) {
  const fs::path p = db / core::kLockFile;
  const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("index.lock", "cannot create lock file", p);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[128] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    return ErrorAt(ErrorCode::kBusy, "index.busy",
                   "別の処理がこの索引を更新中です（" +
                       (who.empty() ? std::string("不明") : core::EscapePath(who)) +
                       "）。終わるのを待ってから実行してください",
                   db.string());
  }
  const std::string what = writer == Writer::kIndex ? "index" : "purge";
  const std::string holder = what + " pid " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    // Only the message of a second writer needs it; the lock itself is held.
  }
  return GenerationStore(db, writer, fd);
}

GenerationStore::GenerationStore(fs::path db, Writer writer, int lock_fd)
    : db_(std::move(db)), writer_(writer), lock_fd_(lock_fd) {}

GenerationStore::GenerationStore(GenerationStore&& other) noexcept
    : db_(std::move(other.db_)), writer_(other.writer_), lock_fd_(other.lock_fd_) {
  other.lock_fd_ = -1;
}

GenerationStore::~GenerationStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string GenerationStore::Rule(std::string_view what) const {
  return std::string(writer_ == Writer::kIndex ? "index." : "purge.") + std::string(what);
}

std::optional<GenerationStore::Current> GenerationStore::LoadCurrent() const {
  auto dir = core::ResolveCurrentGeneration(db_);
  if (!dir) return std::nullopt;
  auto manifest = LoadManifest(*dir);
  if (!manifest) return std::nullopt;
  return Current{*dir, std::move(*manifest)};
}

uint64_t GenerationStore::NextGeneration(uint64_t previous) const {
  uint64_t max = previous;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(db_, ec)) {
    if (const auto g = core::ParseGenerationDirName(e.path().filename().string())) {
      max = std::max(max, g->number);
    }
  }
  return max + 1;
}

Result<StagedGeneration> GenerationStore::Stage(uint64_t previous) const {
  StagedGeneration staged;
  staged.number = NextGeneration(previous);
  staged.name = core::GenerationDirName(staged.number);
  staged.dir = db_ / (staged.name + core::kTemporarySuffix);
  std::error_code ec;
  fs::remove_all(staged.dir, ec);
  fs::create_directories(staged.dir, ec);
  if (ec) return IoError(Rule("create"), ec.message(), staged.dir);
  return staged;
}

void GenerationStore::Discard(const StagedGeneration& staged) const {
  std::error_code ec;
  fs::remove_all(staged.dir, ec);
}

Status GenerationStore::Publish(const StagedGeneration& staged, const Manifest& manifest,
                                const std::function<Status()>& before_switch) const {
  if (auto s = WriteManifest(staged.dir, manifest); !s) return s;
  if (auto s = SyncTree(staged.dir); !s) return s;
  const fs::path final_dir = db_ / staged.name;
  if (::rename(staged.dir.c_str(), final_dir.c_str()) != 0) {
    return IoError(Rule("publish"), "rename failed", final_dir);
  }
  if (auto s = SyncPath(db_); !s) return s;
  if (before_switch) {
    if (auto s = before_switch(); !s) return s;
  }
  return SwitchCurrent(db_, staged.name);
}

void GenerationStore::CollectGarbage(uint64_t current) const {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(db_, ec)) {
    const auto g = core::ParseGenerationDirName(e.path().filename().string());
    if (g && (g->temporary || g->number + 1 < current)) fs::remove_all(e.path(), ec);
  }
}

std::vector<fs::path> GenerationStore::GenerationsOtherThan(uint64_t keep) const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(db_, ec)) {
    const auto g = core::ParseGenerationDirName(e.path().filename().string());
    if (g && (g->temporary || g->number != keep)) out.push_back(e.path());
  }
  return out;
}

}  // namespace yuimaru::indexer
