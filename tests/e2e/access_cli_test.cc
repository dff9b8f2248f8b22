// `yuimaru user` and `yuimaru audit verify` with the real binary.
#include <catch2/catch.hpp>
#include <fstream>

#include "access/access.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

CommandResult User(const std::vector<std::string>& args, const std::string& input = "") {
  std::vector<std::string> all = {YUIMARU_BINARY, "user"};
  all.insert(all.end(), args.begin(), args.end());
  return RunCommand(all, input);
}

TEST_CASE("yuimaru user: add with a password on stdin, list, disable; every change audited",
          "[access][cli]") {
  TempDir t;
  const std::string users = (t / "users.json").string(), audit = (t / "audit.jsonl").string();
  const CommandResult add = User({"add", "--users", users, "--audit", audit, "--name", "K-07",
                                  "--role", "コンサルタント", "--clearance", "内部", "k07"},
                                 "correct horse battery\n");
  INFO(add.out << add.err);
  REQUIRE(add.exit_code == 0);
  CHECK(User({"add", "--users", users, "k08"}, "short\n").exit_code == 2);
  CHECK(User({"add", "--users", users, "--role", "root", "k09"}, "long enough password\n")
            .exit_code == 2);
  const CommandResult gen =
      User({"add", "--users", users, "--audit", audit, "--generate-password", "s01"});
  REQUIRE(gen.exit_code == 0);
  const std::string printed = gen.out.substr(gen.out.rfind(' ') + 1);
  const std::string generated = printed.substr(0, printed.find('\n'));
  CHECK(generated.size() == 18);

  auto roster = access::Roster::Load(users);
  REQUIRE(roster);
  REQUIRE(roster->Find("k07"));
  CHECK(roster->Find("k07")->clearance == core::Clearance::kInternal);
  CHECK(access::VerifyPassword(roster->Find("k07")->password_hash, "correct horse battery"));
  CHECK(access::VerifyPassword(roster->Find("s01")->password_hash, generated));
  CHECK(roster->Find("s01")->clearance == core::Clearance::kPublic);  // least privilege

  REQUIRE(User({"disable", "--users", users, "--audit", audit, "k07"}).exit_code == 0);
  const CommandResult list = User({"list", "--users", users});
  CHECK(list.out.find("k07") != std::string::npos);
  CHECK(list.out.find("停止中") != std::string::npos);
  CHECK(list.out.find("$argon2id") == std::string::npos);
  CHECK(User({"disable", "--users", users, "nobody"}).exit_code == 2);

  // Neither password is anywhere in the audit trail; the trail verifies.
  std::ifstream in(audit);
  const std::string trail((std::istreambuf_iterator<char>(in)), {});
  CHECK(trail.find("correct horse") == std::string::npos);
  CHECK(trail.find(generated) == std::string::npos);
  CHECK(trail.find("\"action\":\"user-add\"") != std::string::npos);
  CHECK(trail.find("\"action\":\"user-disable\"") != std::string::npos);
  const CommandResult ok = Yuimaru({"audit", "verify", audit});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("3 行") != std::string::npos);

  std::string tampered = trail;
  tampered.replace(tampered.find("user-disable"), 12, "user-enable!");
  WriteFile(t / "audit.jsonl", tampered);
  const CommandResult bad = Yuimaru({"audit", "verify", audit});
  CHECK(bad.exit_code == 3);
  CHECK(bad.out.find("audit.jsonl:3: audit.chain-broken") != std::string::npos);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("yuimaru anonymize: a copy with ids for names, the original untouched, leftovers named",
          "[pii][cli]") {
  TempDir t;
  WriteFile(t / "map.tsv", "# 実名\tID\n山城酒造\tC-0123\n比嘉 花子\tK-07\n");
  const std::string memo =
      "---\ndoc_id: VM-2024-9001\ntitle: 山城酒造 訪問\n---\n\n"
      "比嘉花子が山城酒造を訪問した。\n";
  WriteFile(t / "in/a.md", memo);
  WriteFile(t / "in/sub/b.md", memo + "連絡先 098-123-4567\n");
  const CommandResult r = Yuimaru(
      {"anonymize", "--map", (t / "map.tsv").string(), (t / "in").string(), (t / "out").string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);  // b.md still has a phone number
  CHECK(r.out.find("2 ファイル、6 箇所を置換、要確認 1 箇所") != std::string::npos);
  CHECK(r.err.find("b.md:7:5: pii/phone:") != std::string::npos);
  std::ifstream a(t / "out/a.md");
  const std::string out((std::istreambuf_iterator<char>(a)), {});
  CHECK(out.find("title: C-0123 訪問") != std::string::npos);
  CHECK(out.find("K-07がC-0123を訪問した。") != std::string::npos);
  CHECK(out.find("山城") == std::string::npos);
  std::ifstream orig(t / "in/a.md");
  CHECK(std::string((std::istreambuf_iterator<char>(orig)), {}) == memo);
  // The anonymized copy indexes; the original is refused once the names are in the deny-list.
  WriteFile(t / "deny.txt", "山城酒造\n比嘉 花子\n");
  CHECK(Yuimaru({"index", "--db", (t / "db").string(), "--deny-list", (t / "deny.txt").string(),
                 (t / "out/a.md").string()})
            .exit_code == 0);
  CHECK(Yuimaru({"lint", "--deny-list", (t / "deny.txt").string(), (t / "in/a.md").string()})
            .exit_code == 3);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("yuimaru serve: says at start-up that the audit trail is broken", "[access][cli][http]") {
  TempDir t;
  const std::string db = (t / "db").string();
  REQUIRE(Yuimaru({"index", "--db", db, (SourceDir() / "corpus/cases").string()}).exit_code == 0);
  WriteFile(t / "db/audit.jsonl", "{\"seq\":1,\"ti");
  // SIGINT after a few seconds stops the server; the warning is printed before it listens.
  const CommandResult serve = RunCommand({"/usr/bin/timeout", "-s", "INT", "5", YUIMARU_BINARY,
                                          "serve", "--db", db, "--port", "0", "--allow-anonymous"});
  INFO(serve.out << serve.err);
  CHECK(serve.err.find("audit.chain-broken") != std::string::npos);
  CHECK(serve.err.find("yuimaru audit repair") != std::string::npos);
}

TEST_CASE("yuimaru audit repair: a torn trail gets a linked segment; verify shows the break",
          "[access][cli]") {
  TempDir t;
  const std::string users = (t / "users.json").string(), audit = (t / "audit.jsonl").string();
  REQUIRE(
      User({"add", "--users", users, "--audit", audit, "--generate-password", "k07"}).exit_code ==
      0);
  WriteFile(audit, ReadFile(audit) + "{\"seq\":2");
  CHECK(User({"disable", "--users", users, "--audit", audit, "k07"}).exit_code == 1);
  const CommandResult broken = Yuimaru({"audit", "verify", audit});
  CHECK(broken.exit_code == 3);
  CHECK(broken.out.find("audit.jsonl:2: audit.chain-broken") != std::string::npos);
  const CommandResult repair = Yuimaru({"audit", "repair", audit});
  INFO(repair.out << repair.err);
  REQUIRE(repair.exit_code == 0);
  CHECK(repair.out.find("audit.jsonl.1") != std::string::npos);
  CHECK(User({"disable", "--users", users, "--audit", audit, "k07"}).exit_code == 0);
  const CommandResult ok = Yuimaru({"audit", "verify", audit});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("audit.jsonl.1: 注意: 通し番号 1 の後が壊れていた") != std::string::npos);
  CHECK(ok.out.find("ハッシュ連鎖は正常です") != std::string::npos);
  CHECK(Yuimaru({"audit", "repair", audit}).out.find("修復は不要です") != std::string::npos);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("yuimaru user: every change is audited to DB/audit.jsonl without --audit",
          "[access][cli]") {
  TempDir t;
  const std::string db = (t / "db").string();
  REQUIRE(User({"add", "--db", db, "--generate-password", "k07"}).exit_code == 0);
  REQUIRE(User({"passwd", "--db", db, "k07"}, "another long password\n").exit_code == 0);
  REQUIRE(User({"disable", "--db", db, "k07"}).exit_code == 0);
  REQUIRE(User({"enable", "--users", (t / "db/users.json").string(), "k07"}).exit_code == 0);
  const std::string trail = ReadFile(t / "db/audit.jsonl");
  for (const char* action : {"user-add", "user-passwd", "user-disable", "user-enable"}) {
    INFO(action);
    CHECK(trail.find("\"action\":\"" + std::string(action) + "\"") != std::string::npos);
  }
  CHECK(Yuimaru({"audit", "verify", "--db", db}).exit_code == 0);
  // A trail that cannot record the change refuses it: the roster stays as it was.
  WriteFile(t / "db/audit.jsonl", trail + "{\"seq\"");
  const std::string before = ReadFile(t / "db/users.json");
  CHECK(User({"disable", "--db", db, "k07"}).exit_code == 1);
  CHECK(ReadFile(t / "db/users.json") == before);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("yuimaru audit --audit-key: a keyed trail verifies only with its key, kept off DB",
          "[access][cli]") {
  TempDir t, keys;
  const std::string db = (t / "db").string(), key = (keys / "audit.key").string();
  WriteFile(key, std::string(32, 'q'));
  REQUIRE(User({"add", "--db", db, "--audit-key", key, "--generate-password", "k07"}).exit_code ==
          0);
  REQUIRE(User({"disable", "--db", db, "--audit-key", key, "k07"}).exit_code == 0);
  CHECK(User({"enable", "--db", db, "k07"}).exit_code == 1);  // an unkeyed writer is refused
  CHECK(Yuimaru({"audit", "verify", "--db", db, "--audit-key", key}).exit_code == 0);
  const CommandResult unkeyed = Yuimaru({"audit", "verify", "--db", db});
  CHECK(unkeyed.exit_code == 3);
  CHECK(unkeyed.out.find("--audit-key") != std::string::npos);
  // A key beside the trail protects nothing.
  WriteFile(t / "db/audit.key", std::string(32, 'q'));
  CHECK(Yuimaru({"audit", "verify", "--db", db, "--audit-key", (t / "db/audit.key").string()})
            .exit_code == 2);
}

}  // namespace
}  // namespace yuimaru::testing
