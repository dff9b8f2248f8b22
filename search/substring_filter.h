// The exact part of a text requirement: which normalized strings must (or must not) occur in a
// document's visible text. The index answers "these bigrams occur somewhere"; this answers
// "this run of characters occurs", against the normalized text kept in value slot kTextSlot.
// Pure: the caller supplies the document's terms and text as functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yuimaru::search {

struct SubstringFilter {
  struct Run {
    std::string text;  // normalized UTF-8
    // A term whose presence in a document is the same as the run occurring (the bigram of a
    // two-character run, the trigram of a three-katakana run), or empty.
    std::string exact;
    // A word term whose presence proves the run occurs (the run is one dictionary word), or
    // empty: most checks of a word need no text at all.
    std::string word;
    // Where else the run occurs: its spellings inside text whose folds saw characters before it
    // (core::ContextVariants; ミラー inside サイドミラ), each with that context.
    struct InContext {
      std::string text;  // normalized UTF-8
      size_t katakana_before = 0;
      bool numeral_before = false;
      bool no_katakana_after = false;
      bool counter_noun_after = false;
    };
    std::vector<InContext> in_context;
    // Terms of values whose label, indexed as text, contains the run (core::IndexedLabels): a
    // document tagged 事業承継 has 承継 in its text, and its tag says so without the text.
    std::vector<std::string> tagged;

    // Calls f(term) for each term whose presence proves the run occurs (exact, word, tagged),
    // until one returns true; returns whether one did. The one list every decision by terms
    // reads (Matches, DecideByTerms, the portable match's probes).
    template <typename F>
    bool AnyProvingTerm(F&& f) const {
      if (!exact.empty() && f(exact)) return true;
      if (!word.empty() && f(word)) return true;
      for (const std::string& t : tagged) {
        if (f(t)) return true;
      }
      return false;
    }
  };
  // All runs of an alternative must occur (a clause split by punctuation has several runs).
  using Alternative = std::vector<Run>;
  // One alternative of each requirement must hold (the clause itself or one of its synonyms).
  std::vector<std::vector<Alternative>> required;
  // No alternative here may hold (excluded clauses).
  std::vector<Alternative> excluded;

  bool empty() const { return required.empty() && excluded.empty(); }

  // Whether a document satisfies the filter. has_term(term) says whether the document has a
  // term (cheap); text() returns its normalized text (dear: called at most once, and only when
  // no term can decide).
  template <typename HasTerm, typename Text>
  bool Matches(HasTerm&& has_term, Text&& text) const;
  bool Matches(std::string_view text) const {
    return Matches([](const std::string&) { return false; },
                   [&]() -> std::string_view { return text; });
  }
};

// Whether `needle` occurs in `haystack` (valid UTF-8 cannot match inside a character, so bytes
// will do).
bool Occurs(std::string_view haystack, std::string_view needle);

// Whether `v.text` occurs in `haystack` with the context `v` asks for.
bool OccursInContext(std::string_view haystack, const SubstringFilter::Run::InContext& v);

template <typename HasTerm, typename Text>
bool SubstringFilter::Matches(HasTerm&& has_term, Text&& text) const {
  bool fetched = false;
  std::string_view body;
  // 1 occurs, 0 does not, -1 unknown without the text.
  auto by_terms = [&](const Run& run) -> int {
    if (run.AnyProvingTerm(has_term)) return 1;
    return !run.exact.empty() && run.in_context.empty() ? 0 : -1;
  };
  auto occurs = [&](const Run& run) {
    const int known = by_terms(run);
    if (known >= 0) return known == 1;
    if (!fetched) {
      body = text();
      fetched = true;
    }
    if (Occurs(body, run.text)) return true;
    for (const Run::InContext& v : run.in_context) {
      if (OccursInContext(body, v)) return true;
    }
    return false;
  };
  // An alternative decided by terms alone: 1 holds, 0 fails, -1 needs the text.
  auto cheap = [&](const Alternative& alt) -> int {
    int result = 1;
    for (const Run& r : alt) {
      const int known = by_terms(r);
      if (known == 0) return 0;
      if (known < 0) result = -1;
    }
    return result;
  };
  auto holds = [&](const Alternative& alt) {
    for (const Run& r : alt) {
      if (!occurs(r)) return false;
    }
    return true;
  };
  auto any_holds = [&](const std::vector<Alternative>& alternatives) {
    // Alternatives the terms decide first: the text is read only if none of them holds.
    bool undecided = false;
    for (const Alternative& a : alternatives) {
      const int c = cheap(a);
      if (c == 1) return true;
      undecided |= c < 0;
    }
    if (!undecided) return false;
    for (const Alternative& a : alternatives) {
      if (cheap(a) < 0 && holds(a)) return true;
    }
    return false;
  };
  for (const auto& alternatives : required) {
    if (!any_holds(alternatives)) return false;
  }
  return !any_holds(excluded);
}

}  // namespace yuimaru::search
