#include "search/search_stages.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "core/doc_record.h"
#include "core/fiscal_year.h"
#include "core/markdown_reader.h"
#include "core/normalizer.h"
#include "core/text_pack.h"
#include "core/utf8.h"
#include "search/snippet.h"
#include "search/term_decision.h"

namespace yuimaru::search {
namespace {

Xapian::Query AndNot(const Xapian::Query& a, const Xapian::Query& b) {
  return b.empty() ? a : Xapian::Query(Xapian::Query::OP_AND_NOT, a, b);
}

// The documents of `query` that `filter` accepts, as a query of Xapian's own classes: the terms
// decide what they can (DecideByTerms); the other candidates are fetched and decided here as
// TextCheck decides them (their terms among the filter's, then their text), and those that pass
// join by their id terms (one version of a document per view).
Xapian::Query PortableExact(const Xapian::Database& db, const Xapian::Query& query,
                            const SubstringFilter& filter) {
  const TermDecision decided = DecideByTerms(filter);
  const Xapian::doccount all = std::max<Xapian::doccount>(db.get_doccount(), 1);
  const Xapian::Query open = AndNot(AndNot(query, decided.accepted), decided.rejected);
  Xapian::Enquire undecided(db);
  undecided.set_weighting_scheme(Xapian::BoolWeight());
  undecided.set_query(open);
  const Xapian::MSet candidates = undecided.get_mset(0, all);
  // Which of the undecided have each term the filter probes: a query per term, not a term list
  // per document (one round trip each on a remote shard).
  std::map<std::string, std::set<Xapian::docid>> having;
  if (!candidates.empty()) {
    std::set<std::string> probed;
    auto collect = [&](const SubstringFilter::Alternative& alt) {
      for (const auto& run : alt) {
        run.AnyProvingTerm([&](const std::string& t) {
          probed.insert(t);
          return false;
        });
      }
    };
    for (const auto& alternatives : filter.required) {
      for (const auto& alt : alternatives) collect(alt);
    }
    for (const auto& alt : filter.excluded) collect(alt);
    for (const std::string& term : probed) {
      undecided.set_query(Xapian::Query(Xapian::Query::OP_FILTER, open, Xapian::Query(term)));
      const Xapian::MSet m = undecided.get_mset(0, all);
      for (auto it = m.begin(); it != m.end(); ++it) having[term].insert(*it);
    }
    candidates.fetch();
  }
  std::vector<Xapian::Query> passed;
  for (auto it = candidates.begin(); it != candidates.end(); ++it) {
    const Xapian::docid did = *it;
    const Xapian::Document doc = it.get_document();
    std::string text;
    const bool matches = filter.Matches(
        [&](const std::string& term) {
          const auto h = having.find(term);
          return h != having.end() && h->second.count(did) > 0;
        },
        [&]() -> std::string_view {
          // A corrupt value matches nothing rather than everything (as TextCheck).
          auto unpacked = core::UnpackText(doc.get_value(core::kTextSlot));
          if (unpacked) text = std::move(*unpacked);
          return text;
        });
    if (matches) {
      passed.emplace_back(std::string(core::kDocIdPrefix) + doc.get_value(core::kDocIdSlot));
    }
  }
  const Xapian::Query accepted(Xapian::Query::OP_OR, decided.accepted,
                               Xapian::Query(Xapian::Query::OP_OR, passed.begin(), passed.end()));
  return Xapian::Query(Xapian::Query::OP_FILTER, query, accepted);
}

// RunMatch with Xapian's own classes (ViewShards::portable): the texts checked first
// (PortableExact), the facets counted by a ValueCountMatchSpy on the packed codes, each distinct
// packing added as many times as documents have it. The facets are counted in a match of their
// own, without a page: Xapian 1.4, over local and remote databases together and sorting by a
// value (as every order here does, relevance then doc_id included), shows its spies some
// documents twice when the page is shorter than the match set (measured: 30 counted of 26).
Xapian::MSet RunPortable(Xapian::Enquire& enquire, const Xapian::Database& db,
                         const Xapian::Query& query, const SubstringFilter* filter,
                         FacetCounter* counter, size_t offset, size_t limit) {
  const Xapian::doccount all = std::max<Xapian::doccount>(db.get_doccount(), 1);
  enquire.set_query(filter ? PortableExact(db, query, *filter) : query);
  enquire.clear_matchspies();
  if (counter) {
    Xapian::ValueCountMatchSpy spy(core::kFacetSlot);
    enquire.add_matchspy(&spy);
    Xapian::MSet counted = enquire.get_mset(0, 0, all);
    enquire.clear_matchspies();
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
      counter->Add(*it, it.get_termfreq());
    }
    if (limit == 0 && offset == 0) return counted;
  }
  return enquire.get_mset(offset, limit, all);
}

// Runs the query of `mode` on `enquire`: the spy (when counting) sees only documents the text
// check accepted, so counts stay exact. Counted over every document (check_at_least).
Xapian::MSet RunMatch(Xapian::Enquire& enquire, const ViewShards& view, const BuiltQuery& built,
                      MatchMode mode, FacetCounter* counter, size_t offset, size_t limit) {
  const bool strict = mode == MatchMode::kStrict;
  const Xapian::doccount all = view.combined.get_doccount();
  if (view.portable) {
    const bool checked = strict ? built.check_strict : built.check_relaxed;
    return RunPortable(enquire, view.combined, CombineQuery(built, mode),
                       checked ? &(strict ? built.strict_text : built.relaxed_text) : nullptr,
                       counter, offset, limit);
  }
  enquire.set_query(CombineQuery(built, mode));
  FacetSpy spy(counter, view);
  enquire.clear_matchspies();
  if (counter) enquire.add_matchspy(&spy);
  TextCheck check(strict ? built.strict_text : built.relaxed_text, view);
  const bool checked = strict ? built.check_strict : built.check_relaxed;
  Xapian::MSet mset = enquire.get_mset(offset, limit, std::max<Xapian::doccount>(all, 1), nullptr,
                                       checked ? &check : nullptr);
  enquire.clear_matchspies();
  return mset;
}

// Pseudo-relevance feedback: the relaxed query's rank with the best words of its top documents
// added. The top documents by weight, then doc_id, from a full (unpruned) match: with a small
// limit Xapian 1.4's pruning has skipped the best one, and which one it skipped depended on the
// shard layout of the view.
Xapian::Query WithFeedback(Xapian::Enquire& enquire, const ViewShards& view,
                           const RankingConfig& rc, const BuiltQuery& built,
                           std::vector<FeedbackTerm>* feedback) {
  const Xapian::doccount all = view.combined.get_doccount();
  enquire.set_query(CombineQuery(built, MatchMode::kRelaxed));
  const size_t want = static_cast<size_t>(rc.prf_docs);
  Xapian::MSet top = enquire.get_mset(0, static_cast<Xapian::doccount>(want + 20),
                                      std::max<Xapian::doccount>(all, 1));
  std::vector<std::tuple<double, std::string, Xapian::docid>> ranked;
  for (auto it = top.begin(); it != top.end(); ++it) {
    ranked.emplace_back(-it.get_weight(), it.get_document().get_value(core::kDocIdSlot), *it);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<Xapian::docid> rdocs;
  for (size_t i = 0; i < ranked.size() && i < want; ++i) rdocs.push_back(std::get<2>(ranked[i]));
  const auto eset = ExpansionTerms(view.combined, rdocs, static_cast<size_t>(rc.prf_terms));
  std::vector<Xapian::Query> expansion;
  const double max_w = eset.empty() ? 1 : eset.front().second;
  for (const auto& [term, w] : eset) {
    const double scale = rc.prf_weight * w / max_w;
    expansion.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), scale);
    feedback->push_back({term, scale});
  }
  if (expansion.empty()) return built.rank;
  return Xapian::Query(Xapian::Query::OP_OR, built.rank,
                       Xapian::Query(Xapian::Query::OP_OR, expansion.begin(), expansion.end()));
}

