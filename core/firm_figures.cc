#include "core/firm_figures.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/fiscal_year.h"
#include "core/schema.h"

namespace yuimaru::core {
namespace {

constexpr std::string_view kTableKeys[] = {"industry",  "region",  "phase",      "issues",
                                           "bridge_to", "outcome", "fiscal_year"};
constexpr std::string_view kPublicCopySuffix = "-P";

// The labels of field `key` in a record (fiscal_year from the record's own field).
std::vector<std::string> Labels(const DocRecord& record, std::string_view key) {
  if (key == "fiscal_year") {
    if (record.fiscal_year <= 0) return {};
    return {FiscalYearDisplay(record.fiscal_year)};
  }
  for (const auto& [k, labels] : record.facets) {
    if (k == key) return labels;
  }
  return {};
}

struct Tally {
  std::set<std::string> firms;
  size_t documents = 0;
  void Add(const std::vector<std::string>& doc_firms) {
    ++documents;
    firms.insert(doc_firms.begin(), doc_firms.end());
  }
  FigureRow Row(std::string label) const { return {std::move(label), firms.size(), documents}; }
};

// Firms per document, with a public copy counted as its source case's company when the source
// is in the set (a view that reads both; the copy has no company id).
std::vector<std::vector<std::string>> ResolvedFirms(const std::vector<FirmDoc>& docs) {
  std::map<std::string, const std::vector<std::string>*> companies_of_doc;
  for (const FirmDoc& doc : docs) {
    if (!doc.record.company_ids.empty()) companies_of_doc[doc.record.id] = &doc.record.company_ids;
  }
  std::vector<std::vector<std::string>> out;
  for (const FirmDoc& doc : docs) {
    std::vector<std::string> firms = doc.firms;
    const std::string& id = doc.record.id;
    if (doc.record.company_ids.empty() && id.size() > kPublicCopySuffix.size() &&
        id.ends_with(kPublicCopySuffix)) {
      auto it = companies_of_doc.find(id.substr(0, id.size() - kPublicCopySuffix.size()));
      if (it != companies_of_doc.end()) firms = *it->second;
    }
    out.push_back(std::move(firms));
  }
  return out;
}

FigureTable Table(const FieldDef& field, const std::vector<FirmDoc>& docs,
                  const std::vector<std::vector<std::string>>& firms, OmitUnused omit_unused) {
  FigureTable table;
  table.key = std::string(field.key);
  table.label = std::string(field.label);
  table.title = field.chart_title.empty() ? table.label + "別" : std::string(field.chart_title);
  table.multi_valued = field.type == FieldType::kEnumList;
  std::map<std::string, Tally> by_label;
  Tally none, total;
  std::set<int> years;
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::vector<std::string> labels = Labels(docs[i].record, field.key);
    total.Add(firms[i]);
    if (labels.empty()) none.Add(firms[i]);
    for (const std::string& label : std::set<std::string>(labels.begin(), labels.end())) {
      by_label[label].Add(firms[i]);
    }
    if (docs[i].record.fiscal_year > 0) years.insert(docs[i].record.fiscal_year);
  }
  std::vector<std::string> order;
  if (field.type == FieldType::kYear) {
    for (int year : years) order.push_back(FiscalYearDisplay(year));
  } else {
    for (const VocabEntry& e : field.vocab) {
      const std::string label(e.label);
      if (omit_unused && omit_unused(field.key, label) && !by_label.count(label)) continue;
      order.push_back(label);
    }
  }
  for (const std::string& label : order) {
    auto it = by_label.find(label);
    table.rows.push_back(it == by_label.end() ? FigureRow{label, 0, 0} : it->second.Row(label));
    if (it != by_label.end()) by_label.erase(it);
  }
  // A label outside the vocabulary cannot come from the index; listed rather than lost.
  for (const auto& [label, tally] : by_label) table.rows.push_back(tally.Row(label));
  table.none = none.Row("該当なし");
  table.total = total.Row("合計");
  return table;
}

// ---- 実績報告 -------------------------------------------------------------------------------

// The export's coarse values (wide 従業員規模 bands, 業種 sectors): written only by its small-cell
// rule, never by an author, so a report of a view lists them only when used.
bool CoarseOnly(std::string_view key, std::string_view code) {
  if (key == "employees") return code == "le20" || code == "e21-100" || code == "ge101";
  if (key == "industry") return code == "sector1" || code == "sector2" || code == "sector3";
  return false;
}

// Position of `label` in the vocabulary of `field`, or -1.
int VocabIndex(const FieldDef& field, std::string_view label) {
  for (size_t i = 0; i < field.vocab.size(); ++i) {
    if (field.vocab[i].label == label) return static_cast<int>(i);
  }
  return -1;
}

bool InYear(const DocRecord& r, int year) { return year == kAllYears || r.fiscal_year == year; }
bool UpToYear(const DocRecord& r, int year) {
  return year == kAllYears || (r.fiscal_year > 0 && r.fiscal_year <= year);
}
// The same for the document's state (phase, 支援の状況): a karte's is as of its `updated`.
bool StateInYear(const DocRecord& r, int year) {
  return year == kAllYears || StateFiscalYear(r) == year;
}
bool StateUpToYear(const DocRecord& r, int year) {
  const int state_year = StateFiscalYear(r);
  return year == kAllYears || (state_year > 0 && state_year <= year);
}
// The fields that are a document's current state rather than a fact of its date.
bool IsStateField(std::string_view key) { return key == "phase" || key == "outcome"; }

// What is known of one firm up to the end of the reported year.
struct FirmState {
  std::map<std::string, std::string> latest;  // single-valued field → latest label
  int furthest_phase = -1;                    // vocabulary index
  std::map<std::string, size_t> issues_docs;  // 課題 → documents of the year
  bool active = false;
};

// Documents in the order of their state's date (then id), so that a later value overwrites an
// earlier one: a karte updated after a visit memo has the newer 支援の状況.
std::vector<const FirmDoc*> ByDate(const std::vector<FirmDoc>& docs) {
  std::vector<const FirmDoc*> sorted;
  for (const FirmDoc& d : docs) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const FirmDoc* a, const FirmDoc* b) {
    return std::tie(StateDate(a->record), a->record.id) <
           std::tie(StateDate(b->record), b->record.id);
  });
  return sorted;
}

