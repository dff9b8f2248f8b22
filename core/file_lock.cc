#include "core/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "core/index_layout.h"

namespace yuimaru::core {

Result<FileLock> FileLock::Acquire(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrorAt(ErrorCode::kIo, "io.lock", std::strerror(errno), path.string());
  // flock, not fcntl: a record lock is dropped when any descriptor of the file is closed in the
  // process, and is not exclusive between threads of one process.
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd);
    return ErrorAt(ErrorCode::kIo, "io.lock", std::strerror(err), path.string());
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Result<FileLock> LockPackBaskets(const std::filesystem::path& packs_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(packs_dir, ec)) {
    std::filesystem::create_directories(packs_dir, ec);
    std::filesystem::permissions(packs_dir, std::filesystem::perms::owner_all, ec);
  }
  return FileLock::Acquire(packs_dir / kPackBasketsLockFile);
}

}  // namespace yuimaru::core
