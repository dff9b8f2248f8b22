#include "core/schema.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace yuimaru::core {
namespace {

TEST_CASE("Schema: fields are found by key and by Japanese label", "[schema]") {
  REQUIRE(FindField("industry") != nullptr);
  CHECK(FindField("業種") == FindField("industry"));
  CHECK(FindField("文書種別") == FindField("doc_type"));
  CHECK(FindField("phases") == FindField("phase"));
  CHECK(FindField("nonsense") == nullptr);
}

TEST_CASE("Schema: values match by label, code and alias, whatever the punctuation and width",
          "[schema]") {
  auto [key, text, label] = GENERATE(table<std::string, std::string, std::string>({
      {"industry", "製造業", "製造業"},
      {"industry", "E", "製造業"},
      {"industry", "農業，林業", "農業、林業"},
      {"industry", "宿泊業・飲食サービス業", "宿泊業、飲食サービス業"},
      {"industry", "サービス業（他に分類されないもの）", "サービス業（他に分類されないもの）"},
      {"employees", "6～20人", "6〜20人"},
      {"employees", "6~20人", "6〜20人"},
      {"phase", "①", "①現状把握"},
      {"phase", "4", "④実行支援"},
      {"phase", "フォローアップ", "⑤支援終了後の対応"},
      {"issues", "ＤＸ・ＩＴ活用", "DX・IT活用"},
      {"bridge_to", "ISCO", "IT・DX支援機関"},
      {"doc_type", "訪問メモ", "訪問メモ"},
      {"doc_type", "visit-memo", "訪問メモ"},
      {"ritou", "true", "離島"},
      {"fiscal_year", "令和6年度", "2024"},
      {"consultants", "K-07", "K-07"},
      {"revenue_band", "1億円以上5億円未満", "1億〜5億円未満"},
  }));
  CAPTURE(key, text);
  const FieldDef* f = FindField(key);
  REQUIRE(f != nullptr);
  const auto id = FindValue(*f, text);
  REQUIRE(id.has_value());
  CHECK(ValueLabel(*f, *id) == label);
}

TEST_CASE("Schema: unknown values are not guessed, and the nearest labels are offered",
          "[schema]") {
  const FieldDef& industry = *FindField("industry");
  CHECK(FindValue(industry, "製造").has_value());  // a declared alias
  CHECK_FALSE(FindValue(industry, "宇宙産業").has_value());
  const auto near = NearestLabels(industry, "建設", 3);
  REQUIRE_FALSE(near.empty());
  CHECK(near.front() == "建設業");
}

TEST_CASE("Schema: filter terms are prefix plus code", "[schema]") {
  const FieldDef& industry = *FindField("industry");
  CHECK(FilterTerm(industry, *FindValue(industry, "製造業")) == "XI:E");
  const FieldDef& fy = *FindField("fiscal_year");
  CHECK(FilterTerm(fy, *FindValue(fy, "2024")) == "XY:2024");
}

TEST_CASE("Schema: a label is text when its field says so, and of a yes/no field only yes",
          "[schema]") {
  const FieldDef* ritou = FindField("ritou");
  REQUIRE(ritou != nullptr);
  CHECK(IsIndexedLabel(*ritou, "離島"));
  CHECK_FALSE(IsIndexedLabel(*ritou, "離島以外"));
  CHECK(IsIndexedLabel(*FindField("employees"), "5人以下"));
  size_t not_indexed = 0;
  for (const FieldDef& field : FacetFields()) {
    if (field.label_text != LabelText::kNotIndexed) continue;
    for (size_t id = 0; id < field.vocab.size(); ++id) {
      CHECK_FALSE(IsIndexedLabel(field, ValueLabel(field, static_cast<int>(id))));
      ++not_indexed;
    }
  }
  CHECK(not_indexed > 0);
  // IndexedLabels lists the same values, each with its filter term.
  std::set<std::string> terms;
  for (const IndexedLabel& l : IndexedLabels()) {
    CHECK(IsIndexedLabel(*l.field, ValueLabel(*l.field, l.value_id)));
    CHECK(l.term == FilterTerm(*l.field, l.value_id));
    terms.insert(l.term);
  }
  CHECK(terms.count(FilterTerm(*ritou, *FindValue(*ritou, "true"))) == 1);
  CHECK(terms.count(FilterTerm(*ritou, *FindValue(*ritou, "false"))) == 0);
  CHECK(terms.count(
            FilterTerm(*FindField("employees"), *FindValue(*FindField("employees"), "e5"))) == 1);
}

TEST_CASE("Schema: clearances parse from labels and codes and are ordered", "[schema]") {
  CHECK(ParseClearance("公開") == Clearance::kPublic);
  CHECK(ParseClearance("internal") == Clearance::kInternal);
  CHECK(ParseClearance("機密") == Clearance::kConfidential);
  CHECK_FALSE(ParseClearance("極秘").has_value());
  CHECK(Clearance::kPublic < Clearance::kConfidential);
}

TEST_CASE("Schema: every field is shown in the sidebar or on the dashboard, or says why not",
          "[schema]") {
  for (const FieldDef& f : FacetFields()) {
    CAPTURE(f.key);
    const bool shown = f.sidebar > 0 || f.chart > 0;
    CHECK((shown || !f.hidden_reason.empty()));
    CHECK((f.chart == 0 || !f.chart_title.empty()));
  }
}

TEST_CASE("Schema: sidebar and chart positions are unique and give the order of the lists",
          "[schema]") {
  std::set<int> sidebar, charts;
  for (const FieldDef& f : FacetFields()) {
    CAPTURE(f.key);
    if (f.sidebar > 0) CHECK(sidebar.insert(f.sidebar).second);
    if (f.chart > 0) CHECK(charts.insert(f.chart).second);
  }
  const auto listed = SidebarFields();
  REQUIRE(listed.size() == sidebar.size());
  for (size_t i = 1; i < listed.size(); ++i) CHECK(listed[i - 1]->sidebar < listed[i]->sidebar);
  const auto drawn = ChartFields();
  REQUIRE(drawn.size() == charts.size());
  for (size_t i = 1; i < drawn.size(); ++i) CHECK(drawn[i - 1]->chart < drawn[i]->chart);
}

TEST_CASE("Schema: every field is read from front matter, each key feeding one field", "[schema]") {
  std::set<std::string_view> paths;
  for (const FieldDef& f : FacetFields()) {
    CAPTURE(f.key);
    CHECK_FALSE(f.front_matter.empty());
    for (const FrontMatterKey& k : f.front_matter) {
      CAPTURE(k.path);
      CHECK(paths.insert(k.path).second);
      const FrontMatterBinding b = BindFrontMatterKey(k.path);
      CHECK(b.field == &f);
      CHECK(b.shape == k.shape);
    }
  }
  CHECK(BindFrontMatterKey("phases").shape == Shape::kList);
  CHECK(BindFrontMatterKey("visit.mode").field == FindField("visit_mode"));
  CHECK(FindField("visit.mode") == nullptr);  // a nested key is no name of the field
  CHECK(BindFrontMatterKey("title").field == nullptr);
}

TEST_CASE("Schema: the values of doc_type are the document types, in order", "[schema]") {
  const FieldDef& doc_type = *FindField("doc_type");
  REQUIRE(doc_type.vocab.size() == DocTypes().size());
  for (size_t i = 0; i < DocTypes().size(); ++i) {
    CHECK(doc_type.vocab[i].code == DocTypes()[i].code);
    CHECK(doc_type.vocab[i].label == DocTypes()[i].label);
    CHECK(FindDocType(DocTypes()[i].label) == &DocTypes()[i]);
  }
  CHECK(FindDocType("カルテ")->code == "karte");
}

}  // namespace
}  // namespace yuimaru::core
