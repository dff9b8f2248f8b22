// Escaping for HTML and URLs. Every string that comes from a document, a query or a request goes
// through one of these before it reaches a page.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yuimaru::core {

// Text content and quoted attribute values: & < > " ' are escaped.
std::string Escape(std::string_view text);

// Percent-encodes everything but unreserved characters (RFC 3986), UTF-8 byte by byte.
std::string UrlEncode(std::string_view text);

// "a=1&b=x%20y" from ordered key/value pairs.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace yuimaru::core
