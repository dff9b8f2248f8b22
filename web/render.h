// The HTML pages of the web front end, server-rendered and usable without JavaScript. Pure:
// values in, a page out; every string from a request or a document is escaped here.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/firm_figures.h"
#include "core/followups.h"
#include "core/result.h"
#include "search/search.h"
#include "toolkit/pack.h"
#include "web/params.h"

namespace yuimaru::web {

// What every page shows about the session.
struct PageContext {
  std::string clearance_label;  // 公開 / 内部 / 機密
  std::string user;             // display name; empty when not signed in
  std::string csrf;             // the session's token for the logout form; empty: no session
  bool login_link = false;      // anonymous reader: offer the login page
};

// A search without one of the active filters, for the zero-result page.
struct DroppedFilter {
  std::string key, value, label;  // label: "業種: 製造業"
  uint64_t total = 0;
};

struct SearchPage {
  SearchState state;
  search::SearchResponse response;
  std::vector<DroppedFilter> dropped;  // filled when there are no hits
};

std::string RenderSearchPage(const PageContext& ctx, const SearchPage& page);

struct DocumentPage {
  search::DocumentView doc;
  std::vector<search::RelatedDoc> related;
  std::string back_url;  // the search to return to ("/search?…"), or empty
};

std::string RenderDocumentPage(const PageContext& ctx, const DocumentPage& page);

struct DashboardPage {
  search::IndexStats stats;  // the whole view: documents per facet value (linked bars)
  ReportState state;         // the year and filters chosen
  core::Report report;       // firms and documents of that year under those filters
};

// The 実績の見える化: a year selector (令和 labels, all years), the 実績報告's tables (firms and
// documents side by side) each with a bar chart (inline SVG) and CSV / Excel links, then the
// documents per facet value of the whole view as bars linked to the search.
std::string RenderDashboard(const PageContext& ctx, const DashboardPage& page);

// The follow-up list: each firm links to its timeline (/firm/<company id>).
std::string RenderFollowupsPage(const PageContext& ctx, const core::Followups& followups,
                                const core::FollowupOptions& options);

// A firm's timeline: its documents (as the reader's view has them), oldest first.
std::string RenderFirmPage(const PageContext& ctx, const std::string& company_id,
                           const std::vector<core::DocRecord>& records);

// The 研修 pack basket: its items in order (each with its title as the reader's view reads
// it, empty when the reader can no longer see it), the title and cover note, and the download
// form (audience and format).
struct PackBasketPage {
  toolkit::PackList list;
  std::vector<std::string> titles;  // one per item
};
std::string RenderPackPage(const PageContext& ctx, const PackBasketPage& page);

// 4xx/5xx page: the status, the message and the way back. The message must not carry
// internals (paths, library errors); callers pass user-facing text.
std::string RenderErrorPage(const PageContext& ctx, int status, const std::string& message);

struct LoginForm {
  std::string message;  // why the form is shown again (wrong password, throttled …), or empty
  std::string id;       // the login name typed before, kept
  std::string next;     // where to go after signing in (a SafeNextUrl)
  std::string csrf;     // must come back with the form (double-submit with a cookie)
};
std::string RenderLoginPage(const PageContext& ctx, const LoginForm& form);

// A path on this server to return to after login ("/", "/search?…", "/doc/…", "/dashboard?…",
// "/followups", "/firm/…");
// anything else becomes "/".
std::string SafeNextUrl(const std::string& candidate);

// Only a link back into the search ("/search" or "/search?…") is followed; anything else
// (another site, javascript:, a header-splitting attempt) becomes empty.
std::string SafeBackUrl(const std::string& candidate);

}  // namespace yuimaru::web
