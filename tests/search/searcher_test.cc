// The Searcher over generations that are published and removed while it is open.
#include <catch2/catch.hpp>

#include "search/search.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

// Runs `request` on the view of `clearance`; an error opening the view is the search's error.
Result<search::SearchResponse> RunAt(const search::Searcher& searcher, search::Clearance clearance,
                                     const search::SearchRequest& request) {
  auto view = searcher.View(clearance);
  if (!view) return view.error();
  return view->Run(request);
}

// Whether the view of `clearance` has the document `id`.
bool HasDocument(const search::Searcher& searcher, search::Clearance clearance,
                 const std::string& id) {
  auto view = searcher.View(clearance);
  return view && view->Document(id).has_value();
}

// A server's pooled Searcher opens the view of a clearance at that clearance's first request.
// Its generation may be gone by then: removed once two newer ones are published, or at once by
// a purge; the request then failed with a 500 (seen in the code behind scripts/load_trial.sh).
TEST_CASE("Searcher: a view first opened after its generation was removed reads the current one",
          "[disk][search]") {
  TempDir t;
  const auto db = t / "db";
  const auto corpus = SourceDir() / "corpus";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (corpus / "methods").string()}).exit_code == 0);
  auto searcher = search::Searcher::Open(db);  // opens the 機密 view of gen-000001 only
  REQUIRE(searcher);
  for (const char* part : {"training", "cases"}) {
    REQUIRE(Yuimaru({"index", "--db", db.string(), (corpus / part).string()}).exit_code == 0);
  }
  REQUIRE_FALSE(std::filesystem::exists(db / "gen-000001"));
  search::SearchRequest request;
  request.query = "事業承継";
  auto r = RunAt(*searcher, search::Clearance::kInternal, request);
  INFO((r ? std::string() : r.error().ToString()));
  REQUIRE(r);
  CHECK(r->total > 0);
  CHECK(HasDocument(*searcher, search::Clearance::kPublic, "TR-2023-01"));
  CHECK_FALSE(searcher->Stale());
}

// Removing a superseded generation takes a while, and Xapian opens a database whose lazy tables
// (document data among them) are already gone as if they were empty. A view first opened in that
// window must not answer from the half-removed files: it opens on the current generation.
TEST_CASE("Searcher: a view is never opened on a generation that is being removed",
          "[disk][search]") {
  TempDir t;
  const auto db = t / "db";
  const auto corpus = SourceDir() / "corpus";
  REQUIRE(Yuimaru({"index", "--db", db.string(), (corpus / "cases").string()}).exit_code == 0);
  auto searcher = search::Searcher::Open(db);  // gen-000001, its 機密 view only
  REQUIRE(searcher);
  REQUIRE(Yuimaru({"index", "--db", db.string(), (corpus / "cases").string(),
                   (corpus / "methods").string()})
              .exit_code == 0);
  // gen-000001 is superseded; take away what a removal takes first.
  int removed = 0;
  for (const auto& shard : std::filesystem::directory_iterator(db / "gen-000001")) {
    std::error_code ec;  // manifest.json is no folder
    removed += std::filesystem::remove(shard.path() / "docdata.glass", ec) ? 1 : 0;
  }
  REQUIRE(removed > 0);
  search::SearchRequest request;
  request.query = "事業承継";
  auto r = RunAt(*searcher, search::Clearance::kInternal, request);
  INFO((r ? std::string() : r.error().ToString()));
  REQUIRE(r);
  auto fresh = search::Searcher::Open(db);
  REQUIRE(fresh);
  auto expected = RunAt(*fresh, search::Clearance::kInternal, request);
  REQUIRE(expected);
  CHECK(r->total == expected->total);
  REQUIRE_FALSE(r->hits.empty());
  for (const auto& hit : r->hits) CHECK_FALSE(hit.title.empty());
  CHECK(HasDocument(*searcher, search::Clearance::kInternal, "MS-0007"));
}

}  // namespace
}  // namespace yuimaru::testing
