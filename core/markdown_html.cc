#include "core/markdown_html.h"

#include <cmark.h>

#include <memory>
#include <vector>

#include "core/html.h"
#include "core/markdown_reader.h"
#include "core/private_marker.h"

namespace yuimaru::core {
namespace {

struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

std::string Literal(cmark_node* n) {
  const char* l = cmark_node_get_literal(n);
  return l ? l : "";
}

// The plain text of a node's inline children, soft breaks as newlines.
std::string InlineText(cmark_node* node) {
  std::string out;
  for (cmark_node* c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
    switch (cmark_node_get_type(c)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        out += Literal(c);
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        out += '\n';
        break;
      case CMARK_NODE_HTML_INLINE:
        break;
      default:
        out += InlineText(c);
    }
  }
  return out;
}

// Images → "[画像: alt]" text; headings one level down. Changes the tree in place.
void Rewrite(cmark_node* root) {
  // Outermost images only: an image may hold another in its description (`![a ![b](x)](y)`), and
  // freeing the outer one frees the inner one with it; the outer one's text includes the inner's.
  std::vector<cmark_node*> images;
  int image_depth = 0;
  cmark_iter* it = cmark_iter_new(root);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    if (cmark_node_get_type(n) == CMARK_NODE_IMAGE) {
      if (ev == CMARK_EVENT_ENTER && image_depth++ == 0) images.push_back(n);
      if (ev == CMARK_EVENT_EXIT) --image_depth;
    }
    if (ev != CMARK_EVENT_ENTER) continue;
    if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
      cmark_node_set_heading_level(n, std::min(6, cmark_node_get_heading_level(n) + 1));
    }
  }
  cmark_iter_free(it);
  for (cmark_node* img : images) {
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, ("[画像: " + InlineText(img) + "]").c_str());
    cmark_node_insert_before(img, text);
    cmark_node_free(img);  // unlinks it
  }
}

// A paragraph written as a GitHub pipe table (header, separator, rows) as an HTML table; the
// rows as the indexer reads them (core::PipeTableRows), so a page shows what was indexed.
bool RenderTable(const std::string& text, std::string& out) {
  const std::vector<core::PipeRow> rows = core::PipeTableRows(text);
  if (rows.size() < 2 || !core::IsTableSeparatorRow(rows[1].text)) return false;
  out += "<div class=\"table-wrap\"><table>\n<thead><tr>";
  for (const auto& c : core::PipeTableCells(rows[0].text))
    out += "<th scope=\"col\">" + Escape(c) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (size_t i = 2; i < rows.size(); ++i) {
    out += "<tr>";
    for (const auto& c : core::PipeTableCells(rows[i].text)) out += "<td>" + Escape(c) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return true;
}

}  // namespace

std::string RenderMarkdownHtml(std::string_view markdown) {
  std::unique_ptr<cmark_node, NodeDeleter> doc(
      cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT));
  Rewrite(doc.get());
  std::string out;
  int open_sections = 0;
  for (cmark_node* n = cmark_node_first_child(doc.get()); n; n = cmark_node_next(n)) {
    const cmark_node_type type = cmark_node_get_type(n);
    if (type == CMARK_NODE_HTML_BLOCK) {
      // The indexer's own marker grammar: a section is framed here exactly when it was cut there.
      const core::MarkerCheck check = core::CheckMarker(Literal(n));
      if (check.kind != core::MarkerCheck::Kind::kMarker) continue;  // other raw HTML: dropped
      const core::PrivateMarker& m = check.marker;
      if (m.kind == core::PrivateMarker::Kind::kBegin) {
        std::string label = "非公開（" + (m.level.empty() ? std::string("内部") : m.level) +
                            (m.reason.empty() ? "" : "・" + m.reason) + "）";
        out += "<section class=\"private\" aria-label=\"" + Escape(label) +
               "\"><p class=\"private-label\">" + Escape(label) + "</p>\n";
        ++open_sections;
      } else if (open_sections > 0) {
        out += "</section>\n";
        --open_sections;
      }
      continue;
    }
    if (type == CMARK_NODE_PARAGRAPH && RenderTable(InlineText(n), out)) continue;
    char* html = cmark_render_html(n, CMARK_OPT_SAFE);
    std::string block = html ? html : "";
    free(html);
    // No referrer to any site a document links to (the header says so too).
    size_t pos = 0;
    while ((pos = block.find("<a href=", pos)) != std::string::npos) {
      block.replace(pos, 8, "<a rel=\"noreferrer noopener\" href=");
      pos += 30;
    }
    out += block;
  }
  while (open_sections-- > 0) out += "</section>\n";
  return out;
}

}  // namespace yuimaru::core
