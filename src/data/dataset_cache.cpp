// The dataset file format (docs/dataset_cache.md) and the cache directory built on it.
#include "finai/data/dataset_cache.hpp"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include "binary_io.hpp"
#include "core/utf8.hpp"
#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"

namespace finai {
namespace {

using detail::BinaryReader;
using detail::BinaryWriter;

constexpr std::string_view kMagic{"FINAIDS\0", 8};
constexpr std::size_t kPreambleBytes = 12;  // magic + format version
constexpr std::size_t kHeaderBytes = 52;    // preamble + key (24) + rows (8) + columns (8)
constexpr std::size_t kChecksumBytes = 8;
// The smallest column on disk: name length, type/role/monotone/flags, two bounds, description length and
// NA count, with empty strings and no rows.
constexpr std::size_t kMinColumnBytes = 4 + 4 + 16 + 4 + 4;

// On-disk codes are positions in these tables: append only, never reorder.
constexpr std::array kTypeCodes{ColumnType::kFloat64, ColumnType::kFloat32, ColumnType::kCategorical,
                                ColumnType::kString, ColumnType::kDateTime};
constexpr std::array kRoleCodes{Role::kFeature, Role::kTarget,    Role::kWeight, Role::kId,
                                Role::kTime,    Role::kSensitive, Role::kIgnore};

constexpr std::uint8_t kFlagActionable = 1;
constexpr std::uint8_t kFlagImmutable = 2;
constexpr std::uint8_t kFlagHasLower = 4;
constexpr std::uint8_t kFlagHasUpper = 8;
constexpr std::uint8_t kKnownFlags = kFlagActionable | kFlagImmutable | kFlagHasLower | kFlagHasUpper;

template <class Enum, std::size_t N>
std::uint8_t CodeOf(const std::array<Enum, N>& table, Enum value) {
  for (std::size_t i = 0; i < N; ++i) {
    if (table[i] == value) return static_cast<std::uint8_t>(i);
  }
  FINAI_CHECK(false, "enum value without an on-disk code");
  return 0;
}

// ---- writing ----

void PutText(BinaryWriter& out, std::string_view text, const char* what, const std::string& column) {
  if (auto problem = CheckText(text)) {
    throw InvalidArgument(fmt::format("{} is not storable text: {} at byte {}", what, problem->detail,
                                      problem->offset),
                          {.field = column, .value = std::string(text)});
  }
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidArgument(fmt::format("{} is {} bytes; the dataset format holds at most 4 GiB - 1", what,
                                      text.size()),
                          {.field = column});
  }
  out.Put(static_cast<std::uint32_t>(text.size()));
  out.PutBytes(text.data(), text.size());
}

void PutCount32(BinaryWriter& out, std::size_t count, const char* what, const std::string& column) {
  if (count > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidArgument(fmt::format("{} {}: more than the dataset format holds", count, what), {.field = column});
  }
  out.Put(static_cast<std::uint32_t>(count));
}

// NaN is the missing value; an infinity breaks the Column contract, so it is refused here rather than
// written into a file every reader would then reject.
template <class T>
void PutFloats(BinaryWriter& out, std::span<const T> values, const std::string& column) {
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (std::isinf(values[row])) {
      throw InvalidArgument(fmt::format("infinite value at row {}", row),
                            {.field = column, .expected = "finite numbers, or NaN for missing"});
    }
  }
  out.PutArray(values);
}

void PutColumn(BinaryWriter& out, const Column& column, const FieldSpec& field) {
  const std::string& name = column.name();
  if (field.name != name || field.type != column.type()) {
    throw InvalidArgument(fmt::format("schema field '{}' ({}) does not describe column '{}' ({})", field.name,
                                      ColumnTypeName(field.type), name, ColumnTypeName(column.type())),
                          {.field = name, .expected = "one schema field per column, in column order"});
  }
  PutText(out, name, "column name", name);
  out.Put(CodeOf(kTypeCodes, column.type()));
  out.Put(CodeOf(kRoleCodes, field.role));
  out.Put(static_cast<std::int8_t>(field.monotone));
  std::uint8_t flags = 0;
  if (field.actionable) flags |= kFlagActionable;
  if (field.immutable) flags |= kFlagImmutable;
  if (field.lower_bound) flags |= kFlagHasLower;
  if (field.upper_bound) flags |= kFlagHasUpper;
  out.Put(flags);
  // An absent bound is written as zero bits so that equal data sets always encode to equal bytes.
  out.Put(field.lower_bound.value_or(0.0));
  out.Put(field.upper_bound.value_or(0.0));
  PutText(out, field.description, "description", name);
  PutCount32(out, field.na_values.size(), "NA values", name);
  for (const auto& token : field.na_values) PutText(out, token, "NA value", name);

  switch (column.type()) {
    case ColumnType::kFloat64: PutFloats(out, column.float64(), name); break;
    case ColumnType::kFloat32: PutFloats(out, column.float32(), name); break;
    case ColumnType::kCategorical:
      PutCount32(out, column.dictionary().size(), "categories", name);
      for (const auto& category : column.dictionary()) PutText(out, category, "category", name);
      out.PutArray(column.codes());
      break;
    case ColumnType::kString: {
      const auto missing = column.string_missing();
      for (std::uint8_t flag : missing) out.Put(static_cast<std::uint8_t>(flag != 0 ? 1 : 0));
      // A missing row's text carries no meaning, so it is written empty: the file stays canonical.
      const auto& strings = column.strings();
      for (std::size_t row = 0; row < strings.size(); ++row) {
        PutText(out, missing[row] != 0 ? std::string_view() : std::string_view(strings[row]), "string value", name);
      }
      break;
    }
    case ColumnType::kDateTime: out.PutArray(column.datetime()); break;
  }
}

