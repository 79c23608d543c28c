// VariableBinning as JSON (inside scorecard files and manual binning specs).
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "finai/scorecard/binning.hpp"
#include "json_read.hpp"

namespace finai::scorecard {

using namespace json_read;

namespace {
std::string_view KindName(BinKind k) {
  return k == BinKind::kValue ? "value" : k == BinKind::kSpecial ? "special" : "missing";
}
}  // namespace

nlohmann::json VariableBinning::ToJson() const {
  Json j = Json::object();
  j["feature"] = feature;
  j["kind"] = categorical ? "categorical" : "numeric";
  if (categorical) {
    j["groups"] = groups;
  } else {
    j["cuts"] = cuts;
    if (datetime) j["datetime"] = true;
    j["special_values"] = special_values;
  }
  j["trend"] = TrendName(trend);
  j["optimal"] = optimal;
  j["num_prebins"] = num_prebins;
  j["iv"] = iv;
  j["js"] = js;
  Json arr = Json::array();
  for (const Bin& b : bins) {
    arr.push_back({{"kind", KindName(b.kind)},
                   {"label", b.label},
                   {"count", b.count},
                   {"events", b.events},
                   {"non_events", b.non_events},
                   {"event_rate", b.event_rate},
                   {"share", b.share},
                   {"woe", b.woe},
                   {"iv", b.iv}});
  }
  j["bins"] = std::move(arr);
  return j;
}

VariableBinning VariableBinning::FromJson(const nlohmann::json& j, std::string_view path) {
  VariableBinning vb;
  vb.feature = String(j, path, "feature");
  const std::string kind = String(j, path, "kind");
  if (kind != "numeric" && kind != "categorical") Bad(Join(path, "kind"), "unknown bin kind", "numeric or categorical");
  vb.categorical = kind == "categorical";
  if (vb.categorical) {
    const Json& groups = Array(j, path, "groups");
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string gp = Index(Join(path, "groups"), g);
      if (!groups[g].is_array() || groups[g].empty()) Bad(gp, "not a non-empty array of categories", "category names");
      std::vector<std::string> group;
      for (const auto& c : groups[g]) {
        if (!c.is_string()) Bad(gp, "a category is not a string", "category names");
        group.push_back(c.get<std::string>());
      }
      vb.groups.push_back(std::move(group));
    }
  } else {
    const Json& cuts = Array(j, path, "cuts");
    for (std::size_t i = 0; i < cuts.size(); ++i) {
      if (!cuts[i].is_number() || !std::isfinite(cuts[i].get<double>()) ||
          (i > 0 && !(cuts[i].get<double>() > vb.cuts.back()))) {
        Bad(Index(Join(path, "cuts"), i), "cut points must be increasing numbers", "increasing numbers");
      }
      vb.cuts.push_back(cuts[i].get<double>());
    }
    if (j.contains("datetime")) vb.datetime = Bool(j, path, "datetime");
    const Json& specials = Array(j, path, "special_values");
    for (std::size_t i = 0; i < specials.size(); ++i) {
      if (!specials[i].is_number() || !std::isfinite(specials[i].get<double>()))
        Bad(Index(Join(path, "special_values"), i), "not a number", "a number");
      vb.special_values.push_back(specials[i].get<double>());
    }
  }
  vb.trend = ParseTrend(String(j, path, "trend"));
  vb.optimal = Bool(j, path, "optimal");
  vb.num_prebins = Integer(j, path, "num_prebins", 0, 1 << 30);
  vb.iv = Number(j, path, "iv");
  vb.js = Number(j, path, "js");
  const Json& bins = Array(j, path, "bins");
  const std::size_t expected = static_cast<std::size_t>(vb.num_value_bins()) + vb.special_values.size() + 1;
  if (bins.size() != expected) {
    Bad(Join(path, "bins"),
        fmt::format("{} bins for {} value bins, {} special values and the missing bin", bins.size(),
                    vb.num_value_bins(), vb.special_values.size()),
        fmt::format("{} bins", expected));
  }
  for (std::size_t b = 0; b < bins.size(); ++b) {
    const std::string bp = Index(Join(path, "bins"), b);
    Bin bin;
    const std::string k = String(bins[b], bp, "kind");
    const std::size_t v = static_cast<std::size_t>(vb.num_value_bins());
    bin.kind = b < v ? BinKind::kValue : b + 1 < bins.size() ? BinKind::kSpecial : BinKind::kMissing;
    if (k != KindName(bin.kind)) Bad(Join(bp, "kind"), "bin kind out of order", std::string(KindName(bin.kind)));
    bin.label = String(bins[b], bp, "label");
    bin.count = Number(bins[b], bp, "count");
    bin.events = Number(bins[b], bp, "events");
    bin.non_events = Number(bins[b], bp, "non_events");
    bin.event_rate = Number(bins[b], bp, "event_rate");
    bin.share = Number(bins[b], bp, "share");
    bin.woe = Number(bins[b], bp, "woe");
    bin.iv = Number(bins[b], bp, "iv");
    if (bin.kind == BinKind::kValue && !vb.categorical) {
      bin.lower = b == 0 ? -INFINITY : vb.cuts[b - 1];
      bin.upper = b + 1 == v ? INFINITY : vb.cuts[b];
    }
    if (bin.kind == BinKind::kValue && vb.categorical) bin.categories = vb.groups[b];
    if (bin.kind == BinKind::kSpecial) bin.special_value = vb.special_values[b - v];
    vb.bins.push_back(std::move(bin));
  }
  return vb;
}

}  // namespace finai::scorecard
