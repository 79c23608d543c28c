#include "finai/data/dataset_cache.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/core/file.hpp"

namespace finai {
namespace {

namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Offsets fixed by the layout in docs/dataset_cache.md.
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kRowsOffset = 36;
constexpr std::size_t kColumnsOffset = 44;
constexpr std::size_t kFirstColumnOffset = 52;
// Where a column's data starts when its name is one byte, its description empty and it has no NA values:
// name length (4) + name (1) + type, role, monotone, flags (4) + bounds (16) + description length (4) + NA count (4).
constexpr std::size_t kOneLetterColumnDataOffset = kFirstColumnOffset + 33;

// A fresh directory under the system's temporary directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("finai-dataset-cache-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

FieldSpec Field(std::string name, ColumnType type) {
  FieldSpec field;
  field.name = std::move(name);
  field.type = type;
  return field;
}

// Every column type, with every kind of missing value and awkward values around them.
CachedDataset SampleDataset() {
  std::vector<Column> columns;
  columns.push_back(Column::Float64("amount", {1.5, kNaN, -0.0, 4.9e-324, std::numeric_limits<double>::max(), -3}));
  columns.push_back(Column::Float32("ratio", {0.25f, std::nanf(""), -0.0f, 1e-45f, 3.4e38f, -1}));
  columns.push_back(Column::Categorical("segment", {0, 1, kMissingCode, 2, 0, 1}, {"retail", "Zürich-Privé", ""}));
  // Row 0 is an empty string (a value), rows 1 and 5 are missing; row 5 carries leftover text that means nothing.
  columns.push_back(Column::String("note", {"", "", "日本語", "bank 🏦", "plain", "leftover"}, {0, 1, 0, 0, 0, 1}));
  columns.push_back(Column::DateTime("opened", {0, kMissingTime, -86400, 1700000000,
                                                std::numeric_limits<std::int64_t>::max(), kMissingTime + 1}));

  std::vector<FieldSpec> fields;
  fields.push_back(Field("amount", ColumnType::kFloat64));
  fields.back().role = Role::kTarget;
  fields.back().lower_bound = -0.0;
  fields.push_back(Field("ratio", ColumnType::kFloat32));
  fields.back().description = "Debt-to-income ratio — höher ist schlechter";
  fields.back().monotone = Monotone::kDecreasing;
  fields.back().actionable = true;
  fields.back().lower_bound = 0.0;
  fields.back().upper_bound = 1.0;
  fields.back().na_values = {"?", "", "n/v"};
  fields.push_back(Field("segment", ColumnType::kCategorical));
  fields.back().role = Role::kSensitive;
  fields.back().monotone = Monotone::kIncreasing;
  fields.push_back(Field("note", ColumnType::kString));
  fields.back().role = Role::kIgnore;
  fields.back().upper_bound = kNaN;
  fields.push_back(Field("opened", ColumnType::kDateTime));
  fields.back().role = Role::kTime;
  fields.back().immutable = true;

  return {.frame = Frame(std::move(columns)),
          .schema = Schema(std::move(fields)),
          .key = {.source_hash = 0x0123456789abcdefULL, .source_size = 1234, .options_hash = 0xfedcba9876543210ULL}};
}

// A file holding one column (named "x", so its data starts at kOneLetterColumnDataOffset) and a plain schema.
std::string OneColumnFile(Column column) {
  Frame frame;
  const ColumnType type = column.type();
  frame.AddColumn(std::move(column));
  return EncodeDataset(frame, Schema({Field("x", type)}), {});
}

template <class T>
bool SameBits(std::span<const T> a, std::span<const T> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

void ExpectSameOptional(const std::optional<double>& a, const std::optional<double>& b, const std::string& what) {
  ASSERT_EQ(a.has_value(), b.has_value()) << what;
  if (a) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*a), std::bit_cast<std::uint64_t>(*b)) << what;
  }
}

