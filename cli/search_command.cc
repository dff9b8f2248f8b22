#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "cli/commands.h"
#include "cli/flags.h"
#include "search/json.h"
#include "search/search.h"

namespace yuimaru::cli {
namespace {

constexpr char kSearchUsage[] =
    "yuimaru search --db DB [--json] [--filter KEY=VALUE]... [--from YYYY-MM-DD] [--to "
    "YYYY-MM-DD]\n"
    "         [--sort relevance|newest|oldest] [--limit N] [--offset N] [--clearance "
    "公開|内部|機密]\n"
    "         [--no-synonyms] [--explain] (QUERY... | --batch FILE)\n"
    "         [--shard 索引フォルダ | --shard [名前=]tcp://ホスト:ポート]... "
    "[--shard-link-protected] [--shard-timeout-ms 2000]";

int Fail(const Error& e) {
  std::fprintf(stderr, "%s\n", e.ToString().c_str());
  return e.code == ErrorCode::kInvalidInput ? kExitUsage : kExitFailure;
}

bool ParseClearanceFlag(const Flags& flags, search::Clearance& out, std::string& error) {
  const auto c = flags.Get("clearance");
  if (!c) return true;
  const auto parsed = core::ParseClearance(*c);
  if (!parsed) {
    error = "--clearance は 公開 / 内部 / 機密 のいずれかです";
    return false;
  }
  out = *parsed;
  return true;
}

void PrintHuman(const search::SearchResponse& r, bool tty) {
  const char* open = tty ? "\x1b[1;33m" : "【";
  const char* close = tty ? "\x1b[0m" : "】";
  for (const auto& name : r.shards_missing) {
    std::printf("注意: %s の索引が応答しませんでした。件数と結果はそれ以外の索引のものです\n",
                name.c_str());
  }
  std::printf(
      "%llu 件%s（%.1f ms）\n", static_cast<unsigned long long>(r.total),
      r.interpretation.relaxed ? "（すべての語を含む文書がないため、一部の語を含む文書）" : "",
      r.took_ms);
  for (const auto& h : r.hits) {
    std::printf("%3zu. [%s] %s  %s  %s  (%.2f)\n", h.rank, h.doc_type.c_str(), h.title.c_str(),
                h.id.c_str(), h.date.c_str(), h.score);
    const std::string snippet = search::SnippetText(h.snippet, open, close);
    if (!snippet.empty()) std::printf("     %s\n", snippet.c_str());
    for (const auto& e : h.explain) {
      std::string fields;
      for (const auto& f : e.fields) fields += (fields.empty() ? "" : ",") + f;
      std::printf("       %-8s %-12s %-14s %.3f\n", e.kind.c_str(), e.text.c_str(), fields.c_str(),
                  e.weight);
    }
  }
  if (!r.interpretation.synonyms.empty()) {
    std::string s;
    for (const auto& w : r.interpretation.synonyms) s += (s.empty() ? "" : "、") + w;
    std::printf("同義語で拡張: %s\n", s.c_str());
  }
  for (const auto& s : r.interpretation.suggestions) {
    if (!s.applied)
      std::printf("絞り込み候補: %s=%s（「%s」より）\n", s.key.c_str(), s.value.c_str(),
                  s.text.c_str());
  }
  for (const auto& f : r.facets) {
    if (f.values.empty()) continue;
    std::string line;
    for (const auto& v : f.values) line += " " + v.label + "(" + std::to_string(v.count) + ")";
    std::printf("  %s:%s\n", f.label.c_str(), line.c_str());
  }
}

}  // namespace

int RunSearchCommand(const Args& args) {
  Flags flags(args, WithShardFlags({{"db"},
                                    {"json", false},
                                    {"filter", true, true},
                                    {"from"},
                                    {"to"},
                                    {"sort"},
                                    {"limit"},
                                    {"offset"},
                                    {"clearance"},
                                    {"no-synonyms", false},
                                    {"explain", false},
                                    {"batch"},
                                    {"help", false}}));
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kSearchUsage);
    return kExitOk;
  }
  search::SearchRequest request;
  request.limit = static_cast<size_t>(flags.GetInt("limit", 10, 0, 1000));
  request.offset = static_cast<size_t>(flags.GetInt("offset", 0, 0, 100000));
  search::Clearance clearance = search::Clearance::kConfidential;
  search::ShardSet shards;
  std::string error = flags.error();
  if (error.empty()) ParseClearanceFlag(flags, clearance, error);
  if (error.empty()) error = ReadShardFlags(flags, &shards);
  if (!error.empty()) return UsageError("search", error, kSearchUsage);
  const auto db = flags.Get("db");
  if (!db) return UsageError("search", "--db がありません", kSearchUsage);
  for (const auto& f : flags.GetAll("filter")) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError("search", "--filter は KEY=VALUE の形で指定してください: " + f,
                        kSearchUsage);
    }
    request.filters.emplace_back(f.substr(0, eq), f.substr(eq + 1));
  }
  request.date_from = flags.Get("from").value_or("");
  request.date_to = flags.Get("to").value_or("");
  if (const auto sort = flags.Get("sort")) {
    if (*sort == "relevance") {
      request.sort = search::SortOrder::kRelevance;
    } else if (*sort == "newest" || *sort == "date") {
      request.sort = search::SortOrder::kNewest;
    } else if (*sort == "oldest") {
      request.sort = search::SortOrder::kOldest;
    } else {
      return UsageError("search", "--sort は relevance / newest / oldest です", kSearchUsage);
    }
  }
  if (flags.Has("no-synonyms")) request.synonyms = search::SynonymMode::kOff;
  if (flags.Has("explain")) request.explain = search::ExplainMode::kOn;
  const auto batch = flags.Get("batch");
  if (!batch && flags.positional().empty() && request.filters.empty()) {
    return UsageError("search", "検索語がありません", kSearchUsage);
  }
  auto searcher = search::Searcher::Open(*db, shards);
  if (!searcher) return Fail(searcher.error());
  auto view = searcher->View(clearance);
  if (!view) return Fail(view.error());

  if (batch) {
    // One query per line in, one JSON object per line out, in the same order.
    std::ifstream in(*batch);
    if (!in) return UsageError("search", "--batch のファイルを読めません: " + *batch, kSearchUsage);
    int status = kExitOk;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      request.query = line;
      auto r = view->Run(request);
      if (r) {
        std::printf("%s\n", search::SearchResponseJson(*r, line).c_str());
      } else {
        // One rule for a query, alone or in a batch: a rejected query is a usage error (2),
        // anything else a failure (1); a batch exits with the status of its first failing line.
        std::printf("%s\n", search::ErrorJson(r.error()).c_str());
        if (status == kExitOk) {
          status = r.error().code == ErrorCode::kInvalidInput ? kExitUsage : kExitFailure;
        }
      }
    }
    return status;
  }
  std::string query;
  for (const auto& p : flags.positional()) query += (query.empty() ? "" : " ") + p;
  request.query = query;
  auto r = view->Run(request);
  if (!r) {
    if (flags.Has("json")) std::printf("%s\n", search::ErrorJson(r.error()).c_str());
    return Fail(r.error());
  }
  if (flags.Has("json")) {
    std::printf("%s\n", search::SearchResponseJson(*r, query).c_str());
  } else {
    PrintHuman(*r, isatty(STDOUT_FILENO));
  }
  return kExitOk;
}

