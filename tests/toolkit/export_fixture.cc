#include "tests/toolkit/export_fixture.h"

#include <catch2/catch.hpp>
#include <memory>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::toolkit {

using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;
using testing::Yuimaru;

const std::filesystem::path& BundledDb() {
  static const auto* dir = new TempDir();  // leaked on purpose: lives until exit, like the index
  static const std::filesystem::path db = [] {
    const auto path = dir->path() / "db";
    const auto r = Yuimaru({"index", "--db", path.string(), (SourceDir() / "corpus").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return path;
  }();
  return db;
}

KeyPair MakeKeyPair(const std::filesystem::path& dir, const std::string& name) {
  KeyPair keys{dir / (name + "-key.pem"), dir / (name + "-cert.pem")};
  const auto r =
      RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                  "-keyout", keys.key.string(), "-out", keys.cert.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return keys;
}

ExportOptions SignedOptions(const std::filesystem::path& out, Edition edition,
                            const KeyPair& keys) {
  ExportOptions o;
  o.db = BundledDb();
  o.out = out;
  o.edition = edition;
  o.sign_key = keys.key;
  o.sign_cert = keys.cert;
  o.generated_at = "2026-12-06T00:00:00Z";
  return o;
}

}  // namespace yuimaru::toolkit
