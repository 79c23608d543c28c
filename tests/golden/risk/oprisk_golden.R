# Golden values for finai's operational-risk (LDA) module, computed by R on data/danish_fire_claims.csv.
# Run from the repository root:  Rscript tests/golden/risk/oprisk_golden.R
# Writes tests/golden/risk/oprisk_golden.json (read by tests/unit/risk_oprisk/lda_golden_test.cpp).
#
# Why the fits are "polished": MASS::fitdistr stops optim at its default relative tolerance (1e-8 on the
# log-likelihood), which leaves the estimates about 1e-5..1e-4 from the maximum. Those raw values are kept
# ("fitdistr") so the tests can check finai against them at 1e-4, but the reference ("estimate") is the
# fitdistr result refined by Newton steps on the analytic score until the score is ~0 (about 1e-12 relative),
# so that finai can be held to a much tighter tolerance than R's own stopping rule. Standard errors are the
# square roots of the diagonal of the inverse observed information: -Hessian of the log-likelihood at the
# estimate, computed by central differences of the analytic score (error ~1e-10 relative), or exactly where
# the Hessian has a closed form (lognormal, gamma, Poisson).
suppressPackageStartupMessages({
  library(MASS)
  library(actuar)
})

args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args) >= 1) args[1] else "tests/golden/risk/oprisk_golden.json"
data <- read.csv("data/danish_fire_claims.csv", stringsAsFactors = FALSE)
x <- data$loss_mdkk
n <- length(x)
stopifnot(all(x > 0), n == 2167)

# ---- helpers ---------------------------------------------------------------------------------------------
num <- function(v) {
  if (length(v) != 1) return(paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]"))
  if (is.na(v) || !is.finite(v)) return("null")
  sprintf("%.17g", v)
}
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste(sprintf("\"%s\": %s", names(kv), unlist(kv)), collapse = ", "), "}")
}
str <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")

# Jacobian of a score function by central differences (the Hessian of the log-likelihood).
hessian_of_score <- function(score, p) {
  k <- length(p)
  h <- matrix(0, k, k)
  for (j in seq_len(k)) {
    step <- 1e-5 * max(abs(p[j]), 1e-8)
    up <- p; up[j] <- up[j] + step
    dn <- p; dn[j] <- dn[j] - step
    h[, j] <- (score(up) - score(dn)) / (2 * step)
  }
  (h + t(h)) / 2
}
# Newton iterations on the score until it vanishes; returns the refined estimate.
polish <- function(score, p, iterations = 20) {
  for (i in seq_len(iterations)) {
    step <- solve(hessian_of_score(score, p), score(p))
    p <- p - step
    if (max(abs(step / p)) < 1e-15) break
  }
  p
}
std_errors <- function(hessian) sqrt(diag(solve(-hessian)))

# Kolmogorov-Smirnov and Anderson-Darling statistics of x against a fitted CDF.
ks_stat <- function(x, cdf) unname(suppressWarnings(ks.test(x, cdf)$statistic))
# Anderson-Darling from log F and log(1 - F), so that a far tail where F rounds to 1 still counts.
ad_stat <- function(x, log_cdf, log_sf) {
  s <- sort(x)
  m <- length(s)
  i <- seq_len(m)
  -m - sum((2 * i - 1) * (log_cdf(s) + rev(log_sf(s)))) / m
}

# ---- severity: lognormal, Weibull, gamma (MASS::fitdistr, then polished) -----------------------------------
lx <- log(x)
fit_ln <- fitdistr(x, "lognormal")
ln_est <- c(mean(lx), sqrt(mean((lx - mean(lx))^2)))  # closed-form ML
ln_se <- c(ln_est[2] / sqrt(n), ln_est[2] / sqrt(2 * n))
ln_ll <- sum(dlnorm(x, ln_est[1], ln_est[2], log = TRUE))
ln_cdf <- function(q) plnorm(q, ln_est[1], ln_est[2])
ln_log <- list(function(q) plnorm(q, ln_est[1], ln_est[2], log.p = TRUE),
               function(q) plnorm(q, ln_est[1], ln_est[2], lower.tail = FALSE, log.p = TRUE))

fit_wb <- fitdistr(x, "weibull")
wb_score <- function(p) {
  k <- p[1]; s <- p[2]; z <- x / s
  c(n / k - n * log(s) + sum(lx) - sum(z^k * log(z)), -n * k / s + (k / s) * sum(z^k))
}
wb_est <- polish(wb_score, unname(fit_wb$estimate))
wb_se <- std_errors(hessian_of_score(wb_score, wb_est))
wb_ll <- sum(dweibull(x, wb_est[1], wb_est[2], log = TRUE))
wb_cdf <- function(q) pweibull(q, wb_est[1], wb_est[2])
wb_log <- list(function(q) pweibull(q, wb_est[1], wb_est[2], log.p = TRUE),
               function(q) pweibull(q, wb_est[1], wb_est[2], lower.tail = FALSE, log.p = TRUE))

