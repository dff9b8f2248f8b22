#include "toolkit/corpus_writer.h"

#include <catch2/catch.hpp>
#include <string>

#include "indexer/document_parser.h"

namespace yuimaru::toolkit {
namespace {

ExportDoc CaseDoc() {
  ExportDoc doc;
  core::DocRecord& r = doc.record;
  r.id = "CS-2024-901-P";
  r.title = "- 引用\"と\\: 記号 # を含む: 題名";
  r.doc_type = "支援事例";
  r.date = "2025-03-14";
  r.fiscal_year = 2024;
  r.confidentiality = "公開";
  r.facets = {{"status", {"公開承認済"}},
              {"industry", {"製造業"}},
              {"region", {"中部"}},
              {"ritou", {"離島"}},
              {"phase", {"①現状把握", "④実行支援"}},
              {"issues", {"販路開拓"}},
              {"consultants", {"K-07"}}};
  r.company_ids = {"C-0123"};
  r.tags = {"true", "#札", "a: b", "'単'", "null"};
  r.related = {"CS-2024-001"};
  r.markdown = "# 見出し\n\n本文: 1 行目\n";
  return doc;
}

indexer::ParseOutcome Parse(const std::string& text) {
  return indexer::ParseDocument("corpus/case/x.md", text, indexer::LintMode::kLenient);
}

TEST_CASE("CorpusWriter: values with YAML syntax in them read back as written", "[toolkit]") {
  const std::string text = CorpusDocument(CaseDoc(), Edition::kPublic);
  const auto parsed = Parse(text);
  INFO(text);
  for (const auto& e : parsed.errors) INFO(e.ToString());
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.doc.doc_id == "CS-2024-901-P");
  CHECK(parsed.doc.title == CaseDoc().record.title);
  CHECK(parsed.doc.tags == CaseDoc().record.tags);
  CHECK(parsed.doc.related == CaseDoc().record.related);
  CHECK(parsed.doc.body == "# 見出し\n\n本文: 1 行目\n");
}

TEST_CASE("CorpusWriter: a 公開 case passes the publication gate again and names no firm",
          "[toolkit]") {
  const std::string text = CorpusDocument(CaseDoc(), Edition::kPublic);
  const auto parsed = Parse(text);
  for (const auto& w : parsed.warnings) {
    INFO(w.ToString());
    CHECK_FALSE(w.rule.starts_with("publish/"));
  }
  CHECK(parsed.doc.base == core::Clearance::kPublic);
  CHECK(parsed.doc.company_ids.empty());
  CHECK(text.find("C-0123") == std::string::npos);
  CHECK(text.find("K-07") == std::string::npos);
  CHECK(text.find("consent: true") != std::string::npos);
  // Several phases go under the list key, and a yes/no field as true/false.
  CHECK(text.find("phases: [") != std::string::npos);
  CHECK(text.find("ritou: true") != std::string::npos);
}

TEST_CASE("CorpusWriter: 当局用 keeps the firm ids and the consultants", "[toolkit]") {
  ExportDoc doc = CaseDoc();
  doc.record.id = "CS-2024-901";
  doc.record.confidentiality = "内部";
  const auto parsed = Parse(CorpusDocument(doc, Edition::kAuthority));
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.doc.base == core::Clearance::kInternal);
  CHECK(parsed.doc.company_ids == std::vector<std::string>{"C-0123"});
  bool consultants = false;
  for (const auto& [key, labels] : parsed.doc.facets) consultants |= key == "consultants";
  CHECK(consultants);
}

TEST_CASE("CorpusWriter: a path is corpus/<type code>/<doc_id>.md", "[toolkit]") {
  CHECK(CorpusPath(CaseDoc()) == "corpus/case/CS-2024-901-P.md");
}

TEST_CASE("CorpusWriter: YAML scalars are plain only when nothing in them is syntax", "[toolkit]") {
  CHECK(YamlScalar("CS-2024-001") == "CS-2024-001");
  CHECK(YamlScalar("a: b") == "\"a: b\"");
  CHECK(YamlScalar("-x") == "\"-x\"");
  CHECK(YamlScalar("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"");
  CHECK(YamlScalar("null") == "\"null\"");
  CHECK(YamlScalar("") == "\"\"");
}

}  // namespace
}  // namespace yuimaru::toolkit