constexpr std::string_view kProfileKeys[] = {"industry", "region", "ritou", "employees", "outcome"};

std::map<std::string, FirmState> FirmStates(const std::vector<const FirmDoc*>& sorted, int year) {
  const FieldDef* phase = FindField("phase");
  std::map<std::string, FirmState> firms;
  for (const FirmDoc* doc : sorted) {
    const bool dated = UpToYear(doc->record, year);
    const bool stated = StateUpToYear(doc->record, year);
    if (!dated && !stated) continue;
    for (const std::string& firm : doc->firms) {
      FirmState& state = firms[firm];
      if (InYear(doc->record, year) || StateInYear(doc->record, year)) state.active = true;
      for (std::string_view key : kProfileKeys) {
        if (!(IsStateField(key) ? stated : dated)) continue;
        const std::vector<std::string> labels = Labels(doc->record, key);
        if (!labels.empty()) state.latest[std::string(key)] = labels.front();
      }
      for (const std::string& label : Labels(doc->record, "phase")) {
        if (stated && phase) {
          state.furthest_phase = std::max(state.furthest_phase, VocabIndex(*phase, label));
        }
      }
      if (InYear(doc->record, year)) {
        for (const std::string& issue : Labels(doc->record, "issues")) ++state.issues_docs[issue];
      }
    }
  }
  return firms;
}

// Documents of the year per label of `key` (each document once per label); for a state field,
// documents whose state is of the year.
std::map<std::string, size_t> DocumentsPerLabel(const std::vector<FirmDoc>& docs,
                                                std::string_view key, int year) {
  std::map<std::string, size_t> out;
  for (const FirmDoc& doc : docs) {
    if (!(IsStateField(key) ? StateInYear(doc.record, year) : InYear(doc.record, year))) continue;
    const std::vector<std::string> labels = Labels(doc.record, key);
    for (const std::string& label : std::set<std::string>(labels.begin(), labels.end())) {
      ++out[label];
    }
  }
  return out;
}

