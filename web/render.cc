#include "web/render.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/fiscal_year.h"
#include "core/html.h"
#include "core/markdown_html.h"
#include "core/markdown_reader.h"
#include "core/report_output.h"
#include "core/schema.h"

namespace yuimaru::web {

using core::Escape;
using core::UrlEncode;
namespace {

std::string FieldLabel(const std::string& key) {
  if (key == "doc_id") return "文書ID";
  if (key == "company_id") return "企業ID";
  const core::FieldDef* f = core::FindField(key);
  return f ? std::string(f->label) : key;
}

std::string DocTypeCode(const std::string& label) {
  const core::DocTypeDef* t = core::FindDocType(label);
  return t ? std::string(t->code) : "other";
}

std::string Head(const std::string& title) {
  return "<!doctype html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         Escape(title) +
         "</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
         "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
         "<script src=\"/static/app.js\" defer></script>\n</head>\n";
}

std::string Header(const PageContext& ctx, const SearchState* state) {
  std::string out =
      "<body>\n<a class=\"skip\" href=\"#main\">本文へ移動</a>\n<header class=\"site\">\n"
      "<a class=\"brand\" href=\"/\">ゆいまーる<span "
      "class=\"brand-sub\">伴走支援ノウハウ検索</span></a>\n"
      "<form class=\"searchbox\" role=\"search\" action=\"/search\" method=\"get\">\n"
      "<label for=\"q\" class=\"visually-hidden\">検索語</label>\n"
      "<input id=\"q\" name=\"q\" type=\"search\" value=\"" +
      Escape(state ? state->q : "") +
      "\" placeholder=\"例: 事業承継 後継者\" autocomplete=\"off\" accesskey=\"s\">\n";
  if (state) {
    // A new query keeps the filters and the order.
    for (const auto& [k, v] : state->filters) {
      out += "<input type=\"hidden\" name=\"" + Escape(k) + "\" value=\"" + Escape(v) + "\">\n";
    }
    if (!state->from.empty())
      out += "<input type=\"hidden\" name=\"from\" value=\"" + Escape(state->from) + "\">\n";
    if (!state->to.empty())
      out += "<input type=\"hidden\" name=\"to\" value=\"" + Escape(state->to) + "\">\n";
    if (!state->sort.empty())
      out += "<input type=\"hidden\" name=\"sort\" value=\"" + Escape(state->sort) + "\">\n";
  }
  out +=
      "<button type=\"submit\">検索</button>\n</form>\n<nav class=\"site-nav\" "
      "aria-label=\"サイト\">"
      "<a href=\"/search\">検索</a> <a href=\"/dashboard\">実績の見える化</a> <a "
      "href=\"/followups\">フォローアップ</a> <a href=\"/pack\">研修パック</a></nav>\n"
      "<p class=\"session\">閲覧区分: <strong>" +
      Escape(ctx.clearance_label) + "</strong>" +
      (ctx.user.empty() ? "" : "（" + Escape(ctx.user) + "）");
  if (!ctx.csrf.empty()) {
    out +=
        " <form class=\"logout\" action=\"/logout\" method=\"post\"><input type=\"hidden\" "
        "name=\"csrf\" value=\"" +
        Escape(ctx.csrf) + "\"><button type=\"submit\">ログアウト</button></form>";
  } else if (ctx.login_link) {
    out += " <a href=\"/login\">ログイン</a>";
  }
  out += "</p>\n</header>\n";
  return out;
}

std::string Footer() {
  return "<footer class=\"site\"><p>ゆいまーる — 沖縄官民合同伴走型支援事業の支援ノウハウ検索。"
         "掲載文書は匿名化済みです（企業はID、担当者はKで表記）。</p></footer>\n</body>\n</html>\n";
}

std::string Snippet(const std::vector<search::SnippetPart>& parts) {
  std::string out;
  for (const auto& p : parts) {
    out += p.match ? "<mark>" + Escape(p.text) + "</mark>" : Escape(p.text);
  }
  return out;
}

// 12345 → "12,345".
std::string FormatCount(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Sidebar(const SearchPage& page) {
  const SearchState& st = page.state;
  std::string out =
      "<aside class=\"facets\" aria-labelledby=\"facets-title\">\n<h2 "
      "id=\"facets-title\">絞り込み</h2>\n";
  if (!st.filters.empty() || !st.from.empty() || !st.to.empty()) {
    out += "<section class=\"active\" aria-label=\"適用中の絞り込み\"><h3>適用中</h3><ul>\n";
    for (const auto& [k, v] : st.filters) {
      out += "<li><a class=\"remove\" href=\"" + Escape(StateUrl(st.WithoutFilter(k, v))) +
             "\" aria-label=\"" + Escape(FieldLabel(k) + " " + v + " を外す") + "\">" +
             Escape(FieldLabel(k)) + ": " + Escape(v) +
             " <span aria-hidden=\"true\">×</span></a></li>\n";
    }
    if (!st.from.empty() || !st.to.empty()) {
      SearchState no_dates = st;
      no_dates.from.clear();
      no_dates.to.clear();
      no_dates.page = 1;
      out += "<li><a class=\"remove\" href=\"" + Escape(StateUrl(no_dates)) +
             "\">期間: " + Escape(st.from) + "〜" + Escape(st.to) +
             " <span aria-hidden=\"true\">×</span></a></li>\n";
    }
    out += "</ul></section>\n";
  }
  // Date range: a small form that keeps the rest of the state.
  out +=
      "<section class=\"facet\"><h3 id=\"dates-title\">期間（日付）</h3>\n"
      "<form class=\"dates\" action=\"/search\" method=\"get\" aria-labelledby=\"dates-title\">\n";
  if (!st.q.empty()) out += "<input type=\"hidden\" name=\"q\" value=\"" + Escape(st.q) + "\">\n";
  for (const auto& [k, v] : st.filters) {
    out += "<input type=\"hidden\" name=\"" + Escape(k) + "\" value=\"" + Escape(v) + "\">\n";
  }
  if (!st.sort.empty())
    out += "<input type=\"hidden\" name=\"sort\" value=\"" + Escape(st.sort) + "\">\n";
  out +=
      "<label for=\"from\">開始日</label><input id=\"from\" name=\"from\" type=\"date\" value=\"" +
      Escape(st.from) +
      "\">\n<label for=\"to\">終了日</label><input id=\"to\" name=\"to\" type=\"date\" value=\"" +
      Escape(st.to) + "\">\n<button type=\"submit\">期間で絞り込む</button>\n</form></section>\n";
  for (const core::FieldDef* field : core::SidebarFields()) {
    const std::string key(field->key);
    const search::FacetResult* facet = nullptr;
    for (const auto& f : page.response.facets) {
      if (f.key == key) facet = &f;
    }
    if (!facet || facet->values.empty()) continue;
    out += "<section class=\"facet\"><h3 id=\"f-" + Escape(key) + "\">" + Escape(facet->label) +
           "</h3>\n<ul aria-labelledby=\"f-" + Escape(key) + "\">\n";
    for (const auto& v : facet->values) {
      const bool on = st.HasFilter(key, v.label);
      const std::string url =
          StateUrl(on ? st.WithoutFilter(key, v.label) : st.WithFilter(key, v.label));
      std::string shown = v.label;
      if (key == "fiscal_year") shown = core::FiscalYearDisplay(std::atoi(v.label.c_str()));
      out += "<li><a href=\"" + Escape(url) + "\"" +
             (on ? " class=\"selected\" aria-current=\"true\"" : "") +
             "><span class=\"check\" aria-hidden=\"true\">" + (on ? "☑" : "☐") + "</span>" +
             Escape(shown) + " <span class=\"count\">" + FormatCount(v.count) +
             "</span></a></li>\n";
    }
    out += "</ul></section>\n";
  }
  out += "</aside>\n";
  return out;
}

// Explain's field and kind names (search.h, ExplainTerm) as the page says them.
const char* ExplainFieldLabel(const std::string& field) {
  if (field == "title") return "題名";
  if (field == "heading") return "見出し";
  if (field == "body") return "本文";
  if (field == "metadata") return "属性";
  if (field == "document") return "文書全体";
  return "その他";
}

const char* ExplainKindLabel(const std::string& kind) {
  if (kind == "word") return "単語";
  if (kind == "unigram") return "1文字";
  if (kind == "bigram") return "2文字";
  if (kind == "synonym") return "同義語";
  if (kind == "feedback") return "上位文書の語";
  if (kind == "facet") return "属性の値";
  if (kind == "every_word") return "すべての語";
  return "その他";
}

std::string Hit(const SearchPage& page, const search::Hit& h) {
  const SearchState& st = page.state;
  std::string out = "<li class=\"hit" + std::string(h.partial ? " partial" : "") +
                    "\">\n<h2><a href=\"/doc/" + UrlEncode(h.id) +
                    "?back=" + UrlEncode(StateUrl(st)) + "\">" + Escape(h.title) + "</a></h2>\n";
  out += "<p class=\"meta\"><span class=\"badge badge-" + Escape(DocTypeCode(h.doc_type)) + "\">" +
         Escape(h.doc_type) + "</span> <time datetime=\"" + Escape(h.date) + "\">" +
         Escape(h.date) + "</time> <span class=\"docid\">" + Escape(h.id) + "</span>";
  if (h.confidentiality != "公開")
    out += " <span class=\"level\">" + Escape(h.confidentiality) + "</span>";
  if (h.partial) out += " <span class=\"partial-note\">一部の語のみ一致</span>";
  out += "</p>\n";
  if (!h.snippet.empty()) out += "<p class=\"snippet\">" + Snippet(h.snippet) + "</p>\n";
  std::string chips;
  for (const core::FieldDef& field : core::FacetFields()) {
    if (field.hit_tags != core::HitTags::kShown) continue;
    for (const auto& [k, labels] : h.facets) {
      if (k != field.key) continue;
      for (const auto& l : labels) {
        chips += "<a class=\"tag\" href=\"" + Escape(StateUrl(st.WithFilter(k, l))) + "\">" +
                 Escape(FieldLabel(k)) + ": " + Escape(l) + "</a> ";
      }
    }
  }
  if (!chips.empty()) out += "<p class=\"tags\">" + chips + "</p>\n";
  if (!h.explain.empty()) {
    out +=
        "<details class=\"explain\"><summary>この文書が出た理由</summary>\n<table><thead><tr><th "
        "scope=\"col\">語</th>"
        "<th scope=\"col\">種類</th><th scope=\"col\">一致した場所</th><th "
        "scope=\"col\">重み</th></tr></thead><tbody>\n";
    for (const auto& e : h.explain) {
      std::string fields;
      for (const auto& f : e.fields) {
        fields += (fields.empty() ? "" : "・") + std::string(ExplainFieldLabel(f));
      }
      char w[32];
      std::snprintf(w, sizeof w, "%.3f", e.weight);
      const std::string kind = ExplainKindLabel(e.kind);
      out += "<tr><td>" + Escape(e.text) + "</td><td>" + kind + "</td><td>" + fields + "</td><td>" +
             w + "</td></tr>\n";
    }
    out += "</tbody></table></details>\n";
  }
  out += "</li>\n";
  return out;
}

std::string Pagination(const SearchPage& page) {
  const SearchState& st = page.state;
  const uint64_t listed = page.response.total + page.response.partial_total;
  const int pages = static_cast<int>(std::min<uint64_t>(kMaxPage, (listed + st.per - 1) / st.per));
  if (pages <= 1) return "";
  std::string out = "<nav class=\"pages\" aria-label=\"ページ\"><ul>\n";
  if (st.page > 1)
    out += "<li><a rel=\"prev\" href=\"" + Escape(StateUrl(st.WithPage(st.page - 1))) +
           "\">前へ</a></li>\n";
  const int first = std::max(1, st.page - 4), last = std::min(pages, first + 8);
  for (int p = first; p <= last; ++p) {
    if (p == st.page) {
      out += "<li><span aria-current=\"page\">" + std::to_string(p) + "</span></li>\n";
    } else {
      out += "<li><a href=\"" + Escape(StateUrl(st.WithPage(p))) + "\">" + std::to_string(p) +
             "</a></li>\n";
    }
  }
  if (st.page < pages)
    out += "<li><a rel=\"next\" href=\"" + Escape(StateUrl(st.WithPage(st.page + 1))) +
           "\">次へ</a></li>\n";
  out += "</ul></nav>\n";
  return out;
}

}  // namespace

std::string SafeBackUrl(const std::string& candidate) {
  if (candidate == "/search" || candidate.rfind("/search?", 0) == 0) {
    for (char c : candidate) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '\\') return "";
    }
    return candidate;
  }
  return "";
}

