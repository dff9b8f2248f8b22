#include "toolkit/signature.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <sstream>
#include <utility>

namespace yuimaru::toolkit {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
struct CmsFree {
  void operator()(CMS_ContentInfo* c) const { CMS_ContentInfo_free(c); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, CmsFree>;
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

std::optional<std::string> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

BioPtr MemBio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// The last OpenSSL error as text, and the queue emptied, so that one call's errors never show in
// the next one's message.
std::string TakeOpensslError() {
  unsigned long code = ERR_get_error();
  unsigned long last = code;
  while (code != 0) {
    last = code;
    code = ERR_get_error();
  }
  if (last == 0) return "不明なエラー";
  char buf[256];
  ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

CertPtr ParseCert(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) return nullptr;
  return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string Subject(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || !cert) return "";
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

struct Signer::Impl {
  KeyPtr key;
  CertPtr cert;
  std::string cert_pem;
};

Signer::Signer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

Result<Signer> Signer::Load(const std::filesystem::path& key, const std::filesystem::path& cert) {
  auto impl = std::make_unique<Impl>();
  const auto key_pem = ReadAll(key);
  if (!key_pem) {
    return MakeError(ErrorCode::kInvalidInput, "export.sign-key",
                     "署名鍵を読めません: " + key.string());
  }
  {
    BioPtr bio = MemBio(*key_pem);
    // A null passphrase callback that returns no passphrase: an encrypted key fails here
    // instead of prompting on the terminal.
    auto no_passphrase = [](char*, int, int, void*) { return 0; };
    impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  }
  if (!impl->key) {
    ERR_clear_error();
    return MakeError(
        ErrorCode::kInvalidInput, "export.sign-key",
        "署名鍵が PEM の秘密鍵ではありません（パスフレーズ付きの鍵は使えません）: " + key.string());
  }
  const auto cert_pem = ReadAll(cert);
  if (!cert_pem) {
    return MakeError(ErrorCode::kInvalidInput, "export.sign-cert",
                     "署名証明書を読めません: " + cert.string());
  }
  impl->cert = ParseCert(*cert_pem);
  if (!impl->cert) {
    ERR_clear_error();
    return MakeError(ErrorCode::kInvalidInput, "export.sign-cert",
                     "署名証明書が PEM の証明書ではありません: " + cert.string());
  }
  if (X509_check_private_key(impl->cert.get(), impl->key.get()) != 1) {
    ERR_clear_error();
    return MakeError(
        ErrorCode::kInvalidInput, "export.key-mismatch",
        "署名鍵と署名証明書が対応していません: " + key.string() + ", " + cert.string());
  }
  // The certificate is written back as PEM re-encoded from what was parsed, so that only the
  // first certificate of the file lands in the folder, without any text around it.
  BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), impl->cert.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  impl->cert_pem.assign(data, static_cast<size_t>(n));
  return Signer(std::move(impl));
}

Result<std::string> Signer::Sign(std::string_view content) const {
  BioPtr in = MemBio(content);
  CmsPtr cms(
      CMS_sign(impl_->cert.get(), impl_->key.get(), nullptr, in.get(), CMS_DETACHED | CMS_BINARY));
  if (!cms) {
    return MakeError(ErrorCode::kInternal, "export.sign",
                     "署名を作れません: " + TakeOpensslError());
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  if (i2d_CMS_bio(out.get(), cms.get()) != 1) {
    return MakeError(ErrorCode::kInternal, "export.sign",
                     "署名を書き出せません: " + TakeOpensslError());
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string Signer::CertificatePem() const { return impl_->cert_pem; }

SignatureCheck VerifySignature(std::string_view content, std::string_view signature,
                               std::string_view trusted_pem) {
  SignatureCheck check;
  ERR_clear_error();
  CertPtr trusted = ParseCert(trusted_pem);
  if (!trusted) {
    check.error = "証明書を読めません（PEM の証明書ではありません）: " + TakeOpensslError();
    return check;
  }
  BioPtr sig_bio = MemBio(signature);
  CmsPtr cms(d2i_CMS_bio(sig_bio.get(), nullptr));
  if (!cms) {
    check.error =
        "署名ファイルを読めません（DER の CMS 署名ではありません）: " + TakeOpensslError();
    return check;
  }
  // The given certificate is the only trust anchor: a partial chain lets a signer's own
  // (leaf) certificate be that anchor, and any purpose accepts organization certificates whose
  // extended key usage does not name e-mail protection. A certificate planted in the signature
  // or in the folder that does not chain to the anchor fails the chain check.
  StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), trusted.get());
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  X509_STORE_set_purpose(store.get(), X509_PURPOSE_ANY);
  BioPtr content_bio = MemBio(content);
  const int ok =
      CMS_verify(cms.get(), nullptr, store.get(), content_bio.get(), nullptr, CMS_BINARY);
  if (STACK_OF(X509)* signers = CMS_get0_signers(cms.get())) {
    if (sk_X509_num(signers) > 0) check.signer = Subject(sk_X509_value(signers, 0));
    sk_X509_free(signers);
  }
  if (ok != 1) {
    check.error = "署名を検証できません: " + TakeOpensslError();
    return check;
  }
  ERR_clear_error();
  check.ok = true;
  return check;
}

}  // namespace yuimaru::toolkit
