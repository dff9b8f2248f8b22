#include "indexer/index_plan.h"

#include <algorithm>
#include <set>

namespace yuimaru::indexer {
namespace {

bool UnderRoot(const std::string& key, const std::vector<std::string>& roots) {
  for (const auto& r : roots) {
    if (key == r) return true;
    if (key.size() > r.size() && key.compare(0, r.size(), r) == 0 &&
        (r.back() == '/' || key[r.size()] == '/'))
      return true;
  }
  return false;
}

// Files that vanish in numbers are more often an unmounted share, a wrong path or a half
// copied folder than a decision: stop before anything is published, and say so.
Status CheckMassDelete(uint64_t indexed, uint64_t vanished, double max_delete_share) {
  if (indexed > 0 && max_delete_share < 1.0 &&
      ((vanished >= kMassDeleteMinimum &&
        static_cast<double>(vanished) > max_delete_share * static_cast<double>(indexed)) ||
       vanished == indexed)) {
    return MakeError(ErrorCode::kInvalidInput, "index.mass-delete",
                     "この実行では索引の " + std::to_string(indexed) + " 件のうち " +
                         std::to_string(vanished) +
                         " 件が消えたことになります（ファイルが見つかりません）。フォルダの指定や"
                         "マウントを確かめてください。本当に削除するなら --allow-mass-delete "
                         "を付けて実行してください（索引は変更していません）");
  }
  return Status::Ok();
}

bool HasPiiError(const std::vector<Error>& errors) {
  return std::any_of(errors.begin(), errors.end(),
                     [](const Error& e) { return e.rule.rfind("pii/", 0) == 0; });
}

// Deletes from `plan` the files indexed under the roots that the scan did not find. A file
// under a folder that could not be listed is out of reach, not gone.
void DeleteVanished(const Manifest& previous, const std::vector<Scanned>& scanned,
                    const PlanRules& rules, Plan& plan) {
  std::set<std::string> present;
  for (const auto& s : scanned) present.insert(s.file.key);
  for (const auto& [key, entry] : previous.files) {
    if (UnderRoot(key, rules.roots) && !present.count(key) && !UnderRoot(key, rules.unreachable)) {
      plan.remove.push_back(entry.doc_id);
      plan.next.files.erase(key);
      ++plan.deleted;
    }
  }
}

}  // namespace

void DocIdOwners::Hold(const std::string& doc_id, const std::string& key, const std::string& path) {
  owners_.emplace(doc_id, std::make_pair(key, path));
}

Status DocIdOwners::Claim(const std::string& doc_id, const std::string& key,
                          const std::string& path, int line) {
  const auto it = owners_.find(doc_id);
  if (it != owners_.end() && it->second.first != key) {
    Error e =
        MakeError(ErrorCode::kInvalidInput, "doc-id.duplicate",
                  "doc_id「" + doc_id + "」は既に " + it->second.second + " で使われています");
    e.source = path;
    e.line = line;
    return e;
  }
  owners_[doc_id] = std::make_pair(key, path);
  return Status::Ok();
}

Result<Plan> Decide(const Manifest& previous, const std::vector<Scanned>& scanned,
                    const PlanRules& rules) {
  Plan plan;
  plan.next = previous;
  DeleteVanished(previous, scanned, rules, plan);
  if (auto s = CheckMassDelete(previous.files.size(), plan.deleted, rules.max_delete_share); !s) {
    return s.error();
  }

  DocIdOwners owners;
  std::set<std::string> changing;
  for (const auto& s : scanned) {
    if (s.state == Scanned::State::kAccepted && s.known) changing.insert(s.file.key);
  }
  for (const auto& [key, entry] : plan.next.files) {
    if (!changing.count(key)) owners.Hold(entry.doc_id, key, entry.path);
  }
  for (size_t i = 0; i < scanned.size(); ++i) {
    const Scanned& s = scanned[i];
    plan.warnings.insert(plan.warnings.end(), s.warnings.begin(), s.warnings.end());
    if (s.state == Scanned::State::kRejected) {
      ++plan.rejected_files;
      plan.errors.insert(plan.errors.end(), s.errors.begin(), s.errors.end());
      // An earlier version of a file found to hold personal data most likely holds it too: it
      // leaves the index rather than staying as "the last good version".
      if (const auto it = plan.next.files.find(s.file.key);
          HasPiiError(s.errors) && it != plan.next.files.end()) {
        Error e = MakeError(ErrorCode::kInvalidInput, "pii.withdrawn",
                            "以前の版（" + it->second.doc_id +
                                "）を索引から外しました。ディスク上の痕跡まで消すには yuimaru "
                                "purge を実行してください");
        e.source = s.file.path;
        plan.errors.push_back(std::move(e));
        plan.remove.push_back(it->second.doc_id);
        plan.next.files.erase(it);
        ++plan.deleted;
      }
      continue;
    }
    if (s.state == Scanned::State::kUnchanged) {
      ++plan.skipped;
      continue;
    }
    if (auto claimed = owners.Claim(s.doc_id, s.file.key, s.file.path, s.doc_id_line); !claimed) {
      plan.errors.push_back(claimed.error());
      ++plan.rejected_files;
      continue;
    }
    plan.add.push_back(i);
  }
  for (const size_t i : plan.add) {
    const Scanned& s = scanned[i];
    auto it = plan.next.files.find(s.file.key);
    if (it != plan.next.files.end()) {
      plan.remove.push_back(it->second.doc_id);
      ++plan.updated;
    } else {
      ++plan.added;
    }
    plan.next.files[s.file.key] = ManifestEntry{s.file.path, s.hash, s.doc_id};
    plan.bytes_indexed += s.bytes;
  }
  return plan;
}

bool NeedsFullBuild(const Plan& plan, const Manifest& previous, bool has_previous,
                    RebuildMode mode) {
  const size_t changes = plan.add.size() + plan.deleted;
  return !has_previous || mode == RebuildMode::kFull ||
         changes > std::max(kIncrementalMaxChanges, previous.files.size() / 4);
}

FullBuildInputs SplitForFullBuild(const Manifest& next, const std::vector<Scanned>& scanned) {
  FullBuildInputs out;
  std::set<std::string> reread;
  for (size_t i = 0; i < scanned.size(); ++i) {
    const Scanned& s = scanned[i];
    if (s.state == Scanned::State::kRejected) continue;
    const auto it = next.files.find(s.file.key);
    if (it != next.files.end() && it->second.hash == s.hash) {
      out.reread.push_back(i);
      reread.insert(s.file.key);
    }
  }
  for (const auto& [key, entry] : next.files) {
    if (!reread.count(key)) out.carry.push_back(entry.doc_id);
  }
  return out;
}

}  // namespace yuimaru::indexer
