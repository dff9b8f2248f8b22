#include "indexer/document_parser.h"

#include <algorithm>
#include <functional>
#include <regex>
#include <set>
#include <tuple>
#include <utility>

#include "core/fiscal_year.h"
#include "core/utf8.h"
#include "indexer/front_matter.h"
#include "indexer/publication_gate.h"

namespace yuimaru::indexer {
namespace {

using core::Clearance;
using core::FieldDef;
using core::FieldType;
using Kind = FmNode::Kind;

const std::regex& DocIdChars() {
  static const std::regex r(R"(^[A-Za-z0-9][A-Za-z0-9._\-]{0,127}$)");
  return r;
}
const std::regex& CompanyId() {
  static const std::regex r(R"(^C-[0-9]{4}$)");
  return r;
}

const std::set<std::string>& Municipalities() {
  static const auto* s =
      new std::set<std::string>(std::begin(core::kMunicipalities), std::end(core::kMunicipalities));
  return *s;
}

class Validator {
 public:
  Validator(std::string_view source, LintMode mode, ParseOutcome& out)
      : source_(source), mode_(mode), out_(out), doc_(out.doc) {}

  void Run(const FmNode& root) {
    root_ = &root;
    // doc_type first: strict rules and the doc_id pattern depend on it.
    if (const FmNode* n = Field("doc_type")) Dispatch("doc_type", *n);
    for (const auto& [key, node] : root.entries) {
      if (key == "doc_type") continue;
      Dispatch(key, node);
    }
    Derive();
    if (mode_ == LintMode::kStrict) Strict();
  }

 private:
  const FmNode* Field(std::string_view key) const { return root_->Find(key); }

  void Fail(const FmNode& node, std::string rule, std::string message) {
    Error e = MakeError(ErrorCode::kInvalidInput, std::move(rule), std::move(message));
    e.source = std::string(source_);
    e.line = node.line;
    e.column = node.column;
    out_.errors.push_back(std::move(e));
  }

  bool ExpectScalar(const std::string& key, const FmNode& n) {
    if (n.kind == Kind::kScalar) return true;
    Fail(n, "front-matter." + key + ".type", "「" + key + "」は単一の値で書いてください");
    return false;
  }

  // Scalars and lists are both accepted where a list is expected ("issues: 事業承継").
  std::vector<const FmNode*> Items(const std::string& key, const FmNode& n) {
    std::vector<const FmNode*> items;
    if (n.kind == Kind::kScalar) {
      items.push_back(&n);
    } else if (n.kind == Kind::kSequence) {
      for (const FmNode& item : n.items) {
        if (item.kind == Kind::kScalar) {
          items.push_back(&item);
        } else {
          Fail(item, "front-matter." + key + ".type",
               "「" + key + "」の要素は文字列で書いてください");
        }
      }
    } else if (n.kind != Kind::kNull) {
      Fail(n, "front-matter." + key + ".type", "「" + key + "」はリストで書いてください");
    }
    return items;
  }

  void AddFacet(const FieldDef& field, int value) {
    const uint32_t fi = static_cast<uint32_t>(core::FieldIndex(field));
    for (const auto& c : doc_.facet_codes) {
      if (c.field == fi && c.value == static_cast<uint32_t>(value)) return;
    }
    doc_.facet_codes.push_back({fi, static_cast<uint32_t>(value)});
    const std::string label = core::ValueLabel(field, value);
    for (auto& [k, labels] : doc_.facets) {
      if (k == field.key) {
        labels.push_back(label);
        return;
      }
    }
    doc_.facets.push_back({std::string(field.key), {label}});
  }

  void UnknownValue(const FieldDef& field, const std::string& key, const FmNode& n) {
    std::string msg = std::string(field.label) + "「" + n.scalar + "」は未定義です";
    const auto near = core::NearestLabels(field, n.scalar, 3);
    if (!near.empty()) {
      msg += "（候補: ";
      for (size_t i = 0; i < near.size(); ++i) msg += (i ? ", " : "") + near[i];
      msg += "）";
    }
    Fail(n, "front-matter." + key + ".unknown", msg);
  }

  void FacetValue(const FieldDef& field, const std::string& key, const FmNode& n) {
    const auto id = core::FindValue(field, n.scalar);
    if (!id) {
      UnknownValue(field, key, n);
      return;
    }
    AddFacet(field, *id);
  }

