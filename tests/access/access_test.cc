// The handler roster and the audit chain, on files in a temporary directory.
#include "access/access.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

using access::Role;
using core::Clearance;
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("roster: add, verify, change password, disable; saved without the password", "[access]") {
  TempDir t;
  const auto path = t / "users.json";
  auto roster = access::Roster::Load(path);
  REQUIRE(roster);
  CHECK(roster->users().empty());
  access::User u;
  u.id = "higa.k";
  u.name = "比嘉（K-07）";
  u.role = Role::kConsultant;
  u.clearance = Clearance::kInternal;
  REQUIRE(roster->Add(u, "ゆいまーる-支援-2026", kNow));
  CHECK(roster->Add(u, "another-password-1", kNow).error().rule == "user.exists");
  access::User bad = u;
  bad.id = "Has Space";
  CHECK(roster->Add(bad, "another-password-1", kNow).error().rule == "user.id.invalid");
  bad.id = "short.pw";
  CHECK(roster->Add(bad, "tooshort", kNow).error().rule == "user.password.weak");
  REQUIRE(roster->Save(path));

  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);  // owner only
  const std::string text = Slurp(path);
  CHECK(text.find("ゆいまーる-支援-2026") == std::string::npos);
  CHECK(text.find("$argon2id$") != std::string::npos);

  auto loaded = access::Roster::Load(path);
  REQUIRE(loaded);
  const access::User* found = loaded->Find("higa.k");
  REQUIRE(found);
  CHECK(found->name == "比嘉（K-07）");
  CHECK(found->role == Role::kConsultant);
  CHECK(found->clearance == Clearance::kInternal);
  CHECK(access::VerifyPassword(found->password_hash, "ゆいまーる-支援-2026"));
  CHECK_FALSE(access::VerifyPassword(found->password_hash, "ゆいまーる-支援-2025"));
  CHECK_FALSE(access::VerifyPassword("not a hash", "ゆいまーる-支援-2026"));

  REQUIRE(loaded->SetPassword("higa.k", "new-password-for-k07", kNow));
  CHECK(access::VerifyPassword(loaded->Find("higa.k")->password_hash, "new-password-for-k07"));
  CHECK_FALSE(
      access::VerifyPassword(loaded->Find("higa.k")->password_hash, "ゆいまーる-支援-2026"));
  REQUIRE(loaded->SetDisabled("higa.k", true, kNow));
  CHECK(loaded->Find("higa.k")->disabled);
  CHECK(loaded->SetDisabled("nobody", true, kNow).error().rule == "user.unknown");
}

TEST_CASE("roster: a malformed file is an error, not an empty roster", "[access]") {
  TempDir t;
  WriteFile(t / "users.json", "{\"users\": [ {\"id\": 3} ");
  auto r = access::Roster::Load(t / "users.json");
  REQUIRE_FALSE(r);
  CHECK(r.error().rule == "roster.format");
  // Well-formed JSON with a field of the wrong type: an error too, not an exception.
  WriteFile(t / "users.json",
            "{\"users\": [{\"id\": \"k07\", \"role\": \"閲覧者\", \"clearance\": \"公開\", "
            "\"disabled\": \"no\"}]}");
  auto typed = access::Roster::Load(t / "users.json");
  REQUIRE_FALSE(typed);
  CHECK(typed.error().rule == "roster.format");
}

TEST_CASE("roles and passwords: labels round-trip, random tokens differ", "[access]") {
  for (Role r : {Role::kViewer, Role::kConsultant, Role::kSecretariat, Role::kAdmin}) {
    CHECK(access::ParseRole(access::RoleLabel(r)) == r);
  }
  CHECK(access::ParseRole("admin") == Role::kAdmin);
  CHECK_FALSE(access::ParseRole("root"));
  const std::string a = access::RandomHex(32), b = access::RandomHex(32);
  CHECK(a.size() == 64);
  CHECK(a != b);
  CHECK(access::CheckPasswordPolicy("１２文字のパスワードです。"));
}