std::string RenderSearchPage(const PageContext& ctx, const SearchPage& page) {
  const SearchState& st = page.state;
  const search::SearchResponse& r = page.response;
  const std::string title =
      (st.q.empty() ? std::string("検索") : "「" + st.q + "」の検索結果") + " - ゆいまーる";
  std::string out = Head(title) + Header(ctx, &st) + "<div class=\"layout\">\n" + Sidebar(page) +
                    "<main id=\"main\">\n";
  out += "<h1 class=\"visually-hidden\">検索結果</h1>\n";
  if (!r.shards_missing.empty()) {
    std::string names;
    for (const auto& n : r.shards_missing) names += (names.empty() ? "" : "、") + Escape(n);
    out += "<p class=\"notice shards-missing\" role=\"alert\">" + names +
           " の索引が応答しませんでした。件数と結果はそれ以外の索引のもので、一部です。</p>\n";
  }
  out += "<p class=\"summary\" role=\"status\">";
  if (!st.q.empty()) out += "「" + Escape(st.q) + "」: ";
  out += "<strong>" + FormatCount(r.total) + "</strong> 件";
  if (!r.shards_missing.empty()) out += "以上";
  if (r.interpretation.relaxed)
    out += "（すべての語を含む文書はありません。一部の語を含む文書を表示しています）";
  if (!r.interpretation.relaxed && r.partial_total > 0) {
    out += "（ほかに一部の語だけを含む文書 約" + FormatCount(r.partial_total) + " 件）";
  }
  char took[32];
  std::snprintf(took, sizeof took, "%.1f", r.took_ms);
  out += " <span class=\"took\">" + std::string(took) + " ミリ秒</span></p>\n";
  if (!r.interpretation.synonyms.empty()) {
    std::string words;
    for (const auto& w : r.interpretation.synonyms)
      words += (words.empty() ? "" : "、") + Escape(w);
    SearchState no_syn = st;
    no_syn.synonyms = false;
    out += "<p class=\"synonyms\">同義語も検索しました: " + words + " <a href=\"" +
           Escape(StateUrl(no_syn)) + "\">同義語を使わずに検索</a></p>\n";
  }
  std::string chips;
  for (const auto& s : r.interpretation.suggestions) {
    if (s.applied || st.HasFilter(s.key, s.value)) continue;
    const std::string shown =
        s.key == "fiscal_year" ? core::FiscalYearDisplay(std::atoi(s.value.c_str())) : s.value;
    chips += "<li class=\"chip\"><a href=\"" + Escape(StateUrl(st.WithFilter(s.key, s.value))) +
             "\">" + Escape(FieldLabel(s.key)) + ": " + Escape(shown) +
             " で絞り込む</a>"
             "<button type=\"button\" class=\"chip-dismiss\" hidden "
             "aria-label=\"この候補を閉じる\">×</button></li>\n";
  }
  if (!chips.empty()) {
    out +=
        "<section class=\"suggestions\" "
        "aria-label=\"絞り込みの候補\"><p>検索語から読み取った条件:</p><ul>\n" +
        chips + "</ul></section>\n";
  }
  out += "<nav class=\"sort\" aria-label=\"並べ替え\"><ul>";
  // Browsing without words is newest first (the server's default when there is no query).
  const std::string current_sort = st.q.empty() && st.sort.empty() ? "newest" : st.sort;
  for (const auto& [key, label] : std::vector<std::pair<std::string, std::string>>{
           {"", "関連度順"}, {"newest", "新しい順"}, {"oldest", "古い順"}}) {
    if (current_sort == key) {
      out += "<li><span aria-current=\"true\">" + label + "</span></li>";
    } else {
      out += "<li><a href=\"" + Escape(StateUrl(st.WithSort(key))) + "\">" + label + "</a></li>";
    }
  }
  SearchState toggled = st;
  toggled.explain = !st.explain;
  out += "<li><a href=\"" + Escape(StateUrl(toggled)) + "\">" +
         (st.explain ? "理由を隠す" : "出た理由を表示") + "</a></li></ul></nav>\n";
  if (r.hits.empty()) {
    out += "<section class=\"zero\"><h2>該当する文書がありません</h2>\n";
    if (!page.dropped.empty()) {
      out += "<p>次の絞り込みを外すと見つかります:</p><ul>\n";
      for (const auto& d : page.dropped) {
        out += "<li><a href=\"" + Escape(StateUrl(st.WithoutFilter(d.key, d.value))) + "\">" +
               Escape(d.label) + " を外す（" + FormatCount(d.total) + " 件）</a></li>\n";
      }
      out += "</ul>\n";
    }
    if (!r.interpretation.related.empty()) {
      out += "<p>関連する語で検索:</p><ul class=\"related-words\">\n";
      for (const auto& w : r.interpretation.related) {
        SearchState other = st;
        other.q = w;
        other.page = 1;
        out += "<li><a href=\"" + Escape(StateUrl(other)) + "\">" + Escape(w) + "</a></li>\n";
      }
      out += "</ul>\n";
    }
    out +=
        "<p>ヒント: 語を減らす、ひらがなを漢字に（または逆に）、「事業承継」のような短い語にする、"
        "期間の絞り込みを外す、などを試してください。</p></section>\n";
  } else {
    out += "<ol class=\"results\" start=\"" + std::to_string(r.hits.front().rank) + "\">\n";
    for (const auto& h : r.hits) out += Hit(page, h);
    out += "</ol>\n" + Pagination(page);
  }
  out += "</main>\n</div>\n" + Footer();
  return out;
}

