#include "toolkit/figures.h"

#include "toolkit/small_cells.h"

namespace yuimaru::toolkit {

Figures ComputeFigures(const std::vector<ExportDoc>& docs) {
  return core::ComputeFigures(docs, IsCoarseOnlyLabel);
}

}  // namespace yuimaru::toolkit
