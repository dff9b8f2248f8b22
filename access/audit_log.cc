#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "access/access.h"
#include "core/hex.h"
#include "core/io.h"

namespace yuimaru::access {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr char kGenesis[] = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view kHashKey = ",\"hash\":\"";
constexpr size_t kHashHex = 64;
constexpr char kRepairAction[] = "audit-repair";
// A chain of repairs longer than this is a loop or an attack, not history.
constexpr int kMaxSegments = 1000;

using core::Sha256Hex;

constexpr char kMac[] = "hmac-sha256";

// The hash of a line: SHA-256, or HMAC-SHA256 under `key` for a keyed line.
std::string ChainHash(const std::string& key, std::string_view data) {
  if (key.empty()) return Sha256Hex(data);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return core::HexEncode(md, len);
}

// A line's JSON as written: invalid UTF-8 in a field (a hostile login id) becomes U+FFFD
// instead of an exception, so what is hashed is exactly what is written and read back.
std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// One line of the chain, taken apart. `body` is the line without its `,"hash":"…"` member:
// the bytes the hash covers.
struct ParsedLine {
  Json json;
  std::string body, hash, prev;
  uint64_t seq = 0;
  bool keyed = false;  // "mac":"hmac-sha256"
};

std::optional<std::string> StringField(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Fails (kInvalidInput, the reason as message) unless `text` is exactly what Append writes:
// re-serializing the parsed line must give the same bytes, which rules out duplicated keys
// (the parser keeps one of them) and every other spelling of the same JSON.
Result<ParsedLine> ParseLine(std::string_view text) {
  auto bad = [](const char* why) { return MakeError(ErrorCode::kInvalidInput, "audit.line", why); };
  const size_t suffix = kHashKey.size() + kHashHex + 2;  // ,"hash":"<64>"}
  if (text.size() < suffix + 1 || text.substr(text.size() - 2) != "\"}" ||
      text.substr(text.size() - suffix, kHashKey.size()) != kHashKey) {
    return bad("最後に hash がありません");
  }
  ParsedLine line;
  line.hash = std::string(text.substr(text.size() - 2 - kHashHex, kHashHex));
  if (!IsLowerHex(line.hash)) return bad("hash が 16 進数ではありません");
  line.body = std::string(text.substr(0, text.size() - suffix)) + "}";
  bool duplicate = false;
  std::vector<std::set<std::string>> keys;
  const Json::parser_callback_t watch = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == Json::parse_event_t::object_end && !keys.empty()) {
      keys.pop_back();
    } else if (event == Json::parse_event_t::key && !keys.empty() && parsed.is_string() &&
               !keys.back().insert(parsed.get<std::string>()).second) {
      duplicate = true;
    }
    return true;
  };
  line.json = Json::parse(line.body, watch, false);
  if (line.json.is_discarded() || !line.json.is_object()) return bad("JSON として読めません");
  if (duplicate) return bad("同じキーが 2 度あります（読み手によって値が違って見えます）");
  if (Dump(line.json) != line.body) return bad("書き手の出力と違う書き方です（書き換え）");
  const auto prev = StringField(line.json, "prev");
  const auto seq = line.json.find("seq");
  if (!prev || seq == line.json.end() || !seq->is_number_unsigned() || line.json.contains("hash")) {
    return bad("hash / prev / seq がありません");
  }
  line.prev = *prev;
  line.seq = seq->get<uint64_t>();
  if (const auto mac = line.json.find("mac"); mac != line.json.end()) {
    if (!mac->is_string() || mac->get<std::string>() != kMac) return bad("mac が不明です");
    line.keyed = true;
  }
  return line;
}

// The file descriptor, locked, released on every way out.
class LockedFile {
 public:
  LockedFile(int fd, int operation) : fd_(fd) {
    if (fd_ >= 0) ::flock(fd_, operation);  // other processes append to the same chain
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

// `path` opened and locked; retried when a repair replaced the file while we waited for the
// lock, so nothing is appended to a segment that has been moved aside. Null if it cannot open.
std::unique_ptr<LockedFile> OpenLocked(const fs::path& path, int flags, int operation) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto file =
        std::make_unique<LockedFile>(::open(path.c_str(), flags | O_CLOEXEC, 0600), operation);
    if (file->fd() < 0) return nullptr;
    struct stat opened {
    }, now{};
    if (::fstat(file->fd(), &opened) == 0 && ::stat(path.c_str(), &now) == 0 &&
        opened.st_ino == now.st_ino && opened.st_dev == now.st_dev) {
      return file;
    }
  }
  return nullptr;
}

