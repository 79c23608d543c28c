// libFuzzer target for the master-scale reader (ParseMasterScaleText, what LoadMasterScale and `finai validate
// --master-scale` use). On any bytes it must either return a scale or throw a finai::Error that is not Internal;
// nlohmann::json's own exceptions must never escape. An accepted scale must grade every PD in [0, 1]: the
// grade's upper bound holds the PD and the previous grade's does not.
//
// Build and run: FUZZ_TARGETS=master_scale_fuzzer fuzz/run.sh (seeds in fuzz/corpus/master_scale/).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "finai/core/error.hpp"
#include "finai/validation/master_scale.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  finai::validation::MasterScale scale;
  try {
    scale = finai::validation::ParseMasterScaleText(text, "fuzz.json");
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();
    return 0;
  }
  if (scale.grades.empty() || scale.grades.back().upper != 1.0) std::abort();
  for (double pd : {0.0, 1e-12, 0.001, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.999, 1.0}) {
    const std::size_t k = scale.GradeIndex(pd);
    if (k >= scale.grades.size() || !(pd <= scale.grades[k].upper)) std::abort();
    if (k > 0 && !(pd > scale.grades[k - 1].upper)) std::abort();
  }
  for (const auto& grade : scale.grades) {
    if (grade.name.empty()) std::abort();
    if (grade.pd && !(*grade.pd >= 0.0 && *grade.pd <= 1.0)) std::abort();
  }
  return 0;
}