// Words of the query that name a filter: 年度 expressions and facet values typed as words.
// Each with the boolean term of its value (core::FilterTerm) and whether only part of a
// compound named it (公開 in 公開用写し, 訪問 in 初回訪問; RankingConfig::facet_part). A compound
// is a run of words with no hiragana between them; a value named by the whole of one (訪問メモ),
// by a word between particles (宮古の), in a compound of names only (公開事例) or by a 年度
// expression (令和6 of 令和6年度) is named as a whole. A compound followed in its clause by a
// word that says something (not hiragana only, not a question or request word) modifies it:
// Japanese puts the head last, so 訪問記録の書き方 asks for a 書き方 and 事例を外に出すとき is
// about cases, while …の訪問メモ and 事例を集めたい ask for those (RankingConfig::type_modifier).
struct NamedValue {
  FilterSuggestion suggestion;
  std::string term;
  bool part = false;
  bool modifier = false;  // every mention of the value modifies a later word
};

std::vector<NamedValue> Suggest(const PreparedQuery& query, int fy_now) {
  const std::set<std::pair<int, int>>& selected = query.selected;
  std::vector<NamedValue> out;
  std::map<std::pair<std::string, std::string>, size_t> seen;  // (key, label) → index in out
  std::vector<size_t> named;  // the indices in out the last consider() named
  auto add = [&](NamedValue v) {
    const auto [at, fresh] = seen.insert({{v.suggestion.key, v.suggestion.value}, out.size()});
    if (fresh) {
      out.push_back(std::move(v));
    } else {
      if (!v.part) out[at->second].part = false;          // named as a whole elsewhere in the query
      if (!v.modifier) out[at->second].modifier = false;  // and as a head elsewhere
    }
    named.push_back(at->second);
  };
  bool modifier = false;  // of the compound consider() is called for
  auto consider = [&](const std::string& text, bool part) {
    named.clear();
    if (core::CountCodePoints(text) < 2) return false;
    if (auto fy = core::ParseFiscalYear(text, fy_now)) {
      const core::FieldDef& f = *core::FindField("fiscal_year");
      const int id = *fy - core::kYearBase;
      add({{"fiscal_year", std::to_string(*fy), text,
            selected.count({core::FieldIndex(f), id}) > 0},
           core::FilterTerm(f, id),
           false});  // 令和6 of 令和6年度 is the year all the same
      return true;
    }
    for (const core::FieldDef& f : core::FacetFields()) {
      if (f.suggestion != core::QuerySuggestion::kValueWords) continue;
      const std::string key(f.key);
      if (f.type == core::FieldType::kBool) {
        if (text != "離島") continue;  // only the word itself, not yes/no aliases
      }
      const auto id = core::FindValue(f, text);
      if (!id) continue;
      add({{key, core::ValueLabel(f, *id), text, selected.count({core::FieldIndex(f), *id}) > 0},
           core::FilterTerm(f, static_cast<int>(*id)),
           part,
           modifier});
    }
    return !named.empty();
  };
  for (size_t i = 0; i < query.parsed.clauses.size(); ++i) {
    const QueryClause& c = query.parsed.clauses[i];
    if (c.negated || c.phrase) continue;
    modifier = false;
    consider(c.text, false);
    const std::u32string& norm = query.clauses[i].norm;
    const auto& words = query.clauses[i].words;
    const std::vector<bool> request = RequestCharacters(norm, words);
    auto text_of = [&](size_t from, size_t to) {  // words [from, to)
      return core::EncodeUtf8(
          norm.substr(words[from].start, words[to - 1].end - words[from].start));
    };
    // Words w and w + 1 are of one compound when no hiragana is between them (公開|用|写し,
    // not 使える|公開 nor 資金繰り|表).
    auto joined = [&](size_t w) {
      return words[w + 1].start == words[w].end && !core::IsHiragana(norm[words[w].end - 1]) &&
             !core::IsHiragana(norm[words[w + 1].start]);
    };
    for (size_t a = 0; a < words.size();) {
      size_t b = a + 1;  // the compound is words [a, b)
      while (b < words.size() && joined(b - 1)) ++b;
      modifier = std::any_of(words.begin() + static_cast<std::ptrdiff_t>(b), words.end(),
                             [&](const core::Word& w) {
                               const std::u32string_view t =
                                   std::u32string_view(norm).substr(w.start, w.end - w.start);
                               return !std::all_of(t.begin(), t.end(), core::IsHiragana) &&
                                      !IsQuestionWord(t) && !request[w.start];
                             });
      std::vector<bool> covered(b - a);
      std::vector<size_t> parts;
      for (size_t w = a; w < b; ++w) {
        for (size_t e = w + 1; e <= std::min(w + 2, words.size()); ++e) {
          if (e == w + 2 && words[w + 1].start != words[w].end) break;
          const bool part = e <= b && b - a > e - w;
          if (!consider(text_of(w, e), part) || !part) continue;
          for (size_t k = w; k < e; ++k) covered[k - a] = true;
          parts.insert(parts.end(), named.begin(), named.end());
        }
      }
      // A compound of names (公開事例: 公開 and 事例) names each of them.
      if (std::all_of(covered.begin(), covered.end(), [](bool x) { return x; })) {
        for (const size_t n : parts) out[n].part = false;
      }
      a = b;
    }
  }
  return out;
}

