// Need-to-know access: the handler roster (情報取扱者名簿) with roles, clearances and argon2id
// password hashes (libsodium), and the append-only, hash-chained audit trail. Used by web/ and
// cli/; depends on core only.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/schema.h"

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

// A value that changes whenever the user's password, role or clearance changes (a hash of
// them): a session records it at login and ends when the roster's entry no longer matches.
std::string CredentialStamp(const User& user);

class Roster {
 public:
  // Reads a roster file; a missing file is an empty roster. Fails with kInvalidInput
  // (rule "roster.format") on a malformed file.
  static Result<Roster> Load(const std::filesystem::path& path);
  // Parses the bytes of a roster file; `source` names it in errors. Fails like Load.
  static Result<Roster> Parse(std::string_view text, const std::string& source);
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
// JSON Lines, one event per line. Each line carries "seq", "prev" (the "hash" of the line
// before, "0"×64 for the first) and, last, its own "hash": SHA-256 of prev + the line's bytes
// without `,"hash":"…"`. Verification hashes the bytes on disk, and a line must be exactly what
// the writer produces (no duplicated key, no other spelling of the same JSON), so what a reader
// sees is what the chain binds. Editing, removing or reordering any line breaks the chain.
//
// Segments: `RepairAuditLog` moves a broken file aside (audit.jsonl → audit.jsonl.N) and starts
// the file again with an "audit-repair" line that continues the chain from the last good line
// and records the break (which file, the last good seq and hash, the broken bytes' SHA-256).
// Verification follows these links back to the first segment.
//
// Keyed chains: with a key (LoadAuditKey, a file kept off the DB directory) each line carries
// "mac":"hmac-sha256" and its hash is HMAC-SHA256(key, prev + bytes), so a writer without the
// key cannot rewrite or extend the trail undetected. A keyed line never follows an unkeyed one
// except through a repair (which is how an existing trail switches to a key), and verifying with
// the key fails unless the chain ends with a keyed line.
struct AuditEvent {
  std::string action;  // login, login-failed, logout, search, view, export, purge, user-*, index
  std::string user;
  std::string addr;
  std::vector<std::pair<std::string, std::string>> fields;  // further details, as strings
};

class AuditLog {
 public:
  // Appends to `path` (created if missing), keyed by `key` when it is not empty. Thread-safe;
  // other processes appending to the same file are serialized with flock.
  explicit AuditLog(std::filesystem::path path, std::string key = {});
  // Appends one event and fsyncs it. Fails with kIo: "audit.open", "audit.write", or
  // "audit.chain-broken" when the last line is torn or not a line of the chain (nothing is
  // written then: a new chain after it would look valid), "audit.key-mismatch" when the last
  // line is keyed and this log is not, or the other way round, "audit.truncated" when the file
  // no longer holds the last line this object wrote (and is not a repaired new segment).
  Status Append(const AuditEvent& event, std::chrono::system_clock::time_point now) const;
  // Whether Append can chain now: the file is missing, empty or ends with a whole line of the
  // chain, and can be opened for appending. Fails like Append; writes nothing.
  Status Check() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  // What this object last wrote: a trail that no longer reaches it (emptied, truncated,
  // deleted or replaced without a repair) fails Append and Check with "audit.truncated".
  struct Watermark;
  Status Continues(int fd, uint64_t have) const;
  std::filesystem::path path_;
  std::string key_;
  std::shared_ptr<Watermark> mark_;
};

// The key of a keyed chain: the bytes of `file`. Fails with kInvalidInput ("audit.key") if it
// cannot be read or holds fewer than 32 bytes.
Result<std::string> LoadAuditKey(const std::filesystem::path& file);

// A break in the trail, recorded by the first line of the segment that a repair started.
struct AuditBreak {
  std::string file;  // the earlier segment, a name in the same directory (audit.jsonl.1)
  uint64_t last_good_seq = 0;
  std::string last_good_hash;
  uint64_t broken_bytes = 0;  // bytes after the last good line in `file`
  std::string broken_sha256;  // their SHA-256
  std::string time;           // of the repair
};

struct AuditVerification {
  uint64_t lines = 0;         // lines checked, in every segment
  uint64_t first_broken = 0;  // 1-based line number in broken_file, 0 if the chain is intact
  std::filesystem::path broken_file;
  std::string reason;
  // The hash of the last line: removing lines from the end keeps the rest of the chain valid,
  // so the 廃棄 report and periodic checks record it and compare.
  std::string last_hash;
  std::vector<AuditBreak> breaks;  // repaired breaks, oldest first: intact, but to be reported
};
// Checks the chain of an audit file and of the earlier segments it links to. Fails with kIo if
// a file cannot be read.
// With a `key`, keyed lines are checked with it and the chain must end with a keyed line.
Result<AuditVerification> VerifyAuditLog(const std::filesystem::path& path,
                                         const std::string& key = {});

// Starts a new segment after a break: keeps the file's bytes as `path`.N (the first unused N),
// and writes `path` anew with one "audit-repair" line chained to the last good line. Holds the
// file's lock throughout, so running servers append to the new segment afterwards. Returns the
// recorded break. With a `key` the new segment is keyed; an intact unkeyed trail is "repaired"
// this way to switch to the key (nothing broken: broken_bytes 0). Fails with kInvalidInput
// "audit.repair.not-needed" if the chain is intact and already keyed as asked, kIo otherwise.
Result<AuditBreak> RepairAuditLog(const std::filesystem::path& path,
                                  std::chrono::system_clock::time_point now,
                                  const std::string& key = {});

}  // namespace yuimaru::access
