// The JSON shapes of search results, documents, related documents, statistics and errors: one
// definition shared by `yuimaru … --json` and the web API, so both stay the same (docs/api.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "search/search.h"

namespace yuimaru::search {

std::string SearchResponseJson(const SearchResponse& response, std::string_view query);
std::string DocumentJson(const DocumentView& doc, const std::vector<RelatedDoc>& related);
std::string RelatedJson(std::string_view id, const std::vector<RelatedDoc>& related);
std::string StatsJson(const IndexStats& stats);
std::string EvalJson(const EvalMetrics& m, bool synonyms);
std::string ErrorJson(const Error& error);
// The snippet as plain text, with matches between `open` and `close`.
std::string SnippetText(const std::vector<SnippetPart>& parts, std::string_view open,
                        std::string_view close);

}  // namespace yuimaru::search