  // A key that feeds a registry field (core::BindFrontMatterKey): each value is looked up in
  // the field's vocabulary. False if no field is read from `path`.
  bool FacetKey(const std::string& path, const FmNode& n) {
    const core::FrontMatterBinding binding = core::BindFrontMatterKey(path);
    if (!binding.field) return false;
    if (binding.shape == core::Shape::kScalar) {
      if (ExpectScalar(path, n)) FacetValue(*binding.field, path, n);
    } else {
      for (const FmNode* item : Items(path, n)) FacetValue(*binding.field, path, *item);
    }
    return true;
  }

  void DocType(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return;
    const FieldDef& field = *core::FindField("doc_type");
    const auto id = core::FindValue(field, n.scalar);
    if (!id) {
      UnknownValue(field, key, n);
      return;
    }
    doc_type_ = &core::DocTypes()[static_cast<size_t>(*id)];  // the vocabulary is built from them
    doc_.doc_type = std::string(field.vocab[*id].label);
    AddFacet(field, *id);
  }

  void Date(const std::string& key, const FmNode& n, std::string* into) {
    if (!ExpectScalar(key, n)) return;
    const auto d = core::ParseDate(n.scalar);
    if (!d) {
      Fail(n, "front-matter." + key + ".invalid",
           "日付「" + n.scalar + "」は YYYY-MM-DD 形式の実在する日付で書いてください");
      return;
    }
    if (into) *into = d->ToString();
  }

  // Whether `n` is a non-negative integer of at most six digits (else fails).
  bool Integer(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return false;
    static const std::regex kInt(R"(^[0-9]{1,6}$)");
    if (!std::regex_match(n.scalar, kInt)) {
      Fail(n, "front-matter." + key + ".invalid", "「" + key + "」は整数で書いてください");
      return false;
    }
    return true;
  }

  void IdList(const std::string& key, const FmNode& n, const std::regex& pattern,
              const std::string& example, std::vector<std::string>* into) {
    for (const FmNode* item : Items(key, n)) {
      if (!std::regex_match(item->scalar, pattern)) {
        Fail(*item, "front-matter." + key + ".pattern",
             "「" + item->scalar + "」は ID の形式ではありません（例: " + example + "）");
        continue;
      }
      if (into) into->push_back(item->scalar);
    }
  }

  // Reads one top-level key: one of the parser's own keys, or a key that feeds a registry field;
  // anything else is unknown in strict mode. These two are the one list of known keys.
  void Dispatch(const std::string& key, const FmNode& n) {
    if (const Reader read = OwnKey(key)) {
      (this->*read)(key, n);
      return;
    }
    if (FacetKey(key, n)) return;
    if (mode_ == LintMode::kStrict) {
      Fail(n, "front-matter.key.unknown", "未定義のキー「" + key + "」です");
    }
  }

  using Reader = void (Validator::*)(const std::string& key, const FmNode& n);

  // The keys the parser reads itself: those that are not facets, and the facets whose reading is
  // more than a vocabulary lookup (文書種別 decides the strict rules, 年度 and 機密区分 have their
  // own syntax, 担当コンサルタント is a list of ids). nullptr for any other key.
  static Reader OwnKey(std::string_view key) {
    static constexpr std::pair<std::string_view, Reader> kOwnKeys[] = {
        {"doc_id", &Validator::DocId},
        {"doc_type", &Validator::DocType},
        {"title", &Validator::Title},
        {"date", &Validator::MainDate},
        {"updated", &Validator::UpdatedDate},
        {"next_visit", &Validator::OtherDate},
        {"fiscal_year", &Validator::FiscalYear},
        {"confidentiality", &Validator::Confidentiality},
        {"consultants", &Validator::Consultants},
        {"company_id", &Validator::CompanyIdKey},
        {"company_ids", &Validator::CompanyIds},
        {"authors", &Validator::Authors},
        {"attendees", &Validator::Attendees},
        {"visit", &Validator::Visit},
        {"related", &Validator::References},
        {"uses_cases", &Validator::References},
        {"tags", &Validator::Tags},
        {"sources", &Validator::Tags},
        {"meeting_no", &Validator::Count},
        {"duration_min", &Validator::Duration},
        {"revision", &Validator::Count},
        {"support_period", &Validator::Period},
        {"municipality", &Validator::Municipality},
        {"publication", &Validator::Publication},
        {"industry_detail", &Validator::Scalar},
        {"founded_band", &Validator::Scalar},
        {"effort", &Validator::Scalar},
        {"bridge_detail", &Validator::Scalar},
    };
    for (const auto& [k, read] : kOwnKeys) {
      if (k == key) return read;
    }
    return nullptr;
  }

