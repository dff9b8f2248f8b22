// The redacted corpus of an export (corpus/**.md): Markdown with YAML front matter, as the
// edition's view reads each document, that another region can `yuimaru index` directly.
#pragma once

#include <filesystem>
#include <string>

#include "core/result.h"
#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

// Where `doc` goes inside the folder: corpus/<type code>/<doc_id>.md ('/' separators).
std::string CorpusPath(const ExportDoc& doc);

// The file of `doc` in `edition`: front matter rebuilt from the record (doc_id, title,
// doc_type, date, fiscal_year, confidentiality at which the edition reads it, facets under
// their registry key, tags, related, uses_cases, duration_min; company ids only in 当局用; for a
// 公開 document the fields the publication gate required of it), then the view's Markdown body as
// it is. Pure.
std::string CorpusDocument(const ExportDoc& doc, Edition edition);

// A YAML scalar that reads back as `text` whatever it holds (": ", "#", quotes, a leading "-",
// "true", line breaks): plain only for a conservative set of characters, else double-quoted.
std::string YamlScalar(std::string_view text);

// Writes dir/corpus/**. Fails with kIo, or kInternal for a doc_id that is not a file name.
Status WriteCorpus(const ExportSet& set, const std::filesystem::path& dir);

}  // namespace yuimaru::toolkit