std::vector<std::string> Lines(const std::filesystem::path& p) {
  std::vector<std::string> lines;
  std::ifstream in(p);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

void WriteLines(const std::filesystem::path& p, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  WriteFile(p, text);
}

TEST_CASE("audit: a chained log verifies; editing, deleting or reordering names the line",
          "[access]") {
  TempDir t;
  const auto path = t / "audit.jsonl";
  access::AuditLog log(path);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(log.Append({"search",
                        "higa.k",
                        "127.0.0.1",
                        {{"query", "事業承継 " + std::to_string(i)}, {"results", "3"}}},
                       kNow));
  }
  auto ok = access::VerifyAuditLog(path);
  REQUIRE(ok);
  CHECK(ok->lines == 5);
  CHECK(ok->first_broken == 0);
  CHECK(ok->last_hash.size() == 64);
  const auto lines = Lines(path);
  REQUIRE(lines.size() == 5);
  CHECK(lines[2].find("\"query\":\"事業承継 2\"") != std::string::npos);
  CHECK(lines[0].find("\"prev\":\"000000") != std::string::npos);

  SECTION("an edited field") {
    auto edited = lines;
    const size_t at = edited[2].find("事業承継 2");
    edited[2].replace(at, std::string("事業承継 2").size(), "事業承継 9");
    WriteLines(path, edited);
    auto v = access::VerifyAuditLog(path);
    REQUIRE(v);
    CHECK(v->first_broken == 3);
  }
  SECTION("a deleted line") {
    auto cut = lines;
    cut.erase(cut.begin() + 1);
    WriteLines(path, cut);
    CHECK(access::VerifyAuditLog(path)->first_broken == 2);
  }
  SECTION("two lines swapped") {
    auto swapped = lines;
    std::swap(swapped[3], swapped[4]);
    WriteLines(path, swapped);
    CHECK(access::VerifyAuditLog(path)->first_broken == 4);
  }
  SECTION("a line that is not JSON") {
    auto junk = lines;
    junk.insert(junk.begin() + 4, "garbage");
    WriteLines(path, junk);
    CHECK(access::VerifyAuditLog(path)->first_broken == 5);
  }
  SECTION("appending after verification continues the chain") {
    REQUIRE(log.Append({"logout", "higa.k", "127.0.0.1", {}}, kNow));
    auto v = access::VerifyAuditLog(path);
    CHECK(v->lines == 6);
    CHECK(v->first_broken == 0);
    CHECK(v->last_hash != ok->last_hash);
  }
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("audit: hostile fields neither break the chain nor block later writes", "[access]") {
  TempDir t;
  const auto path = t / "audit.jsonl";
  access::AuditLog log(path);
  const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
  // A login id cut in the middle of a character, and fields named like the line's own keys.
  REQUIRE(log.Append(
      {"login-failed", "比嘉\xe5\x95", "10.0.0.5", {{"user", "admin"}, {"seq", "1"}}}, kNow));
  REQUIRE(log.Append({"login", "k07", "10.0.0.5", {}}, kNow));  // not blocked by the first
  auto v = access::VerifyAuditLog(path);
  REQUIRE(v);
  CHECK(v->first_broken == 0);
  CHECK(v->lines == 2);
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  CHECK(first.find("\"user\":\"比嘉\xef\xbf\xbd\"") != std::string::npos);  // U+FFFD
  CHECK(first.find("\"field_user\":\"admin\"") != std::string::npos);
  CHECK(first.find("\"seq\":1,") != std::string::npos);

  SECTION("a wrong type is a broken line, not a crash") {
    WriteFile(path, "{\"seq\":\"1\",\"prev\":1,\"hash\":[]}\n");
    auto bad = access::VerifyAuditLog(path);
    REQUIRE(bad);
    CHECK(bad->first_broken == 1);
  }
  SECTION("a torn last line stops appending instead of starting a new chain") {
    std::ofstream(path, std::ios::app) << "{\"seq\":3,\"ti";
    auto s = log.Append({"logout", "k07", "10.0.0.5", {}}, kNow);
    REQUIRE_FALSE(s);
    CHECK(s.error().rule == "audit.chain-broken");
  }
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

const auto kThen = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));

