#include "toolkit/docx_reference.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <regex>
#include <utility>

#include "toolkit/tool_runner.h"

namespace yuimaru::toolkit {
namespace {

// The parts of pandoc 2.17's default reference.docx (data files docx/…).
constexpr std::string_view kParts[] = {"[Content_Types].xml",
                                       "_rels/.rels",
                                       "docProps/app.xml",
                                       "docProps/core.xml",
                                       "docProps/custom.xml",
                                       "word/document.xml",
                                       "word/fontTable.xml",
                                       "word/footnotes.xml",
                                       "word/comments.xml",
                                       "word/numbering.xml",
                                       "word/settings.xml",
                                       "word/webSettings.xml",
                                       "word/styles.xml",
                                       "word/_rels/document.xml.rels",
                                       "word/_rels/footnotes.xml.rels",
                                       "word/theme/theme1.xml"};

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void Put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

constexpr std::string_view kSection =
    R"(<w:sectPr><w:pgSz w:w="11906" w:h="16838" /><w:pgMar w:top="1701" w:right="1418" )"
    R"(w:bottom="1418" w:left="1418" w:header="851" w:footer="992" w:gutter="0" /></w:sectPr>)";
constexpr std::string_view kBodyFonts =
    R"(<w:rFonts w:ascii="IPAMincho" w:eastAsia="IPAMincho" w:hAnsi="IPAMincho" w:cs="IPAMincho" />)";
constexpr std::string_view kHeadingFonts =
    R"(<w:rFonts w:ascii="IPAGothic" w:eastAsia="IPAGothic" w:hAnsi="IPAGothic" w:cs="IPAGothic" />)";
constexpr std::string_view kFontFallbacks =
    R"(<w:font w:name="IPAMincho"><w:altName w:val="ＭＳ 明朝" /><w:charset w:val="80" />)"
    R"(<w:family w:val="roman" /><w:pitch w:val="fixed" /></w:font>)"
    R"(<w:font w:name="IPAGothic"><w:altName w:val="ＭＳ ゴシック" /><w:charset w:val="80" />)"
    R"(<w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>)";

}  // namespace

std::string StoredZip(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out, central;
  for (const auto& [name, data] : files) {
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const uint32_t crc = Crc32(data);
    const auto size = static_cast<uint32_t>(data.size());
    // Local header: version 2.0, no flags, stored, DOS time 1980-01-01 00:00 (reproducible).
    Put32(out, 0x04034b50);
    Put16(out, 20);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, 0x21);
    Put32(out, crc);
    Put32(out, size);
    Put32(out, size);
    Put16(out, static_cast<uint32_t>(name.size()));
    Put16(out, 0);
    out += name;
    out += data;
    Put32(central, 0x02014b50);
    Put16(central, 20);
    Put16(central, 20);
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0x21);
    Put32(central, crc);
    Put32(central, size);
    Put32(central, size);
    Put16(central, static_cast<uint32_t>(name.size()));
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put32(central, 0);
    Put32(central, offset);
    central += name;
  }
  const auto central_offset = static_cast<uint32_t>(out.size());
  out += central;
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, static_cast<uint32_t>(files.size()));
  Put16(out, static_cast<uint32_t>(files.size()));
  Put32(out, static_cast<uint32_t>(central.size()));
  Put32(out, central_offset);
  Put16(out, 0);
  return out;
}

std::string PatchReferencePart(std::string_view name, std::string text) {
  if (name == "word/document.xml") {
    static const std::regex section(R"(<w:sectPr\s*/>|<w:sectPr>[\s\S]*?</w:sectPr>)");
    return std::regex_replace(text, section, std::string(kSection));
  }
  if (name == "word/styles.xml") {
    static const std::regex minor(R"(<w:rFonts w:asciiTheme="minor[^>]*/>)");
    static const std::regex major(R"(<w:rFonts w:asciiTheme="major[^>]*/>)");
    text = std::regex_replace(text, minor, std::string(kBodyFonts));
    return std::regex_replace(text, major, std::string(kHeadingFonts));
  }
  if (name == "word/fontTable.xml") {
    const size_t end = text.rfind("</w:fonts>");
    if (end != std::string::npos) text.insert(end, kFontFallbacks);
    return text;
  }
  return text;
}

Status MakeReferenceDocx(const std::string& pandoc, const std::filesystem::path& home,
                         const std::filesystem::path& out) {
  std::vector<std::pair<std::string, std::string>> files;
  for (std::string_view part : kParts) {
    const ToolRun run = RunTool({pandoc, "--print-default-data-file", "docx/" + std::string(part)},
                                home, std::chrono::seconds(60));
    if (!run.ok()) {
      return MakeError(ErrorCode::kIo, "export.pandoc",
                       "pandoc が既定の書式（docx/" + std::string(part) + "）を出せない（" +
                           run.ErrorLine() + "）");
    }
    files.emplace_back(std::string(part), PatchReferencePart(part, run.out));
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << StoredZip(files);
  file.close();
  if (!file) return MakeError(ErrorCode::kIo, "export.write", "書き込めない: " + out.string());
  return Status::Ok();
}

}  // namespace yuimaru::toolkit
