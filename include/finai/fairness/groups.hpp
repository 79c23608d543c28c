// Groups of a fairness audit: the values of one sensitive attribute, bands of a continuous one (age bands from
// a list of edges), or the intersections of several (Sex=f & Age=25-35).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "finai/data/frame.hpp"

namespace finai::fairness {

struct SensitiveSpec {
  std::string column;
  // Numeric columns: band edges, strictly increasing. Edges e1 < ... < ek give the bands "<e1", "e1-e2", ...,
  // ">=ek"; a value v is in band [e_i, e_{i+1}). Empty: the distinct values are the groups (numeric columns
  // with more than kMaxNumericLevels distinct values must then have bands).
  std::vector<double> band_edges;
};

inline constexpr int kMaxNumericLevels = 12;

struct Groups {
  std::vector<std::string> attributes;  // the sensitive columns, in the order given
  std::vector<std::string> names;       // one per group: "Age=25-35" or "Sex=f & Age=25-35"
  std::vector<int> of_row;              // group index of each row; -1 when any attribute is missing
  std::vector<std::int64_t> sizes;      // rows per group
  std::int64_t missing = 0;             // rows left out because an attribute is missing
  int count() const { return static_cast<int>(names.size()); }
};

// Groups ordered by attribute levels (bands in edge order, categories and numbers in ascending order), the
// first attribute varying slowest; only combinations that occur are kept. NotFound for an unknown column;
// InvalidArgument for edges that are not increasing or on a non-numeric column, or a numeric column with many
// values and no bands; InvalidData when fewer than two groups occur.
Groups BuildGroups(const Frame& frame, const std::vector<SensitiveSpec>& specs);

// The command line's sensitive-attribute spec: `sensitive` is "COLUMN[,COLUMN...]" and each band spec is
// "COLUMN=EDGE,EDGE,..." for a column of `sensitive`, edges being finite decimal numbers (C locale, as
// std::from_chars reads them) in strictly increasing order. Repeating a column's bands appends edges (which must
// still increase). InvalidArgument naming --sensitive or --bands, the text and what was expected, for anything
// else; on success every spec has a non-empty column and finite, strictly increasing edges.
std::vector<SensitiveSpec> ParseSensitiveSpecs(std::string_view sensitive, const std::vector<std::string>& bands);

// The band label of a value ("<25", "25-35", ">=65"); edges are written as %g.
std::string BandLabel(const std::vector<double>& edges, int band);

}  // namespace finai::fairness
