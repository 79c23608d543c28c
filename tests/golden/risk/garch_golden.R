#!/usr/bin/Rscript
# Writes garch_golden.json: GARCH reference fits by R's fGarch for tests/unit/risk_volatility/.
#
# Regenerate (from the repository root) with Debian's R and r-cran-fgarch:
#
#     Rscript tests/golden/risk/garch_golden.R
#
# Data: DJIA daily closes 1980-2012 (data/djia_1980_2012.csv, columns date, close); returns are daily log
# returns in percent, 100 * diff(log(close)), 8609 values. Every expected value is computed by fGarch (or by
# the plain-R likelihood below, which is written from the model's definition), never by finai.
#
# Models (fGarch names -> finai):
#   garch_normal : garchFit(~garch(1,1), cond.dist = "norm")  -> GARCH(1,1), normal
#   garch_std    : garchFit(~garch(1,1), cond.dist = "std")   -> GARCH(1,1), standardised Student-t (shape = nu)
#   gjr_normal   : garchFit(~aparch(1,1), delta = 2, include.delta = FALSE, llh = "filter") -> GJR-GARCH(1,1)
# fGarch's APARCH with delta = 2 is h_t = omega + a (|e| - g e)^2 + beta h_{t-1}, i.e. GJR with
#   alpha_gjr = a (1 - g)^2,  gamma_gjr = 4 a g   (negative shocks get a (1 + g)^2 = alpha_gjr + gamma_gjr);
# its standard errors are mapped by the delta method with fGarch's covariance matrix.
#
# Initialisation: fGarch's default (init.rec = "mci") starts h_1 = omega + P * mean((x - mu)^2), as finai.
# For GJR, fGarch's default Fortran likelihood (llh = "internal") takes P = a + beta (ignoring the leverage
# term), its R "filter" likelihood P = beta + a E[(|z| - g z)^2] = beta + a (1 + g^2) = alpha_gjr +
# gamma_gjr / 2 + beta, which is finai's choice; so the GJR reference uses llh = "filter". The default
# "internal" GJR fit is recorded too (gjr_normal_internal) to show how little the choice matters here.
#
# Standard errors: fGarch's default hessian = "ropt" (stats::optimHess, finite differences of a numerical
# gradient with absolute step 1e-3) and hessian = "rcd" (central differences with relative step 1e-4, the
# same scheme as finai); both are recorded.
suppressPackageStartupMessages(library(fGarch))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
root <- if (length(script)) normalizePath(file.path(dirname(script), "..", "..", "..")) else getwd()
djia <- read.csv(file.path(root, "data", "djia_1980_2012.csv"))
stopifnot(identical(names(djia), c("date", "close")), !anyNA(djia$close))
x <- 100 * diff(log(djia$close))

# The log-likelihood written from the model's definition (finai's parametrisation and initialisation; gamma = 0
# is GARCH, nu = NULL normal innovations), to check that fGarch's reported likelihood is the same function.
loglik_from_definition <- function(x, mu, omega, alpha, gamma, beta, nu = NULL) {
  e <- x - mu
  n <- length(e)
  h <- numeric(n)
  h[1] <- omega + (alpha + gamma / 2 + beta) * mean(e^2)
  for (t in 2:n) h[t] <- omega + (alpha + gamma * (e[t - 1] < 0)) * e[t - 1]^2 + beta * h[t - 1]
  if (is.null(nu)) return(sum(dnorm(e, 0, sqrt(h), log = TRUE)))
  s <- sqrt(nu / (nu - 2))  # t_nu / s has unit variance
  sum(dt(e / sqrt(h) * s, df = nu, log = TRUE) + log(s) - 0.5 * log(h))
}

fit_model <- function(formula, ...) {
  ropt <- garchFit(formula, data = x, trace = FALSE, hessian = "ropt", ...)
  rcd <- garchFit(formula, data = x, trace = FALSE, hessian = "rcd", ...)
  stopifnot(all.equal(coef(ropt), coef(rcd), tolerance = 0))  # the Hessian does not change the estimate
  list(fit = ropt, coef = coef(ropt), cov_ropt = ropt@fit$cvar, cov_rcd = rcd@fit$cvar,
       se_ropt = ropt@fit$se.coef, se_rcd = rcd@fit$se.coef, loglik = -ropt@fit$llh,
       message = ropt@fit$message)
}

