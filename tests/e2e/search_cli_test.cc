// `yuimaru search|stats|related|show` on the bundled corpus, indexed into a temp dir.
#include <catch2/catch.hpp>
#include <set>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

struct CorpusIndex {
  TempDir dir;
  std::string db = (dir / "db").string();
  CorpusIndex() {
    const CommandResult r = Yuimaru({"index", "--db", db, (SourceDir() / "corpus").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  nlohmann::json Search(const std::string& query,
                        const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"search", "--db", db, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (!query.empty()) args.push_back(query);
    const CommandResult r = Yuimaru(args);
    INFO(query << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    return r.Json();
  }
};

uint64_t Total(const nlohmann::json& r) { return r["total"].get<uint64_t>(); }

TEST_CASE("search: --json has the documented shape", "[disk][search]") {
  CorpusIndex idx;
  const auto r = idx.Search("事業承継");
  CHECK(r["query"] == "事業承継");
  CHECK(Total(r) > 0);
  CHECK(r["total_exact"] == true);
  CHECK(r["took_ms"].is_number());
  REQUIRE_FALSE(r["hits"].empty());
  const auto& h = r["hits"][0];
  for (const char* key : {"rank", "id", "title", "doc_type", "path", "date", "fiscal_year",
                          "confidentiality", "score", "snippet", "snippet_parts", "facets"}) {
    CAPTURE(key);
    CHECK(h.contains(key));
  }
  CHECK(h["rank"] == 1);
  CHECK(h["path"].get<std::string>().find("corpus/") != std::string::npos);
  bool marked = false;
  for (const auto& p : h["snippet_parts"]) marked |= p["match"].get<bool>();
  CHECK(marked);
  for (const char* key :
       {"doc_type", "fiscal_year", "confidentiality", "status", "industry", "region", "ritou",
        "employees", "phase", "issues", "bridge_to", "methods", "outcome", "visit_mode", "audience",
        "format", "revenue_band", "consultants"}) {
    CAPTURE(key);
    CHECK(r["facets"].contains(key));
  }
  CHECK(r["interpretation"].contains("relaxed"));
}

TEST_CASE("search: facet counts are over the whole match set and equal the filtered totals",
          "[disk][search]") {
  CorpusIndex idx;
  const auto all = idx.Search("支援", {"--limit", "1"});
  REQUIRE(Total(all) > 20);
  for (const char* field : {"industry", "doc_type", "fiscal_year", "issues", "region"}) {
    uint64_t sum = 0;
    for (const auto& [label, count] : all["facets"][field].items()) {
      CAPTURE(field, label);
      const auto filtered =
          idx.Search("支援", {"--filter", std::string(field) + "=" + label, "--limit", "1"});
      CHECK(Total(filtered) == count.get<uint64_t>());
      sum += count.get<uint64_t>();
    }
    if (std::string(field) == "doc_type" || std::string(field) == "fiscal_year")
      CHECK(sum == Total(all));
  }
}

TEST_CASE("search: values of one field OR together, fields AND together", "[disk][search]") {
  CorpusIndex idx;
  const auto mfg = Total(idx.Search("", {"--filter", "industry=製造業"}));
  const auto con = Total(idx.Search("", {"--filter", "業種=建設業"}));
  const auto both = idx.Search("", {"--filter", "industry=製造業", "--filter", "industry=建設業"});
  CHECK(Total(both) == mfg + con);
  const auto and_region =
      idx.Search("", {"--filter", "industry=製造業", "--filter", "region=北部"});
  CHECK(Total(and_region) <= mfg);
  for (const auto& h : and_region["hits"]) {
    CHECK(h["facets"]["industry"][0] == "製造業");
    CHECK(h["facets"]["region"][0] == "北部");
  }
  // field:value in the query is the same filter.
  CHECK(Total(idx.Search("業種:製造業")) == mfg);
  CHECK(Total(idx.Search("industry:製造業 industry:建設業")) == mfg + con);
}

TEST_CASE("search: exclusion and phrases", "[disk][search]") {
  CorpusIndex idx;
  const auto all = Total(idx.Search("事業承継"));
  const auto with = Total(idx.Search("事業承継 製造業", {"--no-synonyms"}));
  const auto without = Total(idx.Search("事業承継 -製造業", {"--no-synonyms"}));
  CHECK(without + with == Total(idx.Search("事業承継", {"--no-synonyms"})));
  CHECK(all >= Total(idx.Search("事業承継", {"--no-synonyms"})));
  CHECK(Total(idx.Search("\"対話と傾聴\"")) > 0);
  CHECK(Total(idx.Search("\"傾聴と対話の逆順ではない語\"")) == 0);
}

TEST_CASE("search: date range and sort by date", "[disk][search]") {
  CorpusIndex idx;
  const auto r = idx.Search(
      "支援", {"--from", "2024-04-01", "--to", "2025-03-31", "--sort", "newest", "--limit", "50"});
  REQUIRE(Total(r) > 0);
  std::string prev = "9999-99-99";
  for (const auto& h : r["hits"]) {
    const std::string date = h["date"];
    CHECK(date >= "2024-04-01");
    CHECK(date <= "2025-03-31");
    CHECK(date <= prev);
    prev = date;
  }
  CHECK(Total(r) == Total(idx.Search("支援", {"--filter", "fiscal_year=2024"})));
}

TEST_CASE("search: batch mode answers line by line, in order, each with its time",
          "[disk][search]") {
  CorpusIndex idx;
  TempDir t;
  WriteFile(t / "q.txt", "事業承継\n業種:宇宙\nネット通販\n");
  const CommandResult r = Yuimaru({"search", "--db", idx.db, "--batch", (t / "q.txt").string()});
  const auto lines = r.JsonLines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["query"] == "事業承継");
  CHECK(lines[0]["took_ms"].is_number());
  CHECK(lines[1]["error"]["rule"] == "query.filter.unknown-value");
  CHECK(lines[2]["query"] == "ネット通販");
  // The same exit status as the rejected query alone: a usage error.
  CHECK(r.exit_code == 2);
  CHECK(Yuimaru({"search", "--db", idx.db, "業種:宇宙"}).exit_code == 2);
}

TEST_CASE("search: a bad query is a usage error with a message, never a crash", "[disk][search]") {
  CorpusIndex idx;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"業種:宇宙"},
                                             {"--from", "2024-13-01", "x"},
                                             {"--filter", "nokey"},
                                             {"--clearance", "極秘", "x"},
                                             {"--limit", "-1", "x"},
                                             {"--sort", "random", "x"},
                                             {std::string(1001, 'a')}}) {
    std::vector<std::string> full = {"search", "--db", idx.db};
    full.insert(full.end(), args.begin(), args.end());
    const CommandResult r = Yuimaru(full);
    CAPTURE(args);
    CHECK(r.exit_code == 2);
    CHECK_FALSE(r.err.empty());
  }
  const CommandResult missing = Yuimaru({"search", "--db", (idx.dir / "nothing").string(), "x"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("index.missing") != std::string::npos);
}

TEST_CASE("search: explain lists matched terms with field and weight adding up to the score",
          "[disk][search]") {
  CorpusIndex idx;
  const auto r = idx.Search("資金繰り表", {"--explain", "--limit", "3"});
  REQUIRE_FALSE(r["hits"].empty());
  for (const auto& h : r["hits"]) {
    REQUIRE(h.contains("explain"));
    double sum = 0;
    for (const auto& e : h["explain"]) {
      CHECK_FALSE(e["fields"].empty());
      sum += e["weight"].get<double>();
    }
    CHECK(sum == Approx(h["score"].get<double>()).epsilon(0.02));
  }
  // A relaxed query (no document has every word) ranks with feedback from its best document:
  // those words are listed too, and the weights still add up.
  const auto relaxed =
      idx.Search("資金繰り表 ぜったいにない語句ずず", {"--explain", "--limit", "5"});
  REQUIRE(relaxed["interpretation"]["relaxed"] == true);
  REQUIRE_FALSE(relaxed["hits"].empty());
  int feedback = 0;
  for (const auto& h : relaxed["hits"]) {
    double sum = 0;
    for (const auto& e : h["explain"]) {
      CHECK_FALSE(e["fields"].empty());
      sum += e["weight"].get<double>();
      if (e["kind"] == "feedback") ++feedback;
    }
    CHECK(sum == Approx(h["score"].get<double>()).epsilon(0.02));
  }
  CHECK(feedback > 0);
}

TEST_CASE("search: 京都 ranks a document about 京都 above one that only says 東京都",
          "[disk][search]") {
  TempDir t;
  auto doc = [](const std::string& id, const std::string& body) {
    return "---\ndoc_id: " + id + "\ntitle: \"" + id + "\"\n---\n" + body + "\n";
  };
  WriteFile(t / "c/tokyo.md", doc("T", "東京都の支援機関と連携した。東京都内の展示会に出た。"));
  WriteFile(t / "c/kyoto.md", doc("K", "京都の老舗に学んだ。"));
  WriteFile(t / "c/other.md", doc("O", "沖縄の事例。"));
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), (t / "c").string()}).exit_code == 0);
  const CommandResult r = Yuimaru({"search", "--db", (t / "db").string(), "--json", "京都"});
  const auto j = r.Json();
  REQUIRE(j["hits"].size() == 2);
  CHECK(j["hits"][0]["id"] == "K");
  CHECK(j["hits"][1]["id"] == "T");
  const auto tokyo = Yuimaru({"search", "--db", (t / "db").string(), "--json", "東京"}).Json();
  REQUIRE(tokyo["hits"].size() == 1);
  CHECK(tokyo["hits"][0]["id"] == "T");
}

