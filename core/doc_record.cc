#include "core/doc_record.h"

#include <nlohmann/json.hpp>

#include "core/fiscal_year.h"

namespace yuimaru::core {

// MessagePack through nlohmann::json: compact, self-describing (a field can be added without
// re-indexing old data) and parsed in microseconds for the ten records of a result page.
std::string EncodeDocRecord(const DocRecord& r) {
  nlohmann::json j;
  j["id"] = r.id;
  j["title"] = r.title;
  j["type"] = r.doc_type;
  j["path"] = r.path;
  j["date"] = r.date;
  j["fy"] = r.fiscal_year;
  j["conf"] = r.confidentiality;
  j["view"] = static_cast<int>(r.view_level);
  j["facets"] = r.facets;
  if (!r.company_ids.empty()) j["co"] = r.company_ids;
  if (!r.tags.empty()) j["tags"] = r.tags;
  j["related"] = r.related;
  if (!r.uses_cases.empty()) j["uc"] = r.uses_cases;
  if (r.duration_min != 0) j["dur"] = r.duration_min;
  if (!r.updated.empty()) j["upd"] = r.updated;
  if (!r.next_visit.empty()) j["nv"] = r.next_visit;
  j["md"] = r.markdown;
  const std::vector<uint8_t> bytes = nlohmann::json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

Result<DocRecord> DecodeDocRecord(std::string_view data) {
  const nlohmann::json j = nlohmann::json::from_msgpack(data.begin(), data.end(), true, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInternal, "index.data.corrupt", "document data is not a record");
  }
  DocRecord r;
  try {
    r.id = j.value("id", "");
    r.title = j.value("title", "");
    r.doc_type = j.value("type", "");
    r.path = j.value("path", "");
    r.date = j.value("date", "");
    r.fiscal_year = j.value("fy", 0);
    r.confidentiality = j.value("conf", "");
    r.view_level = static_cast<Clearance>(j.value("view", 0));
    if (j.contains("facets")) j.at("facets").get_to(r.facets);
    if (j.contains("co")) j.at("co").get_to(r.company_ids);
    if (j.contains("tags")) j.at("tags").get_to(r.tags);
    if (j.contains("related")) j.at("related").get_to(r.related);
    if (j.contains("uc")) j.at("uc").get_to(r.uses_cases);
    r.duration_min = j.value("dur", 0);
    r.updated = j.value("upd", "");
    r.next_visit = j.value("nv", "");
    r.markdown = j.value("md", "");
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInternal, "index.data.corrupt", e.what());
  }
  return r;
}

// An `updated` before `date` is an author's slip: the later of the two dates the state.
const std::string& StateDate(const DocRecord& r) { return r.updated > r.date ? r.updated : r.date; }

int StateFiscalYear(const DocRecord& r) {
  if (StateDate(r) != r.updated) return r.fiscal_year;
  const auto date = ParseDate(r.updated);  // validated by the parser; a bad one falls back
  return date ? FiscalYearOf(*date) : r.fiscal_year;
}

std::vector<std::pair<std::string, std::string>> DisplayMeta(const DocRecord& r) {
  std::vector<std::pair<std::string, std::string>> meta;
  auto join = [](const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
  };
  meta.emplace_back("文書ID", r.id);
  if (!r.doc_type.empty()) meta.emplace_back("文書種別", r.doc_type);
  if (!r.date.empty()) meta.emplace_back("日付", r.date);
  if (r.fiscal_year > 0) meta.emplace_back("年度", FiscalYearDisplay(r.fiscal_year));
  meta.emplace_back("機密区分", r.confidentiality);
  if (!r.company_ids.empty()) meta.emplace_back("企業ID", join(r.company_ids));
  for (const auto& field : FacetFields()) {
    if (field.key == "doc_type" || field.key == "fiscal_year" || field.key == "confidentiality") {
      continue;
    }
    for (const auto& [key, labels] : r.facets) {
      if (key == field.key) meta.emplace_back(std::string(field.label), join(labels));
    }
  }
  if (r.duration_min > 0) meta.emplace_back("所要時間（分）", std::to_string(r.duration_min));
  if (!r.tags.empty()) meta.emplace_back("タグ", join(r.tags));
  return meta;
}

}  // namespace yuimaru::core
