// libFuzzer target for the manual-binning spec parser (ParseBinningSpec, `finai scorecard fit --bins`). On any
// bytes it must either return the specs or throw a finai::Error that is not Internal; nlohmann::json's own
// exceptions must never escape. Each parsed spec is then applied to a small column, numeric cuts to a numeric
// column and groups to a categorical one, as FitScorecard does; that may refuse the spec (InvalidArgument or
// InvalidData), never crash.
//
// Build and run: FUZZ_TARGETS=binning_spec_fuzzer fuzz/run.sh (seeds in fuzz/corpus/binning_spec/).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/data/column.hpp"
#include "finai/scorecard/binning.hpp"
#include "finai/scorecard/scorecard.hpp"

namespace {

namespace sc = finai::scorecard;

void Apply(const sc::ManualBins& spec) {
  const std::vector<double> labels{0, 1, 0, 1, 0, 1, 0, 0};
  sc::VariableBinning vb;
  if (spec.categorical) {
    const finai::Column column =
        finai::Column::Categorical(spec.feature, {0, 1, 2, 0, 1, 2, -1, 0}, {"a", "b", "c"});
    vb = sc::BinWithGroups(column, labels, {}, spec.groups);
  } else {
    const finai::Column column = finai::Column::Float64(spec.feature, {-1, 0, 1, 2, 3, 999, 1e300, -1e300});
    vb = sc::BinWithCuts(column, labels, {}, spec.cuts, spec.special_values);
  }
  // Every row falls in a bin of the binning.
  for (int b : vb.BinColumn(spec.categorical ? finai::Column::Categorical(spec.feature, {0, 1, 2, -1}, {"a", "b", "z"})
                                             : finai::Column::Float64(spec.feature, {-5, 0.5, 999, 1e308}))) {
    if (b < 0 || b >= static_cast<int>(vb.bins.size())) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<sc::ManualBins> specs;
  try {
    specs = sc::ParseBinningSpec(text, "fuzz.json");
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();
    return 0;
  }
  for (const auto& spec : specs) {
    try {
      Apply(spec);
    } catch (const finai::Error& error) {
      if (error.kind() == finai::ErrorKind::kInternal) std::abort();
    }
  }
  return 0;
}