constexpr const char* kReserved[] = {"seq",    "time", "user", "addr",
                                     "action", "mac",  "prev", "hash"};

// Where the next line chains from: the last line's hash and seq, or the genesis of an empty
// file. Fails with "audit.chain-broken" on a torn or foreign last line.
struct ChainEnd {
  std::string prev = kGenesis;
  uint64_t next_seq = 1;
};

Result<ChainEnd> ReadChainEnd(int fd, const fs::path& path, const std::string& key) {
  auto broken = [&]() {
    return MakeError(ErrorCode::kIo, "audit.chain-broken",
                     "監査ログの最終行が壊れています（yuimaru audit verify で確認し、yuimaru "
                     "audit repair で修復してください）: " +
                         path.string());
  };
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0) return broken();
  if (size == 0) return ChainEnd{};
  char last = 0;
  if (::pread(fd, &last, 1, size - 1) != 1 || last != '\n') return broken();  // torn
  std::string tail;
  off_t pos = size - 1;  // the final newline is not part of the line
  size_t nl = std::string::npos;
  while (pos > 0 && nl == std::string::npos) {
    const off_t chunk = std::min<off_t>(pos, 4096);
    pos -= chunk;
    std::string buf(static_cast<size_t>(chunk), '\0');
    if (::pread(fd, buf.data(), buf.size(), pos) != chunk) return broken();
    tail = buf + tail;
    nl = tail.rfind('\n');
  }
  const auto line = ParseLine(nl == std::string::npos ? tail : tail.substr(nl + 1));
  if (!line) return broken();
  if (line->keyed != !key.empty()) {
    return MakeError(
        ErrorCode::kIo, "audit.key-mismatch",
        std::string(line->keyed ? "監査ログは鍵付きです（--audit-key を指定してください）"
                                : "監査ログは鍵なしです（yuimaru audit repair "
                                  "--audit-key で鍵付きの区間を始めてください）") +
            ": " + path.string());
  }
  return ChainEnd{line->hash, line->seq + 1};
}

// The text of a new line (with its newline) chained to `end`.
std::string MakeLine(const AuditEvent& event, std::chrono::system_clock::time_point now,
                     const ChainEnd& end, const std::string& key) {
  Json line;
  line["seq"] = end.next_seq;
  line["time"] = IsoTime(now);
  line["user"] = event.user;
  line["addr"] = event.addr;
  line["action"] = event.action;
  for (const auto& [k, v] : event.fields) {
    const bool reserved =
        std::find(std::begin(kReserved), std::end(kReserved), k) != std::end(kReserved);
    line[reserved ? "field_" + k : k] = v;  // never overwrite the line's own keys
  }
  if (!key.empty()) line["mac"] = kMac;
  line["prev"] = end.prev;
  const std::string body = Dump(line);
  line["hash"] = ChainHash(key, end.prev + body);
  return Dump(line) + "\n";
}

bool WriteAll(int fd, const std::string& text) {
  return ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
         ::fsync(fd) == 0;
}

std::mutex& AppendMutex() {
  static std::mutex mu;
  return mu;
}

// The bytes of `path` from `offset` to the end: how many, and their SHA-256.
Result<std::pair<uint64_t, std::string>> TailDigest(const fs::path& path, uint64_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path.string());
  in.seekg(static_cast<std::streamoff>(offset));
  core::Sha256Stream digest;
  uint64_t bytes = 0;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    digest.Update(std::string_view(buf, static_cast<size_t>(in.gcount())));
    bytes += static_cast<uint64_t>(in.gcount());
  }
  return std::make_pair(bytes, digest.HexDigest());
}

