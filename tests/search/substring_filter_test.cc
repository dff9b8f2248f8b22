#include "search/substring_filter.h"

#include <catch2/catch.hpp>
#include <set>

namespace yuimaru::search {
namespace {

// The text of a candidate, counting how often the filter read it.
auto CountedText(int& reads, std::string_view text) {
  return [&reads, text]() -> std::string_view {
    ++reads;
    return text;
  };
}

SubstringFilter::Alternative Runs(std::initializer_list<const char*> texts) {
  SubstringFilter::Alternative out;
  for (const char* t : texts) out.push_back({t, "", "", {}, {}});
  return out;
}

TEST_CASE("SubstringFilter: requirements AND, alternatives OR, exclusions NOT",
          "[substring_filter]") {
  SubstringFilter f;
  f.required = {{Runs({"事業承継"}), Runs({"後継者問題"})}, {Runs({"製造", "泡盛"})}};
  f.excluded = {Runs({"廃業"})};
  CHECK(f.Matches("泡盛の製造業で事業承継"));
  CHECK(f.Matches("後継者問題を抱える泡盛の製造元"));
  CHECK_FALSE(f.Matches("事業と承継と泡盛の製造"));  // the pairs apart are not the run
  CHECK_FALSE(f.Matches("事業承継と製造"));          // one run of the second alternative missing
  CHECK_FALSE(f.Matches("泡盛の製造で事業承継か廃業か"));
  CHECK(SubstringFilter().Matches("anything"));
  CHECK(SubstringFilter().empty());
}

TEST_CASE("SubstringFilter: a word term decides without reading the text", "[substring_filter]") {
  SubstringFilter f;
  f.required = {{{SubstringFilter::Run{"テーブル", "", "テーブル", {}, {}}}}};
  f.excluded = {{SubstringFilter::Run{"会議室", "", "会議室", {}, {}}}};
  int reads = 0;
  auto text = CountedText(reads, "テーブルのある部屋");
  CHECK(f.Matches([](const std::string& w) { return w == "テーブル"; }, text) == true);
  CHECK(reads == 1);  // the exclusion had no word term in the document: read once
  reads = 0;
  CHECK_FALSE(f.Matches([](const std::string&) { return true; }, text));  // excluded by its word
  CHECK(reads == 0);
  CHECK_FALSE(f.Matches([](const std::string&) { return false; }, CountedText(reads, "テーブ")));
  CHECK(reads == 1);
}

TEST_CASE("SubstringFilter: an exact term decides both ways, cheap alternatives first",
          "[substring_filter]") {
  SubstringFilter f;
  // 事業承継 needs the text; its synonym 承継 is decided by its bigram term.
  f.required = {{{SubstringFilter::Run{"事業承継", "", "", {}, {}}},
                 {SubstringFilter::Run{"承継", "B承継", "承継", {}, {}}}}};
  int reads = 0;
  auto text = CountedText(reads, "承継の話");
  CHECK(f.Matches([](const std::string& t) { return t == "B承継"; }, text));
  CHECK(reads == 0);
  CHECK_FALSE(
      f.Matches([](const std::string&) { return false; }, CountedText(reads, "事業の承継")));
  CHECK(reads == 1);
}

TEST_CASE("SubstringFilter: a tagged value's term proves the run; without it the text decides",
          "[substring_filter]") {
  SubstringFilter f;
  f.required = {{{SubstringFilter::Run{"業承継", "", "", {}, {"XS:succession", "XS:other"}}}}};
  f.excluded = {{SubstringFilter::Run{"廃業届", "", "", {}, {"XS:closing"}}}};
  int reads = 0;
  auto text = CountedText(reads, "事業承継の相談");
  // Tagged with either value: proven, and the exclusion (not tagged) needs the text.
  CHECK(f.Matches([](const std::string& t) { return t == "XS:other"; }, text));
  CHECK(reads == 1);
  reads = 0;
  // Tagged with the excluded value too: out, without reading.
  CHECK_FALSE(f.Matches([](const std::string&) { return true; }, text));
  CHECK(reads == 0);
  // No tag: the text decides, both ways.
  CHECK(f.Matches([](const std::string&) { return false; }, text));
  CHECK(reads == 1);
  CHECK_FALSE(
      f.Matches([](const std::string&) { return false; }, CountedText(reads, "事業の承継")));
  CHECK(reads == 2);
}

TEST_CASE("SubstringFilter: Occurs finds UTF-8 substrings and nothing across characters",
          "[substring_filter]") {
  CHECK(Occurs("後継者候補", "継者"));
  CHECK_FALSE(Occurs("後継者候補", "者後"));
  CHECK(Occurs("abc", ""));
  CHECK_FALSE(Occurs("", "a"));
}

}  // namespace
}  // namespace yuimaru::search
