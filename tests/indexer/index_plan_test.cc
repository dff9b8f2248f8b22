#include "indexer/index_plan.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace yuimaru::indexer {
namespace {

// Index entries and scan results under the root /c (keys are absolute, paths as given).
Manifest Indexed(const std::vector<std::string>& names) {
  Manifest m;
  m.generation = 7;
  for (const auto& n : names)
    m.files["/c/" + n + ".md"] = ManifestEntry{"c/" + n + ".md", "h-" + n, n};
  return m;
}

Scanned File(const std::string& name, Scanned::State state, const std::string& hash, bool known,
             const std::string& doc_id = "") {
  Scanned s;
  s.file = SourceFile{"/c/" + name + ".md", "c/" + name + ".md"};
  s.state = state;
  s.known = known;
  s.hash = hash;
  s.doc_id = doc_id.empty() ? name : doc_id;
  s.doc_id_line = 2;
  s.bytes = 100;
  return s;
}
Scanned Unchanged(const std::string& n) {
  return File(n, Scanned::State::kUnchanged, "h-" + n, true);
}
Scanned Changed(const std::string& n) {
  return File(n, Scanned::State::kAccepted, "h2-" + n, true);
}
Scanned New(const std::string& n, const std::string& id = "") {
  return File(n, Scanned::State::kAccepted, "h-" + n, false, id);
}
Scanned Rejected(const std::string& n, const std::string& rule, bool known) {
  Scanned s = File(n, Scanned::State::kRejected, "h3-" + n, known);
  s.doc_id.clear();
  s.errors.push_back(MakeError(ErrorCode::kInvalidInput, rule, "x"));
  return s;
}

PlanRules Rules() {
  PlanRules r;
  r.roots = {"/c"};
  return r;
}

std::vector<std::string> Rules(const std::vector<Error>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.rule);
  return out;
}