// The normalized text of a hit's title and blocks, made at the first term that asks.
struct HitText {
  const std::string& title;
  const std::vector<core::TextBlock>& blocks;
  std::optional<std::u32string> norm_title;
  std::vector<std::u32string> norm_blocks;

  void Normalize() {
    if (norm_title) return;
    norm_title = core::Normalize(title);
    for (const core::TextBlock& b : blocks) norm_blocks.push_back(core::Normalize(b.text));
  }
};

// Why the hit at `it` came up: each query term it matched, its share of the score (the same
// term alone, on this document only) and the fields whose text contains it.
std::vector<ExplainTerm> Explain(const ViewShards& view, const RankingConfig& ranking,
                                 const PreparedQuery& query,
                                 const std::vector<std::u32string>& needles,
                                 const Xapian::Enquire& enquire, const Xapian::MSetIterator& it,
                                 const std::string& id, HitText& text,
                                 const std::vector<FeedbackTerm>& feedback) {
  std::vector<ExplainTerm> out;
  const std::vector<QueryTerm>& terms = query.built.terms;
  for (auto t = enquire.get_matching_terms_begin(it); t != enquire.get_matching_terms_end(it);
       ++t) {
    for (size_t k = 0; k < terms.size(); ++k) {
      const QueryTerm& qt = terms[k];
      if (qt.term != *t) continue;
      ExplainTerm e;
      e.text = qt.display;
      e.kind = qt.kind;
      // The term's weight with that of its title term (query_builder.cc adds both).
      Xapian::Query weighed(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(qt.term), qt.weight);
      if (qt.content && ranking.title > 0) {
        weighed =
            Xapian::Query(Xapian::Query::OP_OR, weighed,
                          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                        Xapian::Query(std::string(core::kTitlePrefix) + qt.term),
                                        qt.weight * ranking.title));
      }
      Xapian::Enquire one(view.combined);
      one.set_weighting_scheme(Weighting(ranking));
      one.set_query(Xapian::Query(Xapian::Query::OP_FILTER, weighed,
                                  Xapian::Query(std::string(core::kDocIdPrefix) + id)));
      Xapian::MSet m = one.get_mset(0, 1);
      e.weight = m.empty() ? 0 : m.begin().get_weight();
      text.Normalize();
      const std::u32string& needle = needles[k];
      if (text.norm_title->find(needle) != std::u32string::npos) e.fields.push_back("title");
      for (const char* field : {"heading", "body"}) {
        const auto kind = std::string(field) == "heading" ? core::TextBlock::Kind::kHeading
                                                          : core::TextBlock::Kind::kText;
        for (size_t b = 0; b < text.blocks.size(); ++b) {
          if (text.blocks[b].kind == kind &&
              text.norm_blocks[b].find(needle) != std::u32string::npos) {
            e.fields.push_back(field);
            break;
          }
        }
      }
      out.push_back(std::move(e));
    }
  }
  // The words feedback added (relaxed queries), each at its own scale.
  for (auto t = enquire.get_matching_terms_begin(it); t != enquire.get_matching_terms_end(it);
       ++t) {
    for (const FeedbackTerm& f : feedback) {
      if (f.term != *t) continue;
      Xapian::Enquire one(view.combined);
      one.set_weighting_scheme(Weighting(ranking));
      one.set_query(Xapian::Query(
          Xapian::Query::OP_FILTER,
          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(f.term), f.scale),
          Xapian::Query(std::string(core::kDocIdPrefix) + id)));
      Xapian::MSet m = one.get_mset(0, 1);
      ExplainTerm e{f.term, "feedback", {}, m.empty() ? 0 : m.begin().get_weight()};
      text.Normalize();
      const std::u32string needle = core::Normalize(f.term);
      if (text.norm_title->find(needle) != std::u32string::npos) e.fields.push_back("title");
      for (size_t b = 0; b < text.blocks.size(); ++b) {
        if (text.norm_blocks[b].find(needle) != std::u32string::npos) {
          e.fields.push_back(text.blocks[b].kind == core::TextBlock::Kind::kHeading ? "heading"
                                                                                    : "body");
          break;
        }
      }
      if (e.fields.empty()) e.fields.push_back("body");  // a word of the metadata labels
      out.push_back(std::move(e));
    }
  }
  // The values the query's words name that this document has (RankingConfig::facet_match).
  for (const auto& [label, term, bonus] : query.weighed_values) {
    Xapian::Enquire one(view.combined);
    one.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term),
                                Xapian::Query(std::string(core::kDocIdPrefix) + id)));
    if (one.get_mset(0, 1).empty()) continue;
    out.push_back({label, "facet", {"metadata"}, bonus});
  }
  std::sort(out.begin(), out.end(),
            [](const ExplainTerm& a, const ExplainTerm& b) { return a.weight > b.weight; });
  return out;
}

}  // namespace

