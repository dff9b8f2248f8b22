// `yuimaru serve-shard` as a process: a region's view at one clearance, served by a real
// xapian-tcpsrv to a national Searcher in this process, through a re-index of the region.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "indexer/indexer.h"
#include "search/search.h"
#include "tests/support/command.h"
#include "tests/support/tcpsrv.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

// A document; a 公開 one passes the publication gate (no type, 公開承認済) so that 公開 reads it.
std::string Doc(const std::string& id, const std::string& confidentiality,
                const std::string& body) {
  return "---\ndoc_id: " + id + "\ntitle: 泡盛の事例\nconfidentiality: " + confidentiality +
         (confidentiality == "公開" ? "\nstatus: 公開承認済" : "") + "\n---\n\n" + body + "\n";
}

CommandResult Index(const std::filesystem::path& db, const std::filesystem::path& src) {
  return Yuimaru({"index", "--db", db.string(), src.string()});
}

// The ids a search for 泡盛 finds through `view`.
std::vector<std::string> Found(const search::SearchView& view, search::SearchResponse* out) {
  search::SearchRequest request;
  request.query = "泡盛";
  auto r = view.Run(request);
  INFO((r ? "" : r.error().ToString()));
  REQUIRE(r);
  std::vector<std::string> ids;
  for (const auto& h : r->hits) ids.push_back(h.id);
  std::sort(ids.begin(), ids.end());
  if (out) *out = *r;
  return ids;
}

// Starts `yuimaru serve-shard` of `db` at `clearance` on `port`, with `more` flags, and returns
// once its xapian-tcpsrv listens.
Child StartShard(const std::filesystem::path& db, const std::string& clearance, int port,
                 const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {YUIMARU_BINARY, "serve-shard", "--db",   db.string(),
                                   "--clearance",  clearance,     "--port", std::to_string(port)};
  args.insert(args.end(), more.begin(), more.end());
  Child shard = StartChild(args, "Listening...");
  INFO(shard.Said());
  REQUIRE(shard.running());
  return shard;
}

// The remote shard 宮古 on `port` of loopback.
search::ShardSet Miyako(int port) {
  search::ShardSet shards;
  REQUIRE(search::AddShard("宮古=tcp://127.0.0.1:" + std::to_string(port), false, &shards));
  return shards;
}

}  // namespace

TEST_CASE(
    "serve-shard: serves one clearance, follows a re-index under running searches, "
    "lets go of the old files",
    "[disk][remote][shards]") {
  TempDir t;
  WriteFile(t / "main/a.md", Doc("OK-1", "公開", "本島の泡盛。"));
  // 公開, with a passage for 内部 readers: the 公開 shard has only the 公開 wording.
  WriteFile(t / "region/b.md", Doc("MY-1", "公開",
                                   "宮古の泡盛。\n\n<!-- private:begin level=\"内部\" -->\n\n"
                                   "仕込みの秘話。\n\n<!-- private:end -->"));
  // Read at 内部 and above only: the 公開 shard must never send it.
  WriteFile(t / "region/c.md", Doc("MY-2", "内部", "宮古の泡盛、内部の話。"));
  REQUIRE(Index(t / "main-db", t / "main").exit_code == 0);
  REQUIRE(Index(t / "region-db", t / "region").exit_code == 0);

  const int port = FreePort();
  Child shard = StartShard(t / "region-db", "公開", port, {"--drain-ms", "300"});
  const search::ShardSet shards = Miyako(port);
  auto national = search::Searcher::Open(t / "main-db", shards);
  REQUIRE(national);
  // Whatever clearance the national view reads at, the region's 内部 document does not come.
  for (const auto c : {search::Clearance::kPublic, search::Clearance::kConfidential}) {
    auto view = national->View(c);
    REQUIRE(view);
    search::SearchResponse r;
    CHECK(Found(*view, &r) == std::vector<std::string>{"MY-1", "OK-1"});
    CHECK(r.shards_answered == std::vector<std::string>{"宮古"});
    // The region's 内部 wording is not in what its shard serves.
    search::SearchRequest secret;
    secret.query = "秘話";
    auto s = view->Run(secret);
    REQUIRE(s);
    CHECK(s->total == 0);
    auto record = view->Document("MY-1");
    REQUIRE(record);
    CHECK(record->markdown.find("秘話") == std::string::npos);
    CHECK_FALSE(view->Document("MY-2"));
  }

  // Searches run without pause while the region indexes a new document; each one answers with
  // the shard, and the new document appears once the shard has switched.
  std::atomic<bool> stop{false}, failed{false};
  std::atomic<int> searches{0}, degraded{0};
  std::string failure;  // written once, before `failed`
  std::thread searching([&] {
    auto own = search::Searcher::Open(t / "main-db", shards);
    if (!own) {
      failure = own.error().ToString();
      failed = true;
      return;
    }
    while (!stop) {
      auto view = own->View(search::Clearance::kPublic);
      if (!view) {
        failure = view.error().ToString();
        failed = true;
        return;
      }
      search::SearchRequest request;
      request.query = "泡盛";
      auto r = view->Run(request);
      if (!r) {
        failure = r.error().ToString();
        failed = true;
        return;
      }
      degraded += !r->shards_missing.empty();
      ++searches;
    }
  });
  WriteFile(t / "region/d.md", Doc("MY-3", "公開", "宮古の泡盛、新しい事例。"));
  REQUIRE(Index(t / "region-db", t / "region").exit_code == 0);
  auto view = national->View(search::Clearance::kPublic);
  REQUIRE(view);
  // Until the switch, the old generation answers (no time bound here: ctest's stops a hang).
  while (Found(*view, nullptr) != std::vector<std::string>{"MY-1", "MY-3", "OK-1"}) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    view = national->View(search::Clearance::kPublic);
    REQUIRE(view);
  }
  // The searching thread went on through the switch and past the drain.
  const auto old = indexer::WaitForOldGenerationHolders(t / "region-db", std::chrono::seconds(15));
  const int after_switch = searches.load();
  while (searches.load() < after_switch + 5 && !failed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  searching.join();
  INFO(failure);
  CHECK_FALSE(failed);
  CHECK(degraded.load() == 0);
  // No process holds the old generation's files once the drain is over.
  std::string holders;
  for (const auto& h : old)
    holders += std::to_string(h.pid) + " " + h.command + " " + h.file + "\n";
  INFO(holders);
  CHECK(old.empty());
  CHECK(shard.Said().find("に切り替えました") != std::string::npos);

  // SIGTERM stops the shard and its xapian-tcpsrv: the port no longer answers.
  shard.Signal(SIGTERM);
  const int status = shard.Wait();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  auto gone = national->View(search::Clearance::kPublic);
  REQUIRE(gone);
  search::SearchResponse r;
  CHECK(Found(*gone, &r) == std::vector<std::string>{"OK-1"});
  CHECK(r.shards_missing == std::vector<std::string>{"宮古"});
}