namespace {

std::string CsrfField(const PageContext& ctx) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(ctx.csrf) + "\">";
}

// The form of a document page that puts the document, or one of its sections, into the pack:
// the headings are those of the reader's own view of the body.
std::string AddToPackForm(const PageContext& ctx, const search::DocumentView& d) {
  if (ctx.csrf.empty()) return "";
  const auto level = core::ParseClearance(d.confidentiality).value_or(core::Clearance::kPublic);
  const core::MarkdownContent content = core::ReadMarkdown(d.markdown, 1, level);
  std::string out = "<form class=\"pack-add\" action=\"/pack/add\" method=\"post\">" +
                    CsrfField(ctx) + "<input type=\"hidden\" name=\"doc\" value=\"" + Escape(d.id) +
                    "\"><label for=\"pack-section\">研修パックに追加</label> <select "
                    "id=\"pack-section\" name=\"section\"><option value=\"\">文書全体</option>";
  for (const core::TextBlock& b : content.blocks) {
    if (b.kind != core::TextBlock::Kind::kHeading || b.heading_level < 2) continue;
    out += "<option value=\"" + Escape(b.text) + "\">節: " + Escape(b.text) + "</option>";
  }
  return out + "</select> <button type=\"submit\">追加</button></form>\n";
}

std::string PackButton(const PageContext& ctx, size_t index, const char* op, const char* label) {
  return "<form class=\"inline\" action=\"/pack/edit\" method=\"post\">" + CsrfField(ctx) +
         "<input type=\"hidden\" name=\"op\" value=\"" + op +
         "\"><input type=\"hidden\" name=\"index\" value=\"" + std::to_string(index) +
         "\"><button type=\"submit\" data-op=\"" + op + "\">" + label + "</button></form>";
}

