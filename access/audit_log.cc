#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "access/access.h"
#include "search/core/hex.h"

namespace yuimaru::access {
namespace {

constexpr char kGenesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return core::HexEncode(md, len);
}

// A line's JSON as written: invalid UTF-8 in a field (a hostile login id) becomes U+FFFD
// instead of an exception, so what is hashed is exactly what is written and read back.
std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// The hash of a line: over prev and the line's JSON without its own "hash".
std::string LineHash(const nlohmann::ordered_json& without_hash, const std::string& prev) {
  return Sha256Hex(prev + Dump(without_hash));
}

// The string member `key` of a line, or nullopt if missing or not a string.
std::optional<std::string> StringField(const nlohmann::ordered_json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// The file descriptor, locked, released on every way out.
class LockedFile {
 public:
  explicit LockedFile(int fd) : fd_(fd) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);  // other processes append to the same chain
  }
  ~LockedFile() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

constexpr const char* kReserved[] = {"seq", "time", "user", "addr", "action", "prev", "hash"};

// The last line of a file (without its newline), or empty.
std::string LastLine(int fd) {
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size <= 0) return "";
  std::string tail;
  off_t pos = size;
  while (pos > 0) {
    const off_t chunk = std::min<off_t>(pos, 4096);
    pos -= chunk;
    std::string buf(static_cast<size_t>(chunk), '\0');
    if (::pread(fd, buf.data(), buf.size(), pos) != chunk) return "";
    tail = buf + tail;
    const size_t body_end = tail.size() - (tail.back() == '\n' ? 1 : 0);
    const size_t nl = tail.rfind('\n', body_end == 0 ? 0 : body_end - 1);
    if (nl != std::string::npos && nl < body_end) return tail.substr(nl + 1, body_end - nl - 1);
  }
  return tail.substr(0, tail.size() - (tail.back() == '\n' ? 1 : 0));
}

std::mutex& AppendMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

AuditLog::AuditLog(std::filesystem::path path) : path_(std::move(path)) {}

Status AuditLog::Append(const AuditEvent& event, std::chrono::system_clock::time_point now) const {
  std::lock_guard<std::mutex> lock(AppendMutex());
  std::error_code ec;
  if (!path_.parent_path().empty()) std::filesystem::create_directories(path_.parent_path(), ec);
  const LockedFile file(::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (file.fd() < 0)
    return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path_.string());
  std::string prev = kGenesis;
  uint64_t seq = 1;
  const std::string last = LastLine(file.fd());
  if (!last.empty()) {
    const auto j = nlohmann::ordered_json::parse(last, nullptr, false);
    const auto hash = j.is_object() ? StringField(j, "hash") : std::nullopt;
    const auto it = j.is_object() ? j.find("seq") : j.end();
    if (!hash || it == j.end() || !it->is_number_unsigned()) {
      // A torn or edited last line: appending would start a new, valid-looking chain after it.
      return MakeError(
          ErrorCode::kIo, "audit.chain-broken",
          "監査ログの最終行が壊れています（yuimaru audit verify で確認してください）: " +
              path_.string());
    }
    prev = *hash;
    seq = it->get<uint64_t>() + 1;
  }
  nlohmann::ordered_json line;
  line["seq"] = seq;
  line["time"] = IsoTime(now);
  line["user"] = event.user;
  line["addr"] = event.addr;
  line["action"] = event.action;
  for (const auto& [k, v] : event.fields) {
    const bool reserved =
        std::find(std::begin(kReserved), std::end(kReserved), k) != std::end(kReserved);
    line[reserved ? "field_" + k : k] = v;  // never overwrite the line's own keys
  }
  line["prev"] = prev;
  line["hash"] = LineHash(line, prev);
  const std::string text = Dump(line) + "\n";
  const bool ok =
      ::write(file.fd(), text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
      ::fsync(file.fd()) == 0;
  if (!ok)
    return MakeError(ErrorCode::kIo, "audit.write", "監査ログに書けません: " + path_.string());
  return Status::Ok();
}

Result<AuditVerification> VerifyAuditLog(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path.string());
  AuditVerification v;
  std::string prev = kGenesis;
  uint64_t expected_seq = 1;
  for (std::string text; std::getline(in, text);) {
    ++v.lines;
    auto broken = [&](std::string why) {
      v.first_broken = v.lines;
      v.reason = std::move(why);
      return v;
    };
    auto line = nlohmann::ordered_json::parse(text, nullptr, false);
    if (line.is_discarded() || !line.is_object()) return broken("JSON として読めません");
    const auto hash = StringField(line, "hash");
    const auto line_prev = StringField(line, "prev");
    const auto seq = line.find("seq");
    if (!hash || !line_prev || seq == line.end() || !seq->is_number_unsigned())
      return broken("hash / prev / seq がありません");
    line.erase("hash");
    if (*line_prev != prev)
      return broken("前の行のハッシュと一致しません（行の削除・挿入・並べ替え）");
    if (seq->get<uint64_t>() != expected_seq) return broken("通し番号が飛んでいます");
    if (LineHash(line, prev) != *hash) return broken("行の内容がハッシュと一致しません（改ざん）");
    prev = *hash;
    ++expected_seq;
  }
  v.last_hash = prev;
  return v;
}

}  // namespace yuimaru::access
