// The one reading of an edition that every output of an export is written from: the documents
// of the edition's clearance view (their stored records: the view's own redacted text), after
// small-cell coarsening. Internal to toolkit/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/doc_record.h"
#include "core/firm_figures.h"
#include "core/result.h"
#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {

// A document as the edition's view reads it, with coarsened facet labels already applied
// (record.facets), and the firms it concerns (core::FirmKeys). record.markdown is the body at
// that clearance (private blocks above it are not in it). In the 公表用 edition
// record.company_ids is empty. The figures are counted by core/firm_figures, shared with the
// 実績報告 and the dashboard.
using ExportDoc = core::FirmDoc;

struct ExportSet {
  Edition edition = Edition::kPublic;
  std::string generated_at;                                  // ISO 8601 UTC
  std::vector<std::pair<std::string, std::string>> filters;  // as given
  size_t k = 3;
  std::vector<ExportDoc> docs;  // ordered by doc_type (DocTypes() order), then id
  std::vector<Coarsening> coarsened;
};

// Reads the edition of `options` (db, edition, filters, k, generated_at) once: every document of
// its clearance view that the filters select (as `search --filter`), each with its stored record,
// then firms and small-cell coarsening. Fails with kInvalidInput for a bad filter, kNotFound /
// kIo when the index cannot be read.
Result<ExportSet> ReadEdition(const ExportOptions& options);

}  // namespace yuimaru::toolkit
