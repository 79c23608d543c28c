// Binary and multiclass targets: from a column's values to 0/1 event labels or class indices.
#pragma once

#include <string>
#include <vector>

#include "finai/data/column.hpp"

namespace finai {

// The 0/1 event indicator of a binary target column (categorical with two values, or numeric 0/1), and
// the name of the event value: `event` when given, else the first of bad, default, 1, yes, true, fraud
// present, else the rarer value. InvalidData naming the column when it is not binary.
struct BinaryTarget {
  std::vector<double> labels;  // 1 = event, 0 = non-event, NaN = missing target
  std::string event;
  std::string non_event;
};
BinaryTarget ResolveBinaryTarget(const Column& target, const std::string& event);

// Labels of another sample (validation, test) with a known event and non-event: InvalidData naming the
// row and value when a value is neither.
std::vector<double> EncodeBinaryTarget(const Column& target, const std::string& event, const std::string& non_event);

// Class index of each row (NaN when missing) with classes in the given order; InvalidData for an
// unknown value. ClassLabels lists a column's distinct values in text order.
std::vector<std::string> ClassLabels(const Column& target);
std::vector<double> EncodeClasses(const Column& target, const std::vector<std::string>& classes);

}  // namespace finai
