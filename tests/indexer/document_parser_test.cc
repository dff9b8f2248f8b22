#include "indexer/document_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace yuimaru::indexer {
namespace {

constexpr char kGood[] = R"(---
doc_id: VM-2024-0153
doc_type: 訪問メモ
title: "C-0123 第4回訪問"
company_id: C-0123
date: 2024-11-08
fiscal_year: 2024
confidentiality: 内部
status: 確定
industry: 製造業
region: 北部
ritou: false
employees: 6〜20人
consultants: [K-07, K-12]
authors: [K-07]
phase: ②取組課題の提案
visit: {mode: 訪問, minutes: 90, seq: 4}
attendees:
  - role: 経営者
  - {id: K-07, role: 主担当}
issues: [事業承継, 人材育成・採用]
bridge_to: []
methods: [経営デザインシート]
next_visit: 2024-12-06
---

# 訪問メモ C-0123 第4回

## 対話の要点
後継者候補を交えて話した。

<!-- private:begin level="機密" reason="経営者の個人的事情" -->
経営者の健康のこと。
<!-- private:end -->
)";

bool HasLabel(const ParsedDoc& d, const std::string& key, const std::string& label) {
  for (const auto& [k, labels] : d.facets) {
    if (k == key) return std::find(labels.begin(), labels.end(), label) != labels.end();
  }
  return false;
}

TEST_CASE("DocumentParser: a complete visit memo passes strict checks and yields its facets",
          "[document_parser]") {
  const ParseOutcome r = ParseDocument("visits/VM-2024-0153.md", kGood, LintMode::kStrict);
  for (const auto& e : r.errors) WARN(e.ToString());
  REQUIRE(r.errors.empty());
  const ParsedDoc& d = r.doc;
  CHECK(d.doc_id == "VM-2024-0153");
  CHECK(d.doc_type == "訪問メモ");
  CHECK(d.fiscal_year == 2024);
  CHECK(d.base == core::Clearance::kInternal);
  CHECK(d.MaxLevel() == core::Clearance::kConfidential);
  CHECK(d.company_ids == std::vector<std::string>{"C-0123"});
  CHECK(HasLabel(d, "industry", "製造業"));
  CHECK(HasLabel(d, "phase", "②取組課題の提案"));
  CHECK(HasLabel(d, "issues", "人材育成・採用"));
  CHECK(HasLabel(d, "visit_mode", "訪問"));
  CHECK(HasLabel(d, "consultants", "K-12"));
  CHECK(HasLabel(d, "fiscal_year", "2024"));
  CHECK(HasLabel(d, "confidentiality", "内部"));
  CHECK(d.blocks.back().level == core::Clearance::kConfidential);
}

// A value of `field` that the parser accepts, and the label it yields.
std::string SampleValue(const core::FieldDef& field) {
  switch (field.type) {
    case core::FieldType::kYear:
      return "2024";
    case core::FieldType::kConsultants:
      return "K-07";
    default:
      return std::string(field.vocab.front().label);
  }
}

// `path: value` as front matter lines; a dotted path is a key inside a map.
std::string FrontMatterLines(std::string_view path, core::Shape shape, const std::string& value) {
  std::string key(path), indent;
  std::string out;
  if (const size_t dot = path.find('.'); dot != std::string_view::npos) {
    out += std::string(path.substr(0, dot)) + ":\n";
    key = std::string(path.substr(dot + 1));
    indent = "  ";
  }
  out += indent + key + ":";
  out += shape == core::Shape::kList ? "\n" + indent + "  - \"" + value + "\"\n"
                                     : " \"" + value + "\"\n";
  return out;
}