// How far one segment verified: the last good line (seq and hash) and the byte after it.
struct Segment {
  bool intact = true;
  bool last_keyed = false;
  uint64_t line_count = 0;
  std::string last_hash = kGenesis;
  uint64_t last_seq = 0;
  uint64_t end_offset = 0;
};

std::optional<uint64_t> ParseCount(const std::optional<std::string>& s) {
  if (!s || s->empty() || s->size() > 19 ||
      !std::all_of(s->begin(), s->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::strtoull(s->c_str(), nullptr, 10);
}

// The break an "audit-repair" line records, or nullopt if it is not one.
std::optional<AuditBreak> RecordedBreak(const Json& j) {
  if (StringField(j, "action") != kRepairAction) return std::nullopt;
  AuditBreak b;
  b.file = StringField(j, "previous_file").value_or("");
  const auto seq = ParseCount(StringField(j, "last_good_seq"));
  const auto bytes = ParseCount(StringField(j, "broken_bytes"));
  b.last_good_hash = StringField(j, "last_good_hash").value_or("");
  b.broken_sha256 = StringField(j, "broken_sha256").value_or("");
  b.time = StringField(j, "time").value_or("");
  if (!seq || !bytes) return std::nullopt;
  b.last_good_seq = *seq;
  b.broken_bytes = *bytes;
  return b;
}

// Verifies `path` (following a repair link on its first line back to earlier segments), up to
// the line with seq `until` when given. A break is recorded in `v` and ends the walk.
// What the walk over all segments carries: the key, and whether a keyed line has been seen
// (after one, every line must be keyed: no downgrade).
struct Walk {
  const std::string& key;
  bool keyed_seen = false;
};

Result<Segment> VerifySegment(const fs::path& path, std::optional<uint64_t> until, int depth,
                              AuditVerification& v, Walk& walk) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path.string());
  Segment seg;
  uint64_t line_no = 0;
  auto broken = [&](uint64_t line, std::string why) {
    v.first_broken = line;
    v.broken_file = path;
    v.reason = std::move(why);
    seg.intact = false;
    return seg;
  };
  std::string text;
  while (!(until && seg.last_seq == *until) && std::getline(in, text)) {
    ++line_no;
    ++v.lines;
    if (in.eof()) return broken(line_no, "行が途中で切れています（改行がありません）");
    auto line = ParseLine(text);
    if (!line) return broken(line_no, line.error().message);
    if (line_no == 1) {
      if (const auto link = RecordedBreak(line->json)) {
        if (link->file.empty() || link->file.find('/') != std::string::npos || link->file == "." ||
            link->file == ".." || depth >= kMaxSegments) {
          return broken(1, "前の区間の名前が不正です");
        }
        auto earlier =
            VerifySegment(path.parent_path() / link->file, link->last_good_seq, depth + 1, v, walk);
        if (!earlier) return earlier.error();
        if (!earlier->intact) {
          seg.intact = false;
          return seg;
        }
        auto tail = TailDigest(path.parent_path() / link->file, earlier->end_offset);
        if (!tail) return tail.error();
        if (earlier->last_hash != link->last_good_hash || tail->first != link->broken_bytes ||
            tail->second != link->broken_sha256) {
          return broken(1, "前の区間 " + link->file + " が修復時の記録と一致しません");
        }
        v.breaks.push_back(*link);
        seg.last_hash = link->last_good_hash;
        seg.last_seq = link->last_good_seq;
      }
    }
    if (line->prev != seg.last_hash)
      return broken(line_no, "前の行のハッシュと一致しません（行の削除・挿入・並べ替え）");
    if (line->seq != seg.last_seq + 1) return broken(line_no, "通し番号が飛んでいます");
    if (line->keyed) {
      walk.keyed_seen = true;
      if (walk.key.empty())
        return broken(line_no, "鍵付きの行です（--audit-key で鍵を指定して検証してください）");
    } else if (walk.keyed_seen) {
      return broken(line_no, "鍵付きの連鎖のあとに鍵のない行があります（書き換え）");
    }
    if (ChainHash(line->keyed ? walk.key : std::string(), seg.last_hash + line->body) !=
        line->hash) {
      return broken(line_no, "行の内容がハッシュと一致しません（改ざん、または鍵の違い）");
    }
    seg.last_keyed = line->keyed;
    seg.line_count = line_no;
    seg.last_hash = line->hash;
    seg.last_seq = line->seq;
    seg.end_offset += text.size() + 1;
  }
  if (until && seg.last_seq != *until)
    return broken(line_no + 1, "修復時の記録より短くなっています（行の削除）");
  return seg;
}

}  // namespace

