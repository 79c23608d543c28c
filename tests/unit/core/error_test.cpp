#include "finai/core/error.hpp"

#include <gtest/gtest.h>

#include <set>

#include "finai/core/check.hpp"

namespace finai {
namespace {

TEST(Error, MessageListsLocationParts) {
  const InvalidData e("not a number", {.file = "loans.csv", .line = 3, .column = 7, .field = "amount", .value = "abc",
                                       .expected = "a number"});
  EXPECT_STREQ(e.what(), "loans.csv:3:7: column 'amount': value 'abc': not a number; expected a number");
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidData);
  EXPECT_EQ(e.detail(), "not a number");
  EXPECT_EQ(e.location().line, 3);
}

TEST(Error, OmitsPartsThatAreNotSet) {
  EXPECT_STREQ(NotFound("no such file", {.file = "x.csv"}).what(), "x.csv: no such file");
  EXPECT_STREQ(InvalidArgument("bad").what(), "bad");
  EXPECT_STREQ(IoError("disk full", {.file = "a", .line = 2}).what(), "a:2: disk full");
}

TEST(Error, QuotesControlBytesAndCutsLongValues) {
  EXPECT_EQ(QuoteValue(std::string("a\0b\n", 4)), "a\\x00b\\x0a");
  EXPECT_EQ(QuoteValue(std::string(100, 'x'), 8), "xxxxxxxx...(100 bytes)");
  EXPECT_EQ(QuoteValue("back\\slash"), "back\\\\slash");
}

TEST(Error, EachKindHasItsOwnExitCode) {
  const ErrorKind kinds[] = {ErrorKind::kInvalidArgument, ErrorKind::kInvalidData, ErrorKind::kNotFound,
                             ErrorKind::kUnsupported,     ErrorKind::kIoError,     ErrorKind::kCancelled,
                             ErrorKind::kInternal};
  std::set<int> codes;
  for (ErrorKind k : kinds) {
    codes.insert(ExitCodeFor(k));
    EXPECT_NE(ExitCodeFor(k), 0);
    EXPECT_NE(ErrorKindName(k), "Unknown");
  }
  EXPECT_EQ(codes.size(), std::size(kinds));
  EXPECT_EQ(ExitCodeFor(ErrorKind::kInvalidData), 65);
}

TEST(Check, FailedCheckThrowsInternalErrorInsteadOfAborting) {
  try {
    FINAI_CHECK(1 + 1 == 3, "arithmetic is broken");
    FAIL() << "no exception";
  } catch (const InternalError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_NE(std::string(e.what()).find("1 + 1 == 3"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("arithmetic is broken"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("error_test.cpp"), std::string::npos);
  }
  EXPECT_NO_THROW(FINAI_CHECK(true));
}

}  // namespace
}  // namespace finai

namespace finai {
namespace {
TEST(Error, KeepsValidUtf8ButEscapesInvalidBytes) {
  EXPECT_EQ(QuoteValue("Zürich"), "Zürich");
  EXPECT_EQ(QuoteValue("Z\xfcrich"), "Z\\xfcrich");
}
}  // namespace
}  // namespace finai
