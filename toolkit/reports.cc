// The 事業報告書 under reports/. One HTML reading of the set (bodies through core's Markdown
// renderer: raw HTML dropped, images as their alt text, links made plain text) feeds both the
// print HTML chromium turns into PDF and the HTML pandoc turns into DOCX, so the two say the same.
#include "toolkit/reports.h"

#include <xlsxwriter.h>

#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/html.h"
#include "core/io.h"
#include "core/markdown_html.h"
#include "toolkit/docx_reference.h"
#include "toolkit/figures.h"
#include "toolkit/small_cells.h"
#include "toolkit/tool_runner.h"

namespace yuimaru::toolkit {
namespace {

namespace fs = std::filesystem;

constexpr auto kPandocTimeout = std::chrono::seconds(300);
constexpr auto kChromiumTimeout = std::chrono::seconds(300);

Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return MakeError(ErrorCode::kIo, "export.write", "書き込めない: " + path.string());
  return Status::Ok();
}

// Moves a finished file from the scratch directory into place: copied beside `to` first (the
// scratch directory may be on another file system), then renamed, so nothing half-written is ever
// at `to`.
Status Publish(const fs::path& from, const fs::path& to) {
  const fs::path part = to.parent_path() / ("." + to.filename().string() + ".part");
  std::error_code ec;
  fs::copy_file(from, part, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(part, to, ec);
  std::error_code ignored;
  fs::remove(from, ignored);
  if (ec) {
    fs::remove(part, ignored);
    return MakeError(ErrorCode::kIo, "export.write", "書き込めない: " + to.string());
  }
  return Status::Ok();
}

// ---- HTML ------------------------------------------------------------------------------------

// Links to outside become their text: the deliverable makes no automatic access and invites
// none. The renderer escapes text, so every "<a" left in its output is one of its own tags.
std::string InertLinks(const std::string& html) {
  static const std::regex open("<a\\b[^>]*>");
  static const std::regex close("</a>");
  return std::regex_replace(std::regex_replace(html, open, "<span class=\"link\">"), close,
                            "</span>");
}

std::string MetaTable(const core::DocRecord& record) {
  std::string out = "<table class=\"meta\"><tbody>\n";
  for (const auto& [label, value] : core::DisplayMeta(record)) {
    out += "<tr><th>" + core::Escape(label) + "</th><td>" + core::Escape(value) + "</td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string ReportTitle(const ExportSet& set) {
  return "事業報告書（" + std::string(EditionLabel(set.edition)) + "）";
}

std::string FiltersText(const ExportSet& set) {
  std::string out;
  for (const auto& [key, value] : set.filters) out += (out.empty() ? "" : ", ") + key + "=" + value;
  return out.empty() ? "なし" : out;
}

// The documents grouped by type, in set order (already by type, then id).
std::vector<std::pair<std::string, std::vector<const ExportDoc*>>> ByType(const ExportSet& set) {
  std::vector<std::pair<std::string, std::vector<const ExportDoc*>>> groups;
  for (const ExportDoc& doc : set.docs) {
    const std::string type = doc.record.doc_type.empty() ? "その他" : doc.record.doc_type;
    if (groups.empty() || groups.back().first != type) groups.push_back({type, {}});
    groups.back().second.push_back(&doc);
  }
  return groups;
}

constexpr std::string_view kPrintStyle = R"(
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-family: "IPAMincho", "IPA明朝", "MS Mincho", "ＭＳ 明朝", serif; font-size: 10.5pt;
       line-height: 1.6; color: #000; }
h1, h2, h3, h4, h5, h6, th, strong, b, .cover, .private-label {
       font-family: "IPAGothic", "IPAゴシック", "MS Gothic", "ＭＳ ゴシック", sans-serif; }
/* The IPA fonts have no bold face: a synthetic bold is printed as Type 3 glyphs (a PDF several
   times larger, text harder to extract), so emphasis is the Gothic face instead, as is usual in
   Japanese print. */
h1, h2, h3, h4, h5, h6, th, strong, b, .private-label { font-weight: normal; }
.cover { page-break-after: always; text-align: center; padding-top: 70mm; }
.cover h1 { font-size: 24pt; }
.toc { page-break-after: always; }
.type { page-break-before: always; font-size: 18pt; border-bottom: 2px solid #000; }
.doc + .doc { page-break-before: always; }
.doc h2 { font-size: 14pt; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #555; padding: 2px 6px; vertical-align: top; text-align: left; }
td.n { text-align: right; }
.meta th { white-space: nowrap; background: #eee; }
.private { border: 1px solid #888; padding: 0 0.6em; }
.figure { page-break-inside: avoid; }
.note { font-size: 9pt; }
)";

std::string PrintPage(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>" +
         core::Escape(title) + "</title>\n<style>" + std::string(kPrintStyle) +
         "</style></head>\n<body>\n" + body + "</body></html>\n";
}

std::string Cover(const ExportSet& set, const std::string& title, const std::string& what) {
  return "<section class=\"cover\"><h1>" + core::Escape(title) + "</h1>\n<p>" + core::Escape(what) +
         "</p>\n<p>版: " + core::Escape(EditionLabel(set.edition)) +
         "</p>\n<p>作成日時: " + core::Escape(set.generated_at) +
         "</p>\n<p>絞り込み: " + core::Escape(FiltersText(set)) +
         "</p>\n<p>文書数: " + std::to_string(set.docs.size()) + "</p></section>\n";
}

// The documents as print HTML (report.pdf).
std::string ReportPrintHtml(const ExportSet& set) {
  const std::string title = ReportTitle(set);
  std::string body = Cover(set, title, "支援記録の文書");
  body += "<section class=\"toc\"><h2>目次</h2>\n";
  for (const auto& [type, docs] : ByType(set)) {
    body += "<h3>" + core::Escape(type) + "（" + std::to_string(docs.size()) + " 件）</h3>\n<ul>\n";
    for (const ExportDoc* doc : docs) body += "<li>" + core::Escape(doc->record.title) + "</li>\n";
    body += "</ul>\n";
  }
  body += "</section>\n";
  for (const auto& [type, docs] : ByType(set)) {
    body += "<h1 class=\"type\">" + core::Escape(type) + "</h1>\n";
    for (const ExportDoc* doc : docs) {
      body += "<article class=\"doc\"><h2>" + core::Escape(doc->record.title) + "</h2>\n" +
              MetaTable(doc->record) + InertLinks(core::RenderMarkdownHtml(doc->record.markdown)) +
              "</article>\n";
    }
  }
  return PrintPage(title, body);
}

// The documents as HTML for pandoc (report.docx): h1 per type, h2 per document (both marked
// "keep"); the body's own headings (h2 and below from the renderer) move one level down.
std::string ReportPandocHtml(const ExportSet& set) {
  std::string body;
  for (const auto& [type, docs] : ByType(set)) {
    body += "<h1 class=\"keep\">" + core::Escape(type) + "</h1>\n";
    for (const ExportDoc* doc : docs) {
      body += "<h2 class=\"keep\">" + core::Escape(doc->record.title) + "</h2>\n" +
              MetaTable(doc->record) + InertLinks(core::RenderMarkdownHtml(doc->record.markdown));
    }
  }
  return "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" +
         core::Escape(ReportTitle(set)) + "</title></head><body>\n" + body + "</body></html>\n";
}

std::string Number(size_t n) { return "<td class=\"n\">" + std::to_string(n) + "</td>"; }

std::string FigureRowHtml(const FigureRow& row) {
  return "<tr><td>" + core::Escape(row.label) + "</td>" + Number(row.firms) +
         Number(row.documents) + "</tr>\n";
}

// The figures as print HTML (figures.pdf), the same numbers as the workbook.
std::string FiguresPrintHtml(const ExportSet& set, const Figures& figures) {
  const std::string title = "事業の数値（" + std::string(EditionLabel(set.edition)) + "）";
  std::string body =
      Cover(set, title, "業種・地域・支援フェーズ・課題・橋渡し先・支援の状況・年度別");
  body += "<section class=\"figure\"><h2>概要</h2><table><tbody>\n<tr><th>文書数</th>" +
          Number(figures.documents) + "</tr>\n<tr><th>企業数</th>" + Number(figures.firms) +
          "</tr>\n<tr><th>小さなセルの基準 k</th>" + Number(set.k) +
          "</tr>\n<tr><th>まとめた値の数</th>" + Number(set.coarsened.size()) +
          "</tr>\n<tr><th>まとめても k 社未満の組合せに残る企業数</th>" +
          Number(FirmsStillInSmallCells(set)) + "</tr>\n</tbody></table></section>\n";
  for (const FigureTable& table : figures.tables) {
    body += "<section class=\"figure\"><h2>" + core::Escape(table.title) + "</h2>\n";
    if (table.multi_valued) {
      body += "<p class=\"note\">1 文書が複数の" + core::Escape(table.label) +
              "を持つため、各行の和は合計を超えることがある。</p>\n";
    }
    body += "<table><thead><tr><th>" + core::Escape(table.label) +
            "</th><th>企業数</th><th>文書数</th></tr></thead><tbody>\n";
    for (const FigureRow& row : table.rows) body += FigureRowHtml(row);
    body += FigureRowHtml(table.none) + FigureRowHtml(table.total) + "</tbody></table></section>\n";
  }
  return PrintPage(title, body);
}

// ---- Workbook (libxlsxwriter) --------------------------------------------------------------

Status WriteWorkbook(const ExportSet& set, const Figures& figures, const fs::path& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) {
    return MakeError(ErrorCode::kIo, "export.write", "書き込めない: " + path.string());
  }
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  lxw_worksheet* summary = workbook_add_worksheet(book, "概要");
  worksheet_set_column(summary, 0, 0, 24, nullptr);
  worksheet_set_column(summary, 1, 1, 28, nullptr);
  worksheet_write_string(summary, 0, 0, "項目", bold);
  worksheet_write_string(summary, 0, 1, "値", bold);
  const std::string edition(EditionLabel(set.edition));
  const std::string filters = FiltersText(set);
  worksheet_write_string(summary, 1, 0, "版", nullptr);
  worksheet_write_string(summary, 1, 1, edition.c_str(), nullptr);
  worksheet_write_string(summary, 2, 0, "作成日時", nullptr);
  worksheet_write_string(summary, 2, 1, set.generated_at.c_str(), nullptr);
  worksheet_write_string(summary, 3, 0, "絞り込み", nullptr);
  worksheet_write_string(summary, 3, 1, filters.c_str(), nullptr);
  const std::pair<const char*, size_t> numbers[] = {
      {"文書数", figures.documents},
      {"企業数", figures.firms},
      {"小さなセルの基準 k", set.k},
      {"まとめた値の数", set.coarsened.size()},
      {"まとめても k 社未満の組合せに残る企業数", FirmsStillInSmallCells(set)}};
  lxw_row_t row = 4;
  for (const auto& [label, value] : numbers) {
    worksheet_write_string(summary, row, 0, label, nullptr);
    worksheet_write_number(summary, row, 1, static_cast<double>(value), nullptr);
    ++row;
  }
  for (const FigureTable& table : figures.tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, table.title.c_str());
    worksheet_set_column(sheet, 0, 0, 36, nullptr);
    worksheet_set_column(sheet, 1, 2, 10, nullptr);
    worksheet_write_string(sheet, 0, 0, table.label.c_str(), bold);
    worksheet_write_string(sheet, 0, 1, "企業数", bold);
    worksheet_write_string(sheet, 0, 2, "文書数", bold);
    lxw_row_t r = 1;
    auto write = [&](const FigureRow& fr, lxw_format* format) {
      worksheet_write_string(sheet, r, 0, fr.label.c_str(), format);
      worksheet_write_number(sheet, r, 1, static_cast<double>(fr.firms), format);
      worksheet_write_number(sheet, r, 2, static_cast<double>(fr.documents), format);
      ++r;
    };
    for (const FigureRow& fr : table.rows) write(fr, nullptr);
    write(table.none, nullptr);
    write(table.total, bold);
    if (table.multi_valued) {
      const std::string note =
          "1 文書が複数の" + table.label + "を持つため、各行の和は合計を超えることがある。";
      worksheet_write_string(sheet, r + 1, 0, note.c_str(), nullptr);
    }
  }
  const lxw_error error = workbook_close(book);
  if (error != LXW_NO_ERROR) {
    std::error_code ec;
    fs::remove(path, ec);
    return MakeError(ErrorCode::kIo, "export.write",
                     "書き込めない: " + path.string() + ": " + lxw_strerror(error));
  }
  return Status::Ok();
}

// ---- Outside tools -------------------------------------------------------------------------

// The Lua filter of the DOCX: nothing raw passes, links and images become their text, and the
// body's headings sit under the type (h1) and document (h2) headings.
constexpr std::string_view kPandocFilter = R"(
function RawBlock(el) return {} end
function RawInline(el) return {} end
function Link(el) return el.content end
function Image(el) return el.caption end
function Header(el)
  if el.classes:includes("keep") then
    el.classes = {}
    return el
  end
  el.level = math.min(el.level + 1, 6)
  return el
end
)";

struct Outputs {
  fs::path reports;  // dir/reports
  fs::path scratch;
  std::vector<SkippedOutput> skipped;
};

void Skip(Outputs& o, const std::string& name, std::string reason) {
  o.skipped.push_back({"reports/" + name, std::move(reason)});
}

Status WriteDocx(const ExportSet& set, const ExportOptions& options, Outputs& o) {
  const auto pandoc = FindTool("pandoc", options.pandoc);
  if (!pandoc) {
    Skip(o, "report.docx",
         "pandoc が見つからないため書き出さなかった（" +
             (options.pandoc.empty() ? std::string("PATH 上に pandoc がない") : options.pandoc) +
             "）");
    return Status::Ok();
  }
  const fs::path home = o.scratch / "pandoc-home";
  fs::create_directories(home);
  const fs::path input = o.scratch / "report-pandoc.html";
  const fs::path filter = o.scratch / "report.lua";
  const fs::path reference = o.scratch / "reference.docx";
  const fs::path output = o.scratch / "report.docx";
  if (auto s = WriteText(input, ReportPandocHtml(set)); !s) return s;
  if (auto s = WriteText(filter, std::string(kPandocFilter)); !s) return s;
  const std::string tool = pandoc->string();
  std::string failure;
  if (auto ref = MakeReferenceDocx(tool, home, reference); !ref) failure = ref.error().message;
  if (failure.empty()) {
    const ToolRun run = RunTool(
        {tool, "--from=html-raw_html-native_divs-native_spans", "--to=docx", "--toc",
         "--toc-depth=2", "--standalone", "--lua-filter=" + filter.string(),
         "--reference-doc=" + reference.string(), "--metadata=title:" + ReportTitle(set),
         "--metadata=subtitle:" + set.generated_at, "--metadata=lang:ja-JP",
         "--resource-path=" + o.scratch.string(), "--output=" + output.string(), input.string()},
        home, kPandocTimeout);
    if (!run.ok()) failure = "pandoc が失敗した（" + run.ErrorLine() + "）";
  }
  if (failure.empty() && !fs::exists(output)) failure = "pandoc が report.docx を書かなかった";
  if (!failure.empty()) {
    Skip(o, "report.docx", failure);
    return Status::Ok();
  }
  return Publish(output, o.reports / "report.docx");
}

Status WritePdf(const ExportOptions& options, Outputs& o, const std::string& name,
                const std::string& html) {
  const auto chromium = FindTool("chromium", options.chromium);
  if (!chromium) {
    Skip(o, name,
         "chromium が見つからないため書き出さなかった（" +
             (options.chromium.empty() ? std::string("PATH 上に chromium がない")
                                       : options.chromium) +
             "）");
    return Status::Ok();
  }
  const fs::path home = o.scratch / ("chromium-" + name);
  fs::create_directories(home / "profile");
  const fs::path input = o.scratch / (name + ".html");
  const fs::path output = o.scratch / name;
  if (auto s = WriteText(input, html); !s) return s;
  const ToolRun run = PrintToPdf(*chromium, home, input, output, kChromiumTimeout);
  std::error_code ec;
  if (!run.ok() || !fs::exists(output) || fs::file_size(output, ec) == 0) {
    fs::remove(output, ec);
    Skip(o, name,
         "chromium が失敗した（" +
             (run.ok() ? std::string("PDF が書かれなかった") : run.ErrorLine()) + "）");
    return Status::Ok();
  }
  return Publish(output, o.reports / name);
}

}  // namespace

Result<std::vector<SkippedOutput>> WriteReports(const ExportSet& set, const fs::path& dir,
                                                const ExportOptions& options) {
  Outputs o;
  o.reports = dir / "reports";
  std::error_code ec;
  fs::create_directories(o.reports, ec);
  if (ec) return MakeError(ErrorCode::kIo, "export.write", "作れない: " + o.reports.string());
  // HOME and profile of the tools and their input files: private, removed on return.
  auto scratch = core::ScopedTempDir::Create("yuimaru-reports-");
  if (!scratch) return scratch.error();
  o.scratch = scratch->path();
  const Figures figures = ComputeFigures(set.docs);

  const fs::path book = o.scratch / "figures.xlsx";
  if (auto s = WriteWorkbook(set, figures, book); !s) return s.error();
  if (auto s = Publish(book, o.reports / "figures.xlsx"); !s) return s.error();
  if (auto s = WriteDocx(set, options, o); !s) return s.error();
  if (auto s = WritePdf(options, o, "report.pdf", ReportPrintHtml(set)); !s) return s.error();
  if (auto s = WritePdf(options, o, "figures.pdf", FiguresPrintHtml(set, figures)); !s) {
    return s.error();
  }
  return std::move(o.skipped);
}

}  // namespace yuimaru::toolkit
