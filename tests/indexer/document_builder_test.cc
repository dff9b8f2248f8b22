#include "indexer/document_builder.h"

#include <catch2/catch.hpp>
#include <set>

#include "search/core/doc_record.h"

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
  std::string text = "---\ndoc_id: d\ntitle: t\nconfidentiality: " + base + "\n---\n本文\n";
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
      "---\ndoc_id: CS-1\ntitle: 公開の題\nconfidentiality: 公開\nindustry: 製造業\n---\n"
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

TEST_CASE("DocumentBuilder: bigram positions are consecutive within a block and never span two",
          "[document_builder]") {
  auto analyzer = core::Analyzer::Create();
  REQUIRE(analyzer);
  const ParsedDoc doc = Parse("---\ndoc_id: d\ntitle: 承継\n---\n事業承継\n");
  const Xapian::Document x = BuildDocument(doc, Clearance::kConfidential, *analyzer);
  auto positions = [&](const std::string& term) {
    std::vector<Xapian::termpos> out;
    for (auto it = x.termlist_begin(); it != x.termlist_end(); ++it) {
      if (*it != term) continue;
      for (auto p = it.positionlist_begin(); p != it.positionlist_end(); ++p) out.push_back(*p);
    }
    return out;
  };
  CHECK(positions("B承継") == std::vector<Xapian::termpos>{0, 2 + core::kBlockGap + 2});
  CHECK(positions("B事業") == std::vector<Xapian::termpos>{2 + core::kBlockGap});
  CHECK(positions("B業承") == std::vector<Xapian::termpos>{2 + core::kBlockGap + 1});
}

}  // namespace
}  // namespace yuimaru::indexer
