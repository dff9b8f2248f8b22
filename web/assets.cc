#include "web/assets.h"

namespace yuimaru::web {
namespace {

// Colours meet WCAG AA contrast on white (text #1f2933, links #0b5394, marks on #ffe58a).
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
table.report { border-collapse: collapse; margin: .5rem 0; display: block; overflow-x: auto; }
table.report th, table.report td { border: 1px solid #d0d7de; padding: .15rem .5rem; }
table.report td { text-align: right; }
.report-year, .downloads, .note { margin: .75rem 0; }
svg.bars .bar { fill: #4a7fb8; }
svg.bars a:hover .bar, svg.bars a:focus .bar { fill: #0b5394; }
svg.bars text { font-size: 13px; fill: #1f2933; }
footer.site { border-top: 1px solid var(--line); padding: 1rem 1.25rem; font-size: .8rem; color: var(--muted); }
main.dashboard, main.error { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; }
main.pack { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; }
.pack form.inline { display: inline; margin-left: 0.25rem; }
.pack-items li { margin: 0.5rem 0; }
form.pack-add { margin: 0.75rem 0; }
@media (max-width: 48rem) {
  .layout, .layout.doc { grid-template-columns: 1fr; }
  .facets { order: 2; }
  header.site { padding: .5rem; }
}
)CSS";

// Enhancements only: the pages work without it.
constexpr std::string_view kJs = R"JS(
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // "/" focuses the search box (unless typing somewhere already).
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.key === "/" && !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)) {
      const q = document.getElementById("q");
      if (q) { e.preventDefault(); q.focus(); q.select(); }
    }
  });
  // Suggested-filter chips can be dismissed.
  for (const b of document.querySelectorAll(".chip-dismiss")) {
    b.hidden = false;
    b.addEventListener("click", () => {
      const chip = b.closest(".chip");
      if (chip) chip.remove();
    });
  }
});
)JS";

constexpr std::string_view kIcon =
    R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="11" cy="16" r="8" fill="#0b5394"/>)"
    R"(<circle cx="21" cy="16" r="8" fill="#e0b000" fill-opacity="0.85"/></svg>)";

}  // namespace

const Asset* FindAsset(std::string_view name) {
  static const Asset kCssAsset{"text/css; charset=utf-8", kCss};
  static const Asset kJsAsset{"text/javascript; charset=utf-8", kJs};
  static const Asset kIconAsset{"image/svg+xml", kIcon};
  if (name == "app.css") return &kCssAsset;
  if (name == "app.js") return &kJsAsset;
  if (name == "icon.svg") return &kIconAsset;
  return nullptr;
}

}  // namespace yuimaru::web
