// `finai validate`: validation report of any model's scores against outcomes, as banks report it for PD models:
// discrimination (AUROC with DeLong interval, Gini, KS, DeLong's test against a second score), calibration
// (Brier, Hosmer-Lemeshow, binomial and Jeffreys tests per grade and for the portfolio), concentration (HHI)
// and stability (PSI of the score, CSI of each characteristic) against a reference sample.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/data/target.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/validation/calibration_tests.hpp"
#include "finai/validation/discrimination.hpp"
#include "finai/validation/grade_table.hpp"
#include "finai/validation/master_scale.hpp"
#include "finai/validation/migration.hpp"
#include "finai/validation/stability.hpp"

namespace finai::cli {

namespace {
using Json = nlohmann::ordered_json;
namespace val = finai::validation;

struct ValidateArgs {
  std::string data_file;
  DataOptions data;
  std::string target;
  std::string event;
  std::string score;
  std::string pd;
  std::string grade;
  std::string previous_grade;
  std::string master_scale;
  std::string compare;
  std::string reference;
  bool higher_is_safer = false;
  int hl_groups = 10;
  int psi_bins = 10;
  double confidence = 0.95;
  double amber = 0.05;
  double red = 0.01;
  bool json = false;
};

// Values of a numeric column at the rows used; InvalidData naming the column, row and value otherwise.
std::vector<double> NumericAt(const Column& column, const std::vector<std::int64_t>& rows, const std::string& file,
                              const std::string& role, bool probability) {
  if (!column.is_numeric()) {
    std::optional<std::string> sample;
    for (std::int64_t r : rows) {
      if (!column.IsMissing(r)) {
        sample = column.ValueText(r);
        break;
      }
    }
    throw InvalidData(fmt::format("the {} column is not numeric", role),
                      {.file = file, .field = column.name(), .value = sample, .expected = "numbers"});
  }
  std::vector<double> values;
  values.reserve(rows.size());
  for (std::int64_t r : rows) {
    const double v = column.NumericValue(r);
    if (std::isnan(v)) {
      throw InvalidData(fmt::format("row {}: the {} is missing", r + 1, role),
                        {.file = file, .field = column.name(), .expected = "a number in every row with an outcome"});
    }
    if (probability && !(v >= 0.0 && v <= 1.0)) {
      throw InvalidData(fmt::format("row {}: the {} is not a probability", r + 1, role),
                        {.file = file, .field = column.name(), .value = column.ValueText(r),
                         .expected = "a PD in [0, 1]"});
    }
    values.push_back(v);
  }
  return values;
}

bool AllProbabilities(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return v >= 0.0 && v <= 1.0; });
}

Json AucJson(const val::AucEstimate& e) {
  return Json{{"auc", e.auc}, {"std_error", e.std_error}, {"ci_lower", e.ci_lower}, {"ci_upper", e.ci_upper},
              {"gini", 2 * e.auc - 1}, {"gini_ci_lower", 2 * e.ci_lower - 1}, {"gini_ci_upper", 2 * e.ci_upper - 1}};
}

Json GradeRowJson(const val::GradeRow& r) {
  return Json{{"grade", r.grade},        {"count", r.count},           {"defaults", r.defaults},
              {"share", r.share},        {"observed_rate", r.observed_rate}, {"mean_pd", r.mean_pd},
              {"test_pd", r.test_pd},    {"binomial_p", r.binomial_p}, {"jeffreys_p", r.jeffreys_p},
              {"flag", val::TrafficLightName(r.light)}};
}

Json StabilityJson(const val::StabilityIndex& s) {
  Json bins = Json::array();
  for (const auto& b : s.bins) {
    bins.push_back({{"bin", b.label}, {"reference_count", b.reference_count}, {"actual_count", b.actual_count},
                    {"reference_share", b.reference_share}, {"actual_share", b.actual_share},
                    {"contribution", b.contribution}});
  }
  return Json{{"value", s.value}, {"verdict", val::StabilityVerdict(s.value)}, {"bins", std::move(bins)}};
}

