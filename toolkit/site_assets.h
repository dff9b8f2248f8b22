// The offline site's static files: site/style.css, site/site.js (the search box of every page)
// and site/search.js (the search over the index scripts of toolkit/search_index.h).
#pragma once

#include <string_view>

namespace yuimaru::toolkit {

std::string_view SiteCss();
std::string_view SiteJs();
std::string_view SearchJs();

}  // namespace yuimaru::toolkit
