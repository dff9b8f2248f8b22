// The offline site: static pages written from the ExportSet, and the search index as classic
// scripts (toolkit/search_index.h). Every page carries the same strict Content-Security-Policy;
// nothing refers outside the folder; the only scripts are the files under site/.
#include "toolkit/site.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/analyzer.h"
#include "core/doc_record.h"
#include "core/html.h"
#include "core/markdown_html.h"
#include "core/schema.h"
#include "toolkit/search_index.h"
#include "toolkit/site_assets.h"

namespace yuimaru::toolkit {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'";

// Where a page stands: the relative prefix from it to the folder's site/ directory.
enum class Depth { kTop, kSite, kSub };
std::string ToSite(Depth d) {
  switch (d) {
    case Depth::kTop:
      return "site/";
    case Depth::kSite:
      return "";
    case Depth::kSub:
      return "../";
  }
  return "";
}
std::string ToTop(Depth d) {
  switch (d) {
    case Depth::kTop:
      return "";
    case Depth::kSite:
      return "../";
    case Depth::kSub:
      return "../../";
  }
  return "";
}

// A file name for a document id: ASCII letters, digits, '-', '_' and '.' are kept (ids are
// such), anything else is written as _XX hex, so names stay portable on an ISO 9660/Joliet disc.
std::string SafeName(std::string_view id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : id) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '_';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out.empty() || out[0] == '.' ? "_" + out : out;
}

std::string DocHref(const core::DocRecord& r) { return "doc/" + SafeName(r.id) + ".html"; }

std::string Page(const ExportSet& set, Depth depth, std::string_view title, std::string_view main,
                 std::string_view scripts = {}) {
  using core::Escape;
  const std::string site = ToSite(depth);
  const std::string top = ToTop(depth);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kCsp) + "\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  h += "<title>" + Escape(title) + " — ゆいまーる " + std::string(EditionLabel(set.edition)) +
       "</title>\n";
  h += "<link rel=\"stylesheet\" href=\"" + site + "style.css\">\n</head>\n<body>\n";
  h += "<a class=\"skip\" href=\"#main\">本文へ移動</a>\n";
  h += "<header class=\"site\">\n<a class=\"brand\" href=\"" + top +
       "index.html\">ゆいまーる<span class=\"brand-sub\">" +
       std::string(EditionLabel(set.edition)) + "（オフライン版）</span></a>\n";
  h += "<form class=\"searchbox\" role=\"search\" data-search=\"" + site + "search.html\">\n";
  h += "<label class=\"visually-hidden\" for=\"q\">検索語</label>\n";
  h += "<input type=\"search\" id=\"q\" name=\"q\" placeholder=\"キーワードで検索（例: 事業承継 "
       "製造業）\" autocomplete=\"off\">\n<button type=\"submit\">検索</button>\n</form>\n";
  h += "<nav class=\"site-nav\" aria-label=\"サイト\"><a href=\"" + site +
       "browse.html\">分類から探す</a><a href=\"" + site + "glossary.html\">用語集</a></nav>\n";
  h += "</header>\n<main id=\"main\" class=\"page\">\n";
  h += main;
  h += "</main>\n<footer class=\"site\">ゆいまーる " + std::string(EditionLabel(set.edition)) +
       "・作成 " + Escape(set.generated_at) +
       "・この資料は CD-R から開いて読むためのもので、ネットワークには接続しません。</footer>\n";
  h += scripts;
  h += "<script src=\"" + site + "site.js\"></script>\n</body>\n</html>\n";
  return h;
}

// Links of a document body become inert text: the site refers to nothing outside the folder.
std::string InertLinks(std::string html) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    if (html.compare(i, 3, "<a ") == 0 || html.compare(i, 3, "<a>") == 0) {
      const size_t end = html.find('>', i);
      if (end == std::string::npos) break;
      out += "<span class=\"link-text\">";
      i = end + 1;
    } else if (html.compare(i, 4, "</a>") == 0) {
      out += "</span>";
      i += 4;
    } else {
      out += html[i++];
    }
  }
  return out;
}

// A browse facet: its values (in vocabulary order) and the documents of each.
struct FacetValue {
  int order = 0;
  std::string label;
  std::vector<size_t> docs;
};
struct Facet {
  const core::FieldDef* field;
  std::vector<FacetValue> values;
};

