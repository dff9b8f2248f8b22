#include "search/query_parser.h"

#include <catch2/catch.hpp>

namespace yuimaru::search {
namespace {

TEST_CASE("QueryParser: words, phrases and exclusions", "[query_parser]") {
  const auto q = ParseQuery("事業承継　\"後継者 候補\" -廃業 -\"第三者承継\" “ＥＣ”");
  REQUIRE(q);
  REQUIRE(q->clauses.size() == 5);
  CHECK(q->clauses[0].text == "事業承継");
  CHECK_FALSE(q->clauses[0].phrase);
  CHECK(q->clauses[1].text == "後継者 候補");
  CHECK(q->clauses[1].phrase);
  CHECK(q->clauses[2].text == "廃業");
  CHECK(q->clauses[2].negated);
  CHECK(q->clauses[3].negated);
  CHECK(q->clauses[3].phrase);
  CHECK(q->clauses[4].text == "ＥＣ");
  CHECK(q->clauses[4].phrase);
}

TEST_CASE("QueryParser: field:value filters by key or Japanese label", "[query_parser]") {
  const auto q = ParseQuery(
      "industry:製造業 業種：建設業 doc_type:訪問メモ 課題:\"DX・IT活用\" company_id:C-0123 承継");
  REQUIRE(q);
  REQUIRE(q->filters.size() == 5);
  CHECK(q->filters[0].field->key == "industry");
  CHECK(q->filters[1].field->key == "industry");
  CHECK(q->filters[2].field->key == "doc_type");
  CHECK(q->filters[3].field->key == "issues");
  CHECK(q->filters[4].special == "company_id");
  CHECK(q->filters[4].text == "C-0123");
  REQUIRE(q->clauses.size() == 1);
  CHECK(q->clauses[0].text == "承継");
}

TEST_CASE("QueryParser: an unknown key is text, an unknown value of a known key is an error",
          "[query_parser]") {
  const auto text = ParseQuery("14:00 会議");
  REQUIRE(text);
  CHECK(text->filters.empty());
  CHECK(text->clauses.size() == 2);
  const auto bad = ParseQuery("業種:製造");
  REQUIRE(bad);  // 製造 is an alias of 製造業
  const auto worse = ParseQuery("業種:宇宙");
  REQUIRE_FALSE(worse);
  CHECK(worse.error().rule == "query.filter.unknown-value");
  CHECK(worse.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("QueryParser: hostile input is refused with a reason, never a crash", "[query_parser]") {
  CHECK(ParseQuery(std::string(kMaxQueryChars + 1, 'a')).error().rule == "query.too-long");
  CHECK(ParseQuery("\xff\xfe").error().rule == "query.invalid-utf8");
  std::string many;
  for (int i = 0; i < 70; ++i) many += "a" + std::to_string(i) + " ";
  CHECK(ParseQuery(many).error().rule == "query.too-many-terms");
  for (const char* q : {"\"", "-", "--", ":", "industry:", "\"\"", "-\"", "業種:\"製造業"}) {
    CAPTURE(q);
    CHECK_NOTHROW(ParseQuery(q));
  }
}

}  // namespace
}  // namespace yuimaru::search
