#!/usr/bin/env bash
# The main job on the bundled real data: installs what finai needs (Debian packages), builds it, then
#   1. profiles the credit data set against its default flag,
#   2. trains a gradient-boosted credit model (Age is a sensitive attribute: never a feature) and reports
#      its validation metrics and its most important factors,
#   3. explains the refused among the first 30 applicants: the principal reasons (adverse-action notices) and
#      the least-cost change of the loan asked for that would get each of them approved (recourse), then the
#      share of all refused applicants who have no such change,
#   4. audits that model's decisions by age band (fairness: rates, disparities, proxies of age),
#   5. fits a credit scorecard (optimal monotonic binning, WoE logistic regression, points) on the same data,
#      compares its 5-fold cross-validated Gini with the trees' and validates its PDs by master-scale grade,
#   6. measures the market risk of the Dow Jones index and backtests it.
# It grows with each capability of the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
finai=build/release/bin/finai
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$finai" version
echo
echo "== 1. Profile of data/credit_data.csv (target Status, bad = default) =="
"$finai" profile data/credit_data.csv --schema data/credit_data.schema.json
echo
echo "== 2. Credit model: gradient-boosted trees, 25% held out for validation =="
"$finai" train data/credit_data.csv --schema data/credit_data.schema.json --valid-fraction 0.25 \
  --rounds 300 --learning-rate 0.05 --max-depth 4 --early-stopping 30 -o "$out/credit_model.json"
"$finai" importance --model "$out/credit_model.json"
echo
echo "== 3. Reasons and recourse for the refused among the first 30 applicants (refused: P(default) >= 0.5) =="
head -31 data/credit_data.csv > "$out/applicants.csv"
"$finai" explain --model "$out/credit_model.json" --data "$out/applicants.csv" --schema data/credit_data.schema.json \
  --reasons 4 --cutoff 0.5
echo "-- the least-cost change of amount and term (data/credit_data.actions.json) that gets each approved"
"$finai" explain --model "$out/credit_model.json" --data "$out/applicants.csv" --schema data/credit_data.schema.json \
  --recourse --cutoff 0.5 --actions data/credit_data.actions.json
echo "-- all 4,454 applicants: how many of the refused have no such change"
"$finai" explain --model "$out/credit_model.json" --data data/credit_data.csv --schema data/credit_data.schema.json \
  --recourse --cutoff 0.5 --actions data/credit_data.actions.json -o "$out/recourse.csv"
echo
echo "== 4. Fairness audit of the credit model by age band (Age is never a feature; proxies are listed) =="
"$finai" fairness audit --data data/credit_data.csv --schema data/credit_data.schema.json \
  --model "$out/credit_model.json" --sensitive Age --bands Age=25,35,50,65
echo
echo "== 5. Credit scorecard: optimal binning, WoE logistic regression, 600 points at odds 19:1, PDO 50 =="
"$finai" scorecard fit --data data/credit_data.csv --schema data/credit_data.schema.json --max-bins 6 \
  -o "$out/scorecard.json"
"$finai" scorecard report --model "$out/scorecard.json" > "$out/scorecard_report.txt"
head -40 "$out/scorecard_report.txt"  # the first variables' bins and points; the full table has the coefficients
echo "-- the card's 5-fold cross-validated Gini beside gradient-boosted trees' on the same folds"
"$finai" scorecard cv --data data/credit_data.csv --schema data/credit_data.schema.json --max-bins 6 --folds 5
echo "-- the same comparison on data/lending_club.csv (9,857 loans, Class bad = charged off)"
"$finai" scorecard cv --data data/lending_club.csv --target Class --event bad --folds 5
echo "-- validation of the card's PDs by grade of a master scale (data/credit_master_scale.json); in-sample: the"
echo "   card was fitted on these rows, so its Gini is above the cross-validated one"
"$finai" scorecard apply --model "$out/scorecard.json" --data data/credit_data.csv \
  --schema data/credit_data.schema.json --keep Status --reasons 4 -o "$out/scorecard_scores.csv"
head -3 "$out/scorecard_scores.csv"  # points, PD and the reasons in the schema's words
"$finai" validate --data "$out/scorecard_scores.csv" --target Status --score score --higher-is-safer --pd pd \
  --master-scale data/credit_master_scale.json
echo
echo "== 6. Market risk of the DJIA: 99% VaR / 97.5% ES, rolling 1000-day backtest, GARCH(1,1) =="
"$finai" risk var data/djia_1980_2012.csv --column close --prices --method hs --window 1000
"$finai" risk backtest data/djia_1980_2012.csv --column close --prices --method hs --window 1000
"$finai" risk garch data/djia_1980_2012.csv --column close --returns-from-prices log
