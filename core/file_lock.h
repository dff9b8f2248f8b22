// An exclusive flock(2) held for as long as an object lives: how the processes that share a
// file under DB take turns. The 研修 pack baskets (DB/packs) have one: the web's basket store
// holds it around each read-modify-write of a basket, and a purge holds it while it rewrites the
// baskets, so a basket read before a purge's rewrite is never written back over it.
#pragma once

#include <filesystem>

#include "core/result.h"

namespace yuimaru::core {

class FileLock {
 public:
  // Opens `path` (created 0600 if missing; a symbolic link there is not followed) and waits until
  // this object holds an exclusive lock on it. Another FileLock on the same file, in this process
  // or another, waits until this one is destroyed. Fails with kIo ("io.lock", the path as source).
  static Result<FileLock> Acquire(const std::filesystem::path& path);
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The lock of the pack baskets under `packs_dir` (DB/packs; kPackBasketsLockFile in it), the
// directory created 0700 when missing. Every change to a basket file, by the web or a purge, is
// made while holding it. Fails with kIo ("io.lock").
Result<FileLock> LockPackBaskets(const std::filesystem::path& packs_dir);

}  // namespace yuimaru::core
