// Relevance floors: the corpus's own queries and the JSQuAD dev set, with the default
// configuration (what the README's commands use). A change that loses relevance fails here.
#include <catch2/catch.hpp>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

nlohmann::json Eval(const std::string& db, const std::filesystem::path& queries,
                    const std::filesystem::path& qrels,
                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {
      "eval", "--db", db, "--queries", queries.string(), "--qrels", qrels.string(), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult r = Yuimaru(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.Json();
}

TEST_CASE("relevance: the corpus queries stay above their floor, and synonyms add recall",
          "[disk][relevance]") {
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), corpus.string()}).exit_code == 0);
  const auto on = Eval((t / "db").string(), corpus / "queries.tsv", corpus / "qrels.tsv");
  const auto off =
      Eval((t / "db").string(), corpus / "queries.tsv", corpus / "qrels.tsv", {"--no-synonyms"});
  CHECK(on["queries"] == 48);
  // Measured 2026-11-26: MRR@10 0.931, nDCG@10 0.731, R@100 0.992.
  CHECK(on["mrr@10"].get<double>() >= 0.88);
  CHECK(on["ndcg@10"].get<double>() >= 0.70);
  CHECK(on["recall@100"].get<double>() >= 0.97);
  CHECK(on["recall@100"].get<double>() > off["recall@100"].get<double>());
}

TEST_CASE("relevance: JSQuAD dev set reaches MRR@10 0.950 and Recall@100 0.992",
          "[disk][relevance]") {
  const auto jsquad = SourceDir().parent_path() / "shared" / "data" / "jsquad-valid";
  if (!std::filesystem::exists(jsquad / "qrels.tsv")) {
    WARN("../shared/data/jsquad-valid is not beside the checkout; nothing to measure");
    return;
  }
  TempDir t;
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), (jsquad / "docs").string()}).exit_code ==
          0);
  const auto m = Eval((t / "db").string(), jsquad / "queries.tsv", jsquad / "qrels.tsv");
  CHECK(m["queries"] == 4442);
  CHECK(m["mrr@10"].get<double>() >= 0.950);
  CHECK(m["recall@100"].get<double>() >= 0.992);
}

}  // namespace
}  // namespace yuimaru::testing
