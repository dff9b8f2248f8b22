#include "indexer/document_builder.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "core/doc_record.h"
#include "core/schema.h"
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

TEST_CASE(
    "DocumentBuilder: a document tagged with a value of core::IndexedLabels has its term and its "
    "normalized label in the text",
    "[document_builder]") {
  // The search's text check takes the term as proof of any run inside the label; this is the
  // promise it rests on, for every such value, alone and among all the values of its field.
  auto analyzer = core::Analyzer::Create();
  REQUIRE(analyzer);
  const ParsedDoc plain = Parse("---\ndoc_id: d\ntitle: 題\n---\n本文\n");
  auto tagged = [&](const std::vector<const core::IndexedLabel*>& labels) {
    ParsedDoc doc = plain;
    for (const core::IndexedLabel* l : labels) {
      const auto field = static_cast<uint32_t>(core::FieldIndex(*l->field));
      doc.facet_codes.push_back({field, static_cast<uint32_t>(l->value_id)});
      const std::string key(l->field->key);
      auto it = std::find_if(doc.facets.begin(), doc.facets.end(),
                             [&](const auto& kv) { return kv.first == key; });
      if (it == doc.facets.end()) it = doc.facets.insert(doc.facets.end(), {key, {}});
      it->second.push_back(core::ValueLabel(*l->field, l->value_id));
    }
    return BuildDocument(doc, Clearance::kConfidential, *analyzer);
  };
  REQUIRE(core::IndexedLabels().size() > 50);
  std::map<const core::FieldDef*, std::vector<const core::IndexedLabel*>> by_field;
  for (const core::IndexedLabel& l : core::IndexedLabels()) {
    CAPTURE(l.field->key, l.normalized);
    const Xapian::Document x = tagged({&l});
    CHECK(Terms(x).count(l.term) == 1);
    CHECK(core::UnpackText(x.get_value(core::kTextSlot))->find(l.normalized) != std::string::npos);
    by_field[l.field].push_back(&l);
  }
  for (const auto& [field, labels] : by_field) {
    CAPTURE(field->key);
    const Xapian::Document x = tagged(labels);
    const std::string text = *core::UnpackText(x.get_value(core::kTextSlot));
    for (const core::IndexedLabel* l : labels) {
      CAPTURE(l->normalized);
      CHECK(Terms(x).count(l->term) == 1);
      CHECK(text.find(l->normalized) != std::string::npos);
    }
  }
}

}  // namespace
}  // namespace yuimaru::indexer