void PutDataset(BinaryWriter& out, const Frame& frame, const Schema& schema, const DatasetKey& key) {
  if (static_cast<std::int64_t>(schema.size()) != frame.num_columns()) {
    throw InvalidArgument(fmt::format("the schema has {} fields but the frame has {} columns", schema.size(),
                                      frame.num_columns()),
                          {.expected = "one schema field per column, in column order"});
  }
  out.PutBytes(kMagic.data(), kMagic.size());
  out.Put(kDatasetFormatVersion);
  out.Put(key.source_hash);
  out.Put(key.source_size);
  out.Put(key.options_hash);
  out.Put(static_cast<std::uint64_t>(frame.num_rows()));
  out.Put(static_cast<std::uint64_t>(frame.num_columns()));
  for (std::int64_t i = 0; i < frame.num_columns(); ++i) {
    PutColumn(out, frame.column(i), schema.fields()[static_cast<std::size_t>(i)]);
  }
}

// ---- reading ----

std::string GetText(BinaryReader& in, const char* what) {
  const std::size_t start = in.offset();
  const auto size = in.Get<std::uint32_t>(what);
  const std::string_view text = in.GetBytes(size, what);
  if (auto problem = CheckText(text)) {
    in.FailAt(start + 4 + problem->offset, fmt::format("{} is not valid text: {}", what, problem->detail));
  }
  return std::string(text);
}

// The magic and version come first and are checked before anything else, so that a future format may change
// everything after them (the checksum included) and still be refused with a clear message.
void CheckPreamble(std::string_view bytes, const std::string& name) {
  const BinaryReader at(bytes, name);
  if (bytes.size() < kMagic.size() && kMagic.substr(0, bytes.size()) == bytes) {
    at.FailAt(bytes.size(), fmt::format("truncated: the file is {} bytes, shorter than the 8-byte magic",
                                        bytes.size()));
  }
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    at.FailAt(0, fmt::format("not a finai dataset file: it starts with '{}', not the magic 'FINAIDS\\0'",
                             QuoteValue(bytes.substr(0, kMagic.size()))));
  }
  if (bytes.size() < kPreambleBytes) {
    at.FailAt(bytes.size(), "truncated: the file ends inside the format version");
  }
  BinaryReader in(bytes, name);
  in.GetBytes(kMagic.size(), "magic");
  const auto version = in.Get<std::uint32_t>("format version");
  if (version > kDatasetFormatVersion) {
    at.FailAt(kMagic.size(), fmt::format("written by a newer finai: format version {}, this build reads up to {}",
                                         version, kDatasetFormatVersion));
  }
  if (version == 0) at.FailAt(kMagic.size(), "invalid format version 0");
}

template <class T>
std::vector<T> GetFloats(BinaryReader& in, std::uint64_t rows) {
  const std::size_t start = in.offset();
  auto values = in.GetArray<T>(rows, "float values");
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (std::isinf(values[row])) {
      in.FailAt(start + row * sizeof(T), fmt::format("infinite value at row {}; only finite numbers or NaN", row));
    }
  }
  return values;
}

std::vector<std::string> GetCategories(BinaryReader& in) {
  const auto count = in.Get<std::uint32_t>("category count");
  in.RequireFits(count, 4, "categories");
  const std::size_t start = in.offset();
  std::vector<std::string> categories;
  categories.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) categories.push_back(GetText(in, "category"));
  // Codes map to categories one to one; a repeated category would make two codes mean one value.
  std::unordered_set<std::string_view> seen;
  for (const auto& category : categories) {
    if (!seen.insert(category).second) {
      in.FailAt(start, fmt::format("category '{}' appears twice in the dictionary", QuoteValue(category)));
    }
  }
  return categories;
}

