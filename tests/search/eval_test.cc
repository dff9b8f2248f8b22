#include <catch2/catch.hpp>
#include <cmath>

#include "search/search.h"

namespace yuimaru::search {
namespace {

TEST_CASE("Evaluate: MRR, nDCG and recall on a hand-computed example", "[eval]") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"q1", {"a", "b", "c"}},  // relevant a (grade 2) at rank 1, c (grade 1) at rank 3
      {"q2", {"x", "y"}},       // relevant z never retrieved
      {"q3", {"m"}},            // no judgements: not scored
  };
  const std::vector<Judgement> qrels = {
      {"q1", "a", 2}, {"q1", "c", 1}, {"q2", "z", 1}, {"q1", "b", 0}};
  const EvalMetrics m = Evaluate(runs, qrels);
  CHECK(m.queries == 2);
  CHECK(m.mrr10 == Approx((1.0 + 0.0) / 2));
  const double dcg = 3.0 / std::log2(2) + 1.0 / std::log2(4);
  const double idcg = 3.0 / std::log2(2) + 1.0 / std::log2(3);
  CHECK(m.ndcg10 == Approx((dcg / idcg + 0) / 2));
  CHECK(m.recall1 == Approx((0.5 + 0) / 2));
  CHECK(m.recall10 == Approx((1.0 + 0) / 2));
}

}  // namespace
}  // namespace yuimaru::search
