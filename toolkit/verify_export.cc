// VerifyExport: every file of a folder against its manifest, and the manifest's signature.
#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "toolkit/manifest.h"
#include "toolkit/signature.h"
#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {
namespace {

std::optional<std::string> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Each listed file against its hash; each file not listed (other than the manifest and its
// signature, which cannot list themselves) is extra.
Status CheckFiles(const std::filesystem::path& dir, const std::vector<ManifestEntry>& entries,
                  VerifyReport& report) {
  std::vector<std::string> others;
  auto files = ListFolder(dir, &others);
  if (!files) return files.error();
  std::set<std::string> present;
  for (const auto& f : *files) present.insert(f.path);
  std::set<std::string> listed;
  for (const auto& e : entries) {
    listed.insert(e.path);
    if (!present.count(e.path)) {
      report.missing.push_back(e.path);
      continue;
    }
    auto hash = FileSha256(dir / e.path);
    if (!hash || *hash != e.sha256) report.changed.push_back(e.path);
  }
  for (const auto& f : *files) {
    if (f.path == kManifestFile || f.path == kSignatureFile) continue;
    if (!listed.count(f.path)) report.extra.push_back(f.path);
  }
  // A link or device in the folder is never what was signed.
  for (auto& o : others) report.extra.push_back(std::move(o));
  std::sort(report.extra.begin(), report.extra.end());
  return Status::Ok();
}

void CheckSignature(const std::filesystem::path& dir, std::string_view manifest,
                    const std::filesystem::path& cert, VerifyReport& report) {
  const auto signature = ReadBytes(dir / kSignatureFile);
  report.signed_folder = signature.has_value();
  if (!signature) {
    report.signature_error = "署名なし（" + std::string(kSignatureFile) + " がありません）";
    return;
  }
  const std::filesystem::path trusted = cert.empty() ? dir / kSignerCertFile : cert;
  const auto trusted_pem = ReadBytes(trusted);
  if (!trusted_pem) {
    report.signature_error = "証明書を読めません: " + trusted.string();
    return;
  }
  SignatureCheck check = VerifySignature(manifest, *signature, *trusted_pem);
  report.signature_ok = check.ok;
  report.signer = std::move(check.signer);
  report.signature_error = std::move(check.error);
}

}  // namespace

Result<VerifyReport> VerifyExport(const std::filesystem::path& dir,
                                  const std::filesystem::path& cert) {
  const auto manifest = ReadBytes(dir / kManifestFile);
  if (!manifest) {
    return ErrorAt(ErrorCode::kNotFound, "export.no-manifest",
                   std::string(kManifestFile) + " がありません（書き出したフォルダではありません）",
                   dir.string());
  }
  auto entries = ParseManifest(*manifest);
  if (!entries) return entries.error();
  VerifyReport report;
  if (Status s = CheckFiles(dir, *entries, report); !s) return s.error();
  CheckSignature(dir, *manifest, cert, report);
  return report;
}

}  // namespace yuimaru::toolkit
