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
bool CoarsenDoc(ExportDoc& doc, std::string_view key, const std::map<std::string, size_t>& smallest,
                size_t k, std::vector<Coarsening>& changes) {
  size_t cell = k;
  for (const std::string& firm : doc.firms) cell = std::min(cell, smallest.at(firm));
  if (cell >= k) return false;
  bool changed = false;
  for (auto& [field, labels] : doc.record.facets) {
    if (field != key) continue;
    for (std::string& label : labels) {
      std::string coarse = CoarseLabel(key, label);
      if (coarse == label) continue;
      changes.push_back({doc.record.id, std::string(key), label, coarse,
                         "業種×地域×従業員規模の組合せが " + std::to_string(cell) +
                             " 社（k=" + std::to_string(k) + " 未満）のため" +
                             std::string(FieldLabel(key)) + "を「" + coarse + "」にまとめた"});
      label = std::move(coarse);
      changed = true;
    }
  }
  return changed;
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
  return changes;
}

}  // namespace yuimaru::toolkit
