#include "search/term_decision.h"

#include <string>
#include <vector>

namespace yuimaru::search {
namespace {

// A set of documents: none, all, or those of a query. Xapian has no "all" that simplifies
// away in an AND, so the two ends are kept apart from the queries until the end.
struct DocSet {
  enum class Kind { kNone, kAll, kQuery } kind = Kind::kNone;
  Xapian::Query query;

  static DocSet None() { return {}; }
  static DocSet All() { return {Kind::kAll, {}}; }
  static DocSet Term(const std::string& term) { return {Kind::kQuery, Xapian::Query(term)}; }
  Xapian::Query ToQuery() const {
    switch (kind) {
      case Kind::kNone:
        return Xapian::Query();
      case Kind::kAll:
        return Xapian::Query::MatchAll;
      case Kind::kQuery:
        break;
    }
    return query;
  }
};

DocSet And(const DocSet& a, const DocSet& b) {
  if (a.kind == DocSet::Kind::kNone || b.kind == DocSet::Kind::kNone) return DocSet::None();
  if (a.kind == DocSet::Kind::kAll) return b;
  if (b.kind == DocSet::Kind::kAll) return a;
  return {DocSet::Kind::kQuery, Xapian::Query(Xapian::Query::OP_AND, a.query, b.query)};
}

DocSet Or(const DocSet& a, const DocSet& b) {
  if (a.kind == DocSet::Kind::kAll || b.kind == DocSet::Kind::kAll) return DocSet::All();
  if (a.kind == DocSet::Kind::kNone) return b;
  if (b.kind == DocSet::Kind::kNone) return a;
  return {DocSet::Kind::kQuery, Xapian::Query(Xapian::Query::OP_OR, a.query, b.query)};
}

// Every document but those of `set`.
DocSet Not(const DocSet& set) {
  switch (set.kind) {
    case DocSet::Kind::kNone:
      return DocSet::All();
    case DocSet::Kind::kAll:
      return DocSet::None();
    case DocSet::Kind::kQuery:
      break;
  }
  return {DocSet::Kind::kQuery,
          Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, set.query)};
}

// The documents for which a value of Matches' three-valued logic is known true (`yes`) and
// known false (`no`) from the terms; the rest need the text.
struct Known {
  DocSet yes, no;
};

// SubstringFilter::Matches' by_terms(run).
Known OfRun(const SubstringFilter::Run& run) {
  Known k;
  run.AnyProvingTerm([&](const std::string& t) {
    k.yes = Or(k.yes, DocSet::Term(t));
    return false;
  });
  // With an exact term (and no other spelling to look for), a document with none of these terms
  // does not have the run.
  if (!run.exact.empty() && run.in_context.empty()) k.no = Not(k.yes);
  return k;
}

// Of items each known true, false or neither: with `every`, all of them (known true if every
// item is, known false if one is: Matches' cheap(alternative) and its list of requirements);
// otherwise any of them (known true if one is, known false if every item is: any_holds).
template <typename Items, typename Of>
Known Combine(const Items& items, Of of, bool every) {
  Known k = every ? Known{DocSet::All(), DocSet::None()} : Known{DocSet::None(), DocSet::All()};
  for (const auto& item : items) {
    const Known i = of(item);
    k.yes = every ? And(k.yes, i.yes) : Or(k.yes, i.yes);
    k.no = every ? Or(k.no, i.no) : And(k.no, i.no);
  }
  return k;
}

// Matches' any_holds(alternatives): one alternative known to hold, or all known not to.
Known OfAny(const std::vector<SubstringFilter::Alternative>& alternatives) {
  return Combine(
      alternatives,
      [](const SubstringFilter::Alternative& alt) { return Combine(alt, OfRun, /*every=*/true); },
      /*every=*/false);
}

}  // namespace

TermDecision DecideByTerms(const SubstringFilter& filter) {
  const Known required = Combine(filter.required, OfAny, /*every=*/true);
  const Known excluded = OfAny(filter.excluded);
  return {And(required.yes, excluded.no).ToQuery(), Or(required.no, excluded.yes).ToQuery()};
}

}  // namespace yuimaru::search
