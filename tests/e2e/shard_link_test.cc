// The protected link of docs/regions.md, set up as written: a region's serve-shard on loopback
// behind a stunnel server that asks for the national certificate, and a stunnel client on the
// national side; a client with another certificate, or none, gets nothing.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "search/search.h"
#include "tests/support/command.h"
#include "tests/support/tcpsrv.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

namespace fs = std::filesystem;

// A self-signed certificate and its key: DIR/NAME.pem, DIR/NAME.key.
void MakeCertificate(const fs::path& dir, const std::string& name) {
  const CommandResult r = RunCommand(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-keyout",
       (dir / (name + ".key")).string(), "-out", (dir / (name + ".pem")).string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// Starts stunnel in the foreground with `config` (the options of docs/regions.md).
Child StartStunnel(const fs::path& file, const std::string& config) {
  WriteFile(file, "foreground = yes\npid =\n" + config);
  Child c = StartChild({"stunnel", file.string()}, "Configuration successful");
  INFO(c.Said());
  REQUIRE(c.running());
  return c;
}

std::string Service(const std::string& name, bool client, int accept, int connect,
                    const fs::path& dir, const std::string& cert, const std::string& peer) {
  return "[" + name + "]\n" + (client ? "client = yes\n" : "") +
         "accept = 127.0.0.1:" + std::to_string(accept) +
         "\nconnect = 127.0.0.1:" + std::to_string(connect) +
         "\ncert = " + (dir / (cert + ".pem")).string() +
         "\nkey = " + (dir / (cert + ".key")).string() +
         "\nCAfile = " + (dir / (peer + ".pem")).string() +
         "\nverifyPeer = yes\nsslVersionMin = TLSv1.2\n";
}

// The ids a search for 泡盛 at 公開 finds with `shards`, and the shards that did not answer.
// A refused link fails the same way whatever the time-out: `timeout_ms` only keeps it short.
std::pair<std::vector<std::string>, std::vector<std::string>> Search(const fs::path& db,
                                                                     const std::string& shard,
                                                                     int timeout_ms) {
  search::ShardSet shards;
  REQUIRE(search::AddShard(shard, false, &shards));
  shards.timeout_ms = timeout_ms;
  auto searcher = search::Searcher::Open(db, shards);
  INFO((searcher ? "" : searcher.error().ToString()));
  REQUIRE(searcher);
  auto view = searcher->View(search::Clearance::kPublic);
  REQUIRE(view);
  search::SearchRequest request;
  request.query = "泡盛";
  auto r = view->Run(request);
  REQUIRE(r);
  std::vector<std::string> ids;
  for (const auto& h : r->hits) ids.push_back(h.id);
  std::sort(ids.begin(), ids.end());
  return {ids, r->shards_missing};
}

}  // namespace

TEST_CASE(
    "regions: the stunnel link with client certificates carries the shard, and only to "
    "the national certificate",
    "[disk][remote][shards][tls]") {
  TempDir t;
  auto doc = [](const std::string& id, const std::string& body) {
    return "---\ndoc_id: " + id +
           "\ntitle: 泡盛の事例\nconfidentiality: 公開\nstatus: 公開承認済\n---\n\n" + body + "\n";
  };
  WriteFile(t / "main/a.md", doc("OK-1", "本島の泡盛。"));
  WriteFile(t / "region/b.md", doc("MY-1", "宮古の泡盛。"));
  REQUIRE(Yuimaru({"index", "--db", (t / "main-db").string(), (t / "main").string()}).exit_code ==
          0);
  REQUIRE(
      Yuimaru({"index", "--db", (t / "region-db").string(), (t / "region").string()}).exit_code ==
      0);
  for (const char* name : {"region", "national", "intruder"}) MakeCertificate(t.path(), name);

  const int shard_port = FreePort(), tls_port = FreePort(), national_port = FreePort(),
            intruder_port = FreePort();
  Child shard = StartChild({YUIMARU_BINARY, "serve-shard", "--db", (t / "region-db").string(),
                            "--clearance", "公開", "--port", std::to_string(shard_port)},
                           "Listening...");
  INFO(shard.Said());
  REQUIRE(shard.running());
  // The region: TLS in, loopback out, only the national certificate accepted.
  Child server = StartStunnel(
      t / "server.conf",
      Service("yuimaru-shard", false, tls_port, shard_port, t.path(), "region", "national"));
  // The national side: loopback in, TLS out with its certificate; and one with another.
  Child national = StartStunnel(
      t / "national.conf",
      Service("yuimaru-miyako", true, national_port, tls_port, t.path(), "national", "region"));
  Child intruder = StartStunnel(
      t / "intruder.conf",
      Service("yuimaru-miyako", true, intruder_port, tls_port, t.path(), "intruder", "region"));

  const auto through =
      Search(t / "main-db", "宮古=tcp://127.0.0.1:" + std::to_string(national_port), 30000);
  CHECK(through.first == std::vector<std::string>{"MY-1", "OK-1"});
  CHECK(through.second.empty());
  // Another certificate, or plain TCP to the TLS port: the region's documents do not come.
  for (const int port : {intruder_port, tls_port}) {
    INFO("port " << port);
    const auto refused = Search(t / "main-db", "宮古=tcp://127.0.0.1:" + std::to_string(port), 500);
    CHECK(refused.first == std::vector<std::string>{"OK-1"});
    CHECK(refused.second == std::vector<std::string>{"宮古"});
  }
}

}  // namespace yuimaru::testing