std::filesystem::path ChainOfThree(const TempDir& t) {
  const auto path = t / "audit.jsonl";
  access::AuditLog log(path);
  for (const char* user : {"k07", "k08", "k09"}) {
    REQUIRE(log.Append({"search", user, "10.0.0.5", {{"query", "補助金"}}}, kThen));
  }
  return path;
}

TEST_CASE("audit: verify binds the bytes on disk; a duplicated key or another spelling is broken",
          "[access]") {
  TempDir t;
  const auto path = ChainOfThree(t);
  const auto lines = Lines(path);
  auto [from, to, why] = GENERATE(table<std::string, std::string, std::string>({
      // A first-wins reader would see "admin"; the last value is what the old check hashed.
      {"\"user\":\"k08\"", "\"user\":\"admin\",\"user\":\"k08\"", "duplicate key"},
      {"\"query\":\"補助金\"", "\"query\":\"\\u88dc助金\"", "escaped spelling"},
      {"\"action\":\"search\"", "\"action\": \"search\"", "extra space"},
  }));
  INFO(why);
  auto edited = lines;
  edited[1].replace(edited[1].find(from), from.size(), to);
  WriteLines(path, edited);
  auto v = access::VerifyAuditLog(path);
  REQUIRE(v);
  CHECK(v->first_broken == 2);
}

TEST_CASE("audit: a last line without its newline is torn; Check and Append refuse it",
          "[access]") {
  TempDir t;
  const auto path = ChainOfThree(t);
  access::AuditLog log(path);
  CHECK(log.Check());
  std::string text = ReadFile(path);
  text.pop_back();  // the final newline
  WriteFile(path, text);
  CHECK(access::VerifyAuditLog(path)->first_broken == 3);
  const Status check = log.Check();
  REQUIRE_FALSE(check);
  CHECK(check.error().rule == "audit.chain-broken");
  CHECK_FALSE(log.Append({"logout", "k07", "10.0.0.5", {}}, kThen));
  CHECK(ReadFile(path) == text);  // nothing glued onto the last line
}

