// ParsedDoc → the Xapian documents of its clearance views. A document whose text differs by
// clearance (it has private sections) has one version per distinct visible text; each version
// is valid for an interval [lo, hi] of clearances and goes to the shard of that interval, so a
// search at clearance c runs over exactly the text c may see (index_layout.h).
#pragma once

#include <xapian.h>

#include <vector>

#include "core/analyzer.h"
#include "core/schema.h"
#include "indexer/document_parser.h"

namespace yuimaru::indexer {

struct VersionSpan {
  core::Clearance lo;
  core::Clearance hi;
};

// The versions of `doc`, lowest clearance first. Empty if no clearance may read it (never: the
// top clearance reads everything).
std::vector<VersionSpan> VersionsOf(const ParsedDoc& doc);

// The Xapian document of `doc` as a reader of clearance `view` sees it: terms (words, bigrams and
// katakana trigrams without positions, boolean filters), values and data (core::DocRecord).
// Requires view >= doc.base.
Xapian::Document BuildDocument(const ParsedDoc& doc, core::Clearance view,
                               const core::Analyzer& analyzer);

}  // namespace yuimaru::indexer
