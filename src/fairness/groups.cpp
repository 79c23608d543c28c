#include "finai/fairness/groups.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "finai/core/error.hpp"

namespace finai::fairness {

std::string BandLabel(const std::vector<double>& edges, int band) {
  if (band == 0) return fmt::format("<{:g}", edges.front());
  if (band == static_cast<int>(edges.size())) return fmt::format(">={:g}", edges.back());
  return fmt::format("{:g}-{:g}", edges[static_cast<std::size_t>(band - 1)], edges[static_cast<std::size_t>(band)]);
}

namespace {

// One attribute: a level per row (-1 missing) and the level names.
struct Levels {
  std::vector<int> of_row;
  std::vector<std::string> names;
};

Levels BandLevels(const Column& col, const std::vector<double>& edges) {
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (!std::isfinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1])) {
      throw InvalidArgument("band edges must be finite and strictly increasing",
                            {.field = col.name(), .value = fmt::format("{:g}", edges[i]), .expected = "increasing edges"});
    }
  }
  if (!col.is_numeric()) {
    throw InvalidArgument("bands need a numeric column", {.field = col.name(), .value = std::string(ColumnTypeName(col.type())),
                                                          .expected = "float64 or float32"});
  }
  Levels out;
  for (int b = 0; b <= static_cast<int>(edges.size()); ++b) out.names.push_back(BandLabel(edges, b));
  out.of_row.resize(static_cast<std::size_t>(col.size()));
  for (std::int64_t r = 0; r < col.size(); ++r) {
    const double v = col.NumericValue(r);
    out.of_row[static_cast<std::size_t>(r)] =
        std::isnan(v) ? -1 : static_cast<int>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
  }
  return out;
}

Levels ValueLevels(const Column& col) {
  Levels out;
  out.of_row.assign(static_cast<std::size_t>(col.size()), -1);
  if (col.is_numeric()) {
    std::set<double> values;
    for (std::int64_t r = 0; r < col.size(); ++r) {
      const double v = col.NumericValue(r);
      if (!std::isnan(v)) values.insert(v);
    }
    if (static_cast<int>(values.size()) > kMaxNumericLevels) {
      throw InvalidArgument(fmt::format("a numeric sensitive attribute with {} distinct values needs bands", values.size()),
                            {.field = col.name(), .expected = fmt::format("--bands {}=EDGE,EDGE,...", col.name())});
    }
    std::map<double, int> index;
    for (double v : values) {
      index[v] = static_cast<int>(out.names.size());
      out.names.push_back(fmt::format("{:g}", v));
    }
    for (std::int64_t r = 0; r < col.size(); ++r) {
      const double v = col.NumericValue(r);
      if (!std::isnan(v)) out.of_row[static_cast<std::size_t>(r)] = index[v];
    }
    return out;
  }
  std::map<std::string, int> index;
  for (std::int64_t r = 0; r < col.size(); ++r) {
    if (!col.IsMissing(r)) index.emplace(col.ValueText(r), 0);
  }
  for (auto& [text, i] : index) {
    i = static_cast<int>(out.names.size());
    out.names.push_back(text);
  }
  for (std::int64_t r = 0; r < col.size(); ++r) {
    if (!col.IsMissing(r)) out.of_row[static_cast<std::size_t>(r)] = index[col.ValueText(r)];
  }
  return out;
}

}  // namespace

Groups BuildGroups(const Frame& frame, const std::vector<SensitiveSpec>& specs) {
  if (specs.empty()) throw InvalidArgument("no sensitive attribute", {.field = "sensitive", .field_kind = "option",
                                                                      .expected = "at least one column"});
  std::vector<Levels> levels;
  Groups g;
  for (const auto& spec : specs) {
    const Column& col = frame.column(spec.column);
    levels.push_back(spec.band_edges.empty() ? ValueLevels(col) : BandLevels(col, spec.band_edges));
    g.attributes.push_back(spec.column);
  }
  // Mixed-radix code of the combination of levels; the first attribute varies slowest.
  const std::size_t n = static_cast<std::size_t>(frame.num_rows());
  std::vector<std::int64_t> code(n, 0);
  for (std::size_t r = 0; r < n; ++r) {
    for (const auto& l : levels) {
      if (l.of_row[r] < 0 || code[r] < 0) {
        code[r] = -1;
        continue;
      }
      code[r] = code[r] * static_cast<std::int64_t>(l.names.size()) + l.of_row[r];
    }
  }
  std::map<std::int64_t, int> index;
  for (std::size_t r = 0; r < n; ++r) {
    if (code[r] >= 0) index.emplace(code[r], 0);
  }
  for (auto& [c, i] : index) {
    i = static_cast<int>(g.names.size());
    std::string name;
    std::int64_t rest = c;
    for (std::size_t a = levels.size(); a-- > 0;) {
      const auto radix = static_cast<std::int64_t>(levels[a].names.size());
      const std::string part = specs[a].column + "=" + levels[a].names[static_cast<std::size_t>(rest % radix)];
      name = name.empty() ? part : part + " & " + name;
      rest /= radix;
    }
    g.names.push_back(name);
  }
  g.of_row.assign(n, -1);
  g.sizes.assign(g.names.size(), 0);
  for (std::size_t r = 0; r < n; ++r) {
    if (code[r] < 0) {
      ++g.missing;
      continue;
    }
    g.of_row[r] = index[code[r]];
    ++g.sizes[static_cast<std::size_t>(g.of_row[r])];
  }
  if (g.count() < 2) {
    throw InvalidData(fmt::format("the sensitive attribute forms {} group(s); an audit compares at least two", g.count()),
                      {.field = specs.front().column, .expected = "two or more groups"});
  }
  return g;
}

}  // namespace finai::fairness
