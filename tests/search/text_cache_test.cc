// The process-wide cache of texts for exact checks must never answer for another index: an
// index deleted and rebuilt at the same path (the same generation name) gets new texts.
#include <catch2/catch.hpp>

#include "search/search.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

std::string Memo(const std::string& body) {
  return "---\ndoc_id: VM-2024-0001\ntitle: 訪問メモ\ndate: 2024-06-01\nconfidentiality: 内部\n"
         "---\n\n" +
         body + "\n";
}

uint64_t Total(const std::filesystem::path& db, const std::string& q) {
  auto searcher = search::Searcher::Open(db);
  REQUIRE(searcher);
  auto view = searcher->View(search::Clearance::kConfidential);  // the old default
  REQUIRE(view);
  search::SearchRequest request;
  request.query = q;
  auto r = view->Run(request);
  REQUIRE(r);
  return r->total;
}

TEST_CASE("text cache: a rebuilt index at the same path is never answered from old texts",
          "[disk][search]") {
  TempDir t;
  const auto db = t / "db";
  // 商談会準備 spans ICU words, so only the text check can prove it.
  WriteFile(t / "a/memo.md", Memo("県外の商談会準備を進めた。"));
  REQUIRE(Yuimaru({"index", "--db", db.string(), (t / "a").string()}).exit_code == 0);
  CHECK(Total(db, "\"商談会準備\"") == 1);
  // Same path, same generation name (gen-000001), same docids, other text: every bigram of the
  // query is still there, but not the run.
  std::filesystem::remove_all(db);
  WriteFile(t / "b/memo.md", Memo("商談会の後で準備会を開き、会準備の段取りを決めた。"));
  REQUIRE(Yuimaru({"index", "--db", db.string(), (t / "b").string()}).exit_code == 0);
  CHECK(Total(db, "\"商談会準備\"") == 0);  // quoted: no relaxed fallback
  CHECK(Total(db, "段取り") == 1);
}

}  // namespace
}  // namespace yuimaru::testing
