#include "search/core/doc_record.h"

#include <nlohmann/json.hpp>

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
  j["meta"] = r.meta;
  j["related"] = r.related;
  nlohmann::json blocks = nlohmann::json::array();
  for (const Block& b : r.blocks) {
    blocks.push_back(
        {static_cast<int>(b.kind), b.heading_level, static_cast<int>(b.level), b.position, b.text});
  }
  j["blocks"] = std::move(blocks);
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
    if (j.contains("meta")) j.at("meta").get_to(r.meta);
    if (j.contains("related")) j.at("related").get_to(r.related);
    if (j.contains("blocks")) {
      for (const auto& b : j.at("blocks")) {
        Block block;
        block.kind = static_cast<BlockKind>(b.at(0).get<int>());
        block.heading_level = b.at(1).get<uint8_t>();
        block.level = static_cast<Clearance>(b.at(2).get<int>());
        block.position = b.at(3).get<uint32_t>();
        block.text = b.at(4).get<std::string>();
        r.blocks.push_back(std::move(block));
      }
    }
    r.markdown = j.value("md", "");
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInternal, "index.data.corrupt", e.what());
  }
  return r;
}

}  // namespace yuimaru::core