std::vector<std::string> ValuesOf(const core::DocRecord& r, const core::FieldDef& field) {
  for (const auto& [key, labels] : r.facets) {
    if (key == field.key) return labels;
  }
  if (field.key == "doc_type" && !r.doc_type.empty()) return {r.doc_type};
  return {};
}

std::vector<Facet> BrowseFacets(const ExportSet& set) {
  std::vector<Facet> facets;
  for (const core::FieldDef* field : core::SidebarFields()) {
    if (field->key == "confidentiality") continue;  // one value in an edition: nothing to browse
    std::map<std::string, FacetValue> by_label;
    for (size_t d = 0; d < set.docs.size(); ++d) {
      for (const auto& label : ValuesOf(set.docs[d].record, *field)) {
        FacetValue& v = by_label[label];
        if (v.label.empty()) {
          v.label = label;
          const auto id = core::FindValue(*field, label);
          v.order = id ? *id : 1 << 20;
        }
        v.docs.push_back(d);
      }
    }
    if (by_label.empty()) continue;
    Facet f{field, {}};
    for (auto& [label, v] : by_label) f.values.push_back(std::move(v));
    std::stable_sort(f.values.begin(), f.values.end(),
                     [](const FacetValue& a, const FacetValue& b) { return a.order < b.order; });
    facets.push_back(std::move(f));
  }
  return facets;
}

std::string ValueHref(const Facet& f, size_t v) {
  return "browse/" + std::string(f.field->key) + "-" + std::to_string(v) + ".html";
}

std::string DocList(const ExportSet& set, const std::vector<size_t>& docs, Depth depth) {
  using core::Escape;
  std::string h = "<ol class=\"results\">\n";
  for (size_t d : docs) {
    const core::DocRecord& r = set.docs[d].record;
    h += "<li class=\"hit\"><h2><a href=\"" + ToSite(depth) + DocHref(r) + "\">" + Escape(r.title) +
         "</a></h2><p class=\"meta\"><span class=\"badge\">" + Escape(r.doc_type) + "</span> " +
         Escape(r.id) + (r.date.empty() ? "" : " ・ ") + Escape(r.date) + "</p></li>\n";
  }
  return h + "</ol>\n";
}

std::string DocPage(const ExportSet& set, const core::DocRecord& r,
                    const std::map<std::string, size_t>& by_id) {
  using core::Escape;
  std::string m = "<article class=\"doc\">\n<h1>" + Escape(r.title) + "</h1>\n";
  m += "<table class=\"docmeta\"><caption>文書の情報</caption>\n";
  for (const auto& [label, value] : core::DisplayMeta(r)) {
    m += "<tr><th scope=\"row\">" + Escape(label) + "</th><td>" + Escape(value) + "</td></tr>\n";
  }
  m += "</table>\n<div class=\"doc-body\">\n" + InertLinks(core::RenderMarkdownHtml(r.markdown)) +
       "</div>\n";
  auto item = [](const core::DocRecord& other) {
    return "<li><a href=\"" + SafeName(other.id) + ".html\">" + Escape(other.title) +
           "</a> <span class=\"meta\">" + Escape(other.id) + "</span></li>\n";
  };
  // Documents of this edition only: an id the edition leaves out is not shown at all.
  auto list = [&](const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) {
      if (auto it = by_id.find(id); it != by_id.end()) out += item(set.docs[it->second].record);
    }
    return out;
  };
  std::string used_by;
  for (const auto& d : set.docs) {
    const auto& cases = d.record.uses_cases;
    if (std::find(cases.begin(), cases.end(), r.id) != cases.end()) used_by += item(d.record);
  }
  for (const auto& [heading, items] : {std::make_pair("使用する事例", list(r.uses_cases)),
                                       std::make_pair("この事例を使う研修資料", used_by),
                                       std::make_pair("関連文書", list(r.related))}) {
    if (items.empty()) continue;
    m += "<section class=\"related\"><h2>" + std::string(heading) + "</h2><ul>\n" + items +
         "</ul></section>\n";
  }
  m += "</article>\n";
  return Page(set, Depth::kSub, r.title, m);
}