TEST_CASE("DocumentParser: every front matter key of the schema registry is read into its field",
          "[document_parser]") {
  for (const core::FieldDef& field : core::FacetFields()) {
    for (const core::FrontMatterKey& k : field.front_matter) {
      CAPTURE(field.key, k.path);
      const std::string value = SampleValue(field);
      // A ノウハウ・手法シート, unless the key is doc_type itself (whose sample is 企業カルテ).
      std::string text = k.path == "doc_type" ? "---\ndoc_id: KT-C0001\ntitle: 見本\n"
                                              : "---\ndoc_id: MS-0001\ntitle: 見本\n"
                                                "doc_type: ノウハウ・手法シート\n";
      // A 公開 sample is an approved one, or the publication gate would move it to 内部.
      if (k.path == "confidentiality") text += "status: 公開承認済\n";
      text += FrontMatterLines(k.path, k.shape, value) + "---\n\n本文\n";
      const ParseOutcome r = ParseDocument("methods/MS-0001.md", text, LintMode::kStrict);
      for (const auto& e : r.errors) {
        CAPTURE(e.ToString());
        CHECK(e.rule.ends_with(".missing"));  // only the other required keys are absent
      }
      CHECK(HasLabel(r.doc, std::string(field.key), value));
    }
  }
}

TEST_CASE("DocumentParser: every key the schema requires is a key the parser knows",
          "[document_parser]") {
  std::vector<std::string_view> keys(std::begin(core::kRequiredForEveryType),
                                     std::end(core::kRequiredForEveryType));
  for (const core::DocTypeDef& t : core::DocTypes()) {
    keys.insert(keys.end(), t.required.begin(), t.required.end());
  }
  keys.push_back("publication");  // required of a public copy (-P) of a case
  for (std::string_view key : keys) {
    CAPTURE(key);
    const std::string text = "---\ntitle: 見本\n" + std::string(key) + ": x\n---\n\n本文\n";
    const ParseOutcome r = ParseDocument("x.md", text, LintMode::kStrict);
    for (const auto& e : r.errors) CHECK(e.rule != "front-matter.key.unknown");
  }
  const ParseOutcome unknown =
      ParseDocument("x.md", "---\ntitle: 見本\nno_such_key: x\n---\n\n本文\n", LintMode::kStrict);
  bool flagged = false;
  for (const auto& e : unknown.errors) flagged = flagged || e.rule == "front-matter.key.unknown";
  CHECK(flagged);
}

TEST_CASE("DocumentParser: each broken field is named with its rule and line",
          "[document_parser]") {
  auto [from, to, rule, line] = GENERATE(table<std::string, std::string, std::string, int>({
      {"industry: 製造業", "industry: 製造", "", 0},  // 製造 is an accepted alias: no error
      {"industry: 製造業", "industry: 宇宙産業", "front-matter.industry.unknown", 10},
      {"fiscal_year: 2024", "fiscal_year: 2023", "front-matter.fiscal_year.mismatch", 7},
      {"date: 2024-11-08", "date: 2024-11-31", "front-matter.date.invalid", 6},
      {"consultants: [K-07, K-12]", "consultants: [K-07, 山田]", "front-matter.consultants.pattern",
       14},
      {"issues: [事業承継, 人材育成・採用]", "issues: [事業承継, 人手]",
       "front-matter.issues.unknown", 21},
      {"  - {id: K-07, role: 主担当}", "  - {id: 田中, role: 主担当}",
       "front-matter.attendees.pattern", 20},
      {"phase: ②取組課題の提案", "phase: ⑥", "front-matter.phase.unknown", 16},
  }));
  std::string text = kGood;
  text.replace(text.find(from), from.size(), to);
  const ParseOutcome r = ParseDocument("m.md", text, LintMode::kStrict);
  if (rule.empty()) {
    CHECK(r.errors.empty());
    return;
  }
  REQUIRE_FALSE(r.errors.empty());
  CHECK(r.errors[0].rule == rule);
  CHECK(r.errors[0].line == line);
  CHECK(r.errors[0].source == "m.md");
}

