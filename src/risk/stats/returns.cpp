#include "finai/risk/returns.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "finai/core/error.hpp"

namespace finai::risk {

ReturnKind ParseReturnKind(std::string_view name) {
  if (name == "simple") return ReturnKind::kSimple;
  if (name == "log") return ReturnKind::kLog;
  throw InvalidArgument("unknown return kind",
                        {.field = "returns", .value = std::string(name), .expected = "'simple' or 'log'"});
}

std::string_view ReturnKindName(ReturnKind kind) { return kind == ReturnKind::kSimple ? "simple" : "log"; }

std::vector<double> ReturnsFromPrices(std::span<const double> prices, ReturnKind kind, ReturnScale scale) {
  if (prices.size() < 2) {
    throw InvalidArgument(fmt::format("{} price(s) given; a return needs two", prices.size()),
                          {.field = "prices", .expected = "at least 2 prices"});
  }
  for (std::size_t i = 0; i < prices.size(); ++i) {
    if (!(std::isfinite(prices[i]) && prices[i] > 0)) {
      throw InvalidData(fmt::format("price at row {} (0-based) is not a positive finite number", i),
                        {.field = "price", .value = fmt::format("{}", prices[i]), .expected = "a finite price > 0"});
    }
  }
  const double factor = scale == ReturnScale::kPercent ? 100.0 : 1.0;
  std::vector<double> out(prices.size() - 1);
  for (std::size_t t = 0; t + 1 < prices.size(); ++t) {
    // The price change is exact for nearby prices, so (p1 - p0) / p0 and log1p of it lose nothing to
    // cancellation, unlike p1 / p0 - 1 or log(p1) - log(p0).
    const double change = (prices[t + 1] - prices[t]) / prices[t];
    out[t] = factor * (kind == ReturnKind::kLog ? std::log1p(change) : change);
  }
  return out;
}

}  // namespace finai::risk
