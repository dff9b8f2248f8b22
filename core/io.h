// Small file-system and digest helpers every module that writes or fingerprints files needs, so
// that durability and hashing are written once: SHA-256 (OpenSSL), replacing a file so that a
// crash leaves the old or the new one whole, fsync of a file or directory, and a private
// scratch directory.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace yuimaru::core {

// SHA-256 of `data`: the 32 raw bytes, or 64 lower-case hex digits.
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);

// SHA-256 over data given in pieces (a file read in blocks, names and contents in turn).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  // The digest of everything given so far as 64 hex digits; the stream is done after it.
  std::string HexDigest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Replaces `path` with `bytes` so that a crash leaves either the old file or the new one, whole:
// the bytes go to `path` + `temp_suffix` (opened O_NOFOLLOW, so a link planted there is not
// followed, and narrowed to `mode` before anything is written), are fsync'd, renamed over `path`,
// and the directory is fsync'd. On failure the temporary file is removed and `path` is as it
// was. Fails with kIo (rule "io.write", the path as source).
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                           std::string_view temp_suffix = ".tmp", mode_t mode = 0600);

// fsync of a file or a directory (its entries: renames and new files in it). Fails with kIo
// (rule "io.sync").
Status SyncPath(const std::filesystem::path& path);

// A scratch directory for files a library or an outside tool must write (libxlsxwriter,
// pandoc, chromium): made by mkdtemp(3) under std::filesystem::temp_directory_path(), so its
// name cannot be guessed or planted in advance, mode 0700, and removed with everything in it
// when the object is destroyed. Move-only; a moved-from object removes nothing.
class ScopedTempDir {
 public:
  // A new directory named `prefix` + six random characters. Fails with kIo ("io.tempdir").
  static Result<ScopedTempDir> Create(std::string_view prefix);
  ~ScopedTempDir();
  ScopedTempDir(ScopedTempDir&& other) noexcept;
  ScopedTempDir& operator=(ScopedTempDir&& other) noexcept;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScopedTempDir(std::filesystem::path path) : path_(std::move(path)) {}
  void Remove();
  std::filesystem::path path_;
};

}  // namespace yuimaru::core
