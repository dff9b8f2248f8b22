#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"
#include "tests/toolkit/export_fixture.h"
#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;
using testing::Yuimaru;

// One signed 公表用 folder per test case, and a copy of it to break.
struct Signed {
  TempDir tmp;
  KeyPair keys = MakeKeyPair(tmp.path(), "secretariat");
  fs::path folder = tmp / "kit";
  Signed() {
    auto report = Export(SignedOptions(folder, Edition::kPublic, keys));
    if (!report) FAIL(report.error().ToString());
  }
  fs::path Copy(const std::string& name) const {
    const fs::path copy = tmp / name;
    fs::copy(folder, copy, fs::copy_options::recursive);
    return copy;
  }
};

VerifyReport Verify(const fs::path& dir, const fs::path& cert = {}) {
  auto report = VerifyExport(dir, cert);
  REQUIRE(report);
  return *report;
}

// A file of the folder with some text in it (the corpus is always there).
fs::path SomeCorpusFile(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir / "corpus")) {
    if (e.is_regular_file()) return e.path();
  }
  FAIL("no corpus file");
  return {};
}

TEST_CASE("VerifyExport: a folder as written verifies, with its certificate and without",
          "[toolkit][disk]") {
  const Signed s;
  const VerifyReport with_cert = Verify(s.folder, s.keys.cert);
  CHECK(with_cert.ok());
  CHECK(with_cert.signer.find("CN=secretariat") != std::string::npos);
  CHECK(Verify(s.folder).ok());
  const auto cli = Yuimaru({"verify-export", s.folder.string(), "--cert", s.keys.cert.string()});
  CHECK(cli.exit_code == 0);
  const auto no_cert = Yuimaru({"verify-export", s.folder.string()});
  CHECK(no_cert.exit_code == 0);
  CHECK(no_cert.out.find("署名者の確認にはなりません") != std::string::npos);
}

TEST_CASE("VerifyExport: a one-byte change, a missing file and an extra file are each found",
          "[toolkit][disk]") {
  const Signed s;
  const fs::path changed = s.Copy("changed");
  const fs::path file = SomeCorpusFile(changed);
  std::string bytes = ReadFile(file);
  bytes[bytes.size() / 2] ^= 1;
  WriteFile(file, bytes);
  const std::string rel = file.lexically_relative(changed).generic_string();
  VerifyReport r = Verify(changed, s.keys.cert);
  CHECK(r.changed == std::vector<std::string>{rel});
  CHECK_FALSE(r.ok());
  const auto cli = Yuimaru({"verify-export", changed.string(), "--cert", s.keys.cert.string()});
  CHECK(cli.exit_code == 1);
  CHECK(cli.out.find("変更: " + rel) != std::string::npos);

  const fs::path missing = s.Copy("missing");
  fs::remove(missing / "README.txt");
  r = Verify(missing, s.keys.cert);
  CHECK(r.missing == std::vector<std::string>{"README.txt"});
  CHECK(r.changed.empty());
  CHECK_FALSE(r.ok());

  const fs::path extra = s.Copy("extra");
  WriteFile(extra / "site" / "added.js", "alert(1)");
  r = Verify(extra, s.keys.cert);
  CHECK(r.extra == std::vector<std::string>{"site/added.js"});
  CHECK_FALSE(r.ok());
  CHECK(Yuimaru({"verify-export", extra.string()}).out.find("余分: site/added.js") !=
        std::string::npos);
}

TEST_CASE("VerifyExport: a manifest edited after signing fails the signature", "[toolkit][disk]") {
  const Signed s;
  const fs::path dir = s.Copy("edited");
  // Change a file and write its new hash into the manifest: every file matches, the signature
  // does not.
  const fs::path file = dir / "README.txt";
  WriteFile(file, ReadFile(file) + "追記\n");
  const auto hash = RunCommand({"/usr/bin/sha256sum", file.string()});
  REQUIRE(hash.exit_code == 0);
  std::string manifest = ReadFile(dir / "MANIFEST.sha256");
  const size_t at = manifest.find("  README.txt\n");
  REQUIRE(at != std::string::npos);
  manifest.replace(at - 64, 64, hash.out.substr(0, 64));
  WriteFile(dir / "MANIFEST.sha256", manifest);
  const VerifyReport r = Verify(dir, s.keys.cert);
  CHECK(r.changed.empty());
  CHECK(r.signed_folder);
  CHECK_FALSE(r.signature_ok);
  CHECK_FALSE(r.signature_error.empty());
  CHECK_FALSE(Verify(dir).signature_ok);
}