Column GetColumnData(BinaryReader& in, const FieldSpec& field, std::uint64_t rows) {
  switch (field.type) {
    case ColumnType::kFloat64: return Column::Float64(field.name, GetFloats<double>(in, rows));
    case ColumnType::kFloat32: return Column::Float32(field.name, GetFloats<float>(in, rows));
    case ColumnType::kCategorical: {
      auto categories = GetCategories(in);
      const std::size_t start = in.offset();
      auto codes = in.GetArray<std::int32_t>(rows, "categorical codes");
      const auto limit = static_cast<std::int64_t>(categories.size());
      for (std::size_t row = 0; row < codes.size(); ++row) {
        if (codes[row] != kMissingCode && (codes[row] < 0 || codes[row] >= limit)) {
          in.FailAt(start + row * 4, fmt::format("categorical code {} at row {} is outside the dictionary of {}",
                                                 codes[row], row, limit));
        }
      }
      return Column::Categorical(field.name, std::move(codes), std::move(categories));
    }
    case ColumnType::kString: {
      // Each row needs its flag byte and its 4-byte length at least.
      in.RequireFits(rows, 5, "string rows");
      const std::size_t flags_start = in.offset();
      auto missing = in.GetArray<std::uint8_t>(rows, "missing flags");
      for (std::size_t row = 0; row < missing.size(); ++row) {
        if (missing[row] > 1) {
          in.FailAt(flags_start + row, fmt::format("missing flag {} at row {}; expected 0 or 1", missing[row], row));
        }
      }
      std::vector<std::string> strings;
      strings.reserve(missing.size());
      for (std::size_t row = 0; row < missing.size(); ++row) {
        const std::size_t start = in.offset();
        strings.push_back(GetText(in, "string value"));
        if (missing[row] != 0 && !strings.back().empty()) {
          in.FailAt(start, fmt::format("row {} is missing but has {} bytes of text", row, strings.back().size()));
        }
      }
      return Column::String(field.name, std::move(strings), std::move(missing));
    }
    case ColumnType::kDateTime:
      return Column::DateTime(field.name, in.GetArray<std::int64_t>(rows, "datetime values"));
  }
  FINAI_CHECK(false, "unhandled column type");
  return Column::Float64(field.name, {});
}

std::optional<double> GetBound(BinaryReader& in, bool present, const char* what) {
  const std::size_t start = in.offset();
  const auto bits = in.Get<std::uint64_t>(what);
  if (present) return std::bit_cast<double>(bits);
  if (bits != 0) in.FailAt(start, fmt::format("{} is absent but its bytes are not zero", what));
  return std::nullopt;
}

Column GetColumn(BinaryReader& in, FieldSpec& field, std::uint64_t rows) {
  const std::size_t start = in.offset();
  field.name = GetText(in, "column name");
  in.set_field(field.name);
  const auto type_code = in.Get<std::uint8_t>("column type");
  if (type_code >= kTypeCodes.size()) in.Fail(fmt::format("unknown column type code {}", type_code));
  field.type = kTypeCodes[type_code];
  const auto role_code = in.Get<std::uint8_t>("role");
  if (role_code >= kRoleCodes.size()) in.Fail(fmt::format("unknown role code {}", role_code));
  field.role = kRoleCodes[role_code];
  const auto monotone = in.Get<std::int8_t>("monotone direction");
  if (monotone < -1 || monotone > 1) in.Fail(fmt::format("monotone direction {}; expected -1, 0 or 1", monotone));
  field.monotone = static_cast<Monotone>(monotone);
  const auto flags = in.Get<std::uint8_t>("flags");
  if ((flags & ~kKnownFlags) != 0) in.Fail(fmt::format("unknown flag bits 0x{:02x}", flags & ~kKnownFlags));
  field.actionable = (flags & kFlagActionable) != 0;
  field.immutable = (flags & kFlagImmutable) != 0;
  field.lower_bound = GetBound(in, (flags & kFlagHasLower) != 0, "lower bound");
  field.upper_bound = GetBound(in, (flags & kFlagHasUpper) != 0, "upper bound");
  field.description = GetText(in, "description");
  const auto na_count = in.Get<std::uint32_t>("NA value count");
  in.RequireFits(na_count, 4, "NA values");
  field.na_values.reserve(na_count);
  for (std::uint32_t i = 0; i < na_count; ++i) field.na_values.push_back(GetText(in, "NA value"));
  Column column = GetColumnData(in, field, rows);
  FINAI_CHECK(column.size() == static_cast<std::int64_t>(rows), fmt::format("column at byte {}", start));
  return column;
}

}  // namespace

