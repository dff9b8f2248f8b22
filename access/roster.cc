#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "access/access.h"
#include "core/io.h"
#include "core/utf8.h"

namespace yuimaru::access {
namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

Error UserError(std::string rule, std::string message) {
  return MakeError(ErrorCode::kInvalidInput, std::move(rule), std::move(message));
}

User* FindMutable(std::vector<User>& users, std::string_view id) {
  for (auto& u : users) {
    if (u.id == id) return &u;
  }
  return nullptr;
}

}  // namespace

std::string_view RoleLabel(Role role) {
  switch (role) {
    case Role::kViewer:
      return "閲覧者";
    case Role::kConsultant:
      return "コンサルタント";
    case Role::kSecretariat:
      return "事務局";
    case Role::kAdmin:
      return "管理者";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view text) {
  const std::pair<std::string_view, Role> codes[] = {{"viewer", Role::kViewer},
                                                     {"consultant", Role::kConsultant},
                                                     {"secretariat", Role::kSecretariat},
                                                     {"admin", Role::kAdmin}};
  for (const auto& [code, role] : codes) {
    if (text == code || text == RoleLabel(role)) return role;
  }
  return std::nullopt;
}

Status CheckPasswordPolicy(std::string_view password) {
  if (core::FindInvalidUtf8(password) != std::string_view::npos) {
    return UserError("user.password.invalid", "パスワードが UTF-8 ではありません");
  }
  if (core::CountCodePoints(password) < 12) {
    return UserError("user.password.weak", "パスワードは12文字以上にしてください");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady())
    return MakeError(ErrorCode::kInternal, "crypto.init", "libsodium を初期化できません");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return MakeError(ErrorCode::kInternal, "crypto.pwhash",
                     "パスワードのハッシュを作れません（メモリ不足）");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (!SodiumReady() || hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void SpendVerifyTime(std::string_view password) {
  static const std::string dummy = *HashPassword("timing-equalizer-not-a-password");
  (void)VerifyPassword(dummy, password);
}

std::string RandomHex(size_t bytes) {
  SodiumReady();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string CredentialStamp(const User& user) {
  // Length-prefixed fields, so no two different entries hash the same bytes.
  std::string data;
  for (const std::string_view field : {std::string_view(user.password_hash), RoleLabel(user.role),
                                       core::ClearanceLabel(user.clearance)}) {
    data += std::to_string(field.size()) + ":" + std::string(field) + ";";
  }
  unsigned char md[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(md, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

Result<Roster> Roster::Load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Roster();  // no roster yet
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  return Parse(text, path.string());
}

Result<Roster> Roster::Parse(std::string_view text, const std::string& source) {
  Roster roster;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    Error e = UserError("roster.format", "名簿ファイルを読めません: " + why);
    e.source = source;
    return e;
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("users") || !j["users"].is_array())
    return bad("形式が違います");
  for (const auto& u : j["users"]) {
    if (!u.is_object()) return bad("利用者の項目が足りません");
    User user;
    try {
      user.id = u.value("id", "");
      user.name = u.value("name", "");
      const auto role = ParseRole(u.value("role", ""));
      const auto clearance = core::ParseClearance(u.value("clearance", ""));
      if (user.id.empty() || !role || !clearance) return bad("利用者の項目が足りません");
      user.role = *role;
      user.clearance = *clearance;
      user.disabled = u.value("disabled", false);
      user.password_hash = u.value("hash", "");
      user.created = u.value("created", "");
      user.updated = u.value("updated", "");
    } catch (const nlohmann::json::exception&) {  // a field of the wrong type
      return bad("利用者の項目の型が違います");
    }
    roster.users_.push_back(std::move(user));
  }
  return roster;
}

Status Roster::Save(const std::filesystem::path& path) const {
  nlohmann::ordered_json users = nlohmann::ordered_json::array();
  for (const User& u : users_) {
    users.push_back({{"id", u.id},
                     {"name", u.name},
                     {"role", std::string(RoleLabel(u.role))},
                     {"clearance", std::string(core::ClearanceLabel(u.clearance))},
                     {"disabled", u.disabled},
                     {"hash", u.password_hash},
                     {"created", u.created},
                     {"updated", u.updated}});
  }
  const nlohmann::ordered_json j = {{"format", 1}, {"users", std::move(users)}};
  const std::string data = j.dump(1) + "\n";
  if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path());
  // A link planted at the temporary name is not followed; the file is 0600 before it holds
  // anything.
  if (Status s = core::WriteFileAtomically(path, data, ".tmp", 0600); !s) {
    return MakeError(ErrorCode::kIo, "roster.write", "名簿ファイルを書けません: " + path.string());
  }
  return Status::Ok();
}

const User* Roster::Find(std::string_view id) const {
  for (const auto& u : users_) {
    if (u.id == id) return &u;
  }
  return nullptr;
}

Status Roster::Add(User user, std::string_view password,
                   std::chrono::system_clock::time_point now) {
  static const std::regex kId(R"(^[a-z0-9._-]{2,32}$)");
  if (!std::regex_match(user.id, kId)) {
    return UserError("user.id.invalid",
                     "利用者IDは英小文字・数字・「._-」で2〜32文字にしてください");
  }
  if (Find(user.id)) return UserError("user.exists", "利用者「" + user.id + "」は既にいます");
  if (auto s = CheckPasswordPolicy(password); !s) return s;
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  user.password_hash = *hash;
  user.created = user.updated = IsoTime(now);
  users_.push_back(std::move(user));
  return Status::Ok();
}

Status Roster::SetPassword(std::string_view id, std::string_view password,
                           std::chrono::system_clock::time_point now) {
  User* u = FindMutable(users_, id);
  if (!u) return UserError("user.unknown", "利用者「" + std::string(id) + "」はいません");
  if (auto s = CheckPasswordPolicy(password); !s) return s;
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  u->password_hash = *hash;
  u->updated = IsoTime(now);
  return Status::Ok();
}

Status Roster::SetDisabled(std::string_view id, bool disabled,
                           std::chrono::system_clock::time_point now) {
  User* u = FindMutable(users_, id);
  if (!u) return UserError("user.unknown", "利用者「" + std::string(id) + "」はいません");
  u->disabled = disabled;
  u->updated = IsoTime(now);
  return Status::Ok();
}

}  // namespace yuimaru::access
