// On-disk layout of a yuimaru index, shared by the writer (indexer/) and the readers (search/):
//
//   DB/CURRENT -> gen-000007        symlink, replaced atomically when a generation is complete
//   DB/gen-000007/manifest.json     source files, content hashes, doc ids (indexer only)
//   DB/gen-000007/s00 … s22         Xapian databases, one per clearance interval [lo, hi]
//   DB/LOCK                         flock of the one writer
//
// A document version visible to clearances lo..hi lives in shard s<lo><hi>; a search at
// clearance c opens every shard with lo <= c <= hi, so it sees exactly the text c may read and
// Xapian's statistics (document count, lengths, term frequencies) are those of that text only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::core {

inline constexpr char kCurrentLink[] = "CURRENT";
inline constexpr char kManifestFile[] = "manifest.json";
inline constexpr char kLockFile[] = "LOCK";

std::string ShardName(Clearance lo, Clearance hi);       // "s01"
std::vector<std::string> AllShardNames();                // s00 s01 s02 s11 s12 s22
std::vector<std::string> ShardsForView(Clearance view);  // the shards a clearance reads

// Document ids are unique across the shards of a generation: shard number k (its position in
// AllShardNames) uses ids [k * kShardDocidSpan + 1, (k + 1) * kShardDocidSpan]. Xapian 1.4 hands
// a MatchSpy or MatchDecider the document id within its shard, not within the combined database;
// the range tells which shard it is. (Six spans times the shards of a view must stay below 2^32,
// Xapian's docid limit in Debian's build.)
inline constexpr uint32_t kShardDocidSpan = 100000000;
int ShardNumber(const std::string& name);  // position in AllShardNames, -1 if unknown
inline int ShardOfDocid(uint32_t did) { return static_cast<int>((did - 1) / kShardDocidSpan); }
std::string GenerationDirName(uint64_t generation);  // gen-000007

// The generation directory CURRENT points to. Fails with kNotFound (rule "index.missing") if
// `db` holds no complete generation.
Result<std::filesystem::path> ResolveCurrentGeneration(const std::filesystem::path& db);

}  // namespace yuimaru::core