// The characteristic stability of one column shared by both samples; nullopt for a column it cannot compare.
std::optional<val::StabilityIndex> ColumnStability(const Column& reference, const Column& actual, int bins) {
  if (reference.is_numeric() && actual.is_numeric()) {
    const std::vector<double> r = reference.ToFloat64();
    const std::vector<double> a = actual.ToFloat64();
    if (std::all_of(r.begin(), r.end(), [](double v) { return std::isnan(v); })) return std::nullopt;
    if (std::all_of(a.begin(), a.end(), [](double v) { return std::isnan(v); })) return std::nullopt;
    return val::PopulationStability(r, a, bins);
  }
  const auto text = [](ColumnType t) { return t == ColumnType::kCategorical || t == ColumnType::kString; };
  if (!text(reference.type()) || !text(actual.type())) return std::nullopt;
  auto labels = [](const Column& c) {
    std::vector<std::string> v;
    for (std::int64_t r = 0; r < c.size(); ++r) v.push_back(c.IsMissing(r) ? "missing" : c.ValueText(r));
    return v;
  };
  if (reference.size() == 0 || actual.size() == 0) return std::nullopt;
  return val::PopulationStability(labels(reference), labels(actual));
}

void RunValidate(const ValidateArgs& a, const GlobalOptions& global) {
  if (!(a.confidence > 0 && a.confidence < 1)) {
    throw InvalidArgument("the confidence level is out of range",
                          {.field = "--confidence", .field_kind = "option", .value = fmt::format("{}", a.confidence),
                           .expected = "a level in (0, 1), e.g. 0.95"});
  }
  const Context ctx = MakeContext(global);
  // The master scale is read first: a bad spec fails before a large data file is parsed.
  std::optional<val::MasterScale> scale;
  if (!a.master_scale.empty()) scale = val::LoadMasterScale(a.master_scale);
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const Frame& frame = table.frame;
  const std::string target_name = a.target.empty() ? table.schema.SingleWithRole(Role::kTarget).value_or("") : a.target;
  if (target_name.empty()) {
    throw InvalidArgument("no target column", {.field = "--target", .field_kind = "option",
                                               .expected = "the outcome column (or a schema with a target role)"});
  }
  const BinaryTarget target = ResolveBinaryTarget(frame.column(target_name), a.event);
  const Column& score_column = frame.column(a.score);
  const Column* compare_column = a.compare.empty() ? nullptr : &frame.column(a.compare);
  const Column* pd_column = a.pd.empty() ? nullptr : &frame.column(a.pd);
  const Column* grade_column = a.grade.empty() ? nullptr : &frame.column(a.grade);
  const Column* previous_column = a.previous_grade.empty() ? nullptr : &frame.column(a.previous_grade);
  if (previous_column && !scale && !grade_column) {
    throw InvalidArgument("a migration matrix needs the current grades",
                          {.field = "--previous-grade", .field_kind = "option",
                           .expected = "--grade or --master-scale beside it"});
  }

  std::vector<std::int64_t> rows;  // rows with a known outcome
  std::vector<double> labels;
  for (std::size_t i = 0; i < target.labels.size(); ++i) {
    if (std::isnan(target.labels[i])) continue;
    rows.push_back(static_cast<std::int64_t>(i));
    labels.push_back(target.labels[i]);
  }
  const std::size_t skipped = target.labels.size() - rows.size();
  const std::vector<double> score = NumericAt(score_column, rows, a.data_file, "score", false);
  // Ranking statistics want higher = riskier; scorecard points (higher = safer) are negated for them.
  std::vector<double> risk = score;
  if (a.higher_is_safer) {
    for (double& v : risk) v = -v;
  }
  std::optional<std::vector<double>> pd;
  std::string pd_source;
  if (pd_column) {
    pd = NumericAt(*pd_column, rows, a.data_file, "PD", true);
    pd_source = a.pd;
  } else if (!a.higher_is_safer && AllProbabilities(score)) {
    pd = score;
    pd_source = a.score;
  }
  if (!pd && (scale || grade_column)) {
    throw InvalidArgument("the per-grade tests need a PD",
                          {.field = "--pd", .field_kind = "option",
                           .expected = fmt::format("a PD column, since the score '{}' is not a probability", a.score)});
  }

  const val::AucEstimate auc = val::AucDeLong(labels, risk, a.confidence);
  const metrics::KsResult ks = metrics::KsStatistic(labels, risk);
  Json out{{"data", a.data_file}, {"rows", rows.size()}, {"rows_without_outcome", skipped},
           {"target", target_name}, {"event", target.event}, {"events", auc.events}, {"score", a.score},
           {"higher_is_safer", a.higher_is_safer}, {"confidence", a.confidence}};
  Json discrimination = AucJson(auc);
  discrimination["ks"] = ks.statistic;
  discrimination["ks_threshold"] = a.higher_is_safer ? -ks.threshold : ks.threshold;
  out["discrimination"] = discrimination;

  std::optional<val::DeLongComparison> comparison;
  if (compare_column) {
    std::vector<double> other = NumericAt(*compare_column, rows, a.data_file, "comparison score", false);
    if (a.higher_is_safer) {
      for (double& v : other) v = -v;
    }
    comparison = val::DeLongTest(labels, risk, other, a.confidence);
    out["comparison"] = Json{{"score", a.compare}, {"other", AucJson(comparison->second)},
                             {"difference", comparison->difference}, {"std_error", comparison->std_error},
                             {"z", comparison->z}, {"p_value", comparison->p_value}};
  }

  std::optional<val::HosmerLemeshowResult> hl;
  std::string hl_note;
  std::optional<val::GradeTable> grades;
  std::optional<val::MigrationMatrix> migration;
  if (pd) {
    Json calibration{{"pd", pd_source}, {"brier", metrics::Brier(labels, *pd)}};
    try {
      hl = val::HosmerLemeshow(labels, *pd, a.hl_groups);
      calibration["hosmer_lemeshow"] = Json{{"statistic", hl->statistic}, {"df", hl->degrees_of_freedom},
                                            {"p_value", hl->p_value}, {"groups", hl->groups.size()}};
    } catch (const InvalidArgument& e) {
      hl_note = e.detail();  // too few distinct PDs (a grade-level PD): reported, not fatal
      calibration["hosmer_lemeshow"] = Json{{"not_computed", hl_note}};
    }
    std::vector<std::string> grade_of(rows.size());
    val::GradeTableOptions options{.amber_level = a.amber, .red_level = a.red};
    if (scale) {
      for (std::size_t i = 0; i < rows.size(); ++i) grade_of[i] = scale->Grade((*pd)[i]);
      options.order = scale->Names();
      for (const auto& g : scale->grades) options.grade_pds.push_back(g.pd);
    } else if (grade_column) {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (grade_column->IsMissing(rows[i])) {
          throw InvalidData(fmt::format("row {}: the grade is missing", rows[i] + 1),
                            {.file = a.data_file, .field = grade_column->name(),
                             .expected = "a grade in every row with an outcome"});
        }
        grade_of[i] = grade_column->ValueText(rows[i]);
      }
    } else {
      std::fill(grade_of.begin(), grade_of.end(), "all");
    }
    grades = val::BuildGradeTable(grade_of, labels, *pd, options);
    calibration["portfolio"] = GradeRowJson(grades->portfolio);
    if (scale || grade_column) {
      Json rows_json = Json::array();
      for (const auto& r : grades->grades) rows_json.push_back(GradeRowJson(r));
      calibration["grades"] = std::move(rows_json);
      calibration["concentration"] = Json{{"hhi", grades->concentration.hhi},
                                          {"hhi_normalised", grades->concentration.normalised},
                                          {"ecb_hi", grades->concentration.ecb}};
    }
    out["calibration"] = std::move(calibration);
    if (previous_column) {
      // Grades best first as in the table; a previous grade the table lacks goes last, in text order.
      std::vector<std::string> order;
      for (const auto& r : grades->grades) order.push_back(r.grade);
      std::vector<std::string> previous(rows.size());
      std::vector<std::string> extra;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (previous_column->IsMissing(rows[i])) continue;  // unrated before: skipped by the matrix
        previous[i] = previous_column->ValueText(rows[i]);
        if (std::find(order.begin(), order.end(), previous[i]) == order.end() &&
            std::find(extra.begin(), extra.end(), previous[i]) == extra.end()) {
          extra.push_back(previous[i]);
        }
      }
      std::sort(extra.begin(), extra.end());
      order.insert(order.end(), extra.begin(), extra.end());
      migration = val::RatingMigration(previous, grade_of, order);
      out["migration"] = Json{{"from", a.previous_grade}, {"grades", migration->grades},
                              {"counts", migration->counts}, {"rates", migration->rates},
                              {"total", migration->total}, {"stable_share", migration->stable_share},
                              {"upgrade_share", migration->upgrade_share},
                              {"downgrade_share", migration->downgrade_share},
                              {"beyond_one_notch_share", migration->beyond_one_notch_share}};
    }
  }

  std::optional<val::StabilityIndex> psi;
  std::vector<std::pair<std::string, val::StabilityIndex>> csi;
  std::size_t reference_rows = 0;
  if (!a.reference.empty()) {
    const CsvTable ref = LoadData(a.reference, a.data, ctx);
    reference_rows = static_cast<std::size_t>(ref.frame.num_rows());
    const auto ref_names = ref.frame.ColumnNames();
    if (std::find(ref_names.begin(), ref_names.end(), a.score) == ref_names.end()) {
      throw NotFound("the reference sample has no score column",
                     {.file = a.reference, .field = a.score, .expected = "the same score column as --data"});
    }
    const Column& ref_score = ref.frame.column(a.score);
    if (!ref_score.is_numeric()) {
      throw InvalidData("the score column of the reference sample is not numeric",
                        {.file = a.reference, .field = a.score, .expected = "numbers"});
    }
    psi = val::PopulationStability(ref_score.ToFloat64(), score_column.ToFloat64(), a.psi_bins);
    Json stability{{"reference", a.reference}, {"reference_rows", reference_rows}, {"psi", StabilityJson(*psi)}};
    Json characteristics = Json::object();
    for (const std::string& name : frame.ColumnNames()) {
      if (name == a.score || name == target_name || name == a.compare || name == a.pd) continue;
      if (std::find(ref_names.begin(), ref_names.end(), name) == ref_names.end()) continue;
      auto s = ColumnStability(ref.frame.column(name), frame.column(name), a.psi_bins);
      if (!s) continue;
      characteristics[name] = StabilityJson(*s);
      csi.emplace_back(name, std::move(*s));
    }
    stability["csi"] = std::move(characteristics);
    out["stability"] = std::move(stability);
  }

  if (a.json) {
    std::printf("%s\n", out.dump(2).c_str());
    PrintLoadReport(table.report);
    return;
  }
  const int level = static_cast<int>(std::lround(100 * a.confidence));
  std::printf("validation of score '%s' on %s: %zu rows, %lld events '%s' (%.2f%%)\n", a.score.c_str(),
              a.data_file.c_str(), rows.size(), static_cast<long long>(auc.events), target.event.c_str(),
              100.0 * static_cast<double>(auc.events) / static_cast<double>(rows.size()));
  if (skipped > 0) std::printf("  %zu row%s without an outcome left out\n", skipped, skipped == 1 ? "" : "s");
  if (a.higher_is_safer) std::printf("  higher scores are safer: ranked in reverse\n");
  std::printf("\ndiscrimination\n");
  std::printf("  AUROC  %.6f   %d%% CI [%.6f, %.6f] (DeLong, s.e. %.6f)\n", auc.auc, level, auc.ci_lower,
              auc.ci_upper, auc.std_error);
  std::printf("  Gini   %.6f   %d%% CI [%.6f, %.6f]\n", 2 * auc.auc - 1, level, 2 * auc.ci_lower - 1,
              2 * auc.ci_upper - 1);
  std::printf("  KS     %.6f   at score %s %.6g\n", ks.statistic, a.higher_is_safer ? "<=" : ">=",
              a.higher_is_safer ? -ks.threshold : ks.threshold);
  if (comparison) {
    std::printf("\nDeLong's test against score '%s'\n", a.compare.c_str());
    std::printf("  AUROC  %.6f   %d%% CI [%.6f, %.6f]\n", comparison->second.auc, level, comparison->second.ci_lower,
                comparison->second.ci_upper);
    std::printf("  difference %.6f (s.e. %.6f), z %.4f, p-value %.4g (two-sided)\n", comparison->difference,
                comparison->std_error, comparison->z, comparison->p_value);
  }
  if (!pd) {
    std::printf("\ncalibration: not tested (the score is not a probability; give --pd)\n");
  } else {
    const auto& p = grades->portfolio;
    std::printf("\ncalibration (PD '%s')\n", pd_source.c_str());
    std::printf("  mean PD %.6f   observed default rate %.6f   Brier %.6f\n", p.mean_pd, p.observed_rate,
                out["calibration"]["brier"].get<double>());
    if (hl) {
      std::printf("  Hosmer-Lemeshow %.3f on %d df, p-value %.4g (%zu groups at PD quantiles)\n", hl->statistic,
                  hl->degrees_of_freedom, hl->p_value, hl->groups.size());
    } else {
      std::printf("  Hosmer-Lemeshow not computed: %s\n", hl_note.c_str());
    }
    std::printf("  portfolio: binomial p-value %.4g, Jeffreys p-value %.4g [%s]\n", p.binomial_p, p.jeffreys_p,
                val::TrafficLightName(p.light));
    if (scale || grade_column) {
      std::printf("\nper grade (one-sided tests of PD underestimation; flag from Jeffreys: red p < %g, amber p < %g)\n",
                  a.red, a.amber);
      std::printf("  %-10s %8s %7s %8s %9s %9s %9s %11s %11s  %s\n", "grade", "rows", "share", "defaults", "DR",
                  "mean PD", "test PD", "binomial p", "Jeffreys p", "flag");
      for (const auto& r : grades->grades) {
        if (r.count == 0) {
          std::printf("  %-10s %8d %6.2f%% %8s\n", r.grade.c_str(), 0, 0.0, "-");
          continue;
        }
        std::printf("  %-10s %8lld %6.2f%% %8lld %9.5f %9.5f %9.5f %11.4g %11.4g  %s\n", r.grade.c_str(),
                    static_cast<long long>(r.count), 100 * r.share, static_cast<long long>(r.defaults), r.observed_rate,
                    r.mean_pd, r.test_pd, r.binomial_p, r.jeffreys_p, val::TrafficLightName(r.light));
      }
      const auto& c = grades->concentration;
      std::printf("  concentration: HHI %.4f, normalised %.4f, ECB HI %.4f over %d grades\n", c.hhi, c.normalised,
                  c.ecb, c.grades);
    }
    if (migration) {
      std::printf("\nmigration from '%s' (rows: previous grade, columns: current; row shares, %lld obligors)\n",
                  a.previous_grade.c_str(), static_cast<long long>(migration->total));
      std::printf("  %-10s", "");
      for (const auto& g : migration->grades) std::printf(" %8s", g.c_str());
      std::printf(" %8s\n", "rows");
      for (std::size_t i = 0; i < migration->grades.size(); ++i) {
        std::int64_t row_total = 0;
        std::printf("  %-10s", migration->grades[i].c_str());
        for (std::size_t j = 0; j < migration->grades.size(); ++j) {
          std::printf(" %8.4f", migration->rates[i][j]);
          row_total += migration->counts[i][j];
        }
        std::printf(" %8lld\n", static_cast<long long>(row_total));
      }
      std::printf("  stable %.4f, upgraded %.4f, downgraded %.4f, more than one grade %.4f\n",
                  migration->stable_share, migration->upgrade_share, migration->downgrade_share,
                  migration->beyond_one_notch_share);
    }
  }
  if (psi) {
    std::printf("\nstability against %s (%zu rows)\n", a.reference.c_str(), reference_rows);
    std::printf("  PSI of score '%s' %.6f (%s)\n", a.score.c_str(), psi->value, val::StabilityVerdict(psi->value));
    for (const auto& [name, s] : csi) {
      std::printf("  CSI %-24s %.6f (%s)\n", name.c_str(), s.value, val::StabilityVerdict(s.value));
    }
  }
  PrintLoadReport(table.report);
}
}  // namespace

