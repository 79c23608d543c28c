// Rating migration between two dates: how many obligors rated grade i at the start are rated grade j at the end.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace finai::validation {

struct MigrationMatrix {
  std::vector<std::string> grades;                 // row and column order, best grade first
  std::vector<std::vector<std::int64_t>> counts;   // counts[i][j]: from grades[i] to grades[j]
  std::vector<std::vector<double>> rates;          // counts[i][j] / row total (0 for an empty row)
  std::int64_t total = 0;
  double stable_share = 0;     // share on the diagonal
  double upgrade_share = 0;    // share moving to a better grade (lower index)
  double downgrade_share = 0;  // share moving to a worse grade (higher index)
  double beyond_one_notch_share = 0;  // share moving more than one grade either way
};

// `from` and `to` are parallel rating vectors of the same obligors. `order` lists the grades best first; when
// empty, the grades of both vectors sorted as text. A rating not in a given order is InvalidArgument naming
// the row; empty ratings are skipped (an obligor unrated at one of the dates).
MigrationMatrix RatingMigration(std::span<const std::string> from, std::span<const std::string> to,
                                const std::vector<std::string>& order = {});

}  // namespace finai::validation
