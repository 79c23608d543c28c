#!/usr/bin/python3
"""Golden values for the mitigation tables' logistic learner (tests/unit/fairness/logistic_learner_test.cpp).

The learner standardises numeric columns (training mean, sample standard deviation), gives every category but
the most frequent a 0/1 dummy, and fits a weighted logistic regression with penalty 0.5 * l2 * sum(slope^2).
sklearn's LogisticRegression minimises 0.5 * |w|^2 + C * sum_i s_i * logloss_i (intercept unpenalised), the same
optimum for C = 1 / l2; its lbfgs solver stops about 1e-6 short of the optimum, so the test's values are those of
the Newton iteration written out below with numpy (the sklearn lines agree to 1e-5). Data: audit_case.csv, features x1, age, x2; label; sample weights 1 + 0.5 * (row % 3);
trained on rows 0..159, scored on rows 160..239.
Run: /usr/bin/python3 tests/golden/fairness/make_logistic_learner_golden.py
"""
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
df = pd.read_csv(os.path.join(HERE, "audit_case.csv"))
train, test = df.iloc[:160], df.iloc[160:]
w = 1 + 0.5 * (np.arange(160) % 3)


def design(part):
    cols = []
    for c in ["x1", "age"]:
        m, s = train[c].mean(), train[c].std(ddof=1)
        cols.append((part[c] - m) / s)
    ref = train["x2"].value_counts().idxmax()
    for cat in sorted(set(train["x2"])):
        if cat != ref:
            cols.append((part["x2"] == cat).astype(float))
    return np.column_stack(cols)


for l2 in [1.0, 25.0]:
    model = LogisticRegression(C=1 / l2, tol=1e-12, max_iter=10000).fit(design(train), train["label"], sample_weight=w)
    p = model.predict_proba(design(test))[:, 1]
    print(f"l2 {l2:g}: test rows 0, 1, 2, 79: {p[0]:.10f}, {p[1]:.10f}, {p[2]:.10f}, {p[79]:.10f};"
          f" training row 0: {model.predict_proba(design(train.iloc[:1]))[0, 1]:.10f}")

# Cross-check without sklearn's solver tolerance: Newton's method on the same penalised, weighted objective.
for l2 in [1.0, 25.0]:
    X = np.column_stack([np.ones(160), design(train)])
    yv = train["label"].to_numpy(float)
    beta = np.zeros(X.shape[1])
    pen = np.full(X.shape[1], l2)
    pen[0] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-X @ beta))
        grad = X.T @ (w * (yv - p)) - pen * beta
        hess = X.T @ (X * (w * p * (1 - p))[:, None]) + np.diag(pen)
        beta = beta + np.linalg.solve(hess, grad)
    Xt = np.column_stack([np.ones(80), design(test)])
    p = 1 / (1 + np.exp(-Xt @ beta))
    p0 = 1 / (1 + np.exp(-X[0] @ beta))
    print(f"newton l2 {l2:g}: test rows 0, 1, 2, 79: {p[0]:.10f}, {p[1]:.10f}, {p[2]:.10f}, {p[79]:.10f};"
          f" training row 0: {p0:.10f}")
