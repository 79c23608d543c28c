// The CSV reader on well-formed input: RFC 4180 quoting, line ends, byte-order mark, blank lines, delimiter
// detection, NA tokens, type inference and schema overrides. Parallel determinism, chunks and the handling
// of bad rows are in csv_reader_blocks_test.cpp and csv_reader_rows_test.cpp.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"
#include "finai/data/datetime.hpp"
#include "finai/data/schema.hpp"

namespace finai {
namespace {

constexpr const char* kMissing = "<NA>";

CsvTable Read(std::string csv, const CsvOptions& options = {}) {
  Context ctx;
  ctx.set_threads(1);
  return ReadCsvBuffer(std::move(csv), "t.csv", options, ctx);
}

CsvOptions WithSchema(const std::string& json) {
  CsvOptions options;
  options.schema = ParseSchemaOverride(json, "schema.json");
  options.schema_source = "schema.json";
  return options;
}

// Every value of a column as text, kMissing for a missing one.
std::vector<std::string> Cells(const Column& column) {
  std::vector<std::string> out;
  for (std::int64_t r = 0; r < column.size(); ++r) out.push_back(column.IsMissing(r) ? kMissing : column.ValueText(r));
  return out;
}

using Strings = std::vector<std::string>;

// ---- RFC 4180 ---------------------------------------------------------------------------------------

TEST(CsvReaderTest, QuotedFieldsWithDoubledQuotesDelimitersAndLineBreaks) {
  const CsvTable t = Read(
      "name,note\n"
      "\"say \"\"hi\"\"\",plain\n"
      "\"a,b\",\"1,2\"\n"
      "\"two\nlines\",\"crlf\r\ninside\"\n"
      "\"\",\"\"\"\"\n",
      WithSchema(R"({"columns": {"name": {"type": "string"}, "note": {"type": "string"}}})"));
  ASSERT_EQ(t.frame.num_rows(), 4);
  EXPECT_EQ(Cells(t.frame.column("name")), (Strings{"say \"hi\"", "a,b", "two\nlines", ""}));
  EXPECT_EQ(Cells(t.frame.column("note")), (Strings{"plain", "1,2", "crlf\r\ninside", "\""}));
  // A quoted empty field is an empty string in a text column, not a missing value.
  EXPECT_FALSE(t.frame.column("name").IsMissing(3));
}

TEST(CsvReaderTest, QuotedNumbersAreNumbers) {
  const CsvTable t = Read("x,y\n\"1.5\",2\n\"-3\",\"4e2\"\n");
  EXPECT_EQ(t.frame.column("x").type(), ColumnType::kFloat64);
  EXPECT_EQ(t.frame.column("x").float64()[0], 1.5);
  EXPECT_EQ(t.frame.column("x").float64()[1], -3.0);
  EXPECT_EQ(t.frame.column("y").float64()[1], 400.0);
}

TEST(CsvReaderTest, QuotedHeaderNames) {
  const CsvTable t = Read("\"first name\",\"a,b\",\"say \"\"x\"\"\"\n1,2,3\n");
  EXPECT_EQ(t.frame.ColumnNames(), (Strings{"first name", "a,b", "say \"x\""}));
}

// ---- line ends, byte-order mark, blank lines --------------------------------------------------------

TEST(CsvReaderTest, CrlfLineEnds) {
  const CsvTable t = Read("a,b\r\n1,x\r\n2,y\r\n");
  EXPECT_EQ(t.frame.ColumnNames(), (Strings{"a", "b"}));
  EXPECT_EQ(Cells(t.frame.column("b")), (Strings{"x", "y"}));
  EXPECT_EQ(t.frame.column("a").float64()[1], 2.0);
}

TEST(CsvReaderTest, ByteOrderMarkIsDropped) {
  const CsvTable t = Read("\xEF\xBB\xBF" "a,b\n1,2\n");
  EXPECT_EQ(t.frame.ColumnNames(), (Strings{"a", "b"}));
  EXPECT_EQ(t.frame.num_rows(), 1);
}

TEST(CsvReaderTest, NoTrailingLineEnd) {
  EXPECT_EQ(Read("a,b\n1,2\n3,4").frame.num_rows(), 2);
  EXPECT_EQ(Read("a,b\r\n1,2\r\n3,4").frame.column("b").float64()[1], 4.0);
  EXPECT_EQ(Cells(Read("a,b\n1,\"x\ny\"").frame.column("b")), (Strings{"x\ny"}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndCounted) {
  const CsvTable t = Read("a,b\n1,2\n\n3,4\r\n\r\n\n5,6\n\n");
  EXPECT_EQ(t.frame.num_rows(), 3);
  EXPECT_EQ(Cells(t.frame.column("a")), (Strings{"1", "3", "5"}));
  EXPECT_EQ(t.report.blank_lines, 4);
  EXPECT_EQ(t.report.rows, 3);
}

// A blank line before the header is a blank line too. Fails today: Start() consumes it with the header without
// adding it to report.blank_lines.
TEST(CsvReaderTest, BlankLinesBeforeTheHeaderAreCounted) {
  const CsvTable t = Read("\n\r\na,b\n1,2\n");
  EXPECT_EQ(t.frame.ColumnNames(), (Strings{"a", "b"}));
  EXPECT_EQ(t.frame.num_rows(), 1);
  EXPECT_EQ(t.report.blank_lines, 2);
}

TEST(CsvReaderTest, SingleColumnFile) {
  const CsvTable t = Read("only\n1\n2\n");
  EXPECT_EQ(t.frame.num_columns(), 1);
  EXPECT_EQ(t.frame.column("only").float64()[1], 2.0);
}

// ---- delimiters -------------------------------------------------------------------------------------

TEST(CsvReaderTest, DetectsTheDelimiter) {
  for (const char d : {',', ';', '\t', '|'}) {
    SCOPED_TRACE(testing::Message() << "delimiter " << static_cast<int>(d));
    const std::string s(1, d);
    const CsvTable t = Read("a" + s + "b" + s + "c\n1" + s + "2.5" + s + "x\n3" + s + "4" + s + "y\n");
    EXPECT_EQ(t.report.delimiter, d);
    ASSERT_EQ(t.frame.ColumnNames(), (Strings{"a", "b", "c"}));
    EXPECT_EQ(t.frame.column("b").float64()[0], 2.5);
    EXPECT_EQ(Cells(t.frame.column("c")), (Strings{"x", "y"}));
  }
}

TEST(CsvReaderTest, DetectionIgnoresDelimitersInsideQuotes) {
  // Split on ',' the rows would have 3, 2 and 2 fields; on ';' they all have 2.
  const CsvTable t = Read("a;b\n\"x,y\";1\n\"z\";2\n");
  EXPECT_EQ(t.report.delimiter, ';');
  EXPECT_EQ(Cells(t.frame.column("a")), (Strings{"x,y", "z"}));
}

TEST(CsvReaderTest, DetectsSemicolonsInADecimalCommaFile) {
  // Common in Europe: ';' between fields and ',' in numbers. Split on ',' the header has 1 field and the rows 2.
  const CsvTable t = Read("a;b\n1,5;x\n2,25;y\n");
  EXPECT_EQ(t.report.delimiter, ';');
  EXPECT_EQ(Cells(t.frame.column("a")), (Strings{"1,5", "2,25"}));
}

TEST(CsvReaderTest, ExplicitDelimiterWinsOverDetection) {
  CsvOptions options;
  options.delimiter = '|';
  const CsvTable t = Read("a,b|c\n1,2|3\n", options);
  EXPECT_EQ(t.frame.ColumnNames(), (Strings{"a,b", "c"}));
}

TEST(CsvReaderTest, SchemaDelimiter) {
  const CsvTable t = Read("a,b|c\n1,2|3\n", WithSchema(R"({"delimiter": "|"})"));
  EXPECT_EQ(t.report.delimiter, '|');
  EXPECT_EQ(t.frame.ColumnNames(), (Strings{"a,b", "c"}));
}

// ---- NA tokens --------------------------------------------------------------------------------------

TEST(CsvReaderTest, DefaultNaTokensInANumericColumn) {
  const Strings tokens = DefaultNaValues();
  std::string csv = "x,n\n";
  for (const auto& token : tokens) csv += token + ",1\n";
  csv += "2.5,1\n";
  const CsvTable t = Read(csv);
  const Column& x = t.frame.column("x");
  ASSERT_EQ(x.type(), ColumnType::kFloat64);
  ASSERT_EQ(x.size(), static_cast<std::int64_t>(tokens.size()) + 1);
  EXPECT_EQ(x.CountMissing(), static_cast<std::int64_t>(tokens.size()));
  EXPECT_EQ(x.float64().back(), 2.5);
  // Case matters: "na" is not an NA token, so it is text.
  EXPECT_THROW(Read("x\n1\nna\n", WithSchema(R"({"columns": {"x": {"type": "float64"}}})")), InvalidData);
}

TEST(CsvReaderTest, NaInTextColumnsQuotedIsText) {
  const CsvTable t = Read("c,n\nNA,1\n\"NA\",2\n,3\n\"\",4\nx,5\n");
  const Column& c = t.frame.column("c");
  ASSERT_EQ(c.type(), ColumnType::kCategorical);
  EXPECT_EQ(Cells(c), (Strings{kMissing, "NA", kMissing, "", "x"}));
}

TEST(CsvReaderTest, CustomNaTokensReplaceTheDefaults) {
  CsvOptions options;
  options.na_values = {"-", "?"};
  const CsvTable t = Read("x,c\n1,a\n-,?\n?,NA\n", options);
  EXPECT_EQ(Cells(t.frame.column("x")), (Strings{"1", kMissing, kMissing}));
  EXPECT_EQ(Cells(t.frame.column("c")), (Strings{"a", kMissing, "NA"}));
  // "NA" is no longer missing, so in a numeric column it is an error.
  EXPECT_THROW(Read("x\n1\nNA\n", [] {
                 CsvOptions o;
                 o.na_values = {"-"};
                 o.infer_rows = 1;
                 return o;
               }()),
               InvalidData);
}

TEST(CsvReaderTest, SchemaFileWideNaTokens) {
  const CsvTable t = Read("x,c\n1,a\n-999,NA\n", WithSchema(R"({"na_values": ["-999"]})"));
  EXPECT_EQ(Cells(t.frame.column("x")), (Strings{"1", kMissing}));
  EXPECT_EQ(Cells(t.frame.column("c")), (Strings{"a", "NA"}));  // the defaults are replaced
}

TEST(CsvReaderTest, SchemaPerColumnNaTokens) {
  const CsvTable t = Read("x,y,c\n1,1,a\n-999,-999,unknown\nNA,NA,NA\n",
                          WithSchema(R"({"columns": {"x": {"na_values": ["-999"]},
                                                     "c": {"na_values": ["unknown"]}}})"));
  EXPECT_EQ(Cells(t.frame.column("x")), (Strings{"1", kMissing, kMissing}));  // added to the defaults
  EXPECT_EQ(Cells(t.frame.column("y")), (Strings{"1", "-999", kMissing}));    // other columns unchanged
  EXPECT_EQ(Cells(t.frame.column("c")), (Strings{"a", kMissing, kMissing}));
  EXPECT_EQ(t.schema.Get("x").na_values, (Strings{"-999"}));
}

// ---- type inference ---------------------------------------------------------------------------------

TEST(CsvReaderTest, InfersFloat64) {
  const CsvTable t = Read("x\n1\n-2.5\n +3e2 \n.5\n1e-999\n-0\n");
  const Column& x = t.frame.column("x");
  ASSERT_EQ(x.type(), ColumnType::kFloat64);
  const std::vector<double> expected = {1, -2.5, 300, 0.5, 0, 0};
  ASSERT_EQ(x.size(), 6);
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(x.float64()[i], expected[i]) << i;
}

// Numbers of every shape the parser has a path for (plain decimals, long mantissas, exponents, signs, spaces,
// leading zeros) load as the double strtod gives.
TEST(CsvReaderTest, NumbersMatchStrtod) {
  std::mt19937_64 rng(11);
  auto digits = [&](int n) {
    std::string d;
    for (int i = 0; i < n; ++i) d += static_cast<char>('0' + rng() % 10);
    return d;
  };
  Strings texts;
  for (int i = 0; i < 5000; ++i) {
    std::string t = (rng() % 3 == 0 ? "-" : "") + digits(1 + static_cast<int>(rng() % 12));
    if (rng() % 2) t += "." + digits(static_cast<int>(rng() % 12));
    if (rng() % 4 == 0) t += "e" + std::to_string(static_cast<int>(rng() % 580) - 290);
    if (rng() % 10 == 0) t = " " + t + "\t";
    texts.push_back(t);
  }
  for (const char* t : {"0.1", "0.30000000000000004", "123456789012345", "1234567890123456", "9007199254740993",
                        "000000000000000001.5", ".5", "5.", "-.25", "+7", "1e308", "2.2250738585072014e-308",
                        "4.9e-324", "1e-400"}) {
    texts.emplace_back(t);
  }
  texts.push_back("17976931348623157" + std::string(292, '0'));  // the largest double, written out in 309 digits
  std::string csv = "x\n";
  for (const auto& t : texts) csv += t + "\n";
  // With the type set, a value that does not parse names itself.
  const CsvTable table = Read(csv, WithSchema(R"({"columns": {"x": {"type": "float64"}}})"));
  const Column& x = table.frame.column("x");
  ASSERT_EQ(x.size(), static_cast<std::int64_t>(texts.size()));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const double expected = std::strtod(texts[i].c_str(), nullptr);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(x.float64()[i]), std::bit_cast<std::uint64_t>(expected)) << texts[i];
  }
  EXPECT_EQ(Read(csv).frame.column("x").type(), ColumnType::kFloat64);  // and inference sees numbers
}

TEST(CsvReaderTest, NegativeZeroLoadsAsZero) {
  const CsvTable t = Read("x\n-0\n-0.0\n", WithSchema(R"({"columns": {"x": {"type": "float64"}}})"));
  EXPECT_EQ(t.frame.column("x").float64()[0], 0.0);
  EXPECT_EQ(t.frame.column("x").float64()[1], 0.0);
}

TEST(CsvReaderTest, InfersDateTime) {
  const CsvTable t = Read("d,n\n2023-01-05,1\n2024-02-29 10:30,2\n1970-01-01T00:00:01Z,3\n,4\n");
  const Column& d = t.frame.column("d");
  ASSERT_EQ(d.type(), ColumnType::kDateTime);
  EXPECT_EQ(d.datetime()[0], DaysFromCivil(2023, 1, 5) * 86400);
  EXPECT_EQ(d.datetime()[1], DaysFromCivil(2024, 2, 29) * 86400 + 10 * 3600 + 30 * 60);
  EXPECT_EQ(d.datetime()[2], 1);
  EXPECT_EQ(d.datetime()[3], kMissingTime);
}

TEST(CsvReaderTest, CategoricalDictionaryInFirstAppearanceOrder) {
  const CsvTable t = Read("c\nzeta\nalpha\nzeta\nmid\n\nalpha\nNA\n");
  const Column& c = t.frame.column("c");
  ASSERT_EQ(c.type(), ColumnType::kCategorical);
  EXPECT_EQ(c.dictionary(), (Strings{"zeta", "alpha", "mid"}));
  EXPECT_EQ(std::vector<std::int32_t>(c.codes().begin(), c.codes().end()),
            (std::vector<std::int32_t>{0, 1, 0, 2, 1, kMissingCode}));
}

std::string Rows(int distinct, int rows) {
  std::string csv = "c\n";
  for (int r = 0; r < rows; ++r) csv += "v" + std::to_string(r % distinct) + "\n";
  return csv;
}

TEST(CsvReaderTest, CategoricalOrStringByDistinctCount) {
  EXPECT_EQ(Read(Rows(50, 50)).frame.column("c").type(), ColumnType::kCategorical);   // few distinct values
  EXPECT_EQ(Read(Rows(51, 51)).frame.column("c").type(), ColumnType::kString);        // every value distinct
  EXPECT_EQ(Read(Rows(51, 102)).frame.column("c").type(), ColumnType::kCategorical);  // each value twice
  EXPECT_EQ(Read(Rows(60, 119)).frame.column("c").type(), ColumnType::kString);
  CsvOptions options;
  options.max_categories = 10;
  EXPECT_EQ(Read(Rows(11, 1000), options).frame.column("c").type(), ColumnType::kString);
  EXPECT_EQ(Read(Rows(10, 1000), options).frame.column("c").type(), ColumnType::kCategorical);
  const CsvTable s = Read(Rows(51, 51));
  EXPECT_EQ(s.frame.column("c").strings()[50], "v50");
}

TEST(CsvReaderTest, MostlyNumbersIsTextWithANote) {
  std::string csv = "x\n";
  for (int i = 0; i < 19; ++i) csv += std::to_string(i) + "\n";
  csv += "n.a.\n";
  const CsvTable t = Read(csv);
  EXPECT_EQ(t.frame.column("x").type(), ColumnType::kCategorical);
  ASSERT_EQ(t.report.notes.size(), 1u);
  EXPECT_EQ(t.report.notes[0], "column 'x': 19 of 20 sampled values are numbers but the others are not; read as "
                               "categorical");
}

TEST(CsvReaderTest, AllMissingColumnIsFloat64WithANote) {
  const CsvTable t = Read("x,e\n1,\n2,NA\n3,\n");
  const Column& e = t.frame.column("e");
  EXPECT_EQ(e.type(), ColumnType::kFloat64);
  EXPECT_EQ(e.CountMissing(), 3);
  ASSERT_EQ(t.report.notes.size(), 1u);
  EXPECT_EQ(t.report.notes[0], "column 'e': every sampled value is missing");
}

TEST(CsvReaderTest, InferenceUsesInferRows) {
  CsvOptions options;
  options.infer_rows = 2;
  EXPECT_THROW(Read("x\n1\n2\nthree\n", options), InvalidData);
  options.infer_rows = 3;
  EXPECT_EQ(Read("x\n1\n2\nthree\n", options).frame.column("x").type(), ColumnType::kCategorical);
}

// ---- schema overrides -------------------------------------------------------------------------------

TEST(CsvReaderTest, Float32BySchema) {
  const CsvTable t = Read("x,y\n1.5,1\n,2\n-3.25e3,3\n", WithSchema(R"({"columns": {"x": {"type": "float32"}}})"));
  const Column& x = t.frame.column("x");
  ASSERT_EQ(x.type(), ColumnType::kFloat32);
  EXPECT_EQ(x.float32()[0], 1.5f);
  EXPECT_TRUE(std::isnan(x.float32()[1]));
  EXPECT_EQ(x.float32()[2], -3250.0f);
  EXPECT_EQ(t.frame.column("y").type(), ColumnType::kFloat64);
}

TEST(CsvReaderTest, SchemaSetsTypesRolesAndConstraints) {
  const CsvTable t = Read("id,income,status,opened\n7,100,good,2020-01-01\n8,200,bad,2021-06-30\n",
                          WithSchema(R"({"columns": {
                            "id": {"type": "string", "role": "id"},
                            "income": {"monotone": "increasing", "actionable": true, "lower_bound": 0,
                                       "description": "Monthly income"},
                            "status": {"role": "target"},
                            "opened": {"immutable": true}}})"));
  EXPECT_EQ(t.frame.column("id").type(), ColumnType::kString);
  EXPECT_EQ(Cells(t.frame.column("id")), (Strings{"7", "8"}));
  const FieldSpec& income = t.schema.Get("income");
  EXPECT_EQ(income.type, ColumnType::kFloat64);
  EXPECT_EQ(income.monotone, Monotone::kIncreasing);
  EXPECT_TRUE(income.actionable);
  EXPECT_EQ(income.lower_bound, 0.0);
  EXPECT_FALSE(income.upper_bound.has_value());
  EXPECT_EQ(income.description, "Monthly income");
  EXPECT_EQ(t.schema.SingleWithRole(Role::kTarget), "status");
  EXPECT_EQ(t.schema.Get("opened").type, ColumnType::kDateTime);
  EXPECT_TRUE(t.schema.Get("opened").immutable);
  EXPECT_EQ(t.schema.NamesWithRole(Role::kFeature), (Strings{"income", "opened"}));
}

