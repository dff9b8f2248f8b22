#include "toolkit/pack.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/html.h"
#include "core/lines.h"
#include "core/markdown_html.h"
#include "core/markdown_reader.h"

namespace yuimaru::toolkit {
namespace {

using core::Clearance;

// ---- Sections ------------------------------------------------------------------------------

struct Section {
  int first_line = 0;  // 1-based lines of the Markdown, inclusive
  int last_line = 0;
};

// The section under the first heading named `name`: its heading line up to the line before the
// next heading of the same or a higher rank (or the end).
std::optional<Section> FindSection(const core::MarkdownContent& content, std::string_view name,
                                   int line_count) {
  const auto& blocks = content.blocks;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const core::TextBlock& b = blocks[i];
    if (b.kind != core::TextBlock::Kind::kHeading || core::PackSectionName(b.text) != name)
      continue;
    Section s{b.line, line_count};
    for (size_t j = i + 1; j < blocks.size(); ++j) {
      if (blocks[j].kind == core::TextBlock::Kind::kHeading &&
          blocks[j].heading_level <= b.heading_level) {
        s.last_line = blocks[j].line - 1;
        break;
      }
    }
    return s;
  }
  return std::nullopt;
}

// The lines of `section`, with the marker of a private section it starts or ends inside added,
// so that the slice is whole Markdown with its sections still framed and labelled.
std::string SliceSection(std::string_view markdown, const core::MarkdownContent& content,
                         const Section& section) {
  const std::vector<std::string_view> lines = core::SplitLines(markdown);
  std::string out;
  for (const core::PrivateRange& r : content.private_ranges) {
    if (r.begin_line < section.first_line && r.end_line >= section.first_line &&
        r.begin_line >= 1 && r.begin_line <= static_cast<int>(lines.size())) {
      out += std::string(lines[r.begin_line - 1]) + "\n\n";
    }
  }
  for (int n = section.first_line; n <= section.last_line && n <= static_cast<int>(lines.size());
       ++n) {
    out += std::string(lines[n - 1]) + "\n";
  }
  for (const core::PrivateRange& r : content.private_ranges) {
    if (r.begin_line <= section.last_line && r.end_line > section.last_line &&
        r.begin_line >= section.first_line) {
      out += "\n<!-- private:end -->\n";
    }
  }
  return out;
}

Clearance BaseOf(const core::DocRecord& record) {
  return core::ParseClearance(record.confidentiality).value_or(Clearance::kPublic);
}

// Whether the builder's reading of lines [first, last] has text above `level`. Only levels are
// read here, to tell the reader that something was left out; no text of it reaches the pack.
bool HasTextAbove(const core::MarkdownContent& builder, int first, int last, Clearance level) {
  return std::any_of(builder.blocks.begin(), builder.blocks.end(), [&](const core::TextBlock& b) {
    return b.line >= first && b.line <= last && b.level > level;
  });
}

std::string NoticeText(Clearance level) {
  return "この資料の区分（" + std::string(core::ClearanceLabel(level)) +
         "）を超える部分は省いています。";
}

std::string ItemText(const PackItem& item) {
  return item.section.empty() ? item.doc_id : item.doc_id + "#" + item.section;
}

Error UnknownId(const PackItem& item) {
  return MakeError(ErrorCode::kInvalidInput, "pack.unknown-id",
                   "文書「" + item.doc_id + "」はありません");
}

// One item read through both views: an error when the builder cannot read it, nullopt when the
// pack's view cannot (left out), else the pack's own text.
Result<std::optional<PackDoc>> ReadItem(const PackItem& item, const search::SearchView& builder,
                                        const search::SearchView& pack) {
  auto mine = builder.Record(item.doc_id);
  if (!mine) {
    if (mine.error().code == ErrorCode::kNotFound) return UnknownId(item);
    return mine.error();
  }
  const core::MarkdownContent builder_content =
      core::ReadMarkdown(mine->markdown, 1, BaseOf(*mine));
  const int builder_lines = static_cast<int>(core::SplitLines(mine->markdown).size());
  std::optional<Section> builder_section;
  if (!item.section.empty()) {
    builder_section = FindSection(builder_content, item.section, builder_lines);
    if (!builder_section) {
      return MakeError(ErrorCode::kInvalidInput, "pack.unknown-section",
                       "文書「" + item.doc_id + "」に見出し「" + item.section + "」はありません");
    }
  }
  auto record = pack.Record(item.doc_id);
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound) return std::optional<PackDoc>();
    return record.error();
  }
  PackDoc doc{record->id,
              record->title,
              record->doc_type,
              record->confidentiality,
              item.section,
              record->markdown,
              ""};
  const Clearance level = pack.clearance();
  if (item.section.empty()) {
    if (HasTextAbove(builder_content, 1, builder_lines, level)) doc.notice = NoticeText(level);
    return std::optional<PackDoc>(std::move(doc));
  }
  const core::MarkdownContent content = core::ReadMarkdown(record->markdown, 1, BaseOf(*record));
  const auto section = FindSection(content, item.section,
                                   static_cast<int>(core::SplitLines(record->markdown).size()));
  if (!section) return std::optional<PackDoc>();
  doc.markdown = SliceSection(record->markdown, content, *section);
  if (HasTextAbove(builder_content, builder_section->first_line, builder_section->last_line,
                   level)) {
    doc.notice = NoticeText(level);
  }
  return std::optional<PackDoc>(std::move(doc));
}