TEST_CASE(
    "Plan: unchanged files are kept, changed ones replaced, new ones added, gone ones deleted",
    "[index_plan]") {
  const Manifest prev = Indexed({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  std::vector<Scanned> scan;
  for (const char* n : {"a", "b", "c", "d", "e", "f", "g", "h"}) scan.push_back(Unchanged(n));
  scan[1] = Changed("b");
  scan.push_back(New("k"));  // i and j are gone
  auto plan = Decide(prev, scan, Rules());
  REQUIRE(plan);
  CHECK(plan->added == 1);
  CHECK(plan->updated == 1);
  CHECK(plan->deleted == 2);
  CHECK(plan->skipped == 7);
  CHECK(plan->rejected_files == 0);
  CHECK(plan->add == std::vector<size_t>{1, 8});
  CHECK(plan->remove == std::vector<std::string>{"i", "j", "b"});
  CHECK(plan->bytes_indexed == 200);
  CHECK(plan->HasChanges());
  CHECK(plan->next.files.size() == 9);
  CHECK(plan->next.files.at("/c/b.md").hash == "h2-b");
  CHECK(plan->next.files.at("/c/k.md") == ManifestEntry{"c/k.md", "h-k", "k"});
  CHECK_FALSE(plan->next.files.count("/c/i.md"));
}

TEST_CASE("Plan: a run with nothing new changes nothing", "[index_plan]") {
  const Manifest prev = Indexed({"a", "b"});
  auto plan = Decide(prev, {Unchanged("a"), Unchanged("b")}, Rules());
  REQUIRE(plan);
  CHECK_FALSE(plan->HasChanges());
  CHECK(plan->next.files == prev.files);
  CHECK(plan->skipped == 2);
}

TEST_CASE("Plan: files that vanish in numbers stop the run, unless allowed", "[index_plan]") {
  // (indexed, still there, share allowed, refused)
  auto [indexed, kept, share, refused] = GENERATE(table<int, int, double, bool>({
      {10, 7, 0.2, true},   // 3 of 10 gone: more than 20 %
      {10, 8, 0.2, false},  // 2 of 10: exactly 20 % is allowed
      {7, 6, 0.2, false},   // 1 of 7: fewer than the minimum of 2
      {1, 0, 0.2, true},    // all of them, however few
      {10, 7, 1.0, false},  // --allow-mass-delete
      {10, 0, 1.0, false},  // even all of them
      {0, 0, 0.2, false},   // an empty index loses nothing
  }));
  CAPTURE(indexed, kept, share);
  std::vector<std::string> names;
  for (int i = 0; i < indexed; ++i) names.push_back("d" + std::to_string(i));
  std::vector<Scanned> scan;
  for (int i = 0; i < kept; ++i) scan.push_back(Unchanged(names[static_cast<size_t>(i)]));
  if (scan.empty()) scan.push_back(New("other"));
  PlanRules rules = Rules();
  rules.max_delete_share = share;
  auto plan = Decide(Indexed(names), scan, rules);
  CHECK(plan.has_value() != refused);
  if (refused) {
    CHECK(plan.error().rule == "index.mass-delete");
    CHECK(plan.error().code == ErrorCode::kInvalidInput);
  } else {
    CHECK(plan->deleted == static_cast<uint64_t>(indexed - kept));
  }
}

TEST_CASE("Plan: files under an unreachable folder or outside the given paths are kept",
          "[index_plan]") {
  Manifest prev = Indexed({"a"});
  prev.files["/c/locked/b.md"] = ManifestEntry{"c/locked/b.md", "h-b", "b"};
  prev.files["/elsewhere/x.md"] = ManifestEntry{"elsewhere/x.md", "h-x", "x"};
  prev.files["/cc/y.md"] = ManifestEntry{"cc/y.md", "h-y", "y"};  // not under /c
  PlanRules rules = Rules();
  rules.unreachable = {"/c/locked"};
  auto plan = Decide(prev, {Unchanged("a")}, rules);
  REQUIRE(plan);
  CHECK(plan->deleted == 0);
  CHECK(plan->next.files == prev.files);

  rules.unreachable.clear();
  rules.max_delete_share = 1.0;
  plan = Decide(prev, {Unchanged("a")}, rules);
  REQUIRE(plan);
  CHECK(plan->remove == std::vector<std::string>{"b"});
}

TEST_CASE("Plan: a rejected file keeps its earlier version unless it holds personal data",
          "[index_plan]") {
  const Manifest prev = Indexed({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  std::vector<Scanned> scan;
  for (const char* n : {"c", "d", "e", "f", "g", "h", "i", "j"}) scan.push_back(Unchanged(n));
  scan.insert(scan.begin(),
              {Rejected("a", "front-matter.yaml-syntax", true), Rejected("b", "pii/phone", true)});
  scan.push_back(Rejected("z", "pii/phone", false));  // new: nothing to withdraw
  scan[0].warnings.push_back(MakeError(ErrorCode::kInvalidInput, "pii/url", "w"));
  auto plan = Decide(prev, scan, Rules());
  REQUIRE(plan);
  CHECK(plan->rejected_files == 3);
  CHECK(Rules(plan->errors) == std::vector<std::string>{"front-matter.yaml-syntax", "pii/phone",
                                                        "pii.withdrawn", "pii/phone"});
  CHECK(plan->errors[2].source == "c/b.md");
  CHECK(plan->errors[2].message.find("以前の版（b）") != std::string::npos);
  CHECK(Rules(plan->warnings) == std::vector<std::string>{"pii/url"});
  CHECK(plan->remove == std::vector<std::string>{"b"});
  CHECK(plan->deleted == 1);
  CHECK(plan->next.files.count("/c/a.md"));
  CHECK_FALSE(plan->next.files.count("/c/b.md"));
}

TEST_CASE("Plan: a doc_id owned by another file is refused, and kept entries own theirs first",
          "[index_plan]") {
  const Manifest prev = Indexed({"a", "b"});
  // n1 claims a's id (a keeps it); n2 and n3 both claim "x" (n2, first in path order, wins);
  // b changes and keeps its own id.
  auto plan =
      Decide(prev, {Unchanged("a"), Changed("b"), New("n1", "a"), New("n2", "x"), New("n3", "x")},
             Rules());
  REQUIRE(plan);
  CHECK(Rules(plan->errors) == std::vector<std::string>{"doc-id.duplicate", "doc-id.duplicate"});
  CHECK(plan->errors[0].source == "c/n1.md");
  CHECK(plan->errors[0].line == 2);
  CHECK(plan->errors[0].message == "doc_id「a」は既に c/a.md で使われています");
  CHECK(plan->errors[1].message == "doc_id「x」は既に c/n2.md で使われています");
  CHECK(plan->rejected_files == 2);
  CHECK(plan->add == std::vector<size_t>{1, 3});
}

TEST_CASE("Plan: a changed file may take over the id a renamed file leaves", "[index_plan]") {
  // b's id moves to c while b changes to another id in the same run.
  const Manifest prev = Indexed({"a", "b"});
  auto plan = Decide(
      prev, {Unchanged("a"), File("b", Scanned::State::kAccepted, "h2", true, "b2"), New("c", "b")},
      Rules());
  REQUIRE(plan);
  CHECK(plan->errors.empty());
  CHECK(plan->add.size() == 2);
}

TEST_CASE("Plan: large changes, no previous generation or --full rebuild every shard",
          "[index_plan]") {
  Plan plan;
  plan.add.resize(10);
  const Manifest small = Indexed({"a", "b"});
  CHECK_FALSE(NeedsFullBuild(plan, small, true, RebuildMode::kAuto));
  CHECK(NeedsFullBuild(plan, small, false, RebuildMode::kAuto));
  CHECK(NeedsFullBuild(plan, small, true, RebuildMode::kFull));
  plan.add.resize(kIncrementalMaxChanges);
  CHECK_FALSE(NeedsFullBuild(plan, small, true, RebuildMode::kAuto));
  plan.deleted = 1;
  CHECK(NeedsFullBuild(plan, small, true, RebuildMode::kAuto));
  Manifest big;
  for (int i = 0; i < 12000; ++i) big.files[std::to_string(i)] = ManifestEntry{};
  CHECK_FALSE(NeedsFullBuild(plan, big, true, RebuildMode::kAuto));  // under a quarter
}

TEST_CASE("Plan: a full build re-reads the accepted files and carries the others", "[index_plan]") {
  Manifest prev = Indexed({"a", "b"});
  prev.files["/elsewhere/x.md"] = ManifestEntry{"elsewhere/x.md", "h-x", "x"};
  const std::vector<Scanned> scan = {Rejected("a", "front-matter.yaml-syntax", true),
                                     Unchanged("b"), New("c")};
  auto plan = Decide(prev, scan, Rules());
  REQUIRE(plan);
  const FullBuildInputs in = SplitForFullBuild(plan->next, scan);
  CHECK(in.reread == std::vector<size_t>{1, 2});
  CHECK(in.carry == std::vector<std::string>{"a", "x"});
}

TEST_CASE("DocIdOwners: the first holder owns an id, and lint and index share the message",
          "[index_plan]") {
  DocIdOwners owners;
  owners.Hold("x", "/c/a.md", "c/a.md");
  owners.Hold("x", "/c/b.md", "c/b.md");  // a holder already: unchanged
  CHECK(owners.Owns("x"));
  CHECK_FALSE(owners.Owns("y"));
  CHECK(owners.Claim("x", "/c/a.md", "c/a.md", 3));
  const Status s = owners.Claim("x", "/c/b.md", "c/b.md", 4);
  REQUIRE_FALSE(s);
  CHECK(s.error().ToString() ==
        "c/b.md:4: doc-id.duplicate: doc_id「x」は既に c/a.md で使われています");
  CHECK(owners.Claim("y", "/c/b.md", "c/b.md", 4));
  CHECK(owners.Owns("y"));
}

}  // namespace
}  // namespace yuimaru::indexer
