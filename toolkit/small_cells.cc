#include "toolkit/small_cells.h"

namespace yuimaru::toolkit {

std::vector<Coarsening> CoarsenSmallCells(ExportSet&) { return {}; }

}  // namespace yuimaru::toolkit