fit_ga <- suppressWarnings(fitdistr(x, "gamma", lower = c(1e-6, 1e-6)))
ga_score <- function(p) c(n * log(p[2]) - n * digamma(p[1]) + sum(lx), n * p[1] / p[2] - sum(x))
ga_est <- polish(ga_score, unname(fit_ga$estimate))
ga_hess <- matrix(c(-n * trigamma(ga_est[1]), n / ga_est[2], n / ga_est[2], -n * ga_est[1] / ga_est[2]^2), 2)
ga_se <- std_errors(ga_hess)
ga_ll <- sum(dgamma(x, ga_est[1], ga_est[2], log = TRUE))
ga_cdf <- function(q) pgamma(q, ga_est[1], ga_est[2])
ga_log <- list(function(q) pgamma(q, ga_est[1], ga_est[2], log.p = TRUE),
               function(q) pgamma(q, ga_est[1], ga_est[2], lower.tail = FALSE, log.p = TRUE))

severity_json <- function(name, param_names, est, se, raw, raw_se, ll, cdf, logs) {
  obj(name = str(name), param_names = paste0("[", paste(str(param_names), collapse = ", "), "]"),
      estimate = num(est), std_error = num(se), fitdistr = num(unname(raw)), fitdistr_sd = num(unname(raw_se)),
      log_likelihood = num(ll), ks = num(ks_stat(x, cdf)), ad = num(ad_stat(x, logs[[1]], logs[[2]])))
}

# ---- frequency: counts per year and per month, Poisson and negative binomial ------------------------------
dates <- as.Date(data$date)
years <- as.integer(format(dates, "%Y"))
year_counts <- as.vector(table(factor(years, levels = seq(min(years), max(years)))))
month_levels <- format(seq(as.Date(format(min(dates), "%Y-%m-01")), as.Date(format(max(dates), "%Y-%m-01")),
                           by = "month"), "%Y-%m")
month_counts <- as.vector(table(factor(format(dates, "%Y-%m"), levels = month_levels)))

frequency_json <- function(counts) {
  m <- length(counts)
  lambda <- mean(counts)
  pois_ll <- sum(dpois(counts, lambda, log = TRUE))
  raw_pois <- fitdistr(counts, "Poisson")
  raw_nb <- suppressWarnings(fitdistr(counts, "negative binomial"))
  nb_score <- function(p) {
    r <- p[1]; mu <- p[2]
    c(sum(digamma(counts + r) - digamma(r) + log(r / (r + mu)) + 1 - (r + counts) / (r + mu)),
      sum(counts / mu - (r + counts) / (r + mu)))
  }
  nb_est <- polish(nb_score, unname(raw_nb$estimate))
  nb_se <- std_errors(hessian_of_score(nb_score, nb_est))
  nb_ll <- sum(dnbinom(counts, size = nb_est[1], mu = nb_est[2], log = TRUE))
  obj(counts = num(counts),
      poisson = obj(lambda = num(lambda), std_error = num(sqrt(lambda / m)), log_likelihood = num(pois_ll),
                    fitdistr = num(unname(raw_pois$estimate)), fitdistr_sd = num(unname(raw_pois$sd))),
      negative_binomial = obj(size = num(nb_est[1]), mu = num(nb_est[2]), std_error = num(nb_se),
                              log_likelihood = num(nb_ll), fitdistr = num(unname(raw_nb$estimate)),
                              fitdistr_sd = num(unname(raw_nb$sd))))
}

# ---- GPD above u = 10 (McNeil 1997's threshold for these data): hand-written ML ----------------------------
gpd_threshold <- 10
y <- x[x > gpd_threshold] - gpd_threshold
ny <- length(y)
gpd_nll <- function(p) {
  xi <- p[1]; beta <- p[2]
  if (beta <= 0 || any(1 + xi * y / beta <= 0)) return(Inf)
  ny * log(beta) + (1 + 1 / xi) * sum(log1p(xi * y / beta))
}
gpd_score <- function(p) {
  xi <- p[1]; beta <- p[2]
  c(sum(log1p(xi * y / beta)) / xi^2 - (1 + 1 / xi) * sum(y / (beta + xi * y)),
    -ny / beta + ((1 + xi) / beta) * sum(y / (beta + xi * y)))
}
gpd_opt <- optim(c(0.5, mean(y)), gpd_nll, gr = function(p) -gpd_score(p), method = "BFGS",
                 control = list(reltol = 1e-14, maxit = 1000))