  void DocId(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return;
    if (!std::regex_match(n.scalar, DocIdChars())) {
      Fail(n, "front-matter.doc_id.invalid",
           "doc_id「" + n.scalar + "」は英数字・「-」「_」「.」で 128 文字以内にしてください");
      return;
    }
    doc_.doc_id = n.scalar;
    doc_.doc_id_line = n.line;
  }

  void Title(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return;
    doc_.title = n.scalar;
  }

  void MainDate(const std::string& key, const FmNode& n) { Date(key, n, &doc_.date); }
  void UpdatedDate(const std::string& key, const FmNode& n) { Date(key, n, &doc_.updated); }
  void OtherDate(const std::string& key, const FmNode& n) { Date(key, n, nullptr); }

  // An integer that is only checked (回次, 版).
  void Count(const std::string& key, const FmNode& n) { Integer(key, n); }

  void Duration(const std::string& key, const FmNode& n) {
    if (Integer(key, n)) doc_.duration_min = std::stoi(n.scalar);
  }

  void FiscalYear(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return;
    const auto fy = core::ParseFiscalYear(n.scalar, 0);
    if (!fy || *fy < 2000 || *fy > 2100) {
      Fail(n, "front-matter.fiscal_year.invalid",
           "年度「" + n.scalar + "」を読めません（例: 2024, 令和6年度）");
      return;
    }
    doc_.fiscal_year = *fy;
    fiscal_year_node_ = &n;
  }

  void Confidentiality(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return;
    const auto c = core::ParseClearance(n.scalar);
    if (!c) {
      Fail(n, "front-matter.confidentiality.unknown",
           "機密区分「" + n.scalar + "」は未定義です（候補: 公開, 内部, 機密）");
      return;
    }
    doc_.base = *c;
    confidentiality_node_ = &n;
  }

  void Consultants(const std::string& key, const FmNode& n) {
    static const std::regex kConsultant(R"(^K-[0-9]{2,3}$)");
    std::vector<std::string> ids;
    IdList(key, n, kConsultant, "K-07", &ids);
    const FieldDef& field = *core::FindField("consultants");
    for (const auto& id : ids) AddFacet(field, *core::FindValue(field, id));
  }

  void CompanyIdKey(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return;
    IdList(key, n, CompanyId(), "C-0123", &doc_.company_ids);
  }

  void CompanyIds(const std::string& key, const FmNode& n) {
    IdList(key, n, CompanyId(), "C-0123", &doc_.company_ids);
  }

  void Authors(const std::string& key, const FmNode& n) {
    static const std::regex kAuthor(R"(^[KS]-[0-9]{2,3}$)");
    IdList(key, n, kAuthor, "K-07, S-01", nullptr);
  }

  void References(const std::string& key, const FmNode& n) {
    for (const FmNode* item : Items(key, n)) {
      if (!std::regex_match(item->scalar, DocIdChars())) {
        Fail(*item, "front-matter." + key + ".invalid",
             "「" + item->scalar + "」は文書 ID ではありません");
        continue;
      }
      if (key == "uses_cases" && !item->scalar.ends_with("-P")) {
        Fail(*item, "front-matter.uses_cases.not-public",
             "研修資料で使えるのは公開用写し（-P）だけです: " + item->scalar);
        continue;
      }
      (key == "uses_cases" ? doc_.uses_cases : doc_.related).push_back(item->scalar);
      doc_.related_refs.push_back({key, item->scalar, item->line});
    }
  }

  // `tags` are kept (searchable, shown); `sources` are only checked for shape.
  void Tags(const std::string& key, const FmNode& n) {
    for (const FmNode* item : Items(key, n)) {
      if (key == "tags") doc_.tags.push_back(item->scalar);
    }
  }

  void Municipality(const std::string& key, const FmNode& n) {
    if (!ExpectScalar(key, n)) return;
    if (!Municipalities().count(n.scalar)) {
      Fail(n, "front-matter.municipality.unknown",
           "市町村「" + n.scalar + "」は沖縄県の41市町村にありません");
    }
  }

