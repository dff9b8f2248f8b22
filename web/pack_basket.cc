#include "web/pack_basket.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

#include "core/file_lock.h"
#include "core/index_layout.h"
#include "core/io.h"

namespace yuimaru::web {

Status AddToBasket(toolkit::PackList& list, const toolkit::PackItem& item) {
  if (std::find(list.items.begin(), list.items.end(), item) != list.items.end()) {
    return Status::Ok();
  }
  if (list.items.size() >= kMaxBasketItems) {
    return MakeError(ErrorCode::kInvalidInput, "pack.full",
                     "パックに入れられるのは " + std::to_string(kMaxBasketItems) + " 件までです");
  }
  list.items.push_back(item);
  return Status::Ok();
}

Status MoveInBasket(toolkit::PackList& list, size_t index, BasketMove move) {
  if (index >= list.items.size()) {
    return MakeError(ErrorCode::kInvalidInput, "pack.index", "その位置に資料はありません");
  }
  if (move == BasketMove::kUp && index > 0) std::swap(list.items[index], list.items[index - 1]);
  if (move == BasketMove::kDown && index + 1 < list.items.size()) {
    std::swap(list.items[index], list.items[index + 1]);
  }
  return Status::Ok();
}

Status RemoveFromBasket(toolkit::PackList& list, size_t index) {
  if (index >= list.items.size()) {
    return MakeError(ErrorCode::kInvalidInput, "pack.index", "その位置に資料はありません");
  }
  list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(index));
  return Status::Ok();
}

Status CheckGenerationIsCurrent(const std::filesystem::path& db, uint64_t generation) {
  if (generation == 0) return Status::Ok();
  auto current = core::ResolveCurrentGeneration(db);
  if (!current) {
    return MakeError(ErrorCode::kIo, "pack.basket.generation", current.error().ToString());
  }
  const auto dir = core::ParseGenerationDirName(current->filename().string());
  if (!dir || dir->number != generation) {
    return MakeError(ErrorCode::kBusy, "pack.stale",
                     "索引が更新されたところです。もう一度追加してください");
  }
  return Status::Ok();
}

BasketStore::BasketStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

// Roster ids are [a-z0-9._-]{2,32} (web/auth.cc); one that could name another file (a leading
// dot) is stored under its digest instead.
std::filesystem::path BasketStore::PathOf(const std::string& user) const {
  static const std::regex kSafe("[a-z0-9_-][a-z0-9._-]{1,31}");
  return dir_ / ((std::regex_match(user, kSafe) ? user : core::Sha256Hex(user)) + ".txt");
}

Result<toolkit::PackList> BasketStore::Load(const std::string& user) const {
  const std::filesystem::path path = PathOf(user);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return toolkit::PackList{};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    return MakeError(ErrorCode::kIo, "pack.basket.read", "パックを読めません");
  }
  auto list = toolkit::ParsePackList(text.str(), path.string());
  if (!list) return MakeError(ErrorCode::kIo, "pack.basket.read", list.error().ToString());
  return list;
}

Status BasketStore::Update(const std::string& user,
                           const std::function<Status(toolkit::PackList&)>& change) const {
  std::lock_guard<std::mutex> in_process(mu_);
  auto lock = core::LockPackBaskets(dir_);
  if (!lock) return MakeError(ErrorCode::kIo, "pack.basket.lock", lock.error().ToString());
  auto list = Load(user);
  if (!list) return list.error();
  if (Status changed = change(*list); !changed) return changed;
  if (Status s = core::WriteFileAtomically(PathOf(user), toolkit::FormatPackList(*list)); !s) {
    return MakeError(ErrorCode::kIo, "pack.basket.write", s.error().ToString());
  }
  return Status::Ok();
}

bool IsBasketStoreError(const Error& error) { return error.rule.starts_with("pack.basket."); }

}  // namespace yuimaru::web