std::uint64_t HashBytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::uint64_t HashFile(const std::string& path) { return detail::DigestFile(path).hash; }

DatasetKey MakeDatasetKey(const std::string& source_path, std::uint64_t options_hash) {
  const detail::FileDigest digest = detail::DigestFile(source_path);
  return {.source_hash = digest.hash, .source_size = digest.size, .options_hash = options_hash};
}

std::string EncodeDataset(const Frame& frame, const Schema& schema, const DatasetKey& key) {
  std::string bytes;
  BinaryWriter out([&bytes](std::string_view chunk) { bytes.append(chunk); });
  PutDataset(out, frame, schema, key);
  out.FinishWithChecksum();
  return bytes;
}

void WriteDatasetFile(const std::string& path, const Frame& frame, const Schema& schema, const DatasetKey& key) {
  detail::WriteStreamAtomically(path, [&](BinaryWriter& out) { PutDataset(out, frame, schema, key); });
}

CachedDataset ReadDatasetBuffer(std::string_view bytes, std::string_view name_view) {
  const std::string name(name_view);
  CheckPreamble(bytes, name);
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    BinaryReader(bytes, name).FailAt(bytes.size(), fmt::format("truncated: the file is {} bytes; even an empty "
                                                               "data set takes {}", bytes.size(),
                                                               kHeaderBytes + kChecksumBytes));
  }
  const std::string_view payload = bytes.substr(0, bytes.size() - kChecksumBytes);
  BinaryReader in(payload, name);
  {
    BinaryReader trailer(bytes, name);
    trailer.GetBytes(payload.size(), "payload");
    const auto stored = trailer.Get<std::uint64_t>("checksum");
    const std::uint64_t computed = HashBytes(payload);
    if (stored != computed) {
      trailer.FailAt(payload.size(), fmt::format("checksum mismatch: the file says {:016x} but its first {} bytes "
                                                 "hash to {:016x}; it is corrupt or truncated",
                                                 stored, payload.size(), computed));
    }
  }
  in.GetBytes(kPreambleBytes, "preamble");
  CachedDataset out;
  out.key.source_hash = in.Get<std::uint64_t>("source hash");
  out.key.source_size = in.Get<std::uint64_t>("source size");
  out.key.options_hash = in.Get<std::uint64_t>("options hash");
  const std::size_t rows_offset = in.offset();
  const auto rows = in.Get<std::uint64_t>("row count");
  const auto num_columns = in.Get<std::uint64_t>("column count");
  if (rows > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    in.FailAt(rows_offset, fmt::format("impossible row count {}", rows));
  }
  if (num_columns == 0 && rows != 0) in.FailAt(rows_offset, fmt::format("{} rows but no columns", rows));
  in.RequireFits(num_columns, kMinColumnBytes, "columns");

  std::vector<Column> columns;
  std::vector<FieldSpec> fields(static_cast<std::size_t>(num_columns));
  columns.reserve(fields.size());
  std::unordered_set<std::string> names;
  for (auto& field : fields) {
    const std::size_t start = in.offset();
    columns.push_back(GetColumn(in, field, rows));
    if (!names.insert(field.name).second) in.FailAt(start, "the column name appears twice");
    in.set_field({});
  }
  if (in.remaining() != 0) {
    in.Fail(fmt::format("{} unexpected bytes after the last column", in.remaining()));
  }
  out.frame = Frame(std::move(columns));
  out.schema = Schema(std::move(fields));
  return out;
}

CachedDataset ReadDatasetFile(const std::string& path) {
  FileBlockReader reader(path);
  // Reading the preamble first refuses a wrong (perhaps huge) file before reading all of it.
  std::string bytes;
  while (bytes.size() < kPreambleBytes && reader.ReadAppend(bytes, kPreambleBytes - bytes.size()) > 0) {
  }
  CheckPreamble(bytes, path);
  // The size is only a hint for the allocation (the name may meanwhile point at a newer file); the checksum
  // decides whether what was read is whole. The extra block spares a reallocation at the end.
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  bytes.reserve(static_cast<std::size_t>(FileSize(path)) + kBlock);
  while (reader.ReadAppend(bytes, kBlock) > 0) {
  }
  return ReadDatasetBuffer(bytes, path);
}

