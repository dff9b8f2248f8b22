// Runs the real `yuimaru` binary (or any program) as a child process and captures its output.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace yuimaru::testing {

struct CommandResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out;
  std::string err;
  nlohmann::json Json() const;  // stdout parsed as one JSON value (fails the test if it is not)
  std::vector<nlohmann::json> JsonLines() const;
};

// Runs `args` (args[0] is the program) with optional stdin; waits for it.
CommandResult RunCommand(const std::vector<std::string>& args, const std::string& input = "");

// Runs build/yuimaru with `args`.
CommandResult Yuimaru(const std::vector<std::string>& args);

}  // namespace yuimaru::testing
