#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"
#include "indexer/indexer.h"

namespace yuimaru::cli {
namespace {

constexpr char kUsage[] =
    "yuimaru index --db DB [--synonyms FILE] [--deny-list FILE] [--threads N] [--full] "
    "[--allow-mass-delete] [--json] PATH...";

// The deny-list of real names: --deny-list FILE, else $YUIMARU_DENY_LIST, else none.
std::optional<Error> LoadPiiOptions(const Flags& flags, core::PiiOptions& pii) {
  std::string path;
  if (auto f = flags.Get("deny-list")) {
    path = *f;
  } else if (const char* env = std::getenv("YUIMARU_DENY_LIST"); env && *env) {
    path = env;
  }
  if (path.empty()) return std::nullopt;
  auto names = core::LoadDenyList(path);
  if (!names) return names.error();
  pii.deny_list = std::move(*names);
  return std::nullopt;
}

void PrintErrors(const std::vector<Error>& errors) {
  for (const Error& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
}

nlohmann::ordered_json ErrorsJson(const std::vector<Error>& errors) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& e : errors) {
    out.push_back({{"source", e.source},
                   {"line", e.line},
                   {"column", e.column},
                   {"rule", e.rule},
                   {"message", e.message}});
  }
  return out;
}

void PrintWarnings(const std::vector<Error>& warnings) {
  for (const Error& e : warnings) std::fprintf(stderr, "警告: %s\n", e.ToString().c_str());
}

}  // namespace

int RunIndexCommand(const Args& args) {
  Flags flags(args, {{"db"},
                     {"synonyms"},
                     {"deny-list"},
                     {"threads"},
                     {"full", false},
                     {"allow-mass-delete", false},
                     {"json", false},
                     {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kUsage);
    return kExitOk;
  }
  indexer::IndexOptions options;
  options.threads = static_cast<int>(flags.GetInt("threads", 0, 1, 64));
  if (!flags.error().empty()) return UsageError("index", flags.error(), kUsage);
  const auto db = flags.Get("db");
  if (!db) return UsageError("index", "--db がありません", kUsage);
  if (flags.positional().empty()) return UsageError("index", "索引する PATH がありません", kUsage);
  options.db = *db;
  for (const auto& p : flags.positional()) options.paths.emplace_back(p);
  if (auto s = flags.Get("synonyms")) options.synonyms = *s;
  if (flags.Has("full")) options.rebuild = indexer::RebuildMode::kFull;
  if (flags.Has("allow-mass-delete")) options.max_delete_share = 1.0;
  if (auto e = LoadPiiOptions(flags, options.pii)) {
    std::fprintf(stderr, "%s\n", e->ToString().c_str());
    return kExitFailure;
  }
  const bool tty = isatty(STDERR_FILENO);
  if (tty) {
    options.progress = [](const indexer::IndexProgress& p) {
      if (p.total < 200 && p.done != p.total) return;
      if (p.done % 100 != 0 && p.done != p.total) return;
      std::fprintf(stderr, "\r%-6s %llu / %llu", p.phase.c_str(),
                   static_cast<unsigned long long>(p.done),
                   static_cast<unsigned long long>(p.total));
      if (p.done == p.total) std::fprintf(stderr, "\n");
    };
  }
  // A purge killed after publishing is finished before anything else changes the index.
  if (const int status = FinishPendingPurge(*db, std::nullopt, std::nullopt); status != kExitOk) {
    return status;
  }
  auto report = indexer::RunIndex(options);
  if (!report) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    return report.error().code == ErrorCode::kBusy ? kExitBusy : kExitFailure;
  }
  PrintWarnings(report->warnings);
  PrintErrors(report->errors);
  if (flags.Has("json")) {
    nlohmann::ordered_json j = {{"added", report->added},
                                {"updated", report->updated},
                                {"deleted", report->deleted},
                                {"skipped", report->skipped},
                                {"rejected", report->rejected_files},
                                {"documents", report->documents},
                                {"generation", report->generation},
                                {"full_rebuild", report->full_rebuild},
                                {"compacted", report->compacted},
                                {"index_bytes", report->index_bytes},
                                {"bytes_indexed", report->bytes_indexed},
                                {"seconds", report->seconds}};
    j["errors"] = ErrorsJson(report->errors);
    j["warnings"] = ErrorsJson(report->warnings);
    nlohmann::ordered_json phases = nlohmann::ordered_json::object();
    for (const auto& [phase, seconds] : report->phases) phases[phase] = seconds;
    j["phases"] = std::move(phases);
    // Invalid UTF-8 anywhere in a message (a file name, a library's text) must not abort the
    // report.
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf(
        "索引: 追加 %llu / 更新 %llu / 削除 %llu / スキップ %llu / 不受理 %llu — %.2f 秒（文書 "
        "%llu 件、世代 %llu%s）\n",
        static_cast<unsigned long long>(report->added),
        static_cast<unsigned long long>(report->updated),
        static_cast<unsigned long long>(report->deleted),
        static_cast<unsigned long long>(report->skipped),
        static_cast<unsigned long long>(report->rejected_files), report->seconds,
        static_cast<unsigned long long>(report->documents),
        static_cast<unsigned long long>(report->generation),
        report->full_rebuild ? "、全再構築"
        : report->compacted  ? "、圧縮"
                             : "");
    // The publication gate's verdicts, counted: a 公開 document that broke a rule is indexed,
    // but at 内部, and an operator scanning the summary should see how many there were.
    std::set<std::string> demoted;
    for (const Error& w : report->warnings) {
      if (w.rule.rfind("publish/", 0) == 0) demoted.insert(w.source);
    }
    if (!demoted.empty()) {
      std::printf("公開の条件を満たさず内部として索引した文書: %zu 件（publish/ の警告を参照）\n",
                  demoted.size());
    }
  }
  // Rejected files and unreadable folders alike: something asked for was not indexed.
  return report->rejected_files > 0 || !report->errors.empty() ? kExitRejected : kExitOk;
}