gpd_est <- polish(gpd_score, gpd_opt$par)
gpd_se <- std_errors(hessian_of_score(gpd_score, gpd_est))
gpd_cdf <- function(q) {
  xi <- gpd_est[1]; beta <- gpd_est[2]
  1 - (1 + xi * q / beta)^(-1 / xi)
}
gpd_log_sf <- function(q) -log1p(gpd_est[1] * q / gpd_est[2]) / gpd_est[1]
gpd_log_cdf <- function(q) log(-expm1(gpd_log_sf(q)))
mean_excess_at <- c(1.5, 2, 5, 10, 20, 50)
mean_excess <- vapply(mean_excess_at, function(u) mean(x[x > u] - u), 0)
mean_excess_n <- vapply(mean_excess_at, function(u) sum(x > u), 0)

# ---- Panjer recursion: actuar::aggregateDist(method = "recursive") ----------------------------------------
# Severity discretised by the rounding method (actuar::discretize), frequency Poisson (yearly mean) and
# negative binomial (polished yearly fit). Parameters are written to the JSON so finai uses exactly these.
panjer_json <- function(freq, freq_par, step, probs, cdf_at) {
  upper <- 20000
  fx <- discretize(plnorm(x, ln_est[1], ln_est[2]), from = 0, to = upper, step = step, method = "rounding")
  agg <- if (freq == "poisson") {
    aggregateDist("recursive", model.freq = "poisson", model.sev = fx, lambda = freq_par[1], x.scale = step,
                  maxit = 1e6, tol = 1e-12)
  } else {
    aggregateDist("recursive", model.freq = "negative binomial", model.sev = fx, size = freq_par[1],
                  prob = freq_par[1] / (freq_par[1] + freq_par[2]), x.scale = step, maxit = 1e6, tol = 1e-12)
  }
  obj(frequency = str(freq), frequency_params = num(freq_par), meanlog = num(ln_est[1]), sdlog = num(ln_est[2]),
      step = num(step), probs = num(probs), quantiles = num(unname(quantile(agg, probs))),
      cte = num(unname(CTE(agg, probs))), cdf_at = num(cdf_at), cdf = num(agg(cdf_at)),
      mean = num(mean(agg)))
}
nb_year <- local({
  raw <- suppressWarnings(fitdistr(year_counts, "negative binomial"))
  sc <- function(p) {
    r <- p[1]; mu <- p[2]
    c(sum(digamma(year_counts + r) - digamma(r) + log(r / (r + mu)) + 1 - (r + year_counts) / (r + mu)),
      sum(year_counts / mu - (r + year_counts) / (r + mu)))
  }
  polish(sc, unname(raw$estimate))
})
probs <- c(0.5, 0.9, 0.99, 0.999)
cdf_at <- c(400, 500, 559.25, 600, 700, 800)

json <- obj(
  r_version = str(R.version.string),
  packages = obj(MASS = str(as.character(packageVersion("MASS"))), actuar = str(as.character(packageVersion("actuar")))),
  data = str("data/danish_fire_claims.csv"),
  n = num(n),
  severity = paste0("[", paste(c(
    severity_json("lognormal", c("meanlog", "sdlog"), ln_est, ln_se, fit_ln$estimate, fit_ln$sd, ln_ll, ln_cdf, ln_log),
    severity_json("weibull", c("shape", "scale"), wb_est, wb_se, fit_wb$estimate, fit_wb$sd, wb_ll, wb_cdf, wb_log),
    severity_json("gamma", c("shape", "rate"), ga_est, ga_se, fit_ga$estimate, fit_ga$sd, ga_ll, ga_cdf, ga_log)),
    collapse = ",\n  "), "]"),
  frequency_year = frequency_json(year_counts),
  frequency_month = frequency_json(month_counts),
  gpd = obj(threshold = num(gpd_threshold), exceedances = num(ny), xi = num(gpd_est[1]), beta = num(gpd_est[2]),
            std_error = num(gpd_se), log_likelihood = num(-gpd_nll(gpd_est)), ks = num(ks_stat(y, gpd_cdf)),
            ad = num(ad_stat(y, gpd_log_cdf, gpd_log_sf))),
  mean_excess = obj(threshold = num(mean_excess_at), mean_excess = num(mean_excess), exceedances = num(mean_excess_n)),
  panjer_poisson = panjer_json("poisson", mean(year_counts), 0.25, probs, cdf_at),
  panjer_negative_binomial = panjer_json("negative binomial", nb_year, 0.25, probs, cdf_at)
)
writeLines(gsub("}, \"", "},\n \"", json), out_path)
cat("wrote", out_path, "\n")
