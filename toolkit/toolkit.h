// yuimaru's 横展開 toolkit: `yuimaru export` writes the folder that is burned to a CD-R as it is
// (an offline site with search, the 事業報告書 as Word/Excel/PDF, the redacted corpus, a signed
// manifest), in one of two editions; `yuimaru verify-export` checks such a folder.
//
// Start here: Export(options). What an edition may contain is the clearance view of that
// edition (search::SearchView), read once; every output is written from that one reading
// (ExportSet, toolkit/export_set.h), so redaction is the view's own text, never a second filter.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::toolkit {

enum class Edition {
  kPublic,     // 公表用: the 公開 view only
  kAuthority,  // 当局用: up to 内部, never 機密
};
std::string_view EditionLabel(Edition edition);              // 公表用 / 当局用
core::Clearance EditionClearance(Edition edition);           // 公開 / 内部
std::optional<Edition> ParseEdition(std::string_view text);  // 公表用|当局用|public|authority

struct ExportOptions {
  std::filesystem::path db;   // the index (its current generation is read)
  std::filesystem::path out;  // the folder to create; written beside it, then renamed
  Edition edition = Edition::kPublic;
  std::vector<std::pair<std::string, std::string>> filters;  // as `search --filter key=value`
  size_t k = 3;                      // small cells: fewer than k firms share a combination
  uint64_t max_bytes = 700'000'000;  // refuse before publishing a folder larger than this
  bool force = false;                // replace an `out` that exists and is not empty
  std::filesystem::path sign_key;    // PEM private key; empty only with `unsigned_ok`
  std::filesystem::path sign_cert;   // PEM certificate of that key
  bool unsigned_ok = false;          // --unsigned: a trial folder without a signature
  std::string generated_at;          // ISO 8601 UTC time written into the outputs
  // Output formats that need an outside tool (pandoc, chromium) are skipped when the tool is
  // missing (the report says so); these name the tools, empty: looked up on PATH.
  std::string pandoc;
  std::string chromium;
};

// Something the export did not write, and why (a tool missing, a tool failing).
struct SkippedOutput {
  std::string output;  // path inside the folder, e.g. "reports/report.pdf"
  std::string reason;  // Japanese, one line
};

// A value of a firm's fields that was made coarser (small cells), and why.
struct Coarsening {
  std::string doc_id;
  std::string field;  // field key: industry, region, employees
  std::string from;   // label before
  std::string to;     // label written instead
  std::string reason;  // Japanese, e.g. 「業種×地域×従業員規模の組合せが 1 社（k=3 未満）」
};

struct ExportReport {
  size_t documents = 0;
  size_t files = 0;    // files in the folder, MANIFEST and signature included
  uint64_t bytes = 0;  // their total size
  std::string manifest_sha256;
  bool signed_folder = false;
  std::vector<Coarsening> coarsened;
  std::vector<SkippedOutput> skipped;
};

// Writes the folder. Fails with kInvalidInput for a bad filter, an unreadable or mismatched
// signing key/certificate, or an `out` that exists and is not empty without `force`
// ("export.out-exists"), or ("export.too-large") when the folder would exceed
// max_bytes (nothing is left at `out`); kIo when writing fails (nothing is left at `out`).
Result<ExportReport> Export(const ExportOptions& options);

struct VerifyReport {
  std::vector<std::string> changed;  // listed in MANIFEST.sha256 with another hash now
  std::vector<std::string> missing;  // listed but absent
  std::vector<std::string> extra;    // present but not listed
  bool signed_folder = false;        // a signature file is there
  bool signature_ok = false;         // it verifies over MANIFEST.sha256 (with `cert` if given)
  std::string signer;                // subject of the signing certificate
  std::string signature_error;       // why it does not verify (Japanese), empty if it does
  bool ok() const {
    return changed.empty() && missing.empty() && extra.empty() && signed_folder && signature_ok;
  }
};

// Checks every file of an exported folder against its manifest and the manifest's signature
// (against `cert` when given, else against the certificate in the folder, which proves only
// integrity, not who signed). Fails with kNotFound when `dir` has no MANIFEST.sha256.
Result<VerifyReport> VerifyExport(const std::filesystem::path& dir,
                                  const std::filesystem::path& cert = {});

}  // namespace yuimaru::toolkit
