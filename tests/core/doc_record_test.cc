#include "core/doc_record.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "core/text_pack.h"

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
  r.company_ids = {"C-0123"};
  r.related = {"KT-C0123"};
  r.markdown = "## 概要\n";
  const auto back = DecodeDocRecord(EncodeDocRecord(r));
  REQUIRE(back);
  CHECK(back->id == r.id);
  CHECK(back->title == r.title);
  CHECK(back->fiscal_year == 2024);
  CHECK(back->view_level == Clearance::kConfidential);
  CHECK(back->facets == r.facets);
  CHECK(back->company_ids == r.company_ids);
  const auto meta = DisplayMeta(*back);
  REQUIRE(meta.size() >= 6);
  CHECK(meta[0] == std::make_pair(std::string("文書ID"), std::string("CS-2024-007")));
  CHECK(std::find(meta.begin(), meta.end(),
                  std::make_pair(std::string("課題"), std::string("事業承継, 販路開拓"))) !=
        meta.end());
  CHECK(std::find(meta.begin(), meta.end(),
                  std::make_pair(std::string("年度"), std::string("2024年度（令和6年度）"))) !=
        meta.end());
  CHECK(back->related == r.related);
  CHECK(back->markdown == r.markdown);
}

TEST_CASE(
    "DocRecord: next_visit is stored when set, and a record written without it reads as "
    "empty",
    "[doc_record]") {
  DocRecord r;
  r.id = "VM-2024-0153";
  r.next_visit = "2024-12-06";
  const std::string with = EncodeDocRecord(r);
  REQUIRE(DecodeDocRecord(with));
  CHECK(DecodeDocRecord(with)->next_visit == "2024-12-06");
  r.next_visit.clear();
  const std::string without = EncodeDocRecord(r);
  CHECK(without.size() < with.size());  // no key at all: the format of older indexes
  REQUIRE(DecodeDocRecord(without));
  CHECK(DecodeDocRecord(without)->next_visit.empty());
}

TEST_CASE(
    "DocRecord: uses_cases, duration_min and updated are stored when set, and an older record "
    "reads as unset",
    "[doc_record]") {
  DocRecord r;
  r.id = "TR-2024-05";
  r.related = {"MS-0001"};
  r.uses_cases = {"CS-2023-004-P", "CS-2024-007-P"};
  r.duration_min = 180;
  r.updated = "2025-02-20";
  const std::string with = EncodeDocRecord(r);
  const auto back = DecodeDocRecord(with);
  REQUIRE(back);
  CHECK(back->related == r.related);
  CHECK(back->uses_cases == r.uses_cases);
  CHECK(back->duration_min == 180);
  CHECK(back->updated == "2025-02-20");
  const auto meta = DisplayMeta(*back);
  CHECK(std::find(meta.begin(), meta.end(),
                  std::make_pair(std::string("所要時間（分）"), std::string("180"))) != meta.end());

  r.uses_cases.clear();
  r.duration_min = 0;
  r.updated.clear();
  const std::string without = EncodeDocRecord(r);
  CHECK(without.size() < with.size());  // no keys at all: the format of older indexes
  const auto old = DecodeDocRecord(without);
  REQUIRE(old);
  CHECK(old->uses_cases.empty());
  CHECK(old->duration_min == 0);
  CHECK(old->updated.empty());
  for (const auto& [label, value] : DisplayMeta(*old)) CHECK(label != "所要時間（分）");
}

TEST_CASE("DocRecord: a document's state is of its `updated`, unless that is not later",
          "[doc_record]") {
  DocRecord r;
  r.date = "2024-07-01";
  r.fiscal_year = 2024;
  CHECK(StateDate(r) == "2024-07-01");
  CHECK(StateFiscalYear(r) == 2024);
  r.updated = "2025-08-20";
  CHECK(StateDate(r) == "2025-08-20");
  CHECK(StateFiscalYear(r) == 2025);
  r.updated = "2024-03-01";  // before its date: a slip
  CHECK(StateDate(r) == "2024-07-01");
  CHECK(StateFiscalYear(r) == 2024);
}

TEST_CASE("DocRecord: garbage is reported, not trusted", "[doc_record]") {
  const auto r = DecodeDocRecord("not msgpack at all");
  REQUIRE_FALSE(r);
  CHECK(r.error().rule == "index.data.corrupt");
}

}  // namespace
}  // namespace yuimaru::core

namespace yuimaru::core {
namespace {

TEST_CASE("packed texts: deflated behind a marker, unpacked exactly; plain values pass through") {
  const std::string text =
      "dxの題\n見出し\n本文のつづき。資金繰り表を毎月更新し、資金繰り表で判断する。";
  const std::string packed = PackText(text);
  CHECK(packed[0] == '\x01');
  CHECK(packed.find("資金繰り") == std::string::npos);
  CHECK(*UnpackText(packed) == text);
  CHECK(*UnpackText("plain text of an older index") == "plain text of an older index");
  CHECK(*UnpackText(PackText("")) == "");
  std::string corrupt = packed;
  corrupt[corrupt.size() / 2] ^= 0x55;
  corrupt.resize(corrupt.size() - 3);
  CHECK_FALSE(UnpackText(corrupt));
}

}  // namespace
}  // namespace yuimaru::core
