// The detached signature of an export's manifest: CMS (PKCS #7) SignedData in DER over the
// manifest's bytes as binary content, with the signer's certificate included, so that the
// recipient can check it with `openssl cms -verify` as well as with yuimaru. The one OpenSSL
// adapter of toolkit/. Internal to toolkit/.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace yuimaru::toolkit {

// A private key and its certificate, loaded from PEM files and checked to belong together.
class Signer {
 public:
  // Fails with kInvalidInput: "export.sign-key" (unreadable, not a PEM private key, or
  // encrypted), "export.sign-cert" (unreadable, not a PEM certificate), "export.key-mismatch".
  static Result<Signer> Load(const std::filesystem::path& key, const std::filesystem::path& cert);
  ~Signer();
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;

  // The DER of a detached CMS signature over `content`. Fails with kInternal ("export.sign").
  Result<std::string> Sign(std::string_view content) const;
  // The certificate as PEM (written into the folder as signer-cert.pem).
  std::string CertificatePem() const;

 private:
  struct Impl;
  explicit Signer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct SignatureCheck {
  bool ok = false;
  std::string signer;  // subject of the signing certificate (RFC 2253), when known
  std::string error;   // why it does not verify (Japanese), empty when ok
};

// Verifies the DER CMS signature `signature` over `content`, trusting only `trusted_pem` (a
// certificate in PEM: the signer's own, or a CA that issued it). Never fails: a bad signature,
// a bad certificate or an unreadable signature is a SignatureCheck with ok == false.
SignatureCheck VerifySignature(std::string_view content, std::string_view signature,
                               std::string_view trusted_pem);

}  // namespace yuimaru::toolkit