void ExpectSameDataset(const CachedDataset& expected, const CachedDataset& actual) {
  EXPECT_EQ(expected.key, actual.key);
  ASSERT_EQ(expected.frame.num_rows(), actual.frame.num_rows());
  ASSERT_EQ(expected.frame.num_columns(), actual.frame.num_columns());
  for (std::int64_t c = 0; c < expected.frame.num_columns(); ++c) {
    const Column& a = expected.frame.column(c);
    const Column& b = actual.frame.column(c);
    SCOPED_TRACE(a.name());
    ASSERT_EQ(a.name(), b.name());
    ASSERT_EQ(a.type(), b.type());
    switch (a.type()) {
      case ColumnType::kFloat64: EXPECT_TRUE(SameBits(a.float64(), b.float64())); break;
      case ColumnType::kFloat32: EXPECT_TRUE(SameBits(a.float32(), b.float32())); break;
      case ColumnType::kCategorical:
        EXPECT_EQ(a.dictionary(), b.dictionary());
        EXPECT_TRUE(SameBits(a.codes(), b.codes()));
        break;
      case ColumnType::kString:
        EXPECT_TRUE(SameBits(a.string_missing(), b.string_missing()));
        for (std::int64_t r = 0; r < a.size(); ++r) {
          // A missing row's text is not kept: it reads back empty.
          const auto row = static_cast<std::size_t>(r);
          EXPECT_EQ(a.IsMissing(r) ? std::string() : a.strings()[row], b.strings()[row]) << "row " << r;
        }
        break;
      case ColumnType::kDateTime: EXPECT_TRUE(SameBits(a.datetime(), b.datetime())); break;
    }
  }
  ASSERT_EQ(expected.schema.size(), actual.schema.size());
  for (std::size_t i = 0; i < expected.schema.size(); ++i) {
    const FieldSpec& a = expected.schema.fields()[i];
    const FieldSpec& b = actual.schema.fields()[i];
    SCOPED_TRACE(a.name);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.role, b.role);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.monotone, b.monotone);
    EXPECT_EQ(a.actionable, b.actionable);
    EXPECT_EQ(a.immutable, b.immutable);
    ExpectSameOptional(a.lower_bound, b.lower_bound, "lower bound");
    ExpectSameOptional(a.upper_bound, b.upper_bound, "upper bound");
    EXPECT_EQ(a.na_values, b.na_values);
  }
}

// Recomputes the trailing checksum, so that a test reaches the checks behind it.
std::string Reseal(std::string bytes) {
  const std::uint64_t checksum = HashBytes(std::string_view(bytes).substr(0, bytes.size() - 8));
  std::memcpy(bytes.data() + bytes.size() - 8, &checksum, 8);  // the tests run on little-endian machines
  return bytes;
}

template <class T>
std::string Patch(std::string bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
  return bytes;
}

// The error a read raises, which must be InvalidData naming the file.
std::string ReadError(std::string_view bytes, const std::string& name = "cache.finaids") {
  try {
    ReadDatasetBuffer(bytes, name);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidData) << error.what();
    EXPECT_EQ(error.location().file, name) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "the read succeeded";
  return {};
}

TEST(DatasetFileTest, RoundTripsEveryColumnTypeAndMissingValue) {
  TempDir dir;
  const CachedDataset sample = SampleDataset();
  const std::string path = dir.File("sample.finaids");
  WriteDatasetFile(path, sample.frame, sample.schema, sample.key);
  const CachedDataset read = ReadDatasetFile(path);
  ExpectSameDataset(sample, read);

  const Column& note = read.frame.column("note");
  EXPECT_FALSE(note.IsMissing(0));  // an empty string is a value...
  EXPECT_EQ(note.strings()[0], "");
  EXPECT_TRUE(note.IsMissing(1));   // ...and stays apart from a missing one
  EXPECT_EQ(note.strings()[3], "bank 🏦");
  EXPECT_EQ(read.frame.column("segment").dictionary()[1], "Zürich-Privé");
  EXPECT_TRUE(std::isnan(read.frame.column("amount").float64()[1]));
  EXPECT_TRUE(std::signbit(read.frame.column("amount").float64()[2]));
  EXPECT_EQ(read.frame.column("opened").datetime()[1], kMissingTime);
  EXPECT_EQ(read.frame.column("segment").codes()[2], kMissingCode);
}

