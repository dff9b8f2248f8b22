// The two texts an export writes for people (pure): README.txt, what the folder is and how to
// open and check it, and export-report.txt, what went in and what was changed or left out.
// Internal to toolkit/.
#pragma once

#include <string>
#include <vector>

#include "toolkit/export_set.h"

namespace yuimaru::toolkit {

enum class Signing { kSigned, kUnsigned };

// The command a recipient runs in the folder to check the signature with OpenSSL alone;
// `cert` is the certificate file to trust (the secretariat's, received another way).
std::string OpensslVerifyCommand(const std::string& cert);

// README.txt (Japanese). `source` names the index the folder was read from.
std::string RenderReadme(const ExportSet& set, const std::string& source, Signing signing);

// export-report.txt (Japanese): edition, time, filters, k, every document, every coarsened
// value and every output that was skipped, with the reason.
std::string RenderExportReport(const ExportSet& set, const std::vector<SkippedOutput>& skipped);

}  // namespace yuimaru::toolkit