TEST(CsvReaderTest, CategoricalBySchemaForNumericCodes) {
  const CsvTable t = Read("branch\n10\n20\n10\n", WithSchema(R"({"columns": {"branch": {"type": "categorical"}}})"));
  EXPECT_EQ(t.frame.column("branch").dictionary(), (Strings{"10", "20"}));
}

// ---- no header --------------------------------------------------------------------------------------

TEST(CsvReaderTest, WithoutAHeaderColumnsAreNumbered) {
  CsvOptions options;
  options.has_header = false;
  const CsvTable t = Read("1,x\n2,y\n", options);
  EXPECT_EQ(t.frame.ColumnNames(), (Strings{"column_1", "column_2"}));
  EXPECT_EQ(t.frame.num_rows(), 2);
  EXPECT_EQ(t.frame.column("column_1").float64()[0], 1.0);
  EXPECT_EQ(Cells(t.frame.column("column_2")), (Strings{"x", "y"}));
}

TEST(CsvReaderTest, WithoutAHeaderOneRowIsData) {
  CsvOptions options;
  options.has_header = false;
  EXPECT_EQ(Read("1,2\n", options).frame.num_rows(), 1);
}

// ---- report -----------------------------------------------------------------------------------------

TEST(CsvReaderTest, Report) {
  const std::string csv = "a;b\n1;2\n\n3;4\n";
  const CsvTable t = Read(csv);
  EXPECT_EQ(t.report.source, "t.csv");
  EXPECT_EQ(t.report.delimiter, ';');
  EXPECT_EQ(t.report.rows, 2);
  EXPECT_EQ(t.report.rows_rejected, 0);
  EXPECT_EQ(t.report.blank_lines, 1);
  EXPECT_TRUE(t.report.first_rejections.empty());
  EXPECT_TRUE(t.report.quarantine_path.empty());
}

TEST(CsvReaderTest, SchemaOfTheReaderMatchesTheTable) {
  CsvReader reader = CsvReader::OpenBuffer("a,b\n1,x\n", "t.csv", {}, Context());
  EXPECT_EQ(reader.schema().size(), 2u);
  EXPECT_EQ(reader.schema().Get("b").type, ColumnType::kCategorical);
  const CsvTable t = reader.ReadAll();
  EXPECT_EQ(t.schema.Get("b").type, ColumnType::kCategorical);
}

}  // namespace
}  // namespace finai
