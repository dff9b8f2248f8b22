#include "indexer/basket_scrub.h"

#include <string_view>
#include <system_error>
#include <vector>

#include "core/file_lock.h"
#include "core/index_layout.h"
#include "core/io.h"
#include "core/pack_list.h"
#include "indexer/corpus_reader.h"
#include "indexer/document_parser.h"
#include "indexer/generation_store.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;
namespace {

// Not the web's ".tmp", so that a basket store that does not take the lock (a server of an
// older release) never writes into the same temporary file; both end in kTemporarySuffix.
constexpr char kPurgeTempSuffix[] = ".purge.tmp";

struct PackFiles {
  std::vector<fs::path> baskets;  // <user>.txt, regular files
  std::vector<fs::path> temps;    // *.tmp, whatever their type (a link is removed, not followed)
};

Result<PackFiles> ListPackFiles(const fs::path& dir) {
  PackFiles files;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (std::string_view(name).ends_with(core::kTemporarySuffix)) {
      files.temps.push_back(it->path());
    } else if (it->symlink_status().type() == fs::file_type::regular &&
               it->path().extension() == ".txt") {
      files.baskets.push_back(it->path());
    }
  }
  if (ec) return IoError("purge.basket", ec.message(), dir);
  return files;
}

Result<core::PackList> ReadBasket(const fs::path& path) {
  auto text = ReadFile(path.string(), kMaxFileBytes);
  if (!text) return IoError("purge.basket", text.error().message, path);
  auto list = core::ParsePackList(*text, path.string());
  if (!list) return IoError("purge.basket", list.error().ToString(), path);
  return list;
}

// The items of `ids` dropped from the basket at `path`; it is rewritten only if one was there.
Result<size_t> DropFromBasket(const fs::path& path, const std::set<std::string>& ids) {
  auto list = ReadBasket(path);
  if (!list) return list.error();
  const size_t dropped = core::DropPackItems(*list, ids);
  if (dropped == 0) return dropped;
  if (Status s =
          core::WriteFileAtomically(path, core::FormatPackList(*list), kPurgeTempSuffix, 0600);
      !s) {
    return IoError("purge.basket", s.error().message, path);
  }
  return dropped;
}

// Every basket read back after the rewrite: none names an id of `ids`, no temporary file is left.
Status VerifyBaskets(const fs::path& dir, const std::set<std::string>& ids) {
  auto files = ListPackFiles(dir);
  if (!files) return files.error();
  if (!files->temps.empty()) {
    return ErrorAt(ErrorCode::kInternal, "purge.basket-verify",
                   "パックの一時ファイルが消せずに残っています", files->temps.front().string());
  }
  for (const fs::path& path : files->baskets) {
    auto list = ReadBasket(path);
    if (!list) return list.error();
    for (const core::PackItem& item : list->items) {
      if (ids.count(item.doc_id)) {
        return ErrorAt(ErrorCode::kInternal, "purge.basket-verify",
                       "消去した文書 " + item.doc_id + " がパックに残っています", path.string());
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<BasketScrub> ScrubBaskets(const fs::path& db, const std::set<std::string>& ids) {
  const fs::path dir = db / core::kPackBasketsDir;
  auto lock = core::LockPackBaskets(dir);
  if (!lock) return IoError("purge.basket", lock.error().message, dir);
  auto files = ListPackFiles(dir);
  if (!files) return files.error();
  BasketScrub scrub;
  for (const fs::path& path : files->temps) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) return IoError("purge.basket", ec.message(), path);
    ++scrub.temp_files_removed;
  }
  for (const fs::path& path : files->baskets) {
    auto dropped = DropFromBasket(path, ids);
    if (!dropped) return dropped.error();
    scrub.items_removed += *dropped;
  }
  if (Status s = SyncPath(dir); !s) return s.error();
  if (Status verified = VerifyBaskets(dir, ids); !verified) return verified.error();
  return scrub;
}

}  // namespace yuimaru::indexer
