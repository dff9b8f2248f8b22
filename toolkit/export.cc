// Export: one reading of the edition's view (ExportSet), then every output written from it into
// a folder beside `out`, its manifest and signature, and a rename.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "access/access.h"
#include "core/io.h"
#include "toolkit/corpus_writer.h"
#include "toolkit/export_set.h"
#include "toolkit/export_texts.h"
#include "toolkit/manifest.h"
#include "toolkit/reports.h"
#include "toolkit/signature.h"
#include "toolkit/site.h"
#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {
namespace {

namespace fs = std::filesystem;

Error IoError(std::string rule, const std::string& message, const fs::path& path) {
  return ErrorAt(ErrorCode::kIo, std::move(rule), message, path.string());
}

bool IsEmptyDir(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(path, ec)) && fs::is_empty(path, ec) && !ec;
}

// The checks that need no index: a place to write that is not the index itself, and an `out`
// that may be replaced.
Status CheckOut(const ExportOptions& options) {
  if (options.out.empty() || options.out.filename().empty() || options.out.filename() == "." ||
      options.out.filename() == "..") {
    return MakeError(ErrorCode::kInvalidInput, "export.out",
                     "--out には作成するフォルダ名を指定してください");
  }
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(fs::absolute(options.out), ec);
  const fs::path db = fs::weakly_canonical(fs::absolute(options.db), ec);
  const auto inside = [](const fs::path& a, const fs::path& b) {  // a is b or under b
    const auto rel = a.lexically_relative(b);
    return !rel.empty() && *rel.begin() != "..";
  };
  if (inside(out, db) || inside(db, out)) {
    return MakeError(
        ErrorCode::kInvalidInput, "export.out-is-db",
        "--out に索引のフォルダ（またはその親・子）は指定できません: " + options.out.string());
  }
  if (fs::exists(fs::symlink_status(options.out, ec)) && !IsEmptyDir(options.out) &&
      !options.force) {
    return MakeError(
        ErrorCode::kInvalidInput, "export.out-exists",
        "--out が既にあり空ではありません（置き換えるには --force）: " + options.out.string());
  }
  return Status::Ok();
}

// A hidden folder beside `out` (same parent, so that the final rename stays on one file
// system), readable by this user only while it is written.
Result<fs::path> MakeStaging(const fs::path& out) {
  const fs::path parent = fs::absolute(out).parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return IoError("export.staging", "フォルダを作れません: " + ec.message(), parent);
  std::random_device random;
  for (int attempt = 0; attempt < 8; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".export-%d-%08x", static_cast<int>(::getpid()),
                  static_cast<unsigned>(random()));
    const fs::path staging = parent / ("." + out.filename().string() + suffix);
    if (::mkdir(staging.c_str(), 0700) == 0) return staging;
    if (errno != EEXIST) break;
  }
  return IoError("export.staging", "作業用フォルダを作れません", parent);
}

// Removes the staging folder unless it was published: a failed export leaves nothing.
class StagingGuard {
 public:
  explicit StagingGuard(fs::path path) : path_(std::move(path)) {}
  ~StagingGuard() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  StagingGuard(const StagingGuard&) = delete;
  StagingGuard& operator=(const StagingGuard&) = delete;
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

Status WriteText(const fs::path& path, std::string_view text) {
  return core::WriteFileAtomically(path, text, ".tmp", 0644);
}

// The manifest of every file written so far, and its signature and certificate beside it.
Result<std::string> WriteManifest(const fs::path& dir, const Signer* signer) {
  if (signer) {
    if (Status s = WriteText(dir / kSignerCertFile, signer->CertificatePem()); !s) return s.error();
  }
  auto files = ListFolder(dir);
  if (!files) return files.error();
  std::vector<ManifestEntry> entries;
  for (const FolderFile& f : *files) {
    // sha256sum escapes such names with a backslash, which a manifest line could not round-trip.
    if (f.path.find_first_of("\n\r\\") != std::string::npos) {
      return MakeError(ErrorCode::kInternal, "export.file-name",
                       "MANIFEST.sha256 に書けないファイル名です: " + f.path);
    }
    auto hash = FileSha256(dir / f.path);
    if (!hash) return hash.error();
    entries.push_back({std::move(*hash), f.path});
  }
  const std::string manifest = RenderManifest(std::move(entries));
  if (Status s = WriteText(dir / kManifestFile, manifest); !s) return s.error();
  if (signer) {
    auto signature = signer->Sign(manifest);
    if (!signature) return signature.error();
    if (Status s = WriteText(dir / kSignatureFile, *signature); !s) return s.error();
  }
  return core::Sha256Hex(manifest);
}

// Every output, written from the one ExportSet into `dir`.
Result<ExportReport> WriteFolder(const ExportSet& set, const fs::path& dir,
                                 const ExportOptions& options, const Signer* signer) {
  ExportReport report;
  if (Status s = WriteCorpus(set, dir); !s) return s.error();
  if (Status s = WriteSite(set, dir); !s) return s.error();
  auto skipped = WriteReports(set, dir, options);
  if (!skipped) return skipped.error();
  report.skipped = std::move(*skipped);
  const std::string source = fs::absolute(options.db).lexically_normal().filename().string();
  const Signing signing = signer ? Signing::kSigned : Signing::kUnsigned;
  if (Status s = WriteText(dir / "README.txt", RenderReadme(set, source, signing)); !s) {
    return s.error();
  }
  if (Status s = WriteText(dir / "export-report.txt", RenderExportReport(set, report.skipped));
      !s) {
    return s.error();
  }
  auto manifest = WriteManifest(dir, signer);
  if (!manifest) return manifest.error();
  report.manifest_sha256 = std::move(*manifest);
  auto files = ListFolder(dir);
  if (!files) return files.error();
  report.files = files->size();
  for (const FolderFile& f : *files) report.bytes += f.bytes;
  report.documents = set.docs.size();
  report.signed_folder = signer != nullptr;
  report.coarsened = set.coarsened;
  return report;
}

// fsync of every file and folder under `dir`, so that the rename publishes data on disk.
Status SyncTree(const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (Status s = core::SyncPath(it->path()); !s) return s;
  }
  if (ec) return IoError("io.sync", "フォルダを読めません: " + ec.message(), dir);
  return core::SyncPath(dir);
}

