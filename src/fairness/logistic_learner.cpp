#include "logistic_learner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finai/core/error.hpp"
#include "finai/models/linear/logistic.hpp"

namespace finai::fairness::detail {

namespace {

// How one source column becomes design columns; fitted on the training part, applied to every part.
struct Encoding {
  std::size_t column = 0;
  bool categorical = false;
  double mean = 0, sd = 1;
  bool missing_indicator = false;
  std::vector<std::int32_t> dummy_codes;  // categorical: the codes given a dummy
};

std::vector<Encoding> FitEncodings(const Frame& train) {
  std::vector<Encoding> out;
  for (std::size_t c = 0; c < train.columns().size(); ++c) {
    const Column& col = train.columns()[c];
    Encoding e{.column = c};
    if (col.type() == ColumnType::kCategorical) {
      e.categorical = true;
      std::vector<std::int64_t> counts(col.dictionary().size(), 0);
      for (std::int32_t code : col.codes()) {
        if (code >= 0) ++counts[static_cast<std::size_t>(code)];
      }
      const auto reference = std::max_element(counts.begin(), counts.end()) - counts.begin();
      for (std::size_t k = 0; k < counts.size(); ++k) {
        if (static_cast<std::ptrdiff_t>(k) != reference && counts[k] > 0) e.dummy_codes.push_back(static_cast<std::int32_t>(k));
      }
    } else if (col.is_numeric()) {
      const std::vector<double> v = col.ToFloat64();
      double sum = 0, sum2 = 0, n = 0;
      for (double x : v) {
        if (std::isnan(x)) {
          e.missing_indicator = true;
          continue;
        }
        sum += x;
        n += 1;
      }
      e.mean = n > 0 ? sum / n : 0;
      for (double x : v) {
        if (!std::isnan(x)) sum2 += (x - e.mean) * (x - e.mean);
      }
      const double sd = n > 1 ? std::sqrt(sum2 / (n - 1)) : 0;
      e.sd = sd > 0 ? sd : 1;  // a constant column becomes 0: the penalty keeps its slope at 0
    } else {
      throw Unsupported("the logistic learner takes numeric and categorical features",
                        {.field = col.name(), .value = std::string(ColumnTypeName(col.type())),
                         .expected = "float64, float32 or categorical"});
    }
    out.push_back(std::move(e));
  }
  return out;
}

linear::DesignMatrix Encode(const Frame& x, const std::vector<Encoding>& encodings) {
  linear::DesignMatrix m;
  const auto n = static_cast<std::size_t>(x.num_rows());
  std::vector<double> v(n);
  for (const Encoding& e : encodings) {
    const Column& col = x.columns()[e.column];
    if (e.categorical) {
      const auto codes = col.codes();
      for (std::int32_t k : e.dummy_codes) {
        for (std::size_t i = 0; i < n; ++i) v[i] = codes[i] == k ? 1 : 0;
        m.AddColumn(fmt::format("{}={}", col.name(), col.dictionary()[static_cast<std::size_t>(k)]), v);
      }
      continue;
    }
    const std::vector<double> raw = col.ToFloat64();
    for (std::size_t i = 0; i < n; ++i) v[i] = std::isnan(raw[i]) ? 0 : (raw[i] - e.mean) / e.sd;
    m.AddColumn(col.name(), v);
    if (e.missing_indicator) {
      for (std::size_t i = 0; i < n; ++i) v[i] = std::isnan(raw[i]) ? 1 : 0;
      m.AddColumn(col.name() + " missing", v);
    }
  }
  return m;
}

}  // namespace

std::vector<std::vector<double>> LogisticTrainPredict(const Frame& train, std::span<const double> y,
                                                      std::span<const double> weights, const std::vector<const Frame*>& score,
                                                      double l2) {
  const std::vector<Encoding> encodings = FitEncodings(train);
  const linear::LogisticFit fit =
      linear::FitLogistic(Encode(train, encodings), y, weights, linear::LogisticOptions{.l2 = l2, .tolerance = 1e-9});
  std::vector<std::vector<double>> out;
  for (const Frame* f : score) out.push_back(fit.Probability(Encode(*f, encodings)));
  return out;
}

}  // namespace finai::fairness::detail
