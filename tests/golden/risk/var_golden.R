#!/usr/bin/env Rscript
# Golden values for finai's market risk (include/finai/risk/var.hpp, backtest.hpp), computed in R from the
# definitions in docs/risk_market.md, on the daily DJIA closes 1980-2012 (data/djia_1980_2012.csv; returns are
# log returns in percent, 100 * log(p_t / p_{t-1}), written as finai computes them).
#
#   Rscript tests/golden/risk/var_golden.R      (from anywhere; writes var_golden.json next to this script)
#
# Needs R >= 4.0 (base quantile / pbinom / pchisq / optimize) and r-cran-fgarch for the filtered-HS cross-check.
# Everything except the fGarch block is an independent re-implementation of the same formulas, so finai must
# agree to 1e-10; the fGarch block is a different optimiser on the same likelihood, checked loosely.

suppressPackageStartupMessages(library(fGarch))

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- dirname(normalizePath(sub("^--file=", "", script_arg)))
root <- normalizePath(file.path(here, "..", "..", ".."))
prices <- read.csv(file.path(root, "data", "djia_1980_2012.csv"))$close
r <- 100 * log(prices[-1] / prices[-length(prices)])
n <- length(r)

# ---- Definitions (docs/risk_market.md) ----
hs_var <- function(loss, p, type) unname(quantile(loss, p, type = type))
# ES_p = 1/(1-p) * integral_p^1 of the type-1 empirical quantile function: each sorted loss x_(i) owns the
# probability interval ((i-1)/n, i/n]; only the part above p counts.
tail_mean <- function(loss, p) {
  x <- sort(loss)
  m <- length(x)
  lo <- (seq_len(m) - 1) / m
  hi <- seq_len(m) / m
  sum(pmax(0, hi - pmax(lo, p)) * x) / (1 - p)
}
# Boudoukh-Richardson-Whitelaw weights: age 0 (the last return) gets (1 - lambda) / (1 - lambda^n).
brw <- function(ret, p, lambda) {
  m <- length(ret)
  w <- lambda^((m - 1):0) * (1 - lambda) / (1 - lambda^m)
  loss <- -ret
  o <- order(loss)
  x <- loss[o]
  cw <- cumsum(w[o])
  k <- which(cw >= p)[1]  # the smallest loss whose cumulative weight reaches p
  lo <- c(0, cw[-m])
  es <- sum(pmax(0, pmin(cw, 1) - pmax(lo, p)) * x) / (1 - p)
  list(var = x[k], es = es)
}
normal_var_es <- function(ret, p) {
  m <- mean(ret); s <- sd(ret); z <- qnorm(p)
  list(var = -m + s * z, es = -m + s * dnorm(z) / (1 - p))
}
t_var_es <- function(ret, p, nu) {
  m <- mean(ret); s <- sd(ret) * sqrt((nu - 2) / nu); q <- qt(p, nu)
  list(var = -m + s * q, es = -m + s * dt(q, nu) * (nu + q^2) / ((nu - 1) * (1 - p)))
}
# Profile log-likelihood of nu for a t with the sample mean and standard deviation, maximised over
# theta = log(nu - 2) on [log(0.01), log(498)], i.e. nu in [2.01, 500].
t_dof_ml <- function(ret) {
  m <- mean(ret); s <- sd(ret)
  ll <- function(theta) {
    nu <- 2 + exp(theta); z <- (ret - m) / s
    sum(lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(pi * (nu - 2)) - log(s) - (nu + 1) / 2 * log1p(z^2 / (nu - 2)))
  }
  o <- optimize(ll, c(log(0.01), log(498)), maximum = TRUE, tol = 1e-12)
  list(dof = 2 + exp(o$maximum), loglik = o$objective)
}
xlogy <- function(x, y) if (x == 0) 0 else x * log(y)  # 0 log 0 = 0
# Kupiec (1995): LR_pof = -2 log[(1-q)^(N-x) q^x] + 2 log[(1-x/N)^(N-x) (x/N)^x].
kupiec <- function(x, N, q) {
  lr <- -2 * (xlogy(N - x, 1 - q) + xlogy(x, q)) + 2 * (xlogy(N - x, 1 - x / N) + xlogy(x, x / N))
  list(lr = lr, p_value = pchisq(lr, 1, lower.tail = FALSE))
}
# Christoffersen (1998) on the N - 1 transitions.
christoffersen <- function(I, q) {
  a <- I[-length(I)]; b <- I[-1]
  n00 <- sum(a == 0 & b == 0); n01 <- sum(a == 0 & b == 1); n10 <- sum(a == 1 & b == 0); n11 <- sum(a == 1 & b == 1)
  pi01 <- if (n00 + n01 > 0) n01 / (n00 + n01) else 0
  pi11 <- if (n10 + n11 > 0) n11 / (n10 + n11) else 0
  pi <- (n01 + n11) / (n00 + n01 + n10 + n11)
  logl1 <- xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11)
  lr_ind <- -2 * (xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)) + 2 * logl1
  lr_cc <- -2 * (xlogy(n00 + n10, 1 - q) + xlogy(n01 + n11, q)) + 2 * logl1
  list(n00 = n00, n01 = n01, n10 = n10, n11 = n11, pi01 = pi01, pi11 = pi11, pi = pi,
       lr_ind = lr_ind, p_ind = pchisq(lr_ind, 1, lower.tail = FALSE),
       lr_cc = lr_cc, p_cc = pchisq(lr_cc, 2, lower.tail = FALSE))
}

