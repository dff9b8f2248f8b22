#include "cli/flags.h"

#include <cstdlib>

#include "search/search.h"

namespace yuimaru::cli {

Flags::Flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (flags_done || a.size() < 3 || a.compare(0, 2, "--") != 0) {
      if (a == "--") {
        flags_done = true;
        continue;
      }
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_inline = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (!spec) {
      error_ = "不明なオプション --" + name;
      return;
    }
    if (spec->takes_value && !has_inline) {
      if (i + 1 >= args.size()) {
        error_ = "--" + name + " に値がありません";
        return;
      }
      value = args[++i];
    } else if (!spec->takes_value && has_inline) {
      error_ = "--" + name + " は値を取りません";
      return;
    }
    if (!spec->repeatable && values_.count(name)) {
      error_ = "--" + name + " が 2 回指定されています";
      return;
    }
    values_[name].push_back(value);
  }
}

std::optional<std::string> Flags::Get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Flags::GetAll(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>() : it->second;
}

long Flags::GetInt(const std::string& name, long fallback, long min, long max) {
  const auto v = Get(name);
  if (!v) return fallback;
  char* end = nullptr;
  const long n = std::strtol(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || n < min || n > max) {
    error_ = "--" + name + " は " + std::to_string(min) + "〜" + std::to_string(max) +
             " の整数で指定してください";
    return fallback;
  }
  return n;
}

std::string ReadShardFlags(Flags& flags, search::ShardSet* set) {
  set->timeout_ms = static_cast<int>(flags.GetInt("shard-timeout-ms", 2000, 1, 600000));
  if (!flags.error().empty()) return flags.error();
  const bool protected_link = flags.Has("shard-link-protected");
  for (const std::string& spec : flags.GetAll("shard")) {
    if (auto s = search::AddShard(spec, protected_link, set); !s) return s.error().message;
  }
  return "";
}

std::vector<FlagSpec> WithShardFlags(std::vector<FlagSpec> specs) {
  specs.insert(specs.end(), kShardFlags.begin(), kShardFlags.end());
  return specs;
}

}  // namespace yuimaru::cli
