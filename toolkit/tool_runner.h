// Runs an outside tool (pandoc, chromium) for the export: an argument vector, no shell, stdin
// from /dev/null, stdout and stderr captured, a minimal environment with its own HOME, a time-out
// after which its whole process group is killed. Internal to toolkit/.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yuimaru::toolkit {

// The program to run: `configured` when not empty (a path, or a name looked up on PATH), else
// `name` on PATH. nullopt when there is no such executable file.
std::optional<std::filesystem::path> FindTool(std::string_view name, std::string_view configured);

struct ToolRun {
  bool started = false;  // false: it could not be started (`error` says why)
  bool timed_out = false;
  int exit_code = -1;    // -1 when killed by a signal
  std::string out, err;  // what it wrote (each cut at a few MB)
  std::string error;     // why it could not be started
  bool ok() const { return started && !timed_out && exit_code == 0; }
  // One line for a report: the last non-empty line of stderr, or what went wrong.
  std::string ErrorLine() const;
};

// Runs argv (argv[0] a path) with HOME, XDG_* and TMPDIR set to `home`, LANG=C.UTF-8 and the
// caller's PATH; waits at most `timeout`.
ToolRun RunTool(const std::vector<std::string>& argv, const std::filesystem::path& home,
                std::chrono::seconds timeout);

// Prints the local page `html` to `pdf` with headless `chromium` (a PDF with a text layer), run
// offline by RunTool with HOME `home` (its profile under home/profile): no background services or
// updates, every host name resolving to nothing, a dead proxy. The export's reports and the 研修
// packs both print with it, so there is one set of flags to keep safe.
ToolRun PrintToPdf(const std::filesystem::path& chromium, const std::filesystem::path& home,
                   const std::filesystem::path& html, const std::filesystem::path& pdf,
                   std::chrono::seconds timeout);

}  // namespace yuimaru::toolkit