# ---- Figures on the last 250 and 1000 returns ----
samples <- list()
for (len in c(250, 1000)) {
  x <- r[(n - len + 1):n]
  loss <- -x
  s <- list(days = len, mean = mean(x), sd = sd(x))
  for (p in c(0.99, 0.975)) {
    key <- sprintf("%g", 1000 * p)
    tml <- t_dof_ml(x)
    s[[paste0("level_", key)]] <- list(
      level = p,
      hs_var_type1 = hs_var(loss, p, 1), hs_var_type7 = hs_var(loss, p, 7), hs_es = tail_mean(loss, p),
      brw_lambda = 0.98, brw_var = brw(x, p, 0.98)$var, brw_es = brw(x, p, 0.98)$es,
      normal_var = normal_var_es(x, p)$var, normal_es = normal_var_es(x, p)$es,
      t5_var = t_var_es(x, p, 5)$var, t5_es = t_var_es(x, p, 5)$es,
      t_ml_dof = tml$dof, t_ml_loglik = tml$loglik,
      t_ml_var = t_var_es(x, p, tml$dof)$var, t_ml_es = t_var_es(x, p, tml$dof)$es)
  }
  samples[[paste0("last_", len)]] <- s
}

# ---- Rolling historical simulation over the last 1000 days: window 1000 (the task's series) and 250 ----
rolling_hs <- function(W, T) {
  days <- (n - T + 1):n  # 1-based indices of the forecast days
  var99 <- numeric(T); var975 <- numeric(T); es975 <- numeric(T)
  for (i in seq_len(T)) {
    loss <- -r[(days[i] - W):(days[i] - 1)]
    var99[i] <- hs_var(loss, 0.99, 1)
    var975[i] <- hs_var(loss, 0.975, 1)
    es975[i] <- tail_mean(loss, 0.975)
  }
  realized <- r[days]
  I <- as.integer(-realized > var99)
  x <- sum(I)
  kp <- kupiec(x, T, 0.01)
  ch <- christoffersen(I, 0.01)
  x250 <- sum(I[(T - 249):T])
  cum <- pbinom(x250, 250, 0.01)
  zone <- if (cum < 0.95) "green" else if (cum < 0.9999) "yellow" else "red"
  breach <- -realized > var975
  list(window = W, days = T, first_day_index0 = days[1] - 1, var99 = var99, var975 = var975, es975 = es975,
       exceptions = x, exception_days_index0 = which(I == 1) - 1,
       kupiec_lr = kp$lr, kupiec_p = kp$p_value,
       n00 = ch$n00, n01 = ch$n01, n10 = ch$n10, n11 = ch$n11, pi01 = ch$pi01, pi11 = ch$pi11, pi = ch$pi,
       christoffersen_lr_ind = ch$lr_ind, christoffersen_p_ind = ch$p_ind,
       christoffersen_lr_cc = ch$lr_cc, christoffersen_p_cc = ch$p_cc,
       exceptions_last_250 = x250, traffic_light_cumulative = cum, traffic_light_zone = zone,
       es_breaches = sum(breach),
       acerbi_szekely_z1 = 1 - mean((-realized[breach]) / es975[breach]),
       acerbi_szekely_z2 = 1 - sum((-realized[breach]) / es975[breach]) / (T * 0.025))
}
rolling <- rolling_hs(1000, 1000)
rolling_250 <- rolling_hs(250, 1000)
cum250 <- pbinom(0:10, 250, 0.01)

# ---- Filtered HS cross-check with fGarch (a different optimiser: compared loosely) ----
fhs <- list()
x <- r[(n - 999):n]
for (dist in c("norm", "std")) {
  fit <- garchFit(~ garch(1, 1), data = x, cond.dist = dist, include.mean = TRUE, trace = FALSE)
  z <- residuals(fit, standardize = TRUE)
  sigma_next <- predict(fit, n.ahead = 1)$standardDeviation[1]
  mu <- unname(coef(fit)["mu"])
  loss <- -(mu + sigma_next * z)
  fhs[[dist]] <- list(coef = as.list(coef(fit)), next_sd = sigma_next,
                      var_99 = hs_var(loss, 0.99, 1), var_975 = hs_var(loss, 0.975, 1), es_975 = tail_mean(loss, 0.975))
}

golden <- list(
  generator = "tests/golden/risk/var_golden.R",
  r_version = R.version.string,
  fgarch_version = as.character(packageVersion("fGarch")),
  data = "data/djia_1980_2012.csv", returns = "100 * log(close_t / close_{t-1})", n_returns = n,
  first_return = r[1], last_return = r[n],
  samples = samples, rolling = rolling, rolling_250 = rolling_250,
  basel_cumulative_250_99 = cum250,
  fhs_fgarch_last_1000 = fhs)

# A small JSON writer (jsonlite is not a Debian-packaged dependency here); numbers with 17 significant digits.
# Vectors that are series stay arrays even when of length 1.
series <- c("var99", "var975", "es975", "exception_days_index0", "basel_cumulative_250_99")
to_json2 <- function(v, key = "", indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(v)) {
    keys <- names(v)
    items <- vapply(seq_along(v), function(i) paste0(inner, '"', keys[i], '": ', to_json2(v[[i]], keys[i], inner)), "")
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
  }
  fmt <- function(e) if (is.character(e)) paste0('"', e, '"') else if (is.logical(e)) tolower(as.character(e))
                     else if (e == round(e) && abs(e) < 1e15) sprintf("%.0f", e) else sprintf("%.17g", e)
  if (length(v) == 1 && !(key %in% series)) return(fmt(v))
  paste0("[", paste(vapply(v, fmt, ""), collapse = ", "), "]")
}
writeLines(to_json2(golden), file.path(here, "var_golden.json"))
cat("wrote", file.path(here, "var_golden.json"), "\n")
