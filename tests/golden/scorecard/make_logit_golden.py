#!/usr/bin/python3
"""Golden values for the logistic regression test (tests/unit/models_linear/logistic_test.cpp).

Reference: statsmodels' Logit (Debian python3-statsmodels), maximum likelihood by Newton's method, on
data/credit_data.csv: event Status == "bad"; columns Seniority, Time, Expenses, Amount, Price, Income
(Income / 100); rows with a missing value in any of them dropped. Run from the repository root:
    /usr/bin/python3 tests/golden/scorecard/make_logit_golden.py
and paste the printed arrays into the test.
"""
import pandas as pd
import statsmodels.api as sm

COLUMNS = ["Seniority", "Time", "Expenses", "Amount", "Price", "Income"]
df = pd.read_csv("data/credit_data.csv")
df = df.dropna(subset=COLUMNS + ["Status"])
y = (df["Status"] == "bad").astype(float)
x = df[COLUMNS].astype(float).copy()
x["Income"] = x["Income"] / 100.0
res = sm.Logit(y, sm.add_constant(x)).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
ci = res.conf_int(0.05)


def arr(name, values):
    print(f"const std::vector<double> k{name} = {{" + ", ".join(f"{v:.12g}" for v in values) + "};")


print(f"// rows {int(res.nobs)}")
arr("Coef", res.params)
arr("StdErr", res.bse)
arr("Z", res.tvalues)
arr("P", res.pvalues)
arr("CiLower", ci[0])
arr("CiUpper", ci[1])
print(f"const double kLogLik = {res.llf:.12g};")
print(f"const double kNullLogLik = {res.llnull:.12g};")
print(f"const double kAic = {res.aic:.12g};")
print(f"const double kBic = {res.bic:.12g};")