  void Publication(const std::string&, const FmNode& n) {
    if (n.kind != Kind::kMap)
      Fail(n, "front-matter.publication.type", "publication は「キー: 値」で書いてください");
  }

  // Free text that is only checked to be one value.
  void Scalar(const std::string& key, const FmNode& n) { ExpectScalar(key, n); }

  void Attendees(const std::string&, const FmNode& n) {
    static const std::regex kPerson(R"(^[KSI]-[0-9]{2,3}$)");
    if (n.kind != Kind::kSequence) {
      Fail(n, "front-matter.attendees.type", "attendees はリストで書いてください");
      return;
    }
    for (const FmNode& a : n.items) {
      if (a.kind == Kind::kScalar) continue;  // a role name
      if (a.kind != Kind::kMap) {
        Fail(a, "front-matter.attendees.type", "出席者は {id, role} で書いてください");
        continue;
      }
      if (const FmNode* id = a.Find("id")) {
        if (id->kind != Kind::kScalar || !std::regex_match(id->scalar, kPerson)) {
          Fail(*id, "front-matter.attendees.pattern",
               "出席者の id は K-07 / S-01 / I-02 の形式で書いてください（氏名は書かない）");
        }
      }
    }
  }

  void Visit(const std::string&, const FmNode& n) {
    if (n.kind != Kind::kMap) {
      Fail(n, "front-matter.visit.type", "visit は {mode, minutes, seq} で書いてください");
      return;
    }
    if (const FmNode* mode = n.Find("mode")) {
      FacetKey("visit.mode", *mode);
    } else if (mode_ == LintMode::kStrict) {
      Fail(n, "front-matter.visit.mode.missing",
           "visit.mode（訪問 / オンライン / 来所 / 電話）がありません");
    }
    if (const FmNode* m = n.Find("minutes")) Integer("visit.minutes", *m);
    if (const FmNode* s = n.Find("seq")) Integer("visit.seq", *s);
  }

  void Period(const std::string&, const FmNode& n) {
    if (n.kind != Kind::kMap) {
      Fail(n, "front-matter.support_period.type",
           "support_period は {start, end} で書いてください");
      return;
    }
    std::string start, end;
    if (const FmNode* s = n.Find("start")) Date("support_period.start", *s, &start);
    if (const FmNode* e = n.Find("end")) Date("support_period.end", *e, &end);
    if (!start.empty() && !end.empty() && end < start) {
      Fail(n, "front-matter.support_period.order", "支援期間の終わりが始まりより前です");
    }
  }

  // Fills what other fields imply and checks consistency between fields.
  void Derive() {
    if (!doc_.date.empty()) {
      const int fy = core::FiscalYearOf(*core::ParseDate(doc_.date));
      if (doc_.fiscal_year == 0) {
        doc_.fiscal_year = fy;
      } else if (doc_.fiscal_year != fy && fiscal_year_node_) {
        Fail(*fiscal_year_node_, "front-matter.fiscal_year.mismatch",
             "年度 " + std::to_string(doc_.fiscal_year) + " が日付 " + doc_.date + " の年度（" +
                 std::to_string(fy) + "）と一致しません");
      }
    }
    if (doc_.fiscal_year > 0) {
      const FieldDef& field = *core::FindField("fiscal_year");
      AddFacet(field, *core::FindValue(field, std::to_string(doc_.fiscal_year)));
    }
    const FieldDef& conf = *core::FindField("confidentiality");
    AddFacet(conf, static_cast<int>(doc_.base));
  }