Xapian::BM25Weight Weighting(const RankingConfig& ranking) {
  return Xapian::BM25Weight(ranking.bm25_k1, 0, 1, ranking.bm25_b, 0.5);
}

std::unique_ptr<Xapian::Enquire> MakeEnquire(const Xapian::Database& db, SortOrder sort,
                                             const RankingConfig& ranking) {
  auto enquire = std::make_unique<Xapian::Enquire>(db);
  enquire->set_weighting_scheme(Weighting(ranking));
  switch (sort) {
    case SortOrder::kRelevance:
      enquire->set_sort_by_relevance_then_value(core::kDocIdSlot, false);
      break;
    case SortOrder::kNewest:
    case SortOrder::kOldest:
      // One slot (core::kOldestSlot, kNewestSlot), not a KeyMaker: what a remote shard can sort by.
      enquire->set_sort_by_value_then_relevance(
          sort == SortOrder::kNewest ? core::kNewestSlot : core::kOldestSlot, false);
      break;
  }
  return enquire;
}

Result<std::unique_ptr<PreparedQuery>> PrepareQuery(const SearchRequest& request,
                                                    const core::Analyzer& analyzer,
                                                    const core::SynonymTable& synonyms,
                                                    const RankingConfig& ranking,
                                                    int fiscal_year_now) {
  auto q = std::make_unique<PreparedQuery>();
  auto parsed = ParseQuery(request.query);
  if (!parsed) return parsed.error();
  q->parsed = std::move(*parsed);
  for (const auto& [key, value] : request.filters) {
    auto f = ResolveFilter(key, value);
    if (!f) return f.error();
    q->extra.push_back(std::move(*f));
  }
  if (request.limit > 1000 || request.offset > 100000) {
    return ErrorAt(ErrorCode::kInvalidInput, "query.paging",
                   "limit は 1000 まで、offset は 100000 までです", "query");
  }
  q->clauses = AnalyseClauses(q->parsed, analyzer);
  q->input.parsed = &q->parsed;
  q->input.clauses = &q->clauses;
  q->input.extra_filters = &q->extra;
  q->input.date_from = request.date_from;
  q->input.date_to = request.date_to;
  q->input.synonyms = request.synonyms;
  auto built = BuildQuery(q->input, analyzer, synonyms, ranking);
  if (!built) return built.error();
  q->built = std::move(*built);
  for (const auto* list : {&q->parsed.filters, &q->extra}) {
    for (const FieldFilter& f : *list) {
      if (f.field) q->selected.insert({core::FieldIndex(*f.field), f.value});
    }
  }
  // A document with a value the query's words name (宮古 → 地域:宮古, 令和6年度 → 年度:2024) gains
  // a fixed weight per value: the words mean the documents tagged so, whether or not their text
  // says it in those words. AND_MAYBE: the match set stays the words' own.
  std::vector<Xapian::Query> named;
  for (auto& [suggestion, term, part, modifier] : Suggest(*q, fiscal_year_now)) {
    double bonus = ranking.facet_match * (part ? ranking.facet_part : 1.0);
    if (modifier && suggestion.key == "doc_type") bonus *= ranking.type_modifier;
    if (bonus > 0 && !suggestion.applied) {
      q->weighed_values.push_back(
          {std::string(core::FindField(suggestion.key)->label) + ":" + suggestion.value, term,
           bonus});
      named.emplace_back(Xapian::Query::OP_AND,
                         Xapian::Query((new Xapian::FixedWeightPostingSource(bonus))->release()),
                         Xapian::Query(term));
    }
    q->suggestions.push_back(std::move(suggestion));
  }
  if (q->built.has_text && !named.empty()) {
    q->built.rank = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q->built.rank,
                                  Xapian::Query(Xapian::Query::OP_OR, named.begin(), named.end()));
  }
  return q;
}

