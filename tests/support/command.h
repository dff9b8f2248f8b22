// Runs the real `yuimaru` binary (or any program) as a child process and captures its output.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
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

// A program running in the background, its stdout and stderr on one pipe.
struct Child {
  pid_t pid = -1;    // -1: it ended before it was ready (and has been reaped)
  int out_fd = -1;   // kept open until the child is gone, so a late write cannot get SIGPIPE
  std::string said;  // what it wrote until it said `ready`, or until it ended
};
// Starts `args` (args[0] is looked up in PATH) and reads its output until it contains `ready`.
// The read has no time bound of its own; ctest's time-out stops a hung test.
Child StartChild(const std::vector<std::string>& args, std::string_view ready);

// Runs build/yuimaru with `args`. `index --db DB <source>/corpus` into a new DB is served from a
// cache of that exact run in the build folder (command.cc, IndexBundledCorpus): same index, exit
// code and output, built once per binary and corpus.
CommandResult Yuimaru(const std::vector<std::string>& args);

// Every how many items a test that walks a large input set (every corpus query, every document
// of every view, hundreds of yuimaru processes) looks at: 1, all of them, unless
// YUIMARU_TEST_SAMPLE asks for every Nth. The sanitizer run of scripts/test.sh sets it: it looks
// for memory and undefined-behaviour errors, which the same code paths show on a part of the
// inputs, and the whole walk at 0.4 s per process under ASan does not fit CI's time. The normal
// run walks everything.
size_t SampleStep();

}  // namespace yuimaru::testing
