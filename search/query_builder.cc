#include "search/query_builder.h"

#include <map>

#include "search/core/fiscal_year.h"
#include "search/core/normalizer.h"
#include "search/core/utf8.h"

namespace yuimaru::search {
namespace {

Xapian::Query AndAll(const std::vector<Xapian::Query>& qs) {
  if (qs.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, qs.begin(), qs.end());
}

Xapian::Query OrAll(const std::vector<Xapian::Query>& qs) {
  if (qs.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
}

// The boolean query "normalized text `norm` occurs in the document": each run of index
// characters as a phrase of its bigrams (positions are consecutive within a block); a lone
// character as its word or any bigram starting with it.
Xapian::Query OccursQuery(const std::u32string& norm) {
  std::vector<Xapian::Query> runs;
  size_t i = 0;
  while (i < norm.size()) {
    if (!core::IsIndexChar(norm[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < norm.size() && core::IsIndexChar(norm[end])) ++end;
    if (end - i == 1) {
      const std::string c = core::EncodeUtf8(norm.substr(i, 1));
      runs.push_back(Xapian::Query(
          Xapian::Query::OP_OR, Xapian::Query(core::WordTerm(norm.substr(i, 1))),
          Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(core::kBigramPrefix) + c)));
    } else {
      std::vector<Xapian::Query> bigrams;
      for (size_t k = i; k + 1 < end; ++k)
        bigrams.emplace_back(core::BigramTerm(norm[k], norm[k + 1]));
      runs.push_back(bigrams.size() == 1
                         ? bigrams[0]
                         : Xapian::Query(Xapian::Query::OP_PHRASE, bigrams.begin(), bigrams.end(),
                                         static_cast<Xapian::termcount>(bigrams.size())));
    }
    i = end;
  }
  return AndAll(runs);
}

class TermCollector {
 public:
  void Add(std::string term, std::string display, std::string kind, double weight) {
    auto it = index_.find(term);
    if (it == index_.end()) {
      index_.emplace(term, terms_.size());
      terms_.push_back({std::move(term), std::move(display), std::move(kind), weight});
    } else {
      terms_[it->second].weight += weight;
    }
  }
  // Words and bigrams of normalized text, each scaled by `scale`.
  void AddText(const std::u32string& norm, const core::Analyzer& analyzer, const RankingConfig& c,
               double scale, const char* word_kind) {
    for (const core::Word& w : analyzer.Segment(norm)) {
      const std::u32string_view word(norm.data() + w.start, w.end - w.start);
      if (!core::IsIndexableWord(word)) continue;
      Add(core::WordTerm(word), core::EncodeUtf8(word), word_kind, c.word * scale);
    }
    core::ForEachBigram(norm, [&](uint32_t, char32_t a, char32_t b) {
      std::u32string pair = {a, b};
      Add(core::BigramTerm(a, b), core::EncodeUtf8(pair), "bigram", c.bigram * scale);
    });
  }
  std::vector<QueryTerm>& terms() { return terms_; }

 private:
  std::vector<QueryTerm> terms_;
  std::map<std::string, size_t> index_;
};

Result<Xapian::Query> FilterQuery(const QueryInput& in) {
  // Values of one field OR together; fields AND together.
  std::map<std::string, std::vector<Xapian::Query>> by_field;
  auto add = [&](const FieldFilter& f) {
    if (f.field) {
      by_field[std::string(f.field->key)].emplace_back(core::FilterTerm(*f.field, f.value));
    } else if (f.special == "doc_id") {
      by_field["doc_id"].emplace_back(std::string(core::kDocIdPrefix) + f.text);
    } else if (f.special == "company_id") {
      by_field["company_id"].emplace_back(std::string(core::kCompanyPrefix) + f.text);
    }
  };
  for (const auto& f : in.parsed->filters) add(f);
  if (in.extra_filters) {
    for (const auto& f : *in.extra_filters) add(f);
  }
  std::vector<Xapian::Query> parts;
  for (auto& [key, qs] : by_field) parts.push_back(OrAll(qs));
  for (const auto* bound : {&in.date_from, &in.date_to}) {
    if (bound->empty()) continue;
    if (!core::ParseDate(*bound)) {
      Error e = MakeError(ErrorCode::kInvalidInput, "query.date",
                          "日付「" + *bound + "」は YYYY-MM-DD で指定してください");
      e.source = "query";
      return e;
    }
  }
  if (!in.date_from.empty() && !in.date_to.empty()) {
    parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, core::kDateSlot, in.date_from, in.date_to);
  } else if (!in.date_from.empty()) {
    parts.emplace_back(Xapian::Query::OP_VALUE_GE, core::kDateSlot, in.date_from);
  } else if (!in.date_to.empty()) {
    parts.emplace_back(Xapian::Query::OP_VALUE_LE, core::kDateSlot, in.date_to);
  }
  if (parts.empty()) return Xapian::Query();
  return parts.size() == 1 ? parts[0]
                           : Xapian::Query(Xapian::Query::OP_FILTER, parts.begin(), parts.end());
}

}  // namespace

Result<BuiltQuery> BuildQuery(const QueryInput& in, const core::Analyzer& analyzer,
                              const core::SynonymTable& synonyms, const RankingConfig& config) {
  BuiltQuery built;
  TermCollector collector;
  std::vector<Xapian::Query> strict, required, exclude;
  for (const QueryClause& clause : in.parsed->clauses) {
    const std::u32string norm = core::Normalize(clause.text);
    Xapian::Query occurs = OccursQuery(norm);
    if (occurs.empty()) continue;  // no letters or digits: nothing to match
    if (clause.negated) {
      exclude.push_back(occurs);
      continue;
    }
    built.has_text = true;
    built.highlights.push_back(norm);
    collector.AddText(norm, analyzer, config, 1.0, "word");
    std::vector<Xapian::Query> alternatives = {occurs};
    if (in.synonyms == SynonymMode::kOn && !clause.phrase) {
      const std::string key = core::EncodeUtf8(norm);
      for (const core::SynonymExpansion& e : synonyms.Expand(key)) {
        const std::u32string enorm = core::Normalize(e.text);
        const double scale =
            e.kind == core::SynonymExpansion::Kind::kEquivalent ? config.synonym : config.narrower;
        Xapian::Query q = OccursQuery(enorm);
        if (q.empty()) continue;
        alternatives.push_back(q);
        collector.AddText(enorm, analyzer, config, scale, "synonym");
        built.highlights.push_back(enorm);
        built.synonyms_used.push_back(e.text);
      }
    }
    strict.push_back(OrAll(alternatives));
    if (clause.phrase) {
      required.push_back(strict.back());
    } else {
      built.relaxable = true;
    }
  }
  built.strict = AndAll(strict);
  built.required = AndAll(required);
  built.exclude = OrAll(exclude);
  built.terms = std::move(collector.terms());
  if (built.has_text) {
    std::vector<Xapian::Query> weighted;
    for (const QueryTerm& t : built.terms) {
      weighted.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.term), t.weight);
    }
    built.rank = OrAll(weighted);
  } else {
    built.rank = Xapian::Query::MatchAll;
  }
  auto filter = FilterQuery(in);
  if (!filter) return filter.error();
  built.filter = std::move(*filter);
  return built;
}

Xapian::Query CombineQuery(const BuiltQuery& built, MatchMode mode) {
  Xapian::Query q = built.rank;
  const Xapian::Query& must = mode == MatchMode::kStrict ? built.strict : built.required;
  if (!must.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, must);
  if (!built.exclude.empty()) q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, built.exclude);
  if (!built.filter.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, built.filter);
  return q;
}

}  // namespace yuimaru::search
