#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "access/access.h"

namespace yuimaru::access {
namespace {

constexpr char kGenesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

// The hash of a line: over prev and the line's JSON without its own "hash".
std::string LineHash(const nlohmann::ordered_json& without_hash) {
  return Sha256Hex(without_hash.value("prev", "") + without_hash.dump());
}

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
  if (!path_.parent_path().empty()) std::filesystem::create_directories(path_.parent_path());
  const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path_.string());
  ::flock(fd, LOCK_EX);  // other processes append to the same chain
  std::string prev = kGenesis;
  uint64_t seq = 1;
  const std::string last = LastLine(fd);
  if (!last.empty()) {
    const auto j = nlohmann::ordered_json::parse(last, nullptr, false);
    if (!j.is_discarded() && j.contains("hash")) {
      prev = j.value("hash", kGenesis);
      seq = j.value("seq", 0ull) + 1;
    }
  }
  nlohmann::ordered_json line;
  line["seq"] = seq;
  line["time"] = IsoTime(now);
  line["user"] = event.user;
  line["addr"] = event.addr;
  line["action"] = event.action;
  for (const auto& [k, v] : event.fields) line[k] = v;
  line["prev"] = prev;
  line["hash"] = LineHash(line);
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::flock(fd, LOCK_UN);
  ::close(fd);
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
    auto line = nlohmann::ordered_json::parse(text, nullptr, false);
    auto broken = [&](std::string why) {
      v.first_broken = v.lines;
      v.reason = std::move(why);
      return v;
    };
    if (line.is_discarded() || !line.is_object() || !line.contains("hash"))
      return broken("JSON として読めません");
    const std::string hash = line.value("hash", "");
    line.erase("hash");
    if (line.value("prev", "") != prev)
      return broken("前の行のハッシュと一致しません（行の削除・挿入・並べ替え）");
    if (line.value("seq", 0ull) != expected_seq) return broken("通し番号が飛んでいます");
    if (LineHash(line) != hash) return broken("行の内容がハッシュと一致しません（改ざん）");
    prev = hash;
    ++expected_seq;
  }
  v.last_hash = prev;
  return v;
}

}  // namespace yuimaru::access
