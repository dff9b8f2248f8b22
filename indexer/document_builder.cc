#include "indexer/document_builder.h"

#include <algorithm>

#include "core/doc_record.h"
#include "core/facet_codes.h"
#include "core/normalizer.h"
#include "core/text_pack.h"
#include "core/utf8.h"

namespace yuimaru::indexer {
namespace {

using core::Clearance;

// Adds the terms of one block of text with within-document frequency `wdf` per occurrence, and
// appends its normalized form, on a line of its own, to `text`.
void IndexText(const std::string& block, unsigned wdf, const core::Analyzer& analyzer,
               Xapian::Document& doc, std::string& text, bool title = false) {
  const std::u32string norm = core::Normalize(block);
  core::ForEachTextTerm(norm, analyzer.Segment(norm),
                        [&](core::TermKind kind, uint32_t, std::u32string_view surface) {
                          std::string term = core::TermName(kind, surface);
                          doc.add_term(term, wdf);
                          if (title) doc.add_term(std::string(core::kTitlePrefix) + term);
                        });
  if (!text.empty()) text.push_back('\n');
  for (char32_t c : norm) core::AppendUtf8(c == U'\n' ? U' ' : c, text);
}

}  // namespace

std::vector<VersionSpan> VersionsOf(const ParsedDoc& doc) {
  std::vector<Clearance> starts = {doc.base};
  for (const auto& r : doc.private_ranges) {
    if (r.level > doc.base) starts.push_back(r.level);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::vector<VersionSpan> spans;
  for (size_t i = 0; i < starts.size(); ++i) {
    const Clearance hi = i + 1 < starts.size()
                             ? static_cast<Clearance>(static_cast<int>(starts[i + 1]) - 1)
                             : Clearance::kConfidential;
    spans.push_back({starts[i], hi});
  }
  return spans;
}

Xapian::Document BuildDocument(const ParsedDoc& doc, Clearance view,
                               const core::Analyzer& analyzer) {
  Xapian::Document xdoc;
  core::DocRecord record;
  record.id = doc.doc_id;
  record.title = doc.TitleAt(view);
  record.doc_type = doc.doc_type;
  record.path = doc.source;
  record.date = doc.date;
  record.fiscal_year = doc.fiscal_year;
  record.confidentiality = std::string(core::ClearanceLabel(doc.base));
  record.view_level = doc.base;
  record.facets = doc.facets;
  record.company_ids = doc.company_ids;
  record.tags = doc.tags;
  record.related = doc.related;
  record.uses_cases = doc.uses_cases;
  record.duration_min = doc.duration_min;
  record.updated = doc.updated;
  for (const auto& v : doc.front_matter) {
    // Validated as a date by the parser (front-matter.next_visit).
    if (!v.is_key && v.path == "next_visit") record.next_visit = v.value;
  }

  std::string text;  // normalized visible text, one block per line
  IndexText(record.title, core::kTitleWdf, analyzer, xdoc, text, /*title=*/true);
  for (const core::TextBlock& b : doc.blocks) {
    if (b.level > view) continue;
    record.view_level = std::max(record.view_level, b.level);
    IndexText(b.text,
              b.kind == core::TextBlock::Kind::kHeading ? core::kHeadingWdf : core::kBodyWdf,
              analyzer, xdoc, text);
  }
  for (const auto& tag : doc.tags) IndexText(tag, core::kBodyWdf, analyzer, xdoc, text);
  // The labels of the metadata table are searchable text too: a consultant who types 事業承継
  // or 5人以下 means the documents tagged so, whether or not the body says it in those words.
  std::string labels;
  for (const auto& [key, values] : doc.facets) {
    const core::FieldDef* field = core::FindField(key);
    for (const auto& v : values) {
      if (field && core::IsIndexedLabel(*field, v)) labels += (labels.empty() ? "" : " / ") + v;
    }
  }
  for (const auto& id : doc.company_ids) labels += (labels.empty() ? "" : " / ") + id;
  if (!labels.empty()) IndexText(labels, core::kBodyWdf, analyzer, xdoc, text);
  record.markdown = core::VisibleMarkdown(doc.body, doc.body_first_line, doc.private_ranges, view);

  xdoc.add_boolean_term(std::string(core::kDocIdPrefix) + doc.doc_id);
  xdoc.add_boolean_term(core::VersionTerm(view));
  for (const auto& c : doc.facet_codes) {
    xdoc.add_boolean_term(
        core::FilterTerm(core::FacetFields()[c.field], static_cast<int>(c.value)));
  }
  for (const auto& id : doc.company_ids) {
    xdoc.add_boolean_term(std::string(core::kCompanyPrefix) + id);
  }
  for (const auto& id : doc.uses_cases) {
    xdoc.add_boolean_term(std::string(core::kUsesCasePrefix) + id);
  }
  if (!doc.date.empty()) xdoc.add_value(core::kDateSlot, doc.date);
  if (doc.fiscal_year > 0) xdoc.add_value(core::kFiscalYearSlot, std::to_string(doc.fiscal_year));
  xdoc.add_value(core::kFacetSlot, core::EncodeFacetCodes(doc.facet_codes));
  xdoc.add_value(core::kDocIdSlot, doc.doc_id);
  xdoc.add_value(core::kTextSlot, core::PackText(text));
  for (const bool newest : {false, true}) {
    Xapian::MultiValueKeyMaker keys;
    keys.add_value(core::kDateSlot, newest);
    keys.add_value(core::kDocIdSlot, false);
    xdoc.add_value(newest ? core::kNewestSlot : core::kOldestSlot, keys(xdoc));
  }
  xdoc.set_data(core::EncodeDocRecord(record));
  return xdoc;
}

}  // namespace yuimaru::indexer
