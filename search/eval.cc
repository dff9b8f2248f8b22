// Relevance metrics (MRR@10, nDCG@10, Recall@1/10/100) of ranked runs against judgements.
#include <algorithm>
#include <cmath>
#include <map>

#include "search/search.h"

namespace yuimaru::search {

EvalMetrics Evaluate(const std::vector<std::pair<std::string, std::vector<std::string>>>& runs,
                     const std::vector<Judgement>& qrels) {
  std::map<std::string, std::map<std::string, int>> judged;  // query → doc → grade
  for (const Judgement& j : qrels) {
    if (j.grade > 0) judged[j.query_id][j.doc_id] = std::max(judged[j.query_id][j.doc_id], j.grade);
  }
  EvalMetrics m;
  for (const auto& [qid, ranking] : runs) {
    const auto it = judged.find(qid);
    if (it == judged.end()) continue;  // a query without relevant documents is not scored
    const auto& rel = it->second;
    ++m.queries;
    double rr = 0, dcg = 0;
    size_t hits1 = 0, hits10 = 0, hits100 = 0;
    for (size_t r = 0; r < ranking.size() && r < 100; ++r) {
      const auto g = rel.find(ranking[r]);
      if (g == rel.end()) continue;
      if (r < 10) {
        if (rr == 0) rr = 1.0 / static_cast<double>(r + 1);
        dcg += (std::pow(2.0, g->second) - 1) / std::log2(static_cast<double>(r) + 2);
        ++hits10;
      }
      if (r < 1) ++hits1;
      ++hits100;
    }
    std::vector<int> grades;
    for (const auto& [doc, g] : rel) grades.push_back(g);
    std::sort(grades.rbegin(), grades.rend());
    double idcg = 0;
    for (size_t r = 0; r < grades.size() && r < 10; ++r) {
      idcg += (std::pow(2.0, grades[r]) - 1) / std::log2(static_cast<double>(r) + 2);
    }
    const double n = static_cast<double>(rel.size());
    m.mrr10 += rr;
    m.ndcg10 += idcg > 0 ? dcg / idcg : 0;
    m.recall1 += static_cast<double>(hits1) / n;
    m.recall10 += static_cast<double>(hits10) / n;
    m.recall100 += static_cast<double>(hits100) / n;
  }
  if (m.queries > 0) {
    const double q = static_cast<double>(m.queries);
    m.mrr10 /= q;
    m.ndcg10 /= q;
    m.recall1 /= q;
    m.recall10 /= q;
    m.recall100 /= q;
  }
  return m;
}

}  // namespace yuimaru::search
