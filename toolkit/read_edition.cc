// ReadEdition: the one reading of an edition's view that every output is written from.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "search/search.h"
#include "toolkit/export_set.h"
#include "toolkit/figures.h"
#include "toolkit/small_cells.h"

namespace yuimaru::toolkit {
namespace {

// Position of a document type in the registry (unknown types last).
size_t TypeOrder(const std::string& label) {
  const auto& types = core::DocTypes();
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i].label == label) return i;
  }
  return types.size();
}

}  // namespace

Result<ExportSet> ReadEdition(const ExportOptions& options) {
  auto searcher = search::Searcher::Open(options.db);
  if (!searcher) return searcher.error();
  auto view = searcher->View(EditionClearance(options.edition));
  if (!view) return view.error();

  // Every document the filters select, with the same filter syntax and errors as
  // `search --filter`.
  auto records = search::ReadRecords(*view, options.filters);
  if (!records) return records.error();

  ExportSet set;
  set.edition = options.edition;
  set.generated_at = options.generated_at;
  set.filters = options.filters;
  set.k = options.k;
  for (core::DocRecord& record : *records) {
    ExportDoc doc;
    doc.firms = core::FirmKeys(record);
    doc.record = std::move(record);
    set.docs.push_back(std::move(doc));
  }
  std::stable_sort(set.docs.begin(), set.docs.end(), [](const ExportDoc& a, const ExportDoc& b) {
    return TypeOrder(a.record.doc_type) < TypeOrder(b.record.doc_type);
  });
  set.coarsened = CoarsenSmallCells(set);
  return set;
}

}  // namespace yuimaru::toolkit