std::string DefaultCacheDirectory() {
  const auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
  };
  if (std::string dir = env("FINAI_CACHE_DIR"); !dir.empty()) return dir;
  if (std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty() && std::filesystem::path(xdg).is_absolute()) {
    return (std::filesystem::path(xdg) / "finai").string();
  }
  if (std::string home = env("HOME"); !home.empty()) {
    return (std::filesystem::path(home) / ".cache" / "finai").string();
  }
  throw NotFound("no cache directory: none of FINAI_CACHE_DIR, XDG_CACHE_HOME or HOME is set",
                 {.expected = "FINAI_CACHE_DIR set to a directory private to this user"});
}

DatasetCache::DatasetCache(std::string directory) : directory_(std::move(directory)) {
  if (directory_.empty()) throw InvalidArgument("the dataset cache directory is empty");
}

std::string DatasetCache::EntryPath(const std::string& source_path, std::uint64_t options_hash) const {
  namespace fs = std::filesystem;
  // Symlinks are resolved so that two spellings of one file share an entry; the key check makes a stale
  // resolution harmless.
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(source_path, ec), ec);
  if (ec) resolved = fs::absolute(source_path, ec).lexically_normal();
  const std::string absolute = resolved.string();
  detail::Xxh3Stream digest;
  digest.Update(absolute);
  const std::uint64_t options_le = detail::SwapToLittleEndian(options_hash);
  digest.Update(std::string_view(reinterpret_cast<const char*>(&options_le), sizeof(options_le)));
  return (fs::path(directory_) / fmt::format("{:016x}.finaids", digest.Digest())).string();
}

std::optional<CachedDataset> DatasetCache::Lookup(const std::string& source_path, const DatasetKey& key,
                                                  const Context& ctx) const {
  const std::string entry = EntryPath(source_path, key.options_hash);
  std::error_code ec;
  if (!std::filesystem::exists(entry, ec)) {
    ctx.Log(LogLevel::kDebug, fmt::format("dataset cache: no entry for {}", source_path));
    return std::nullopt;
  }
  CachedDataset cached;
  try {
    cached = ReadDatasetFile(entry);
  } catch (const Error& error) {
    // A broken entry only costs a re-parse; a bug in finai (Internal) or a cancelled run must still surface.
    if (error.kind() == ErrorKind::kInternal || error.kind() == ErrorKind::kCancelled) throw;
    ctx.Log(LogLevel::kWarning, fmt::format("dataset cache: ignoring the entry for {}: {}", source_path,
                                            error.what()));
    return std::nullopt;
  }
  if (cached.key != key) {
    ctx.Log(LogLevel::kWarning,
            fmt::format("dataset cache: stale entry {} for {}: made from {} bytes with hash {:016x} and options "
                        "{:016x}, the source now has {} bytes with hash {:016x} and options {:016x}; re-reading it",
                        entry, source_path, cached.key.source_size, cached.key.source_hash, cached.key.options_hash,
                        key.source_size, key.source_hash, key.options_hash));
    return std::nullopt;
  }
  ctx.Log(LogLevel::kDebug, fmt::format("dataset cache: using {} for {}", entry, source_path));
  return cached;
}

std::optional<CachedDataset> DatasetCache::Lookup(const std::string& source_path, std::uint64_t options_hash,
                                                  const Context& ctx) const {
  std::error_code ec;
  if (!std::filesystem::exists(EntryPath(source_path, options_hash), ec)) {
    ctx.Log(LogLevel::kDebug, fmt::format("dataset cache: no entry for {}", source_path));
    return std::nullopt;
  }
  return Lookup(source_path, MakeDatasetKey(source_path, options_hash), ctx);
}

bool DatasetCache::Store(const std::string& source_path, const DatasetKey& key, const Frame& frame,
                         const Schema& schema, const Context& ctx) const {
  const std::string entry = EntryPath(source_path, key.options_hash);
  try {
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) throw IoError(fmt::format("cannot create the cache directory: {}", ec.message()), {.file = directory_});
    WriteDatasetFile(entry, frame, schema, key);
  } catch (const IoError& error) {
    ctx.Log(LogLevel::kWarning, fmt::format("dataset cache: cannot store {}: {}", source_path, error.what()));
    return false;
  }
  ctx.Log(LogLevel::kDebug, fmt::format("dataset cache: stored {} as {}", source_path, entry));
  return true;
}

bool DatasetCache::Store(const std::string& source_path, std::uint64_t options_hash, const Frame& frame,
                         const Schema& schema, const Context& ctx) const {
  return Store(source_path, MakeDatasetKey(source_path, options_hash), frame, schema, ctx);
}

}  // namespace finai
