// Returns from a price series: simple (p_t / p_{t-1} - 1) or logarithmic (log(p_t / p_{t-1})), as a
// fraction or in percent. Shared by the volatility models and market risk (historical / filtered historical
// simulation), so that every part of the engine turns prices into returns the same way.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace finai::risk {

enum class ReturnKind { kSimple, kLog };
enum class ReturnScale { kFraction, kPercent };  // kPercent multiplies by 100

// "simple" or "log"; InvalidArgument naming the accepted values otherwise.
ReturnKind ParseReturnKind(std::string_view name);
std::string_view ReturnKindName(ReturnKind kind);

// prices.size() - 1 returns; return t is computed from prices t and t + 1 (rows in time order).
// InvalidArgument when fewer than 2 prices are given; InvalidData naming the 0-based row and the value when a
// price is not finite or not > 0 (a zero or negative price has no return, and a NaN must not be carried into
// a volatility estimate silently).
std::vector<double> ReturnsFromPrices(std::span<const double> prices, ReturnKind kind,
                                      ReturnScale scale = ReturnScale::kFraction);

}  // namespace finai::risk
