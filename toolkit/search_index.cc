#include "toolkit/search_index.h"

#include <cstdio>

#include "core/markdown_reader.h"
#include "core/normalizer.h"
#include "core/schema.h"
#include "core/utf8.h"

namespace yuimaru::toolkit {
namespace {

std::string Base36(uint32_t n) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[n % 36]);
    n /= 36;
  } while (n > 0);
  return out;
}

}  // namespace

std::vector<IndexField> SearchableFields(const core::DocRecord& record) {
  std::vector<IndexField> fields;
  fields.push_back({record.title, core::kTitleWdf});
  // The record's Markdown is the view's text already: every block of it is visible.
  const core::MarkdownContent content =
      core::ReadMarkdown(record.markdown, 1, core::Clearance::kPublic);
  for (const core::TextBlock& b : content.blocks) {
    fields.push_back(
        {b.text, b.kind == core::TextBlock::Kind::kHeading ? core::kHeadingWdf : core::kBodyWdf});
  }
  for (const auto& tag : record.tags) fields.push_back({tag, core::kBodyWdf});
  std::string labels;
  // The indexer's rule (core::IsIndexedLabel), so the offline index finds what the server finds.
  for (const auto& [key, values] : record.facets) {
    const core::FieldDef* field = core::FindField(key);
    for (const auto& v : values) {
      if (field && core::IsIndexedLabel(*field, v)) labels += (labels.empty() ? "" : " / ") + v;
    }
  }
  for (const auto& id : record.company_ids) labels += (labels.empty() ? "" : " / ") + id;
  if (!labels.empty()) fields.push_back({labels, core::kBodyWdf});
  return fields;
}

OfflineIndex BuildOfflineIndex(const std::vector<std::vector<IndexField>>& docs,
                               const core::Analyzer& analyzer) {
  OfflineIndex index;
  index.lengths.resize(docs.size(), 0);
  index.texts.resize(docs.size());
  for (uint32_t d = 0; d < docs.size(); ++d) {
    std::map<std::string, uint32_t> wdf;
    std::string& text = index.texts[d];
    for (const IndexField& field : docs[d]) {
      const core::Analysis a = analyzer.Analyze(field.text);
      if (a.norm.empty()) continue;
      core::ForEachTextTerm(
          a.norm, a.words, [&](core::TermKind kind, uint32_t, std::u32string_view surface) {
            // Katakana trigrams only narrow the server's candidates and
            // unigrams decide its one-character queries; the offline search
            // checks the text instead, and neither scores there.
            if (kind == core::TermKind::kKatakanaTrigram || kind == core::TermKind::kUnigram) {
              return;
            }
            wdf[core::TermName(kind, surface)] += field.wdf;
            index.lengths[d] += field.wdf;
          });
      if (!text.empty()) text += '\n';
      for (char32_t c : a.norm) {
        core::AppendUtf8(c == U'\n' || c == U'\r' ? U' ' : c, text);
      }
    }
    for (const auto& [term, n] : wdf) index.postings[term].emplace_back(d, n);
  }
  return index;
}

std::string EncodePostings(const std::vector<std::pair<uint32_t, uint32_t>>& postings) {
  std::string out;
  uint32_t last = 0;
  for (size_t i = 0; i < postings.size(); ++i) {
    const auto [doc, wdf] = postings[i];
    if (i > 0) out += ',';
    out += Base36(i == 0 ? doc : doc - last);
    if (wdf != 1) out += ':' + Base36(wdf);
    last = doc;
  }
  return out;
}

std::string JsString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '<' || c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c == 0xE2 && i + 2 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::vector<IndexScript> IndexScripts(const OfflineIndex& index, size_t chunk_bytes) {
  static constexpr std::string_view kPush = "(self.YUIMARU_SEARCH=self.YUIMARU_SEARCH||[]).push(";
  std::vector<IndexScript> scripts;
  std::string body;
  auto flush_terms = [&] {
    if (body.empty()) return;
    scripts.push_back({"terms-" + std::to_string(scripts.size()) + ".js",
                       std::string(kPush) + "{\"kind\":\"terms\",\"t\":{" + body + "}});\n"});
    body.clear();
  };
  for (const auto& [term, postings] : index.postings) {
    if (!body.empty()) body += ",\n";
    body += JsString(term) + ':' + JsString(EncodePostings(postings));
    if (body.size() >= chunk_bytes) flush_terms();
  }
  flush_terms();
  const size_t term_files = scripts.size();
  size_t start = 0;
  for (size_t d = 0; d < index.texts.size(); ++d) {
    if (!body.empty()) body += ",\n";
    body += JsString(index.texts[d]);
    if (body.size() >= chunk_bytes || d + 1 == index.texts.size()) {
      scripts.push_back({"text-" + std::to_string(scripts.size() - term_files) + ".js",
                         std::string(kPush) + "{\"kind\":\"text\",\"start\":" +
                             std::to_string(start) + ",\"t\":[" + body + "]});\n"});
      body.clear();
      start = d + 1;
    }
  }
  return scripts;
}

}  // namespace yuimaru::toolkit
