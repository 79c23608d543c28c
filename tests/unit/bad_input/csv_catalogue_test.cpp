// A catalogue of malformed CSV files, schema files and reader options, each with the exact error a user
// sees. An error message is part of the interface: it must name the file, line and column (where there is
// one), the column or key, the offending value and what was expected, so a change to any of them is
// deliberate and shows up here.
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"
#include "finai/data/schema.hpp"

namespace finai {
namespace {

struct CatalogueCase {
  std::string name;
  std::string csv;
  std::optional<std::string> schema_json;  // parsed as "schema.json" before the CSV is read
  std::function<void(CsvOptions&)> tweak;  // options beyond the defaults
  ErrorKind kind = ErrorKind::kInvalidData;
  std::string message;  // exact e.what()
  // The same error with tiny blocks (1024 bytes) and two threads. Off for the few cases whose message
  // legitimately depends on how much of the file is in memory.
  bool same_with_small_blocks = true;
};

// gtest prints a failing parameter; the name is enough (some inputs are megabytes).
void PrintTo(const CatalogueCase& c, std::ostream* os) { *os << c.name; }

void Tweak(CsvOptions&) {}

std::string Repeat(char c, std::size_t n) { return std::string(n, c); }

const std::string kFloatB = R"({"columns": {"b": {"type": "float64"}}})";
std::vector<CatalogueCase> Catalogue() {
  std::vector<CatalogueCase> cases;
  auto add = [&](CatalogueCase c) {
    if (!c.tweak) c.tweak = Tweak;
    cases.push_back(std::move(c));
  };

  // ---- structure of rows ----------------------------------------------------------------------------
  add({.name = "RaggedTooFewFields",
       .csv = "a,b,c\n1,2,3\n4,5\n",
       .message = "in.csv:3:4: row has 2 fields; expected 3 fields, as in the header"});
  add({.name = "RaggedTooManyFields",
       .csv = "a,b\n1,2\n3,4,5\n",
       .message = "in.csv:3:5: row has 3 fields; expected 2 fields, as in the header"});
  add({.name = "RaggedWithoutHeader",
       .csv = "1,2\n3\n",
       .tweak = [](CsvOptions& o) { o.has_header = false; },
       .message = "in.csv:2:2: row has 1 field; expected 2 fields, as in the first row"});
  add({.name = "UnclosedQuoteAtEof",
       .csv = "a,b\n1,2\n3,\"abc\n",
       .message = "in.csv:3:3: column 'b': unclosed quote: the quoted field starting here never ends; expected a closing quote"});
  add({.name = "UnclosedQuoteMidFile",
       .csv = "a,b\n1,\"x\n2,3\n4,5\n",
       .message = "in.csv:2:3: column 'b': unclosed quote: the quoted field starting here never ends; expected a closing quote"});
  add({.name = "StrayQuoteInUnquotedField",
       .csv = "a,b\n1,ab\"c\n",
       .message = "in.csv:2:5: column 'b': quote character inside an unquoted field; expected a field that contains "
                  "quotes to be enclosed in quotes, with each quote written twice"});
  add({.name = "JunkAfterClosingQuote",
       .csv = "a,b\n1,\"ab\"c\n",
       .message = "in.csv:2:7: column 'b': unexpected 'c' after a closing quote; expected the delimiter ',' or the "
                  "end of the line (a quote inside a quoted field is written twice)"});
  add({.name = "JunkAfterClosingQuoteInHeader",
       .csv = "a,\"b\"x\n1,2\n",
       .message = "in.csv:1:6: unexpected 'x' after a closing quote in the header; expected the delimiter ',' or "
                  "the end of the line (a quote inside a quoted field is written twice)"});
  add({.name = "LoneCarriageReturnLineEnds",
       .csv = "a,b\r1,2\r3,4\r",
       .message = "in.csv:1:4: line ends with a lone carriage return (CR, classic Mac OS); expected LF or CRLF "
                  "line ends"});

  // ---- bytes that are not text ----------------------------------------------------------------------
  add({.name = "NulByteInTextField",
       .csv = std::string("a,b\n1,ab\0c\n", 11),
       .message = "in.csv:2:3: column 'b': value 'ab\\x00c': NUL byte in text; expected UTF-8 text"});
  add({.name = "NulByteInNumericField",
       .csv = std::string("a,b\n1,2\n3,4\0\n", 13),
       .tweak = [](CsvOptions& o) { o.infer_rows = 1; },
       .message = "in.csv:3:3: column 'b': value '4\\x00': NUL byte in a numeric field; expected a number"});
  add({.name = "InvalidUtf8InTextField",
       .csv = "a,b\n1,caf\xe9 au lait\n",
       .message = "in.csv:2:3: column 'b': value 'caf\\xe9 au lait': invalid UTF-8 sequence starting with byte "
                  "0xe9; expected UTF-8 text"});
  add({.name = "InvalidUtf8InHeader",
       .csv = "a,b\xff\n1,2\n",
       .message = "in.csv:1:3: invalid UTF-8 byte 0xff in the header; expected UTF-8 column names"});
  add({.name = "OverlongUtf8Encoding",
       .csv = "a,b\n1,x\xe0\x80\xafy\n",  // '/' (U+002F) in three bytes
       .message = "in.csv:2:3: column 'b': value 'x\\xe0\\x80\\xafy': invalid UTF-8 sequence starting with byte "
                  "0xe0; expected UTF-8 text"});
  add({.name = "OverlongUtf8TwoBytes",
       .csv = "a,b\n1,\xc0\xaf\n",
       .message = "in.csv:2:3: column 'b': value '\\xc0\\xaf': invalid UTF-8 byte 0xc0; expected UTF-8 text"});
  add({.name = "TruncatedUtf8Sequence",
       .csv = "a,b\n1,ab\xe2\x82\n",  // the first two of the three bytes of the euro sign
       .message = "in.csv:2:3: column 'b': value 'ab\\xe2\\x82': truncated UTF-8 sequence starting with byte 0xe2; "
                  "expected UTF-8 text"});

  // ---- oversized fields -----------------------------------------------------------------------------
  const std::string huge = Repeat('x', 10 << 20);
  add({.name = "TenMegabyteFieldInCompleteRecord",
       .csv = "a,b\n1," + huge + "\n2,y\n",
       .message = "in.csv:2:3: column 'b': field longer than 1048576 bytes; expected at most 1048576 bytes per field "
                  "(raise --max-field-bytes if this is intended; a missing closing quote also causes this)"});
  add({.name = "TenMegabyteNeverEndingQuotedField",
       .csv = "a,b\n1,\"" + huge,
       .message = "in.csv:2:3: column 'b': field longer than 1048576 bytes; expected at most 1048576 bytes per field "
                  "(raise --max-field-bytes if this is intended; a missing closing quote also causes this)"});
  add({.name = "TenMegabyteNeverEndingQuotedFieldSmallBlocks",
       .csv = "a,b\n1,\"" + huge,
       .tweak = [](CsvOptions& o) { o.block_bytes = 64 << 10; },
       .message = "in.csv:2:3: column 'b': field longer than 1048576 bytes; expected at most 1048576 bytes per field "
                  "(raise --max-field-bytes if this is intended; a missing closing quote also causes this)"});

  // ---- numbers --------------------------------------------------------------------------------------
  add({.name = "OverflowPositive",
       .csv = "a,b\n1,2\n3,1e999\n",
       .schema_json = kFloatB,
       .message = "in.csv:3:3: column 'b': value '1e999': number out of range for float64; expected a magnitude "
                  "below 1.8e308"});
  add({.name = "OverflowNegative",
       .csv = "a,b\n1,2\n3,-1e999\n",
       .schema_json = kFloatB,
       .message = "in.csv:3:3: column 'b': value '-1e999': number out of range for float64; expected a magnitude "
                  "below 1.8e308"});
  add({.name = "NanWhenNotAnNaToken",
       .csv = "a,b\n1,2\n3,NaN\n",
       .schema_json = kFloatB,
       .tweak = [](CsvOptions& o) { o.na_values = {"", "NA"}; },
       .message = "in.csv:3:3: column 'b': value 'NaN': not a finite number; expected a finite number (list the "
                  "token in na_values if it means missing)"});
  add({.name = "Infinity",
       .csv = "a,b\n1,2\n3,inf\n",
       .schema_json = kFloatB,
       .message = "in.csv:3:3: column 'b': value 'inf': not a finite number; expected a finite number (list the "
                  "token in na_values if it means missing)"});
  add({.name = "NegativeInfinity",
       .csv = "a,b\n1,2\n3,-Infinity\n",
       .schema_json = kFloatB,
       .message = "in.csv:3:3: column 'b': value '-Infinity': not a finite number; expected a finite number (list "
                  "the token in na_values if it means missing)"});
  add({.name = "DecimalComma",
       .csv = "a;b\n1;2\n3;1,5\n",
       .schema_json = kFloatB,
       .message = "in.csv:3:3: column 'b': value '1,5': decimal comma in a number; expected a number written with a "
                  "decimal point, such as 1.5"});
  add({.name = "Float32Overflow",
       .csv = "a,b\n1,2\n3,3.5e38\n",
       .schema_json = R"({"columns": {"b": {"type": "float32"}}})",
       .message = "in.csv:3:3: column 'b': value '3.5e38': number out of range for float32; expected a magnitude "
                  "below 3.4e38"});
  add({.name = "TextInSchemaFloatColumn",
       .csv = "a,b\n1,2\n3,abc\n",
       .schema_json = kFloatB,
       .message = "in.csv:3:3: column 'b': value 'abc': not a number; expected a number (float64)"});
  add({.name = "TextAfterInferenceSample",
       .csv = "a,b\n1,2\n3,4\n5,abc\n",
       .tweak = [](CsvOptions& o) { o.infer_rows = 2; },
       .message = "in.csv:4:3: column 'b': value 'abc': not a number; expected a number (float64, as inferred from "
                  "the first 2 rows; a schema file can set another type)"});
  add({.name = "LongValueIsCutWithItsLength",
       .csv = "a,b\n1,2\n3," + Repeat('y', 100) + "\n",
       .schema_json = kFloatB,
       .message = "in.csv:3:3: column 'b': value '" + Repeat('y', 64) +
                  "...(100 bytes)': not a number; expected a number (float64)"});

  // ---- dates ----------------------------------------------------------------------------------------
  add({.name = "ImpossibleDate",
       .csv = "id,d\n1,2023-01-31\n2,2023-02-30\n",
       .schema_json = R"({"columns": {"d": {"type": "datetime"}}})",
       .message = "in.csv:3:3: column 'd': value '2023-02-30': no such day (2023-02 has 28 days); expected a date "
                  "YYYY-MM-DD or date-time YYYY-MM-DD HH:MM[:SS]"});

  // ---- header and whole-file problems ---------------------------------------------------------------
  add({.name = "DuplicateHeaderName",
       .csv = "a,b,a\n1,2,3\n",
       .message = "in.csv:1:5: column 'a': duplicate column name (fields 1 and 3 of the header); expected unique "
                  "column names"});
  add({.name = "EmptyHeaderName",
       .csv = "a,,c\n1,2,3\n",
       .message = "in.csv:1:3: empty column name (field 2 of the header); expected a name for every column"});
  add({.name = "EmptyFile",
       .csv = "",
       .message = "in.csv: the file is empty; expected a header row followed by data rows"});
  add({.name = "ByteOrderMarkOnly",
       .csv = "\xEF\xBB\xBF",
       .message = "in.csv: the file is empty; expected a header row followed by data rows"});
  add({.name = "WhitespaceOnly",
       .csv = " \n\t\r\n  \n",
       .message = "in.csv: the file is empty; expected a header row followed by data rows"});
  add({.name = "BlankLinesLongerThanABlock",
       .csv = Repeat('\n', 3000),
       .tweak = [](CsvOptions& o) { o.block_bytes = 1024; },
       .message = "in.csv: the file is empty; expected a header row followed by data rows"});
  add({.name = "HeaderOnly",
       .csv = "a,b\n",
       .message = "in.csv: the file has a header but no data rows; expected at least one data row"});
  add({.name = "HeaderAndBlankLines",
       .csv = "a,b\r\n\r\n\n",
       .message = "in.csv: the file has a header but no data rows; expected at least one data row"});
  add({.name = "AllRowsRejected",
       .csv = "a,b\n1,x\n3,y\n",
       .schema_json = kFloatB,
       .tweak = [](CsvOptions& o) { o.on_error = OnError::kSkip; },
       .message = "in.csv: all 2 rows were rejected; the first: in.csv:2:3: column 'b': value 'x': not a number; "
                  "expected a number (float64)"});

  // ---- schema files ---------------------------------------------------------------------------------
  add({.name = "SchemaInvalidJson",
       .csv = "a,b\n1,2\n",
       .schema_json = "{\n  \"columns\": {\n    \"b\": {\"type\": \"float64\",}\n  }\n}\n",
       .message = "schema.json:3:29: invalid JSON: syntax error while parsing object key - unexpected '}'; expected "
                  "string literal"});
  add({.name = "SchemaTopLevelNotAnObject",
       .csv = "a,b\n1,2\n",
       .schema_json = "[1, 2]",
       .message = "schema.json: key '(top level)': value '[1,2]': wrong JSON type; expected an object with a "
                  "\"columns\" key"});
  add({.name = "SchemaUnknownTopLevelKey",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"colums": {"b": {"type": "float64"}}})",
       .message = "schema.json: key 'colums': unknown key; expected one of columns, na_values, delimiter, "
                  "description, $comment"});
  add({.name = "SchemaMisspeltColumnKey",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"monotnoe": "increasing"}}})",
       .message = "schema.json: key 'columns.b.monotnoe': unknown key; expected one of type, role, description, "
                  "monotone, actionable, immutable, lower_bound, upper_bound, na_values"});
  add({.name = "SchemaWrongJsonType",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"actionable": "yes"}}})",
       .message = "schema.json: key 'columns.b.actionable': value 'yes': wrong JSON type; expected true or false"});
  add({.name = "SchemaColumnsNotAnObject",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": ["a", "b"]})",
       .message = "schema.json: key 'columns': value '[\"a\",\"b\"]': wrong JSON type; expected an object mapping "
                  "column names to settings"});
  add({.name = "SchemaNaValuesNotStrings",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"na_values": ["NA", -1]})",
       .message = "schema.json: key 'na_values[1]': value '-1': wrong JSON type; expected a string"});
  add({.name = "SchemaUnknownRole",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"role": "label"}}})",
       .message = "schema.json: key 'columns.b.role': value 'label': unknown role; expected feature, target, weight, "
                  "id, time, sensitive or ignore"});
  add({.name = "SchemaUnknownType",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"type": "int"}}})",
       .message = "schema.json: key 'columns.b.type': value 'int': unknown column type; expected float64, float32, "
                  "categorical, string or datetime"});
  add({.name = "SchemaUnknownMonotone",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"monotone": "up"}}})",
       .message = "schema.json: key 'columns.b.monotone': value 'up': unknown monotone direction; expected none, "
                  "increasing or decreasing"});
  add({.name = "SchemaActionableAndImmutable",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"actionable": true, "immutable": true}}})",
       .message = "schema.json: key 'columns.b': a column cannot be both actionable and immutable; expected at most "
                  "one of actionable, immutable"});
  add({.name = "SchemaLowerAboveUpper",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"lower_bound": 5, "upper_bound": 1.5}}})",
       .message = "schema.json: key 'columns.b': lower_bound 5 is above upper_bound 1.5; expected lower_bound <= "
                  "upper_bound"});
  add({.name = "SchemaColumnTheDataLacks",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"income": {"type": "float64"}}})",
       .kind = ErrorKind::kNotFound,
       .message = "schema.json: column 'income': the schema file names a column the data does not have; expected "
                  "one of: a, b"});
  add({.name = "SchemaMonotoneOnCategorical",
       .csv = "a,c\n1,x\n2,y\n",
       .schema_json = R"({"columns": {"c": {"monotone": "increasing"}}})",
       .message = "schema.json: key 'columns.c.monotone': a monotone direction needs a numeric column; expected type "
                  "float64 or float32, not categorical"});
  add({.name = "SchemaBadDelimiter",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"delimiter": ";;"})",
       .message = "schema.json: key 'delimiter': value ';;': invalid delimiter; expected one character other than a "
                  "quote, a NUL or a line break"});

  add({.name = "SchemaNumberOverflow",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"lower_bound": -1e400}}})",
       .message = "schema.json: invalid JSON: number overflow parsing '-1e400'; expected a number of magnitude below "
                  "1.8e308"});
  add({.name = "SchemaDuplicateKey",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"columns": {"b": {"monotone": "increasing", "monotone": "none"}}})",
       .message = "schema.json: key 'columns.b.monotone': duplicate key; expected each key once"});
  add({.name = "SchemaNulDelimiter",
       .csv = "a,b\n1,2\n",
       .schema_json = R"({"delimiter": "\u0000"})",
       .message = "schema.json: key 'delimiter': value '\\x00': invalid delimiter; expected one character other "
                  "than a quote, a NUL or a line break"});

  // ---- reader options -------------------------------------------------------------------------------
  add({.name = "OptionDelimiterIsAQuote",
       .csv = "a,b\n1,2\n",
       .tweak = [](CsvOptions& o) { o.delimiter = '"'; },
       .kind = ErrorKind::kInvalidArgument,
       .message = "option 'delimiter': value '\"': invalid delimiter; expected one character other than a quote, a "
                  "NUL or a line break"});
  add({.name = "OptionInferRowsZero",
       .csv = "a,b\n1,2\n",
       .tweak = [](CsvOptions& o) { o.infer_rows = 0; },
       .kind = ErrorKind::kInvalidArgument,
       .message = "option 'infer_rows': value '0': too few rows to infer types; expected at least 1"});
  add({.name = "OptionBlockTooSmall",
       .csv = "a,b\n1,2\n",
       .tweak = [](CsvOptions& o) { o.block_bytes = 100; },
       .kind = ErrorKind::kInvalidArgument,
       .message = "option 'block_bytes': value '100': block too small; expected at least 1024",
       .same_with_small_blocks = false});
  return cases;
}