Matched Match(const ViewShards& view, const RankingConfig& ranking, const PreparedQuery& query,
              const SearchRequest& request) {
  Matched m;
  m.enquire = MakeEnquire(view.combined, request.sort, ranking);
  if (request.facets == FacetMode::kCount) m.counter.emplace();
  m.page = RunMatch(*m.enquire, view, query.built, MatchMode::kStrict,
                    m.counter ? &*m.counter : nullptr, request.offset, request.limit);
  if (m.page.get_matches_upper_bound() > 0 || !query.built.relaxable) return m;
  // No document has every word: show those with some of them (and every quoted phrase), and
  // say so.
  BuiltQuery relaxed_query = query.built;
  if (ranking.prf_docs > 0) {
    relaxed_query.rank = WithFeedback(*m.enquire, view, ranking, query.built, &m.feedback);
  }
  std::optional<FacetCounter> relaxed_counter;
  if (m.counter) relaxed_counter.emplace();
  Xapian::MSet relaxed =
      RunMatch(*m.enquire, view, relaxed_query, MatchMode::kRelaxed,
               relaxed_counter ? &*relaxed_counter : nullptr, request.offset, request.limit);
  if (relaxed.get_matches_upper_bound() > 0) {
    m.mode = MatchMode::kRelaxed;
    m.page = relaxed;
    m.counter = std::move(relaxed_counter);
  }
  return m;
}

