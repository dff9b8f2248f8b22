#include "search/json.h"

#include <nlohmann/json.hpp>

namespace yuimaru::search {
namespace {

using Json = nlohmann::ordered_json;

Json FacetsJson(const std::vector<FacetResult>& facets) {
  Json out = Json::object();
  for (const FacetResult& f : facets) {
    Json values = Json::object();
    for (const FacetValueCount& v : f.values) values[v.label] = v.count;
    out[f.key] = std::move(values);
  }
  return out;
}

Json PairsJson(const std::vector<std::pair<std::string, std::vector<std::string>>>& pairs) {
  Json out = Json::object();
  for (const auto& [k, v] : pairs) out[k] = v;
  return out;
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

std::string SnippetText(const std::vector<SnippetPart>& parts, std::string_view open,
                        std::string_view close) {
  std::string out;
  for (const SnippetPart& p : parts) {
    if (p.match) out.append(open);
    out += p.text;
    if (p.match) out.append(close);
  }
  return out;
}

std::string SearchResponseJson(const SearchResponse& r, std::string_view query) {
  Json j;
  j["query"] = std::string(query);
  j["total"] = r.total;
  j["total_exact"] = r.total_exact;
  j["partial_total"] = r.partial_total;
  if (!r.shards_answered.empty() || !r.shards_missing.empty()) {
    // Which remote shards answered: with any missing, totals are of the others (total_exact
    // false).
    j["shards"] = {{"answered", r.shards_answered}, {"missing", r.shards_missing}};
  }
  Json hits = Json::array();
  for (const Hit& h : r.hits) {
    Json hit;
    hit["rank"] = h.rank;
    hit["id"] = h.id;
    hit["title"] = h.title;
    hit["doc_type"] = h.doc_type;
    if (!h.path.empty()) hit["path"] = h.path;  // the web server clears it for most readers
    hit["date"] = h.date;
    hit["fiscal_year"] = h.fiscal_year;
    hit["confidentiality"] = h.confidentiality;
    hit["score"] = h.score;
    hit["partial"] = h.partial;
    hit["snippet"] = SnippetText(h.snippet, "", "");
    Json parts = Json::array();
    for (const SnippetPart& p : h.snippet) parts.push_back({{"text", p.text}, {"match", p.match}});
    hit["snippet_parts"] = std::move(parts);
    hit["facets"] = PairsJson(h.facets);
    if (!h.explain.empty()) {
      Json ex = Json::array();
      for (const ExplainTerm& e : h.explain) {
        ex.push_back(
            {{"term", e.text}, {"kind", e.kind}, {"fields", e.fields}, {"weight", e.weight}});
      }
      hit["explain"] = std::move(ex);
    }
    hits.push_back(std::move(hit));
  }
  j["hits"] = std::move(hits);
  j["facets"] = FacetsJson(r.facets);
  Json interp;
  interp["relaxed"] = r.interpretation.relaxed;
  interp["synonyms"] = r.interpretation.synonyms;
  Json sugg = Json::array();
  for (const FilterSuggestion& s : r.interpretation.suggestions) {
    sugg.push_back(
        {{"field", s.key}, {"value", s.value}, {"text", s.text}, {"applied", s.applied}});
  }
  interp["suggested_filters"] = std::move(sugg);
  interp["related"] = r.interpretation.related;
  j["interpretation"] = std::move(interp);
  j["took_ms"] = r.took_ms;
  return Dump(j);
}

std::string DocumentJson(const DocumentView& d, const std::vector<RelatedDoc>& related) {
  Json j;
  j["id"] = d.id;
  j["title"] = d.title;
  j["doc_type"] = d.doc_type;
  if (!d.path.empty()) j["path"] = d.path;
  j["date"] = d.date;
  j["confidentiality"] = d.confidentiality;
  Json meta = Json::array();
  for (const auto& [k, v] : d.meta) meta.push_back({{"label", k}, {"value", v}});
  j["meta"] = std::move(meta);
  j["facets"] = PairsJson(d.facets);
  j["markdown"] = d.markdown;
  auto links = [](const std::vector<DocLink>& docs) {
    Json a = Json::array();
    for (const DocLink& l : docs) {
      a.push_back({{"id", l.id}, {"title", l.title}, {"doc_type", l.doc_type}, {"date", l.date}});
    }
    return a;
  };
  j["uses_cases"] = links(d.uses_cases);
  j["used_by"] = links(d.used_by);
  Json rel = Json::array();
  for (const RelatedDoc& r : related) {
    rel.push_back({{"id", r.id},
                   {"title", r.title},
                   {"doc_type", r.doc_type},
                   {"date", r.date},
                   {"score", r.score}});
  }
  j["related"] = std::move(rel);
  return Dump(j);
}

std::string RelatedJson(std::string_view id, const std::vector<RelatedDoc>& related) {
  Json j;
  j["id"] = std::string(id);
  Json rel = Json::array();
  for (const RelatedDoc& r : related) {
    rel.push_back({{"id", r.id},
                   {"title", r.title},
                   {"doc_type", r.doc_type},
                   {"date", r.date},
                   {"score", r.score}});
  }
  j["related"] = std::move(rel);
  return Dump(j);
}

std::string StatsJson(const IndexStats& s) {
  Json j;
  j["documents"] = s.documents;
  j["facets"] = FacetsJson(s.facets);
  j["index_bytes"] = s.index_bytes;
  j["compacted_bytes"] = s.compacted_bytes;
  j["generation"] = s.generation;
  return Dump(j);
}

std::string EvalJson(const EvalMetrics& m, bool synonyms) {
  Json j;
  j["queries"] = m.queries;
  j["synonyms"] = synonyms;
  j["mrr@10"] = m.mrr10;
  j["ndcg@10"] = m.ndcg10;
  j["recall@1"] = m.recall1;
  j["recall@10"] = m.recall10;
  j["recall@100"] = m.recall100;
  j["latency_ms"] = {{"mean", m.mean_ms}, {"p50", m.p50_ms}, {"p99", m.p99_ms}};
  return Dump(j);
}

std::string ErrorJson(const Error& e) {
  Json j;
  Json err;
  err["rule"] = e.rule;
  err["message"] = e.message;
  if (!e.source.empty()) err["source"] = e.source;
  if (e.line > 0) err["line"] = e.line;
  if (e.column > 0) err["column"] = e.column;
  j["error"] = std::move(err);
  return Dump(j);
}

}  // namespace yuimaru::search