  // What lint --strict adds. (Whether a 公開 document may be read at 公開 is the publication
  // gate's, which runs in both modes.)
  void Strict() {
    auto missing = [&](std::string_view key) {
      Error e = MakeError(ErrorCode::kInvalidInput, "front-matter." + std::string(key) + ".missing",
                          "必須項目「" + std::string(key) + "」がありません");
      e.source = std::string(source_);
      e.line = 1;
      out_.errors.push_back(std::move(e));
    };
    for (auto key : core::kRequiredForEveryType) {
      if (!Field(key)) missing(key);
    }
    if (!doc_type_) return;
    const bool public_copy = doc_.doc_id.ends_with("-P");
    for (auto key : doc_type_->required) {
      if (!Field(key)) missing(key);
    }
    // A public copy must not name the company or its consultants; the original must.
    if (doc_type_->code == "case") {
      if (public_copy) {
        for (auto key : {"company_id", "consultants"}) {
          if (const FmNode* n = Field(key)) {
            Fail(*n, "front-matter." + std::string(key) + ".in-public-copy",
                 "公開用写しに「" + std::string(key) + "」を書いてはいけません");
          }
        }
        if (!Field("publication")) missing("publication");
        if (doc_.base != Clearance::kPublic && confidentiality_node_) {
          Fail(*confidentiality_node_, "front-matter.confidentiality.public-copy",
               "公開用写し（-P）の機密区分は公開にしてください");
        }
      } else {
        for (auto key : {"company_id", "consultants"}) {
          if (!Field(key)) missing(key);
        }
      }
    }
    if (const FmNode* id = Field("doc_id"); id && id->kind == Kind::kScalar) {
      const core::DocTypeDef& t = *doc_type_;
      if (!std::regex_match(id->scalar, std::regex(std::string(t.id_pattern)))) {
        Fail(*id, "front-matter.doc_id.pattern",
             "doc_id「" + id->scalar + "」は" + std::string(t.label) + "の形式（" +
                 std::string(t.id_pattern) + "）ではありません");
      }
    }
  }

  std::string_view source_;
  LintMode mode_;
  ParseOutcome& out_;
  ParsedDoc& doc_;
  const FmNode* root_ = nullptr;
  const FmNode* fiscal_year_node_ = nullptr;
  const FmNode* confidentiality_node_ = nullptr;
  const core::DocTypeDef* doc_type_ = nullptr;  // set by a valid doc_type
};

Error FileError(std::string_view source, std::string rule, std::string message, int line = 0,
                int column = 0) {
  Error e = MakeError(ErrorCode::kInvalidInput, std::move(rule), std::move(message));
  e.source = std::string(source);
  e.line = line;
  e.column = column;
  return e;
}

// A byte order mark of UTF-16, or NUL bytes in every other place of the start (UTF-16 without
// a mark): such a file is text in the wrong encoding, not broken UTF-8.
bool LooksLikeUtf16(std::string_view text) {
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    return true;
  }
  const size_t n = std::min<size_t>(text.size(), 64) & ~size_t{1};
  if (n < 8) return false;
  size_t even = 0, odd = 0;
  for (size_t i = 0; i < n; i += 2) {
    even += text[i] == '\0';
    odd += text[i + 1] == '\0';
  }
  return even * 4 >= n || odd * 4 >= n;  // half of one byte lane (ASCII in UTF-16) is NUL
}

// CR LF and a bare CR are line ends to cmark (and to editors) but not to a split on LF: one
// form, LF, for everything after reading, so the index, the page and every line number agree.
std::string NormalizeLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out.push_back(text[i]);
    } else {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
  }
  return out;
}

void AddPii(ParseOutcome& out, std::string_view source, const core::PiiFinding& f) {
  Error e = MakeError(
      ErrorCode::kInvalidInput, f.rule,
      (f.review ? "企業を特定できる可能性があります（" : "個人情報の可能性があります（") +
          f.masked +
          (f.review ? "）。公的機関など問題がなければ行に <!-- pii-allow: 理由 --> を付けてください"
                    : "）。匿名化するか、正当な理由があればその行に <!-- pii-allow: 理由 --> "
                      "を付けてください"));
  e.source = std::string(source);
  e.line = f.line;
  e.column = f.column;
  (f.review ? out.warnings : out.errors).push_back(std::move(e));
}

// Every key and scalar of the front matter as YAML decoded it, with its position.
void CollectScalars(const FmNode& node, std::vector<std::tuple<std::string, int, int>>& out) {
  switch (node.kind) {
    case FmNode::Kind::kScalar:
      out.emplace_back(node.scalar, node.line, node.column);
      break;
    case FmNode::Kind::kSequence:
      for (const FmNode& item : node.items) CollectScalars(item, out);
      break;
    case FmNode::Kind::kMap:
      for (const auto& [key, value] : node.entries) {
        out.emplace_back(key, value.line, 1);
        CollectScalars(value, out);
      }
      break;
    case FmNode::Kind::kNull:
      break;
  }
}

