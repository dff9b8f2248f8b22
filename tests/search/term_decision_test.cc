#include "search/term_decision.h"

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace yuimaru::search {
namespace {

struct Doc {
  std::set<std::string> terms;
  std::string text;
};

std::set<Xapian::docid> Select(const Xapian::Database& db, const Xapian::Query& q) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_query(q);
  std::set<Xapian::docid> out;
  const Xapian::MSet m = enquire.get_mset(0, db.get_doccount() + 1);
  for (auto it = m.begin(); it != m.end(); ++it) out.insert(*it);
  return out;
}

TEST_CASE("DecideByTerms: the documents the terms decide, as Matches decides them",
          "[term_decision]") {
  // Matches trusts the terms (they are the index's); so do the queries. Random terms, texts and
  // filters: whatever a document holds, `accepted` implies Matches, `rejected` implies not, and
  // a document Matches decides without reading its text is in one of the two.
  std::mt19937 rng(14);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> pool = {"B1", "B2", "B3", "W1", "W2", "XS:a", "XS:b", "C1"};
  auto text = [&](int max_len) {
    std::string s;
    for (int i = 0, n = pick(max_len + 1); i < n; ++i) s.push_back("abc"[pick(3)]);
    return s;
  };
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  std::vector<Doc> docs;
  for (int i = 0; i < 400; ++i) {
    Doc d;
    for (const auto& t : pool) {
      if (pick(2)) d.terms.insert(t);
    }
    d.text = text(8);
    Xapian::Document xd;
    xd.add_term("Q" + std::to_string(i));  // every document has a term: MatchAll sees it
    for (const auto& t : d.terms) xd.add_term(t);
    db.add_document(xd);
    docs.push_back(d);
  }
  auto run = [&] {
    SubstringFilter::Run r;
    r.text = text(3);
    if (r.text.empty()) r.text = "a";
    if (pick(2)) r.exact = pool[pick(3)];
    if (pick(3) == 0) r.word = pool[3 + pick(2)];
    for (int i = 0, n = pick(3); i < n; ++i) r.tagged.push_back(pool[5 + pick(3)]);
    if (pick(4) == 0) r.in_context.push_back({text(3), 0, false, false, false});
    return r;
  };
  auto alternative = [&] {
    SubstringFilter::Alternative a;
    for (int i = 0, n = 1 + pick(3); i < n; ++i) a.push_back(run());
    return a;
  };
  size_t accepted_total = 0, rejected_total = 0, read_total = 0;
  for (int round = 0; round < 300; ++round) {
    SubstringFilter f;
    for (int g = 0, n = pick(4); g < n; ++g) {
      std::vector<SubstringFilter::Alternative> group;
      for (int i = 0, m = 1 + pick(3); i < m; ++i) group.push_back(alternative());
      f.required.push_back(group);
    }
    for (int i = 0, n = pick(3); i < n; ++i) f.excluded.push_back(alternative());
    const TermDecision d = DecideByTerms(f);
    const auto accepted = Select(db, d.accepted);
    const auto rejected = Select(db, d.rejected);
    for (size_t i = 0; i < docs.size(); ++i) {
      const Xapian::docid did = static_cast<Xapian::docid>(i + 1);
      int reads = 0;
      const bool matches =
          f.Matches([&](const std::string& t) { return docs[i].terms.count(t) > 0; },
                    [&]() -> std::string_view {
                      ++reads;
                      return docs[i].text;
                    });
      const bool a = accepted.count(did) > 0, r = rejected.count(did) > 0;
      INFO("round " << round << ", document " << i);
      CHECK_FALSE((a && r));
      if (a) CHECK(matches);
      if (r) CHECK_FALSE(matches);
      if (reads == 0) CHECK((a || r));
      accepted_total += a;
      rejected_total += r;
      read_total += reads > 0;
    }
  }
  // The three outcomes all occurred (the generator reaches every branch).
  CHECK(accepted_total > 1000);
  CHECK(rejected_total > 1000);
  CHECK(read_total > 1000);
}

TEST_CASE("DecideByTerms: an empty filter accepts every document and rejects none",
          "[term_decision]") {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 3; ++i) {
    Xapian::Document d;
    d.add_term("Q" + std::to_string(i));
    db.add_document(d);
  }
  const TermDecision d = DecideByTerms(SubstringFilter());
  CHECK(Select(db, d.accepted).size() == 3);
  CHECK(Select(db, d.rejected).empty());
}

TEST_CASE("DecideByTerms: an exact term decides both ways; a tag or word only accepts",
          "[term_decision]") {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const auto& terms : std::vector<std::vector<std::string>>{
           {"B承継"}, {"XS:succession"}, {"W事業承継"}, {"Qnone"}}) {
    Xapian::Document d;
    for (const auto& t : terms) d.add_term(t);
    db.add_document(d);
  }
  SubstringFilter two;  // 承継: its bigram is the run
  two.required = {{{SubstringFilter::Run{"承継", "B承継", "", {}, {}}}}};
  CHECK(Select(db, DecideByTerms(two).accepted) == std::set<Xapian::docid>{1});
  CHECK(Select(db, DecideByTerms(two).rejected) == std::set<Xapian::docid>{2, 3, 4});
  SubstringFilter four;  // 事業承継: a word or a tag proves it; without them the text decides
  four.required = {{{SubstringFilter::Run{"事業承継", "", "W事業承継", {}, {"XS:succession"}}}}};
  CHECK(Select(db, DecideByTerms(four).accepted) == std::set<Xapian::docid>{2, 3});
  CHECK(Select(db, DecideByTerms(four).rejected).empty());
  SubstringFilter excluded;  // NOT 承継
  excluded.excluded = {{SubstringFilter::Run{"承継", "B承継", "", {}, {}}}};
  CHECK(Select(db, DecideByTerms(excluded).accepted) == std::set<Xapian::docid>{2, 3, 4});
  CHECK(Select(db, DecideByTerms(excluded).rejected) == std::set<Xapian::docid>{1});
}

}  // namespace
}  // namespace yuimaru::search