TEST_CASE("stats: document count, facet counts and size", "[disk][stats]") {
  CorpusIndex idx;
  const CommandResult r = Yuimaru({"stats", "--db", idx.db, "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = r.Json();
  CHECK(j["documents"].get<int>() >= 150);
  CHECK(j["index_bytes"].get<uint64_t>() > 0);
  // The size a generation is compacted back to once incremental runs grow it past 1.3 times.
  CHECK(j["compacted_bytes"].get<uint64_t>() > 0);
  CHECK(j["compacted_bytes"].get<uint64_t>() <= j["index_bytes"].get<uint64_t>());
  uint64_t sum = 0;
  for (const auto& [label, count] : j["facets"]["doc_type"].items()) {
    CHECK(Total(idx.Search("", {"--filter", "doc_type=" + label})) == count.get<uint64_t>());
    sum += count.get<uint64_t>();
  }
  CHECK(sum == j["documents"].get<uint64_t>());
}

TEST_CASE("related: similar documents, never the document itself", "[disk][related]") {
  CorpusIndex idx;
  const CommandResult r =
      Yuimaru({"related", "--db", idx.db, "--json", "--limit", "5", "KT-C0123"});
  REQUIRE(r.exit_code == 0);
  const auto j = r.Json();
  REQUIRE(j["related"].size() == 5);
  std::set<std::string> ids;
  for (const auto& d : j["related"]) ids.insert(d["id"].get<std::string>());
  CHECK_FALSE(ids.count("KT-C0123"));
  // Its own memos and case report are about the same company and topic.
  int same_company = 0;
  for (const char* id : {"VM-2024-0402", "VM-2024-0404", "VM-2024-0406", "VM-2025-0410",
                         "CS-2025-061", "CS-2025-061-P"}) {
    same_company += ids.count(id);
  }
  CHECK(same_company >= 2);
  CHECK(Yuimaru({"related", "--db", idx.db, "NO-SUCH-ID"}).exit_code == 1);
}

}  // namespace
}  // namespace yuimaru::testing