TEST_CASE("audit: repair keeps the broken bytes as an earlier segment and links a new one",
          "[access]") {
  TempDir t;
  const auto path = ChainOfThree(t);
  const auto intact = access::VerifyAuditLog(path);
  REQUIRE(intact);
  const std::string good = ReadFile(path);
  const std::string torn = "{\"seq\":4,\"time\":\"2026-";
  WriteFile(path, good + torn);
  access::AuditLog log(path);
  REQUIRE_FALSE(log.Check());

  auto repaired = access::RepairAuditLog(path, kThen);
  REQUIRE(repaired);
  CHECK(repaired->file == "audit.jsonl.1");
  CHECK(repaired->last_good_seq == 3);
  CHECK(repaired->last_good_hash == intact->last_hash);
  CHECK(repaired->broken_bytes == torn.size());
  CHECK(ReadFile(t / "audit.jsonl.1") == good + torn);  // every byte kept
  CHECK(log.Check());
  REQUIRE(log.Append({"search", "k07", "10.0.0.5", {}}, kThen));

  auto v = access::VerifyAuditLog(path);
  REQUIRE(v);
  CHECK(v->first_broken == 0);
  REQUIRE(v->breaks.size() == 1);
  CHECK(v->breaks[0].file == "audit.jsonl.1");
  CHECK(v->breaks[0].last_good_seq == 3);
  const auto lines = Lines(path);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find("\"seq\":4,") != std::string::npos);
  CHECK(lines[0].find("\"action\":\"audit-repair\"") != std::string::npos);
  CHECK(lines[1].find("\"seq\":5,") != std::string::npos);

  SECTION("an intact trail needs no repair") {
    auto again = access::RepairAuditLog(path, kThen);
    REQUIRE_FALSE(again);
    CHECK(again.error().rule == "audit.repair.not-needed");
  }
  SECTION("editing the earlier segment breaks the link") {
    WriteFile(t / "audit.jsonl.1", good + "{\"seq\":4,\"time\":\"2027-");
    auto bad = access::VerifyAuditLog(path);
    REQUIRE(bad);
    CHECK(bad->first_broken == 1);
    CHECK(bad->broken_file == path);
  }
  SECTION("editing a good line of the earlier segment is found there") {
    std::string edited = good + torn;
    edited.replace(edited.find("k08"), 3, "k18");
    WriteFile(t / "audit.jsonl.1", edited);
    auto bad = access::VerifyAuditLog(path);
    REQUIRE(bad);
    CHECK(bad->first_broken == 2);
    CHECK(bad->broken_file == t / "audit.jsonl.1");
  }
  SECTION("a second repair links to the first") {
    WriteFile(path, ReadFile(path) + "x");
    auto second = access::RepairAuditLog(path, kThen);
    REQUIRE(second);
    CHECK(second->file == "audit.jsonl.2");
    CHECK(second->last_good_seq == 5);
    auto v2 = access::VerifyAuditLog(path);
    REQUIRE(v2);
    CHECK(v2->first_broken == 0);
    CHECK(v2->breaks.size() == 2);
  }
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("audit: a keyed chain cannot be rewritten without the key", "[access]") {
  TempDir t;
  const auto path = t / "audit.jsonl";
  const std::string key(32, 'k');
  access::AuditLog log(path, key);
  for (const char* user : {"k07", "k08", "k09"})
    REQUIRE(log.Append({"search", user, "10.0.0.5", {}}, kThen));
  auto keyed = access::VerifyAuditLog(path, key);
  REQUIRE(keyed);
  CHECK(keyed->first_broken == 0);
  CHECK(keyed->lines == 3);
  // Without the key the lines do not verify, and say why.
  auto unkeyed = access::VerifyAuditLog(path);
  REQUIRE(unkeyed);
  CHECK(unkeyed->first_broken == 1);
  CHECK(unkeyed->reason.find("--audit-key") != std::string::npos);
  CHECK(access::VerifyAuditLog(path, std::string(32, 'x'))->first_broken == 1);
  // An unkeyed writer cannot append to it, and a keyed one cannot append to an unkeyed trail.
  CHECK(access::AuditLog(path).Append({"logout", "k07", "10.0.0.5", {}}, kThen).error().rule ==
        "audit.key-mismatch");

  SECTION("a writer without the key rewrites the whole trail: the key finds it") {
    std::filesystem::remove(path);
    access::AuditLog forger(path);
    for (const char* user : {"k07", "k08", "k09"})
      REQUIRE(forger.Append({"search", user, "10.0.0.5", {}}, kThen));
    auto v = access::VerifyAuditLog(path, key);
    REQUIRE(v);
    CHECK(v->first_broken != 0);
  }
  SECTION("an unkeyed trail switches to a key by a repair that links the old segment") {
    const auto plain = t / "plain.jsonl";
    REQUIRE(access::AuditLog(plain).Append({"search", "k07", "10.0.0.5", {}}, kThen));
    access::AuditLog keyed_plain(plain, key);
    CHECK_FALSE(keyed_plain.Check());
    REQUIRE(access::RepairAuditLog(plain, kThen, key));
    REQUIRE(keyed_plain.Append({"search", "k08", "10.0.0.5", {}}, kThen));
    auto v = access::VerifyAuditLog(plain, key);
    REQUIRE(v);
    CHECK(v->first_broken == 0);
    CHECK(v->breaks.size() == 1);
  }
  SECTION("a key file must hold at least 32 bytes") {
    WriteFile(t / "short.key", "too short");
    CHECK(access::LoadAuditKey(t / "short.key").error().rule == "audit.key");
    WriteFile(t / "good.key", std::string(48, 'z'));
    CHECK(*access::LoadAuditKey(t / "good.key") == std::string(48, 'z'));
  }
}

}  // namespace
}  // namespace yuimaru::testing