ReportTable ProfileTable(const FieldDef& field, const std::map<std::string, FirmState>& firms,
                         const std::map<std::string, size_t>& documents) {
  ReportTable table;
  table.key = std::string(field.key);
  table.title = "支援先数（" + std::string(field.label) + "別）";
  std::map<std::string, size_t> counts;
  for (const auto& [id, state] : firms) {
    if (!state.active) continue;
    auto it = state.latest.find(table.key);
    if (it == state.latest.end()) {
      ++table.none.firms;
    } else {
      ++counts[it->second];
    }
  }
  for (const VocabEntry& e : field.vocab) {
    const std::string label(e.label);
    const size_t n = counts.count(label) ? counts.at(label) : 0;
    if (n == 0 && CoarseOnly(field.key, e.code)) continue;
    const size_t d = documents.count(label) ? documents.at(label) : 0;
    table.rows.push_back({label, n, d});
  }
  table.none.label = "該当なし";
  return table;
}

ReportTable PhaseTable(const FieldDef& field, const std::map<std::string, FirmState>& firms,
                       const std::map<std::string, size_t>& documents) {
  ReportTable table;
  table.key = "phase";
  table.title = "到達した支援フェーズ別の支援先数";
  for (const VocabEntry& e : field.vocab) {
    const std::string label(e.label);
    table.rows.push_back({label, 0, documents.count(label) ? documents.at(label) : 0});
  }
  for (const auto& [id, state] : firms) {
    if (!state.active) continue;
    if (state.furthest_phase < 0) {
      ++table.none.firms;
    } else {
      ++table.rows[static_cast<size_t>(state.furthest_phase)].firms;
    }
  }
  table.none.label = "該当なし";
  return table;
}

ReportTable IssueTable(const FieldDef& field, const std::map<std::string, FirmState>& firms,
                       const std::map<std::string, size_t>& documents) {
  ReportTable table;
  table.key = "issues";
  table.title = "課題別の支援先数（多い順）";
  for (const VocabEntry& e : field.vocab) {
    const std::string label(e.label);
    table.rows.push_back({label, 0, documents.count(label) ? documents.at(label) : 0});
  }
  for (const auto& [id, state] : firms) {
    if (!state.active) continue;
    if (state.issues_docs.empty()) ++table.none.firms;
    for (const auto& [issue, docs] : state.issues_docs) {
      const int i = VocabIndex(field, issue);
      if (i < 0) continue;
      ++table.rows[static_cast<size_t>(i)].firms;
    }
  }
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [](const ReportRow& a, const ReportRow& b) { return a.firms > b.firms; });
  table.none.label = "該当なし";
  return table;
}

// (firm, 橋渡し先) pairs in the fiscal year of the first document recording them.
void CountBridges(const std::vector<const FirmDoc*>& sorted, int year, Report& report) {
  const FieldDef* field = FindField("bridge_to");
  if (!field) return;
  std::map<std::pair<std::string, std::string>, int> first_year;
  for (const FirmDoc* doc : sorted) {
    if (doc->record.fiscal_year <= 0) continue;
    for (const std::string& institution : Labels(doc->record, "bridge_to")) {
      for (const std::string& firm : doc->firms) {
        auto [it, added] =
            first_year.emplace(std::make_pair(firm, institution), doc->record.fiscal_year);
        // Sorted by date: the first is the earliest, unless an undated document came first.
        if (!added) it->second = std::min(it->second, doc->record.fiscal_year);
      }
    }
  }
  for (const VocabEntry& e : field->vocab) report.bridges.push_back({std::string(e.label), {}, 0});
  for (const auto& [pair, fy] : first_year) {
    const int i = VocabIndex(*field, pair.second);
    if (i < 0) continue;
    BridgeRow& row = report.bridges[static_cast<size_t>(i)];
    ++row.by_year[fy];
    if (year == kAllYears || fy == year) {
      ++row.total;
      ++report.bridge_total;
    }
  }
}

}  // namespace