// Every key and scalar of `node`, its path prefixed by `path`.
void Flatten(const FmNode& node, const std::string& path, std::vector<FrontMatterValue>& out) {
  switch (node.kind) {
    case FmNode::Kind::kScalar:
      out.push_back({path, node.scalar, false, node.line, node.column});
      break;
    case FmNode::Kind::kSequence:
      for (const FmNode& item : node.items) Flatten(item, path, out);
      break;
    case FmNode::Kind::kMap:
      for (const auto& [key, value] : node.entries) {
        const std::string child = path.empty() ? key : path + "." + key;
        out.push_back({child, "", true, value.line, value.column});
        Flatten(value, child, out);
      }
      break;
    case FmNode::Kind::kNull:
      break;
  }
}

// yaml-cpp counts columns in bytes; an Error's column counts code points.
void CodePointColumns(std::string_view text, std::vector<FrontMatterValue>& values) {
  std::vector<size_t> starts = {0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  for (FrontMatterValue& v : values) {
    if (v.line < 1 || static_cast<size_t>(v.line) > starts.size() || v.column < 1) continue;
    const std::string_view line = text.substr(starts[static_cast<size_t>(v.line - 1)]);
    const size_t bytes = std::min(line.size(), static_cast<size_t>(v.column - 1));
    v.column = static_cast<int>(core::CountCodePoints(line.substr(0, bytes))) + 1;
  }
}

// PII in a decoded front matter value (escapes, folded and quoted scalars) that the raw lines
// did not show: a rule not already found on the value's line. One FindPii call, a value a line.
void CheckScalars(const FmNode& root, const core::PiiOptions& pii,
                  const std::vector<core::PiiFinding>& raw, std::string_view source,
                  ParseOutcome& out) {
  std::vector<std::tuple<std::string, int, int>> scalars;
  CollectScalars(root, scalars);
  std::string joined;
  for (const auto& [value, line, column] : scalars) {
    for (char c : value) joined.push_back(c == '\n' || c == '\r' ? ' ' : c);
    joined.push_back('\n');
  }
  for (core::PiiFinding f : core::FindPii(joined, pii)) {
    if (f.review || f.line < 1 || static_cast<size_t>(f.line) > scalars.size()) continue;
    const auto& [value, line, column] = scalars[static_cast<size_t>(f.line - 1)];
    bool known = false;
    for (const auto& r : raw) known = known || (r.rule == f.rule && r.line == line);
    if (known) continue;
    f.line = line;
    f.column = column;
    AddPii(out, source, f);
  }
}

}  // namespace

std::string ParsedDoc::TitleAt(core::Clearance view) const {
  if (!title.empty()) return title;
  std::string heading = core::FirstHeadingAt(blocks, view);
  return heading.empty() ? doc_id : heading;
}

core::Clearance ParsedDoc::MaxLevel() const {
  Clearance max = base;
  for (const auto& r : private_ranges) max = std::max(max, r.level);
  return max;
}

