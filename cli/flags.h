// A small command-line flag parser for the subcommands: --name value, --name=value, boolean
// --name, repeatable flags, and positional arguments ("--" ends the flags).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace yuimaru::search {
struct ShardSet;
}

namespace yuimaru::cli {

struct FlagSpec {
  std::string name;  // without "--"
  bool takes_value = true;
  bool repeatable = false;
};

class Flags {
 public:
  // Parses args (after the subcommand). On an unknown flag or a missing value, error() is set.
  Flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

  const std::string& error() const { return error_; }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // Parses an integer flag within [min, max]; sets error() and returns fallback if invalid.
  long GetInt(const std::string& name, long fallback, long min, long max);

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  std::string error_;
};

// The flags of the indexes a search reads beside --db (search::ShardSet): --shard (repeatable),
// --shard-link-protected, --shard-timeout-ms.
inline const std::vector<FlagSpec> kShardFlags = {
    {"shard", true, true}, {"shard-link-protected", false}, {"shard-timeout-ms"}};
// Reads kShardFlags into `set`; returns the message of the first bad one, or "".
std::string ReadShardFlags(Flags& flags, search::ShardSet* set);
// `specs` with kShardFlags added.
std::vector<FlagSpec> WithShardFlags(std::vector<FlagSpec> specs);

}  // namespace yuimaru::cli