int RunShowCommand(const Args& args) {
  constexpr char kUsage[] = "yuimaru show --db DB [--clearance 公開|内部|機密] [--json] ID";
  Flags flags(args, {{"db"}, {"clearance"}, {"json", false}});
  search::Clearance clearance = search::Clearance::kConfidential;
  std::string error = flags.error();
  if (error.empty()) ParseClearanceFlag(flags, clearance, error);
  if (!error.empty()) return UsageError("show", error, kUsage);
  const auto db = flags.Get("db");
  if (!db || flags.positional().size() != 1)
    return UsageError("show", "--db と ID を 1 つ指定してください", kUsage);
  auto searcher = search::Searcher::Open(*db);
  if (!searcher) return Fail(searcher.error());
  auto view = searcher->View(clearance);
  if (!view) return Fail(view.error());
  auto doc = view->Document(flags.positional()[0]);
  if (!doc) return Fail(doc.error());
  if (flags.Has("json")) {
    std::printf("%s\n", search::DocumentJson(*doc, {}).c_str());
    return kExitOk;
  }
  std::printf("# %s\n\n", doc->title.c_str());
  for (const auto& [k, v] : doc->meta) std::printf("%s: %s\n", k.c_str(), v.c_str());
  for (const auto& [heading, links] : {std::make_pair("使用する事例", &doc->uses_cases),
                                       std::make_pair("この事例を使う研修資料", &doc->used_by)}) {
    if (links->empty()) continue;
    std::printf("%s:\n", heading);
    for (const auto& l : *links) std::printf("  %s %s\n", l.id.c_str(), l.title.c_str());
  }
  std::printf("\n%s", doc->markdown.c_str());
  return kExitOk;
}

