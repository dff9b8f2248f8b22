#include "toolkit/figures.h"

#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "core/fiscal_year.h"
#include "core/schema.h"
#include "toolkit/small_cells.h"

namespace yuimaru::toolkit {
namespace {

constexpr std::string_view kTableKeys[] = {"industry",  "region",  "phase",      "issues",
                                           "bridge_to", "outcome", "fiscal_year"};
constexpr std::string_view kPublicCopySuffix = "-P";

// The labels of field `key` in a record (fiscal_year from the record's own field).
std::vector<std::string> Labels(const core::DocRecord& record, std::string_view key) {
  if (key == "fiscal_year") {
    if (record.fiscal_year <= 0) return {};
    return {core::FiscalYearDisplay(record.fiscal_year)};
  }
  for (const auto& [k, labels] : record.facets) {
    if (k == key) return labels;
  }
  return {};
}

// Firms per document, with a public copy counted as its source case's company when the source
// is in the set (当局用 reads both; the copy has no company id).
std::vector<std::vector<std::string>> ResolvedFirms(const std::vector<ExportDoc>& docs) {
  std::map<std::string, const std::vector<std::string>*> companies_of_doc;
  for (const ExportDoc& doc : docs) {
    if (!doc.record.company_ids.empty()) companies_of_doc[doc.record.id] = &doc.record.company_ids;
  }
  std::vector<std::vector<std::string>> out;
  for (const ExportDoc& doc : docs) {
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

struct Tally {
  std::set<std::string> firms;
  size_t documents = 0;
  void Add(const std::vector<std::string>& doc_firms) {
    ++documents;
    firms.insert(doc_firms.begin(), doc_firms.end());
  }
  FigureRow Row(std::string label) const { return {std::move(label), firms.size(), documents}; }
};

FigureTable Table(const core::FieldDef& field, const std::vector<ExportDoc>& docs,
                  const std::vector<std::vector<std::string>>& firms) {
  FigureTable table;
  table.key = std::string(field.key);
  table.label = std::string(field.label);
  table.title = field.chart_title.empty() ? table.label + "別" : std::string(field.chart_title);
  table.multi_valued = field.type == core::FieldType::kEnumList;
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
  if (field.type == core::FieldType::kYear) {
    for (int year : years) order.push_back(core::FiscalYearDisplay(year));
  } else {
    for (const core::VocabEntry& e : field.vocab) {
      const std::string label(e.label);
      if (IsCoarseOnlyLabel(field.key, label) && !by_label.count(label)) continue;
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

}  // namespace

std::vector<std::string> FirmKeys(const core::DocRecord& record) {
  if (!record.company_ids.empty()) return record.company_ids;
  if (record.doc_type != "支援事例") return {};
  std::string id = record.id;
  if (id.size() > kPublicCopySuffix.size() && id.ends_with(kPublicCopySuffix)) {
    id.resize(id.size() - kPublicCopySuffix.size());
  }
  return {id};
}

Figures ComputeFigures(const std::vector<ExportDoc>& docs) {
  const std::vector<std::vector<std::string>> firms = ResolvedFirms(docs);
  Figures figures;
  figures.documents = docs.size();
  std::set<std::string> all;
  for (const auto& f : firms) all.insert(f.begin(), f.end());
  figures.firms = all.size();
  for (std::string_view key : kTableKeys) {
    const core::FieldDef* field = core::FindField(key);
    if (field == nullptr) continue;
    figures.tables.push_back(Table(*field, docs, firms));
  }
  return figures;
}

}  // namespace yuimaru::toolkit
