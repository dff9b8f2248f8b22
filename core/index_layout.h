// On-disk layout of a yuimaru index, shared by the writer (indexer/) and the readers (search/):
//
//   DB/CURRENT -> gen-000007        symlink, replaced atomically when a generation is complete
//   DB/gen-000007/manifest.json     source files, content hashes, doc ids (indexer only)
//   DB/gen-000007/s00 … s22         Xapian databases, one per clearance interval [lo, hi]
//   DB/gen-000007/synonyms.tsv      the query-time synonym table that came with the corpus
//   DB/gen-000008.tmp/              a generation being written (a leftover once its run is killed)
//   DB/LOCK                         flock of the one writer
//   DB/purge-journal.json           only while a purge is between its switch and its certificate
//   DB/users.json                   the handler roster (access/)
//   DB/audit.jsonl                  the audit trail (access/)
//   DB/packs/<user>.txt             the web's 研修 pack baskets; DB/packs/.lock their flock
//
// Every name under DB is spelled here, and `gen-N` is parsed only by ParseGenerationDirName.
//
// A document version visible to clearances lo..hi lives in shard s<lo><hi>; a search at
// clearance c opens every shard with lo <= c <= hi, so it sees exactly the text c may read and
// Xapian's statistics (document count, lengths, term frequencies) are those of that text only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/schema.h"

namespace yuimaru::core {

inline constexpr char kCurrentLink[] = "CURRENT";
inline constexpr char kManifestFile[] = "manifest.json";
// The manifest's "format": what the terms of a generation mean. 3: packed texts; 4: title terms
// (T…); 5: unigram terms (U…); 6: date sort keys (kOldestSlot, kNewestSlot), ids in spans of 10^7,
// version terms (XV…). The indexer rebuilds an older generation from the files; the searcher
// refuses one (a search there would miss what the newer terms find: one character).
inline constexpr int kIndexFormat = 6;
inline constexpr char kLockFile[] = "LOCK";
inline constexpr char kSynonymsFile[] = "synonyms.tsv";
inline constexpr char kPurgeJournalFile[] = "purge-journal.json";
inline constexpr char kUsersFile[] = "users.json";
inline constexpr char kAuditFile[] = "audit.jsonl";
// The web's 研修 pack baskets: one list file per user (core/pack_list.h's format), 0600;
// a purge drops the purged ids from every one.
inline constexpr char kPackBasketsDir[] = "packs";
// In DB/packs: the flock every change to a basket holds (core/file_lock.h LockPackBaskets).
inline constexpr char kPackBasketsLockFile[] = ".lock";
inline constexpr char kGenerationPrefix[] = "gen-";  // gen-000007
inline constexpr char kTemporarySuffix[] = ".tmp";   // gen-000008.tmp

std::string ShardName(Clearance lo, Clearance hi);       // "s01"
std::vector<std::string> AllShardNames();                // s00 s01 s02 s11 s12 s22
std::vector<std::string> ShardsForView(Clearance view);  // the shards a clearance reads

// Document ids are unique across the shards of a generation: shard number k (its position in
// AllShardNames) uses ids [k * kShardDocidSpan + 1, (k + 1) * kShardDocidSpan]. Xapian 1.4 hands
// a MatchSpy or MatchDecider the document id within its shard, not within the combined database;
// the range tells which shard it is. Xapian numbers a combined database's documents by
// interleaving (id within its database - 1) * databases + position + 1, in Debian's 32-bit
// docids: the highest id (6 spans) times the databases of a view, other indexes' (ShardSet)
// included, must stay below 2^32 — 71 local databases; a remote shard counts with its own
// server's numbering (search::OpenViewShards refuses a view past the limit).
inline constexpr uint32_t kShardDocidSpan = 10000000;
int ShardNumber(const std::string& name);  // position in AllShardNames, -1 if unknown
inline int ShardOfDocid(uint32_t did) { return static_cast<int>((did - 1) / kShardDocidSpan); }
std::string GenerationDirName(uint64_t generation);  // gen-000007

// A directory name of the form GenerationDirName(n), or the same with kTemporarySuffix (a
// generation still being written).
struct GenerationDir {
  uint64_t number = 0;
  bool temporary = false;
};
// Reads `name` back: "gen-" followed by digits, optionally ".tmp". Any other name (CURRENT,
// LOCK, "gen-x", "gen-") is nullopt: not a generation directory.
std::optional<GenerationDir> ParseGenerationDirName(std::string_view name);

// The generation directory CURRENT points to. Fails with kNotFound (rule "index.missing") if
// `db` holds no complete generation.
Result<std::filesystem::path> ResolveCurrentGeneration(const std::filesystem::path& db);

}  // namespace yuimaru::core