struct AuditLog::Watermark {
  uint64_t seq = 0;  // the last line this object wrote; 0: none yet
  dev_t dev = 0;
  ino_t ino = 0;
};

AuditLog::AuditLog(std::filesystem::path path, std::string key)
    : path_(std::move(path)), key_(std::move(key)), mark_(std::make_shared<Watermark>()) {}

Result<std::string> LoadAuditKey(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) key.clear();
  if (key.size() < 32) {
    return MakeError(ErrorCode::kInvalidInput, "audit.key",
                     "監査ログの鍵ファイルを読めないか、32 バイト未満です: " + file.string());
  }
  return key;
}

// Whether the open trail `fd`, whose last line has sequence number `have`, still reaches what
// this object wrote. A repair starts a new file whose first line records the break: that is a
// continuation, even though its numbers may be lower.
Status AuditLog::Continues(int fd, uint64_t have) const {
  if (mark_->seq == 0 || have >= mark_->seq) return Status::Ok();
  struct stat st {};
  const bool same_file =
      ::fstat(fd, &st) == 0 && st.st_dev == mark_->dev && st.st_ino == mark_->ino;
  char head[512] = {};
  const ssize_t n = ::pread(fd, head, sizeof head - 1, 0);
  const std::string_view first(head, n > 0 ? static_cast<size_t>(n) : 0);
  const bool repaired =
      !same_file &&
      first.substr(0, first.find('\n')).find(std::string("\"action\":\"") + kRepairAction + "\"") !=
          std::string_view::npos;
  if (repaired) return Status::Ok();
  return MakeError(ErrorCode::kIo, "audit.truncated",
                   "監査ログが短くなっています（この処理は連番 " + std::to_string(mark_->seq) +
                       " まで書きましたが、ファイルは " + std::to_string(have) +
                       " で終わっています）。消去・切り詰めを調べ、控えの最後のハッシュと照合し"
                       "てから再起動してください: " +
                       path_.string());
}

Status AuditLog::Append(const AuditEvent& event, std::chrono::system_clock::time_point now) const {
  std::lock_guard<std::mutex> lock(AppendMutex());
  std::error_code ec;
  if (!path_.parent_path().empty()) std::filesystem::create_directories(path_.parent_path(), ec);
  const auto file = OpenLocked(path_, O_RDWR | O_CREAT | O_APPEND, LOCK_EX);
  if (!file)
    return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path_.string());
  auto end = ReadChainEnd(file->fd(), path_, key_);
  if (!end) return end.error();
  if (Status s = Continues(file->fd(), end->next_seq - 1); !s) return s;
  if (!WriteAll(file->fd(), MakeLine(event, now, *end, key_)))
    return MakeError(ErrorCode::kIo, "audit.write", "監査ログに書けません: " + path_.string());
  struct stat st {};
  if (::fstat(file->fd(), &st) == 0) {
    mark_->seq = end->next_seq;
    mark_->dev = st.st_dev;
    mark_->ino = st.st_ino;
  }
  return Status::Ok();
}

Status AuditLog::Check() const {
  // Before the file lock, as in Append: the same order everywhere.
  std::lock_guard<std::mutex> lock(AppendMutex());
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) {
    if (mark_->seq > 0) {
      return MakeError(ErrorCode::kIo, "audit.truncated",
                       "監査ログがありません（この処理は連番 " + std::to_string(mark_->seq) +
                           " まで書きました）: " + path_.string());
    }
    // Append creates the missing directories: the nearest existing one must be writable.
    fs::path dir = path_.parent_path().empty() ? fs::path(".") : path_.parent_path();
    while (!fs::exists(dir, ec) && dir.has_relative_path() && dir != dir.parent_path())
      dir = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
    if (::access(dir.c_str(), W_OK | X_OK) == 0) return Status::Ok();
    return MakeError(ErrorCode::kIo, "audit.open", "監査ログを作れません: " + path_.string());
  }
  const auto file = OpenLocked(path_, O_RDWR | O_APPEND, LOCK_SH);
  if (!file)
    return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path_.string());
  auto end = ReadChainEnd(file->fd(), path_, key_);
  if (!end) return end.error();
  return Continues(file->fd(), end->next_seq - 1);
}

