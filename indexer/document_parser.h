// One Markdown file → ParsedDoc: front matter validated against the schema (DOMAIN.md §3), the
// body read into text blocks with their 機密区分. Pure: takes the path (for messages) and the
// bytes; reads nothing.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/facet_codes.h"
#include "core/markdown_reader.h"
#include "core/pii.h"
#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::indexer {

// Both CommonMark parsers slow down badly on some pathological inputs; case reports are tens of
// kilobytes, so a megabyte is generous.
inline constexpr size_t kMaxFileBytes = 1 << 20;

// A document without doc_id takes its path as id; Xapian's terms end at 245 bytes (id term
// "Q" + id, with room for the longest prefix).
inline constexpr size_t kMaxDerivedIdBytes = 200;

enum class LintMode { kLenient, kStrict };

// One key or scalar of the front matter as YAML decoded it, flattened: `path` is the key, dotted
// for a nested map ("publication.consent"); a key's own entry has `is_key` and no value.
struct FrontMatterValue {
  std::string path;
  std::string value;
  bool is_key = false;
  int line = 0;    // 1-based line in the file
  int column = 0;  // 1-based column
};

// A doc id named in the front matter.
struct DocRef {
  std::string key;  // related or uses_cases
  std::string id;
  int line = 0;  // 1-based line in the file
};

struct ParsedDoc {
  std::string source;  // path as given, for messages and results
  std::string doc_id;
  int doc_id_line = 0;
  std::string title;     // front matter `title:`, empty if not given (see TitleAt)
  std::string doc_type;  // canonical label; empty if not given
  std::string date;      // YYYY-MM-DD or empty
  int fiscal_year = 0;   // 0 if neither given nor derivable
  core::Clearance base = core::Clearance::kInternal;  // 機密区分 (default 内部: safe)
  std::vector<core::FacetCode> facet_codes;
  std::vector<std::pair<std::string, std::vector<std::string>>> facets;  // key → labels
  std::vector<std::string> company_ids;
  std::vector<std::string> related;     // `related:`
  std::vector<std::string> uses_cases;  // `uses_cases:` of a 研修資料 (public copies, -P)
  // Every doc id named by `related:` or `uses_cases:`, for strict checks.
  std::vector<DocRef> related_refs;
  int duration_min = 0;  // `duration_min:`, 0 if not given
  std::string updated;   // `updated:` (YYYY-MM-DD) or empty
  std::vector<std::string> tags;
  std::vector<FrontMatterValue> front_matter;  // every key and scalar, in file order
  std::string body;                            // Markdown after the front matter, LF line ends only
  int body_first_line = 1;
  std::vector<core::TextBlock> blocks;
  std::vector<core::PrivateRange> private_ranges;

  // The highest 機密区分 of any of its text.
  core::Clearance MaxLevel() const;
  // The title a reader of clearance `view` sees: `title:`, else the first heading visible at
  // `view`, else the doc_id. Never text of a private section above `view`.
  std::string TitleAt(core::Clearance view) const;
};

struct ParseOutcome {
  ParsedDoc doc;
  std::vector<Error> errors;    // empty: the document may be indexed
  std::vector<Error> warnings;  // reported, but no reason to reject (pii/url, pii/sns-handle)
};

// Parses and validates one file. Every error names `source`, a line and a rule. In kLenient
// mode (indexing) only doc_id/title are needed and other fields are checked when present; in
// kStrict mode (lint --strict) each document type's required fields must be there too.
// Personal data (DOMAIN.md §6, core::FindPii with `pii`'s deny-list) anywhere in the file,
// front matter included, is an error "pii/<rule>" at its line and column. In both modes, a
// 公開 document that fails the publication gate (publication_gate.h) gets a warning
// "publish/<rule>" per failure and is returned raised to 内部.
ParseOutcome ParseDocument(std::string_view source, std::string_view text, LintMode mode,
                           const core::PiiOptions& pii = {});

}  // namespace yuimaru::indexer
