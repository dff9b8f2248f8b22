#include "toolkit/search_index.h"

#include <catch2/catch.hpp>

#include "core/schema.h"

namespace yuimaru::toolkit {
namespace {

const core::Analyzer& TestAnalyzer() {
  static const Result<core::Analyzer> analyzer = core::Analyzer::Create();
  return *analyzer;
}

TEST_CASE("EncodePostings: base-36 deltas, the wdf only when it is not 1", "[toolkit][site]") {
  CHECK(EncodePostings({}).empty());
  CHECK(EncodePostings({{0, 3}, {5, 1}}) == "0:3,5");
  CHECK(EncodePostings({{40, 1}, {76, 37}}) == "14,10:11");
}

TEST_CASE("JsString: raw UTF-8, quotes, backslashes, controls, < and line separators escaped",
          "[toolkit][site]") {
  CHECK(JsString("製造業") == "\"製造業\"");
  CHECK(JsString("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(JsString("x\ny") == "\"x\\u000ay\"");
  CHECK(JsString("</script>") == "\"\\u003c/script>\"");
  CHECK(JsString("a\u2028b\u2029") == "\"a\\u2028b\\u2029\"");
}

TEST_CASE("BuildOfflineIndex: the server's terms and field weights, normalized text per document",
          "[toolkit][site]") {
  const OfflineIndex index = BuildOfflineIndex(
      {{{"ＤＸ推進の事例", core::kTitleWdf}, {"製造業のDXを進めた。", core::kBodyWdf}},
       {{"サーバー更新", core::kTitleWdf}, {"製造業", core::kBodyWdf}}},
      TestAnalyzer());
  REQUIRE(index.texts.size() == 2);
  CHECK(index.texts[0] == "dx推進の事例\n製造業のdxを進めた。");
  CHECK(index.texts[1] == "サーバ更新\n製造業");  // the trailing long-vowel mark is dropped
  // "dx": in the title (wdf 3) and the body (1) of document 0.
  REQUIRE(index.postings.count("dx") == 1);
  CHECK(index.postings.at("dx") == std::vector<std::pair<uint32_t, uint32_t>>{{0, 4}});
  const std::string seizo = core::BigramTerm(U'製', U'造');
  REQUIRE(index.postings.count(seizo) == 1);
  CHECK(index.postings.at(seizo) == std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {1, 1}});
  CHECK(index.postings.count("の") == 0);  // a lone hiragana is no word term
  CHECK(index.postings.count(core::BigramTerm(U'。', U'製')) == 0);  // punctuation makes no pair
  CHECK(index.lengths[0] > index.lengths[1]);
}

TEST_CASE("SearchableFields: title, headings and body as the indexer weighs them, indexed labels",
          "[toolkit][site]") {
  core::DocRecord r;
  r.title = "事例";
  r.markdown = "## 背景\n\n本文です。\n";
  r.tags = {"EC"};
  r.facets = {{"industry", {"製造業"}}};
  const std::vector<IndexField> fields = SearchableFields(r);
  REQUIRE(fields.size() >= 4);
  CHECK(fields[0].text == "事例");
  CHECK(fields[0].wdf == core::kTitleWdf);
  CHECK(fields[1].text == "背景");
  CHECK(fields[1].wdf == core::kHeadingWdf);
  CHECK(fields[2].text == "本文です。");
  CHECK(fields[2].wdf == core::kBodyWdf);
  CHECK(fields[3].text == "EC");
  CHECK(fields.back().text.find("製造業") != std::string::npos);
}

TEST_CASE("IndexScripts: terms and texts in chunks that push onto YUIMARU_SEARCH",
          "[toolkit][site]") {
  const OfflineIndex index = BuildOfflineIndex(
      {{{"事業承継の事例", 3}}, {{"後継者の育成", 3}}, {{"人手不足", 3}}}, TestAnalyzer());
  const std::vector<IndexScript> small = IndexScripts(index, 10);
  size_t terms = 0, texts = 0;
  for (const IndexScript& s : small) {
    CHECK(s.content.rfind("(self.YUIMARU_SEARCH=self.YUIMARU_SEARCH||[]).push({", 0) == 0);
    CHECK(s.content.find("</") == std::string::npos);
    if (s.name.rfind("terms-", 0) == 0) ++terms;
    if (s.name.rfind("text-", 0) == 0) ++texts;
  }
  CHECK(terms > 1);
  CHECK(texts == 3);
  const std::vector<IndexScript> one = IndexScripts(index);
  REQUIRE(one.size() == 2);
  CHECK(one[0].name == "terms-0.js");
  CHECK(one[1].name == "text-0.js");
  CHECK(one[1].content.find(
            "\"start\":0,\"t\":[\"事業承継の事例\",\n\"後継者の育成\",\n\"人手不足\"]") !=
        std::string::npos);
}

}  // namespace
}  // namespace yuimaru::toolkit
