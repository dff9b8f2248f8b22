#include "search/snippet.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "core/normalizer.h"
#include "core/utf8.h"

namespace yuimaru::search {
namespace {

constexpr char kBlockSeparator[] = " ／ ";
constexpr size_t kLead = 24;  // characters shown before the first match of a window

struct Occurrence {
  size_t start, end;  // normalized code points
  size_t highlight;
};

std::vector<Occurrence> FindAll(const std::u32string& text,
                                const std::vector<std::u32string>& needles) {
  std::vector<Occurrence> out;
  for (size_t h = 0; h < needles.size(); ++h) {
    const std::u32string& n = needles[h];
    if (n.empty()) continue;
    for (size_t pos = text.find(n); pos != std::u32string::npos; pos = text.find(n, pos + 1)) {
      out.push_back({pos, pos + n.size(), h});
    }
  }
  std::sort(out.begin(), out.end(), [](const Occurrence& a, const Occurrence& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  return out;
}

bool IsCombining(char32_t c) {
  const int8_t t = u_charType(static_cast<UChar32>(c));
  return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK ||
         (c >= 0xFE00 && c <= 0xFE0F) || c == 0x200D;
}

}  // namespace

std::vector<SnippetPart> MakeSnippet(const std::vector<core::TextBlock>& blocks,
                                     const std::vector<std::u32string>& highlights) {
  // The block with the best match, found on the fast normalized form; only the passage from
  // there on is normalized with offsets (documents run to tens of kilobytes).
  size_t first = 0;
  double best_block = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    const std::u32string norm = core::Normalize(blocks[b].text);
    double score = 0;
    for (const auto& h : highlights) {
      if (!h.empty() && norm.find(h) != std::u32string::npos)
        score += static_cast<double>(h.size());
    }
    if (score > best_block) {
      best_block = score;
      first = b;
    }
  }
  std::string passage;
  for (size_t b = first; b < blocks.size() && core::CountCodePoints(passage) < 2 * kSnippetMaxChars;
       ++b) {
    if (blocks[b].text.empty()) continue;
    if (!passage.empty()) passage += kBlockSeparator;
    passage += blocks[b].text;
  }
  if (passage.empty()) return {};
  const core::NormalizedText norm = core::NormalizeWithOffsets(passage);
  const std::u32string& text = norm.text;
  const std::vector<Occurrence> occ = FindAll(text, highlights);

  // Best window: the one whose matches cover the most distinct query strings (longer strings
  // count more), starting a little before a match.
  size_t best_start = 0;
  double best_score = -1;
  for (size_t i = 0; i < occ.size(); ++i) {
    const size_t start = occ[i].start > kLead ? occ[i].start - kLead : 0;
    const size_t end = start + kSnippetTargetChars;
    std::vector<bool> seen(highlights.size(), false);
    double score = 0;
    for (size_t k = i; k < occ.size() && occ[k].start < end; ++k) {
      if (occ[k].end > end) continue;
      const double len = static_cast<double>(occ[k].end - occ[k].start);
      score += seen[occ[k].highlight] ? 0.1 : len;
      seen[occ[k].highlight] = true;
    }
    if (score > best_score) {
      best_score = score;
      best_start = start;
    }
  }
  // Convert the window to source code points and clamp it to 100-160 source characters.
  const std::u32string source = *core::DecodeUtf8(passage);
  std::vector<size_t> cp_of_byte(passage.size() + 1, 0);
  {
    size_t cp = 0;
    for (size_t b = 0; b < passage.size(); ++b) {
      cp_of_byte[b] = cp;
      if ((static_cast<unsigned char>(passage[b]) & 0xC0) != 0x80) cp_of_byte[b] = cp++;
    }
    cp_of_byte[passage.size()] = source.size();
  }
  auto src_cp = [&](size_t norm_index) {
    return cp_of_byte[norm.source_offsets[std::min(norm_index, text.size())]];
  };
  size_t s = src_cp(best_start);
  size_t e = std::min(source.size(), s + kSnippetTargetChars);
  if (e - s < kSnippetMinChars && source.size() > kSnippetMinChars) {
    s = source.size() - std::min(source.size(), kSnippetTargetChars);  // near the end: shift back
    e = source.size();
  }
  if (e - s > kSnippetMaxChars) e = s + kSnippetMaxChars;
  while (s > 0 && IsCombining(source[s])) --s;
  while (e < source.size() && IsCombining(source[e])) ++e;

  // Marks: occurrences inside the window, mapped to source code points and merged.
  std::vector<std::pair<size_t, size_t>> marks;
  for (const Occurrence& o : occ) {
    const size_t ms = src_cp(o.start), me = src_cp(o.end);
    if (me <= s || ms >= e) continue;
    const size_t cs = std::max(ms, s), ce = std::min(me, e);
    if (!marks.empty() && cs <= marks.back().second) {
      marks.back().second = std::max(marks.back().second, ce);
    } else {
      marks.emplace_back(cs, ce);
    }
  }
  std::vector<SnippetPart> parts;
  auto emit = [&](size_t from, size_t to, bool match) {
    if (from >= to) return;
    std::string t = core::EncodeUtf8(std::u32string_view(source).substr(from, to - from));
    if (!parts.empty() && parts.back().match == match) {
      parts.back().text += t;
    } else {
      parts.push_back({std::move(t), match});
    }
  };
  if (s > 0) parts.push_back({kEllipsis, false});
  size_t pos = s;
  for (const auto& [ms, me] : marks) {
    emit(pos, ms, false);
    emit(ms, me, true);
    pos = me;
  }
  emit(pos, e, false);
  if (e < source.size()) emit(e, e, false), parts.push_back({kEllipsis, false});
  // Merge the trailing ellipsis into a plain part.
  if (parts.size() >= 2 && !parts[parts.size() - 2].match && !parts.back().match) {
    parts[parts.size() - 2].text += parts.back().text;
    parts.pop_back();
  }
  if (parts.size() >= 2 && parts[0].text == kEllipsis && !parts[1].match) {
    parts[1].text = kEllipsis + parts[1].text;
    parts.erase(parts.begin());
  }
  return parts;
}

}  // namespace yuimaru::search
