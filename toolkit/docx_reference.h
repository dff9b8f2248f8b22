// The reference document pandoc styles report.docx with: pandoc's own default, patched for A4
// and Japanese fonts (IPA明朝 / IPAゴシック, with ＭＳ 明朝 / ＭＳ ゴシック as the names Word falls
// back to), generated at run time from pandoc's data files so no binary is kept in the tree.
// Internal to toolkit/.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace yuimaru::toolkit {

// A zip archive of `files` (name, bytes), stored without compression. Pure.
std::string StoredZip(const std::vector<std::pair<std::string, std::string>>& files);

// The default parts patched: A4 page and margins in document.xml, the fonts in styles.xml, the
// font table's fallback names. Pure; a part it does not patch comes back as it was.
std::string PatchReferencePart(std::string_view name, std::string text);

// Writes the reference document to `out`, reading the default parts with `pandoc` (HOME
// `home`). Fails with kIo (message in Japanese, with pandoc's error line) when pandoc fails.
Status MakeReferenceDocx(const std::string& pandoc, const std::filesystem::path& home,
                         const std::filesystem::path& out);

}  // namespace yuimaru::toolkit
