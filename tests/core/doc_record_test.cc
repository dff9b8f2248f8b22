#include "search/core/doc_record.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("DocRecord: every field survives encoding", "[doc_record]") {
  DocRecord r;
  r.id = "CS-2024-007";
  r.title = "「継ぐか、畳むか」から";
  r.doc_type = "支援事例";
  r.path = "corpus/cases/CS-2024-007.md";
  r.date = "2025-03-14";
  r.fiscal_year = 2024;
  r.confidentiality = "内部";
  r.view_level = Clearance::kConfidential;
  r.facets = {{"industry", {"製造業"}}, {"issues", {"事業承継", "販路開拓"}}};
  r.meta = {{"業種", "製造業"}};
  r.related = {"KT-C0123"};
  r.blocks = {{BlockKind::kHeading, 2, Clearance::kInternal, 40, "概要"},
              {BlockKind::kText, 0, Clearance::kConfidential, 58, "売上高の実数"}};
  r.markdown = "## 概要\n";
  const auto back = DecodeDocRecord(EncodeDocRecord(r));
  REQUIRE(back);
  CHECK(back->id == r.id);
  CHECK(back->title == r.title);
  CHECK(back->fiscal_year == 2024);
  CHECK(back->view_level == Clearance::kConfidential);
  CHECK(back->facets == r.facets);
  CHECK(back->meta == r.meta);
  CHECK(back->related == r.related);
  REQUIRE(back->blocks.size() == 2);
  CHECK(back->blocks[1].text == "売上高の実数");
  CHECK(back->blocks[1].level == Clearance::kConfidential);
  CHECK(back->blocks[1].position == 58);
  CHECK(back->markdown == r.markdown);
}

TEST_CASE("DocRecord: garbage is reported, not trusted", "[doc_record]") {
  const auto r = DecodeDocRecord("not msgpack at all");
  REQUIRE_FALSE(r);
  CHECK(r.error().rule == "index.data.corrupt");
}

}  // namespace
}  // namespace yuimaru::core