// ---- Rendering -----------------------------------------------------------------------------

constexpr std::string_view kPackStyle = R"(
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-family: "IPAMincho", "IPA明朝", "MS Mincho", "ＭＳ 明朝", serif; font-size: 10.5pt;
       line-height: 1.6; color: #000; }
h1, h2, h3, h4, h5, h6, th, strong, b, .cover, .source, .private-label {
       font-family: "IPAGothic", "IPAゴシック", "MS Gothic", "ＭＳ ゴシック", sans-serif;
       font-weight: normal; }
.cover { break-after: page; text-align: center; padding-top: 60mm; }
.cover h1 { font-size: 24pt; }
.cover .note { text-align: left; margin: 2em 10mm; white-space: pre-wrap; }
.omitted { text-align: left; font-size: 9pt; }
.toc { break-after: page; }
.doc + .doc { break-before: page; }
/* The source id sits in the head of a table that frames the document: a printed table repeats
   its head on every page it spans, so every page says where its text comes from. */
table.frame, table.frame > * > tr > td { border: none; padding: 0; margin: 0; width: 100%; }
.source { font-size: 8.5pt; color: #333; border-bottom: 1px solid #888; text-align: right; }
.doc-title { font-size: 16pt; }
.notice { font-size: 9pt; border: 1px solid #888; padding: 2px 6px; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #555; padding: 2px 6px; vertical-align: top; text-align: left; }
.private { border: 1px solid #888; padding: 0 0.6em; }
)";

std::string DocLabel(const PackDoc& doc) {
  return doc.section.empty() ? doc.title : doc.title + " — " + doc.section;
}

std::string CoverHtml(const Pack& pack, std::string_view generated_at) {
  std::string out = "<section class=\"cover\"><h1>" + core::Escape(pack.title) + "</h1>\n";
  if (!pack.note.empty()) out += "<p class=\"note\">" + core::Escape(pack.note) + "</p>\n";
  out += "<p>区分: " + core::Escape(core::ClearanceLabel(pack.clearance)) +
         "</p>\n<p>作成: " + core::Escape(generated_at) +
         "</p>\n<p>資料数: " + std::to_string(pack.docs.size()) + "</p>\n";
  if (!pack.omitted.empty())
    out += "<p class=\"omitted\">" + core::Escape(OmittedNote(pack)) + "</p>\n";
  return out + "</section>\n";
}

std::string TocHtml(const Pack& pack) {
  std::string out = "<nav class=\"toc\"><h2>目次</h2>\n<ol>\n";
  for (size_t i = 0; i < pack.docs.size(); ++i) {
    const PackDoc& d = pack.docs[i];
    out += "<li><a href=\"#doc-" + std::to_string(i + 1) + "\">" + core::Escape(DocLabel(d)) +
           "</a>（" + core::Escape(d.id) + "）</li>\n";
  }
  return out + "</ol></nav>\n";
}

std::string DocHtml(const PackDoc& doc, size_t n, Clearance clearance) {
  std::string out =
      "<section class=\"doc\" id=\"doc-" + std::to_string(n) + "\" data-source=\"" +
      core::Escape(doc.id) +
      "\">\n<table class=\"frame\"><thead><tr><td class=\"source\">出典: " + core::Escape(doc.id) +
      "（" + core::Escape(core::ClearanceLabel(clearance)) +
      "の版）</td></tr></thead>\n<tbody><tr><td>\n<h1 class=\"doc-title\">" +
      core::Escape(doc.title) + "</h1>\n";
  if (!doc.section.empty()) {
    out += "<p class=\"section\">節: " + core::Escape(doc.section) + "</p>\n";
  }
  if (!doc.notice.empty()) out += "<p class=\"notice\">" + core::Escape(doc.notice) + "</p>\n";
  return out + core::RenderMarkdownHtml(doc.markdown) + "</td></tr></tbody></table>\n</section>\n";
}

}  // namespace

std::string OmittedNote(const Pack& pack) {
  if (pack.omitted.empty()) return "";
  return "配布先の区分（" + std::string(core::ClearanceLabel(pack.clearance)) + "）を超える資料 " +
         std::to_string(pack.omitted.size()) + " 件を省きました";
}

Clearance PackClearance(Clearance builder, Clearance audience) {
  return std::min(builder, audience);
}

Result<Pack> BuildPack(const PackList& list, const search::SearchView& builder,
                       const search::SearchView& view) {
  if (list.items.empty()) {
    return MakeError(ErrorCode::kInvalidInput, "pack.no-items", "パックに資料がありません");
  }
  Pack pack{
      list.title.empty() ? "研修資料パック" : list.title, list.note, view.clearance(), {}, {}};
  for (const PackItem& item : list.items) {
    auto doc = ReadItem(item, builder, view);
    if (!doc) return doc.error();
    if (*doc) {
      pack.docs.push_back(std::move(**doc));
    } else {
      pack.omitted.push_back(ItemText(item) + " は区分（" +
                             std::string(core::ClearanceLabel(view.clearance())) +
                             "）を超えるため省きました");
    }
  }
  if (pack.docs.empty()) {
    return MakeError(ErrorCode::kInvalidInput, "pack.empty",
                     "区分（" + std::string(core::ClearanceLabel(view.clearance())) +
                         "）で見られる資料がないため、パックは空になります");
  }
  return pack;
}

std::string RenderPackHtml(const Pack& pack, std::string_view generated_at) {
  std::string body = CoverHtml(pack, generated_at) + TocHtml(pack);
  for (size_t i = 0; i < pack.docs.size(); ++i)
    body += DocHtml(pack.docs[i], i + 1, pack.clearance);
  return "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>" +
         core::Escape(pack.title) + "</title>\n<style>" + std::string(kPackStyle) +
         "</style></head>\n<body>\n" + body + "</body></html>\n";
}

std::string RenderPackMarkdown(const Pack& pack, std::string_view generated_at) {
  std::string out = "# " + pack.title + "\n\n";
  for (std::string_view line : core::SplitLines(pack.note)) out += std::string(line) + "  \n";
  out += "\n- 区分: " + std::string(core::ClearanceLabel(pack.clearance)) +
         "\n- 作成: " + std::string(generated_at) +
         "\n- 資料数: " + std::to_string(pack.docs.size()) + "\n";
  if (!pack.omitted.empty()) out += "- " + OmittedNote(pack) + "\n";
  out += "\n## 目次\n\n";
  for (size_t i = 0; i < pack.docs.size(); ++i) {
    out += std::to_string(i + 1) + ". " + DocLabel(pack.docs[i]) + "（" + pack.docs[i].id + "）\n";
  }
  for (const PackDoc& doc : pack.docs) {
    out += "\n---\n\n出典: " + doc.id + "（" + std::string(core::ClearanceLabel(pack.clearance)) +
           "の版）";
    if (!doc.section.empty()) out += " 節: " + doc.section;
    out += "\n\n";
    if (!doc.notice.empty()) out += "> " + doc.notice + "\n\n";
    out += doc.markdown;
    if (!doc.markdown.ends_with('\n')) out += "\n";
  }
  return out;
}

}  // namespace yuimaru::toolkit
