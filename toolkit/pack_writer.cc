// WritePack (toolkit/pack.h): the pack's files, with the export's tool runner for Word and PDF.
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>

#include "core/html.h"
#include "core/io.h"
#include "core/markdown_html.h"
#include "toolkit/docx_reference.h"
#include "toolkit/pack.h"
#include "toolkit/tool_runner.h"

namespace yuimaru::toolkit {
namespace {

namespace fs = std::filesystem;

constexpr auto kPandocTimeout = std::chrono::seconds(300);
constexpr auto kChromiumTimeout = std::chrono::seconds(300);

// Removed with everything in it when the write is over, whatever happened.
class WorkDir {
 public:
  explicit WorkDir(fs::path path) : path_(std::move(path)) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_, ec);
    fs::permissions(path_, fs::perms::owner_all, ec);
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The pack for pandoc: plain headings and paragraphs (pandoc makes its own table of contents;
// the print page's frame table would become one Word table around each document).
std::string PandocHtml(const Pack& pack) {
  std::string body = "<p>区分: " + core::Escape(core::ClearanceLabel(pack.clearance)) + "</p>\n";
  if (!pack.note.empty()) body += "<p>" + core::Escape(pack.note) + "</p>\n";
  if (!pack.omitted.empty()) body += "<p>" + core::Escape(OmittedNote(pack)) + "</p>\n";
  for (const PackDoc& doc : pack.docs) {
    body += "<h1>" + core::Escape(doc.title) + (doc.section.empty() ? "" : " — ") +
            core::Escape(doc.section) + "</h1>\n<p>出典: " + core::Escape(doc.id) + "</p>\n";
    if (!doc.notice.empty()) body += "<p>" + core::Escape(doc.notice) + "</p>\n";
    body += core::RenderMarkdownHtml(doc.markdown);
  }
  return "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" +
         core::Escape(pack.title) + "</title></head>\n<body>\n" + body + "</body></html>\n";
}

std::string Missing(std::string_view tool, const std::string& configured) {
  return std::string(tool) + " が見つからないため書き出さなかった（" +
         (configured.empty() ? "PATH 上に " + std::string(tool) + " がない" : configured) + "）";
}

// Moves a finished file into place by rename (the work directory is inside `dir`).
Status Place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::permissions(from, fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(from, to, ec);
  if (ec) return MakeError(ErrorCode::kIo, "pack.write", "書き込めない: " + to.string());
  return core::SyncPath(to.parent_path());
}

// An empty string when written, else why not.
Result<std::string> WriteDocx(const Pack& pack, const fs::path& work, const fs::path& out,
                              const std::string& configured) {
  const auto pandoc = FindTool("pandoc", configured);
  if (!pandoc) return Missing("pandoc", configured);
  const fs::path home = work / "pandoc-home";
  std::error_code ec;
  fs::create_directories(home, ec);
  const fs::path input = work / "pack-pandoc.html";
  const fs::path reference = work / "reference.docx";
  const fs::path output = work / "pack.docx";
  if (auto s = core::WriteFileAtomically(input, PandocHtml(pack)); !s) return s.error();
  if (auto s = MakeReferenceDocx(pandoc->string(), home, reference); !s) return s.error().message;
  const ToolRun run =
      RunTool({pandoc->string(), "--from=html-raw_html-native_divs-native_spans", "--to=docx",
               "--toc", "--toc-depth=1", "--standalone", "--reference-doc=" + reference.string(),
               "--metadata=title:" + pack.title, "--metadata=lang:ja-JP",
               "--output=" + output.string(), input.string()},
              home, kPandocTimeout);
  if (!run.ok()) return "pandoc が失敗した（" + run.ErrorLine() + "）";
  if (!fs::exists(output)) return std::string("pandoc が pack.docx を書かなかった");
  if (auto s = Place(output, out); !s) return s.error();
  return std::string();
}

Result<std::string> WritePdf(const fs::path& html, const fs::path& work, const fs::path& out,
                             const std::string& configured) {
  const auto chromium = FindTool("chromium", configured);
  if (!chromium) return Missing("chromium", configured);
  const fs::path output = work / "pack.pdf";
  const ToolRun run = PrintToPdf(*chromium, work / "chromium-home", html, output, kChromiumTimeout);
  std::error_code ec;
  if (!run.ok() || !fs::exists(output) || fs::file_size(output, ec) == 0) {
    return "chromium が失敗した（" +
           (run.ok() ? std::string("PDF が書かれなかった") : run.ErrorLine()) + "）";
  }
  if (auto s = Place(output, out); !s) return s.error();
  return std::string();
}

}  // namespace

Result<PackOutputs> WritePack(const Pack& pack, std::string_view generated_at,
                              const fs::path& out_dir, const std::string& pandoc,
                              const std::string& chromium, PackFiles files) {
  std::error_code ec;
  // Absolute, because chromium is handed a file:// URL of the page.
  const fs::path dir = fs::absolute(out_dir, ec);
  if (!ec) fs::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "pack.write", "作れない: " + out_dir.string());
  fs::permissions(dir, fs::perms::owner_all, ec);
  PackOutputs outputs;
  const WorkDir work(dir / ".pack-work");
  // The page chromium prints is the pack.html written beside it (or, alone, a copy at work).
  const fs::path html = (files == PackFiles::kAll ? dir : work.path()) / "pack.html";
  if (files != PackFiles::kWordOnly) {
    if (auto s = core::WriteFileAtomically(html, RenderPackHtml(pack, generated_at)); !s) {
      return s.error();
    }
  }
  if (files == PackFiles::kAll) {
    outputs.written.push_back("pack.html");
    if (auto s = core::WriteFileAtomically(dir / "pack.md", RenderPackMarkdown(pack, generated_at));
        !s) {
      return s.error();
    }
    outputs.written.push_back("pack.md");
  }
  if (files != PackFiles::kPdfOnly) {
    auto docx = WriteDocx(pack, work.path(), dir / "pack.docx", pandoc);
    if (!docx) return docx.error();
    if (docx->empty()) {
      outputs.written.push_back("pack.docx");
    } else {
      outputs.skipped.push_back({"pack.docx", *docx});
    }
  }
  if (files == PackFiles::kWordOnly) return outputs;
  auto pdf = WritePdf(html, work.path(), dir / "pack.pdf", chromium);
  if (!pdf) return pdf.error();
  if (pdf->empty()) {
    outputs.written.push_back("pack.pdf");
  } else {
    outputs.skipped.push_back({"pack.pdf", *pdf});
  }
  return outputs;
}

}  // namespace yuimaru::toolkit