TEST_CASE("DocumentParser: uses_cases are kept apart from related, with duration_min and updated",
          "[document_parser]") {
  const std::string text =
      "---\ndoc_id: TR-2024-05\ndoc_type: 研修資料\ntitle: 研修\ndate: 2025-01-24\n"
      "updated: 2025-02-20\nduration_min: 180\nrelated: [MS-0001]\n"
      "uses_cases: [CS-2023-004-P, CS-2024-007-P]\n---\n本文。\n";
  const ParseOutcome r = ParseDocument("t.md", text, LintMode::kLenient);
  for (const auto& e : r.errors) WARN(e.ToString());
  REQUIRE(r.errors.empty());
  CHECK(r.doc.related == std::vector<std::string>{"MS-0001"});
  CHECK(r.doc.uses_cases == std::vector<std::string>{"CS-2023-004-P", "CS-2024-007-P"});
  CHECK(r.doc.duration_min == 180);
  CHECK(r.doc.updated == "2025-02-20");
  // lint --strict checks every id named, whichever key named it.
  REQUIRE(r.doc.related_refs.size() == 3);
  CHECK(r.doc.related_refs[0].key == "related");
  CHECK(r.doc.related_refs[1].key == "uses_cases");
  CHECK(r.doc.related_refs[2].id == "CS-2024-007-P");
  CHECK(r.doc.related_refs[2].line == 9);

  const ParseOutcome bad = ParseDocument(
      "t.md", "---\ntitle: 研修\nduration_min: 三時間\nupdated: 2025-02-30\n---\n本文。\n",
      LintMode::kLenient);
  REQUIRE(bad.errors.size() == 2);
  CHECK(bad.errors[0].rule == "front-matter.duration_min.invalid");
  CHECK(bad.errors[1].rule == "front-matter.updated.invalid");
  CHECK(bad.doc.duration_min == 0);
  CHECK(bad.doc.updated.empty());
}

TEST_CASE("DocumentParser: an unknown value message offers the nearest allowed labels",
          "[document_parser]") {
  std::string text = kGood;
  text.replace(text.find("industry: 製造業"), std::string("industry: 製造業").size(),
               "industry: 建設");
  text.replace(text.find("industry: 建設"), std::string("industry: 建設").size(),
               "industry: 建築業");
  const ParseOutcome r = ParseDocument("m.md", text, LintMode::kLenient);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("建築業") != std::string::npos);
  CHECK(r.errors[0].message.find("建設業") != std::string::npos);
}

TEST_CASE("DocumentParser: strict mode requires the type's schema, lenient mode only a title",
          "[document_parser]") {
  const std::string minimal = "---\ndoc_id: a10336-p0\ntitle: ウィキ\n---\n本文。\n";
  CHECK(ParseDocument("a.md", minimal, LintMode::kLenient).errors.empty());
  const ParseOutcome strict = ParseDocument("a.md", minimal, LintMode::kStrict);
  REQUIRE_FALSE(strict.errors.empty());
  bool missing_doc_type = false;
  for (const auto& e : strict.errors) missing_doc_type |= e.rule == "front-matter.doc_type.missing";
  CHECK(missing_doc_type);
}

TEST_CASE("DocumentParser: without title or doc_id the first heading and the path stand in",
          "[document_parser]") {
  const ParseOutcome r =
      ParseDocument("notes/x.md", "前文\n\n## 最初の見出し\n本文\n", LintMode::kLenient);
  REQUIRE(r.errors.empty());
  CHECK(r.doc.title.empty());
  CHECK(r.doc.TitleAt(core::Clearance::kInternal) == "最初の見出し");
  CHECK(r.doc.doc_id == "notes/x.md");
  CHECK(r.doc.base == core::Clearance::kInternal);  // no 機密区分: the safe default
}

TEST_CASE("DocumentParser: bytes that are not UTF-8 are reported with line and column",
          "[document_parser]") {
  const ParseOutcome r =
      ParseDocument("bad.md", "---\ntitle: a\n---\n本文\nここで\xff壊れる\n", LintMode::kLenient);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].rule == "file.invalid-utf8");
  CHECK(r.errors[0].line == 5);
  CHECK(r.errors[0].column == 4);
}

