#include "search/query_parser.h"

#include <regex>

#include "core/normalizer.h"
#include "core/utf8.h"

namespace yuimaru::search {
namespace {

bool IsSpace(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x3000;
}
bool IsOpenQuote(char32_t c) { return c == U'"' || c == 0x201C || c == 0xFF02; }
bool IsCloseQuote(char32_t c) { return c == U'"' || c == 0x201D || c == 0xFF02; }
bool IsColon(char32_t c) { return c == U':' || c == 0xFF1A; }
bool IsMinus(char32_t c) { return c == U'-' || c == 0xFF0D || c == 0x2212; }

Error QueryError(std::string rule, std::string message) {
  return ErrorAt(ErrorCode::kInvalidInput, std::move(rule), std::move(message), "query");
}

// The id filters that are not facets.
std::string SpecialField(std::string_view key) {
  const std::string k = core::NormalizeToUtf8(key);
  if (k == "doc_id" || k == "id" || k == "文書id") return "doc_id";
  if (k == "company_id" || k == "company" || k == "企業id") return "company_id";
  return "";
}

}  // namespace

Result<FieldFilter> ResolveFilter(std::string_view key, std::string_view value) {
  FieldFilter f;
  f.text = std::string(value);
  if (const std::string special = SpecialField(key); !special.empty()) {
    f.special = special;
    if (value.empty())
      return QueryError("query.filter.empty", std::string(key) + " の値がありません");
    return f;
  }
  const core::FieldDef* field = core::FindField(key);
  if (!field) {
    return QueryError("query.filter.unknown-field",
                      "「" + std::string(key) + "」という絞り込み項目はありません");
  }
  f.field = field;
  const auto id = core::FindValue(*field, value);
  if (!id) {
    std::string msg = std::string(field->label) + "「" + std::string(value) + "」は未定義です";
    const auto near = core::NearestLabels(*field, value, 3);
    if (!near.empty()) {
      msg += "（候補: ";
      for (size_t i = 0; i < near.size(); ++i) msg += (i ? ", " : "") + near[i];
      msg += "）";
    }
    return QueryError("query.filter.unknown-value", msg);
  }
  f.value = *id;
  return f;
}

Result<ParsedQuery> ParseQuery(std::string_view query) {
  auto decoded = core::DecodeUtf8(query);
  if (!decoded) return QueryError("query.invalid-utf8", "検索語が UTF-8 ではありません");
  const std::u32string& q = *decoded;
  if (q.size() > kMaxQueryChars) {
    return QueryError("query.too-long",
                      "検索語が長すぎます（" + std::to_string(kMaxQueryChars) + " 文字まで）");
  }
  ParsedQuery parsed;
  size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && IsSpace(q[i])) ++i;
    if (i >= q.size()) break;
    QueryClause clause;
    if (IsMinus(q[i]) && i + 1 < q.size() && !IsSpace(q[i + 1])) {
      clause.negated = true;
      ++i;
    }
    if (IsOpenQuote(q[i])) {
      size_t end = i + 1;
      while (end < q.size() && !IsCloseQuote(q[end])) ++end;
      clause.text = core::EncodeUtf8(q.substr(i + 1, end - i - 1));
      clause.phrase = true;
      i = end + 1;
    } else {
      size_t end = i;
      while (end < q.size() && !IsSpace(q[end])) ++end;
      const std::u32string token = q.substr(i, end - i);
      i = end;
      // field:value (the value may be quoted and contain spaces)
      size_t colon = 0;
      while (colon < token.size() && !IsColon(token[colon])) ++colon;
      if (colon > 0 && colon < token.size() && !clause.negated) {
        const std::string key = core::EncodeUtf8(token.substr(0, colon));
        if (!SpecialField(key).empty() || core::FindField(key)) {
          std::u32string value = token.substr(colon + 1);
          if (!value.empty() && IsOpenQuote(value[0])) {
            // Re-scan from the quote in the full query.
            const size_t start = i - token.size() + colon + 2;
            size_t qend = start;
            while (qend < q.size() && !IsCloseQuote(q[qend])) ++qend;
            value = q.substr(start, qend - start);
            i = qend + 1;
          }
          auto f = ResolveFilter(key, core::EncodeUtf8(value));
          if (!f) return f.error();
          parsed.filters.push_back(std::move(*f));
          continue;
        }
      }
      clause.text = core::EncodeUtf8(token);
    }
    if (clause.text.empty()) continue;
    parsed.clauses.push_back(std::move(clause));
    if (parsed.clauses.size() > kMaxClauses) {
      return QueryError("query.too-many-terms",
                        "検索語が多すぎます（" + std::to_string(kMaxClauses) + " 語まで）");
    }
  }
  return parsed;
}

}  // namespace yuimaru::search
