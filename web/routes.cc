#include "web/routes.h"

#include <algorithm>
#include <array>

namespace yuimaru::web {
namespace {

// A page and its API twin share one list, so they take the same parameters.
constexpr std::array<std::string_view, 1> kDocumentParams = {"back"};
constexpr std::array<std::string_view, 1> kRelatedParams = {"limit"};
constexpr std::array<std::string_view, 1> kFollowupParams = {"quiet_months"};
constexpr std::array<std::string_view, 3> kPackAddParams = {"csrf", "doc", "section"};
constexpr std::array<std::string_view, 5> kPackEditParams = {"csrf", "op", "index", "title",
                                                             "note"};
constexpr std::array<std::string_view, 2> kPackDownloadParams = {"audience", "format"};

using enum RouteAccess;
using enum RouteId;
using enum ParamRule;

constexpr std::array<Route, 23> kRoutes = {{
    {"GET", "/healthz", kHealth, kOpen, "", kOwn, {}},
    {"GET", "/login", kLoginForm, kOpen, "", kOwn, {}},
    {"POST", "/login", kLogin, kOpen, "", kOwn, {}},
    {"POST", "/logout", kLogout, kOpen, "", kOwn, {}},
    {"GET", "/", kSearchPage, kReader, "search", kSearchState, {}},
    {"GET", "/search", kSearchPage, kReader, "search", kSearchState, {}},
    {"GET", R"(/doc/([^/]+))", kDocumentPage, kReader, "view", kListed, kDocumentParams},
    {"GET", "/dashboard", kDashboard, kReader, "dashboard", kReportState, {}},
    {"GET", "/dashboard.csv", kDashboardCsv, kReader, "report-csv", kReportState, {}},
    {"GET", "/dashboard.xlsx", kDashboardXlsx, kReader, "report-xlsx", kReportState, {}},
    {"GET", "/followups", kFollowups, kReader, "followups", kListed, kFollowupParams},
    {"GET", R"(/firm/([^/]+))", kFirmPage, kReader, "firm", kListed, {}},
    {"GET", "/api/search", kApiSearch, kReader, "api-search", kSearchState, {}},
    {"GET", "/api/facets", kApiFacets, kReader, "api-facets", kSearchState, {}},
    {"GET", R"(/api/doc/([^/]+))", kApiDocument, kReader, "api-view", kListed, kDocumentParams},
    {"GET", R"(/api/related/([^/]+))", kApiRelated, kReader, "api-related", kListed,
     kRelatedParams},
    {"GET", "/api/report", kApiReport, kReader, "api-report", kReportState, {}},
    {"GET", "/pack", kPackPage, kReader, "pack-view", kListed, {}},
    {"POST", "/pack/add", kPackAdd, kReader, "pack-add", kListed, kPackAddParams},
    {"POST", "/pack/edit", kPackEdit, kReader, "pack-edit", kListed, kPackEditParams},
    {"GET", "/pack/download", kPackDownload, kReader, "pack", kListed, kPackDownloadParams},
    {"POST", "/api/pack/add", kApiPackAdd, kReader, "pack-add", kListed, kPackAddParams},
    {"GET", R"(/static/([a-z.]+))", kStatic, kOpen, "", kOwn, {}},
}};

}  // namespace

std::span<const Route> Routes() { return kRoutes; }

bool TakesFormPost(std::string_view path) {
  return std::any_of(kRoutes.begin(), kRoutes.end(),
                     [&](const Route& r) { return r.method == "POST" && r.pattern == path; });
}

std::string AllowedMethods(std::string_view path) {
  bool get = false, post = false, literal = false;
  for (const Route& r : kRoutes) {
    if (r.pattern != path) continue;
    literal = true;
    (r.method == "POST" ? post : get) = true;
  }
  if (!literal) return "GET, HEAD";  // documents, assets, unknown paths
  std::string allow = get ? "GET, HEAD" : "";
  if (post) allow += allow.empty() ? "POST" : ", POST";
  return allow;
}

Status CheckParams(const Route& route, const std::multimap<std::string, std::string>& params) {
  if (route.params != kListed) return Status::Ok();
  for (const auto& [key, value] : params) {
    if (std::find(route.allowed.begin(), route.allowed.end(), key) != route.allowed.end()) continue;
    if (route.allowed.empty()) {
      return MakeError(ErrorCode::kInvalidInput, "param.unknown", "パラメータは使えません");
    }
    return MakeError(ErrorCode::kInvalidInput, "param.unknown",
                     "不明なパラメータ「" + key + "」です");
  }
  return Status::Ok();
}

}  // namespace yuimaru::web