TEST(DatasetFileTest, ZeroRowsAndZeroColumnsRoundTrip) {
  std::vector<Column> columns;
  columns.push_back(Column::Float64("f64", {}));
  columns.push_back(Column::Float32("f32", {}));
  columns.push_back(Column::Categorical("cat", {}, {"only category"}));
  columns.push_back(Column::String("text", {}, {}));
  columns.push_back(Column::DateTime("when", {}));
  std::vector<FieldSpec> fields;
  for (const auto& column : columns) fields.push_back(Field(column.name(), column.type()));
  const CachedDataset empty_rows{.frame = Frame(std::move(columns)), .schema = Schema(std::move(fields)), .key = {}};
  const std::string bytes = EncodeDataset(empty_rows.frame, empty_rows.schema, empty_rows.key);
  const CachedDataset read = ReadDatasetBuffer(bytes, "empty.finaids");
  ExpectSameDataset(empty_rows, read);
  EXPECT_EQ(read.frame.num_rows(), 0);
  EXPECT_EQ(read.frame.num_columns(), 5);

  const CachedDataset nothing{.frame = Frame(), .schema = Schema(), .key = {.source_size = 0, .options_hash = 7}};
  const std::string header_only = EncodeDataset(nothing.frame, nothing.schema, nothing.key);
  EXPECT_EQ(header_only.size(), kFirstColumnOffset + 8);
  ExpectSameDataset(nothing, ReadDatasetBuffer(header_only, "nothing.finaids"));
}

TEST(DatasetFileTest, LargeFrameRoundTripsAcrossWriteBlocks) {
  // Over 1 MiB per column, so the writer's direct path for big arrays and its block buffer both run.
  constexpr std::size_t kRows = 300000;
  std::mt19937_64 rng(42);
  std::vector<double> values(kRows);
  std::vector<std::string> texts(kRows);
  std::vector<std::uint8_t> missing(kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    values[i] = (rng() % 10 == 0) ? kNaN : static_cast<double>(rng()) / 7.0;
    missing[i] = rng() % 9 == 0 ? 1 : 0;
    texts[i] = missing[i] ? "" : std::string(rng() % 12, static_cast<char>('a' + i % 26));
  }
  CachedDataset big{.frame = Frame({Column::Float64("v", std::move(values)),
                                    Column::String("t", std::move(texts), std::move(missing))}),
                    .schema = Schema({Field("v", ColumnType::kFloat64), Field("t", ColumnType::kString)}),
                    .key = {.source_hash = 1, .source_size = 2, .options_hash = 3}};
  TempDir dir;
  WriteDatasetFile(dir.File("big.finaids"), big.frame, big.schema, big.key);
  ExpectSameDataset(big, ReadDatasetFile(dir.File("big.finaids")));
  EXPECT_EQ(ReadFileToString(dir.File("big.finaids")), EncodeDataset(big.frame, big.schema, big.key));
}

TEST(DatasetFileTest, LayoutMatchesTheDocumentation) {
  const CachedDataset sample = SampleDataset();
  const std::string bytes = EncodeDataset(sample.frame, sample.schema, sample.key);
  ASSERT_GT(bytes.size(), kFirstColumnOffset + 8);
  EXPECT_EQ(bytes.substr(0, 8), std::string("FINAIDS\0", 8));
  auto u32 = [&](std::size_t at) { std::uint32_t v; std::memcpy(&v, bytes.data() + at, 4); return v; };
  auto u64 = [&](std::size_t at) { std::uint64_t v; std::memcpy(&v, bytes.data() + at, 8); return v; };
  EXPECT_EQ(u32(kVersionOffset), kDatasetFormatVersion);
  EXPECT_EQ(u64(12), sample.key.source_hash);
  EXPECT_EQ(u64(20), sample.key.source_size);
  EXPECT_EQ(u64(28), sample.key.options_hash);
  EXPECT_EQ(u64(kRowsOffset), 6u);
  EXPECT_EQ(u64(kColumnsOffset), 5u);
  EXPECT_EQ(u32(kFirstColumnOffset), 6u);  // strlen("amount")
  EXPECT_EQ(bytes.substr(kFirstColumnOffset + 4, 6), "amount");
  EXPECT_EQ(u64(bytes.size() - 8), HashBytes(std::string_view(bytes).substr(0, bytes.size() - 8)));
  // Equal inputs give equal bytes: the encoding has no padding, timestamps or leftovers.
  EXPECT_EQ(bytes, EncodeDataset(sample.frame, sample.schema, sample.key));
}

