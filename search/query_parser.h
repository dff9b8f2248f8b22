// The query language of the search box and `yuimaru search`: words, "phrases", -exclusions and
// field:value filters. Pure: text in, ParsedQuery out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::search {

inline constexpr size_t kMaxQueryChars = 1000;
inline constexpr size_t kMaxClauses = 64;

struct QueryClause {
  std::string text;  // as typed (not normalized)
  bool phrase = false;
  bool negated = false;
};

struct FieldFilter {
  const core::FieldDef* field = nullptr;  // nullptr for the id filters below
  std::string special;                    // "doc_id" or "company_id" when field is nullptr
  int value = 0;                          // value id for a facet field
  std::string text;                       // the value as typed / the id
};

struct ParsedQuery {
  std::vector<QueryClause> clauses;
  std::vector<FieldFilter> filters;
};

// Parses `query`. Fails with kInvalidInput for an over-long query ("query.too-long"), too many
// words ("query.too-many-terms") or a known field with an unknown value
// ("query.filter.unknown-value", naming the nearest allowed values). An unknown "key:" is text.
Result<ParsedQuery> ParseQuery(std::string_view query);

// Resolves a (field, value) filter given separately from the query text (URL parameters,
// --filter key=value) with the same rules and errors as field:value in the query.
Result<FieldFilter> ResolveFilter(std::string_view key, std::string_view value);

}  // namespace yuimaru::search