int RunLintCommand(const Args& args) {
  constexpr char kLintUsage[] = "yuimaru lint [--strict] [--deny-list FILE] [--json] PATH...";
  Flags flags(args, {{"strict", false}, {"deny-list"}, {"json", false}, {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kLintUsage);
    return kExitOk;
  }
  if (!flags.error().empty()) return UsageError("lint", flags.error(), kLintUsage);
  if (flags.positional().empty())
    return UsageError("lint", "検査する PATH がありません", kLintUsage);
  std::vector<std::filesystem::path> paths(flags.positional().begin(), flags.positional().end());
  core::PiiOptions pii;
  if (auto e = LoadPiiOptions(flags, pii)) {
    std::fprintf(stderr, "%s\n", e->ToString().c_str());
    return kExitFailure;
  }
  auto report = indexer::RunLint(
      paths,
      flags.Has("strict") ? indexer::LintStrictness::kStrict : indexer::LintStrictness::kLenient,
      pii);
  if (!report) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    return kExitFailure;
  }
  PrintWarnings(report->warnings);
  PrintErrors(report->errors);
  if (flags.Has("json")) {
    nlohmann::ordered_json j = {{"files", report->files}, {"rejected", report->rejected_files}};
    j["errors"] = ErrorsJson(report->errors);
    j["warnings"] = ErrorsJson(report->warnings);
    // Invalid UTF-8 anywhere in a message (a file name, a library's text) must not abort the
    // report.
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("検査: %llu 件中 %llu 件に問題\n", static_cast<unsigned long long>(report->files),
                static_cast<unsigned long long>(report->rejected_files));
  }
  return report->rejected_files > 0 ? kExitRejected : kExitOk;
}

}  // namespace yuimaru::cli