// The example in docs/dataset_cache.md, byte for byte: a change here is a change of format version.
TEST(DatasetFileTest, DocumentedExampleIsByteExact) {
  FieldSpec field = Field("x", ColumnType::kFloat64);
  const std::string bytes = EncodeDataset(Frame({Column::Float64("x", {1.5, kNaN})}), Schema({field}),
                                          {.source_hash = 1, .source_size = 2, .options_hash = 3});
  const unsigned char expected[] = {
      0x46, 0x49, 0x4E, 0x41, 0x49, 0x44, 0x53, 0x00, 0x01, 0x00, 0x00, 0x00,                          // magic, v1
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // key
      0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // key, rows
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                                  // columns
      0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x00, 0x00, 0x00,                                            // "x", codes
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // bounds
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                                  // "", no NA
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x7F,  // 1.5, NaN
      0x61, 0xD9, 0xF0, 0xFE, 0xF8, 0x85, 0x63, 0xCB,                                                  // checksum
  };
  EXPECT_EQ(bytes, std::string(reinterpret_cast<const char*>(expected), sizeof(expected)));
}

TEST(DatasetFileTest, AnyFlippedByteIsInvalidData) {
  const CachedDataset sample = SampleDataset();
  const std::string bytes = EncodeDataset(sample.frame, sample.schema, sample.key);
  for (std::size_t offset = 0; offset < bytes.size(); ++offset) {
    for (unsigned char mask : {0x01, 0x10, 0x80, 0xFF}) {
      std::string corrupt = bytes;
      corrupt[offset] = static_cast<char>(corrupt[offset] ^ mask);
      SCOPED_TRACE("offset " + std::to_string(offset) + " mask " + std::to_string(mask));
      ReadError(corrupt);
    }
  }
}

// With the checksum repaired, every flip reaches the decoder's own checks: it must either refuse the bytes
// with InvalidData or accept them as a file the writer itself would produce (byte for byte).
TEST(DatasetFileTest, FlippedByteBehindAValidChecksumIsRefusedOrCanonical) {
  const CachedDataset sample = SampleDataset();
  const std::string bytes = EncodeDataset(sample.frame, sample.schema, sample.key);
  int accepted = 0;
  int refused = 0;
  for (std::size_t offset = 0; offset + 8 < bytes.size(); ++offset) {
    for (unsigned char mask : {0x01, 0x02, 0x40, 0x80, 0xFF}) {
      std::string corrupt = bytes;
      corrupt[offset] = static_cast<char>(corrupt[offset] ^ mask);
      corrupt = Reseal(std::move(corrupt));
      SCOPED_TRACE("offset " + std::to_string(offset) + " mask " + std::to_string(mask));
      try {
        const CachedDataset read = ReadDatasetBuffer(corrupt, "flip.finaids");
        EXPECT_EQ(EncodeDataset(read.frame, read.schema, read.key), corrupt);
        ++accepted;
      } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::kInvalidData) << error.what();
        ++refused;
      }
    }
  }
  // Both outcomes occur: flips in values are data, flips in lengths and codes are not.
  EXPECT_GT(accepted, 0);
  EXPECT_GT(refused, 0);
}

TEST(DatasetFileTest, TruncationAtEveryLengthIsInvalidData) {
  const CachedDataset sample = SampleDataset();
  const std::string bytes = EncodeDataset(sample.frame, sample.schema, sample.key);
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    SCOPED_TRACE("length " + std::to_string(length));
    ReadError(std::string_view(bytes).substr(0, length));
  }
  EXPECT_NE(ReadError("FINA").find("truncated"), std::string::npos);
  EXPECT_NE(ReadError(bytes.substr(0, 30)).find("truncated"), std::string::npos);
  EXPECT_NE(ReadError(bytes.substr(0, bytes.size() - 1)).find("checksum mismatch"), std::string::npos);
}

