#!/usr/bin/python3
"""Golden values for fairness::SolveMixtureLp (tests/unit/fairness/mixture_lp_test.cpp) from scipy.optimize.linprog.

The LP of fairlearn's _Lagrangian.solve_linprog: variables Q_1..Q_T and z,
  minimise errors . Q + bound * z  s.t.  (moments - eps) Q - z <= 0 (one row per constraint),  sum Q = 1,  Q, z >= 0.
Run: /usr/bin/python3 tests/golden/fairness/make_mixture_lp_golden.py
"""
import numpy as np
from scipy.optimize import linprog


def solve(errors, moments, eps, bound):
    errors = np.asarray(errors, float)
    m = np.asarray(moments, float)  # T x J
    T, J = m.shape
    c = np.concatenate([errors, [bound]])
    A_ub = np.hstack([(m - eps).T, -np.ones((J, 1))])
    A_eq = np.concatenate([np.ones(T), [0.0]])[None, :]
    r = linprog(c, A_ub=A_ub, b_ub=np.zeros(J), A_eq=A_eq, b_eq=[1.0], bounds=[(0, None)] * (T + 1), method="highs")
    assert r.status == 0, r.message
    return r


CASES = {
    # Four classifiers, one group's signed gap (+gap, -gap): the accurate ones are unfair in opposite directions,
    # so the optimum mixes the two most accurate that straddle the constraint.
    "straddle": ([0.10, 0.12, 0.20, 0.30], [[0.30, -0.30], [-0.20, 0.20], [0.05, -0.05], [0.0, 0.0]], 0.05, 20.0),
    # Two groups (four rows); no mixture meets eps = 0.01 because every classifier is unfair to group 2 in the
    # same direction: the slack z is positive.
    "infeasible": ([0.15, 0.18, 0.25], [[0.10, -0.10, 0.20, -0.20], [-0.05, 0.05, 0.12, -0.12],
                                         [0.02, -0.02, 0.08, -0.08]], 0.01, 100.0),
    # A loose tolerance: the most accurate classifier alone.
    "loose": ([0.10, 0.12, 0.20], [[0.04, -0.04], [-0.02, 0.02], [0.0, 0.0]], 0.05, 20.0),
}

for name, (errors, moments, eps, bound) in CASES.items():
    r = solve(errors, moments, eps, bound)
    q = r.x[:-1]
    print(f"{name}: weights {{{', '.join(f'{v:.12g}' for v in q)}}} error {float(np.dot(errors, q)):.12g} "
          f"z {r.x[-1]:.12g} objective {r.fun:.12g}")
