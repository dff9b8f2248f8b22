// A document's Markdown as safe HTML for its page (cmark): raw HTML is dropped, links with
// dangerous schemes (javascript:, vbscript:, file:, data:) lose their target, images become their
// alt text (a page loads nothing from outside, and documents carry no pictures), headings move
// one level down under the page's own title, pipe tables become tables, and private sections
// visible at the reader's clearance are framed and labelled. Pure.
#pragma once

#include <string>
#include <string_view>

namespace yuimaru::core {

std::string RenderMarkdownHtml(std::string_view markdown);

}  // namespace yuimaru::core
