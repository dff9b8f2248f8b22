// The programme's figures in the export: the counting of core/firm_figures (shared with the
// 実績報告 and the dashboard), with the export's coarse values listed only when used.
#pragma once

#include <vector>

#include "core/firm_figures.h"
#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

using core::FigureRow;
using core::Figures;
using core::FigureTable;
using core::FirmKeys;

// core::ComputeFigures over the export's documents; the coarse-only values of small cells
// (toolkit/small_cells.h) are listed only when some document has them. In 当局用 a public copy
// whose source case is in the set already counts as the source case's company (ReadEdition
// resolves it with core::ToFirmDocs).
Figures ComputeFigures(const std::vector<ExportDoc>& docs);

}  // namespace yuimaru::toolkit
