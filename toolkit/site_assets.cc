// The offline site's style sheet and scripts (the server's look, web/assets.cc, copied: the
// site must not depend on web/). Served as files under site/, never inline (CSP).
#include "toolkit/site_assets.h"

namespace yuimaru::toolkit {
namespace {

constexpr std::string_view kCss = R"CSS(
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #0b5394; --bg: #f7f9fb;
        --mark: #ffe58a; --focus: #d35400; --private: #fdf2e9; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans CJK JP", "IPAGothic", "IPAPGothic", sans-serif; color: var(--ink);
       background: #fff; line-height: 1.7; }
body { margin: 0; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.site { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center;
  padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--bg); }
.brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; color: var(--ink); }
.brand-sub { display: block; font-size: .7rem; font-weight: 400; color: var(--muted); }
.searchbox { display: flex; flex: 1 1 24rem; gap: .5rem; }
.searchbox input[type=search] { flex: 1; font-size: 1rem; padding: .5rem .75rem;
  border: 1px solid #9aa5b1; border-radius: 6px; }
button { font: inherit; padding: .45rem 1rem; border-radius: 6px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; }
.site-nav a { margin-right: .75rem; }
.session { margin: 0; font-size: .85rem; color: var(--muted); }
.session form.logout { display: inline; } .session button { font-size: .85rem; }
.login-form input { width: min(24rem, 100%); padding: .4rem; font-size: 1rem; }
.notice { border-left: 4px solid #b3261e; padding: .5rem .75rem; background: #fdecea; }
.layout { display: grid; grid-template-columns: 17rem 1fr; gap: 1.5rem; padding: 1rem 1.25rem;
  max-width: 80rem; margin: 0 auto; }
.layout.doc { grid-template-columns: 1fr 18rem; }
.facets h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.facet h3, .active h3 { font-size: .95rem; margin: 1rem 0 .25rem; color: var(--muted); }
.facets ul { list-style: none; margin: 0; padding: 0; }
.facets li a { display: flex; gap: .35rem; padding: .15rem .25rem; text-decoration: none;
  border-radius: 4px; color: var(--ink); }
.facets li a:hover { background: var(--bg); }
.facets li a.selected { background: #e3effb; font-weight: 700; }
.facets .count { margin-left: auto; color: var(--muted); font-size: .85rem; }
.active a.remove { background: #e3effb; margin-bottom: .25rem; }
form.dates { display: grid; gap: .25rem; font-size: .9rem; }
form.dates input { font: inherit; padding: .25rem; }
.summary { margin: 0 0 .5rem; }
.took { color: var(--muted); font-size: .8rem; }
.suggestions ul, .sort ul, .pages ul, .related-words { list-style: none; display: flex; flex-wrap: wrap;
  gap: .5rem; padding: 0; margin: .25rem 0 .75rem; }
.chip { display: inline-flex; align-items: center; gap: .25rem; background: #fff8e1;
  border: 1px solid #e0b000; border-radius: 999px; padding: .1rem .75rem; }
.chip button { padding: 0 .4rem; background: transparent; color: var(--ink); border: 0; }
.sort span[aria-current] { font-weight: 700; }
ol.results { padding-left: 1.5rem; }
.hit { margin-bottom: 1.25rem; }
.hit h2 { font-size: 1.1rem; margin: 0; }
.hit.partial { opacity: .9; }
.meta { margin: .15rem 0; font-size: .85rem; color: var(--muted); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 4px; background: #e4e7eb; color: var(--ink); }
.badge-karte { background: #e8f5e9; } .badge-visit-memo { background: #e3f2fd; }
.badge-case { background: #fff3e0; } .badge-team-minutes, .badge-committee-minutes { background: #f3e5f5; }
.badge-training { background: #fce4ec; } .badge-method { background: #e0f7fa; }
.level { border: 1px solid #9aa5b1; border-radius: 4px; padding: 0 .35rem; }
.partial-note { font-style: italic; }
.snippet { margin: .25rem 0; }
mark { background: var(--mark); color: inherit; padding: 0 .1rem; }
.tags { margin: .25rem 0; font-size: .8rem; }
.tag { margin-right: .5rem; color: var(--muted); }
details.explain table, table.docmeta, .doc-body table { border-collapse: collapse; font-size: .85rem; }
details.explain td, details.explain th, table.docmeta th, table.docmeta td, .doc-body td, .doc-body th {
  border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
table.docmeta { margin: 1rem 0; width: 100%; }
table.docmeta caption { text-align: left; font-weight: 700; }
table.docmeta th { background: var(--bg); width: 10rem; }
.table-wrap { overflow-x: auto; }
.doc-body h2 { border-bottom: 1px solid var(--line); }
section.private { background: var(--private); border-left: 4px solid #d35400; padding: .25rem 1rem; margin: 1rem 0; }
.private-label { font-weight: 700; color: #8a3c00; margin: .25rem 0; }
.zero { background: var(--bg); padding: 1rem; border-radius: 8px; }
.pages span[aria-current] { font-weight: 700; }
.chart { margin: 1.5rem 0; max-width: 52rem; }
.chart figcaption { font-weight: 700; }
svg.bars { width: 100%; height: auto; }
svg.bars .bar { fill: #4a7fb8; }
svg.bars a:hover .bar, svg.bars a:focus .bar { fill: #0b5394; }
svg.bars text { font-size: 13px; fill: #1f2933; }
footer.site { border-top: 1px solid var(--line); padding: 1rem 1.25rem; font-size: .8rem; color: var(--muted); }
main.dashboard, main.error { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; }
@media (max-width: 48rem) {
  .layout, .layout.doc { grid-template-columns: 1fr; }
  .facets { order: 2; }
  header.site { padding: .5rem; }
}
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin: .5rem 0 1rem; font-size: .9rem; }
.filters select { font: inherit; padding: .2rem; max-width: 14rem; }
.page { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; }
.values { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; }
.values .count, .facet .count { color: var(--muted); font-size: .85rem; }
.crumbs { font-size: .9rem; margin: 0; }
.link-text { text-decoration: underline dotted; }
.related ul { padding-left: 1.25rem; }
dl.glossary dt { font-weight: 700; margin-top: 1rem; }
dl.glossary dd { margin-left: 1rem; }
)CSS";

constexpr std::string_view kSiteJs =
    R"JS(// The search box of every page: forms do not submit (form-action 'none'), so the query opens
// the search page, whose own script searches the index loaded beside it.
"use strict";
(function () {
  var forms = document.querySelectorAll("form[data-search]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = form.querySelector("input[name=q]").value;
      var target = form.getAttribute("data-search");
      if (self.yuimaruShow && /search\.html$/.test(location.pathname)) {
        try { history.replaceState(null, "", "?q=" + encodeURIComponent(q)); } catch (err) { /* file:// in some browsers */ }
        self.yuimaruShow(q);
      } else {
        location.href = target + "?q=" + encodeURIComponent(q);
      }
    });
  });
})();
)JS";

constexpr std::string_view kSearchJs =
    R"JS(// yuimaru offline search: the index scripts loaded before this one pushed their parts onto
// self.YUIMARU_SEARCH. The query is normalized and segmented as the server does (core/normalizer,
// ICU words through Intl.Segmenter, character bigrams), and ranked as the server does: BM25
// (k1 0.5, b 0.6) over words and bigrams, every clause's text required first, then any word.
"use strict";
(function () {
  var parts = self.YUIMARU_SEARCH || [];
  var docs = [], facets = [], termParts = [], texts = [];
  for (var i = 0; i < parts.length; i++) {
    var p = parts[i];
    if (p.kind === "docs") { docs = p.docs; facets = p.facets || []; }
    else if (p.kind === "terms") termParts.push(p.t);
    else if (p.kind === "text") for (var j = 0; j < p.t.length; j++) texts[p.start + j] = p.t[j];
  }
  var N = docs.length, avgLen = 0;
  for (var d = 0; d < N; d++) avgLen += docs[d][5];
  avgLen = N ? avgLen / N : 1;

  // ---- normalization (core/normalizer.cc) ----
  var INDEX_CHAR = /^[\p{L}\p{M}\p{Nd}\p{Nl}\p{No}]$/u;
  function isIndexChar(c) { return INDEX_CHAR.test(c); }
  function isHiragana(c) { var n = c.codePointAt(0); return n >= 0x3041 && n <= 0x309F; }
  function isKatakana(c) { var n = c.codePointAt(0); return (n >= 0x30A1 && n <= 0x30FA) || n === 0x30FC; }
  function isDigit(c) { return c >= "0" && c <= "9"; }
  var FOLD = { "\u301C": "~", "\u2053": "~", "\u223C": "~" };
  ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2043", "\u2212", "\uFE58", "\uFE63"]
    .forEach(function (c) { FOLD[c] = "-"; });
  function normalize(text) {
    // NFKC_Casefold, approximated: NFKC, case folding, NFKC again, default ignorables removed.
    var s = text.normalize("NFKC").toLowerCase().normalize("NFKC").replace(/\p{Default_Ignorable_Code_Point}/gu, "");
    var a = Array.from(s).map(function (c) { return FOLD[c] || c; });
    var n = a.length, orig = a.slice();
    for (var i = 1; i + 1 < n; i++) {
      var prev = orig[i - 1], next = orig[i + 1];
      if (orig[i] === "\u30FC" && isDigit(prev) && isDigit(next)) a[i] = "-";
      else if ("\u30F6\u30F5\u30B1\u30AB".indexOf(orig[i]) >= 0 && (isDigit(prev) || "一二三四五六七八九十百何数".indexOf(prev) >= 0) &&
               "月所国年条".indexOf(next) >= 0) a[i] = "\u304B";
    }
    var out = [], run = 0;
    for (var k = 0; k < n; k++) {
      var c = a[k];
      var drop = c === "\u30FC" && run >= 3 && (k + 1 === n || !isKatakana(a[k + 1]));
      run = isKatakana(c) ? run + 1 : 0;
      if (!drop) out.push(c);
    }
    return out;  // code points
  }
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("ja", { granularity: "word" }) : null;
  function words(norm) {
    var s = norm.join(""), out = [];
    if (!segmenter) return out;
    var it = segmenter.segment(s)[Symbol.iterator](), r;
    while (!(r = it.next()).done) if (r.value.isWordLike) out.push(r.value.segment);
    return out;
  }
  var QUESTION = ["何", "なに", "なん", "どこ", "誰", "だれ", "いつ", "どの", "どれ", "どう", "どんな", "なぜ", "何故",
                  "いくつ", "いくら", "どちら", "ですか", "ますか", "でしょう", "何か"];
  function runsOf(norm) {
    var runs = [], cur = [];
    for (var i = 0; i < norm.length; i++) {
      if (isIndexChar(norm[i])) cur.push(norm[i]);
      else if (cur.length) { runs.push(cur); cur = []; }
    }
    if (cur.length) runs.push(cur);
    return runs;
  }

  // ---- the query (search/query_parser, query_builder) ----
  function parse(query) {
    var q = normalize(query).join(""), clauses = [], re = /(-?)"([^"]*)"|(\S+)/g, m;
    while ((m = re.exec(q))) {
      if (m[3] !== undefined) {
        var t = m[3], neg = t.length > 1 && t[0] === "-";
        clauses.push({ text: neg ? t.slice(1) : t, negated: neg, phrase: false });
      } else clauses.push({ text: m[2], negated: m[1] === "-", phrase: true });
    }
    var terms = {}, order = [], out = { clauses: [], terms: [], highlights: [] };
    function add(term, weight, content) {
      if (terms[term]) { terms[term].weight += weight; terms[term].content = terms[term].content || content; return; }
      terms[term] = { term: term, weight: weight, content: content };
      order.push(terms[term]);
    }
    clauses.forEach(function (c) {
      var norm = Array.from(c.text), runs = runsOf(norm);
      if (!runs.length) return;
      out.clauses.push({ runs: runs.map(function (r) { return r.join(""); }), negated: c.negated, phrase: c.phrase });
      if (c.negated) return;
      out.highlights.push(runs.map(function (r) { return r.join(""); }));
      runs.forEach(function (r) {  // the spellings inside longer words (ルギ of エネルギー), but not one character
        contextVariants(r).forEach(function (v) { if (v.cps.length >= 2) out.highlights.push([v.cps.join("")]); });
      });
      words(norm).forEach(function (w) {
        var len = Array.from(w).length;
        if (len === 0 || len > 40 || (len === 1 && isHiragana(w))) return;
        var question = QUESTION.indexOf(w) >= 0, kana = Array.from(w).every(isHiragana);
        add(w, (question ? 0 : 1) * (kana ? 0.5 : 1), !question && !kana);
      });
      for (var i = 0; i + 1 < norm.length; i++) {
        if (!isIndexChar(norm[i]) || !isIndexChar(norm[i + 1])) continue;
        var kana2 = isHiragana(norm[i]) && isHiragana(norm[i + 1]);
        add("B" + norm[i] + norm[i + 1], 0.5 * (kana2 ? 0.5 : 1), !kana2);
      }
    });
    out.terms = order;
    return out;
  }

  var cache = new Map();  // decoded posting lists of this page's searches
  function postings(term) {
    if (cache.has(term)) return cache.get(term);
    if (cache.size > 20000) cache.clear();
    var s;
    for (var i = 0; i < termParts.length && s === undefined; i++) s = termParts[i][term];
    var list = { docs: [], wdf: [] };
    if (s) {
      var items = s.split(","), doc = 0;
      for (var k = 0; k < items.length; k++) {
        var it = items[k], colon = it.indexOf(":");
        doc += parseInt(colon < 0 ? it : it.slice(0, colon), 36);
        list.docs.push(doc);
        list.wdf.push(colon < 0 ? 1 : parseInt(it.slice(colon + 1), 36));
      }
    }
    cache.set(term, list);
    return list;
  }
  function docSet(list) { var s = new Set(); for (var i = 0; i < list.docs.length; i++) s.add(list.docs[i]); return s; }
  function intersect(a, b) { if (a === null) return b; var o = new Set(); b.forEach(function (x) { if (a.has(x)) o.add(x); }); return o; }

  // How a run reads inside text whose folds saw more context (core::ContextVariants): the
  // tail ミラー of サイドミラー was folded to ミラ there; ヶ月 of 3ヶ月 to か月.
  var COUNTER_KA = "\u30F6\u30F5\u30B1\u30AB", COUNTER_NOUN = "月所国年条";
  function isNumeral(c) { return isDigit(c) || "一二三四五六七八九十百何数".indexOf(c) >= 0; }
  function contextVariants(cps) {
    var out = [], n = cps.length, lead = 0;
    while (lead < n && isKatakana(cps[lead])) lead++;
    var mark = lead >= 1 && cps[lead - 1] === "\u30FC" && lead - 1 < 3 && n > 1;
    var first = n >= 2 && COUNTER_KA.indexOf(cps[0]) >= 0 && COUNTER_NOUN.indexOf(cps[1]) >= 0;
    var last = n >= 2 && COUNTER_KA.indexOf(cps[n - 1]) >= 0 && isNumeral(cps[n - 2]);
    for (var edits = 1; edits < 8; edits++) {  // a run may need two at once (ター3ヶ in データー3ヶ月)
      var m = (edits & 1) !== 0, f = (edits & 2) !== 0, l = (edits & 4) !== 0, text = [];
      if ((m && !mark) || (f && !first) || (l && !last)) continue;
      for (var i = 0; i < n; i++) {
        if (m && i === lead - 1) continue;
        text.push((f && i === 0) || (l && i === n - 1) ? "\u304B" : cps[i]);
      }
      if (text.length) out.push({ cps: text, kataBefore: m ? 3 - (lead - 1) : 0, noKataAfter: m && lead === n,
                                  numeralBefore: f, nounAfter: l });
    }
    return out;
  }
  function occursInContext(t, v) {
    var s = v.cps.join(""), from = 0, pos;
    while (s && (pos = t.indexOf(s, from)) >= 0) {
      from = pos + 1;
      var after = t.charAt(pos + s.length), ok = true;
      if (v.noKataAfter && after && isKatakana(after)) ok = false;
      if (v.nounAfter && COUNTER_NOUN.indexOf(after || "x") < 0) ok = false;
      if (v.numeralBefore && !(pos > 0 && isNumeral(t.charAt(pos - 1)))) ok = false;
      for (var k = 1; ok && k <= (v.kataBefore || 0); k++) if (pos - k < 0 || !isKatakana(t.charAt(pos - k))) ok = false;
      if (ok) return true;
    }
    return false;
  }
  // Documents that may hold a run: those with all its bigrams; for one character, a scan.
  function spellingDocs(cps) {
    if (cps.length === 1) {
      var s = docSet(postings(cps[0]));
      for (var d = 0; d < N; d++) if (!s.has(d) && texts[d] && texts[d].indexOf(cps[0]) >= 0) s.add(d);
      return s;
    }
    var c = null;
    for (var i = 0; i + 1 < cps.length; i++) c = intersect(c, docSet(postings("B" + cps[i] + cps[i + 1])));
    return c || new Set();
  }
  // Documents whose visible text holds every run of the clause, exactly.
  function clauseMatches(clause) {
    var cand = null;
    clause.runs.forEach(function (run) {
      var cps = Array.from(run), s = new Set(spellingDocs(cps));
      contextVariants(cps).forEach(function (v) { if (v.cps.length) spellingDocs(v.cps).forEach(function (d) { s.add(d); }); });
      cand = intersect(cand, s);
    });
    var out = new Set();
    if (cand) cand.forEach(function (d) {
      var t = texts[d] || "";
      if (clause.runs.every(function (r) {
        var cps = Array.from(r), vs = contextVariants(cps);
        return (cps.length < 3 && !vs.length) || t.indexOf(r) >= 0 || vs.some(function (v) { return occursInContext(t, v); });
      })) out.add(d);
    });
    return out;
  }

  function idf(n) { var w = Math.log((N - n + 0.5) / (n + 0.5)); return w < 2 ? w * 0.5 + 1 : w; }
  function rank(parsed, matchSet) {
    var scores = new Map(), k1 = 0.5, b = 0.6;
    parsed.terms.forEach(function (t) {
      if (!t.weight) return;
      var list = postings(t.term), w = t.weight * idf(list.docs.length);
      for (var i = 0; i < list.docs.length; i++) {
        var d = list.docs[i];
        if (!matchSet.has(d)) continue;
        var f = list.wdf[i], K = k1 * ((1 - b) + b * Math.max(docs[d][5] / avgLen, 0.5));
        scores.set(d, (scores.get(d) || 0) + w * f * (k1 + 1) / (K + f));
      }
    });
    var ranked = [];
    matchSet.forEach(function (d) { ranked.push([d, scores.get(d) || 0]); });
    ranked.sort(function (x, y) { return y[1] - x[1] || (docs[x[0]][0] < docs[y[0]][0] ? -1 : 1); });
    return ranked;
  }

  // Returns {mode: "strict"|"relaxed"|"none", hits: [[doc number, score]], parsed}.
  function search(query) {
    var parsed = parse(query), positive = parsed.clauses.filter(function (c) { return !c.negated; });
    if (!positive.length) return { mode: "none", hits: [], parsed: parsed };
    var excluded = new Set();
    parsed.clauses.forEach(function (c) { if (c.negated) clauseMatches(c).forEach(function (d) { excluded.add(d); }); });
    var strict = null, required = null;
    positive.forEach(function (c) {
      var m = clauseMatches(c);
      strict = intersect(strict, m);
      if (c.phrase) required = intersect(required, m);
    });
    excluded.forEach(function (d) { strict.delete(d); });
    var hits = rank(parsed, strict);
    if (positive.every(function (c) { return c.phrase; })) return { mode: "strict", hits: hits, strict: hits.length, parsed: parsed };
    // Then, as the server's partial fill, the documents with any content word of the query.
    var relaxed = new Set();
    parsed.terms.forEach(function (t) {
      if (!t.content || !t.weight) return;
      postings(t.term).docs.forEach(function (d) {
        if (!excluded.has(d) && !strict.has(d) && (required === null || required.has(d))) relaxed.add(d);
      });
    });
    return { mode: hits.length ? "strict" : "relaxed", hits: hits.concat(rank(parsed, relaxed)), strict: hits.length, parsed: parsed };
  }

  // A snippet of the document's text around the first match, matches marked.
  function snippet(d, highlights) {
    var t = texts[d] || "", lines = t.split("\n"), needles = [];
    highlights.forEach(function (runs) { runs.forEach(function (r) { if (r.length) needles.push(r); }); });
    needles.sort(function (a, b) { return b.length - a.length; });
    var best = 0, bestLine = 0, bestCount = -1;
    for (var i = 0; i < lines.length; i++) {
      var count = 0, first = -1;
      needles.forEach(function (n) { var p = lines[i].indexOf(n); if (p >= 0) { count++; if (first < 0 || p < first) first = p; } });
      // The title (line 0) is shown already: a body line with as many matches is better.
      if (count > bestCount || (bestLine === 0 && count === bestCount && count > 0 && i > 0)) { bestCount = count; bestLine = i; best = Math.max(first, 0); }
    }
    if (bestCount <= 0 && lines.length > 1) bestLine = 1;
    var line = lines[bestLine] || "", start = Math.max(0, best - 30), text = line.slice(start, start + 120);
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    var pos = 0;
    while (pos < text.length) {
      var at = -1, len = 0;
      needles.forEach(function (n) { var p = text.indexOf(n, pos); if (p >= 0 && (at < 0 || p < at || (p === at && n.length > len))) { at = p; len = n.length; } });
      if (at < 0) { frag.appendChild(document.createTextNode(text.slice(pos))); break; }
      if (at > pos) frag.appendChild(document.createTextNode(text.slice(pos, at)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(at, at + len);
      frag.appendChild(mark);
      pos = at + len;
    }
    if (start + 120 < line.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  // Facet filters: one select per facet; a hit stays when it has every selected value.
  var selected = [], lastQuery = "";
  function buildFilters() {
    var box = document.getElementById("filters");
    if (!box || !facets.length) return;
    facets.forEach(function (f, i) {
      selected[i] = -1;
      var label = el("label", "filter"), select = document.createElement("select");
      label.appendChild(document.createTextNode(f.label + " "));
      select.name = f.key;
      var all = el("option", "", "すべて");
      all.value = "-1";
      select.appendChild(all);
      f.values.forEach(function (v, j) { var o = el("option", "", v); o.value = String(j); select.appendChild(o); });
      select.addEventListener("change", function () { selected[i] = Number(select.value); show(lastQuery); });
      label.appendChild(select);
      box.appendChild(label);
    });
  }
  function passes(d) {
    for (var i = 0; i < selected.length; i++) {
      if (selected[i] >= 0 && !(docs[d][6] && docs[d][6][i] && docs[d][6][i].indexOf(selected[i]) >= 0)) return false;
    }
    return true;
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e; }
  function show(query) {
    var status = document.getElementById("status"), list = document.getElementById("results");
    if (!status || !list) return;
    list.textContent = "";
    if (!query.trim()) { status.textContent = "検索語を入力してください。"; return; }
    lastQuery = query;
    var t0 = performance.now(), r = search(query), ms = performance.now() - t0;
    if (selected.some(function (v) { return v >= 0; })) {
      var strictKept = 0;
      r.hits = r.hits.filter(function (h, i) { var ok = passes(h[0]); if (ok && i < r.strict) strictKept++; return ok; });
      r.strict = strictKept;
    }
    var shown = r.hits.slice(0, 50);
    status.textContent = r.hits.length === 0 ? "「" + query + "」に一致する文書はありません。"
      : "「" + query + "」: すべての語を含む文書 " + r.strict + "件、一部の語を含む文書 " + (r.hits.length - r.strict) + "件" +
        (r.hits.length > shown.length ? "。上位" + shown.length + "件を表示" : "") + "（" + ms.toFixed(0) + " ms）";
    shown.forEach(function (h, rank) {
      var doc = docs[h[0]], li = el("li", rank < r.strict ? "hit" : "hit partial"), h2 = el("h2"), a = el("a", "", doc[2]);
      a.href = doc[1];
      h2.appendChild(a);
      li.appendChild(h2);
      var meta = el("p", "meta");
      meta.appendChild(el("span", "badge", doc[3]));
      meta.appendChild(document.createTextNode(" " + doc[0] + (doc[4] ? " ・ " + doc[4] : "")));
      if (rank >= r.strict) meta.appendChild(el("span", "partial-note", "（一部の語のみ）"));
      li.appendChild(meta);
      var sn = el("p", "snippet");
      sn.appendChild(snippet(h[0], r.parsed.highlights));
      li.appendChild(sn);
      list.appendChild(li);
    });
  }

  // For tests and the benchmark: the ids of the best `limit` documents.
  self.yuimaruSearch = function (query, limit) {
    return search(query).hits.slice(0, limit || 10).map(function (h) { return docs[h[0]][0]; });
  };
  self.yuimaruSearch.clearCache = function () { cache.clear(); };
  self.yuimaruShow = show;
  var q = new URLSearchParams(location.search).get("q") || "";
  var box = document.getElementById("q");
  if (box) box.value = q;
  buildFilters();
  show(q);
})();
)JS";

}  // namespace

std::string_view SiteCss() { return kCss; }
std::string_view SiteJs() { return kSiteJs; }
std::string_view SearchJs() { return kSearchJs; }

}  // namespace yuimaru::toolkit
