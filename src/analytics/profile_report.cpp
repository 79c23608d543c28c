#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "finai/analytics/profile.hpp"

namespace finai {

namespace {
using Json = nlohmann::ordered_json;

Json Optional(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

// Short numbers for a table: few digits, no exponent for ordinary magnitudes.
std::string Num(double v) {
  if (std::isnan(v)) return "-";
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e7 || a < 1e-3)) return fmt::format("{:.3g}", v);
  if (a >= 1000 || v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

std::string Pct(double share) { return fmt::format("{:.1f}%", 100 * share); }
}  // namespace

std::string ProfileToJson(const DataProfile& p) {
  Json out;
  out["source"] = p.source;
  out["rows"] = p.rows;
  out["columns"] = p.columns;
  if (!p.target.empty()) {
    out["target"] = {{"column", p.target}, {"event", p.event}, {"events", p.events}, {"event_rate", p.event_rate}};
  }
  out["duplicate_rows"] = p.duplicate_rows;
  Json cols = Json::array();
  for (const auto& c : p.column_profiles) {
    Json j{{"name", c.name}, {"type", c.type}, {"missing", c.missing}, {"missing_share", c.missing_share},
           {"distinct", c.distinct}};
    if (c.numeric) {
      const auto& s = *c.numeric;
      j["summary"] = {{"min", s.min}, {"max", s.max}, {"mean", s.mean}, {"std", s.std_dev}, {"p01", s.p01},
                      {"p05", s.p05}, {"p25", s.p25}, {"p50", s.p50}, {"p75", s.p75}, {"p95", s.p95}, {"p99", s.p99}};
    }
    if (!c.top.empty()) {
      Json top = Json::array();
      for (const auto& t : c.top) top.push_back({{"value", t.value}, {"count", t.count}, {"share", t.share}});
      j["top"] = std::move(top);
    }
    if (c.information_value) {
      j["information_value"] = Optional(c.information_value);
      j["auc"] = Optional(c.auc);
      Json bins = Json::array();
      for (const auto& b : c.target_bins) {
        bins.push_back({{"bin", b.label}, {"count", b.count}, {"events", b.events}, {"event_rate", b.event_rate},
                        {"woe", b.woe}, {"iv", b.iv}});
      }
      j["target_bins"] = std::move(bins);
    }
    cols.push_back(std::move(j));
  }
  out["column_profiles"] = std::move(cols);
  Json corr = Json::array();
  for (const auto& c : p.correlations) corr.push_back({{"a", c.a}, {"b", c.b}, {"pearson", c.pearson}, {"rows", c.rows}});
  out["correlations"] = std::move(corr);
  Json warnings = Json::array();
  for (const auto& w : p.warnings) warnings.push_back({{"kind", w.kind}, {"column", w.column}, {"message", w.message}});
  out["warnings"] = std::move(warnings);
  return out.dump(2);
}

std::string FormatProfile(const DataProfile& p, bool show_bins) {
  std::string out = fmt::format("{}: {} rows x {} columns", p.source, p.rows, p.columns);
  if (!p.target.empty()) {
    out += fmt::format("; target '{}', event '{}' in {} rows ({})", p.target, p.event, p.events, Pct(p.event_rate));
  }
  out += "\n\n";
  out += fmt::format("{:<22} {:<11} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6}\n", "column", "type",
                     "missing", "distinct", "min", "p25", "median", "p75", "max", "IV", "AUC");
  for (const auto& c : p.column_profiles) {
    std::string name = c.name.size() > 22 ? c.name.substr(0, 21) + "~" : c.name;
    out += fmt::format("{:<22} {:<11} {:>7} {:>8}", name, c.type, Pct(c.missing_share), c.distinct);
    if (c.numeric) {
      out += fmt::format(" {:>9} {:>9} {:>9} {:>9} {:>9}", Num(c.numeric->min), Num(c.numeric->p25),
                         Num(c.numeric->p50), Num(c.numeric->p75), Num(c.numeric->max));
    } else {
      std::string top;
      for (const auto& t : c.top) {
        if (!top.empty()) top += ", ";
        top += fmt::format("{} {}", t.value, Pct(t.share));
      }
      if (top.size() > 49) top = top.substr(0, 48) + "~";
      out += fmt::format(" {:<49}", top);
    }
    if (c.information_value) out += fmt::format(" {:>6.3f} {:>6.3f}", *c.information_value, *c.auc);
    out += "\n";
  }
  if (show_bins) {
    for (const auto& c : p.column_profiles) {
      if (c.target_bins.empty()) continue;
      out += fmt::format("\n{} (IV {:.3f})\n  {:<28} {:>8} {:>8} {:>10} {:>8}\n", c.name, *c.information_value, "bin",
                         "rows", "events", "event rate", "WoE");
      for (const auto& b : c.target_bins) {
        out += fmt::format("  {:<28} {:>8} {:>8} {:>10} {:>8.3f}\n", b.label, b.count, b.events, Pct(b.event_rate),
                           b.woe);
      }
    }
  }
  if (!p.correlations.empty()) {
    out += "\nstrongest correlations (Pearson, numeric columns)\n";
    for (std::size_t i = 0; i < p.correlations.size() && i < 5; ++i) {
      const auto& c = p.correlations[i];
      out += fmt::format("  {:<22} {:<22} {:>7.3f}\n", c.a, c.b, c.pearson);
    }
  }
  out += fmt::format("\ndata quality: {} duplicate rows; {} warning{}\n", p.duplicate_rows, p.warnings.size(),
                     p.warnings.size() == 1 ? "" : "s");
  for (const auto& w : p.warnings) {
    out += fmt::format("  [{}] {}{}\n", w.kind, w.column.empty() ? "" : w.column + ": ", w.message);
  }
  return out;
}

}  // namespace finai