int RunRelatedCommand(const Args& args) {
  constexpr char kUsage[] =
      "yuimaru related --db DB [--limit N] [--clearance 公開|内部|機密] [--json] ID";
  Flags flags(args, {{"db"}, {"limit"}, {"clearance"}, {"json", false}});
  const size_t limit = static_cast<size_t>(flags.GetInt("limit", 5, 1, 100));
  search::Clearance clearance = search::Clearance::kConfidential;
  std::string error = flags.error();
  if (error.empty()) ParseClearanceFlag(flags, clearance, error);
  if (!error.empty()) return UsageError("related", error, kUsage);
  const auto db = flags.Get("db");
  if (!db || flags.positional().size() != 1)
    return UsageError("related", "--db と ID を 1 つ指定してください", kUsage);
  auto searcher = search::Searcher::Open(*db);
  if (!searcher) return Fail(searcher.error());
  const std::string& id = flags.positional()[0];
  auto view = searcher->View(clearance);
  if (!view) return Fail(view.error());
  auto related = view->Related(id, limit);
  if (!related) return Fail(related.error());
  if (flags.Has("json")) {
    std::printf("%s\n", search::RelatedJson(id, *related).c_str());
  } else {
    for (const auto& r : *related) {
      std::printf("%-16s [%s] %s  %s  (%.2f)\n", r.id.c_str(), r.doc_type.c_str(), r.title.c_str(),
                  r.date.c_str(), r.score);
    }
  }
  return kExitOk;
}

int RunStatsCommand(const Args& args) {
  constexpr char kUsage[] = "yuimaru stats --db DB [--clearance 公開|内部|機密] [--json]";
  Flags flags(args, {{"db"}, {"clearance"}, {"json", false}});
  search::Clearance clearance = search::Clearance::kConfidential;
  std::string error = flags.error();
  if (error.empty()) ParseClearanceFlag(flags, clearance, error);
  if (!error.empty()) return UsageError("stats", error, kUsage);
  const auto db = flags.Get("db");
  if (!db) return UsageError("stats", "--db がありません", kUsage);
  auto searcher = search::Searcher::Open(*db);
  if (!searcher) return Fail(searcher.error());
  auto view = searcher->View(clearance);
  if (!view) return Fail(view.error());
  auto stats = view->Stats();
  if (!stats) return Fail(stats.error());
  if (flags.Has("json")) {
    std::printf("%s\n", search::StatsJson(*stats).c_str());
    return kExitOk;
  }
  char compacted[48] = "";
  if (stats->compacted_bytes > 0) {  // an index written before the compaction bound says nothing
    std::snprintf(compacted, sizeof compacted, "圧縮時 %.1f MB、",
                  static_cast<double>(stats->compacted_bytes) / 1e6);
  }
  std::printf("文書 %llu 件、索引 %.1f MB（%s世代 %llu）\n",
              static_cast<unsigned long long>(stats->documents),
              static_cast<double>(stats->index_bytes) / 1e6, compacted,
              static_cast<unsigned long long>(stats->generation));
  for (const auto& f : stats->facets) {
    if (f.values.empty()) continue;
    std::string line;
    for (const auto& v : f.values) line += " " + v.label + "(" + std::to_string(v.count) + ")";
    std::printf("  %s:%s\n", f.label.c_str(), line.c_str());
  }
  return kExitOk;
}