// A list of documents a document names or is named by (使用する事例, この事例を使う研修資料);
// nothing when the view has none of them, so a list of hidden ids does not show as empty.
std::string DocLinks(std::string_view heading_id, std::string_view heading,
                     const std::vector<search::DocLink>& links, const std::string& back_url) {
  if (links.empty()) return "";
  std::string out = "<section class=\"doc-links\" aria-labelledby=\"" + std::string(heading_id) +
                    "\"><h2 id=\"" + std::string(heading_id) + "\">" + std::string(heading) +
                    "</h2>\n<ul>\n";
  for (const search::DocLink& l : links) {
    out += "<li><a href=\"/doc/" + UrlEncode(l.id) +
           (back_url.empty() ? "" : "?back=" + UrlEncode(back_url)) + "\">" + Escape(l.title) +
           "</a> <span class=\"badge badge-" + Escape(DocTypeCode(l.doc_type)) + "\">" +
           Escape(l.doc_type) + "</span> <time datetime=\"" + Escape(l.date) + "\">" +
           Escape(l.date) + "</time></li>\n";
  }
  return out + "</ul></section>\n";
}

}  // namespace

std::string RenderDocumentPage(const PageContext& ctx, const DocumentPage& page) {
  const search::DocumentView& d = page.doc;
  std::string out = Head(d.title + " - ゆいまーる") + Header(ctx, nullptr) +
                    "<div class=\"layout doc\">\n<main id=\"main\">\n<article>\n";
  out += "<p class=\"back\"><a href=\"" +
         Escape(page.back_url.empty() ? "/search" : page.back_url) + "\">" +
         (page.back_url.empty() ? "検索へ" : "← 検索結果に戻る") + "</a></p>\n";
  out += "<h1>" + Escape(d.title) + "</h1>\n<p class=\"meta\"><span class=\"badge badge-" +
         Escape(DocTypeCode(d.doc_type)) + "\">" + Escape(d.doc_type) +
         "</span> <time datetime=\"" + Escape(d.date) + "\">" + Escape(d.date) + "</time></p>\n";
  out += "<table class=\"docmeta\"><caption>文書の情報</caption><tbody>\n";
  for (const auto& [label, value] : d.meta) {
    out += "<tr><th scope=\"row\">" + Escape(label) + "</th><td>" + Escape(value) + "</td></tr>\n";
  }
  out += "</tbody></table>\n" + AddToPackForm(ctx, d) +
         DocLinks("uses-cases-title", "使用する事例", d.uses_cases, page.back_url) +
         DocLinks("used-by-title", "この事例を使う研修資料", d.used_by, page.back_url) +
         "<div class=\"doc-body\">\n" + core::RenderMarkdownHtml(d.markdown) +
         "</div>\n</article>\n</main>\n";
  out +=
      "<aside class=\"related\" aria-labelledby=\"related-title\"><h2 "
      "id=\"related-title\">関連する文書</h2>\n";
  if (page.related.empty()) {
    out += "<p>見つかりませんでした。</p>\n";
  } else {
    out += "<ul>\n";
    for (const auto& r : page.related) {
      out += "<li><a href=\"/doc/" + UrlEncode(r.id) +
             (page.back_url.empty() ? "" : "?back=" + UrlEncode(page.back_url)) + "\">" +
             Escape(r.title) + "</a> <span class=\"badge badge-" + Escape(DocTypeCode(r.doc_type)) +
             "\">" + Escape(r.doc_type) + "</span> <time datetime=\"" + Escape(r.date) + "\">" +
             Escape(r.date) + "</time></li>\n";
    }
    out += "</ul>\n";
  }
  out += "</aside>\n</div>\n" + Footer();
  return out;
}