// The facets the search page filters by (the ones issue 11 names).
bool IsFilterFacet(std::string_view key) {
  return key == "doc_type" || key == "industry" || key == "region" || key == "issues" ||
         key == "phase";
}

// docs.js: per document [id, href, title, doc_type, date, length, [[value numbers] per filter
// facet]], and the filter facets as {key, label, values}.
std::string DocsScript(const ExportSet& set, const OfflineIndex& index,
                       const std::vector<Facet>& facets) {
  std::vector<const Facet*> filters;
  for (const Facet& f : facets) {
    if (IsFilterFacet(f.field->key)) filters.push_back(&f);
  }
  std::vector<std::vector<std::vector<size_t>>> values(
      set.docs.size(), std::vector<std::vector<size_t>>(filters.size()));
  for (size_t f = 0; f < filters.size(); ++f) {
    for (size_t v = 0; v < filters[f]->values.size(); ++v) {
      for (size_t d : filters[f]->values[v].docs) values[d][f].push_back(v);
    }
  }
  std::string s =
      "(self.YUIMARU_SEARCH=self.YUIMARU_SEARCH||[]).push({\"kind\":\"docs\",\"facets\":[";
  for (size_t f = 0; f < filters.size(); ++f) {
    s += std::string(f > 0 ? "," : "") + "{\"key\":" + JsString(filters[f]->field->key) +
         ",\"label\":" + JsString(filters[f]->field->label) + ",\"values\":[";
    for (size_t v = 0; v < filters[f]->values.size(); ++v) {
      s += (v > 0 ? "," : "") + JsString(filters[f]->values[v].label);
    }
    s += "]}";
  }
  s += "],\n\"docs\":[";
  for (size_t d = 0; d < set.docs.size(); ++d) {
    const core::DocRecord& r = set.docs[d].record;
    if (d > 0) s += ",\n";
    s += "[" + JsString(r.id) + "," + JsString(DocHref(r)) + "," + JsString(r.title) + "," +
         JsString(r.doc_type) + "," + JsString(r.date) + "," + std::to_string(index.lengths[d]) +
         ",[";
    for (size_t f = 0; f < filters.size(); ++f) {
      s += f > 0 ? ",[" : "[";
      for (size_t v = 0; v < values[d][f].size(); ++v) {
        s += (v > 0 ? "," : "") + std::to_string(values[d][f][v]);
      }
      s += "]";
    }
    s += "]]";
  }
  return s + "]});\n";
}

Status WriteFile(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (ec || !out) {
    return MakeError(ErrorCode::kIo, "export.site.write",
                     "サイトのファイルを書けません: " + path.string());
  }
  return Status::Ok();
}

}  // namespace