// Found by the hostile files (tests/data/hostile-files): a NUL byte is valid UTF-8, and such a
// file was indexed with the byte in its stored text.
TEST_CASE("DocumentParser: a NUL byte rejects the file at its line and column",
          "[document_parser]") {
  const std::string text = std::string("---\ntitle: a\n---\n本文\nここで") + '\0' + "壊れる\n";
  const ParseOutcome r = ParseDocument("nul.md", text, LintMode::kLenient);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].rule == "file.nul-byte");
  CHECK(r.errors[0].line == 5);
  CHECK(r.errors[0].column == 4);
}

// An invalid doc_id also drew the warning "doc_id がないためパスを ID にしました", which says the
// opposite of what is wrong.
TEST_CASE("DocumentParser: an invalid doc_id is one error, not also a missing one",
          "[document_parser]") {
  for (const LintMode mode : {LintMode::kLenient, LintMode::kStrict}) {
    const ParseOutcome r =
        ParseDocument("id.md", "---\ndoc_id: \"A B\"\ntitle: t\n---\n本文\n", mode);
    CHECK(r.warnings.empty());
    bool invalid = false;
    for (const auto& e : r.errors) {
      CHECK(e.rule != "front-matter.doc_id.missing");
      invalid = invalid || e.rule == "front-matter.doc_id.invalid";
    }
    CHECK(invalid);
  }
}

TEST_CASE("DocumentParser: files over the size cap are refused before parsing",
          "[document_parser]") {
  const std::string huge(kMaxFileBytes + 1, 'a');
  const ParseOutcome r = ParseDocument("big.md", huge, LintMode::kLenient);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].rule == "file.too-large");
}

// The same document with LF, CR LF, bare CR and mixed line ends: one reading of each.
TEST_CASE("DocumentParser: every kind of line end reads the same, private sections included",
          "[document_parser]") {
  const std::string lf =
      "---\ndoc_id: CS-2024-901\ntitle: 改行の試験\nconfidentiality: 公開\n---\n\n"
      "公開の段落。\n<!-- private:begin level=\"機密\" -->\n秘密の一行目CANARY1\n"
      "秘密の二行目CANARY2\n<!-- private:end -->\n後の段落。\n";
  auto with = [&](const std::string& eol, bool mixed) {
    std::string out;
    int n = 0;
    for (char c : lf) {
      if (c != '\n') {
        out.push_back(c);
        continue;
      }
      out += mixed ? (n % 3 == 0 ? "\r" : n % 3 == 1 ? "\r\n" : "\n") : eol;
      ++n;
    }
    return out;
  };
  const ParseOutcome want = ParseDocument("lf.md", lf, LintMode::kLenient);
  REQUIRE(want.errors.empty());
  auto [eol, mixed] =
      GENERATE(table<std::string, bool>({{"\r\n", false}, {"\r", false}, {"", true}}));
  const std::string text = with(eol, mixed);
  CAPTURE(eol, mixed);
  const ParseOutcome got = ParseDocument("x.md", text, LintMode::kLenient);
  REQUIRE(got.errors.empty());
  CHECK(got.doc.body == want.doc.body);
  CHECK(got.doc.body.find('\r') == std::string::npos);
  REQUIRE(got.doc.blocks.size() == want.doc.blocks.size());
  for (size_t i = 0; i < got.doc.blocks.size(); ++i) {
    CHECK(got.doc.blocks[i].line == want.doc.blocks[i].line);
    CHECK(got.doc.blocks[i].level == want.doc.blocks[i].level);
  }
  const std::string shown = core::VisibleMarkdown(got.doc.body, got.doc.body_first_line,
                                                  got.doc.private_ranges, core::Clearance::kPublic);
  CHECK(shown.find("CANARY") == std::string::npos);
}

