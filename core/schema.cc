#include "core/schema.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <regex>
#include <unordered_map>

#include "core/fiscal_year.h"
#include "core/normalizer.h"
#include "core/utf8.h"

namespace yuimaru::core {
namespace {

// The document types (DOMAIN.md §2): the doc_type vocabulary, the doc_id patterns and what
// strict mode requires of each.
std::vector<DocTypeDef> BuildDocTypes() {
  std::vector<DocTypeDef> t;
  t.push_back({"karte",
               "企業カルテ",
               {"カルテ", "事業者カルテ"},
               R"(KT-C[0-9]{4})",
               {"company_id", "consultants", "industry", "region", "ritou", "employees", "phase",
                "issues", "bridge_to", "methods", "outcome", "revision"}});
  t.push_back({"visit-memo",
               "訪問メモ",
               {"訪問記録", "面談記録", "面談メモ"},
               R"(VM-[0-9]{4}-[0-9]{4})",
               {"company_id", "consultants", "industry", "region", "ritou", "employees", "phase",
                "visit", "attendees", "issues", "bridge_to", "methods"}});
  t.push_back({"case",
               "支援事例",
               {"事例"},
               R"(CS-[0-9]{4}-[0-9]{3}(-P)?)",
               {"industry", "region", "ritou", "employees", "phases", "issues", "bridge_to",
                "methods", "outcome", "support_period"}});
  t.push_back({"team-minutes",
               "チーム会議議事録",
               {"チーム会議", "チーム会議 議事録"},
               R"(TM-[0-9]{4}-[0-9]{3})",
               {"meeting_no", "attendees", "company_ids"}});
  t.push_back({"committee-minutes",
               "検討委員会議事録",
               {"検討委員会", "検討委員会 議事録"},
               R"(CM-[0-9]{4}-[0-9]{2})",
               {"meeting_no", "attendees"}});
  t.push_back({"training",
               "研修資料",
               {"研修", "教材"},
               R"(TR-[0-9]{4}-[0-9]{2})",
               {"audience", "duration_min", "format", "phases", "methods", "uses_cases"}});
  t.push_back({"method",
               "ノウハウ・手法シート",
               {"手法シート", "ノウハウシート"},
               R"(MS-[0-9]{4})",
               {"phases", "issues", "methods", "audience", "effort", "sources"}});
  return t;
}

// The facet registry. One row per field; append only (the position is the field id in the
// index). Sidebar and chart positions leave gaps so that a new row can go between two others.
std::vector<FieldDef> BuildFields() {
  using V = std::vector<VocabEntry>;
  using enum Shape;
  using enum LabelText;
  using enum QuerySuggestion;
  using enum HitTags;
  std::vector<FieldDef> f;
  V doc_types;
  for (const DocTypeDef& t : DocTypes()) doc_types.push_back({t.code, t.label, t.aliases});
  f.push_back({.key = "doc_type",
               .label = "文書種別",
               .prefix = "XT:",
               .type = FieldType::kEnum,
               .front_matter = {{"doc_type", kScalar}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .sidebar = 10,
               .chart = 60,
               .chart_title = "文書種別",
               .vocab = std::move(doc_types)});
  f.push_back({.key = "fiscal_year",
               .label = "年度",
               .prefix = "XY:",
               .type = FieldType::kYear,
               .front_matter = {{"fiscal_year", kScalar}},
               .suggestion = kYearExpressions,
               .sidebar = 20,
               .chart = 50,
               .chart_title = "年度別"});
  f.push_back(
      {.key = "confidentiality",
       .label = "機密区分",
       .prefix = "XC:",
       .type = FieldType::kEnum,
       .front_matter = {{"confidentiality", kScalar}},
       .suggestion = kValueWords,
       .sidebar = 160,
       .vocab = V{{"public", "公開", {}}, {"internal", "内部", {}}, {"confidential", "機密", {}}}});
  f.push_back(
      {.key = "status",
       .label = "状態",
       .prefix = "XS:",
       .type = FieldType::kEnum,
       .front_matter = {{"status", kScalar}},
       .suggestion = kValueWords,
       .sidebar = 150,
       .vocab = V{{"draft", "下書き", {}}, {"final", "確定", {}}, {"approved", "公開承認済", {}}}});
  f.push_back(
      {.key = "industry",
       .label = "業種",
       .prefix = "XI:",
       .type = FieldType::kEnum,
       .front_matter = {{"industry", kScalar}},
       .label_text = kIndexed,
       .suggestion = kValueWords,
       .hit_tags = kShown,
       .sidebar = 30,
       .chart = 10,
       .chart_title = "業種別",
       .vocab = V{{"A", "農業、林業", {"農業", "林業", "農家"}},
                  {"B", "漁業", {"水産業", "養殖"}},
                  {"D", "建設業", {"建設"}},
                  {"E", "製造業", {"製造"}},
                  {"G", "情報通信業", {"IT", "情報通信"}},
                  {"H", "運輸業、郵便業", {"運輸業", "物流", "運送業"}},
                  {"I", "卸売業、小売業", {"卸売業", "小売業", "卸売", "小売"}},
                  {"K", "不動産業、物品賃貸業", {"不動産業", "物品賃貸業", "レンタカー"}},
                  {"L", "学術研究、専門・技術サービス業", {"専門・技術サービス業"}},
                  {"M", "宿泊業、飲食サービス業", {"宿泊業", "飲食サービス業", "飲食業", "宿泊"}},
                  {"N", "生活関連サービス業、娯楽業", {"生活関連サービス業", "娯楽業"}},
                  {"P", "医療、福祉", {"医療", "福祉", "介護"}},
                  {"R", "サービス業（他に分類されないもの）", {"サービス業"}},
                  {"X", "その他", {}},
                  // Coarse values (産業3部門) written only by the export's small-cell rule
                  // (toolkit/small_cells.h), so that an exported corpus indexes again.
                  {"sector1", "第一次産業", {}},
                  {"sector2", "第二次産業", {}},
                  {"sector3", "第三次産業", {}}}});
  f.push_back({.key = "region",
               .label = "地域",
               .prefix = "XR:",
               .type = FieldType::kEnum,
               .front_matter = {{"region", kScalar}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .hit_tags = kShown,
               .sidebar = 40,
               .chart = 20,
               .chart_title = "地域別",
               .vocab = V{{"hokubu", "北部", {"本島北部", "やんばる", "山原"}},
                          {"chubu", "中部", {"本島中部"}},
                          {"nanbu", "南部", {"本島南部"}},
                          {"miyako", "宮古", {"宮古圏域"}},
                          {"yaeyama", "八重山", {"八重山圏域"}},
                          {"kengai", "県外", {}},
                          {"zenken", "全県", {"県内全域"}}}});
  f.push_back({.key = "ritou",
               .label = "離島",
               .prefix = "XL:",
               .type = FieldType::kBool,
               .front_matter = {{"ritou", kScalar}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .sidebar = 50,
               .vocab = V{{"false", "離島以外", {"no", "いいえ", "なし", "本島"}},
                          {"true", "離島", {"yes", "はい", "あり"}}}});
  f.push_back({.key = "employees",
               .label = "従業員規模",
               .prefix = "XE:",
               .type = FieldType::kEnum,
               .front_matter = {{"employees", kScalar}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .sidebar = 110,
               .vocab = V{{"e5", "5人以下", {}},
                          {"e20", "6〜20人", {}},
                          {"e50", "21〜50人", {}},
                          {"e100", "51〜100人", {}},
                          {"e300", "101〜300人", {}},
                          {"e301", "301人以上", {}},
                          // Wide bands written only by the export's small-cell rule.
                          {"le20", "20人以下", {}},
                          {"e21-100", "21〜100人", {}},
                          {"ge101", "101人以上", {}}}});
  f.push_back(
      {.key = "phase",
       .label = "支援フェーズ",
       .prefix = "XP:",
       .type = FieldType::kEnumList,
       .front_matter = {{"phase", kScalar}, {"phases", kList}},
       .label_text = kIndexed,
       .suggestion = kValueWords,
       .hit_tags = kShown,
       .sidebar = 60,
       .chart = 30,
       .chart_title = "支援フェーズ別",
       .vocab = V{{"p1", "①現状把握", {"①", "1", "現状把握", "企業の現状把握"}},
                  {"p2", "②取組課題の提案", {"②", "2", "課題提案", "取組課題の提案", "課題設定"}},
                  {"p3", "③支援計画の策定", {"③", "3", "計画策定", "支援計画", "支援計画の策定"}},
                  {"p4", "④実行支援", {"④", "4", "実行支援"}},
                  {"p5",
                   "⑤支援終了後の対応",
                   {"⑤", "5", "フォローアップ", "支援終了後", "支援終了後の対応"}}}});
  f.push_back({.key = "issues",
               .label = "課題",
               .prefix = "XK:",
               .type = FieldType::kEnumList,
               .front_matter = {{"issues", kList}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .hit_tags = kShown,
               .sidebar = 70,
               .chart = 40,
               .chart_title = "課題別",
               .vocab = V{{"shokei", "事業承継", {"承継"}},
                          {"jinzai", "人材育成・採用", {"人材育成", "採用", "人材"}},
                          {"hanro", "販路開拓", {"販路拡大"}},
                          {"dx", "DX・IT活用", {"DX", "IT活用", "デジタル化"}},
                          {"zaimu", "資金繰り・財務", {"資金繰り", "財務"}},
                          {"seisansei", "生産性向上", {}},
                          {"soshiki", "組織・ガバナンス", {"組織", "ガバナンス"}},
                          {"shohin", "新商品・サービス開発", {"新商品開発", "商品開発"}},
                          {"kanko", "観光需要対応", {"観光"}},
                          {"senryaku", "経営戦略・ビジョン", {"経営戦略", "ビジョン"}},
                          {"shinjigyo", "創業・新事業展開", {"創業", "新事業展開"}},
                          {"kakaku", "価格転嫁・収益改善", {"価格転嫁", "収益改善"}},
                          {"kaigai", "海外展開・輸出", {"海外展開", "輸出"}},
                          {"saisei", "経営改善・事業再生", {"経営改善", "事業再生"}},
                          {"bcp", "BCP・防災", {"BCP", "防災"}},
                          {"gx", "脱炭素・GX", {"脱炭素", "GX"}}}});
  f.push_back(
      {.key = "bridge_to",
       .label = "橋渡し先",
       .prefix = "XB:",
       .type = FieldType::kEnumList,
       .front_matter = {{"bridge_to", kList}},
       .label_text = kIndexed,
       .suggestion = kValueWords,
       .sidebar = 80,
       .vocab =
           V{{"yorozu", "よろず支援拠点", {"よろず"}},
             {"shokokai", "商工会・商工会議所", {"商工会", "商工会議所"}},
             {"kosha", "産業振興公社", {"沖縄県産業振興公社"}},
             {"seifukei", "政府系金融機関", {"沖縄公庫", "沖縄振興開発金融公庫"}},
             {"minkan", "民間金融機関", {}},
             {"hosho", "信用保証協会", {"保証協会"}},
             {"shokei-center", "事業承継・引継ぎ支援センター", {"引継ぎセンター", "承継センター"}},
             {"kasseika", "中小企業活性化協議会", {"活性化協議会"}},
             {"chuokai", "中小企業団体中央会", {"中央会"}},
             {"it", "IT・DX支援機関", {"ISCO"}},
             {"kaigai", "海外展開支援機関", {"JETRO", "ジェトロ"}},
             {"kosetsu", "公設試験研究機関", {"工業技術センター"}},
             {"kanko", "観光関係団体", {"OCVB"}},
             {"kiko", "中小機構", {"中小企業基盤整備機構"}},
             {"gyosei", "行政（国・県・市町村）", {"行政"}},
             {"koyo", "労働・雇用関係機関", {"労働局", "ハローワーク"}},
             {"shigyo", "士業・専門家", {"士業", "専門家"}}}});
  f.push_back({.key = "methods",
               .label = "活用手法",
               .prefix = "XM:",
               .type = FieldType::kEnumList,
               .front_matter = {{"methods", kList}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .sidebar = 90,
               .vocab = V{{"locaben", "ローカルベンチマーク", {"ロカベン"}},
                          {"design-sheet", "経営デザインシート", {"デザインシート"}},
                          {"swot", "SWOT分析", {"SWOT"}},
                          {"flow", "業務フロー・商流", {"商流・業務フロー", "業務フロー"}},
                          {"cashflow", "資金繰り表", {}},
                          {"bizmodel", "ビジネスモデル俯瞰図", {}},
                          {"kpi", "KPI・PDCA", {"KPI", "PDCA"}},
                          {"naze", "なぜなぜ分析", {}},
                          {"shokei-shindan", "事業承継診断", {}},
                          {"plan", "経営計画策定", {"経営計画"}},
                          {"other", "その他", {}}}});
  f.push_back({.key = "outcome",
               .label = "支援の状況",
               .prefix = "XO:",
               .type = FieldType::kEnum,
               .front_matter = {{"outcome", kScalar}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .sidebar = 100,
               .vocab = V{{"ongoing", "支援継続中", {"支援中"}},
                          {"jisoka", "自走化", {}},
                          {"bridged", "橋渡し完了", {}},
                          {"suspended", "支援中断", {}}}});
  f.push_back({.key = "visit_mode",
               .label = "訪問形式",
               .prefix = "XV:",
               .type = FieldType::kEnum,
               .front_matter = {{"visit.mode", kScalar}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .sidebar = 120,
               .vocab = V{{"visit", "訪問", {}},
                          {"online", "オンライン", {}},
                          {"office", "来所", {}},
                          {"phone", "電話", {}}}});
  f.push_back({.key = "audience",
               .label = "対象者",
               .prefix = "XA:",
               .type = FieldType::kEnumList,
               .front_matter = {{"audience", kList}},
               .label_text = kIndexed,
               .suggestion = kValueWords,
               .sidebar = 130,
               .vocab = V{{"consultant", "コンサルタント", {}},
                          {"secretariat", "事務局", {}},
                          {"staff", "支援機関職員", {}},
                          {"owner", "経営者", {}}}});
  // Not suggested: オンライン is also a 訪問形式, which a query means more often.
  f.push_back(
      {.key = "format",
       .label = "研修形式",
       .prefix = "XF:",
       .type = FieldType::kEnum,
       .front_matter = {{"format", kScalar}},
       .label_text = kIndexed,
       .sidebar = 140,
       .vocab = V{
           {"classroom", "集合研修", {}}, {"online", "オンライン", {}}, {"study", "勉強会", {}}}});
  f.push_back({.key = "revenue_band",
               .label = "売上規模",
               .prefix = "XN:",
               .type = FieldType::kEnum,
               .front_matter = {{"revenue_band", kScalar}},
               .sidebar = 170,
               .vocab = V{{"r1", "1千万円未満", {}},
                          {"r2", "1千万〜5千万円未満", {"1千万円以上5千万円未満"}},
                          {"r3", "5千万〜1億円未満", {"5千万円以上1億円未満"}},
                          {"r4", "1億〜5億円未満", {"1億円以上5億円未満"}},
                          {"r5", "5億〜10億円未満", {"5億円以上10億円未満"}},
                          {"r6", "10億〜30億円未満", {"10億円以上30億円未満"}},
                          {"r7", "30億円以上", {}}}});
  f.push_back({.key = "consultants",
               .label = "担当コンサルタント",
               .prefix = "XW:",
               .type = FieldType::kConsultants,
               .front_matter = {{"consultants", kList}},
               .label_text = kIndexed,
               .sidebar = 180});
  return f;
}

std::vector<const FieldDef*> FieldsBy(int FieldDef::*position) {
  std::vector<const FieldDef*> out;
  for (const FieldDef& f : FacetFields()) {
    if (f.*position > 0) out.push_back(&f);
  }
  std::stable_sort(out.begin(), out.end(), [&](const FieldDef* a, const FieldDef* b) {
    return a->*position < b->*position;
  });
  return out;
}

// Comparison key of a label: normalized, with separators that writers vary dropped.
std::string MatchKey(std::string_view text) {
  std::u32string n = Normalize(text);
  std::u32string out;
  for (char32_t c : n) {
    if (c == U'、' || c == U',' || c == U'・' || c == U' ' || c == U'(' || c == U')' || c == U'/' ||
        c == U'　')
      continue;
    out.push_back(c);
  }
  return EncodeUtf8(out);
}

struct FieldIndexTables {
  // Per field: match key → value id.
  std::vector<std::unordered_map<std::string, int>> values;
  std::unordered_map<std::string, int> fields;  // key or label → field index
};

const FieldIndexTables& Tables() {
  static const FieldIndexTables* t = [] {
    auto* tables = new FieldIndexTables();
    const auto& fields = FacetFields();
    for (size_t i = 0; i < fields.size(); ++i) {
      const FieldDef& f = fields[i];
      tables->fields.emplace(std::string(f.key), static_cast<int>(i));
      tables->fields.emplace(MatchKey(f.label), static_cast<int>(i));
      // A top-level front matter key ("phases") names its field in queries and URLs too; a key
      // inside a map ("visit.mode") does not.
      for (const FrontMatterKey& k : f.front_matter) {
        if (k.path.find('.') == std::string_view::npos) {
          tables->fields.emplace(std::string(k.path), static_cast<int>(i));
        }
      }
      std::unordered_map<std::string, int> v;
      for (size_t k = 0; k < f.vocab.size(); ++k) {
        const VocabEntry& e = f.vocab[k];
        v.emplace(MatchKey(e.label), static_cast<int>(k));
        v.emplace(MatchKey(e.code), static_cast<int>(k));
        for (auto alias : e.aliases) v.emplace(MatchKey(alias), static_cast<int>(k));
      }
      tables->values.push_back(std::move(v));
    }
    return tables;
  }();
  return *t;
}

size_t EditDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<int> ParseConsultant(std::string_view text) {
  static const std::regex kId(R"(^k-?(\d{2,3})$)");
  const std::string s = NormalizeToUtf8(text);
  std::smatch m;
  if (!std::regex_match(s, m, kId)) return std::nullopt;
  return std::stoi(m[1]);
}

}  // namespace

std::string_view ClearanceLabel(Clearance c) {
  switch (c) {
    case Clearance::kPublic:
      return "公開";
    case Clearance::kInternal:
      return "内部";
    case Clearance::kConfidential:
      return "機密";
  }
  return "";
}

std::string_view ClearanceCode(Clearance c) {
  switch (c) {
    case Clearance::kPublic:
      return "public";
    case Clearance::kInternal:
      return "internal";
    case Clearance::kConfidential:
      return "confidential";
  }
  return "";
}

std::optional<Clearance> ParseClearance(std::string_view text) {
  const std::string s = NormalizeToUtf8(text);
  for (int i = 0; i < kClearanceCount; ++i) {
    const auto c = static_cast<Clearance>(i);
    if (s == ClearanceLabel(c) || s == ClearanceCode(c)) return c;
  }
  return std::nullopt;
}

const std::vector<FieldDef>& FacetFields() {
  static const std::vector<FieldDef>* fields = new std::vector<FieldDef>(BuildFields());
  return *fields;
}

const FieldDef* FindField(std::string_view name) {
  const auto& t = Tables();
  auto it = t.fields.find(std::string(name));
  if (it == t.fields.end()) it = t.fields.find(MatchKey(name));
  return it == t.fields.end() ? nullptr : &FacetFields()[it->second];
}

const std::vector<const FieldDef*>& SidebarFields() {
  static const auto* fields = new std::vector<const FieldDef*>(FieldsBy(&FieldDef::sidebar));
  return *fields;
}

const std::vector<const FieldDef*>& ChartFields() {
  static const auto* fields = new std::vector<const FieldDef*>(FieldsBy(&FieldDef::chart));
  return *fields;
}

FrontMatterBinding BindFrontMatterKey(std::string_view path) {
  for (const FieldDef& f : FacetFields()) {
    for (const FrontMatterKey& k : f.front_matter) {
      if (k.path == path) return {&f, k.shape};
    }
  }
  return {};
}

int FieldIndex(const FieldDef& field) { return static_cast<int>(&field - FacetFields().data()); }

std::optional<int> FindValue(const FieldDef& field, std::string_view text) {
  switch (field.type) {
    case FieldType::kYear: {
      // Relative forms (今年度) need "today"; the query layer resolves them before this.
      const auto fy = ParseFiscalYear(text, 0);
      if (!fy || *fy < kYearBase || *fy >= kYearBase + 250) return std::nullopt;
      return *fy - kYearBase;
    }
    case FieldType::kConsultants:
      return ParseConsultant(text);
    case FieldType::kEnum:
    case FieldType::kEnumList:
    case FieldType::kBool: {
      const auto& values = Tables().values[FieldIndex(field)];
      auto it = values.find(MatchKey(text));
      if (it == values.end()) return std::nullopt;
      return it->second;
    }
  }
  return std::nullopt;
}

std::string ValueLabel(const FieldDef& field, int id) {
  switch (field.type) {
    case FieldType::kYear:
      return std::to_string(kYearBase + id);
    case FieldType::kConsultants: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "K-%02d", id);
      return buf;
    }
    default:
      return id >= 0 && static_cast<size_t>(id) < field.vocab.size()
                 ? std::string(field.vocab[id].label)
                 : std::string();
  }
}

std::string ValueCode(const FieldDef& field, int id) {
  switch (field.type) {
    case FieldType::kYear:
    case FieldType::kConsultants:
      return ValueLabel(field, id);
    default:
      return id >= 0 && static_cast<size_t>(id) < field.vocab.size()
                 ? std::string(field.vocab[id].code)
                 : std::string();
  }
}

std::string FilterTerm(const FieldDef& field, int id) {
  return std::string(field.prefix) + ValueCode(field, id);
}

bool IsIndexedLabel(const FieldDef& field, std::string_view label) {
  if (field.label_text != LabelText::kIndexed) return false;
  if (field.type == FieldType::kBool) {
    const auto yes = FindValue(field, "true");
    return yes && label == ValueLabel(field, *yes);
  }
  return true;
}

const std::vector<IndexedLabel>& IndexedLabels() {
  static const std::vector<IndexedLabel>* labels = [] {
    auto* out = new std::vector<IndexedLabel>;
    // Only a field with a vocabulary has value ids whose term a document carries.
    for (const FieldDef& field : FacetFields()) {
      for (int id = 0; id < static_cast<int>(field.vocab.size()); ++id) {
        const std::string label = ValueLabel(field, id);
        if (!IsIndexedLabel(field, label)) continue;
        out->push_back({&field, id, FilterTerm(field, id), NormalizeToUtf8(label)});
      }
    }
    return out;
  }();
  return *labels;
}

std::vector<std::string> NearestLabels(const FieldDef& field, std::string_view text, size_t n) {
  const std::u32string probe = Normalize(text);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const VocabEntry& e : field.vocab) {
    size_t best = EditDistance(probe, Normalize(e.label));
    for (auto alias : e.aliases) best = std::min(best, EditDistance(probe, Normalize(alias)));
    scored.emplace_back(best, std::string(e.label));
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < n; ++i) out.push_back(scored[i].second);
  return out;
}

const std::vector<DocTypeDef>& DocTypes() {
  static const std::vector<DocTypeDef>* types = new std::vector<DocTypeDef>(BuildDocTypes());
  return *types;
}

const DocTypeDef* FindDocType(std::string_view label_or_code) {
  const FieldDef* f = FindField("doc_type");
  const auto id = FindValue(*f, label_or_code);
  if (!id) return nullptr;
  return &DocTypes()[*id];
}

}  // namespace yuimaru::core
