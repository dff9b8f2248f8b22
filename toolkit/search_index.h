// The offline site's search index: the edition's text analysed by yuimaru's own analyzer (core
// normalizer, ICU words, character bigrams, the server's field weights), written as classic
// script files that a page loads with <script src> (no fetch, no modules: they work opened from
// file:// under script-src 'self'). The site's search.js reads them and ranks as the server does
// (all query bigrams first, then any content word; BM25 k1 0.5, b 0.6 over words and bigrams).
// Pure: text in, file contents out. Internal to toolkit/.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/analyzer.h"
#include "core/doc_record.h"

namespace yuimaru::toolkit {

// One field of a document's searchable text and the within-document frequency of each of its
// occurrences (core::kTitleWdf, kHeadingWdf, kBodyWdf), as the indexer weighs them.
struct IndexField {
  std::string text;
  unsigned wdf = 1;
};

// The searchable text of `record` as the server indexes it: title, the blocks of its (already
// redacted) Markdown, tags, the labels of indexed facet values and company ids.
std::vector<IndexField> SearchableFields(const core::DocRecord& record);

struct OfflineIndex {
  std::vector<uint32_t> lengths;  // per document: the sum of its terms' wdf
  // term (core::WordTerm / core::BigramTerm, as the server's) → (document number, wdf sum),
  // ascending by document number.
  std::map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> postings;
  std::vector<std::string> texts;  // per document: normalized text, one field per line
};

// Analyses the documents (numbered in the order given) with `analyzer`.
OfflineIndex BuildOfflineIndex(const std::vector<std::vector<IndexField>>& docs,
                               const core::Analyzer& analyzer);

// A posting list as search.js reads it: "delta[:wdf]" items joined by ',', numbers in base 36,
// the wdf left out when it is 1 (document 0 with wdf 3, then 5 with wdf 1: "0:3,5").
std::string EncodePostings(const std::vector<std::pair<uint32_t, uint32_t>>& postings);

// A JavaScript string literal of UTF-8 `text`: raw UTF-8 with ", \, control characters,
// U+2028/U+2029 and '<' escaped (so no "</script" or "<!--" can appear in a file).
std::string JsString(std::string_view text);

// One script file of the index: a statement pushing one JSON-compatible object literal onto
// self.YUIMARU_SEARCH.
struct IndexScript {
  std::string name;  // file name, e.g. "terms-0.js"
  std::string content;
};

// The term and text parts of `index` as script files of about `chunk_bytes` each:
// terms-N.js ({kind:"terms",t:{term:postings}}) and text-N.js ({kind:"text",start,t:[...]}).
std::vector<IndexScript> IndexScripts(const OfflineIndex& index, size_t chunk_bytes = 1 << 21);

}  // namespace yuimaru::toolkit