TEST_CASE("DocumentParser: a duplicate front matter key rejects the file, at any depth",
          "[document_parser]") {
  auto text = GENERATE(
      as<std::string>{}, "---\ntitle: a\nconfidentiality: 機密\nconfidentiality: 公開\n---\n本文\n",
      "---\ntitle: a\nconfidentiality: 機密\n\"confidentiality\": 公開\n---\n本文\n",
      "---\ntitle: a\nconfidentiality: 機密\r\nconfidentiality: 公開\r\n---\r\n本文\n",
      "---\n{title: a, confidentiality: 機密, confidentiality: 公開}\n---\n本文\n",
      "---\ntitle: a\nvisit: {mode: 訪問, mode: 電話}\n---\n本文\n");
  CAPTURE(text);
  const ParseOutcome r = ParseDocument("dup.md", text, LintMode::kLenient);
  REQUIRE_FALSE(r.errors.empty());
  CHECK(r.errors[0].rule == "front-matter.key.duplicate");
  CHECK(r.errors[0].line >= 2);
}

TEST_CASE("DocumentParser: a heading in a private section never titles a lower view",
          "[document_parser]") {
  const std::string body =
      "<!-- private:begin level=\"機密\" -->\n# 秘密の社名入り見出し\n本文\n<!-- private:end "
      "-->\n\n"
      "## 公開の見出し\n";
  const ParseOutcome untitled = ParseDocument(
      "a.md", "---\ndoc_id: A-1\nconfidentiality: 公開\nstatus: 公開承認済\n---\n" + body,
      LintMode::kLenient);
  REQUIRE(untitled.errors.empty());
  CHECK(untitled.doc.TitleAt(core::Clearance::kPublic) == "公開の見出し");
  CHECK(untitled.doc.TitleAt(core::Clearance::kConfidential) == "秘密の社名入り見出し");
  const ParseOutcome only_private = ParseDocument(
      "b.md",
      "---\ndoc_id: B-1\nconfidentiality: 公開\n---\n<!-- private:begin level=\"機密\" -->\n"
      "# 秘密の見出し\n<!-- private:end -->\n本文\n",
      LintMode::kLenient);
  REQUIRE(only_private.errors.empty());
  CHECK(only_private.doc.TitleAt(core::Clearance::kPublic) == "B-1");
  const ParseOutcome titled =
      ParseDocument("c.md", "---\ndoc_id: C-1\ntitle: 表題\nconfidentiality: 公開\n---\n" + body,
                    LintMode::kLenient);
  CHECK(titled.doc.TitleAt(core::Clearance::kPublic) == "表題");
}

TEST_CASE("DocumentParser: UTF-16 files and deep YAML are named for what they are",
          "[document_parser]") {
  const std::string text = "---\ntitle: テスト\n---\n本文\n";
  std::string le = "\xFF\xFE", be, no_bom;
  for (unsigned char c : std::string("---\ntitle: t\n---\nbody text here\n")) {
    le += std::string(1, static_cast<char>(c)) + '\0';
    be += std::string(1, '\0') + static_cast<char>(c);
    no_bom += std::string(1, static_cast<char>(c)) + '\0';
  }
  for (const std::string& bytes : {le, be, no_bom}) {
    const ParseOutcome r = ParseDocument("u16.md", bytes, LintMode::kLenient);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].rule == "file.utf16");
  }
  const ParseOutcome deep = ParseDocument(
      "deep.md",
      "---\ntitle: a\nx: " + std::string(10000, '[') + std::string(10000, ']') + "\n---\n本文\n",
      LintMode::kLenient);
  REQUIRE_FALSE(deep.errors.empty());
  CHECK(deep.errors[0].rule == "front-matter.too-deep");
  CHECK(deep.errors[0].line == 3);
  CHECK(deep.errors[0].message.find("16") != std::string::npos);
  CHECK(ParseDocument("ok.md", text, LintMode::kLenient).errors.empty());
}

}  // namespace
}  // namespace yuimaru::indexer
