// libFuzzer target for the parser of `finai fairness`'s sensitive-attribute and band options
// (fairness::ParseSensitiveSpecs in src/fairness/sensitive_spec.cpp). The input's first line is --sensitive, each
// further line one --bands value. On any bytes the parser must either throw a finai::Error that is not Internal
// or return specs whose columns are non-empty and distinct and whose edges are finite and strictly increasing,
// with bands only on named columns; BandLabel must then label every band without failing.
//
// Build and run: fuzz/run.sh (cmake --preset fuzz; seeds in fuzz/corpus/band_spec/).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/fairness/groups.hpp"

namespace {

void CheckSpecs(const std::vector<finai::fairness::SensitiveSpec>& specs) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].column.empty()) std::abort();
    for (std::size_t j = 0; j < i; ++j) {
      if (specs[j].column == specs[i].column) std::abort();
    }
    const auto& edges = specs[i].band_edges;
    for (std::size_t k = 0; k < edges.size(); ++k) {
      if (!std::isfinite(edges[k]) || (k > 0 && !(edges[k] > edges[k - 1]))) std::abort();
    }
    if (!edges.empty()) {
      for (int b = 0; b <= static_cast<int>(edges.size()); ++b) {
        if (finai::fairness::BandLabel(edges, b).empty()) std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t first = text.find('\n');
  const std::string_view sensitive = text.substr(0, first);
  std::vector<std::string> bands;
  if (first != std::string_view::npos) {
    std::size_t start = first + 1;
    while (start <= text.size()) {
      const std::size_t end = text.find('\n', start);
      bands.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }
  try {
    CheckSpecs(finai::fairness::ParseSensitiveSpecs(sensitive, bands));
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();  // a broken invariant is a bug in finai
  }
  return 0;
}
