#include "core/io.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>
#include <utility>

#include "core/hex.h"

namespace yuimaru::core {

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Sha256Hex(std::string_view data) {
  const std::string raw = Sha256(data);
  return HexEncode(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

struct Sha256Stream::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256Stream::Sha256Stream() : ctx_(std::make_unique<Ctx>()) {
  EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr);
}
Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::Update(std::string_view data) {
  EVP_DigestUpdate(ctx_->md, data.data(), data.size());
}

std::string Sha256Stream::HexDigest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, md, &len);
  return HexEncode(md, len);
}

Status SyncPath(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrorAt(ErrorCode::kIo, "io.sync", "同期のために開けません", path.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrorAt(ErrorCode::kIo, "io.sync", "ディスクに書き出せません", path.string());
  return Status::Ok();
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                           std::string_view temp_suffix, mode_t mode) {
  const std::filesystem::path temp = path.string() + std::string(temp_suffix);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  bool ok = fd >= 0 && ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    return ErrorAt(ErrorCode::kIo, "io.write", "ファイルを書けません", path.string());
  }
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  return SyncPath(dir);
}

Result<ScopedTempDir> ScopedTempDir::Create(std::string_view prefix) {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return MakeError(ErrorCode::kIo, "io.tempdir", "一時ディレクトリの場所がわかりません");
  std::string name = (base / (std::string(prefix) + "XXXXXX")).string();
  // mkdtemp creates the directory 0700 with a name nobody could have made first.
  if (::mkdtemp(name.data()) == nullptr) {
    return ErrorAt(ErrorCode::kIo, "io.tempdir", "一時ディレクトリを作れません", base.string());
  }
  return ScopedTempDir(std::filesystem::path(name));
}

ScopedTempDir::~ScopedTempDir() { Remove(); }

ScopedTempDir::ScopedTempDir(ScopedTempDir&& other) noexcept
    : path_(std::exchange(other.path_, {})) {}

ScopedTempDir& ScopedTempDir::operator=(ScopedTempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

void ScopedTempDir::Remove() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  path_.clear();
}

}  // namespace yuimaru::core
