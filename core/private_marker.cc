#include "core/private_marker.h"

#include <optional>

#include "core/normalizer.h"

namespace yuimaru::core {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimLines(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// A small cursor over the inside of a comment; every Eat* either consumes or leaves it as it was.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool Done() const { return pos_ == s_.size(); }
  bool EatBlanks() {
    const size_t start = pos_;
    while (pos_ < s_.size() && IsBlank(s_[pos_])) ++pos_;
    return pos_ > start;
  }
  bool Eat(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  // key="value": an ASCII key, no spaces around "=", a value without quotes or line breaks.
  bool EatAttribute(std::string& key, std::string& value) {
    size_t p = pos_;
    while (p < s_.size() && ((s_[p] >= 'a' && s_[p] <= 'z') || s_[p] == '_')) ++p;
    if (p == pos_ || p + 1 >= s_.size() || s_[p] != '=' || s_[p + 1] != '"') return false;
    const size_t close = s_.find('"', p + 2);
    if (close == std::string_view::npos) return false;
    key = std::string(s_.substr(pos_, p - pos_));
    value = std::string(s_.substr(p + 2, close - p - 2));
    pos_ = close + 1;
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::optional<PrivateMarker> ParseExact(std::string_view html) {
  const std::string_view t = TrimLines(html);
  if (t.size() < 7 || t.substr(0, 4) != "<!--" || t.substr(t.size() - 3) != "-->") {
    return std::nullopt;
  }
  const std::string_view inner = t.substr(4, t.size() - 7);
  if (inner.find("--") != std::string_view::npos || inner.find('\n') != std::string_view::npos ||
      inner.find('\r') != std::string_view::npos) {
    return std::nullopt;
  }
  Cursor c(inner);
  if (!c.EatBlanks()) return std::nullopt;
  if (!c.Eat("private") && !c.Eat("非公開")) return std::nullopt;
  if (!c.Eat(":")) return std::nullopt;
  PrivateMarker m;
  if (c.Eat("begin")) {
    m.kind = PrivateMarker::Kind::kBegin;
  } else if (c.Eat("end")) {
    m.kind = PrivateMarker::Kind::kEnd;
  } else {
    return std::nullopt;
  }
  bool has_level = false, has_reason = false;
  while (true) {
    if (!c.EatBlanks()) return std::nullopt;  // a blank before every attribute and before -->
    if (c.Done()) break;
    std::string key, value;
    if (m.kind == PrivateMarker::Kind::kEnd || !c.EatAttribute(key, value)) return std::nullopt;
    if (key == "level" && !has_level) {
      m.level = value;
      has_level = true;
    } else if (key == "reason" && !has_reason) {
      m.reason = value;
      has_reason = true;
    } else {
      return std::nullopt;  // an unknown or repeated attribute
    }
  }
  return m;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Whether a piece of raw HTML reads like an attempt at a marker. `comment`: the words begin and
// end count only inside comments (a <div class="end"> is no attempt).
bool Resembles(std::string_view text, bool comment) {
  std::string folded;
  for (char c : NormalizeToUtf8(text)) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') folded.push_back(c);
  }
  for (std::string_view needle : {"非公開", "ひこうかい", "privat"}) {
    if (folded.find(needle) != std::string::npos) return true;
  }
  if (!comment) return false;
  for (std::string_view needle : {"機密", "level=", "reason="}) {
    if (folded.find(needle) != std::string::npos) return true;
  }
  // Words are taken from the text with its spaces, so "legend" is not "end"; but "be gin" is
  // still a word once spaces are gone, hence both readings.
  const std::string spaced = NormalizeToUtf8(text);
  for (const std::string* s : {&spaced, static_cast<const std::string*>(&folded)}) {
    for (size_t i = 0; i < s->size();) {
      if (!IsAsciiLetter((*s)[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < s->size() && IsAsciiLetter((*s)[j])) ++j;
      const std::string_view word(s->data() + i, j - i);
      if (word == "begin" || word == "end") return true;
      i = j;
    }
  }
  return false;
}

}  // namespace

MarkerCheck CheckMarker(std::string_view html) {
  MarkerCheck out;
  if (auto m = ParseExact(html)) {
    out.kind = MarkerCheck::Kind::kMarker;
    out.marker = std::move(*m);
    return out;
  }
  for (size_t open = html.find("<!--"); open != std::string_view::npos;
       open = html.find("<!--", open + 4)) {
    const size_t close = html.find("-->", open + 4);
    const std::string_view comment = html.substr(
        open, close == std::string_view::npos ? std::string_view::npos : close + 3 - open);
    if (Resembles(comment, true)) {
      out.kind = MarkerCheck::Kind::kMalformed;
      out.offset = open;
      return out;
    }
  }
  if (Resembles(html, false)) {
    out.kind = MarkerCheck::Kind::kMalformed;
    out.offset = 0;
  }
  return out;
}

}  // namespace yuimaru::core