std::vector<FacetResult> CountFacets(const ViewShards& view, const PreparedQuery& query,
                                     const Matched& matched) {
  if (!matched.counter) return {};
  std::vector<FacetResult> facets = matched.counter->Results(query.selected);
  // Values of one field OR together, so the counts a field shows are those without its own
  // selection (else choosing 製造業 would hide every other 業種): count each selected field
  // again over the match set without that field's filters. Only the filter differs from the
  // built query (feedback terms are not added: the recount matches by the words alone).
  std::set<const core::FieldDef*> selected_fields;
  for (const auto* list : {&query.parsed.filters, &query.extra}) {
    for (const FieldFilter& f : *list) {
      if (f.field) selected_fields.insert(f.field);
    }
  }
  const Xapian::doccount all = view.combined.get_doccount();
  const BuiltQuery& built = query.built;
  for (const core::FieldDef* field : selected_fields) {
    ParsedQuery others;
    std::vector<FieldFilter> extra;
    for (const FieldFilter& f : query.parsed.filters) {
      if (f.field != field) others.filters.push_back(f);
    }
    for (const FieldFilter& f : query.extra) {
      if (f.field != field) extra.push_back(f);
    }
    QueryInput input = query.input;
    input.parsed = &others;
    input.extra_filters = &extra;
    // The dates were checked when the query was built: the filter cannot fail here.
    auto filter = BuildFilter(input);
    if (!filter) continue;
    FacetCounter counter;
    Xapian::Enquire counting(view.combined);
    const bool strict = matched.mode == MatchMode::kStrict;
    const SubstringFilter& text = strict ? built.strict_text : built.relaxed_text;
    const bool checked = strict ? built.check_strict : built.check_relaxed;
    if (view.portable) {
      RunPortable(counting, view.combined, CombineQuery(built, matched.mode, *filter),
                  checked ? &text : nullptr, &counter, 0, 0);
    } else {
      counting.set_query(CombineQuery(built, matched.mode, *filter));
      FacetSpy spy(&counter, view);
      counting.add_matchspy(&spy);
      TextCheck check(text, view);
      counting.get_mset(0, 0, std::max<Xapian::doccount>(all, 1), nullptr,
                        checked ? &check : nullptr);
    }
    const auto counts = counter.Results(query.selected);
    for (auto& f : facets) {
      if (f.key != field->key) continue;
      for (const auto& c : counts) {
        if (c.key == f.key) f.values = c.values;
      }
    }
  }
  return facets;
}

Partial FillPartial(const ViewShards& view, const RankingConfig& ranking,
                    const PreparedQuery& query, uint64_t strict_total, size_t start, size_t count) {
  Partial p;
  const BuiltQuery& built = query.built;
  const Xapian::Database& db = view.combined;
  // Every strict match, to leave out of the partial list. Ids within their shards, unique
  // (index_layout.h).
  const size_t n = db.size();
  std::set<Xapian::docid> strict_ids;
  p.strict_enquire = MakeEnquire(db, SortOrder::kRelevance, ranking);
  p.strict = RunMatch(*p.strict_enquire, view, built, MatchMode::kStrict, nullptr, 0, strict_total);
  p.enquire = std::make_unique<Xapian::Enquire>(db);
  p.enquire->set_weighting_scheme(Weighting(ranking));
  p.enquire->set_sort_by_relevance_then_value(core::kDocIdSlot, false);
  if (view.portable) {
    // The strict matches left out by their id terms.
    p.strict.fetch();
    std::vector<Xapian::Query> listed;
    for (auto it = p.strict.begin(); it != p.strict.end(); ++it) {
      listed.emplace_back(std::string(core::kDocIdPrefix) +
                          it.get_document().get_value(core::kDocIdSlot));
    }
    p.page =
        RunPortable(*p.enquire, db,
                    AndNot(CombineQuery(built, MatchMode::kRelaxed),
                           Xapian::Query(Xapian::Query::OP_OR, listed.begin(), listed.end())),
                    built.check_relaxed ? &built.relaxed_text : nullptr, nullptr, start, count);
    p.total = p.page.get_matches_estimated();
    return p;
  }
  for (auto it = p.strict.begin(); it != p.strict.end(); ++it) {
    strict_ids.insert((*it - 1) / n + 1);
  }
  TextCheck check(built.relaxed_text, view);
  PartialCheck partial_check(strict_ids, built.check_relaxed ? &check : nullptr);
  p.enquire->set_query(CombineQuery(built, MatchMode::kRelaxed));
  // Counted exactly (check_at_least: every document), as totals are: an estimate depends on how
  // the view is split into shards, which an index of the visible text alone would not reproduce,
  // and a small unpruned limit has skipped better documents.
  p.page = p.enquire->get_mset(start, count, db.get_doccount(), nullptr, &partial_check);
  p.total = p.page.get_matches_estimated();
  return p;
}

