// Shared pieces of the export tests: the bundled corpus indexed once per process, throwaway
// self-signed keys made with the openssl command, and the options of a signed export.
#pragma once

#include <filesystem>
#include <string>

#include "toolkit/toolkit.h"

namespace yuimaru::toolkit {

// An index of the repository's corpus/ (built on first use, removed at exit).
const std::filesystem::path& BundledDb();

struct KeyPair {
  std::filesystem::path key;
  std::filesystem::path cert;
};
// A new P-256 key and a self-signed certificate for it (no CA), as PEM files in `dir`.
KeyPair MakeKeyPair(const std::filesystem::path& dir, const std::string& name);

ExportOptions SignedOptions(const std::filesystem::path& out, Edition edition, const KeyPair& keys);

}  // namespace yuimaru::toolkit