namespace {

// Documents per facet value of the whole view, as bars linked to the filtered search.
std::string DocumentCharts(const search::IndexStats& stats) {
  std::string out =
      "<h2>索引全体の文書数（全年度・絞り込みなし）</h2>\n<p>索引にある文書 <strong>" +
      FormatCount(stats.documents) +
      "</strong> 件の内訳です。棒を選ぶと、その条件で絞り込んだ検索に移ります。</p>\n";
  int chart_no = 0;
  for (const core::FieldDef* field : core::ChartFields()) {
    const std::string key(field->key);
    const std::string title(field->chart_title);
    const search::FacetResult* facet = nullptr;
    for (const auto& f : stats.facets) {
      if (f.key == key) facet = &f;
    }
    if (!facet || facet->values.empty()) continue;
    std::vector<search::FacetValueCount> values = facet->values;
    if (key == "fiscal_year") std::reverse(values.begin(), values.end());  // oldest first
    uint64_t max = 1;
    for (const auto& v : values) max = std::max(max, v.count);
    const int row = 28, label_w = 260, bar_w = 420;
    const int height = static_cast<int>(values.size()) * row + 10;
    const std::string id = "chart-" + std::to_string(++chart_no);
    out += "<figure class=\"chart\"><figcaption id=\"" + id + "\">" + Escape(title) +
           "の文書数</figcaption>\n"
           "<svg viewBox=\"0 0 " +
           std::to_string(label_w + bar_w + 70) + " " + std::to_string(height) +
           "\" role=\"img\" aria-labelledby=\"" + id + "\" class=\"bars\">\n";
    int y = 5;
    for (const auto& v : values) {
      const int w = static_cast<int>(static_cast<double>(bar_w) * static_cast<double>(v.count) /
                                     static_cast<double>(max));
      SearchState s;
      s.filters.emplace_back(key, v.label);
      const std::string shown =
          key == "fiscal_year" ? core::FiscalYearDisplay(std::atoi(v.label.c_str())) : v.label;
      out += "<a href=\"" + Escape(StateUrl(s)) + "\"><title>" +
             Escape(shown + ": " + std::to_string(v.count) + " 件") +
             "</title><text class=\"label\" x=\"" + std::to_string(label_w - 8) + "\" y=\"" +
             std::to_string(y + 17) + "\" text-anchor=\"end\">" + Escape(shown) +
             "</text><rect class=\"bar\" x=\"" + std::to_string(label_w) + "\" y=\"" +
             std::to_string(y + 4) + "\" width=\"" + std::to_string(std::max(w, 2)) +
             "\" height=\"" + std::to_string(row - 8) + "\"/><text class=\"value\" x=\"" +
             std::to_string(label_w + std::max(w, 2) + 6) + "\" y=\"" + std::to_string(y + 17) +
             "\">" + std::to_string(v.count) + "</text></a>\n";
      y += row;
    }
    out += "</svg></figure>\n";
  }
  return out;
}

// A horizontal bar chart (inline SVG, no outside resource) of `values`.
std::string Bars(const std::string& id, const std::vector<std::pair<std::string, double>>& values,
                 const std::string& unit) {
  double max = 1;
  for (const auto& [label, n] : values) max = std::max(max, n);
  const int row = 24, label_w = 260, bar_w = 360;
  const int height = static_cast<int>(values.size()) * row + 10;
  std::string out = "<svg viewBox=\"0 0 " + std::to_string(label_w + bar_w + 70) + " " +
                    std::to_string(height) + "\" role=\"img\" aria-labelledby=\"" + id +
                    "\" class=\"bars\">\n";
  int y = 5;
  for (const auto& [label, n] : values) {
    const int w = std::max(2, static_cast<int>(bar_w * n / max));
    const std::string count = std::to_string(static_cast<long long>(n));
    out += "<g><title>" + Escape(label + ": " + count + " " + unit) +
           "</title><text class=\"label\" x=\"" + std::to_string(label_w - 8) + "\" y=\"" +
           std::to_string(y + 16) + "\" text-anchor=\"end\">" + Escape(label) +
           "</text><rect class=\"bar\" x=\"" + std::to_string(label_w) + "\" y=\"" +
           std::to_string(y + 4) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
           std::to_string(row - 8) + "\"/><text class=\"value\" x=\"" +
           std::to_string(label_w + w + 6) + "\" y=\"" + std::to_string(y + 16) + "\">" + count +
           "</text></g>\n";
    y += row;
  }
  return out + "</svg>\n";
}

std::string CellHtml(const core::ReportCell& c) {
  if (!c.is_number) return Escape(c.text);
  if (c.number == static_cast<double>(static_cast<long long>(c.number))) {
    return FormatCount(static_cast<uint64_t>(c.number));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", c.number);
  return buf;
}

std::string SheetTable(const core::ReportSheet& sheet) {
  std::string out = "<table class=\"report\"><thead><tr>";
  for (const std::string& h : sheet.header) out += "<th scope=\"col\">" + Escape(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : sheet.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += i == 0 ? "<th scope=\"row\">" + CellHtml(row[i]) + "</th>"
                    : "<td>" + CellHtml(row[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string Downloads(ReportState state, const std::string& table, const std::string& what) {
  state.table = table;
  return "<p class=\"downloads\">" + Escape(what) + "をダウンロード: <a href=\"" +
         Escape(ReportUrl(state, "/dashboard.csv")) + "\">CSV</a> <a href=\"" +
         Escape(ReportUrl(state, "/dashboard.xlsx")) + "\">Excel</a></p>\n";
}

std::string YearForm(const DashboardPage& page) {
  std::vector<int> years = page.report.years;
  if (page.state.fiscal_year != core::kAllYears &&
      std::find(years.begin(), years.end(), page.state.fiscal_year) == years.end()) {
    years.push_back(page.state.fiscal_year);
  }
  std::sort(years.rbegin(), years.rend());
  std::string out =
      "<form class=\"report-year\" action=\"/dashboard\" method=\"get\">\n"
      "<label for=\"fiscal_year\">年度</label> <select id=\"fiscal_year\" name=\"fiscal_year\">\n";
  out += std::string("<option value=\"all\"") +
         (page.state.fiscal_year == core::kAllYears ? " selected" : "") + ">全年度</option>\n";
  for (int y : years) {
    out += "<option value=\"" + std::to_string(y) + "\"" +
           (y == page.state.fiscal_year ? " selected" : "") + ">" +
           Escape(core::FiscalYearDisplay(y)) + "</option>\n";
  }
  out += "</select>\n";
  for (const auto& [k, v] : page.state.filters) {
    out += "<input type=\"hidden\" name=\"" + Escape(k) + "\" value=\"" + Escape(v) + "\">\n";
  }
  out += "<button type=\"submit\">表示</button>\n</form>\n";
  if (!page.state.filters.empty()) {
    out += "<ul class=\"active\" aria-label=\"適用中の絞り込み\">";
    for (const auto& [k, v] : page.state.filters) {
      ReportState without = page.state;
      std::erase(without.filters, std::make_pair(k, v));
      out += "<li><a class=\"remove\" href=\"" + Escape(ReportUrl(without, "/dashboard")) + "\">" +
             Escape(FieldLabel(k)) + ": " + Escape(v) +
             " <span aria-hidden=\"true\">×</span></a></li>";
    }
    out += "</ul>\n";
  }
  return out;
}

// The 実績報告 of the chosen year: summary, then each table with its chart and downloads.
std::string ReportSection(const DashboardPage& page) {
  const core::Report& r = page.report;
  const std::string year = core::ReportYearLabel(r.fiscal_year);
  std::string out =
      "<section class=\"report\" aria-labelledby=\"report-title\">\n"
      "<h2 id=\"report-title\">" +
      Escape(year) + "の実績</h2>\n";
  out += "<p class=\"summary\">支援先数 <strong class=\"firms\">" + FormatCount(r.firms) +
         "</strong> 社（その年度に訪問メモ・事例・会議録などの文書がある企業）、文書 <strong "
         "class=\"documents\">" +
         FormatCount(r.documents) + "</strong> 件、橋渡し <strong>" + FormatCount(r.bridge_total) +
         "</strong> 件。";
  const double rate = core::SelfRunningRate(r);
  if (rate >= 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", rate);
    out += "自走化率 <strong class=\"self-running\">" + std::string(buf) +
           "%</strong>（支援の状況が" + "記録された " + FormatCount(r.outcome_firms) +
           " 社のうち " + FormatCount(r.self_running) + " 社）。";
  }
  out += "</p>\n" + Downloads(page.state, "", "すべての表");
  int chart_no = 0;
  for (const core::ReportSheet& sheet : core::ReportSheets(r)) {
    if (sheet.key == "summary") continue;
    const std::string id = "report-" + std::to_string(++chart_no);
    out += "<figure class=\"chart\" data-table=\"" + Escape(sheet.key) + "\"><figcaption id=\"" +
           id + "\">" + Escape(sheet.title) + "</figcaption>\n";
    std::vector<std::pair<std::string, double>> values;
    const size_t col = sheet.key == "bridge_to" ? sheet.header.size() - 1 : 1;
    for (const auto& row : sheet.rows) {
      if (row.size() > col && row[col].is_number) values.emplace_back(row[0].text, row[col].number);
    }
    out += Bars(id, values, sheet.key == "bridge_to" ? "件" : "社") + SheetTable(sheet) +
           Downloads(page.state, sheet.key, "この表") + "</figure>\n";
  }
  out += "<p class=\"note\">" + Escape(r.essential_issue_note) + "</p>\n</section>\n";
  return out;
}

}  // namespace

std::string RenderDashboard(const PageContext& ctx, const DashboardPage& page) {
  std::string out = Head("実績の見える化 - ゆいまーる") + Header(ctx, nullptr) +
                    "<main id=\"main\" class=\"dashboard\">\n<h1>実績の見える化</h1>\n";
  out += YearForm(page) + ReportSection(page) + DocumentCharts(page.stats);
  out += "</main>\n" + Footer();
  return out;
}

namespace {

std::string FollowupList(const std::string& title, const std::vector<core::FollowupFirm>& firms) {
  std::string out = "<section class=\"followups\"><h2>" + Escape(title) + "（" +
                    std::to_string(firms.size()) + " 社）</h2>\n";
  if (firms.empty()) return out + "<p>該当する企業はありません。</p></section>\n";
  out +=
      "<table class=\"report\"><thead><tr><th scope=\"col\">企業ID</th><th "
      "scope=\"col\">日付</th><th scope=\"col\">状況</th><th "
      "scope=\"col\">根拠の文書</th></tr></thead><tbody>\n";
  for (const core::FollowupFirm& f : firms) {
    out += "<tr><th scope=\"row\"><a href=\"/firm/" + UrlEncode(f.company_id) + "\">" +
           Escape(f.company_id) + "</a></th><td>" + Escape(f.date) + "</td><td>" +
           Escape(f.detail) + "</td><td><a href=\"/doc/" + UrlEncode(f.source) + "\">" +
           Escape(f.source) + "</a></td></tr>\n";
  }
  return out + "</tbody></table></section>\n";
}

}  // namespace

std::string RenderFollowupsPage(const PageContext& ctx, const core::Followups& f,
                                const core::FollowupOptions& options) {
  std::string out = Head("フォローアップ - ゆいまーる") + Header(ctx, nullptr) +
                    "<main id=\"main\" class=\"dashboard\">\n<h1>フォローアップ一覧</h1>\n<p>" +
                    Escape(options.today.ToString()) +
                    " 現在。企業IDを選ぶと、その企業の文書を古い順に"
                    "表示します。</p>\n";
  out += FollowupList("次回訪問が期限切れ・" + std::to_string(options.due_within_days) + "日以内",
                      f.next_visit_due);
  out += FollowupList(
      "⑤支援終了後の対応で " + std::to_string(options.quiet_months) + " か月以上記録なし",
      f.quiet_after_end);
  for (auto it = f.ended_by_year.rbegin(); it != f.ended_by_year.rend(); ++it) {
    out += FollowupList("支援終了 " + core::FiscalYearDisplay(it->first), it->second);
  }
  out += "</main>\n" + Footer();
  return out;
}

std::string RenderFirmPage(const PageContext& ctx, const std::string& company_id,
                           const std::vector<core::DocRecord>& records) {
  std::string out = Head("企業 " + company_id + " の経過 - ゆいまーる") + Header(ctx, nullptr) +
                    "<main id=\"main\" class=\"dashboard\">\n<h1>企業 " + Escape(company_id) +
                    " の経過</h1>\n<p>文書 " + FormatCount(records.size()) +
                    " 件（古い順）</p>\n<ol class=\"timeline\">\n";
  for (const core::DocRecord& r : records) {
    std::string facts;
    for (const auto& [key, labels] : r.facets) {
      if (key != "phase" && key != "outcome" && key != "bridge_to") continue;
      for (const std::string& l : labels) facts += (facts.empty() ? "" : "・") + l;
    }
    out += "<li><time datetime=\"" + Escape(r.date) + "\">" + Escape(r.date) +
           "</time> <span class=\"badge badge-" + Escape(DocTypeCode(r.doc_type)) + "\">" +
           Escape(r.doc_type) + "</span> <a href=\"/doc/" + UrlEncode(r.id) + "\">" +
           Escape(r.title) + "</a>" +
           (facts.empty() ? "" : " <span class=\"facts\">" + Escape(facts) + "</span>") +
           (r.next_visit.empty()
                ? ""
                : " <span class=\"next\">次回予定 " + Escape(r.next_visit) + "</span>") +
           "</li>\n";
  }
  out += "</ol>\n</main>\n" + Footer();
  return out;
}

std::string SafeNextUrl(const std::string& candidate) {
  const bool ours = candidate == "/" || candidate == "/dashboard" || candidate == "/search" ||
                    candidate.rfind("/dashboard?", 0) == 0 || candidate == "/followups" ||
                    candidate == "/pack" || candidate.rfind("/firm/", 0) == 0 ||
                    candidate.rfind("/search?", 0) == 0 || candidate.rfind("/doc/", 0) == 0;
  if (!ours) return "/";
  for (char c : candidate) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\') return "/";
  }
  return candidate;
}

std::string RenderLoginPage(const PageContext& ctx, const LoginForm& form) {
  std::string out = Head("ログイン - ゆいまーる") + Header(ctx, nullptr) +
                    "<main id=\"main\" class=\"login\">\n<h1>ログイン</h1>\n"
                    "<p>情報取扱者名簿に登録された ID とパスワードでログインしてください。</p>\n";
  if (!form.message.empty()) {
    out += "<p class=\"notice\" role=\"alert\">" + Escape(form.message) + "</p>\n";
  }
  out +=
      "<form action=\"/login\" method=\"post\" class=\"login-form\">\n"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      Escape(form.csrf) + "\">\n<input type=\"hidden\" name=\"next\" value=\"" +
      Escape(SafeNextUrl(form.next)) +
      "\">\n<p><label for=\"id\">ID</label><br><input id=\"id\" name=\"id\" "
      "autocomplete=\"username\" required value=\"" +
      Escape(form.id) +
      "\"></p>\n<p><label for=\"password\">パスワード</label><br><input id=\"password\" "
      "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
      "required></p>\n<p><button type=\"submit\">ログイン</button></p>\n</form>\n</main>\n" +
      Footer();
  return out;
}

std::string RenderPackPage(const PageContext& ctx, const PackBasketPage& page) {
  const toolkit::PackList& list = page.list;
  std::string out = Head("研修パック - ゆいまーる") + Header(ctx, nullptr) +
                    "<main id=\"main\" class=\"pack\">\n<h1>研修パック</h1>\n";
  out += "<form class=\"pack-meta\" action=\"/pack/edit\" method=\"post\">" + CsrfField(ctx) +
         "<input type=\"hidden\" name=\"op\" value=\"meta\">\n<p><label for=\"pack-title\">題名"
         "</label> <input id=\"pack-title\" name=\"title\" value=\"" +
         Escape(list.title) +
         "\"></p>\n<p><label for=\"pack-note\">表紙の一言</label><br><textarea id=\"pack-note\" "
         "name=\"note\" rows=\"3\" cols=\"60\">" +
         Escape(list.note) +
         "</textarea></p>\n<p><button type=\"submit\">保存</button></p></form>\n";
  if (list.items.empty()) {
    out +=
        "<p class=\"empty\">パックは空です。文書のページの「研修パックに追加」で加えます。</p>\n";
  } else {
    out += "<ol class=\"pack-items\">\n";
    for (size_t i = 0; i < list.items.size(); ++i) {
      const toolkit::PackItem& item = list.items[i];
      const std::string title = i < page.titles.size() ? page.titles[i] : "";
      out += "<li data-id=\"" + Escape(item.doc_id) + "\" data-section=\"" + Escape(item.section) +
             "\"><a href=\"/doc/" + UrlEncode(item.doc_id) + "\">" +
             Escape(title.empty() ? item.doc_id + "（閲覧できません）" : title) + "</a> " +
             Escape(item.doc_id) + (item.section.empty() ? "" : " 節: " + Escape(item.section)) +
             " " + PackButton(ctx, i, "up", "上へ") + PackButton(ctx, i, "down", "下へ") +
             PackButton(ctx, i, "remove", "外す") + "</li>\n";
    }
    out += "</ol>\n";
    out +=
        "<form class=\"pack-download\" action=\"/pack/download\" method=\"get\">\n"
        "<p><label for=\"pack-audience\">配布先の区分</label> <select id=\"pack-audience\" "
        "name=\"audience\"><option value=\"公開\">公開（勉強会など）</option><option "
        "value=\"内部\">内部</option><option value=\"機密\">機密</option></select>\n"
        "<label for=\"pack-format\">形式</label> <select id=\"pack-format\" name=\"format\">"
        "<option value=\"html\">印刷用 HTML</option><option value=\"md\">Markdown</option>"
        "<option value=\"docx\">Word</option><option value=\"pdf\">PDF</option></select>\n"
        "<button type=\"submit\">ダウンロード</button></p>\n"
        "<p class=\"note\">パックは、あなたの閲覧区分と配布先の区分の低い方で読んだ本文だけを含み"
        "ます。それを超える文書や節は省き、そのことを表紙に書きます。</p></form>\n";
  }
  return out + "</main>\n" + Footer();
}

std::string RenderErrorPage(const PageContext& ctx, int status, const std::string& message) {
  const std::string title = status == 404  ? "見つかりません"
                            : status < 500 ? "リクエストに誤りがあります"
                                           : "サーバーでエラーが起きました";
  return Head(title + " - ゆいまーる") + Header(ctx, nullptr) +
         "<main id=\"main\" class=\"error\">\n<h1>" + Escape(title) + "（" +
         std::to_string(status) + "）</h1>\n<p>" + Escape(message) +
         "</p>\n<p><a href=\"/search\">検索へ戻る</a></p>\n</main>\n" + Footer();
}

}  // namespace yuimaru::web
