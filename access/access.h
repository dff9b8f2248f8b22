// Need-to-know access: the handler roster (情報取扱者名簿) with roles, clearances and argon2id
// password hashes (libsodium), and the append-only, hash-chained audit trail. Used by web/ and
// cli/; depends on search/core only.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/core/result.h"
#include "search/core/schema.h"

namespace yuimaru::access {

// 閲覧者 / コンサルタント / 事務局 / 管理者.
enum class Role { kViewer, kConsultant, kSecretariat, kAdmin };
std::string_view RoleLabel(Role role);
// A label or viewer / consultant / secretariat / admin.
std::optional<Role> ParseRole(std::string_view text);

struct User {
  std::string id;    // login name: [a-z0-9._-], 2-32 characters
  std::string name;  // display name
  Role role = Role::kViewer;
  core::Clearance clearance = core::Clearance::kPublic;
  bool disabled = false;
  std::string password_hash;     // crypto_pwhash_str (argon2id)
  std::string created, updated;  // ISO 8601 UTC
};

// Passwords: at least 12 characters. Fails with kInvalidInput (rule "user.password.weak").
Status CheckPasswordPolicy(std::string_view password);
// argon2id with libsodium's interactive limits. Fails with kInternal if hashing fails.
Result<std::string> HashPassword(std::string_view password);
// Constant-time check of a password against a stored hash.
bool VerifyPassword(const std::string& hash, std::string_view password);
// Hashes a throwaway password once: login spends the same time whether the user exists or not.
void SpendVerifyTime(std::string_view password);
// `bytes` random bytes from libsodium, hex-encoded (session ids, CSRF tokens, demo passwords).
std::string RandomHex(size_t bytes);

std::string IsoTime(std::chrono::system_clock::time_point t);  // 2026-11-26T03:50:00Z

class Roster {
 public:
  // Reads a roster file; a missing file is an empty roster. Fails with kInvalidInput
  // (rule "roster.format") on a malformed file.
  static Result<Roster> Load(const std::filesystem::path& path);
  // Writes atomically (temporary file, fsync, rename), readable by the owner only.
  Status Save(const std::filesystem::path& path) const;

  const User* Find(std::string_view id) const;
  const std::vector<User>& users() const { return users_; }

  // Fail with kInvalidInput: "user.id.invalid", "user.exists", "user.unknown", password policy.
  Status Add(User user, std::string_view password, std::chrono::system_clock::time_point now);
  Status SetPassword(std::string_view id, std::string_view password,
                     std::chrono::system_clock::time_point now);
  Status SetDisabled(std::string_view id, bool disabled, std::chrono::system_clock::time_point now);

 private:
  std::vector<User> users_;
};

// ---- Audit trail ----------------------------------------------------------------------------
// JSON Lines, one event per line. Each line carries "prev", the "hash" of the line before
// ("0"×64 for the first), and its own "hash": SHA-256 of prev + the line's JSON without "hash".
// Editing, removing or reordering any line breaks the chain from there on.
struct AuditEvent {
  std::string action;  // login, login-failed, logout, search, view, export, purge, user-*, index
  std::string user;
  std::string addr;
  std::vector<std::pair<std::string, std::string>> fields;  // further details, as strings
};

class AuditLog {
 public:
  // Appends to `path` (created if missing). Thread-safe; other processes appending to the same
  // file are serialized with flock.
  explicit AuditLog(std::filesystem::path path);
  // Appends one event and fsyncs it. Fails with kIo.
  Status Append(const AuditEvent& event, std::chrono::system_clock::time_point now) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct AuditVerification {
  uint64_t lines = 0;
  uint64_t first_broken = 0;  // 1-based line number, 0 if the chain is intact
  std::string reason;
  // The hash of the last line: removing lines from the end keeps the rest of the chain valid,
  // so the 廃棄 report and periodic checks record it and compare.
  std::string last_hash;
};
// Checks the chain of an audit file. Fails with kIo if it cannot be read.
Result<AuditVerification> VerifyAuditLog(const std::filesystem::path& path);

}  // namespace yuimaru::access
