// The --sensitive / --bands parser: what it accepts and the messages of what it refuses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/fairness/groups.hpp"

namespace finai::fairness {
namespace {

std::string Message(std::string_view sensitive, const std::vector<std::string>& bands) {
  try {
    ParseSensitiveSpecs(sensitive, bands);
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "no error";
}

TEST(FairnessSensitiveSpec, ParsesColumnsAndBands) {
  const auto specs = ParseSensitiveSpecs("Sex,Age", {"Age=25,35.5", "Age=1e2"});
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].column, "Sex");
  EXPECT_TRUE(specs[0].band_edges.empty());
  EXPECT_EQ(specs[1].column, "Age");
  EXPECT_EQ(specs[1].band_edges, (std::vector<double>{25, 35.5, 100}));
}

TEST(FairnessSensitiveSpec, RefusesMalformedSpecs) {
  EXPECT_THROW(ParseSensitiveSpecs("", {}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age,", {}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age,Age", {}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age"}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"=25"}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age="}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age=25,,35"}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age=25,inf"}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age=nan"}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age= 25"}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age=1e999"}), InvalidArgument);
  EXPECT_THROW(ParseSensitiveSpecs("Age", {"Age=30", "Age=30"}), InvalidArgument);  // repeated edge
}

TEST(FairnessSensitiveSpec, MessagesNameTheOptionAndTheValue) {
  EXPECT_NE(Message("Age", {"Age=30,x"}).find("'x'"), std::string::npos);
  EXPECT_NE(Message("Age", {"Age=35,25"}).find("strictly increasing"), std::string::npos);
  EXPECT_NE(Message("Home", {"Age=30"}).find("not a sensitive attribute"), std::string::npos);
  EXPECT_NE(Message("Home", {"Age=30"}).find("--bands"), std::string::npos);
}

}  // namespace
}  // namespace finai::fairness