TEST(DatasetFileTest, BadMagicIsInvalidData) {
  TempDir dir;
  WriteText(dir.File("data.csv"), "income,age\n1200,34\n");
  try {
    ReadDatasetFile(dir.File("data.csv"));
    FAIL() << "a CSV file read as a dataset file";
  } catch (const InvalidData& error) {
    EXPECT_EQ(error.location().file, dir.File("data.csv"));
    EXPECT_NE(std::string(error.what()).find("not a finai dataset file"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("income,a"), std::string::npos) << error.what();
  }
  EXPECT_NE(ReadError(std::string("FINAIDX\0\1\0\0\0", 12)).find("magic"), std::string::npos);
}

TEST(DatasetFileTest, NewerFormatVersionIsRefusedWithItsNumber) {
  const CachedDataset sample = SampleDataset();
  const std::string bytes = EncodeDataset(sample.frame, sample.schema, sample.key);
  const std::string message = ReadError(Patch<std::uint32_t>(bytes, kVersionOffset, 2));
  EXPECT_NE(message.find("written by a newer finai: format version 2, this build reads up to 1"), std::string::npos)
      << message;
  EXPECT_NE(message.find("byte offset 8"), std::string::npos) << message;
  EXPECT_NE(ReadError(Patch<std::uint32_t>(bytes, kVersionOffset, 0)).find("format version 0"), std::string::npos);

  // The version is checked before the file is read whole, so a newer file is refused however it continues.
  TempDir dir;
  WriteText(dir.File("newer.finaids"), std::string("FINAIDS\0\x07\0\0\0", 12) + "whatever comes next");
  try {
    ReadDatasetFile(dir.File("newer.finaids"));
    FAIL() << "a newer file was read";
  } catch (const InvalidData& error) {
    EXPECT_NE(std::string(error.what()).find("format version 7"), std::string::npos) << error.what();
  }
}

TEST(DatasetFileTest, ImpossibleSizesAreInvalidDataNotAllocations) {
  const std::string floats = OneColumnFile(Column::Float64("x", {1.0, 2.0}));
  ASSERT_EQ(floats.size(), kOneLetterColumnDataOffset + 16 + 8);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint64_t>(floats, kRowsOffset, std::uint64_t{1} << 61)))
                .find("impossible size: 2305843009213693952 float values"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint64_t>(floats, kRowsOffset, ~std::uint64_t{0}))).find("row count"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint64_t>(floats, kColumnsOffset, std::uint64_t{1} << 40)))
                .find("impossible size"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint32_t>(floats, kFirstColumnOffset, 0xFFFFFFF0u))).find("column name"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<double>(floats, kOneLetterColumnDataOffset + 8, HUGE_VAL))).find("infinite"),
            std::string::npos);
  std::string longer = floats;
  longer.insert(longer.size() - 8, "tail");
  EXPECT_NE(ReadError(Reseal(longer)).find("4 unexpected bytes after the last column"), std::string::npos);

  // Categorical "x" with {"a", "b"}: count at data+0, "a" at data+4, "b" at data+9, codes from data+14.
  const std::string categorical = OneColumnFile(Column::Categorical("x", {0, 1, kMissingCode}, {"a", "b"}));
  const std::size_t codes = kOneLetterColumnDataOffset + 14;
  const std::string message = ReadError(Reseal(Patch<std::int32_t>(categorical, codes + 4, 2)));
  EXPECT_NE(message.find("categorical code 2 at row 1 is outside the dictionary of 2"), std::string::npos) << message;
  EXPECT_NE(message.find("column 'x'"), std::string::npos) << message;
  EXPECT_NE(message.find("byte offset " + std::to_string(codes + 4)), std::string::npos) << message;
  EXPECT_NE(ReadError(Reseal(Patch<std::int32_t>(categorical, codes, -2))).find("outside the dictionary"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint32_t>(categorical, kOneLetterColumnDataOffset, 0x7FFFFFFF)))
                .find("impossible size"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<char>(categorical, kOneLetterColumnDataOffset + 13, 'a'))).find("twice"),
            std::string::npos);

  // String "x" with {"abc"}: missing flag at data+0, length at data+1, text at data+5.
  const std::string strings = OneColumnFile(Column::String("x", {"abc"}, {0}));
  const std::size_t data = kOneLetterColumnDataOffset;
  EXPECT_NE(ReadError(Reseal(Patch<std::uint32_t>(strings, data + 1, 0xFFFFFFF0u))).find("truncated: string value"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint8_t>(strings, data, 2))).find("missing flag 2"), std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint8_t>(strings, data, 1))).find("row 0 is missing but has 3 bytes"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint8_t>(strings, data + 6, 0xC3))).find("not valid text"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<char>(strings, data + 6, '\0'))).find("NUL"), std::string::npos);

  // The field codes right after the name "x": type, role, monotone, flags.
  const std::size_t codes_at = kFirstColumnOffset + 5;
  EXPECT_NE(ReadError(Reseal(Patch<std::uint8_t>(floats, codes_at, 9))).find("unknown column type code 9"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint8_t>(floats, codes_at + 1, 7))).find("unknown role code 7"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::int8_t>(floats, codes_at + 2, 2))).find("monotone direction 2"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<std::uint8_t>(floats, codes_at + 3, 0x10))).find("unknown flag bits"),
            std::string::npos);
  EXPECT_NE(ReadError(Reseal(Patch<double>(floats, codes_at + 4, 1.0))).find("lower bound is absent"),
            std::string::npos);

  // Two columns, the second renamed to the first's name.
  Frame two({Column::Float64("a", {}), Column::Float64("b", {})});
  const std::string pair =
      EncodeDataset(two, Schema({Field("a", ColumnType::kFloat64), Field("b", ColumnType::kFloat64)}), {});
  const std::size_t second_name = kFirstColumnOffset + 33 + 4;
  ASSERT_EQ(pair[second_name], 'b');
  EXPECT_NE(ReadError(Reseal(Patch<char>(pair, second_name, 'a'))).find("appears twice"), std::string::npos);
}