TEST_CASE(
    "VerifyExport: a folder re-signed by another key verifies only against its own "
    "certificate, never against the secretariat's",
    "[toolkit][disk]") {
  const Signed s;
  const KeyPair forger = MakeKeyPair(s.tmp.path(), "forger");
  const fs::path dir = s.Copy("forged");
  const auto sign =
      RunCommand({"/usr/bin/openssl", "cms", "-sign", "-binary", "-outform", "DER", "-in",
                  (dir / "MANIFEST.sha256").string(), "-signer", forger.cert.string(), "-inkey",
                  forger.key.string(), "-out", (dir / "MANIFEST.sha256.sig").string()});
  INFO(sign.err);
  REQUIRE(sign.exit_code == 0);

  // Signature by another key, the folder's certificate unchanged: fails either way.
  CHECK_FALSE(Verify(dir, s.keys.cert).signature_ok);
  CHECK_FALSE(Verify(dir).signature_ok);

  // The forger also replaces signer-cert.pem (and its line in the manifest, then re-signs):
  // without --cert the folder is only consistent with itself; with --cert it fails.
  fs::copy_file(forger.cert, dir / "signer-cert.pem", fs::copy_options::overwrite_existing);
  const auto hash = RunCommand({"/usr/bin/sha256sum", (dir / "signer-cert.pem").string()});
  std::string manifest = ReadFile(dir / "MANIFEST.sha256");
  const size_t at = manifest.find("  signer-cert.pem\n");
  REQUIRE(at != std::string::npos);
  manifest.replace(at - 64, 64, hash.out.substr(0, 64));
  WriteFile(dir / "MANIFEST.sha256", manifest);
  REQUIRE(RunCommand({"/usr/bin/openssl", "cms", "-sign", "-binary", "-outform", "DER", "-in",
                      (dir / "MANIFEST.sha256").string(), "-signer", forger.cert.string(), "-inkey",
                      forger.key.string(), "-out", (dir / "MANIFEST.sha256.sig").string()})
              .exit_code == 0);
  CHECK(Verify(dir).ok());
  const VerifyReport r = Verify(dir, s.keys.cert);
  CHECK_FALSE(r.signature_ok);
  CHECK_FALSE(r.ok());
  CHECK(Yuimaru({"verify-export", dir.string(), "--cert", s.keys.cert.string()}).exit_code == 1);
}

TEST_CASE("VerifyExport: --cert with a different certificate fails the signature",
          "[toolkit][disk]") {
  const Signed s;
  const KeyPair other = MakeKeyPair(s.tmp.path(), "other");
  const VerifyReport r = Verify(s.folder, other.cert);
  CHECK(r.changed.empty());
  CHECK(r.signed_folder);
  CHECK_FALSE(r.signature_ok);
  const auto cli = Yuimaru({"verify-export", s.folder.string(), "--cert", other.cert.string()});
  CHECK(cli.exit_code == 1);
  CHECK(cli.out.find("署名: 検証できません") != std::string::npos);
}

TEST_CASE("VerifyExport: an unsigned folder is reported 署名なし and fails", "[toolkit][disk]") {
  TempDir tmp;
  ExportOptions o = SignedOptions(tmp / "kit", Edition::kPublic, {});
  o.sign_key.clear();
  o.sign_cert.clear();
  o.unsigned_ok = true;
  REQUIRE(Export(o));
  const VerifyReport r = Verify(tmp / "kit");
  CHECK(r.changed.empty());
  CHECK(r.missing.empty());
  CHECK(r.extra.empty());
  CHECK_FALSE(r.signed_folder);
  const auto cli = Yuimaru({"verify-export", (tmp / "kit").string()});
  CHECK(cli.exit_code == 1);
  CHECK(cli.out.find("署名なし") != std::string::npos);
  CHECK(Yuimaru({"verify-export"}).exit_code == 2);
  CHECK(Yuimaru({"verify-export", (tmp / "no-such").string()}).exit_code == 1);
}

TEST_CASE("VerifyExport: the README's sha256sum and openssl commands verify a real folder",
          "[toolkit][disk]") {
  const Signed s;
  const std::string readme = ReadFile(s.folder / "README.txt");
  const size_t start = readme.find("openssl cms -verify");
  REQUIRE(start != std::string::npos);
  std::string command = readme.substr(start, readme.find('\n', start) - start);
  const std::string placeholder = "<事務局の証明書>";
  REQUIRE(command.find(placeholder) != std::string::npos);
  command.replace(command.find(placeholder), placeholder.size(), "'" + s.keys.cert.string() + "'");
  const std::string cd = "cd '" + s.folder.string() + "' && ";
  const auto sums = RunCommand({"/bin/sh", "-c", cd + "sha256sum -c MANIFEST.sha256"});
  INFO(sums.out + sums.err);
  CHECK(sums.exit_code == 0);
  const auto ok = RunCommand({"/bin/sh", "-c", cd + command});
  INFO(command + "\n" + ok.out + ok.err);
  CHECK(ok.exit_code == 0);

  // The same command rejects another certificate and an edited manifest.
  const KeyPair other = MakeKeyPair(s.tmp.path(), "other");
  std::string wrong = command;
  wrong.replace(wrong.find(s.keys.cert.string()), s.keys.cert.string().size(), other.cert.string());
  CHECK(RunCommand({"/bin/sh", "-c", cd + wrong}).exit_code != 0);
  WriteFile(s.folder / "MANIFEST.sha256", ReadFile(s.folder / "MANIFEST.sha256") + "\n");
  CHECK(RunCommand({"/bin/sh", "-c", cd + command}).exit_code != 0);
}

}  // namespace
}  // namespace yuimaru::toolkit