// yuimaru runs under umask 077; a disc keeps the modes (Rock Ridge), and a 公表用 folder is for
// anyone: folders 0755, files 0644.
Status OpenToAll(const fs::path& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms(0755), ec);
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto status = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(status)) {
      fs::permissions(it->path(), fs::perms(0755), ec);
    } else if (fs::is_regular_file(status)) {
      fs::permissions(it->path(), fs::perms(0644), ec);
    }
    if (ec) break;
  }
  if (ec) return IoError("export.staging", "権限を変えられません: " + ec.message(), dir);
  return Status::Ok();
}

// Moves the finished folder to `out`. A missing or empty `out` is replaced by one rename; an
// existing one (--force) is exchanged with it atomically (RENAME_EXCHANGE), so that a reader
// sees the old folder or the new one, never neither; the old one is then removed.
Status Publish(const fs::path& staging, const fs::path& out, bool force) {
  if (::rename(staging.c_str(), out.c_str()) == 0)
    return core::SyncPath(fs::absolute(out).parent_path());
  if (!force || (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR && errno != EISDIR)) {
    if (errno == ENOTEMPTY || errno == EEXIST) {
      return MakeError(
          ErrorCode::kInvalidInput, "export.out-exists",
          "--out が既にあり空ではありません（置き換えるには --force）: " + out.string());
    }
    return IoError("export.publish", std::string("フォルダを置けません: ") + std::strerror(errno),
                   out);
  }
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) != 0) {
    return IoError("export.publish",
                   std::string("フォルダを入れ替えられません: ") + std::strerror(errno), out);
  }
  // `staging` now names the old folder.
  std::error_code ec;
  fs::remove_all(staging, ec);
  return core::SyncPath(fs::absolute(out).parent_path());
}

std::string FormatBytes(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f MB（%llu バイト）", static_cast<double>(bytes) / 1e6,
                static_cast<unsigned long long>(bytes));
  return buf;
}

Result<std::optional<Signer>> LoadSigner(const ExportOptions& options) {
  if (options.unsigned_ok) return std::optional<Signer>();
  if (options.sign_key.empty() || options.sign_cert.empty()) {
    return MakeError(ErrorCode::kInvalidInput, "export.sign-missing",
                     "署名鍵と証明書（--sign-key, --sign-cert）か --unsigned を指定してください");
  }
  auto signer = Signer::Load(options.sign_key, options.sign_cert);
  if (!signer) return signer.error();
  return std::optional<Signer>(std::move(*signer));
}

}  // namespace

std::string_view EditionLabel(Edition edition) {
  return edition == Edition::kPublic ? "公表用" : "当局用";
}

core::Clearance EditionClearance(Edition edition) {
  return edition == Edition::kPublic ? core::Clearance::kPublic : core::Clearance::kInternal;
}

std::optional<Edition> ParseEdition(std::string_view text) {
  if (text == "公表用" || text == "public") return Edition::kPublic;
  if (text == "当局用" || text == "authority") return Edition::kAuthority;
  return std::nullopt;
}

Result<ExportReport> Export(const ExportOptions& given) {
  ExportOptions options = given;
  if (options.generated_at.empty()) {
    options.generated_at = access::IsoTime(std::chrono::system_clock::now());
  }
  auto signer = LoadSigner(options);
  if (!signer) return signer.error();
  if (Status s = CheckOut(options); !s) return s.error();
  auto set = ReadEdition(options);
  if (!set) return set.error();

  auto staging = MakeStaging(options.out);
  if (!staging) return staging.error();
  StagingGuard guard(*staging);
  auto report = WriteFolder(*set, *staging, options, signer->has_value() ? &**signer : nullptr);
  if (!report) return report.error();
  if (report->bytes > options.max_bytes) {
    return MakeError(ErrorCode::kInvalidInput, "export.too-large",
                     "書き出すフォルダが上限を超えます: " + FormatBytes(report->bytes) +
                         " > 上限 " + FormatBytes(options.max_bytes));
  }
  // Readable by everyone once finished only for 公表用: a 当局用 folder holds 内部 text and stays
  // this user's until it is burned (docs/export.md).
  if (options.edition == Edition::kPublic) {
    if (Status s = OpenToAll(*staging); !s) return s.error();
  }
  if (Status s = SyncTree(*staging); !s) return s.error();
  if (Status s = Publish(*staging, options.out, options.force); !s) return s.error();
  guard.Release();
  return report;
}

}  // namespace yuimaru::toolkit