TEST(DatasetFileTest, WriterRefusesWhatReadersWouldRefuse) {
  TempDir dir;
  const std::string path = dir.File("refused.finaids");
  const Frame frame({Column::Float64("x", {1.0}), Column::String("s", {"a"}, {})});
  auto expect_refused = [&](const Frame& f, const Schema& s, const std::string& fragment) {
    try {
      WriteDatasetFile(path, f, s, {});
      ADD_FAILURE() << "written: " << fragment;
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
    EXPECT_TRUE(dir.Listing().empty()) << "a refused write left a file";
  };
  expect_refused(frame, Schema({Field("x", ColumnType::kFloat64)}), "1 fields but the frame has 2 columns");
  expect_refused(frame, Schema({Field("s", ColumnType::kString), Field("x", ColumnType::kFloat64)}),
                 "does not describe column 'x'");
  expect_refused(frame, Schema({Field("x", ColumnType::kFloat32), Field("s", ColumnType::kString)}),
                 "does not describe column 'x'");
  const Schema good({Field("x", ColumnType::kFloat64), Field("s", ColumnType::kString)});
  expect_refused(Frame({Column::Float64("x", {1.0, -HUGE_VAL}), Column::String("s", {"a", "b"}, {})}), good,
                 "infinite value at row 1");
  expect_refused(Frame({Column::Float64("x", {1.0}), Column::String("s", {"bad \xff byte"}, {})}), good,
                 "not storable text");
  expect_refused(Frame({Column::Float64("x", {1.0}), Column::String("s", {std::string("nul\0", 4)}, {})}), good,
                 "NUL");
}

TEST(DatasetFileTest, AtomicWriteLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string path = dir.File("entry.finaids");
  const CachedDataset sample = SampleDataset();
  WriteDatasetFile(path, sample.frame, sample.schema, sample.key);
  EXPECT_EQ(dir.Listing(), std::vector<std::string>{"entry.finaids"});

  // Replacing works, and a failed replacement leaves the previous file whole and no temporary behind.
  const Frame other({Column::DateTime("d", {5})});
  WriteDatasetFile(path, other, Schema({Field("d", ColumnType::kDateTime)}), {});
  EXPECT_EQ(ReadDatasetFile(path).frame.column("d").datetime()[0], 5);
  EXPECT_THROW(WriteDatasetFile(path, sample.frame, Schema(), sample.key), InvalidArgument);
  EXPECT_EQ(dir.Listing(), std::vector<std::string>{"entry.finaids"});
  EXPECT_EQ(ReadDatasetFile(path).frame.column("d").datetime()[0], 5);

  EXPECT_THROW(WriteDatasetFile(dir.File("no/such/dir/x.finaids"), other, Schema({Field("d", ColumnType::kDateTime)}),
                                {}),
               IoError);
}

TEST(DatasetFileTest, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_THROW(ReadDatasetFile(dir.File("absent.finaids")), NotFound);
}

TEST(DatasetCacheTest, HashFileStreamsBlocksToTheOneShotDigest) {
  TempDir dir;
  std::string big(3 * (1 << 20) + 12345, '\0');
  std::mt19937_64 rng(7);
  for (char& c : big) c = static_cast<char>(rng());
  for (const std::string& content : {std::string(), std::string("a,b\n1,2\n"), std::string(1 << 20, 'x'), big}) {
    WriteText(dir.File("f.bin"), content);
    EXPECT_EQ(HashFile(dir.File("f.bin")), HashBytes(content)) << content.size() << " bytes";
    const DatasetKey key = MakeDatasetKey(dir.File("f.bin"), 99);
    EXPECT_EQ(key.source_hash, HashBytes(content));
    EXPECT_EQ(key.source_size, content.size());
    EXPECT_EQ(key.options_hash, 99u);
  }
  EXPECT_NE(HashBytes("a"), HashBytes("b"));
  EXPECT_THROW(HashFile(dir.File("absent.csv")), NotFound);
}

struct CacheFixture {
  TempDir dir;
  std::string source = dir.File("loans.csv");
  DatasetCache cache{dir.File("cache")};
  std::vector<std::string> warnings;
  Context ctx;
  CachedDataset sample = SampleDataset();

  CacheFixture() {
    WriteText(source, "amount,ratio\n1.5,0.25\n");
    ctx.set_log_sink([this](LogLevel level, std::string_view message) {
      if (level >= LogLevel::kWarning) warnings.emplace_back(message);
    });
  }
  std::vector<std::string> CacheFiles() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path() / "cache")) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }
};

