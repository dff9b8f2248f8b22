#include "indexer/document_builder.h"

#include <catch2/catch.hpp>
#include <set>

#include "core/doc_record.h"
#include "core/text_pack.h"

namespace yuimaru::indexer {
namespace {

using core::Clearance;

ParsedDoc Parse(const std::string& text) {
  const ParseOutcome r = ParseDocument("d.md", text, LintMode::kLenient);
  for (const auto& e : r.errors) WARN(e.ToString());
  REQUIRE(r.errors.empty());
  return r.doc;
}

std::set<std::string> Terms(const Xapian::Document& d) {
  std::set<std::string> out;
  for (auto it = d.termlist_begin(); it != d.termlist_end(); ++it) out.insert(*it);
  return out;
}

TEST_CASE("DocumentBuilder: versions follow the levels of the private sections",
          "[document_builder]") {
  auto [base, sections, expected] =
      GENERATE(table<std::string, std::string, std::vector<std::pair<int, int>>>({
          {"公開", "", {{0, 2}}},
          {"内部", "", {{1, 2}}},
          {"公開", "機密", {{0, 1}, {2, 2}}},
          {"公開", "内部", {{0, 0}, {1, 2}}},
          {"内部", "機密", {{1, 1}, {2, 2}}},
          {"機密", "機密", {{2, 2}}},
      }));
  std::string text =
      "---\ndoc_id: d\ntitle: t\nconfidentiality: " + base + "\nstatus: 公開承認済\n---\n本文\n";
  if (!sections.empty()) {
    text += "\n<!-- private:begin level=\"" + sections + "\" -->\n\n秘密\n\n<!-- private:end -->\n";
  }
  std::vector<std::pair<int, int>> got;
  for (const auto& v : VersionsOf(Parse(text)))
    got.emplace_back(static_cast<int>(v.lo), static_cast<int>(v.hi));
  CHECK(got == expected);
}

TEST_CASE("DocumentBuilder: a lower view holds no term and no text of a higher section",
          "[document_builder]") {
  auto analyzer = core::Analyzer::Create();
  REQUIRE(analyzer);
  const ParsedDoc doc = Parse(
      "---\ndoc_id: CS-1\ntitle: 公開の題\nconfidentiality: 公開\nstatus: 公開承認済\nindustry: "
      "製造業\n---\n"
      "誰でも読める本文。\n\n<!-- private:begin level=\"機密\" "
      "-->\n\n極秘の売上高は九億円。\n\n<!-- private:end -->\n");
  const Xapian::Document pub = BuildDocument(doc, Clearance::kPublic, *analyzer);
  const Xapian::Document conf = BuildDocument(doc, Clearance::kConfidential, *analyzer);
  const auto pub_terms = Terms(pub), conf_terms = Terms(conf);
  CHECK(conf_terms.count("B極秘"));
  CHECK_FALSE(pub_terms.count("B極秘"));
  CHECK_FALSE(pub_terms.count("B九億"));
  CHECK(pub_terms.count("B誰で"));
  CHECK(pub_terms.count("XI:E"));
  CHECK(pub_terms.count("QCS-1"));
  CHECK(pub.get_data().find("極秘") == std::string::npos);
  const auto record = core::DecodeDocRecord(pub.get_data());
  REQUIRE(record);
  CHECK(record->view_level == Clearance::kPublic);
  CHECK(record->markdown.find("極秘") == std::string::npos);
}

TEST_CASE("DocumentBuilder: the normalized text of the view is kept, one block per line",
          "[document_builder]") {
  auto analyzer = core::Analyzer::Create();
  REQUIRE(analyzer);
  const ParsedDoc doc = Parse(
      "---\ndoc_id: d\ntitle: ＤＸの題\nconfidentiality: 内部\n---\n# "
      "見出し\n\n本文の\nつづき。\n\n"
      "<!-- private:begin level=\"機密\" -->\n\n秘密の段落。\n\n<!-- private:end -->\n");
  CHECK(*core::UnpackText(
            BuildDocument(doc, Clearance::kInternal, *analyzer).get_value(core::kTextSlot)) ==
        "dxの題\n見出し\n本文のつづき。");
  CHECK(*core::UnpackText(
            BuildDocument(doc, Clearance::kConfidential, *analyzer).get_value(core::kTextSlot)) ==
        "dxの題\n見出し\n本文のつづき。\n秘密の段落。");
}

TEST_CASE("DocumentBuilder: title words weigh more than body words", "[document_builder]") {
  auto analyzer = core::Analyzer::Create();
  REQUIRE(analyzer);
  const ParsedDoc doc = Parse("---\ndoc_id: d\ntitle: 承継\n---\n## 承継\n\n事業承継の話。\n");
  const Xapian::Document x = BuildDocument(doc, Clearance::kConfidential, *analyzer);
  auto wdf = [&](const std::string& term) {
    auto it = x.termlist_begin();
    it.skip_to(term);
    return it != x.termlist_end() && *it == term ? it.get_wdf() : 0;
  };
  CHECK(wdf("B承継") == core::kTitleWdf + core::kHeadingWdf + core::kBodyWdf);
  CHECK(wdf("B事業") == core::kBodyWdf);
  CHECK(wdf("承継") == core::kTitleWdf + core::kHeadingWdf + core::kBodyWdf);
  // The title's terms again under kTitlePrefix, and only the title's: 事業 is in the body only.
  CHECK(wdf("T承継") == 1);
  CHECK(wdf("TB承継") == 1);
  CHECK(wdf("TB事業") == 0);
  CHECK(wdf("U承") == core::kTitleWdf + core::kHeadingWdf + core::kBodyWdf);
  for (const std::string& t : Terms(x)) {
    if (t.rfind(core::kTitlePrefix, 0) == 0) {
      CHECK((t == "T承継" || t == "TB承継" || t == "TU承" || t == "TU継"));
    }
  }
}

TEST_CASE(
    "DocumentBuilder: a 研修資料's cases are a term each and their own list in the record, apart "
    "from related",
    "[document_builder]") {
  auto analyzer = core::Analyzer::Create();
  REQUIRE(analyzer);
  const ParsedDoc doc = Parse(
      "---\ndoc_id: TR-1\ndoc_type: 研修資料\ntitle: 研修\nduration_min: 90\n"
      "updated: 2025-02-20\nrelated: [MS-0001]\nuses_cases: [CS-1-P, CS-2-P]\n---\n本文\n");
  const Xapian::Document x = BuildDocument(doc, Clearance::kConfidential, *analyzer);
  const std::set<std::string> terms = Terms(x);
  CHECK(terms.count(std::string(core::kUsesCasePrefix) + "CS-1-P"));
  CHECK(terms.count(std::string(core::kUsesCasePrefix) + "CS-2-P"));
  CHECK_FALSE(terms.count(std::string(core::kUsesCasePrefix) + "MS-0001"));
  const auto record = core::DecodeDocRecord(x.get_data());
  REQUIRE(record);
  CHECK(record->related == std::vector<std::string>{"MS-0001"});
  CHECK(record->uses_cases == std::vector<std::string>{"CS-1-P", "CS-2-P"});
  CHECK(record->duration_min == 90);
  CHECK(record->updated == "2025-02-20");
}

}  // namespace
}  // namespace yuimaru::indexer