TEST_CASE("serve-shard: a region serving 内部 joins the national views at 内部 and 機密 only",
          "[disk][remote][shards]") {
  TempDir t;
  WriteFile(t / "main/a.md", Doc("OK-1", "公開", "本島の泡盛。"));
  WriteFile(t / "region/b.md", Doc("MY-1", "公開", "宮古の泡盛。"));
  WriteFile(t / "region/c.md", Doc("MY-2", "内部", "宮古の泡盛、内部の話。"));
  REQUIRE(Index(t / "main-db", t / "main").exit_code == 0);
  REQUIRE(Index(t / "region-db", t / "region").exit_code == 0);
  const int port = FreePort();
  Child shard = StartShard(t / "region-db", "内部", port);
  auto national = search::Searcher::Open(t / "main-db", Miyako(port));
  REQUIRE(national);
  search::SearchResponse r;
  // At 公開 (an anonymous reader of the national server): nothing of the region, whose 内部
  // view holds text 公開 may not read; it is not missing either, just not part of this view.
  CHECK(Found(*national->View(search::Clearance::kPublic), &r) == std::vector<std::string>{"OK-1"});
  CHECK(r.shards_answered.empty());
  CHECK(r.shards_missing.empty());
  for (const auto c : {search::Clearance::kInternal, search::Clearance::kConfidential}) {
    CHECK(Found(*national->View(c), &r) == std::vector<std::string>{"MY-1", "MY-2", "OK-1"});
    CHECK(r.shards_answered == std::vector<std::string>{"宮古"});
  }
}

TEST_CASE("serve-shard: refuses a missing clearance and an unprotected non-loopback address",
          "[disk][shards]") {
  TempDir t;
  WriteFile(t / "region/b.md", Doc("MY-1", "公開", "宮古の泡盛。"));
  REQUIRE(Index(t / "db", t / "region").exit_code == 0);
  const std::string db = (t / "db").string();
  const CommandResult no_clearance = Yuimaru({"serve-shard", "--db", db, "--port", "7001"});
  CHECK(no_clearance.exit_code == 2);
  CHECK(no_clearance.err.find("--clearance") != std::string::npos);
  const CommandResult bad_clearance =
      Yuimaru({"serve-shard", "--db", db, "--port", "7001", "--clearance", "全部"});
  CHECK(bad_clearance.exit_code == 2);
  for (const char* bind : {"0.0.0.0", "192.0.2.1", "10.0.0.5"}) {
    INFO(bind);
    const CommandResult far = Yuimaru(
        {"serve-shard", "--db", db, "--port", "7001", "--clearance", "公開", "--bind", bind});
    CHECK(far.exit_code == 2);
    CHECK(far.err.find("--link-protected") != std::string::npos);
  }
  // Xapian 1.4 listens on IPv4 only.
  const CommandResult v6 = Yuimaru(
      {"serve-shard", "--db", db, "--port", "7001", "--clearance", "公開", "--bind", "::1"});
  CHECK(v6.exit_code == 2);
  CHECK(v6.err.find("IPv4") != std::string::npos);
}

}  // namespace yuimaru::testing