void RegisterValidate(CLI::App& app, GlobalOptions& global) {
  auto a = std::make_shared<ValidateArgs>();
  auto* cmd = app.add_subcommand("validate", "Validate a model's scores against outcomes: AUROC with DeLong CI, "
                                             "Gini, KS, Brier, Hosmer-Lemeshow, per-grade binomial and Jeffreys "
                                             "tests, concentration, PSI/CSI against a reference sample");
  cmd->add_option("--data", a->data_file, "Data with outcomes and scores (CSV)")->required();
  cmd->add_option("--target", a->target, "Outcome column (default: the schema's target)");
  cmd->add_option("--event", a->event, "The outcome value that is the event (default: bad/default/1/yes, else the "
                                       "rarer value)");
  cmd->add_option("--score", a->score, "Score column; higher = riskier unless --higher-is-safer")->required();
  cmd->add_option("--pd", a->pd, "PD column for the calibration tests (default: the score when it is in [0, 1])");
  auto* grade = cmd->add_option("--grade", a->grade, "Rating grade column for the per-grade table");
  cmd->add_option("--master-scale", a->master_scale, "Master scale JSON: grades from the PD (docs/validation.md)")
      ->excludes(grade);
  cmd->add_option("--previous-grade", a->previous_grade, "Earlier rating column: migration matrix to the current "
                                                       "grades (--grade or --master-scale)");
  cmd->add_option("--compare", a->compare, "Second score column: DeLong's test of the two AUROCs");
  cmd->add_option("--reference", a->reference, "Reference sample (CSV, same columns): PSI of the score, CSI of "
                                               "the other columns");
  cmd->add_flag("--higher-is-safer", a->higher_is_safer, "Higher scores mean lower risk (scorecard points)");
  cmd->add_option("--hl-groups", a->hl_groups, "Hosmer-Lemeshow groups")->check(CLI::Range(3, 1000));
  cmd->add_option("--psi-bins", a->psi_bins, "Bins for PSI and numeric CSI")->check(CLI::Range(2, 1000));
  cmd->add_option("--confidence", a->confidence, "Confidence level of the AUROC intervals");
  cmd->add_option("--amber", a->amber, "Jeffreys p-value below which a grade is amber")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--red", a->red, "Jeffreys p-value below which a grade is red")->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--json", a->json, "Print JSON");
  AddDataOptions(*cmd, a->data);
  cmd->callback([a, &global] { RunValidate(*a, global); });
}

}  // namespace finai::cli
