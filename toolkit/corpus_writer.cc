#include "toolkit/corpus_writer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/io.h"
#include "core/schema.h"

namespace yuimaru::toolkit {
namespace {

// One front matter key with its values; a dotted path ("visit.mode") is a key inside a map.
struct FmItem {
  std::string path;
  core::Shape shape = core::Shape::kScalar;
  std::vector<std::string> values;
};

std::string TypeCode(const core::DocRecord& record) {
  const core::DocTypeDef* type = core::FindDocType(record.doc_type);
  return type ? std::string(type->code) : std::string("other");
}

// The front matter key a facet's values are written under: its own key, or its first list key
// when it holds several values and its own key takes one ("phase" → "phases").
core::FrontMatterKey KeyFor(const core::FieldDef& field, size_t values) {
  if (values > 1 && field.front_matter[0].shape == core::Shape::kScalar) {
    for (const auto& k : field.front_matter) {
      if (k.shape == core::Shape::kList) return k;
    }
  }
  return field.front_matter[0];
}

// The values as the parser reads them back: a vocabulary label, except that a yes/no field is
// written as true/false. A label outside the vocabulary (a coarsened label) cannot be indexed
// and is left out; the site and the reports show it.
std::vector<std::string> FacetValues(const core::FieldDef& field,
                                     const std::vector<std::string>& labels) {
  std::vector<std::string> out;
  for (const auto& label : labels) {
    const auto id = core::FindValue(field, label);
    if (!id) continue;
    out.push_back(field.type == core::FieldType::kBool ? core::ValueCode(field, *id) : label);
  }
  return out;
}

// Facet keys the writer spells itself, and the firm and handler ids a 公表用 folder never holds.
bool WrittenElsewhere(std::string_view key, Edition edition) {
  if (key == "doc_type" || key == "confidentiality" || key == "fiscal_year") return true;
  return edition == Edition::kPublic && key == "consultants";
}

std::vector<FmItem> FrontMatterItems(const ExportDoc& doc, Edition edition) {
  const core::DocRecord& r = doc.record;
  const auto scalar = [](std::string path, std::string value) {
    return FmItem{std::move(path), core::Shape::kScalar, {std::move(value)}};
  };
  std::vector<FmItem> items;
  items.push_back(scalar("doc_id", r.id));
  items.push_back(scalar("doc_type", r.doc_type));
  items.push_back(scalar("title", r.title));
  if (!r.date.empty()) items.push_back(scalar("date", r.date));
  if (r.fiscal_year) items.push_back(scalar("fiscal_year", std::to_string(r.fiscal_year)));
  const std::string level = r.confidentiality.empty()
                                ? std::string(core::ClearanceLabel(EditionClearance(edition)))
                                : r.confidentiality;
  items.push_back(scalar("confidentiality", level));
  for (const core::FieldDef& field : core::FacetFields()) {
    if (WrittenElsewhere(field.key, edition) || field.front_matter.empty()) continue;
    for (const auto& [key, labels] : r.facets) {
      if (key != field.key) continue;
      std::vector<std::string> values = FacetValues(field, labels);
      if (values.empty()) continue;
      const core::FrontMatterKey fm = KeyFor(field, values.size());
      items.push_back({std::string(fm.path), fm.shape, std::move(values)});
    }
  }
  if (edition == Edition::kAuthority && !r.company_ids.empty()) {
    const core::DocTypeDef* type = core::FindDocType(r.doc_type);
    bool one_firm_type = false;
    for (auto req : type ? type->required : std::vector<std::string_view>{}) {
      one_firm_type |= req == "company_id";
    }
    if (one_firm_type && r.company_ids.size() == 1) {
      items.push_back(scalar("company_id", r.company_ids[0]));
    } else {
      items.push_back({"company_ids", core::Shape::kList, r.company_ids});
    }
  }
  if (!r.tags.empty()) items.push_back({"tags", core::Shape::kList, r.tags});
  if (!r.related.empty()) items.push_back({"related", core::Shape::kList, r.related});
  if (!r.uses_cases.empty()) items.push_back({"uses_cases", core::Shape::kList, r.uses_cases});
  if (r.duration_min > 0) items.push_back(scalar("duration_min", std::to_string(r.duration_min)));
  // The publication gate let this document into the 公開 view only with the firm's consent
  // (indexer/publication_gate.cc); the rebuilt file says so, or re-indexing would raise it.
  if (level == core::ClearanceLabel(core::Clearance::kPublic) && r.doc_type == "支援事例") {
    items.push_back(scalar("publication.consent", "true"));
  }
  return items;
}

std::string RenderValue(const FmItem& item) {
  if (item.shape == core::Shape::kScalar && item.values.size() == 1) {
    return YamlScalar(item.values[0]);
  }
  std::string out = "[";
  for (size_t i = 0; i < item.values.size(); ++i) {
    if (i) out += ", ";
    out += YamlScalar(item.values[i]);
  }
  return out + "]";
}

// Items in order; the items of one map ("publication.consent") under one key at its first place.
std::string RenderFrontMatter(const std::vector<FmItem>& items) {
  std::string out = "---\n";
  std::vector<std::string> maps_done;
  for (size_t i = 0; i < items.size(); ++i) {
    const size_t dot = items[i].path.find('.');
    if (dot == std::string::npos) {
      out += items[i].path + ": " + RenderValue(items[i]) + "\n";
      continue;
    }
    const std::string head = items[i].path.substr(0, dot);
    if (std::find(maps_done.begin(), maps_done.end(), head) != maps_done.end()) continue;
    maps_done.push_back(head);
    out += head + ":\n";
    for (size_t j = i; j < items.size(); ++j) {
      if (items[j].path.rfind(head + ".", 0) != 0) continue;
      out += "  " + items[j].path.substr(dot + 1) + ": " + RenderValue(items[j]) + "\n";
    }
  }
  return out + "---\n";
}

bool IsFileName(std::string_view name) {
  static const std::regex kName(R"([A-Za-z0-9][A-Za-z0-9_-]*)");
  return std::regex_match(name.begin(), name.end(), kName);
}

}  // namespace

std::string YamlScalar(std::string_view text) {
  static const std::regex kPlain(R"([A-Za-z0-9][A-Za-z0-9_-]*)");
  if (std::regex_match(text.begin(), text.end(), kPlain) && text != "null" && text != "Null" &&
      text != "NULL") {
    return std::string(text);
  }
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string CorpusPath(const ExportDoc& doc) {
  return "corpus/" + TypeCode(doc.record) + "/" + doc.record.id + ".md";
}

std::string CorpusDocument(const ExportDoc& doc, Edition edition) {
  std::string out = RenderFrontMatter(FrontMatterItems(doc, edition));
  out += doc.record.markdown;
  if (!out.ends_with('\n')) out += '\n';
  return out;
}

Status WriteCorpus(const ExportSet& set, const std::filesystem::path& dir) {
  for (const ExportDoc& doc : set.docs) {
    if (!IsFileName(doc.record.id)) {
      return MakeError(ErrorCode::kInternal, "export.doc-id",
                       "文書 ID をファイル名にできません: " + doc.record.id);
    }
    const std::filesystem::path path = dir / CorpusPath(doc);
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return ErrorAt(ErrorCode::kIo, "io.write", "フォルダを作れません: " + ec.message(),
                     path.parent_path().string());
    }
    if (Status s = core::WriteFileAtomically(path, CorpusDocument(doc, set.edition), ".tmp", 0644);
        !s) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace yuimaru::toolkit
