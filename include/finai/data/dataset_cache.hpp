// A binary cache of parsed data sets, so that repeated runs on the same CSV skip parsing. A dataset file
// holds a Frame, its Schema and the DatasetKey it was made from: the source file's XXH3-64 and size, and
// the caller's hash of the read options. An entry is used only while all three still match, so an edited
// CSV or a changed option is re-parsed, never served stale.
//
// The file format (docs/dataset_cache.md, byte by byte) is versioned, little-endian and ends in an XXH3-64
// checksum of everything before it. Readers treat the bytes as untrusted: anything malformed is InvalidData
// naming the file, what is wrong and the byte offset, never a crash or an absurd allocation. The checksum
// detects corruption (torn writes, bad disks, truncation); it is not a signature, so whoever can write the
// cache directory can choose the data finai reads: keep the directory private to its user.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"

namespace finai {

// The newest dataset format this build writes and reads. Files of an older version keep loading.
inline constexpr std::uint32_t kDatasetFormatVersion = 1;

// What a cached data set was made from; the entry is valid only while all three match.
struct DatasetKey {
  std::uint64_t source_hash = 0;   // XXH3-64 of the source file's bytes
  std::uint64_t source_size = 0;   // the source file's size in bytes
  std::uint64_t options_hash = 0;  // hash of every read option that changes the result (CsvOptions::Fingerprint)

  friend bool operator==(const DatasetKey&, const DatasetKey&) = default;
};

struct CachedDataset {
  Frame frame;
  Schema schema;
  DatasetKey key;
};

// XXH3-64 (seed 0) of bytes, the hash every other function here uses.
std::uint64_t HashBytes(std::string_view bytes);
// XXH3-64 of a file's bytes, read in 1 MiB blocks so files larger than memory work; equals
// HashBytes(contents). NotFound when the file does not exist, IoError when it cannot be read.
std::uint64_t HashFile(const std::string& path);
// The key of a source file as it is now (one pass over the file for both hash and size).
DatasetKey MakeDatasetKey(const std::string& source_path, std::uint64_t options_hash);

// The schema must describe the frame: one field per column, in column order, with the column's name and
// type; text must be valid UTF-8 without NUL bytes and floats finite or NaN (the Column contract).
// Anything else is InvalidArgument, raised before a file is touched or, mid-way, with the file removed.
//
// The file's bytes in memory (for tests, fuzz corpora and sending elsewhere).
std::string EncodeDataset(const Frame& frame, const Schema& schema, const DatasetKey& key);
// Writes atomically: a temporary file beside path, fsynced and renamed over it, so path only ever holds
// complete contents, even after a crash. IoError when the directory refuses.
void WriteDatasetFile(const std::string& path, const Frame& frame, const Schema& schema, const DatasetKey& key);

// Decodes a dataset file's bytes; name is the file named in error messages. Throws only finai::Error:
// InvalidData for a bad magic, a format version newer than kDatasetFormatVersion, truncation, a checksum
// mismatch or any impossible content (lengths beyond the end, codes outside the dictionary, ...).
CachedDataset ReadDatasetBuffer(std::string_view bytes, std::string_view name);
// Reads a dataset file (ReadDatasetBuffer on its bytes); also NotFound / IoError from the file system.
// The magic and version are checked before the file is read whole.
CachedDataset ReadDatasetFile(const std::string& path);

// $FINAI_CACHE_DIR if set and not empty, else $XDG_CACHE_HOME/finai (XDG: only an absolute path counts),
// else $HOME/.cache/finai. NotFound when none is set: a shared fallback such as /tmp would let other users
// plant cache entries.
std::string DefaultCacheDirectory();

// A directory of dataset files, one per (source path, options) pair. Typical use:
//   DatasetKey key = MakeDatasetKey(path, options.Fingerprint());
//   if (auto hit = cache.Lookup(path, key, ctx)) return std::move(*hit);
//   CsvTable table = ...parse path...;
//   cache.Store(path, key, table.frame, table.schema, ctx);
// Taking the key before parsing means a source edited during the parse leaves an entry that no longer
// matches it, rather than one that claims the new contents.
class DatasetCache {
 public:
  // The directory is created on the first Store. InvalidArgument when it is empty.
  explicit DatasetCache(std::string directory);
  const std::string& directory() const { return directory_; }

  // The entry's file: "<directory>/<16 hex digits>.finaids", from XXH3-64 of the source's absolute,
  // normalised path followed by the options hash (8 bytes, little-endian).
  std::string EntryPath(const std::string& source_path, std::uint64_t options_hash) const;

  // The cached data set when the entry exists, reads cleanly and was made from the source as it is now with
  // the same options. A stale or unreadable entry is logged as a warning through ctx and answered with
  // nullopt, so the caller re-parses; the next Store replaces it. Errors about the source itself (NotFound,
  // IoError while hashing it) propagate: the caller would meet them when parsing anyway.
  std::optional<CachedDataset> Lookup(const std::string& source_path, const DatasetKey& key,
                                      const Context& ctx) const;
  // As above, hashing the source now (only when an entry exists, so a cold cache costs no extra pass).
  std::optional<CachedDataset> Lookup(const std::string& source_path, std::uint64_t options_hash,
                                      const Context& ctx) const;

  // Writes (or replaces) the entry. A cache that cannot be written must not fail the run that uses it, so
  // IoError is logged as a warning and answered with false; InvalidArgument (a schema that does not describe
  // the frame) propagates, being a bug in the caller.
  bool Store(const std::string& source_path, const DatasetKey& key, const Frame& frame, const Schema& schema,
             const Context& ctx) const;
  // As above, hashing the source now.
  bool Store(const std::string& source_path, std::uint64_t options_hash, const Frame& frame, const Schema& schema,
             const Context& ctx) const;

 private:
  std::string directory_;
};

}  // namespace finai