class CsvCatalogueTest : public testing::TestWithParam<CatalogueCase> {};

// Runs one case; returns the error, or fails the test when the input loads.
std::optional<Error> RunCase(const CatalogueCase& c, bool small_blocks) {
  CsvOptions options;
  c.tweak(options);
  if (small_blocks) options.block_bytes = 1024;
  Context ctx;
  ctx.set_threads(small_blocks ? 2 : 1);
  try {
    if (c.schema_json) {
      options.schema = ParseSchemaOverride(*c.schema_json, "schema.json");
      options.schema_source = "schema.json";
    }
    const CsvTable table = ReadCsvBuffer(c.csv, "in.csv", options, ctx);
    ADD_FAILURE() << c.name << ": loaded " << table.frame.num_rows() << " rows, expected an error";
  } catch (const Error& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << c.name << ": threw a non-finai exception: " << e.what();
  }
  return std::nullopt;
}

TEST_P(CsvCatalogueTest, ExactMessage) {
  const CatalogueCase& c = GetParam();
  const auto error = RunCase(c, false);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorKindName(error->kind()), ErrorKindName(c.kind)) << error->what();
  EXPECT_EQ(std::string(error->what()), c.message);
}

TEST_P(CsvCatalogueTest, SameMessageWithSmallBlocksAndTwoThreads) {
  const CatalogueCase& c = GetParam();
  if (!c.same_with_small_blocks) GTEST_SKIP() << "the message depends on the block size";
  const auto expected = RunCase(c, false);
  const auto actual = RunCase(c, true);
  ASSERT_TRUE(expected.has_value() && actual.has_value());
  EXPECT_EQ(actual->kind(), expected->kind());
  EXPECT_EQ(std::string(actual->what()), std::string(expected->what()));
}

INSTANTIATE_TEST_SUITE_P(Catalogue, CsvCatalogueTest, testing::ValuesIn(Catalogue()),
                         [](const testing::TestParamInfo<CatalogueCase>& param_info) { return param_info.param.name; });

// Not an error, though it looks like one: negative zero is a number and loads as zero.
TEST(CsvCatalogueTest, NegativeZeroLoads) {
  CsvOptions options;
  options.schema = ParseSchemaOverride(kFloatB, "schema.json");
  Context ctx;
  const CsvTable t = ReadCsvBuffer("a,b\n1,-0\n2,-0.0e5\n", "in.csv", options, ctx);
  ASSERT_EQ(t.frame.num_rows(), 2);
  EXPECT_EQ(t.frame.column("b").float64()[0], 0.0);
  EXPECT_EQ(t.frame.column("b").float64()[1], 0.0);
  EXPECT_EQ(t.report.rows_rejected, 0);
}

TEST(CsvCatalogueTest, HasEnoughCases) { EXPECT_GE(Catalogue().size(), 36u); }

}  // namespace
}  // namespace finai
