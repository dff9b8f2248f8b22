// Which processes still hold files of an earlier generation open, read from /proc.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/index_layout.h"
#include "indexer/indexer.h"

namespace yuimaru::indexer {
namespace {

namespace fs = std::filesystem;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Other processes with an open file under `db`/gen-* outside `current`. A deleted file (what a
// purge leaves behind in a process that has not let go) reads "<path> (deleted)".
std::vector<GenerationHolder> Holders(const fs::path& db, const fs::path& current) {
  std::vector<GenerationHolder> holders;
  const std::string generations = (db / core::kGenerationPrefix).string();
  const std::string keep = current.string() + "/";
  const std::string self = std::to_string(::getpid());
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const std::string pid = proc.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos || pid == self)
      continue;
    std::error_code fd_ec;  // a process of another user, or one that just ended: not ours to see
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", fd_ec)) {
      std::error_code link_ec;
      std::string target = fs::read_symlink(fd.path(), link_ec).string();
      if (link_ec) continue;
      constexpr std::string_view kDeleted = " (deleted)";
      if (target.size() > kDeleted.size() &&
          target.compare(target.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
        target.resize(target.size() - kDeleted.size());
      }
      if (!StartsWith(target, generations) || StartsWith(target, keep)) continue;
      GenerationHolder h;
      h.pid = std::stoi(pid);
      std::ifstream comm(proc.path() / "comm");
      std::getline(comm, h.command);
      h.file = target;
      holders.push_back(std::move(h));
      break;
    }
  }
  return holders;
}

}  // namespace

std::vector<GenerationHolder> WaitForOldGenerationHolders(const fs::path& db,
                                                          std::chrono::milliseconds timeout) {
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(db, ec);
  auto current = core::ResolveCurrentGeneration(root);
  if (!current) return {};
  const fs::path gen = fs::weakly_canonical(*current, ec);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto holders = Holders(root, gen);
    if (holders.empty() || std::chrono::steady_clock::now() >= deadline) return holders;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace yuimaru::indexer
