// The subcommands of `yuimaru`: each parses its flags, calls one module API and maps errors to
// output and an exit code (kExitOk, kExitFailure, kExitUsage, kExitRejected).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace yuimaru::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejected = 3;  // index/lint: some files were rejected
inline constexpr int kExitBusy = 4;      // index/purge: another writer holds the index

using Args = std::vector<std::string>;
int RunIndexCommand(const Args& args);
int RunLintCommand(const Args& args);
int RunSearchCommand(const Args& args);
int RunStatsCommand(const Args& args);
int RunEvalCommand(const Args& args);
int RunRelatedCommand(const Args& args);
int RunShowCommand(const Args& args);
int RunServeCommand(const Args& args);
int RunServeShardCommand(const Args& args);
int RunUserCommand(const Args& args);
int RunAuditCommand(const Args& args);
int RunPurgeCommand(const Args& args);
int RunAnonymizeCommand(const Args& args);
int RunExportCommand(const Args& args);
int RunVerifyExportCommand(const Args& args);
int RunReportCommand(const Args& args);
int RunFollowupsCommand(const Args& args);
int RunPackCommand(const Args& args);

// The roster file: --users FILE, else DB/users.json; empty if neither is given.
std::filesystem::path UsersPath(const std::optional<std::string>& users,
                                const std::optional<std::string>& db);

// The key of `--audit-key FILE` for the trail `audit` (empty without the flag). Fails with
// kInvalidInput ("audit.key") if the file is unreadable, shorter than 32 bytes, or lies in the
// trail's own directory (a key beside the trail protects nothing).
Result<std::string> AuditKeyFromFlag(const std::optional<std::string>& file,
                                     const std::filesystem::path& audit);

// Finishes a purge that was killed after publishing (certificate, audit entry), if there is
// one; kExitOk when there is none. Run by purge and by index before they change anything.
int FinishPendingPurge(const std::string& db, const std::optional<std::string>& audit,
                       const std::optional<std::string>& audit_key);

// Prints "yuimaru <command>: message" and the usage line to stderr; returns kExitUsage.
int UsageError(const std::string& command, const std::string& message, const std::string& usage);

}  // namespace yuimaru::cli
