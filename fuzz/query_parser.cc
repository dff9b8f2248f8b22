// Fuzz target: the query language (search/query_parser) and the Xapian queries built from it
// (search/query_builder), as a search box or `yuimaru search` hands them over.
//
// Invariants (search/query_parser.h, query_builder.h):
//  * errors are values with the source "query" and kInvalidInput, never exceptions;
//  * a parsed query has at most kMaxClauses clauses, each with non-empty text that is valid
//    UTF-8 and appears in the query as typed; each filter is a facet field or an id filter, and
//    its value as typed appears in the query;
//  * BuildQuery and CombineQuery do not throw for a parsed query, and every term and highlight
//    they make is valid UTF-8.
#include "search/query_parser.h"

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/analyzer.h"
#include "core/synonyms.h"
#include "fuzz/fuzz_check.h"
#include "search/query_builder.h"

namespace {

using yuimaru::fuzz::IsUtf8;

const yuimaru::core::Analyzer& TheAnalyzer() {
  static const yuimaru::core::Analyzer analyzer = [] {
    auto a = yuimaru::core::Analyzer::Create();
    FUZZ_CHECK(a.has_value());
    return std::move(*a);
  }();
  return analyzer;
}

const yuimaru::core::SynonymTable& Synonyms() {
  static const yuimaru::core::SynonymTable table = [] {
    auto t = yuimaru::core::SynonymTable::Parse(
        "事業承継\t承継,事業継承,M&A\t親族内承継\t後継者育成\nDX\tデジタル化\n", "synonyms.tsv");
    FUZZ_CHECK(t.has_value());
    return std::move(*t);
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  const yuimaru::Result<yuimaru::search::ParsedQuery> parsed = yuimaru::search::ParseQuery(query);
  if (!parsed) {
    FUZZ_CHECK(parsed.error().code == yuimaru::ErrorCode::kInvalidInput);
    FUZZ_CHECK(parsed.error().source == "query");
    FUZZ_CHECK(!parsed.error().rule.empty());
    return 0;
  }
  FUZZ_CHECK(IsUtf8(query));
  FUZZ_CHECK(parsed->clauses.size() <= yuimaru::search::kMaxClauses);
  for (const yuimaru::search::QueryClause& c : parsed->clauses) {
    FUZZ_CHECK(!c.text.empty());
    FUZZ_CHECK(IsUtf8(c.text));
    FUZZ_CHECK(query.find(c.text) != std::string_view::npos);
  }
  for (const yuimaru::search::FieldFilter& f : parsed->filters) {
    FUZZ_CHECK((f.field != nullptr) != !f.special.empty());
    FUZZ_CHECK(IsUtf8(f.text));
    FUZZ_CHECK(query.find(f.text) != std::string_view::npos);
  }

  for (const yuimaru::search::SynonymMode mode :
       {yuimaru::search::SynonymMode::kOn, yuimaru::search::SynonymMode::kOff}) {
    yuimaru::search::QueryInput input;
    const auto clauses = yuimaru::search::AnalyseClauses(*parsed, TheAnalyzer());
    input.parsed = &*parsed;
    input.clauses = &clauses;
    input.synonyms = mode;
    const auto built = yuimaru::search::BuildQuery(input, TheAnalyzer(), Synonyms(),
                                                   yuimaru::search::RankingConfig{});
    FUZZ_CHECK(built.has_value());  // no date bounds given: nothing to reject
    for (const yuimaru::search::QueryTerm& t : built->terms) {
      FUZZ_CHECK(!t.term.empty());
      FUZZ_CHECK(IsUtf8(t.term) && IsUtf8(t.display));
    }
    for (const std::u32string& h : built->highlights) {
      FUZZ_CHECK(IsUtf8(yuimaru::core::EncodeUtf8(h)));
    }
    for (const auto match :
         {yuimaru::search::MatchMode::kStrict, yuimaru::search::MatchMode::kRelaxed}) {
      const Xapian::Query q = yuimaru::search::CombineQuery(*built, match);
      (void)q.get_description();
    }
  }
  return 0;
}
