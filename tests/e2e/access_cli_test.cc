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
