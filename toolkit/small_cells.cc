#include "toolkit/small_cells.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace yuimaru::toolkit {
namespace {

constexpr std::string_view kSuppressed = "（非表示）";

// The order in which fields are coarsened: the region says least about a firm's business, the
// size band next, the industry most (and the reports group and read by it).
constexpr std::array<std::string_view, 3> kFieldOrder = {"region", "employees", "industry"};

struct CoarseMap {
  std::string_view from;
  std::string_view to;
};

// 全県 is the vocabulary's label for the whole prefecture (県内全域): no new region value.
constexpr CoarseMap kRegion[] = {
    {"北部", "全県"}, {"中部", "全県"}, {"南部", "全県"}, {"宮古", "全県"}, {"八重山", "全県"}};
// Wide bands at the 中小企業基本法 thresholds of 小規模 (20) and 中小 (100) (DOMAIN.md §3.2.6).
constexpr CoarseMap kEmployees[] = {{"5人以下", "20人以下"},     {"6〜20人", "20人以下"},
                                    {"21〜50人", "21〜100人"},   {"51〜100人", "21〜100人"},
                                    {"101〜300人", "101人以上"}, {"301人以上", "101人以上"}};
// 産業3部門 of the JSIC 大分類 (the vocabulary already is 大分類); その他 mixes sectors and stays.
constexpr CoarseMap kIndustry[] = {{"農業、林業", "第一次産業"},
                                   {"漁業", "第一次産業"},
                                   {"建設業", "第二次産業"},
                                   {"製造業", "第二次産業"},
                                   {"情報通信業", "第三次産業"},
                                   {"運輸業、郵便業", "第三次産業"},
                                   {"卸売業、小売業", "第三次産業"},
                                   {"不動産業、物品賃貸業", "第三次産業"},
                                   {"学術研究、専門・技術サービス業", "第三次産業"},
                                   {"宿泊業、飲食サービス業", "第三次産業"},
                                   {"生活関連サービス業、娯楽業", "第三次産業"},
                                   {"医療、福祉", "第三次産業"},
                                   {"サービス業（他に分類されないもの）", "第三次産業"}};

template <size_t N>
std::string Lookup(const CoarseMap (&map)[N], std::string_view label) {
  for (const CoarseMap& m : map) {
    if (m.from == label) return std::string(m.to);
  }
  return std::string(label);
}

std::string_view FieldLabel(std::string_view key) {
  if (key == "region") return "地域";
  if (key == "employees") return "従業員規模";
  return "業種";
}

// The label of a single-valued field in a record, empty when absent.
std::string Value(const core::DocRecord& record, std::string_view key) {
  for (const auto& [k, labels] : record.facets) {
    if (k == key && !labels.empty()) return labels.front();
  }
  return {};
}

using Combination = std::array<std::string, 3>;  // 業種, 地域, 従業員規模

Combination CombinationOf(const core::DocRecord& record) {
  return {Value(record, "industry"), Value(record, "region"), Value(record, "employees")};
}

// Per firm: the smallest number of firms sharing any of its combinations.
std::map<std::string, size_t> SmallestCell(const std::vector<ExportDoc>& docs) {
  std::map<Combination, std::set<std::string>> cells;
  for (const ExportDoc& doc : docs) {
    const Combination c = CombinationOf(doc.record);
    // A document that shows none of the three (all suppressed) places its firm in no cell.
    if (c[0].empty() && c[1].empty() && c[2].empty()) continue;
    for (const std::string& firm : doc.firms) cells[c].insert(firm);
  }
  std::map<std::string, size_t> smallest;
  for (const auto& [combination, firms] : cells) {
    for (const std::string& firm : firms) {
      auto [it, inserted] = smallest.emplace(firm, firms.size());
      if (!inserted && firms.size() < it->second) it->second = firms.size();
    }
  }
  return smallest;
}

// Coarsens field `key` of `doc` when one of its firms is in a cell of fewer than k firms;
// returns whether a label changed.
// The smallest cell of the firms of `doc` (k when none is smaller, or the doc has no cell).
size_t CellOf(const ExportDoc& doc, const std::map<std::string, size_t>& smallest, size_t k) {
  size_t cell = k;
  for (const std::string& firm : doc.firms) {
    auto it = smallest.find(firm);
    if (it != smallest.end()) cell = std::min(cell, it->second);
  }
  return cell;
}

std::string Reason(size_t cell, size_t k, std::string_view what) {
  return "業種×地域×従業員規模の組合せが " + std::to_string(cell) + " 社（k=" + std::to_string(k) +
         " 未満）のため" + std::string(what);
}

// Removes field `key` from `doc` (the value is not published at all); returns whether it had one.
bool Suppress(ExportDoc& doc, std::string_view key, const std::string& reason,
              std::vector<Coarsening>& changes) {
  auto& facets = doc.record.facets;
  bool changed = false;
  for (auto it = facets.begin(); it != facets.end();) {
    if (it->first != key) {
      ++it;
      continue;
    }
    for (const std::string& label : it->second) {
      changes.push_back({doc.record.id, std::string(key), label, std::string(kSuppressed), reason});
    }
    changed = changed || !it->second.empty();
    it = facets.erase(it);
  }
  return changed;
}

bool CoarsenDoc(ExportDoc& doc, std::string_view key, const std::map<std::string, size_t>& smallest,
                size_t k, std::vector<Coarsening>& changes) {
  const size_t cell = CellOf(doc, smallest, k);
  if (cell >= k) return false;
  bool changed = false;
  for (auto& [field, labels] : doc.record.facets) {
    if (field != key) continue;
    for (std::string& label : labels) {
      std::string coarse = CoarseLabel(key, label);
      if (coarse == label) continue;
      changes.push_back(
          {doc.record.id, std::string(key), label, coarse,
           Reason(cell, k, std::string(FieldLabel(key)) + "を「" + coarse + "」にまとめた")});
      label = std::move(coarse);
      changed = true;
    }
  }
  // 全県 with the 離島 flag still names the islands: the flag goes with the region.
  if (changed && key == "region") {
    Suppress(doc, "ritou", Reason(cell, k, "地域をまとめ、離島の別も表示しない"), changes);
  }
  return changed;
}

// A heading line's level (1–6) if `line` is an ATX heading, else 0.
int HeadingLevel(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && n < 7 && line[n] == '#') ++n;
  if (n == 0 || n > 6 || n >= line.size() || (line[n] != ' ' && line[n] != '\t')) return 0;
  return static_cast<int>(n);
}

