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

// A program running in the background in a process group of its own (with the processes it
// forks: xapian-tcpsrv serves each connection from a child), its stdout and stderr written to a
// file of its own. Destroying it kills the group and reaps it: every process a test starts is
// stopped, whatever way the test ends.
class Child {
 public:
  Child() = default;
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  // The process id, or -1 once it has ended and been reaped (or if it never started).
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  // Everything it has written so far.
  std::string Said() const;
  // Sends `sig` to the process alone (not its group), as an operator's kill would.
  void Signal(int sig) const;
  // Waits for the process to end; returns its wait status (-1 if it was not running). The
  // processes it forked are killed.
  int Wait();
  // Kills the group (SIGKILL) and reaps the process. Idempotent.
  void Kill();

 private:
  friend Child StartChild(const std::vector<std::string>& args, std::string_view ready);
  pid_t pid_ = -1;
  std::string log_;  // the output file, removed with the Child
};
// Starts `args` (args[0] is looked up in PATH) and returns once its output contains `ready`, or
// once it has ended (then pid() is -1 and Said() says why). The wait has no time bound of its
// own; ctest's time-out stops a hung test.
Child StartChild(const std::vector<std::string>& args, std::string_view ready);

// Runs build/yuimaru with `args`. `index --db DB <source>/corpus` into a new DB is served from a
// cache of that exact run in the build folder (command.cc, IndexBundledCorpus): same index, exit
// code and output, built once per binary and corpus.
CommandResult Yuimaru(const std::vector<std::string>& args);

// The queries of corpus/queries.tsv and corpus/queries-users.tsv (their text column), then a few
// the files lack: exclusions, a phrase, one character, long-vowel spellings, a relaxed query.
std::vector<std::string> CorpusQueries();

// Every how many items a test that walks a large input set (every corpus query, every document
// of every view, hundreds of yuimaru processes) looks at: 1, all of them, unless
// YUIMARU_TEST_SAMPLE asks for every Nth. The sanitizer run of scripts/test.sh sets it: it looks
// for memory and undefined-behaviour errors, which the same code paths show on a part of the
// inputs, and the whole walk at 0.4 s per process under ASan does not fit CI's time. The normal
// run walks everything.
size_t SampleStep();

}  // namespace yuimaru::testing
