// Small cells (pure): in the 公表用 edition a firm whose 業種 × 地域 × 従業員規模 combination is
// shared by fewer than k exported firms has those fields made coarser in every output.
#pragma once

#include <vector>

#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

// Coarsens set.docs in place (record.facets) for the 公表用 edition and returns what it changed;
// returns nothing and changes nothing for 当局用.
std::vector<Coarsening> CoarsenSmallCells(ExportSet& set);

}  // namespace yuimaru::toolkit
