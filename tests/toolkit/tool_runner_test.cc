#include "toolkit/tool_runner.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "tests/support/temp_dir.h"

namespace yuimaru::toolkit {
namespace {

TEST_CASE("FindTool: a configured path, else a name on PATH, else nothing", "[toolkit]") {
  const auto sh = FindTool("sh", "");
  REQUIRE(sh.has_value());
  CHECK(sh->filename() == "sh");
  CHECK(sh->is_absolute());
  CHECK(FindTool("pandoc", "/bin/sh") == std::filesystem::path("/bin/sh"));
  CHECK_FALSE(FindTool("pandoc", "/nonexistent/pandoc").has_value());
  CHECK_FALSE(FindTool("no-such-tool-of-yuimaru", "").has_value());
  CHECK_FALSE(FindTool("pandoc", "/tmp").has_value());  // a directory, not an executable file
}

TEST_CASE("RunTool: no shell, output captured, its own HOME, the error line for a report",
          "[toolkit][disk]") {
  testing::TempDir home;
  const ToolRun ok = RunTool({"/bin/sh", "-c", "echo \"$HOME\"; echo 'a;b' >&2"}, home.path(),
                             std::chrono::seconds(60));
  CHECK(ok.ok());
  CHECK(ok.out == home.path().string() + "\n");
  CHECK(ok.err == "a;b\n");
  // Arguments are passed as they are: a ; is not a command separator.
  const ToolRun echo = RunTool({"/bin/echo", "x; rm -rf /"}, home.path(), std::chrono::seconds(60));
  CHECK(echo.out == "x; rm -rf /\n");
  const ToolRun failed = RunTool({"/bin/sh", "-c", "echo first >&2; echo 'last line' >&2; exit 4"},
                                 home.path(), std::chrono::seconds(60));
  CHECK_FALSE(failed.ok());
  CHECK(failed.exit_code == 4);
  CHECK(failed.ErrorLine() == "終了コード 4: last line");
  const ToolRun missing = RunTool({"/nonexistent/tool"}, home.path(), std::chrono::seconds(60));
  CHECK_FALSE(missing.started);
  CHECK(missing.ErrorLine().find("/nonexistent/tool") != std::string::npos);
}

}  // namespace
}  // namespace yuimaru::toolkit
