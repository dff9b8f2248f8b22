// Fuzz target: HTTP parameter handling (web/params): a raw query string, decoded by cpp-httplib
// as the server does, through ParseSearchState, and the links a page writes from the state.
//
// Invariants (web/params.h):
//  * errors are values (kInvalidInput, a "param." rule, source "request"), never exceptions;
//  * a parsed state is in range: 1 <= page <= kMaxPage, per is 10, 20, 50 or 100, sort is "",
//    "newest" or "oldest", no filter value is empty;
//  * state → StateUrl → the server's decoding → ParseSearchState gives the same state back, so
//    every link of a page (next page, remove a filter, another sort) keeps the rest of it;
//  * ToRequest's offset is (page - 1) * per, without overflow.
#include "web/params.h"

#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "fuzz/fuzz_check.h"

namespace {

using yuimaru::web::SearchState;

std::multimap<std::string, std::string> Decode(const std::string& query_string) {
  httplib::Params params;
  httplib::detail::parse_query_text(query_string, params);
  return {params.begin(), params.end()};
}

// Filters are compared as a set: the server's parameters are a multimap, so a filter added by a
// link comes back in key order, which changes nothing about the search.
bool Same(const SearchState& a, const SearchState& b) {
  auto fa = a.filters, fb = b.filters;
  std::sort(fa.begin(), fa.end());
  std::sort(fb.begin(), fb.end());
  return a.q == b.q && fa == fb && a.from == b.from && a.to == b.to && a.sort == b.sort &&
         a.page == b.page && a.per == b.per && a.explain == b.explain && a.synonyms == b.synonyms;
}

void CheckRoundTrip(const SearchState& s) {
  const std::string url = yuimaru::web::StateUrl(s);
  const size_t question = url.find('?');
  const auto again = yuimaru::web::ParseSearchState(
      Decode(question == std::string::npos ? "" : url.substr(question + 1)));
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(Same(s, *again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string query_string(reinterpret_cast<const char*>(data), size);
  const auto state = yuimaru::web::ParseSearchState(Decode(query_string));
  if (!state) {
    FUZZ_CHECK(state.error().code == yuimaru::ErrorCode::kInvalidInput);
    FUZZ_CHECK(state.error().rule.rfind("param.", 0) == 0);
    FUZZ_CHECK(state.error().source == "request");
    return 0;
  }
  const SearchState& s = *state;
  FUZZ_CHECK(s.page >= 1 && s.page <= yuimaru::web::kMaxPage);
  FUZZ_CHECK(s.per == 10 || s.per == 20 || s.per == 50 || s.per == 100);
  FUZZ_CHECK(s.sort.empty() || s.sort == "newest" || s.sort == "oldest");
  for (const auto& [key, value] : s.filters) FUZZ_CHECK(!key.empty() && !value.empty());
  const yuimaru::search::SearchRequest request = yuimaru::web::ToRequest(s);
  FUZZ_CHECK(request.offset == static_cast<size_t>(s.page - 1) * static_cast<size_t>(s.per));
  FUZZ_CHECK(request.limit == static_cast<size_t>(s.per));

  CheckRoundTrip(s);
  CheckRoundTrip(s.WithPage(s.page < yuimaru::web::kMaxPage ? s.page + 1 : 1));
  CheckRoundTrip(s.WithSort("newest"));
  for (const auto& [key, value] : s.filters) CheckRoundTrip(s.WithoutFilter(key, value));
  CheckRoundTrip(s.WithFilter("industry", "製造業"));
  return 0;
}