int RunEvalCommand(const Args& args) {
  constexpr char kUsage[] =
      "yuimaru eval --db DB --queries queries.tsv --qrels qrels.tsv [--no-synonyms] [--run FILE] "
      "[--json] [--ranking word=1,bigram=0.5,…]";
  Flags flags(args, {{"db"},
                     {"queries"},
                     {"qrels"},
                     {"no-synonyms", false},
                     {"run"},
                     {"json", false},
                     {"ranking"}});
  if (!flags.error().empty()) return UsageError("eval", flags.error(), kUsage);
  const auto db = flags.Get("db"), queries = flags.Get("queries"), qrels = flags.Get("qrels");
  if (!db || !queries || !qrels)
    return UsageError("eval", "--db, --queries, --qrels が必要です", kUsage);
  std::ifstream qin(*queries), rin(*qrels);
  if (!qin || !rin) return UsageError("eval", "queries / qrels のファイルを読めません", kUsage);
  std::vector<std::pair<std::string, std::string>> qs;
  for (std::string line; std::getline(qin, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    qs.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  std::vector<search::Judgement> judgements;
  for (std::string line; std::getline(rin, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(line.substr(start, tab - start));
    }
    cols.push_back(line.substr(start));
    if (cols.size() < 2) continue;
    judgements.push_back({cols[0], cols[1], cols.size() > 2 ? std::atoi(cols[2].c_str()) : 1});
  }
  auto searcher = search::Searcher::Open(*db);
  if (!searcher) return Fail(searcher.error());
  if (const auto r = flags.Get("ranking")) {
    auto ranking = search::ParseRankingConfig(*r);
    if (!ranking) return UsageError("eval", ranking.error().message, kUsage);
    searcher->SetRanking(*ranking);
  }
  // Evaluation reads everything: the judgements are over the whole corpus.
  auto view = searcher->View(search::Clearance::kConfidential);
  if (!view) return Fail(view.error());
  search::SearchRequest request;
  request.limit = 100;
  request.facets = search::FacetMode::kSkip;
  request.snippets = search::SnippetMode::kSkip;
  request.fields = search::HitFields::kIdOnly;
  const bool synonyms = !flags.Has("no-synonyms");
  if (!synonyms) request.synonyms = search::SynonymMode::kOff;
  std::vector<std::pair<std::string, std::vector<std::string>>> runs;
  std::vector<double> latencies;
  FILE* run_out = nullptr;
  if (const auto run = flags.Get("run")) run_out = std::fopen(run->c_str(), "w");
  for (const auto& [qid, text] : qs) {
    request.query = text;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = view->Run(request);
    latencies.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    std::vector<std::string> ids;
    if (r) {
      for (const auto& h : r->hits) ids.push_back(h.id);
    } else {
      std::fprintf(stderr, "%s: %s\n", qid.c_str(), r.error().ToString().c_str());
    }
    if (run_out) {
      for (size_t i = 0; i < ids.size(); ++i)
        std::fprintf(run_out, "%s\t%s\t%zu\n", qid.c_str(), ids[i].c_str(), i + 1);
    }
    runs.emplace_back(qid, std::move(ids));
  }
  if (run_out) std::fclose(run_out);
  search::EvalMetrics m = search::Evaluate(runs, judgements);
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    double sum = 0;
    for (double l : latencies) sum += l;
    m.mean_ms = sum / static_cast<double>(latencies.size());
    m.p50_ms = latencies[latencies.size() / 2];
    m.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  if (flags.Has("json")) {
    std::printf("%s\n", search::EvalJson(m, synonyms).c_str());
  } else {
    std::printf(
        "queries %zu  MRR@10 %.4f  nDCG@10 %.4f  R@1 %.4f  R@10 %.4f  R@100 %.4f  (synonyms %s; "
        "p50 %.2f ms, p99 %.2f ms)\n",
        m.queries, m.mrr10, m.ndcg10, m.recall1, m.recall10, m.recall100, synonyms ? "on" : "off",
        m.p50_ms, m.p99_ms);
  }
  return kExitOk;
}

}  // namespace yuimaru::cli
