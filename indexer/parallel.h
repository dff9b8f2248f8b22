// A loop over indices spread across threads, for the indexer's scan, build, merge and lint.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace yuimaru::indexer {

// Calls f(worker, i) for every i in [0, n), on `threads` threads (the calling one included);
// each index exactly once, in no particular order. Returns when all calls have returned.
template <typename F>
void ParallelFor(size_t n, int threads, F&& f) {
  std::atomic<size_t> next{0};
  auto worker = [&](int w) {
    for (size_t i; (i = next.fetch_add(1)) < n;) f(w, i);
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < threads; ++w) pool.emplace_back(worker, w);
  worker(0);
  for (auto& t : pool) t.join();
}

// `requested` if positive, else one per core.
inline int ThreadCount(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace yuimaru::indexer
