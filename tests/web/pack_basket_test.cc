// The 研修 pack basket: the pure changes, the store on disk, and the routes on a real server
// (CSRF, unknown and unreadable ids, downloads and their audit line, a second server over the
// same index reading the basket back).
#include "web/pack_basket.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/index_layout.h"
#include "tests/support/test_server.h"

namespace yuimaru::testing {
namespace {

using toolkit::PackItem;
using toolkit::PackList;

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string CsrfOf(httplib::Client& c) {
  auto page = c.Get("/pack");
  REQUIRE(page);
  REQUIRE(page->status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(page->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
  return m[1];
}

// Adds `doc` to the signed-in user's basket through the form, as the page does.
void Add(httplib::Client& c, const std::string& csrf, const std::string& doc) {
  auto res = c.Post("/pack/add", httplib::Params{{"csrf", csrf}, {"doc", doc}});
  REQUIRE(res);
  REQUIRE(res->status == 303);
}

TEST_CASE("Basket: items are added once, moved and removed by position", "[pack]") {
  PackList list;
  CHECK(web::AddToBasket(list, {"A-1", ""}));
  CHECK(web::AddToBasket(list, {"B-2", "節"}));
  CHECK(web::AddToBasket(list, {"A-1", ""}));
  CHECK(list.items == std::vector<PackItem>{{"A-1", ""}, {"B-2", "節"}});
  CHECK(web::MoveInBasket(list, 1, web::BasketMove::kUp));
  CHECK(list.items == std::vector<PackItem>{{"B-2", "節"}, {"A-1", ""}});
  CHECK(web::MoveInBasket(list, 1, web::BasketMove::kDown));  // already last: unchanged
  CHECK(list.items == std::vector<PackItem>{{"B-2", "節"}, {"A-1", ""}});
  CHECK(web::RemoveFromBasket(list, 0));
  CHECK(list.items == std::vector<PackItem>{{"A-1", ""}});
  auto bad = web::RemoveFromBasket(list, 5);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().rule == "pack.index");
}

TEST_CASE("Basket: a full basket refuses a new item but not one it holds", "[pack]") {
  PackList list;
  for (size_t i = 0; i < web::kMaxBasketItems; ++i) {
    REQUIRE(web::AddToBasket(list, {"D-" + std::to_string(i), ""}));
  }
  CHECK(web::AddToBasket(list, {"D-0", ""}));
  auto full = web::AddToBasket(list, {"D-new", ""});
  REQUIRE_FALSE(full);
  CHECK(full.error().rule == "pack.full");
  CHECK(list.items.size() == web::kMaxBasketItems);
}

TEST_CASE("Basket: a saved basket is read back by a new store, from a 0600 file", "[pack][disk]") {
  TempDir t;
  const PackList list{"勉強会", "一行目\n二行目", {{"MS-0001", ""}, {"CS-2024-001-P", "橋渡し"}}};
  REQUIRE(web::BasketStore(t / "packs").Update("tester", [&](PackList& basket) {
    basket = list;
    return Status::Ok();
  }));
  auto back = web::BasketStore(t / "packs").Load("tester");
  REQUIRE(back);
  CHECK(back->title == list.title);
  CHECK(back->note == list.note);
  CHECK(back->items == list.items);
  struct stat st {};
  REQUIRE(::stat((t / "packs" / "tester.txt").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto none = web::BasketStore(t / "packs").Load("someone-else");
  REQUIRE(none);
  CHECK(none->items.empty());
}

// A purge rewrites the baskets holding the same lock (indexer/basket_scrub.cc), so a basket read
// here is never written back over a purge's rewrite.
TEST_CASE("Basket: a change is read, made and saved while the baskets' lock is held",
          "[pack][disk]") {
  TempDir t;
  const web::BasketStore store(t / "packs");
  bool held = false;
  REQUIRE(store.Update("tester", [&](PackList& list) {
    const int fd = ::open((t / "packs" / core::kPackBasketsLockFile).c_str(), O_RDWR | O_CLOEXEC);
    held = fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    if (fd >= 0) ::close(fd);
    list.items.push_back({"MS-0001", ""});
    return Status::Ok();
  }));
  CHECK(held);
  // Released afterwards: a purge (or the next request) gets it.
  const int fd = ::open((t / "packs" / core::kPackBasketsLockFile).c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  ::close(fd);
}

TEST_CASE("Basket: a refused change saves nothing and keeps its own error", "[pack][disk]") {
  TempDir t;
  const web::BasketStore store(t / "packs");
  const Status refused = store.Update("tester", [](PackList& list) -> Status {
    list.items.push_back({"MS-0001", ""});
    return web::RemoveFromBasket(list, 7);
  });
  REQUIRE_FALSE(refused);
  CHECK(refused.error().rule == "pack.index");
  CHECK_FALSE(web::IsBasketStoreError(refused.error()));
  CHECK_FALSE(std::filesystem::exists(t / "packs" / "tester.txt"));
}

// A view of a generation a purge has replaced must not put the purged ids back into a basket.
TEST_CASE("Basket: an item is added only from a view of the current generation", "[pack][disk]") {
  TempDir t;
  std::filesystem::create_directories(t / "gen-000001");
  std::filesystem::create_directories(t / "gen-000002");
  std::filesystem::create_directory_symlink("gen-000002", t / core::kCurrentLink);
  CHECK(web::CheckGenerationIsCurrent(t.path(), 2));
  const Status stale = web::CheckGenerationIsCurrent(t.path(), 1);
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code == ErrorCode::kBusy);
  CHECK(stale.error().rule == "pack.stale");
  const Status none = web::CheckGenerationIsCurrent(t / "no-index", 1);
  REQUIRE_FALSE(none);
  CHECK(web::IsBasketStoreError(none.error()));
}

TEST_CASE("Basket: adding without the session's CSRF token is refused", "[pack][http]") {
  TestServer server({(SourceDir() / "corpus").string()});
  auto c = server.Client();
  for (const std::string& token : {std::string(), std::string(64, '0')}) {
    auto res = c.Post("/pack/add", httplib::Params{{"csrf", token}, {"doc", "MS-0001"}});
    REQUIRE(res);
    CHECK(res->status == 403);
  }
  auto api = c.Post("/api/pack/add", httplib::Params{{"doc", "MS-0001"}});
  REQUIRE(api);
  CHECK(api->status == 403);
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(server.db()) / core::kPackBasketsDir /
                                      "tester.txt"));
}

TEST_CASE("Basket: an unknown id, a bad section and an unreadable id answer 400 in Japanese",
          "[pack][http]") {
  TestServer server({(SourceDir() / "corpus").string()}, search::Clearance::kPublic);
  auto c = server.Client();
  const std::string csrf = CsrfOf(c);
  auto post = [&](const std::string& doc, const std::string& section) {
    auto res = c.Post("/api/pack/add",
                      httplib::Params{{"csrf", csrf}, {"doc", doc}, {"section", section}});
    REQUIRE(res);
    CHECK(res->status == 400);
    return nlohmann::json::parse(res->body);
  };
  const auto unknown = post("CS-2099-999", "");
  const auto above = post("CS-2025-022", "");  // 内部: above this 公開 reader
  CHECK(unknown["error"]["rule"] == "pack.unknown-id");
  CHECK(above["error"]["rule"] == "pack.unknown-id");
  CHECK(unknown["error"]["message"] == "文書「CS-2099-999」はありません");
  CHECK(above["error"]["message"] == "文書「CS-2025-022」はありません");
  CHECK(post("MS-0001", "ない見出し")["error"]["rule"] == "pack.unknown-section");
  CHECK(post("MS-0001\ntitle: x", "")["error"]["rule"] == "pack.item");
  // The basket is still empty: a download says so instead of sending an empty file.
  auto download = c.Get("/pack/download?format=html");
  REQUIRE(download);
  CHECK(download->status == 400);
}

TEST_CASE("Basket: add, reorder, download, and a new server over the index reads it back",
          "[pack][http]") {
  TestServer server({(SourceDir() / "corpus").string()});
  auto c = server.Client();
  const std::string csrf = CsrfOf(c);
  for (const auto& [doc, section] : std::vector<std::pair<std::string, std::string>>{
           {"MS-0001", ""}, {"CS-2025-022", "成果"}, {"CS-2024-001-P", ""}}) {
    auto res =
        c.Post("/pack/add", httplib::Params{{"csrf", csrf}, {"doc", doc}, {"section", section}});
    REQUIRE(res);
    CHECK(res->status == 303);
    CHECK(res->get_header_value("Location") == "/pack");
  }
  auto moved = c.Post("/pack/edit", httplib::Params{{"csrf", csrf}, {"op", "up"}, {"index", "2"}});
  REQUIRE(moved);
  CHECK(moved->status == 303);
  auto meta =
      c.Post("/pack/edit",
             httplib::Params{
                 {"csrf", csrf}, {"op", "meta"}, {"title", "橋渡し勉強会"}, {"note", "当日配布"}});
  REQUIRE(meta);
  const std::filesystem::path basket =
      std::filesystem::path(server.db()) / core::kPackBasketsDir / "tester.txt";
  CHECK(ReadAll(basket) ==
        "title: 橋渡し勉強会\nnote: 当日配布\nMS-0001\nCS-2024-001-P\nCS-2025-022#成果\n");

  // At 内部 the 機密 block of the section is cut and the pack says so; at 公開 the 内部 case.
  auto internal = c.Get("/pack/download?audience=%E5%86%85%E9%83%A8&format=html");
  REQUIRE(internal);
  CHECK(internal->status == 200);
  CHECK(internal->body.find("タイムラインを3回発動した") != std::string::npos);
  CHECK(internal->body.find("当座貸越枠500万円") == std::string::npos);
  CHECK(internal->get_header_value("Content-Disposition").find("attachment") == 0);
  auto pub = c.Get("/pack/download?format=md");
  REQUIRE(pub);
  CHECK(pub->status == 200);
  CHECK(pub->body.find("配布先の区分（公開）を超える資料 1 件を省きました") != std::string::npos);
  CHECK(pub->body.find("CS-2025-022") == std::string::npos);
  CHECK(pub->body.find("タイムラインを3回発動した") == std::string::npos);
  const std::string audit = ReadAll(server.audit());
  CHECK(audit.find("\"action\":\"pack\"") != std::string::npos);
  CHECK(audit.find("\"ids\":\"MS-0001,CS-2024-001-P,CS-2025-022#成果\"") != std::string::npos);
  CHECK(audit.find("\"audience\":\"公開\"") != std::string::npos);

  // Another server process over the same index and basket folder: nothing in memory carries.
  TestServer again({(SourceDir() / "corpus").string()}, search::Clearance::kConfidential,
                   [&](web::ServerOptions& o) { o.db = server.db(); });
  auto c2 = again.Client();
  auto page = c2.Get("/pack");
  REQUIRE(page);
  const size_t a = page->body.find("data-id=\"MS-0001\"");
  const size_t b = page->body.find("data-id=\"CS-2024-001-P\"");
  const size_t d = page->body.find("data-id=\"CS-2025-022\"");
  CHECK(a != std::string::npos);
  CHECK(a < b);
  CHECK(b < d);
  CHECK(page->body.find("橋渡し勉強会") != std::string::npos);
}

// The audit line of a change is written before the change: when the trail cannot take it, the
// answer is 503 and the basket on disk is as it was (before, the basket was saved first and
// only the answer was refused).
TEST_CASE("Basket: a change whose audit line cannot be written is not made", "[pack][http]") {
  TestServer server({(SourceDir() / "corpus").string()});
  auto c = server.Client();
  const std::string csrf = CsrfOf(c);
  Add(c, csrf, "MS-0001");
  const std::filesystem::path basket =
      std::filesystem::path(server.db()) / core::kPackBasketsDir / "tester.txt";
  const std::string before = ReadAll(basket);
  REQUIRE(before == "MS-0001\n");

  std::ofstream(server.audit(), std::ios::app) << "{\"seq\":9,\"ti";  // a torn last line
  auto api = c.Post("/api/pack/add", httplib::Params{{"csrf", csrf}, {"doc", "CS-2024-001-P"}});
  REQUIRE(api);
  CHECK(api->status == 503);
  CHECK(nlohmann::json::parse(api->body)["error"]["rule"] == "audit.unavailable");
  for (const httplib::Params& form :
       {httplib::Params{{"csrf", csrf}, {"op", "remove"}, {"index", "0"}},
        httplib::Params{{"csrf", csrf}, {"op", "meta"}, {"title", "題"}, {"note", "注"}}}) {
    auto edit = c.Post("/pack/edit", form);
    REQUIRE(edit);
    CHECK(edit->status == 503);
    CHECK(edit->body.find("監査ログに記録できない") != std::string::npos);
  }
  auto page = c.Post("/pack/add", httplib::Params{{"csrf", csrf}, {"doc", "CS-2024-001-P"}});
  REQUIRE(page);
  CHECK(page->status == 503);
  CHECK(ReadAll(basket) == before);
}

// A missing pandoc or chromium is the server's lack, not the reader's error: 503 with a fixed
// message naming the format; the tool's path and reason go to the server's log only.
TEST_CASE("Basket: a download whose tool is missing answers 503 without the tool's path",
          "[pack][http]") {
  TestServer server({(SourceDir() / "corpus").string()}, search::Clearance::kConfidential,
                    [](web::ServerOptions& o) {
                      o.pandoc = "/nonexistent/yuimaru-test/pandoc";
                      o.chromium = "/nonexistent/yuimaru-test/chromium";
                    });
  auto c = server.Client();
  Add(c, CsrfOf(c), "MS-0001");
  for (const auto& [format, label] :
       std::vector<std::pair<std::string, std::string>>{{"pdf", "PDF"}, {"docx", "Word"}}) {
    auto res = c.Get("/pack/download?format=" + format);
    REQUIRE(res);
    INFO(format << ": " << res->body);
    CHECK(res->status == 503);
    CHECK(res->body.find("この形式（" + label + "）はこのサーバーでは作れません") !=
          std::string::npos);
    CHECK(res->body.find("/nonexistent") == std::string::npos);
    CHECK(res->body.find("見つからない") == std::string::npos);
    CHECK(res->get_header_value("Content-Disposition").empty());
  }
}

// The bound on concurrent tool runs, without timing: with no slot at all every Word or PDF
// download is refused at once with Retry-After; HTML and Markdown run no tool and are served.
TEST_CASE("Basket: Word and PDF downloads beyond the tool limit answer 503 with Retry-After",
          "[pack][http]") {
  TestServer server({(SourceDir() / "corpus").string()}, search::Clearance::kConfidential,
                    [](web::ServerOptions& o) { o.max_tool_runs = 0; });
  auto c = server.Client();
  Add(c, CsrfOf(c), "MS-0001");
  for (const std::string format : {"pdf", "docx"}) {
    auto res = c.Get("/pack/download?format=" + format);
    REQUIRE(res);
    INFO(format);
    CHECK(res->status == 503);
    CHECK(res->get_header_value("Retry-After") == "30");
    CHECK(res->body.find("ただいま混み合っています。しばらくしてから再度お試しください") !=
          std::string::npos);
  }
  for (const std::string format : {"html", "md"}) {
    auto res = c.Get("/pack/download?format=" + format);
    REQUIRE(res);
    CHECK(res->status == 200);
  }
}

}  // namespace
}  // namespace yuimaru::testing