TEST(DatasetCacheTest, MissThenStoreThenHit) {
  CacheFixture f;
  EXPECT_FALSE(f.cache.Lookup(f.source, 42, f.ctx));
  EXPECT_TRUE(f.warnings.empty());  // a cold cache is normal, not worth a warning

  const DatasetKey key = MakeDatasetKey(f.source, 42);
  EXPECT_FALSE(f.cache.Lookup(f.source, key, f.ctx));
  EXPECT_TRUE(f.cache.Store(f.source, key, f.sample.frame, f.sample.schema, f.ctx));
  ASSERT_EQ(f.CacheFiles().size(), 1u);
  EXPECT_EQ(fs::path(f.cache.EntryPath(f.source, 42)).filename().string(), f.CacheFiles()[0]);
  EXPECT_EQ(fs::path(f.CacheFiles()[0]).extension(), ".finaids");

  auto hit = f.cache.Lookup(f.source, key, f.ctx);
  ASSERT_TRUE(hit);
  CachedDataset expected = f.sample;
  expected.key = key;
  ExpectSameDataset(expected, *hit);
  auto again = f.cache.Lookup(f.source, 42, f.ctx);
  ASSERT_TRUE(again);
  ExpectSameDataset(expected, *again);
  EXPECT_TRUE(f.warnings.empty());
}

TEST(DatasetCacheTest, EditedSourceIsStale) {
  CacheFixture f;
  ASSERT_TRUE(f.cache.Store(f.source, 42, f.sample.frame, f.sample.schema, f.ctx));
  ASSERT_TRUE(f.cache.Lookup(f.source, 42, f.ctx));

  WriteText(f.source, "amount,ratio\n1.5,0.26\n");  // same size, other bytes
  EXPECT_FALSE(f.cache.Lookup(f.source, 42, f.ctx));
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find("stale"), std::string::npos) << f.warnings[0];
  EXPECT_NE(f.warnings[0].find(f.source), std::string::npos) << f.warnings[0];

  WriteText(f.source, "amount,ratio\n1.5,0.25\n9,0.5\n");
  EXPECT_FALSE(f.cache.Lookup(f.source, 42, f.ctx));
  EXPECT_EQ(f.warnings.size(), 2u);

  // The next Store replaces the stale entry.
  ASSERT_TRUE(f.cache.Store(f.source, 42, f.sample.frame, f.sample.schema, f.ctx));
  EXPECT_TRUE(f.cache.Lookup(f.source, 42, f.ctx));
  EXPECT_EQ(f.CacheFiles().size(), 1u);
}

TEST(DatasetCacheTest, OtherOptionsUseAnotherEntry) {
  CacheFixture f;
  ASSERT_TRUE(f.cache.Store(f.source, 42, f.sample.frame, f.sample.schema, f.ctx));
  EXPECT_NE(f.cache.EntryPath(f.source, 42), f.cache.EntryPath(f.source, 43));
  EXPECT_FALSE(f.cache.Lookup(f.source, 43, f.ctx));
  EXPECT_TRUE(f.warnings.empty());

  // An entry whose stored options differ from the requested ones (a name collision) is stale, not served.
  fs::copy_file(f.cache.EntryPath(f.source, 42), f.cache.EntryPath(f.source, 43));
  EXPECT_FALSE(f.cache.Lookup(f.source, 43, f.ctx));
  EXPECT_EQ(f.warnings.size(), 1u);
}