std::vector<std::string> FirmKeys(const DocRecord& record) {
  if (!record.company_ids.empty()) return record.company_ids;
  if (record.doc_type != "支援事例") return {};
  std::string id = record.id;
  if (id.size() > kPublicCopySuffix.size() && id.ends_with(kPublicCopySuffix)) {
    id.resize(id.size() - kPublicCopySuffix.size());
  }
  return {id};
}

std::vector<FirmDoc> ToFirmDocs(std::vector<DocRecord> records) {
  std::vector<FirmDoc> docs;
  for (DocRecord& r : records) {
    FirmDoc doc;
    doc.firms = FirmKeys(r);
    doc.record = std::move(r);
    docs.push_back(std::move(doc));
  }
  std::vector<std::vector<std::string>> firms = ResolvedFirms(docs);
  for (size_t i = 0; i < docs.size(); ++i) docs[i].firms = std::move(firms[i]);
  return docs;
}

Figures ComputeFigures(const std::vector<FirmDoc>& docs, OmitUnused omit_unused) {
  Figures figures;
  figures.documents = docs.size();
  const std::vector<std::vector<std::string>> firms = ResolvedFirms(docs);
  std::set<std::string> all;
  for (const auto& f : firms) all.insert(f.begin(), f.end());
  figures.firms = all.size();
  for (std::string_view key : kTableKeys) {
    const FieldDef* field = FindField(key);
    if (field == nullptr) continue;
    figures.tables.push_back(Table(*field, docs, firms, omit_unused));
  }
  return figures;
}

Report ComputeReport(const std::vector<FirmDoc>& docs, int fiscal_year) {
  Report report;
  report.fiscal_year = fiscal_year;
  std::set<int> years;
  for (const FirmDoc& d : docs) {
    if (d.record.fiscal_year > 0) years.insert(d.record.fiscal_year);
    if (InYear(d.record, fiscal_year)) ++report.documents;
  }
  report.years.assign(years.begin(), years.end());
  const std::vector<const FirmDoc*> sorted = ByDate(docs);
  const std::map<std::string, FirmState> firms = FirmStates(sorted, fiscal_year);
  for (const auto& [id, state] : firms) report.firms += state.active;
  for (std::string_view key : {"industry", "region", "ritou", "employees"}) {
    if (const FieldDef* f = FindField(key)) {
      report.tables.push_back(ProfileTable(*f, firms, DocumentsPerLabel(docs, key, fiscal_year)));
    }
  }
  if (const FieldDef* f = FindField("phase")) {
    report.tables.push_back(PhaseTable(*f, firms, DocumentsPerLabel(docs, "phase", fiscal_year)));
  }
  if (const FieldDef* f = FindField("outcome")) {
    ReportTable outcome = ProfileTable(*f, firms, DocumentsPerLabel(docs, "outcome", fiscal_year));
    outcome.title = "支援の状況別の支援先数";
    for (const ReportRow& row : outcome.rows) {
      report.outcome_firms += row.firms;
      if (row.label == "自走化") report.self_running += row.firms;
    }
    report.tables.push_back(std::move(outcome));
  }
  if (const FieldDef* f = FindField("issues")) {
    report.tables.push_back(IssueTable(*f, firms, DocumentsPerLabel(docs, "issues", fiscal_year)));
  }
  CountBridges(sorted, fiscal_year, report);
  report.essential_issue_note =
      "本質的課題と最初に語られた課題は、カルテ（§10）と支援事例（課題設定のプロセス）の本文に"
      "だけ書かれ、メタデータの項目にはないため、食い違いの件数は集計できません。";
  return report;
}

double SelfRunningRate(const Report& report) {
  if (report.outcome_firms == 0) return -1;
  const double rate =
      100.0 * static_cast<double>(report.self_running) / static_cast<double>(report.outcome_firms);
  return static_cast<double>(static_cast<long>(rate * 10 + 0.5)) / 10;
}

}  // namespace yuimaru::core