Blended BlendPartial(const ViewShards& view, const RankingConfig& ranking,
                     const PreparedQuery& query, const SearchRequest& request,
                     uint64_t strict_total) {
  Blended b;
  const size_t want = request.offset + request.limit;
  b.partial = FillPartial(view, ranking, query, strict_total, 0, want);
  struct Ranked {
    Blended::Entry entry;
    std::string id;
  };
  std::vector<Ranked> all;
  size_t strict_taken = 0;
  for (auto it = b.partial.strict.begin(); it != b.partial.strict.end() && strict_taken < want;
       ++it, ++strict_taken) {
    all.push_back({{it, false, it.get_weight() + ranking.every_word},
                   it.get_document().get_value(core::kDocIdSlot)});
  }
  for (auto it = b.partial.page.begin(); it != b.partial.page.end(); ++it) {
    all.push_back({{it, true, it.get_weight()}, it.get_document().get_value(core::kDocIdSlot)});
  }
  // As each list is sorted (relevance, then doc_id ascending).
  std::sort(all.begin(), all.end(), [](const Ranked& x, const Ranked& y) {
    if (x.entry.score != y.entry.score) return x.entry.score > y.entry.score;
    return x.id < y.id;
  });
  for (size_t i = request.offset; i < all.size() && i < want; ++i) {
    b.page.push_back(all[i].entry);
  }
  return b;
}

namespace {

struct HitMaker {
  const ViewShards& view;
  const RankingConfig& ranking;
  const PreparedQuery& query;
  const SearchRequest& request;
  std::vector<Hit>* hits;
  // The normalized form of each query term, for explain: made once per page, not per hit.
  std::vector<std::u32string> needles;

  HitMaker(const ViewShards& v, const RankingConfig& r, const PreparedQuery& q,
           const SearchRequest& req, std::vector<Hit>* h)
      : view(v), ranking(r), query(q), request(req), hits(h) {
    if (request.explain == ExplainMode::kOn && request.fields == HitFields::kFull) {
      for (const QueryTerm& qt : query.built.terms) needles.push_back(core::Normalize(qt.display));
    }
  }

  // `bonus`: added to the hit's weight (the every_word bonus of a blended strict match).
  Status Add(const Xapian::Enquire& enquire, const Xapian::MSetIterator& it, bool partial,
             double bonus, const std::vector<FeedbackTerm>& feedback = {}) {
    const Xapian::Document doc = it.get_document();
    Hit hit;
    hit.rank = request.offset + hits->size() + 1;
    hit.score = it.get_weight() + bonus;
    hit.partial = partial;
    if (request.fields == HitFields::kIdOnly) {
      // Evaluation needs the ranking only; the record (with its Markdown) is not read.
      hit.id = doc.get_value(core::kDocIdSlot);
      hits->push_back(std::move(hit));
      return Status::Ok();
    }
    auto record = core::DecodeDocRecord(doc.get_data());
    if (!record) return record.error();
    hit.id = record->id;
    hit.title = record->title;
    hit.doc_type = record->doc_type;
    hit.path = record->path;
    hit.date = record->date;
    hit.fiscal_year = record->fiscal_year;
    hit.confidentiality = record->confidentiality;
    hit.facets = record->facets;
    std::vector<core::TextBlock> blocks;
    if (request.snippets == SnippetMode::kMake || request.explain == ExplainMode::kOn) {
      blocks = core::ReadMarkdown(record->markdown, 1, core::Clearance::kPublic).blocks;
    }
    if (request.snippets == SnippetMode::kMake) {
      hit.snippet = MakeSnippet(blocks, query.built.highlights);
    }
    if (request.explain == ExplainMode::kOn) {
      HitText text{record->title, blocks, std::nullopt, {}};
      hit.explain = Explain(view, ranking, query, needles, enquire, it, record->id, text, feedback);
      if (bonus > 0) {
        hit.explain.push_back({"すべての語を含む", "every_word", {"document"}, bonus});
        std::stable_sort(
            hit.explain.begin(), hit.explain.end(),
            [](const ExplainTerm& a, const ExplainTerm& b) { return a.weight > b.weight; });
      }
    }
    hits->push_back(std::move(hit));
    return Status::Ok();
  }
};

}  // namespace

