// libFuzzer target for the scorecard file reader (ParseScorecard, what LoadScorecard and `finai scorecard
// apply|report` use). On any bytes it must either return a scorecard or throw a finai::Error that is not
// Internal; nlohmann::json's own exceptions must never escape. A card that loads must then be usable the way
// the CLI uses it: the report (text and JSON), scoring a few rows with reason codes, and a write/read round
// trip to the same JSON.
//
// Build and run: FUZZ_TARGETS=scorecard_fuzzer fuzz/run.sh (cmake --preset fuzz; seeds in fuzz/corpus/scorecard/).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/data/frame.hpp"
#include "finai/scorecard/scorecard.hpp"

namespace {

namespace sc = finai::scorecard;

// Three rows per variable's column: a value inside the first bin, one beyond the last cut (or an unseen
// category) and a missing value; special values and cut points themselves too.
finai::Frame RowsFor(const sc::Scorecard& card) {
  std::vector<finai::Column> columns;
  std::size_t rows = 4;
  for (const auto& v : card.variables) {
    rows = std::max(rows, v.binning.cuts.size() + v.binning.special_values.size() + 3);
  }
  rows = std::min<std::size_t>(rows, 64);
  for (const auto& v : card.variables) {
    const auto& b = v.binning;
    bool seen = false;
    for (const auto& c : columns) seen = seen || c.name() == b.feature;
    if (seen) continue;  // two variables on one column: the first one's column serves both
    if (b.categorical) {
      std::vector<std::string> dictionary{"never-seen"};
      for (const auto& g : b.groups) {
        for (const auto& c : g) dictionary.push_back(c);
      }
      std::vector<std::int32_t> codes;
      for (std::size_t r = 0; r < rows; ++r) {
        codes.push_back(r == 1 ? -1 : static_cast<std::int32_t>(r % dictionary.size()));  // -1: missing
      }
      try {
        columns.push_back(finai::Column::Categorical(b.feature, codes, dictionary));
      } catch (const finai::Error&) {
        return finai::Frame{};  // e.g. a repeated category: such a column cannot be read from a CSV either
      }
    } else {
      std::vector<double> values{b.cuts.empty() ? 0.0 : b.cuts.front() - 1, NAN,
                                 b.cuts.empty() ? 1.0 : b.cuts.back() + 1};
      for (double c : b.cuts) values.push_back(c);
      for (double s : b.special_values) values.push_back(s);
      values.resize(rows, 0.5);
      if (b.datetime) {
        std::vector<std::int64_t> seconds;
        for (double x : values) {
          seconds.push_back(std::isfinite(x) && std::fabs(x) < 1e15 ? static_cast<std::int64_t>(x) : 0);
        }
        columns.push_back(finai::Column::DateTime(b.feature, seconds));
      } else {
        columns.push_back(finai::Column::Float64(b.feature, values));
      }
    }
  }
  return finai::Frame(std::move(columns));
}

void Use(const sc::Scorecard& card) {
  // From here on the card was accepted: using it must not fail except with a finai::Error that says why.
  (void)sc::FormatScorecardReport(card);
  const std::string json = sc::ScorecardReportJson(card).dump();
  const std::string saved = sc::ScorecardToJson(card).dump();
  try {
    const sc::Scorecard again = sc::ParseScorecard(saved, "round-trip.json");
    if (sc::ScorecardToJson(again).dump() != saved) std::abort();
  } catch (const finai::Error&) {
    std::abort();  // what finai wrote, finai must read
  }
  const finai::Frame frame = RowsFor(card);
  if (frame.num_columns() == 0) return;
  try {
    const sc::ScoredRows scored = sc::ApplyScorecard(card, frame, 2);
    if (static_cast<std::int64_t>(scored.score.size()) != frame.num_rows()) std::abort();
    if (scored.pd.size() != scored.score.size() || scored.reasons.size() != scored.score.size()) std::abort();
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sc::Scorecard card;
  try {
    card = sc::ParseScorecard(text, "fuzz.json");
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();  // a broken invariant is a bug in finai
    return 0;
  }
  Use(card);
  return 0;
}
