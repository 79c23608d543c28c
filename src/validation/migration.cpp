// Rating migration matrix between two rating dates.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "finai/core/error.hpp"
#include "finai/validation/migration.hpp"
#include "validation/checks.hpp"

namespace finai::validation {

MigrationMatrix RatingMigration(std::span<const std::string> from, std::span<const std::string> to,
                                const std::vector<std::string>& order) {
  detail::CheckSameLength("RatingMigration", "from", from.size(), "to", to.size());
  MigrationMatrix m;
  if (order.empty()) {
    std::set<std::string> seen;
    for (const auto* ratings : {&from, &to}) {
      for (const auto& g : *ratings) {
        if (!g.empty()) seen.insert(g);
      }
    }
    m.grades.assign(seen.begin(), seen.end());
  } else {
    m.grades = order;
  }
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < m.grades.size(); ++k) {
    if (!index.emplace(m.grades[k], k).second) {
      throw InvalidArgument("RatingMigration: a grade is listed twice",
                            {.field = "order", .field_kind = "argument", .value = m.grades[k],
                             .expected = "distinct grades"});
    }
  }
  const std::size_t k = m.grades.size();
  m.counts.assign(k, std::vector<std::int64_t>(k, 0));
  m.rates.assign(k, std::vector<double>(k, 0.0));
  auto lookup = [&](const std::string& grade, std::string_view name, std::size_t row) {
    const auto it = index.find(grade);
    if (it == index.end()) {
      throw InvalidArgument(fmt::format("RatingMigration: row {}: a grade not in the order", row + 1),
                            {.field = std::string(name), .field_kind = "argument", .value = grade,
                             .expected = "one of the listed grades"});
    }
    return it->second;
  };
  std::int64_t stable = 0, up = 0, down = 0, far = 0;
  for (std::size_t r = 0; r < from.size(); ++r) {
    if (from[r].empty() || to[r].empty()) continue;
    const std::size_t i = lookup(from[r], "from", r);
    const std::size_t j = lookup(to[r], "to", r);
    m.counts[i][j] += 1;
    m.total += 1;
    if (i == j) ++stable;
    else if (j < i) ++up;
    else ++down;
    if (i > j + 1 || j > i + 1) ++far;
  }
  for (std::size_t i = 0; i < k; ++i) {
    std::int64_t row = 0;
    for (std::size_t j = 0; j < k; ++j) row += m.counts[i][j];
    if (row > 0) {
      for (std::size_t j = 0; j < k; ++j) m.rates[i][j] = static_cast<double>(m.counts[i][j]) / static_cast<double>(row);
    }
  }
  if (m.total > 0) {
    const auto total = static_cast<double>(m.total);
    m.stable_share = static_cast<double>(stable) / total;
    m.upgrade_share = static_cast<double>(up) / total;
    m.downgrade_share = static_cast<double>(down) / total;
    m.beyond_one_notch_share = static_cast<double>(far) / total;
  }
  return m;
}

}  // namespace finai::validation
