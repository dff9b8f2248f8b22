// 研修 packs: a list of whole documents and single sections (the web basket, or a list file for
// `yuimaru pack`), read through the SearchView of the pack's clearance — the lower of the
// builder's and the audience's — and rendered as one printable HTML and one Markdown bundle;
// WritePack adds Word (pandoc) and PDF (chromium) with the export's tool runner. The one header
// of toolkit/ that web/ may include (scripts/check_includes.sh). The list format is
// core/pack_list.h (docs/pack.md).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/pack_list.h"
#include "core/result.h"
#include "core/schema.h"
#include "search/search.h"

namespace yuimaru::toolkit {

// The list format (PackItem, PackList, ParsePackList, FormatPackList) is core/pack_list.h's,
// named here too so that a pack's callers need one header.
using core::FormatPackList;
using core::PackItem;
using core::PackList;
using core::ParsePackList;

// One document (or section) of a pack, as the pack's view reads it.
struct PackDoc {
  std::string id;
  std::string title;
  std::string doc_type;
  std::string confidentiality;  // the document's 機密区分 label
  std::string section;          // empty: the whole document
  std::string markdown;         // the view's own text (the section's lines for a section)
  std::string notice;           // non-empty when parts above the pack's clearance were left out
};

struct Pack {
  std::string title;
  std::string note;
  core::Clearance clearance = core::Clearance::kPublic;  // what the pack is cut to
  std::vector<PackDoc> docs;
  // One Japanese line per item left out by the cut, naming it: for the builder only (the CLI
  // prints them). The pack's own pages say no more than OmittedNote: an id or a heading the
  // audience may not read must not reach its handout.
  std::vector<std::string> omitted;
};

// The line a pack carries about what it left out ("N 件 … 省きました"), or empty.
std::string OmittedNote(const Pack& pack);

// The clearance a pack is cut to: the lower of the builder's and the audience's.
core::Clearance PackClearance(core::Clearance builder, core::Clearance audience);

// Reads every item of `list`. `builder` is the view of the builder's clearance: an id or a
// section it cannot read is an error, the same as one that does not exist (kInvalidInput,
// "pack.unknown-id" / "pack.unknown-section", a one-line Japanese message). `pack` is the view of
// the pack's clearance (PackClearance; may be the same view): every text of the pack is that
// view's own text; an item it cannot read is left out and listed in `omitted`. Fails with
// kInvalidInput "pack.empty" when no item is left, "pack.no-items" for an empty list; kIo when
// the index cannot be read.
Result<Pack> BuildPack(const PackList& list, const search::SearchView& builder,
                       const search::SearchView& pack);

// The pack as one printable HTML page: an A4 print stylesheet, a cover (title, note, clearance,
// what was left out), a table of contents, each document on new pages with its source id at the
// top of every page it spans. `generated_at` is printed on the cover. Self-contained (no
// outside resource, a CSP of default-src 'none'). Pure.
std::string RenderPackHtml(const Pack& pack, std::string_view generated_at);
// The same pack as one Markdown file (the documents' own Markdown under a cover and a table of
// contents). Pure.
std::string RenderPackMarkdown(const Pack& pack, std::string_view generated_at);

struct PackOutputs {
  std::vector<std::string> written;                          // file names in the folder
  std::vector<std::pair<std::string, std::string>> skipped;  // (file name, Japanese reason)
};

// Which files WritePack writes: all four, or (for one download) only the Word or the PDF file.
enum class PackFiles { kAll, kWordOnly, kPdfOnly };

// Writes pack.html, pack.md, pack.docx (pandoc: `pandoc` or PATH) and pack.pdf (chromium:
// `chromium` or PATH; a text layer) into `dir` (created, 0700), or only the one `files` names.
// An output whose tool is missing or fails is skipped and named in `skipped`; fails with kIo
// only when writing fails.
Result<PackOutputs> WritePack(const Pack& pack, std::string_view generated_at,
                              const std::filesystem::path& dir, const std::string& pandoc,
                              const std::string& chromium, PackFiles files = PackFiles::kAll);

}  // namespace yuimaru::toolkit
