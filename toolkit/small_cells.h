// Small cells (pure): in the 公表用 edition a firm whose 業種 × 地域 × 従業員規模 combination is
// shared by fewer than k exported firms has those fields made coarser in every output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

// Coarsens set.docs in place (record.facets) for the 公表用 edition and returns what it changed,
// one Coarsening per document and field changed; returns nothing and changes nothing for 当局用
// or k <= 1.
//
// Algorithm (a firm is a key of ExportDoc::firms; its combinations are the (業種, 地域, 従業員規模)
// of each of its documents, a missing value counting as a value of its own):
//   1. count the distinct firms of each combination; a firm with any combination shared by
//      fewer than k firms is "small";
//   2. 地域 of every small firm becomes 全県 (the whole prefecture; 県外 and 全県 stay);
//   3. recount; 従業員規模 of every firm still small becomes its wide band (20人以下 /
//      21〜100人 / 101人以上);
//   4. recount; 業種 of every firm still small becomes its sector (第一次産業 / 第二次産業 /
//      第三次産業; その他 stays).
//   5. recount; 従業員規模 of every firm still small is not published (removed), then, recounted,
//      業種, then 地域 likewise (DOMAIN.md §6.5: "or omit"); a document that shows none of the
//      three places its firm in no cell.
// Each step changes every document of a firm together. When 地域 is coarsened the 離島 flag is
// removed with it (全県 with 離島 would still name the islands). Afterwards no published
// combination is held by fewer than k firms. Every document of a changed firm has its
// 企業プロフィール section (a case repeats its fields in words there) rewritten from the fields as
// published (ReplaceProfileSection); what other prose says is the approver's (DOMAIN.md §6.6).
std::vector<Coarsening> CoarsenSmallCells(ExportSet& set);

// `markdown` with the body of every section whose heading names 企業プロフィール replaced by
// the industry, region and size band of `record` (非公表 where absent).
std::string ReplaceProfileSection(std::string_view markdown, const core::DocRecord& record);

// The firms of the 公表用 set in a published combination shared by fewer than set.k firms (0
// after CoarsenSmallCells), for the reports to say so; 0 for 当局用 or k <= 1.
size_t FirmsStillInSmallCells(const ExportSet& set);

// The coarse label of `label` for field `field_key` (industry, region, employees), or `label`
// itself when it is already as coarse as it goes or unknown.
std::string CoarseLabel(std::string_view field_key, std::string_view label);

// Whether `label` of `field_key` is one of the coarse values only small cells write (全県 is not:
// it is also a region of its own).
bool IsCoarseOnlyLabel(std::string_view field_key, std::string_view label);

}  // namespace yuimaru::toolkit
