// What a document's terms alone decide of a SubstringFilter, as Xapian queries over the terms
// SubstringFilter::Matches probes (exact bigrams and trigrams, words, tags). A remote shard
// (xapian-tcpsrv) runs no MatchDecider of ours, so a match over one cannot read a candidate's
// text on the way; with these queries the server selects the documents the terms accept or
// reject, and only the others need their text. Pure: builds queries, opens nothing.
#pragma once

#include <xapian.h>

#include "search/substring_filter.h"

namespace yuimaru::search {

struct TermDecision {
  // Matches(has_term, text) is true for every document this matches, whatever its text.
  Xapian::Query accepted;
  // Matches(has_term, text) is false for every document this matches, whatever its text.
  Xapian::Query rejected;
};

// The documents Matches decides without reading their text match `accepted` or `rejected`; the
// others match neither. An empty filter accepts everything (Query::MatchAll).
TermDecision DecideByTerms(const SubstringFilter& filter);

}  // namespace yuimaru::search