ParseOutcome ParseDocument(std::string_view source, std::string_view raw_text, LintMode mode,
                           const core::PiiOptions& pii) {
  ParseOutcome out;
  ParsedDoc& doc = out.doc;
  doc.source = std::string(source);
  if (raw_text.size() > kMaxFileBytes) {
    out.errors.push_back(FileError(source, "file.too-large",
                                   "ファイルが大きすぎます（" + std::to_string(raw_text.size()) +
                                       " バイト、上限 " + std::to_string(kMaxFileBytes) + "）"));
    return out;
  }
  if (LooksLikeUtf16(raw_text)) {
    out.errors.push_back(FileError(source, "file.utf16",
                                   "UTF-16 で保存されたファイルです。UTF-8 で保存し直してください",
                                   1, 1));
    return out;
  }
  if (const size_t bad = core::FindInvalidUtf8(raw_text); bad != std::string_view::npos) {
    const auto pos = core::PositionOf(raw_text, bad);
    out.errors.push_back(
        FileError(source, "file.invalid-utf8",
                  "UTF-8 として不正なバイト列です（オフセット " + std::to_string(bad) + "）",
                  pos.line, pos.column));
    return out;
  }
  // NUL is valid UTF-8 but never text: a file holding one is binary or damaged, and C strings
  // (cmark's literals among them) would end at it.
  if (const size_t nul = raw_text.find('\0'); nul != std::string_view::npos) {
    const auto pos = core::PositionOf(raw_text, nul);
    out.errors.push_back(FileError(source, "file.nul-byte",
                                   "NUL バイト（0x00）を含むファイルです（オフセット " +
                                       std::to_string(nul) +
                                       "）。テキストとして保存し直してください",
                                   pos.line, pos.column));
    return out;
  }
  const std::string normalized = NormalizeLineEnds(raw_text);
  const std::string_view text = normalized;
  const std::vector<core::PiiFinding> raw_pii = core::FindPii(text, pii);
  for (const core::PiiFinding& f : raw_pii) AddPii(out, source, f);
  // The name of the file is returned by the API and shown on pages: it is text too. (Only the
  // name: the folders above it are the operator's, temp directories with random digits among
  // them.)
  const size_t slash = source.find_last_of('/');
  const std::string_view file_name =
      slash == std::string_view::npos ? source : source.substr(slash + 1);
  for (core::PiiFinding f : core::FindPii(file_name, pii)) {
    if (f.review) continue;
    f.line = 0;
    f.column = 0;
    f.masked = "ファイル名: " + f.masked;
    AddPii(out, source, f);
  }
  auto split = SplitFrontMatter(text);
  if (!split) {
    Error e = split.error();
    e.source = std::string(source);
    out.errors.push_back(std::move(e));
    return out;
  }
  auto root = ParseFrontMatter(*split);
  if (!root) {
    Error e = root.error();
    e.source = std::string(source);
    out.errors.push_back(std::move(e));
    return out;
  }
  Validator(source, mode, out).Run(*root);
  Flatten(*root, "", doc.front_matter);
  CodePointColumns(text, doc.front_matter);
  // Front matter values as YAML decodes them (escapes, folded and quoted scalars).
  CheckScalars(*root, pii, raw_pii, source, out);

  doc.body = std::string(split->body);
  doc.body_first_line = split->body_first_line;
  core::MarkdownContent content = core::ReadMarkdown(doc.body, doc.body_first_line, doc.base);
  for (const core::PiiFinding& f : core::FindPiiInBlocks(content.blocks, text, raw_pii, pii)) {
    AddPii(out, source, f);
  }
  if (content.errors.empty()) {
    if (auto inconsistent = core::CheckViews(doc.body, doc.body_first_line, doc.base, content)) {
      content.errors.push_back(std::move(*inconsistent));
    }
  }
  for (Error& e : content.errors) {
    e.source = std::string(source);
    out.errors.push_back(std::move(e));
  }
  doc.blocks = std::move(content.blocks);
  doc.private_ranges = std::move(content.private_ranges);
  // A doc_id that is there but invalid has its own error; the path is then only a placeholder.
  if (doc.doc_id.empty() && root->Find("doc_id")) {
    doc.doc_id = std::string(source);
  } else if (doc.doc_id.empty()) {
    if (mode == LintMode::kStrict) {
      out.errors.push_back(
          FileError(source, "front-matter.doc_id.missing", "doc_id がありません", 1));
    }
    doc.doc_id = std::string(source);  // "no doc_id: its path"
    if (mode != LintMode::kStrict) {
      out.warnings.push_back(FileError(source, "front-matter.doc_id.derived",
                                       "doc_id がないためパスを ID にしました（ファイルを移すと "
                                       "ID が変わります）。doc_id を書いてください",
                                       1));
    }
    // Xapian refuses terms over 245 bytes: one file with a deep path must not fail the run.
    if (doc.doc_id.size() > kMaxDerivedIdBytes) {
      out.errors.push_back(FileError(
          source, "front-matter.doc_id.too-long",
          "doc_id がなく、ID になるパスが長すぎます（" + std::to_string(doc.doc_id.size()) +
              " バイト、上限 " + std::to_string(kMaxDerivedIdBytes) + "）。doc_id を書いてください",
          1));
    }
  }
  if (doc.title.empty() &&
      core::FirstHeadingAt(doc.blocks, core::Clearance::kConfidential).empty()) {
    out.errors.push_back(FileError(source, "document.title.missing",
                                   "title も見出しもありません（どちらかが必要です）", 1));
  }
  // The gate reads the text as the index would hold it, so it runs on the finished document.
  std::vector<Error> unpublishable = CheckPublication(doc, out.warnings);
  if (!unpublishable.empty()) {
    RaiseToInternal(doc);
    for (Error& e : unpublishable) out.warnings.push_back(std::move(e));
  }
  return out;
}

}  // namespace yuimaru::indexer
