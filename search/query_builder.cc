#include "search/query_builder.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "core/fiscal_year.h"
#include "core/normalizer.h"
#include "core/utf8.h"

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

// The runs of index characters of normalized text (what substring matching compares).
std::vector<std::u32string> Runs(const std::u32string& norm) {
  std::vector<std::u32string> runs;
  size_t i = 0;
  while (i < norm.size()) {
    if (!core::IsIndexChar(norm[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < norm.size() && core::IsIndexChar(norm[end])) ++end;
    runs.push_back(norm.substr(i, end - i));
    i = end;
  }
  return runs;
}

// The index terms of "`run` occurs": its bigrams (exact for two characters) and katakana
// trigrams; a lone character's unigram (exact).
std::vector<Xapian::Query> RunTerms(std::u32string_view run) {
  std::vector<Xapian::Query> parts;
  if (run.size() == 1) {
    parts.emplace_back(core::UnigramTerm(run[0]));
    return parts;
  }
  for (size_t k = 0; k + 1 < run.size(); ++k) {
    parts.emplace_back(core::BigramTerm(run[k], run[k + 1]));
  }
  core::ForEachKatakanaTrigram(run, [&](uint32_t, char32_t a, char32_t b, char32_t c) {
    parts.emplace_back(core::TrigramTerm(a, b, c));
  });
  return parts;
}

// Candidates for "every run occurs": each run's terms all occur, or those of one of the
// spellings it takes inside longer text (core::ContextVariants).
// `others`, when given, also receives the other spellings' own queries.
Xapian::Query CandidateQuery(const std::vector<std::u32string>& runs,
                             std::vector<Xapian::Query>* others = nullptr) {
  std::vector<Xapian::Query> parts;
  for (const std::u32string& run : runs) {
    std::vector<Xapian::Query> spellings = {AndAll(RunTerms(run))};
    for (const core::ContextVariant& v : core::ContextVariants(run)) {
      spellings.push_back(AndAll(RunTerms(v.text)));
      if (others) others->push_back(spellings.back());
    }
    parts.push_back(OrAll(spellings));
  }
  return AndAll(parts);
}

// The term whose presence is the same as `run` occurring: the unigram of a lone character, the
// bigram of a two-character run, the trigram of a three-katakana run; empty otherwise.
std::string ExactTerm(const std::u32string& run) {
  if (run.size() == 1) return core::UnigramTerm(run[0]);
  if (run.size() == 2) return core::BigramTerm(run[0], run[1]);
  if (run.size() == 3 && core::IsKatakana(run[0]) && core::IsKatakana(run[1]) &&
      core::IsKatakana(run[2])) {
    return core::TrigramTerm(run[0], run[1], run[2]);
  }
  return std::string();
}

// Whether the index alone decides "these runs occur" exactly (a run that may also occur in
// another spelling needs the text's context).
bool IndexIsExact(const std::vector<std::u32string>& runs) {
  return std::all_of(runs.begin(), runs.end(), [](const std::u32string& r) {
    return !ExactTerm(r).empty() && core::ContextVariants(r).empty();
  });
}

// The runs as the text check needs them, each with its word term when it is one word and the
// terms of the values whose labels contain it.
SubstringFilter::Alternative CheckRuns(const std::vector<std::u32string>& runs,
                                       const core::Analyzer& analyzer) {
  SubstringFilter::Alternative out;
  for (const auto& r : runs) {
    SubstringFilter::Run run{core::EncodeUtf8(r), ExactTerm(r), "", {}, {}};
    for (const core::ContextVariant& v : core::ContextVariants(r)) {
      run.in_context.push_back({core::EncodeUtf8(v.text), v.katakana_before, v.numeral_before,
                                v.no_katakana_after, v.counter_noun_after});
    }
    const auto words = analyzer.Segment(r);
    if (words.size() == 1 && words[0].start == 0 && words[0].end == r.size() &&
        core::IsIndexableWord(r)) {
      run.word = core::WordTerm(r);
    }
    // One or two characters: the exact term decides already.
    if (r.size() > 2) {
      for (const core::IndexedLabel& label : core::IndexedLabels()) {
        if (Occurs(label.normalized, run.text)) run.tagged.push_back(label.term);
      }
    }
    out.push_back(std::move(run));
  }
  return out;
}

class TermCollector {
 public:
  void Add(std::string term, std::string display, std::string kind, double weight, bool content) {
    auto it = index_.find(term);
    if (it == index_.end()) {
      index_.emplace(term, terms_.size());
      terms_.push_back({std::move(term), std::move(display), std::move(kind), weight, content});
    } else {
      terms_[it->second].weight += weight;
      terms_[it->second].content = terms_[it->second].content || content;
    }
  }
  // Words and bigrams of normalized text, each scaled by `scale` and by what kind it is.
  void AddText(const std::u32string& norm, const core::Analyzer& analyzer, const RankingConfig& c,
               double scale, const char* word_kind) {
    AddText(norm, analyzer.Segment(norm), c, scale, word_kind);
  }
  // The same for text already segmented into `words`.
  void AddText(const std::u32string& norm, const std::vector<core::Word>& words,
               const RankingConfig& c, double scale, const char* word_kind) {
    std::vector<bool> word_start(norm.size() + 1, false);
    for (const core::Word& w : words) word_start[w.start] = true;
    const std::vector<bool> in_request = RequestCharacters(norm, words);
    // The indexer's terms (core::ForEachTextTerm), weighted; katakana trigrams only check
    // candidates (CandidateQuery), they do not score.
    core::ForEachTextTerm(
        norm, words, [&](core::TermKind kind, uint32_t i, std::u32string_view surface) {
          if (kind == core::TermKind::kUnigram) {
            // Only a lone character (a run of one) looks its unigram up: it is then the whole
            // word of the query, scored as a word; in a longer run, words and bigrams say more.
            const bool lone = (i == 0 || !core::IsIndexChar(norm[i - 1])) &&
                              (i + 1 == norm.size() || !core::IsIndexChar(norm[i + 1]));
            if (!lone) return;
            double weight = c.word * scale;
            const bool question = IsQuestionWord(surface);
            const bool kana = core::IsHiragana(surface[0]);
            if (question) weight *= c.question_word;
            if (kana) weight *= c.kana_word;
            Add(core::TermName(kind, surface), core::EncodeUtf8(surface),
                std::strcmp(word_kind, "synonym") == 0 ? "synonym" : "unigram", weight,
                !question && !kana);
          } else if (kind == core::TermKind::kWord) {
            double weight = c.word * scale;
            const bool question = IsQuestionWord(surface);
            const bool kana = std::all_of(surface.begin(), surface.end(), core::IsHiragana);
            if (question) weight *= c.question_word;
            if (kana) weight *= c.kana_word;
            if (in_request[i]) weight *= c.request_word;
            const size_t end = i + surface.size();
            if (std::all_of(surface.begin(), surface.end(), core::IsKatakana) &&
                ((i > 0 && core::IsKatakana(norm[i - 1])) ||
                 (end < norm.size() && core::IsKatakana(norm[end]))))
              weight *= c.katakana_piece;
            Add(core::TermName(kind, surface), core::EncodeUtf8(surface), word_kind, weight,
                !question && !kana && !in_request[i]);
          } else if (kind == core::TermKind::kBigram) {
            double weight = c.bigram * scale;
            const bool kana = core::IsHiragana(surface[0]) && core::IsHiragana(surface[1]);
            if (kana) weight *= c.kana_bigram;
            if (word_start[i + 1]) weight *= c.boundary_bigram;  // the pair straddles two words
            const bool request = in_request[i] && in_request[i + 1];
            if (request) weight *= c.request_word;
            Add(core::TermName(kind, surface), core::EncodeUtf8(surface), "bigram", weight,
                !kana && !request);
          }
        });
  }
  // The terms of `other` this collector lacks, as they are there.
  void AddMissing(const TermCollector& other) {
    for (const QueryTerm& t : other.terms_) {
      if (index_.count(t.term) == 0) Add(t.term, t.display, t.kind, t.weight, t.content);
    }
  }
  std::vector<QueryTerm>& terms() { return terms_; }

 private:
  std::vector<QueryTerm> terms_;
  std::map<std::string, size_t> index_;
};

}  // namespace

bool IsQuestionWord(std::u32string_view w) {
  static const std::u32string_view kWords[] = {
      U"何",     U"なに",   U"なん",   U"どこ",   U"誰",       U"だれ", U"いつ",
      U"どの",   U"どれ",   U"どう",   U"どんな", U"なぜ",     U"何故", U"いくつ",
      U"いくら", U"どちら", U"ですか", U"ますか", U"でしょう", U"何か"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

std::vector<bool> RequestCharacters(std::u32string_view norm,
                                    const std::vector<core::Word>& words) {
  // The forms users write; none is the beginning of another, so the order does not matter.
  static const std::u32string_view kRequests[] = {
      U"集めたい", U"集める",   U"学びたい", U"学ぶ",     U"教えたい",   U"教えて", U"教える",
      U"使いたい", U"使える",   U"使う",     U"探したい", U"探している", U"探す",   U"知りたい",
      U"知る",     U"調べたい", U"調べる",   U"読みたい", U"読む",       U"見たい"};
  std::vector<bool> out(norm.size(), false);
  for (const core::Word& w : words) {
    for (const std::u32string_view r : kRequests) {
      if (norm.substr(w.start, r.size()) != r) continue;
      std::fill(out.begin() + w.start, out.begin() + w.start + r.size(), true);
      break;
    }
  }
  return out;
}

Result<Xapian::Query> BuildFilter(const QueryInput& in) {
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
      return ErrorAt(ErrorCode::kInvalidInput, "query.date",
                     "日付「" + *bound + "」は YYYY-MM-DD で指定してください", "query");
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

std::vector<AnalysedClause> AnalyseClauses(const ParsedQuery& parsed,
                                           const core::Analyzer& analyzer) {
  std::vector<AnalysedClause> out;
  out.reserve(parsed.clauses.size());
  for (const QueryClause& clause : parsed.clauses) {
    AnalysedClause a;
    a.norm = core::Normalize(clause.text);
    if (!clause.negated) a.words = analyzer.Segment(a.norm);
    out.push_back(std::move(a));
  }
  return out;
}

Result<RankingConfig> ParseRankingConfig(const std::string& text, RankingConfig c) {
  const std::pair<const char*, double*> fields[] = {{"word", &c.word},
                                                    {"kana_word", &c.kana_word},
                                                    {"bigram", &c.bigram},
                                                    {"kana_bigram", &c.kana_bigram},
                                                    {"boundary_bigram", &c.boundary_bigram},
                                                    {"katakana_piece", &c.katakana_piece},
                                                    {"question_word", &c.question_word},
                                                    {"request_word", &c.request_word},
                                                    {"synonym", &c.synonym},
                                                    {"narrower", &c.narrower},
                                                    {"title", &c.title},
                                                    {"facet_match", &c.facet_match},
                                                    {"facet_part", &c.facet_part},
                                                    {"type_modifier", &c.type_modifier},
                                                    {"every_word", &c.every_word},
                                                    {"bm25_k1", &c.bm25_k1},
                                                    {"bm25_b", &c.bm25_b},
                                                    {"prf_docs", &c.prf_docs},
                                                    {"prf_terms", &c.prf_terms},
                                                    {"prf_weight", &c.prf_weight}};
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    start = end + 1;
    const size_t eq = item.find('=');
    double* target = nullptr;
    for (const auto& [name, ptr] : fields) {
      if (eq != std::string::npos && item.compare(0, eq, name) == 0 && std::strlen(name) == eq)
        target = ptr;
    }
    char* tail = nullptr;
    const double v = target ? std::strtod(item.c_str() + eq + 1, &tail) : 0;
    if (!target || tail == item.c_str() + eq + 1 || *tail != '\0' || !std::isfinite(v) || v < 0) {
      return MakeError(ErrorCode::kInvalidInput, "ranking.invalid",
                       "ranking の指定を読めません: " + item);
    }
    *target = v;
  }
  return c;
}

Result<BuiltQuery> BuildQuery(const QueryInput& in, const core::Analyzer& analyzer,
                              const core::SynonymTable& synonyms, const RankingConfig& config) {
  BuiltQuery built;
  TermCollector collector;
  std::vector<Xapian::Query> strict, required, exclude;
  std::vector<Xapian::Query> spellings;  // the clauses' other spellings (CandidateQuery)
  assert(in.clauses != nullptr && in.clauses->size() == in.parsed->clauses.size());
  for (size_t i = 0; i < in.parsed->clauses.size(); ++i) {
    const QueryClause& clause = in.parsed->clauses[i];
    const std::u32string& norm = (*in.clauses)[i].norm;
    const std::vector<std::u32string> runs = Runs(norm);
    if (runs.empty()) continue;  // no letters or digits: nothing to match
    if (clause.negated) {
      // Exact in the index: excluded there; otherwise by the text check (an AND of bigrams
      // would also exclude documents that only have the pairs apart).
      if (IndexIsExact(runs)) {
        exclude.push_back(CandidateQuery(runs));
      } else {
        built.strict_text.excluded.push_back(CheckRuns(runs, analyzer));
        built.relaxed_text.excluded.push_back(CheckRuns(runs, analyzer));
        built.check_strict = built.check_relaxed = true;
      }
      continue;
    }
    built.has_text = true;
    built.highlights.push_back(norm);
    collector.AddText(norm, (*in.clauses)[i].words, config, 1.0, "word");
    // The clause's spellings inside longer text (エネルギ for ルギー) score with the terms the
    // clause lacks, so a document with the clause as typed scores as before; not one character
    // (タ of ター is in every document with ター, and would let any タ match relaxed queries).
    // Marked in snippets too.
    TermCollector in_context;
    for (const std::u32string& run : runs) {
      for (const core::ContextVariant& v : core::ContextVariants(run)) {
        if (v.text.size() < 2) continue;
        in_context.AddText(v.text, analyzer, config, 1.0, "word");
        built.highlights.push_back(v.text);
      }
    }
    collector.AddMissing(in_context);
    std::vector<Xapian::Query> candidates = {CandidateQuery(runs, &spellings)};
    std::vector<SubstringFilter::Alternative> alternatives = {CheckRuns(runs, analyzer)};
    bool exact = IndexIsExact(runs);
    if (in.synonyms == SynonymMode::kOn && !clause.phrase) {
      for (const core::SynonymExpansion& e : synonyms.Expand(core::EncodeUtf8(norm))) {
        const std::u32string enorm = core::Normalize(e.text);
        const std::vector<std::u32string> eruns = Runs(enorm);
        if (eruns.empty()) continue;
        const double scale =
            e.kind == core::SynonymExpansion::Kind::kEquivalent ? config.synonym : config.narrower;
        candidates.push_back(CandidateQuery(eruns, &spellings));
        alternatives.push_back(CheckRuns(eruns, analyzer));
        exact = exact && IndexIsExact(eruns);
        collector.AddText(enorm, analyzer, config, scale, "synonym");
        built.highlights.push_back(enorm);
        built.synonyms_used.push_back(e.display);
      }
    }
    strict.push_back(OrAll(candidates));
    built.strict_text.required.push_back(alternatives);
    built.check_strict = built.check_strict || !exact;
    if (clause.phrase) {
      required.push_back(strict.back());
      built.relaxed_text.required.push_back(alternatives);
      built.check_relaxed = built.check_relaxed || !exact;
    } else {
      built.relaxable = true;
    }
  }
  built.strict = AndAll(strict);
  built.spellings = OrAll(spellings);
  built.required = AndAll(required);
  built.exclude = OrAll(exclude);
  built.terms = std::move(collector.terms());
  if (built.has_text) {
    std::vector<Xapian::Query> content, other, unweighted;
    for (const QueryTerm& t : built.terms) {
      unweighted.emplace_back(t.term);
      if (t.weight <= 0) continue;
      (t.content ? content : other)
          .emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.term), t.weight);
      if (t.content && config.title > 0) {
        content.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                             Xapian::Query(std::string(core::kTitlePrefix) + t.term),
                             t.weight * config.title);
      }
    }
    if (content.empty()) {
      built.rank = OrAll(other);
    } else if (other.empty()) {
      built.rank = OrAll(content);
    } else {
      built.rank = Xapian::Query(Xapian::Query::OP_AND_MAYBE, OrAll(content), OrAll(other));
    }
    // Every weight 0 (何 alone, or a config that zeroes them): the words still decide the match
    // set, unranked.
    if (built.rank.empty() && !unweighted.empty()) {
      built.rank = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, OrAll(unweighted), 0.0);
    }
  } else {
    // Not Xapian::Query::MatchAll: that is one static object whose reference count is not atomic
    // (xapian/query.h says so), and the server builds queries on several threads at once; a lost
    // count frees it under another thread. An empty term is the same query, owned by this one.
    built.rank = Xapian::Query(std::string());
  }
  auto filter = BuildFilter(in);
  if (!filter) return filter.error();
  built.filter = std::move(*filter);
  return built;
}

Xapian::Query CombineQuery(const BuiltQuery& built, MatchMode mode) {
  return CombineQuery(built, mode, built.filter);
}

Xapian::Query CombineQuery(const BuiltQuery& built, MatchMode mode, const Xapian::Query& filter) {
  Xapian::Query q = built.rank;
  // A document that has a clause only in another spelling may have none of the rank's terms
  // (ルギー's in エネルギ): it matches all the same, scored by the other clauses' terms.
  if (mode == MatchMode::kStrict && !built.spellings.empty()) {
    q = Xapian::Query(Xapian::Query::OP_OR, q,
                      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, built.spellings, 0.0));
  }
  const Xapian::Query& must = mode == MatchMode::kStrict ? built.strict : built.required;
  if (!must.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, must);
  if (!built.exclude.empty()) q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, built.exclude);
  if (!filter.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, filter);
  return q;
}

}  // namespace yuimaru::search