Status WriteSite(const ExportSet& set, const fs::path& dir) {
  using core::Escape;
  auto analyzer = core::Analyzer::Create();
  if (!analyzer) return analyzer.error();
  std::vector<std::pair<std::string, std::string>> files;  // path under dir → content
  auto add = [&](std::string path, std::string content) {
    files.emplace_back(std::move(path), std::move(content));
  };
  add("site/style.css", std::string(SiteCss()));
  add("site/site.js", std::string(SiteJs()));
  add("site/search.js", std::string(SearchJs()));

  std::map<std::string, size_t> by_id;
  for (size_t d = 0; d < set.docs.size(); ++d) by_id.emplace(set.docs[d].record.id, d);
  for (const ExportDoc& doc : set.docs) {
    add("site/" + DocHref(doc.record), DocPage(set, doc.record, by_id));
  }

  // Browse: one page per facet value, a list of the facets.
  const std::vector<Facet> facets = BrowseFacets(set);
  std::string browse = "<h1>分類から探す</h1>\n";
  for (const Facet& f : facets) {
    browse += "<section class=\"facet\"><h2 id=\"" + std::string(f.field->key) + "\">" +
              Escape(f.field->label) + "</h2><ul class=\"values\">\n";
    for (size_t v = 0; v < f.values.size(); ++v) {
      const FacetValue& value = f.values[v];
      browse += "<li><a href=\"" + ValueHref(f, v) + "\">" + Escape(value.label) +
                "</a> <span class=\"count\">" + std::to_string(value.docs.size()) +
                "件</span></li>\n";
      add("site/" + ValueHref(f, v),
          Page(set, Depth::kSub, std::string(f.field->label) + ": " + value.label,
               "<p class=\"crumbs\"><a href=\"../browse.html#" + std::string(f.field->key) + "\">" +
                   Escape(f.field->label) + "</a></p>\n<h1>" + Escape(f.field->label) + ": " +
                   Escape(value.label) + "</h1>\n<p class=\"summary\">" +
                   std::to_string(value.docs.size()) + "件の文書</p>\n" +
                   DocList(set, value.docs, Depth::kSub)));
    }
    browse += "</ul></section>\n";
  }
  add("site/browse.html", Page(set, Depth::kSite, "分類から探す", browse));

  // Glossary: the controlled vocabularies the documents are classified with, as used here.
  std::string glossary =
      "<h1>用語集</h1>\n<p>この資料の文書を分類している用語と、その別の書き方です。</p>\n<dl "
      "class=\"glossary\">\n";
  for (const Facet& f : facets) {
    glossary += "<dt>" + Escape(f.field->label) + "</dt><dd><ul>\n";
    for (size_t v = 0; v < f.values.size(); ++v) {
      std::string aliases;
      for (const core::VocabEntry& e : f.field->vocab) {
        if (e.label != f.values[v].label) continue;
        for (auto a : e.aliases) aliases += (aliases.empty() ? "" : "、") + Escape(a);
      }
      glossary += "<li><a href=\"" + ValueHref(f, v) + "\">" + Escape(f.values[v].label) + "</a>" +
                  (aliases.empty() ? "" : "（別の書き方: " + aliases + "）") + "</li>\n";
    }
    glossary += "</ul></dd>\n";
  }
  add("site/glossary.html", Page(set, Depth::kSite, "用語集", glossary + "</dl>\n"));

  // Search: the index as classic scripts, loaded by the search page before search.js.
  std::vector<std::vector<IndexField>> fields;
  fields.reserve(set.docs.size());
  for (const ExportDoc& doc : set.docs) fields.push_back(SearchableFields(doc.record));
  const OfflineIndex index = BuildOfflineIndex(fields, *analyzer);
  std::string scripts = "<script src=\"search/docs.js\"></script>\n";
  add("site/search/docs.js", DocsScript(set, index, facets));
  for (IndexScript& s : IndexScripts(index)) {
    scripts += "<script src=\"search/" + s.name + "\"></script>\n";
    add("site/search/" + s.name, std::move(s.content));
  }
  scripts += "<script src=\"search.js\"></script>\n";
  add("site/search.html", Page(set, Depth::kSite, "検索",
                               "<h1>検索</h1>\n<p id=\"status\" class=\"summary\" "
                               "role=\"status\">索引を読み込んでいます…"
                               "</p>\n<noscript><p>検索には JavaScript "
                               "が必要です。「分類から探す」からも文書を開けます。"
                               "</p></noscript>\n<div id=\"filters\" class=\"filters\"></div>\n<ol "
                               "id=\"results\" class=\"results\"></ol>\n",
                               scripts));

  // Start page.
  std::string start = "<h1>ゆいまーる " + std::string(EditionLabel(set.edition)) + "</h1>\n";
  start += "<p class=\"summary\">" + std::to_string(set.docs.size()) + "件の文書（作成 " +
           Escape(set.generated_at) + "）。上の検索欄で探すか、分類から開いてください。</p>\n";
  for (const Facet& f : facets) {
    start +=
        "<section class=\"facet\"><h2>" + Escape(f.field->label) + "</h2><ul class=\"values\">\n";
    for (size_t v = 0; v < f.values.size(); ++v) {
      start += "<li><a href=\"site/" + ValueHref(f, v) + "\">" + Escape(f.values[v].label) +
               "</a> <span class=\"count\">" + std::to_string(f.values[v].docs.size()) +
               "件</span></li>\n";
    }
    start += "</ul></section>\n";
  }
  start += "<p><a href=\"site/glossary.html\">用語集</a></p>\n";
  add("index.html", Page(set, Depth::kTop, "トップ", start));

  for (const auto& [path, content] : files) {
    if (auto s = WriteFile(dir / path, content); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace yuimaru::toolkit
