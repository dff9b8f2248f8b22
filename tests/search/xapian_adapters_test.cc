// The Xapian adapters of a search, over a small in-memory database standing for one shard.
#include "search/xapian_adapters.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "core/facet_codes.h"
#include "core/index_layout.h"
#include "core/schema.h"
#include "core/text_pack.h"

namespace yuimaru::search {
namespace {

struct Doc {
  std::string text;                // normalized visible text
  std::vector<std::string> terms;  // terms that decide a run
  std::string industry;            // 業種 label
};

// One shard (number 0: docids from 1) holding `docs`, as a view of it.
ViewShards MakeView(const std::vector<Doc>& docs) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const core::FieldDef& industry = *core::FindField("industry");
  for (const Doc& d : docs) {
    Xapian::Document doc;
    for (const auto& t : d.terms) doc.add_term(t);
    doc.add_term("Zall");
    doc.add_value(core::kTextSlot, core::PackText(d.text));
    const uint32_t field = static_cast<uint32_t>(core::FieldIndex(industry));
    const uint32_t value = static_cast<uint32_t>(*core::FindValue(industry, d.industry));
    doc.add_value(core::kFacetSlot, core::EncodeFacetCodes({{field, value}}));
    db.add_document(doc);
  }
  ViewShards view;
  view.shards.push_back(db);
  view.position = {0, -1, -1, -1, -1, -1};
  view.combined.add_database(db);
  return view;
}

std::vector<Xapian::docid> Accepted(const ViewShards& view, const SubstringFilter& filter,
                                    FacetCounter* counter = nullptr) {
  Xapian::Enquire enquire(view.combined);
  enquire.set_query(Xapian::Query("Zall"));
  FacetSpy spy(counter, view);
  if (counter) enquire.add_matchspy(&spy);
  TextCheck check(filter, view);
  Xapian::MSet m = enquire.get_mset(0, 10, 10, nullptr, &check);
  std::vector<Xapian::docid> out;
  for (auto it = m.begin(); it != m.end(); ++it) out.push_back(*it);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("TextCheck: a run is decided by its term when it has one, else by the text",
          "[xapian_adapters]") {
  const ViewShards view = MakeView({{"県外の商談会準備を進めた", {}, "製造業"},
                                    {"商談会の後で準備会を開いた", {"Bxx"}, "建設業"},
                                    {"何もない", {"Bxx"}, "製造業"}});
  SubstringFilter by_text;
  by_text.required = {{{{"商談会準備", "", "", {}, {}}}}};
  CHECK(Accepted(view, by_text) == std::vector<Xapian::docid>{1});
  // The exact term decides alone: the third document's text does not have the run.
  SubstringFilter by_term;
  by_term.required = {{{{"xx", "Bxx", "", {}, {}}}}};
  CHECK(Accepted(view, by_term) == std::vector<Xapian::docid>{2, 3});
  SubstringFilter excluded;
  excluded.excluded = {{{"準備", "", "", {}, {}}}};
  CHECK(Accepted(view, excluded) == std::vector<Xapian::docid>{3});
  // A tagged value's term proves the run too (core::IndexedLabels); untagged, the text decides.
  const core::FieldDef& industry = *core::FindField("industry");
  const std::string maker = core::FilterTerm(industry, *core::FindValue(industry, "製造業"));
  const ViewShards tagged = MakeView({{"県外の商談会", {maker}, "製造業"},
                                      {"製造業の話", {}, "建設業"},
                                      {"何もない", {}, "建設業"}});
  SubstringFilter by_tag;
  by_tag.required = {{{{"造業", "", "", {}, {maker}}}}};
  CHECK(Accepted(tagged, by_tag) == std::vector<Xapian::docid>{1, 2});
}

TEST_CASE("FacetSpy: counts exactly the documents the text check accepted", "[xapian_adapters]") {
  const ViewShards view = MakeView({{"事業承継の相談", {}, "製造業"},
                                    {"事業承継と販路", {}, "建設業"},
                                    {"販路開拓", {}, "建設業"}});
  SubstringFilter filter;
  filter.required = {{{{"事業承継", "", "", {}, {}}}}};
  FacetCounter counter;
  CHECK(Accepted(view, filter, &counter) == std::vector<Xapian::docid>{1, 2});
  for (const FacetResult& f : counter.Results({})) {
    if (f.key != "industry") continue;
    REQUIRE(f.values.size() == 2);
    for (const auto& v : f.values) CHECK(v.count == 1);
  }
}

TEST_CASE("ValueReader and TermProbe: step along a shard's streams, back steps included",
          "[xapian_adapters]") {
  const ViewShards view =
      MakeView({{"一", {"Ta"}, "製造業"}, {"二", {}, "製造業"}, {"三", {"Ta"}, "製造業"}});
  ValueReader text(view, core::kTextSlot);
  TermProbe probe(view);
  for (const Xapian::docid id : {3u, 1u, 2u, 3u}) {
    const Xapian::Document doc = view.combined.get_document(id);
    CHECK(*core::UnpackText(text.Get(doc)) == std::string(id == 1 ? "一" : id == 2 ? "二" : "三"));
    CHECK(probe.Has(doc, "Ta") == (id != 2));
    CHECK_FALSE(probe.Has(doc, "Tmissing"));
  }
  CHECK(view.ShardOf(1) == 0);
  CHECK(view.ShardOf(core::kShardDocidSpan + 1) == -1);  // shard 1 is not in this view
}

TEST_CASE("TextCache: one handle per identity, and a stripe over its budget is emptied",
          "[xapian_adapters]") {
  TextCache& cache = TextCache::Instance();
  const uint64_t a = cache.Handle("/x/gen-000001 uuid-a");
  CHECK(cache.Handle("/x/gen-000001 uuid-a") == a);
  CHECK(cache.Handle("/x/gen-000001 uuid-b") != a);
  cache.SetCapacity(16 * 10);  // 10 bytes a stripe
  cache.Insert(a, 1, std::make_shared<const std::string>("12345678"));
  REQUIRE(cache.Find(a, 1));
  CHECK(*cache.Find(a, 1) == "12345678");
  cache.Insert(a, 17, std::make_shared<const std::string>("abcdef"));  // the same stripe
  CHECK_FALSE(cache.Find(a, 1));
  CHECK(cache.Find(a, 17));
  cache.Insert(a, 2, std::make_shared<const std::string>("far too long"));  // over a stripe
  CHECK_FALSE(cache.Find(a, 2));
  cache.Clear();
  CHECK_FALSE(cache.Find(a, 17));
  cache.SetCapacity(size_t{256} << 20);
}

}  // namespace
}  // namespace yuimaru::search