# fGarch names -> finai names for the symmetric models.
garch_entry <- function(m, dist) {
  rename <- c(mu = "mu", omega = "omega", alpha1 = "alpha", beta1 = "beta", shape = "nu")
  cf <- m$coef
  nu <- if (dist == "t") cf[["shape"]] else NULL
  list(model = "garch", dist = dist, params = unname(rename[names(cf)]), coef = unname(cf),
       se_ropt = unname(m$se_ropt), se_rcd = unname(m$se_rcd), loglik = unname(m$loglik),
       loglik_from_definition = loglik_from_definition(x, cf[["mu"]], cf[["omega"]], cf[["alpha1"]], 0,
                                                       cf[["beta1"]], nu),
       message = as.character(m$message))
}

# Maps (mu, omega, a, g, beta) to (mu, omega, alpha, gamma, beta) and the covariance by the delta method.
gjr_entry <- function(m, llh) {
  cf <- m$coef
  a <- cf[["alpha1"]]
  g <- cf[["gamma1"]]
  est <- c(cf[["mu"]], cf[["omega"]], a * (1 - g)^2, 4 * a * g, cf[["beta1"]])
  J <- diag(5)  # rows: mu, omega, alpha, gamma, beta; columns: mu, omega, a, g, beta (fGarch's order)
  J[3, 3] <- (1 - g)^2
  J[3, 4] <- -2 * a * (1 - g)
  J[4, 3] <- 4 * g
  J[4, 4] <- 4 * a
  se <- function(cov) sqrt(diag(J %*% cov[c("mu", "omega", "alpha1", "gamma1", "beta1"),
                                          c("mu", "omega", "alpha1", "gamma1", "beta1")] %*% t(J)))
  list(model = "gjr", dist = "normal", fgarch_llh = llh, params = c("mu", "omega", "alpha", "gamma", "beta"),
       coef = est, se_ropt = se(m$cov_ropt), se_rcd = se(m$cov_rcd), loglik = unname(m$loglik),
       fgarch_coef = unname(cf), fgarch_params = names(cf),
       loglik_from_definition = loglik_from_definition(x, est[1], est[2], est[3], est[4], est[5]),
       message = as.character(m$message))
}

g_norm <- fit_model(~garch(1, 1), cond.dist = "norm")
g_std <- fit_model(~garch(1, 1), cond.dist = "std")
gjr_filter <- fit_model(~aparch(1, 1), cond.dist = "norm", delta = 2, include.delta = FALSE,
                        control = list(llh = "filter"))
gjr_internal <- fit_model(~aparch(1, 1), cond.dist = "norm", delta = 2, include.delta = FALSE)

models <- list(garch_normal = garch_entry(g_norm, "normal"), garch_std = garch_entry(g_std, "t"),
               gjr_normal = gjr_entry(gjr_filter, "filter"), gjr_normal_internal = gjr_entry(gjr_internal, "internal"))
stopifnot(g_std$coef[["shape"]] < 9.99)  # fGarch bounds shape by 10: an estimate on it would not be an MLE
# fGarch's likelihood must equal the definition above (same initialisation) to rounding, except for the
# "internal" GJR likelihood, whose start differs (see the header).
for (m in c("garch_normal", "garch_std", "gjr_normal")) {
  stopifnot(abs(models[[m]]$loglik - models[[m]]$loglik_from_definition) < 1e-9 * abs(models[[m]]$loglik))
}

# A small JSON writer (jsonlite is not among the Debian packages used here); 17 significant digits.
to_json <- function(v, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(v)) {
    keys <- names(v)
    items <- vapply(seq_along(v), function(i) paste0(inner, '"', keys[i], '": ', to_json(v[[i]], inner)), "")
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
  }
  fmt1 <- function(e) if (is.character(e)) paste0('"', gsub('"', '\\\\"', e), '"') else sprintf("%.17g", e)
  if (length(v) == 1 && !is.character(names(v))) return(fmt1(v))
  paste0("[", paste(vapply(v, fmt1, ""), collapse = ", "), "]")
}

out <- list(
  generator = "tests/golden/risk/garch_golden.R",
  versions = list(R = R.version.string, fGarch = as.character(packageVersion("fGarch")),
                  timeSeries = as.character(packageVersion("timeSeries"))),
  data = "data/djia_1980_2012.csv: 100 * diff(log(close))",
  n = length(x),
  returns_first = head(x, 3), returns_sum = sum(x),
  models = models)
writeLines(to_json(out), file.path(root, "tests", "golden", "risk", "garch_golden.json"))
cat("wrote tests/golden/risk/garch_golden.json\n")
for (m in names(models)) {
  cat(m, "\n")
  print(rbind(coef = models[[m]]$coef, se_ropt = models[[m]]$se_ropt, se_rcd = models[[m]]$se_rcd))
  cat("loglik", sprintf("%.10f", models[[m]]$loglik), "\n")
}