Status MakeHits(const ViewShards& view, const RankingConfig& ranking, const PreparedQuery& query,
                const SearchRequest& request, const Xapian::MSet& page,
                const Xapian::Enquire& enquire, bool partial, std::vector<Hit>* hits,
                const std::vector<FeedbackTerm>& feedback) {
  HitMaker maker(view, ranking, query, request, hits);
  for (auto it = page.begin(); it != page.end(); ++it) {
    if (auto s = maker.Add(enquire, it, partial, 0, feedback); !s) return s;
  }
  return Status::Ok();
}

Status MakeHits(const ViewShards& view, const RankingConfig& ranking, const PreparedQuery& query,
                const SearchRequest& request, const Blended& blended, std::vector<Hit>* hits) {
  HitMaker maker(view, ranking, query, request, hits);
  for (const Blended::Entry& e : blended.page) {
    const Xapian::Enquire& enquire =
        e.partial ? *blended.partial.enquire : *blended.partial.strict_enquire;
    if (auto s = maker.Add(enquire, e.it, e.partial, e.partial ? 0 : ranking.every_word); !s) {
      return s;
    }
  }
  return Status::Ok();
}

Interpretation Interpret(const PreparedQuery& query, const core::SynonymTable& synonyms,
                         bool relaxed) {
  Interpretation out;
  out.relaxed = relaxed;
  out.synonyms = query.built.synonyms_used;
  for (size_t i = 0; i < query.parsed.clauses.size(); ++i) {
    if (query.parsed.clauses[i].negated) continue;
    const std::u32string& norm = query.clauses[i].norm;
    std::vector<std::string> keys = {core::EncodeUtf8(norm)};
    for (const auto& m : synonyms.MembersWithin(norm)) keys.push_back(m);
    for (const auto& k : keys) {
      for (const auto& r : synonyms.Related(k)) {
        if (std::find(out.related.begin(), out.related.end(), r) == out.related.end())
          out.related.push_back(r);
      }
    }
  }
  out.suggestions = query.suggestions;
  return out;
}

// Not Enquire::get_eset: Xapian 1.4 weighs with statistics that depend on how a view is split
// into shards, so a clearance view would rank unlike an index of only its visible text.
std::vector<std::pair<std::string, double>> ExpansionTerms(const Xapian::Database& db,
                                                           const std::vector<Xapian::docid>& rdocs,
                                                           size_t limit) {
  // Dictionary words only. Bigrams and boolean terms (an upper-case prefix) are left out: words
  // carry the topic.
  auto is_word = [](const std::string& term) {
    if (term.empty()) return false;
    const unsigned char c = static_cast<unsigned char>(term[0]);
    if (c >= 'A' && c <= 'Z') return false;
    return core::CountCodePoints(term) >= 2;
  };
  const double n_docs = db.get_doccount(), r_docs = static_cast<double>(rdocs.size());
  const double avlen = std::max(db.get_avlength(), 1.0);
  std::map<std::string, std::pair<double, double>> stats;  // term → (rtermfreq, multiplier)
  for (const Xapian::docid did : rdocs) {
    const double len = db.get_doclength(did);
    for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
      if (!is_word(*t)) continue;
      const double wdf = t.get_wdf();
      auto& st = stats[*t];
      st.first += 1;
      st.second += 2.0 * wdf / (len / avlen + wdf);  // (k+1)·wdf / (k·len/avlen + wdf), k = 1
    }
  }
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [term, st] : stats) {
    const double tf = db.get_termfreq(term), rtf = st.first;
    double tw = (rtf + 0.5) * (n_docs - r_docs - tf + rtf + 0.5) /
                ((r_docs - rtf + 0.5) * (tf - rtf + 0.5));
    if (tw < 2) tw = tw * 0.5 + 1;
    const double w = st.second * std::log(tw);
    if (w > 0) ranked.emplace_back(-w, term);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i < ranked.size() && i < limit; ++i) {
    out.emplace_back(ranked[i].second, -ranked[i].first);
  }
  return out;
}

}  // namespace yuimaru::search