// The profile written in place of a coarsened firm's 企業プロフィール section: its fields as
// they are published now, nothing else.
std::string ProfileText(const core::DocRecord& record) {
  std::string out = "\n";
  for (std::string_view key : {"industry", "region", "employees"}) {
    const std::string value = Value(record, key);
    out += "- " + std::string(FieldLabel(key)) + "：" + (value.empty() ? "非公表" : value) + "\n";
  }
  out += "\n（該当する企業が少ないため、区分を粗くして記載しています。）\n\n";
  return out;
}

}  // namespace

std::string CoarseLabel(std::string_view field_key, std::string_view label) {
  if (field_key == "region") return Lookup(kRegion, label);
  if (field_key == "employees") return Lookup(kEmployees, label);
  if (field_key == "industry") return Lookup(kIndustry, label);
  return std::string(label);
}

size_t FirmsStillInSmallCells(const ExportSet& set) {
  if (set.edition != Edition::kPublic || set.k <= 1) return 0;
  size_t n = 0;
  for (const auto& [firm, cell] : SmallestCell(set.docs)) n += cell < set.k;
  return n;
}

bool IsCoarseOnlyLabel(std::string_view field_key, std::string_view label) {
  auto written = [&](const auto& map) {
    for (const CoarseMap& m : map) {
      if (m.to == label) return true;
    }
    return false;
  };
  // 全県 is a region of its own, not only a coarse value.
  if (field_key == "employees") return written(kEmployees);
  if (field_key == "industry") return written(kIndustry);
  return false;
}

std::string ReplaceProfileSection(std::string_view markdown, const core::DocRecord& record) {
  std::string out;
  out.reserve(markdown.size());
  int skipping = 0;  // level of the profile heading whose section is being dropped
  size_t pos = 0;
  while (pos < markdown.size()) {
    size_t end = markdown.find('\n', pos);
    end = end == std::string_view::npos ? markdown.size() : end + 1;
    const std::string_view line = markdown.substr(pos, end - pos);
    pos = end;
    const int level = HeadingLevel(line);
    if (skipping > 0) {
      if (level == 0 || level > skipping) continue;  // still inside the section
      skipping = 0;
    }
    out += line;
    if (level > 0 && line.find("企業プロフィール") != std::string_view::npos) {
      if (out.back() != '\n') out += '\n';
      out += ProfileText(record);
      skipping = level;
    }
  }
  return out;
}

std::vector<Coarsening> CoarsenSmallCells(ExportSet& set) {
  std::vector<Coarsening> changes;
  if (set.edition != Edition::kPublic || set.k <= 1) return changes;
  for (std::string_view key : kFieldOrder) {
    // Repeated until nothing changes: a firm that leaves a cell may leave it too small for the
    // firms that stay, and they are coarsened in the same field before the next one.
    for (bool changed = true; changed;) {
      changed = false;
      const std::map<std::string, size_t> smallest = SmallestCell(set.docs);
      for (ExportDoc& doc : set.docs) {
        if (CoarsenDoc(doc, key, smallest, set.k, changes)) changed = true;
      }
    }
  }
  // As coarse as it goes and still in a cell under k: the size band, then the industry, then the
  // region (全県 alone still makes a combination) is not published at all (DOMAIN.md §6.5 "or
  // omit"), so that no published combination is held by fewer than k firms.
  for (std::string_view key : {"employees", "industry", "region"}) {
    for (bool changed = true; changed;) {
      changed = false;
      const std::map<std::string, size_t> smallest = SmallestCell(set.docs);
      for (ExportDoc& doc : set.docs) {
        const size_t cell = CellOf(doc, smallest, set.k);
        if (cell >= set.k) continue;
        if (Suppress(doc, key, Reason(cell, set.k, std::string(FieldLabel(key)) + "を表示しない"),
                     changes)) {
          changed = true;
        }
      }
    }
  }
  // One entry per document and field, from the value it had to the value published: a value of
  // a step in between (a sector later not shown at all) must not be published by the report.
  std::vector<Coarsening> merged;
  for (Coarsening& c : changes) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const Coarsening& m) {
      return m.doc_id == c.doc_id && m.field == c.field;
    });
    if (it == merged.end()) {
      merged.push_back(std::move(c));
    } else {
      it->to = std::move(c.to);
      it->reason = std::move(c.reason);
    }
  }
  changes = std::move(merged);
  // Every output shows the fields as they are now, the body included: a coarsened firm's
  // 企業プロフィール section (where a case repeats its fields in words) is written anew from them.
  std::set<std::string> touched;
  for (const Coarsening& c : changes) touched.insert(c.doc_id);
  for (ExportDoc& doc : set.docs) {
    if (touched.count(doc.record.id)) {
      doc.record.markdown = ReplaceProfileSection(doc.record.markdown, doc.record);
    }
  }
  return changes;
}

}  // namespace yuimaru::toolkit