Result<AuditVerification> VerifyAuditLog(const std::filesystem::path& path,
                                         const std::string& key) {
  AuditVerification v;
  Walk walk{key};
  auto seg = VerifySegment(path, std::nullopt, 0, v, walk);
  if (!seg) return seg.error();
  v.last_hash = seg->last_hash;
  // Without this, someone without the key could rewrite the whole trail as an unkeyed chain.
  if (!key.empty() && seg->intact && seg->line_count > 0 && !seg->last_keyed) {
    v.first_broken = seg->line_count;
    v.broken_file = path;
    v.reason = "鍵を指定しましたが、最後の行に鍵がありません（鍵なしでの書き換え）";
  }
  return v;
}

Result<AuditBreak> RepairAuditLog(const std::filesystem::path& path,
                                  std::chrono::system_clock::time_point now,
                                  const std::string& key) {
  std::lock_guard<std::mutex> lock(AppendMutex());
  const auto file = OpenLocked(path, O_RDWR, LOCK_EX);
  if (!file)
    return MakeError(ErrorCode::kIo, "audit.open", "監査ログを開けません: " + path.string());
  AuditVerification v;
  Walk walk{key};
  auto seg = VerifySegment(path, std::nullopt, 0, v, walk);
  if (!seg) return seg.error();
  if (key.empty() && walk.keyed_seen) {
    return MakeError(ErrorCode::kInvalidInput, "audit.key-mismatch",
                     "鍵付きの監査ログは --audit-key を指定して修復してください: " + path.string());
  }
  if (seg->intact && (seg->line_count == 0 || seg->last_keyed == !key.empty())) {
    return MakeError(ErrorCode::kInvalidInput, "audit.repair.not-needed",
                     "監査ログは壊れていません（修復は不要です）: " + path.string());
  }
  if (seg->intact) v.reason = "鍵付きの連鎖に切り替え";
  auto tail = TailDigest(path, seg->end_offset);
  if (!tail) return tail.error();
  AuditBreak b;
  b.last_good_seq = seg->last_seq;
  b.last_good_hash = seg->last_hash;
  b.broken_bytes = tail->first;
  b.broken_sha256 = tail->second;
  b.time = IsoTime(now);
  std::error_code ec;
  fs::path aside;
  for (int n = 1;; ++n) {
    aside = path.string() + "." + std::to_string(n);
    if (!fs::exists(aside, ec)) break;
  }
  b.file = aside.filename().string();
  // A hard link, then an atomic rename over `path`: at no moment is there no audit file, so a
  // server appending meanwhile never starts a fresh chain at the genesis.
  if (::link(path.c_str(), aside.c_str()) != 0) {
    return MakeError(ErrorCode::kIo, "audit.repair",
                     "壊れた監査ログを退避できません: " + aside.string());
  }
  const AuditEvent event{kRepairAction,
                         "(cli)",
                         "local",
                         {{"previous_file", b.file},
                          {"last_good_seq", std::to_string(b.last_good_seq)},
                          {"last_good_hash", b.last_good_hash},
                          {"broken_bytes", std::to_string(b.broken_bytes)},
                          {"broken_sha256", b.broken_sha256},
                          {"broken_line", std::to_string(v.first_broken)},
                          {"reason", v.reason}}};
  const std::string line =
      MakeLine(event, now, ChainEnd{b.last_good_hash, b.last_good_seq + 1}, key);
  if (Status s = core::WriteFileAtomically(path, line, ".repair", 0600); !s) {
    return MakeError(ErrorCode::kIo, "audit.repair",
                     "新しい監査ログを書けません: " + path.string());
  }
  return b;
}

}  // namespace yuimaru::access