TEST(DatasetCacheTest, EntryPathDependsOnTheFileNotTheSpelling) {
  CacheFixture f;
  fs::create_directories(f.dir.path() / "sub");
  const std::string spelled = (f.dir.path() / "sub" / ".." / "." / "loans.csv").string();
  EXPECT_EQ(f.cache.EntryPath(f.source, 1), f.cache.EntryPath(spelled, 1));
  EXPECT_NE(f.cache.EntryPath(f.source, 1), f.cache.EntryPath(f.dir.File("other.csv"), 1));
  EXPECT_EQ(fs::path(f.cache.EntryPath(f.source, 1)).parent_path(), fs::path(f.cache.directory()));
}

TEST(DatasetCacheTest, CorruptEntryIsIgnoredThenReplaced) {
  CacheFixture f;
  ASSERT_TRUE(f.cache.Store(f.source, 42, f.sample.frame, f.sample.schema, f.ctx));
  const std::string entry = f.cache.EntryPath(f.source, 42);
  std::string bytes = ReadFileToString(entry);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  WriteText(entry, bytes);

  EXPECT_FALSE(f.cache.Lookup(f.source, 42, f.ctx));
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find("checksum mismatch"), std::string::npos) << f.warnings[0];
  EXPECT_NE(f.warnings[0].find(entry), std::string::npos) << f.warnings[0];

  WriteText(entry, "");  // a torn write from some older tool
  EXPECT_FALSE(f.cache.Lookup(f.source, 42, f.ctx));
  EXPECT_EQ(f.warnings.size(), 2u);

  ASSERT_TRUE(f.cache.Store(f.source, 42, f.sample.frame, f.sample.schema, f.ctx));
  EXPECT_TRUE(f.cache.Lookup(f.source, 42, f.ctx));
  EXPECT_EQ(f.warnings.size(), 2u);
}

TEST(DatasetCacheTest, UnwritableCacheWarnsInsteadOfFailing) {
  CacheFixture f;
  // A regular file where the directory should be: refused even to root, unlike permission bits.
  WriteText(f.dir.File("blocked"), "not a directory");
  const DatasetCache blocked(f.dir.File("blocked"));
  EXPECT_FALSE(blocked.Store(f.source, 42, f.sample.frame, f.sample.schema, f.ctx));
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find("cannot store"), std::string::npos) << f.warnings[0];
  EXPECT_FALSE(blocked.Lookup(f.source, 42, f.ctx));

  // A schema that does not describe the frame is the caller's bug and is not swallowed.
  EXPECT_THROW(f.cache.Store(f.source, 42, f.sample.frame, Schema(), f.ctx), InvalidArgument);
  // Neither is a source that does not exist.
  EXPECT_THROW(f.cache.Store(f.dir.File("absent.csv"), 42, f.sample.frame, f.sample.schema, f.ctx), NotFound);
  EXPECT_THROW(DatasetCache(""), InvalidArgument);
}

// Sets or unsets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(DatasetCacheTest, DefaultCacheDirectoryFollowsTheEnvironment) {
  {
    ScopedEnv finai("FINAI_CACHE_DIR", "/srv/finai-cache");
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(DefaultCacheDirectory(), "/srv/finai-cache");
  }
  {
    ScopedEnv finai("FINAI_CACHE_DIR", "");
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    ScopedEnv home("HOME", "/home/ana");
    EXPECT_EQ(DefaultCacheDirectory(), "/xdg/finai");
  }
  {
    ScopedEnv finai("FINAI_CACHE_DIR", nullptr);
    ScopedEnv xdg("XDG_CACHE_HOME", "relative/cache");  // XDG: a relative path is ignored
    ScopedEnv home("HOME", "/home/ana");
    EXPECT_EQ(DefaultCacheDirectory(), "/home/ana/.cache/finai");
  }
  {
    ScopedEnv finai("FINAI_CACHE_DIR", nullptr);
    ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
    ScopedEnv home("HOME", nullptr);
    EXPECT_THROW(DefaultCacheDirectory(), NotFound);
  }
}

}  // namespace
}  // namespace finai
